#pragma once
/// `tn::mpi::fit(trainer, comm, data, options)`: data-parallel training.
/// Every rank walks the same shuffled order of the whole data set (same
/// seed) in global batches of ranks x B rows; rank r takes rows
/// [r B, (r + 1) B) of each, runs the trainer's fused forward and backward
/// pass on them, and the ranks sum their gradients with one MPI_Allreduce
/// over one contiguous buffer laid out at compile time (every parameter,
/// plus the batch's loss, correct count and a failure flag), allocated once.
/// Every rank then applies the same update to the same weights (rank 0's,
/// broadcast at the start): N ranks with batch B train as one process with
/// batch N x B over the same order, up to the order of float additions.
///
/// The last, partial global batch is a short step as in trainer::fit (the
/// update and loss of a batch of its rows), including ranks that get none
/// of its rows (they add a zero gradient); with a loss that cannot pad, it
/// is filled up with the epoch's first rows. Loss and accuracy are global;
/// only rank 0 draws the progress bar.
///
/// Errors: an exception on any rank (a non-finite loss or gradient, a
/// throwing on_epoch, a bad label) stops every rank at the same collective:
/// the failing rank rethrows its exception, every other rank throws
/// mpi::remote_error with its message. Nobody is left waiting.
#include <algorithm>
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <exception>
#include <functional>
#include <memory>
#include <new>
#include <numeric>
#include <random>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include <mpi.h>

#include <typenet/mpi/communicator.hpp>
#include <typenet/nn/progress.hpp>
#include <typenet/nn/trainer.hpp>

namespace typenet::mpi {

/// Where the time of mpi::fit's steps went (optional output).
struct fit_statistics {
  std::size_t steps = 0;
  std::size_t bytes_per_step = 0;   // reduced by each MPI_Allreduce
  double reduce_seconds = 0;        // in MPI_Allreduce (includes waiting for the slowest rank)
  double step_seconds = 0;          // whole steps, gathering the rows included
};

struct fit_options {
  std::size_t epochs = 1;
  std::uint64_t shuffle_seed = 1;
  bool shuffle = true;
  /// Rank 0's progress bar (or one line per epoch); none if false.
  bool progress = true;
  /// Called after each epoch on every rank, with the global record.
  std::function<void(const epoch_record&)> on_epoch{};
  /// After each epoch, every rank's weights are compared with rank 0's
  /// (a 64-bit checksum in the epoch's checkpoint); a difference is an
  /// mpi::error naming the rank and the epoch.
  bool check_weights = false;
  fit_statistics* statistics = nullptr;
};

namespace detail {
/// Another rank failed during this step (known from the step's reduction).
struct peer_failure {};

/// An array of T aligned to matrix_alignment, allocated once.
template <class T>
struct aligned_buffer {
  struct release {
    void operator()(T* p) const noexcept { ::operator delete[](p, std::align_val_t{matrix_alignment}); }
  };
  explicit aligned_buffer(std::size_t n)
      : values(static_cast<T*>(::operator new[](n * sizeof(T), std::align_val_t{matrix_alignment}))), size(n) {
    std::fill_n(values.get(), n, T(0));
  }
  std::unique_ptr<T, release> values;
  std::size_t size;
  [[nodiscard]] std::span<T> span() const noexcept { return {values.get(), size}; }
};

/// Every parameter into (or out of) the trainer's gradient layout.
template <class Trainer, class P, class T>
void pack(const P& p, T* buffer) {
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    ((void)std::copy_n(p.template get<I>().data(), p.template get<I>().size, buffer + Trainer::gradient_offsets[I]), ...);
  }(std::make_index_sequence<P::count>{});
}
template <class Trainer, class P, class T>
void unpack(const T* buffer, P& p) {
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    ((void)std::copy_n(buffer + Trainer::gradient_offsets[I], p.template get<I>().size, p.template get<I>().data()), ...);
  }(std::make_index_sequence<P::count>{});
}

