#pragma once
/// typenet's optional MPI component (CMake: typenet::mpi, which links
/// MPI::MPI_CXX; the core never includes MPI): data-parallel training.
///
///   tn::mpi::environment mpi(argc, argv);
///   auto h = tn::mpi::fit(trainer, mpi.world(), train, {.epochs = 5});
///   if (mpi.rank() == 0) tn::save(p, "model.safetensors");
#include <typenet/mpi/communicator.hpp>
#include <typenet/mpi/environment.hpp>
#include <typenet/mpi/fit.hpp>
