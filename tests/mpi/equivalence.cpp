// mpi.equivalence.<N>: N ranks with batch B train the weights one process
// gets with batch N x B over the same order (tn::trainer::fit, computed on
// every rank as the reference), up to float reassociation, for SGD, momentum
// and Adam, with short last batches in which some ranks get no rows, and
// with threads inside the ranks. The loss and accuracy fit reports are the
// global ones. No heap allocation per step: fit over 3x the rows allocates
// as often as over the rows. Run by ctest under mpiexec with 2 and 4 ranks.
#include <algorithm>
#include <cmath>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <random>
#include <string>
#include <vector>

#include <typenet/mpi.hpp>
#include <typenet/typenet.hpp>

#include "common.hpp"

namespace tn = typenet;

// Counts this program's (unaligned) operator new calls: std::string, std::vector,
// std::function; MPI's own buffers are malloc'd, not counted. g++ warns about
// the free next to the library's inlined aligned operator new (see unit/allocations.cpp).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif
static std::atomic<std::size_t> allocations{0};
void* operator new(std::size_t n) {
  ++allocations;
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace {

using typenet_mpi_test::dataset;
using typenet_mpi_test::make_data;
using typenet_mpi_test::net;

int failures = 0;
double worst_weights = 0;  // the largest difference measured, over every case
constexpr double weight_tolerance = 1e-6;  // measured: at most 1.8e-7 (2 and 4 ranks)
constexpr double loss_tolerance = 1e-5;

void check(bool ok, const std::string& what, int rank) {
  if (!ok) {
    ++failures;
    std::fprintf(stderr, "rank %d: FAILED: %s\n", rank, what.c_str());
  }
}

template <class P>
double max_difference(const P& a, const P& b) {
  double d = 0;
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    (
        [&] {
          const auto& x = a.template get<I>();
          const auto& y = b.template get<I>();
          for (std::size_t k = 0; k < x.size; ++k)
            d = std::max(d, std::abs(static_cast<double>(x.values[k]) - static_cast<double>(y.values[k])));
        }(),
        ...);
  }(std::make_index_sequence<P::count>{});
  return d;
}

/// N ranks x batch B (threads per rank: Threads) against one process with batch N x B.
template <std::size_t N, std::size_t B, class Optimizer, class Threads = tn::threads<1>>
void compare(const tn::mpi::communicator& world, const char* name, typename Optimizer::config config, std::size_t n) {
  const int rank = world.rank();
  const dataset data = make_data(n);
  const std::size_t epochs = 3;

  auto reference = tn::init<net>(tn::glorot_uniform{}, 3);
  tn::trainer<net, tn::cross_entropy, Optimizer, tn::batch<N * B>, float, tn::threads<1>> one{reference, config};
  const tn::history expected = one.fit(data, {.epochs = epochs, .shuffle_seed = 9, .progress = false});

  // the other ranks start from other weights: rank 0's are broadcast
  auto p = tn::init<net>(tn::glorot_uniform{}, 3 + static_cast<std::uint64_t>(rank));
  tn::trainer<net, tn::cross_entropy, Optimizer, tn::batch<B>, float, Threads> t{p, config};
  std::size_t calls = 0;
  tn::mpi::fit_statistics stats;
  const tn::history got = tn::mpi::fit(t, world, data,
                                       {.epochs = epochs,
                                        .shuffle_seed = 9,
                                        .progress = false,
                                        .on_epoch = [&](const tn::epoch_record&) { ++calls; },
                                        .check_weights = true,
                                        .statistics = &stats});

  const std::string what = std::string(name) + ", " + std::to_string(N) + " ranks x batch " + std::to_string(B) +
                           ", threads " + std::to_string(t.threads_used()) + ", " + std::to_string(n) + " rows";
  const double d = max_difference(p, reference);
  worst_weights = std::max(worst_weights, d);
  check(d <= weight_tolerance, what + ": weights differ from one process by " + std::to_string(d), rank);
  check(got.epochs.size() == epochs && calls == epochs, what + ": epochs", rank);
  for (std::size_t e = 0; e < std::min(epochs, got.epochs.size()); ++e) {
    const double dl = std::abs(got.epochs[e].loss - expected.epochs[e].loss);
    check(dl <= loss_tolerance * std::max(1.0, std::abs(expected.epochs[e].loss)),
          what + ": epoch " + std::to_string(e + 1) + " loss " + std::to_string(got.epochs[e].loss) + " vs " +
              std::to_string(expected.epochs[e].loss),
          rank);
    // an argmax may flip with the last bits of a weight: at most one row
    check(std::abs(got.epochs[e].accuracy - expected.epochs[e].accuracy) <= 1.0 / static_cast<double>(n) + 1e-12,
          what + ": epoch " + std::to_string(e + 1) + " accuracy " + std::to_string(got.epochs[e].accuracy) + " vs " +
              std::to_string(expected.epochs[e].accuracy),
          rank);
  }
  check(t.steps_done() == one.steps_done(), what + ": steps " + std::to_string(t.steps_done()) + " vs " +
                                                std::to_string(one.steps_done()), rank);
  check(stats.steps == t.steps_done() &&
            stats.bytes_per_step == (decltype(t)::gradient_floats + 3) * sizeof(float),
        what + ": statistics", rank);
  if (rank == 0)
    std::printf("%-8s %s: max |w - w_one_process| = %.3g, epoch-3 loss %.6f vs %.6f\n", name, what.c_str(), d,
                got.epochs.back().loss, expected.epochs.back().loss);
}

/// Allocations of one mpi::fit of 2 epochs over n rows (after the trainer is made).
template <std::size_t B>
std::size_t fit_allocations(const tn::mpi::communicator& world, std::size_t n) {
  const dataset data = make_data(n);
  auto p = tn::init<net>(tn::glorot_uniform{}, 3);
  tn::trainer<net, tn::cross_entropy, tn::adam, tn::batch<B>, float, tn::threads<1>> t{p, {.learning_rate = 0.01f}};
  const std::size_t before = allocations.load();
  tn::mpi::fit(t, world, data, {.epochs = 2, .progress = false});
  return allocations.load() - before;
}

template <std::size_t N>
void run(const tn::mpi::communicator& world) {
  constexpr std::size_t B = 4;
  {
    const std::size_t few = fit_allocations<B>(world, 10 * N * B + 3);
    const std::size_t many = fit_allocations<B>(world, 30 * N * B + 3);
    check(few == many, "allocations: " + std::to_string(few) + " for 11 steps per epoch, " + std::to_string(many) +
                           " for 31: some step allocates", world.rank());
    if (world.rank() == 0) std::printf("allocations per fit (2 epochs): %zu with 11 steps per epoch, %zu with 31\n", few, many);
  }
  // the last global batch: 3 rows, all on rank 0 (the other ranks get none)
  const std::size_t rank0_only = 5 * N * B + 3;
  // the last global batch: B + 2 rows, rank 1's short
  const std::size_t rank1_short = 5 * N * B + B + 2;
  compare<N, B, tn::sgd>(world, "sgd", {.learning_rate = 0.1f}, rank0_only);
  compare<N, B, tn::sgd>(world, "sgd", {.learning_rate = 0.1f}, rank1_short);
  compare<N, B, tn::momentum>(world, "momentum", {.learning_rate = 0.05f, .momentum = 0.9f}, rank0_only);
  compare<N, B, tn::momentum>(world, "momentum", {.learning_rate = 0.05f, .momentum = 0.9f}, rank1_short);
  compare<N, B, tn::adam>(world, "adam", {.learning_rate = 0.01f}, rank0_only);
  compare<N, B, tn::adam>(world, "adam", {.learning_rate = 0.01f}, rank1_short);
  // exact division: no short step
  compare<N, B, tn::adam>(world, "adam", {.learning_rate = 0.01f}, 6 * N * B);
  // hybrid: 2 threads in each rank (each rank's batch in 2 parts)
  compare<N, 2 * B, tn::sgd, tn::threads<2>>(world, "sgd", {.learning_rate = 0.1f}, 5 * N * 2 * B + 3);
  compare<N, 2 * B, tn::adam, tn::threads<2>>(world, "adam", {.learning_rate = 0.01f}, 5 * N * 2 * B + 2 * B + 1);
}

}  // namespace

int main(int argc, char** argv) {
  tn::mpi::environment mpi(argc, argv);
  const auto world = mpi.world();
  switch (mpi.size()) {
    case 2: run<2>(world); break;
    case 4: run<4>(world); break;
    default:
      if (mpi.rank() == 0) std::fprintf(stderr, "mpi.equivalence: run on 2 or 4 ranks, not %d\n", mpi.size());
      return 2;
  }
  int total = failures;
  MPI_Allreduce(MPI_IN_PLACE, &total, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
  double worst = worst_weights;
  MPI_Allreduce(MPI_IN_PLACE, &worst, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
  if (mpi.rank() == 0)
    std::printf("mpi.equivalence on %d ranks: %d failures; largest weight difference %.3g (tolerance %.1g)\n",
                mpi.size(), total, worst, weight_tolerance);
  return total == 0 ? 0 : 1;
}