/// FNV-1a over the weights' bytes, 62 bits (negatable in a checkpoint).
template <class P>
std::int64_t checksum(const P& p) noexcept {
  std::uint64_t h = 14695981039346656037ull;
  p.for_each([&](auto, const auto& m) {
    const auto* bytes = reinterpret_cast<const unsigned char*>(m.data());
    for (std::size_t i = 0; i < m.size * sizeof(*m.data()); ++i) h = (h ^ bytes[i]) * 1099511628211ull;
  });
  return static_cast<std::int64_t>(h >> 2);
}
}  // namespace detail

template <class Net, class Loss, class Optimizer, class Batch, class T, class Threads, class Dataset>
history fit(trainer<Net, Loss, Optimizer, Batch, T, Threads>& t, const communicator& comm, const Dataset& data,
            const fit_options& options = {}) {
  using Trainer = typenet::trainer<Net, Loss, Optimizer, Batch, T, Threads>;
  constexpr std::size_t B = Trainer::batch_size;
  constexpr bool short_steps = Loss::template supports_partial_batches<Net>;
  constexpr std::size_t grads = Trainer::gradient_floats;
  const int rank = comm.rank();
  const int ranks = comm.size();
  const MPI_Comm c = comm.get();
  const std::size_t n = data.size();

  // every rank is here (none left), with the same data set size
  if (!comm.checkpoint(nullptr, static_cast<std::int64_t>(n)))
    throw error("typenet: mpi::fit: the ranks' data sets differ in size (this rank, " + std::to_string(rank) + ", has " +
                std::to_string(n) + " rows); every rank must load the same data");
  if (n == 0) throw std::invalid_argument("typenet: mpi::fit: the dataset is empty");

  // the buffer: every gradient, then the step's loss share, correct count and failures
  detail::aligned_buffer<T> buffer(grads + 3);
  T* const tail = buffer.values.get() + grads;
  const int count = static_cast<int>(buffer.size);
  const MPI_Datatype type = mpi::detail::datatype<T>();

  // rank 0's weights everywhere
  detail::pack<Trainer>(t.parameters(), buffer.values.get());
  mpi::detail::check(MPI_Bcast(buffer.values.get(), static_cast<int>(grads), type, 0, c), "MPI_Bcast (weights)");
  detail::unpack<Trainer>(buffer.values.get(), t.parameters());

  auto x = std::make_unique<typename Trainer::input_matrix>();
  auto y = std::make_unique<typename Trainer::target_matrix>();
  std::array<std::size_t, B> labels{};
  std::vector<std::uint32_t> order(n);
  const std::size_t global = static_cast<std::size_t>(ranks) * B;
  const std::size_t steps_per_epoch = (n + global - 1) / global;
  const T inverse_ranks = T(1) / static_cast<T>(ranks);
  fit_statistics stats{0, buffer.size * sizeof(T), 0, 0};
  const std::size_t mine = static_cast<std::size_t>(rank) * B;  // this rank's first row in a global batch

  history h;
  for (std::size_t epoch = 0; epoch < options.epochs; ++epoch) {
    t.set_epoch(epoch);
    epoch_order(order, n, options.shuffle_seed, epoch, options.shuffle);  // as trainer::fit
    progress_bar bar(options.progress && rank == 0, epoch + 1, options.epochs, steps_per_epoch);
    const auto start = std::chrono::steady_clock::now();
    double loss_sum = 0;
    double correct = 0;
    for (std::size_t s = 0; s < steps_per_epoch; ++s) {
      const double step_start = MPI_Wtime();
      const std::size_t first = s * global;
      const std::size_t real = std::min(global, n - first);       // rows of this global batch
      const std::size_t counted = std::min(B, real > mine ? real - mine : 0);  // this rank's rows among them
      const std::size_t rows = short_steps ? counted : B;             // else filled up from the epoch's first rows
      bool reduced = false;
      double step_loss = 0;
      try {
        std::fill(y->begin(), y->end(), T(0));
        for (std::size_t r = 0; r < rows; ++r) {
          const std::size_t i = order[(first + mine + r) % n];
          std::copy_n(data.row_data(i), Trainer::inputs, &(*x)(r, 0));
          const auto label = data.label(i);
          if (label < 0 || static_cast<std::size_t>(label) >= Trainer::outputs)
            throw std::out_of_range("typenet: mpi::fit: label " + std::to_string(static_cast<long long>(label)) +
                                    " of row " + std::to_string(i) + " is not a class (0.." +
                                    std::to_string(Trainer::outputs - 1) + ")");
          labels[r] = static_cast<std::size_t>(label);
          (*y)(r, labels[r]) = T(1);
        }
        // this rank's rows of the next global batch start loading now
        const std::size_t next = first + global + mine;
        for (std::size_t r = next; r < std::min(n, next + B); ++r)
          typenet::detail::prefetch_row(data.row_data(order[r]), Trainer::inputs);
        t.step_with_reduction(*x, *y, rows, buffer.span(), [&](T share) -> double {
          std::size_t right = 0;
          const auto& out = t.last_output();
          for (std::size_t r = 0; r < counted; ++r)
            right += typenet::detail::argmax(&out(r, 0), Trainer::outputs) == labels[r] ? 1 : 0;
          tail[0] = share;
          tail[1] = static_cast<T>(right);
          tail[2] = T(0);
          const double t0 = MPI_Wtime();
          mpi::detail::check(MPI_Allreduce(MPI_IN_PLACE, buffer.values.get(), count, type, MPI_SUM, c),
                             "MPI_Allreduce (gradients)");
          stats.reduce_seconds += MPI_Wtime() - t0;
          reduced = true;
          if (tail[2] != T(0)) throw detail::peer_failure{};
          T* g = buffer.values.get();
          for (std::size_t i = 0; i < grads; ++i) g[i] *= inverse_ranks;
          // the loss of the global batch's real rows; its gradient is the mean over them
          const double shares = static_cast<double>(tail[0]);
          step_loss = short_steps ? shares * static_cast<double>(B) / static_cast<double>(real)
                                  : shares / static_cast<double>(ranks);
          correct += static_cast<double>(tail[1]);
          return short_steps ? static_cast<double>(global) / static_cast<double>(real) : 1.0;
        });
      } catch (const detail::peer_failure&) {
        comm.fail(nullptr);
      } catch (...) {
        const std::exception_ptr e = std::current_exception();
        if (!reduced) {  // the others are waiting in this step's reduction: join it, failing
          tail[2] = T(1);
          mpi::detail::check(MPI_Allreduce(MPI_IN_PLACE, buffer.values.get(), count, type, MPI_SUM, c),
                             "MPI_Allreduce (gradients)");
        }
        comm.fail(e);
      }
      loss_sum += step_loss;
      stats.step_seconds += MPI_Wtime() - step_start;
      ++stats.steps;
      bar.update(s + 1, loss_sum / static_cast<double>(s + 1),
                 correct / static_cast<double>(std::min(n, (s + 1) * global)));
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const epoch_record rec{epoch + 1, loss_sum / static_cast<double>(steps_per_epoch), correct / static_cast<double>(n),
                           seconds, t.learning_rate()};
    bar.finish(rec.loss, rec.accuracy, seconds);
    h.epochs.push_back(rec);
    std::exception_ptr failed;
    try {
      if (options.on_epoch) options.on_epoch(rec);
    } catch (...) {
      failed = std::current_exception();
    }
    const std::int64_t sum = options.check_weights ? detail::checksum(t.parameters()) : 0;
    if (!comm.checkpoint(failed, sum)) {
      // find the lowest rank whose weights differ from rank 0's
      std::int64_t reference = sum;
      mpi::detail::check(MPI_Bcast(&reference, 1, MPI_INT64_T, 0, c), "MPI_Bcast (checksum)");
      const auto all = mpi::detail::exchange(c, {sum != reference ? ranks - rank : 0, 0, 1, 0, 0});
      throw error("typenet: mpi::fit: after epoch " + std::to_string(epoch + 1) + ", the weights of rank " +
                  std::to_string(ranks - all.failed) + " differ from rank 0's");
    }
  }
  if (options.statistics) *options.statistics = stats;
  return h;
}

}  // namespace typenet::mpi
