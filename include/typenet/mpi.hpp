#pragma once
/// typenet's optional MPI component (CMake: find_package(typenet REQUIRED
/// COMPONENTS mpi) and typenet::mpi, which links MPI::MPI_CXX; the core never
/// includes MPI): data-parallel training, one MPI_Allreduce per step.
///
///   int main(int argc, char** argv) {
///     tn::mpi::environment mpi(argc, argv);        // MPI_Init_thread ... MPI_Finalize
///     auto train = tn::data::load_idx<784>(...);   // every rank opens the same files
///     auto p = tn::init<net>(tn::glorot_uniform{}, 1);   // rank 0's weights are broadcast
///     tn::trainer<net, tn::cross_entropy, tn::sgd, tn::batch<32>> t{p, {.learning_rate = 0.1f}};
///     auto h = tn::mpi::fit(t, mpi.world(), train, {.epochs = 5});   // global batch = ranks x 32
///     if (mpi.rank() == 0) tn::save(p, "model.safetensors");
///   }
///
///   mpirun -n 2 ./app                        one machine, 2 ranks (here: --oversubscribe past the cores)
///   mpirun -hostfile hosts --map-by socket ./app    a cluster: one rank per socket (or per node)
///
/// One machine versus several: on one machine, `tn::threads<N>` inside one
/// process is the tool (the threads share the weights; nothing is copied or
/// reduced through MPI). MPI pays across machines, where each node's cores
/// are a rank's threads: `tn::threads<cores per rank>` in the trainer and one
/// rank per node or socket (hybrid; the ranks call MPI from the main thread
/// only, MPI_THREAD_FUNNELED). Each step reduces 4 x (parameters) bytes, so
/// a rank pays for itself when its share of the step's compute (3 x batch x
/// FLOP per sample, divided among the ranks) outweighs that transfer: see
/// benchmarks/mpi.cpp for the figures on one machine.
#include <typenet/mpi/communicator.hpp>
#include <typenet/mpi/environment.hpp>
#include <typenet/mpi/fit.hpp>
