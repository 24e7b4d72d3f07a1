#pragma once
/// `tn::mpi::communicator`: a group of MPI processes (ranks), and the small
/// collective protocol tn::mpi uses so that an error on one rank stops every
/// rank with that rank's message instead of leaving the others waiting in a
/// collective: at each of its checkpoints every rank reports its status
/// (failed, leaving the program, a value all must agree on) in one
/// MPI_Allreduce, and the lowest failing rank then broadcasts its message.
#include <cstddef>
#include <cstdint>
#include <exception>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>

#include <mpi.h>

namespace typenet::mpi {

/// An MPI call failed, or the ranks disagree (e.g. on the data set's size).
class error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Thrown on every other rank when one rank failed inside a collective of
/// tn::mpi: names that rank and carries its message. The failing rank itself
/// gets its own exception back.
class remote_error : public error {
 public:
  remote_error(int rank, const std::string& message)
      : error("typenet: mpi: rank " + std::to_string(rank) + " stopped: " + message), rank_(rank) {}
  [[nodiscard]] int rank() const noexcept { return rank_; }

 private:
  int rank_;
};

namespace detail {
/// Throws mpi::error naming the call when an MPI call did not succeed.
inline void check(int code, const char* call) {
  if (code == MPI_SUCCESS) return;
  char text[MPI_MAX_ERROR_STRING];
  int length = 0;
  MPI_Error_string(code, text, &length);
  throw error(std::string("typenet: mpi: ") + call + " failed: " + std::string(text, static_cast<std::size_t>(length)));
}

template <class T>
MPI_Datatype datatype() noexcept {
  static_assert(std::is_same_v<T, float> || std::is_same_v<T, double>, "typenet: mpi: values must be float or double");
  if constexpr (std::is_same_v<T, float>) return MPI_FLOAT;
  else return MPI_DOUBLE;
}

/// What each rank reports at a checkpoint; combined with MPI_MAX.
struct status {
  std::int64_t failed = 0;    // size - rank when this rank failed: the maximum names the lowest failing rank
  std::int64_t leaving = 0;   // size - rank when this rank is leaving the program (environment's destructor)
  std::int64_t staying = 0;   // 1 when this rank is not leaving: 0 in the maximum means every rank is
  std::int64_t value = 0;     // a value every rank must agree on: max(value) == -max(-value)
  std::int64_t negated = 0;
};
inline constexpr int status_fields = 5;

inline status exchange(MPI_Comm comm, status mine) {
  static_assert(sizeof(status) == status_fields * sizeof(std::int64_t));
  check(MPI_Allreduce(MPI_IN_PLACE, &mine, status_fields, MPI_INT64_T, MPI_MAX, comm), "MPI_Allreduce (status)");
  return mine;
}

/// The message of an exception.
inline std::string message_of(const std::exception_ptr& e) {
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& x) {
    return x.what();
  } catch (...) {
    return "an exception that is not a std::exception";
  }
}
}  // namespace detail

class communicator {
 public:
  explicit communicator(MPI_Comm comm) noexcept : comm_(comm) {}

  [[nodiscard]] int rank() const {
    int r = 0;
    detail::check(MPI_Comm_rank(comm_, &r), "MPI_Comm_rank");
    return r;
  }
  [[nodiscard]] int size() const {
    int s = 0;
    detail::check(MPI_Comm_size(comm_, &s), "MPI_Comm_size");
    return s;
  }
  [[nodiscard]] MPI_Comm get() const noexcept { return comm_; }

  /// A checkpoint of every rank (collective): `local` is this rank's error
  /// (null if none) and `agree` a value all ranks must share. Throws on
  /// every rank when some rank failed (see fail), or left the program;
  /// returns whether all ranks gave the same `agree`.
  bool checkpoint(const std::exception_ptr& local, std::int64_t agree = 0) const {
    const int r = rank();
    const int n = size();
    detail::status mine{local ? n - r : 0, 0, 1, agree, -agree};
    const detail::status all = detail::exchange(comm_, mine);
    if (all.failed != 0) raise(static_cast<int>(n - all.failed), local);
    if (all.leaving != 0)
      throw error("typenet: mpi: rank " + std::to_string(n - all.leaving) +
                  " has left the program (its main returned or threw) while this rank was still training");
    return all.value == -all.negated;
  }

  /// After a collective in which some rank failed (every rank calls it):
  /// finds the lowest failing rank, which broadcasts its message; that rank
  /// rethrows `local`, every other rank throws remote_error.
  [[noreturn]] void fail(const std::exception_ptr& local) const {
    const int r = rank();
    const int n = size();
    const detail::status all = detail::exchange(comm_, detail::status{local ? n - r : 0, 0, 1, 0, 0});
    if (all.failed == 0) throw error("typenet: mpi: a rank failed, but none reports it");  // not reached
    raise(static_cast<int>(n - all.failed), local);
  }

 private:
  [[noreturn]] void raise(int root, const std::exception_ptr& local) const {
    std::string message = rank() == root ? detail::message_of(local) : std::string{};
    std::int64_t length = static_cast<std::int64_t>(message.size());
    detail::check(MPI_Bcast(&length, 1, MPI_INT64_T, root, comm_), "MPI_Bcast (error)");
    message.resize(static_cast<std::size_t>(length));
    detail::check(MPI_Bcast(message.data(), static_cast<int>(length), MPI_CHAR, root, comm_), "MPI_Bcast (error)");
    if (local) std::rethrow_exception(local);
    throw remote_error(root, message);
  }

  MPI_Comm comm_;
};

/// Runs f() on every rank (collective) and returns its result, or, if f
/// threw on some rank, stops every rank: that rank rethrows its exception,
/// the others throw remote_error with its message. For what each rank does
/// alone before training, e.g. loading its data:
///
///   auto train = tn::mpi::all_or_none(mpi.world(), [&] { return tn::data::load_idx<784>(...); });
template <class F>
auto all_or_none(const communicator& comm, F&& f) {
  using R = decltype(f());
  if constexpr (std::is_void_v<R>) {
    std::exception_ptr failed;
    try {
      f();
    } catch (...) {
      failed = std::current_exception();
    }
    comm.checkpoint(failed);
  } else {
    std::optional<R> result;
    std::exception_ptr failed;
    try {
      result.emplace(f());
    } catch (...) {
      failed = std::current_exception();
    }
    comm.checkpoint(failed);
    return std::move(*result);
  }
}

}  // namespace typenet::mpi
