#pragma once
/// A team of worker threads for the parts of one step: `run(n, f)` calls
/// f(0) .. f(n-1), spread over the caller and the workers, and returns when
/// all are done. Workers spin for a few microseconds after each job (a step
/// follows a step closely) and then sleep on an atomic wait, so an idle
/// trainer costs no CPU. Threads are made once, with the team; a run
/// allocates nothing.
#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <thread>
#include <vector>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace typenet {

/// How many parts a trainer splits each batch into, run on that many
/// threads: `tn::threads<2>`; `tn::threads<0>` (the default) decides from the
/// shapes (see trainer::parts).
template <std::size_t N>
struct threads {
  static constexpr std::size_t count = N;
};

namespace detail {

inline void cpu_relax() noexcept {
#if defined(__x86_64__) || defined(__i386__)
  _mm_pause();
#endif
}

/// The number of threads a team of at most `wanted` uses on this machine.
inline std::size_t usable_threads(std::size_t wanted) noexcept {
  const std::size_t cores = std::max<std::size_t>(1, std::thread::hardware_concurrency());
  return std::max<std::size_t>(1, std::min(wanted, cores));
}

class worker_team {
 public:
  /// A team of `size` threads in all: the caller and size - 1 workers.
  explicit worker_team(std::size_t size) : size_(std::max<std::size_t>(1, size)) {
    workers_.reserve(size_ - 1);
    for (std::size_t w = 1; w < size_; ++w) workers_.emplace_back([this, w] { work(w); });
  }
  worker_team(const worker_team&) = delete;
  worker_team& operator=(const worker_team&) = delete;
  ~worker_team() {
    stop_.store(true, std::memory_order_relaxed);
    generation_.fetch_add(1, std::memory_order_release);
    generation_.notify_all();
    for (auto& t : workers_) t.join();
  }

  [[nodiscard]] std::size_t size() const noexcept { return size_; }

  /// f(k) for every k < n; thread t takes k = t, t + size(), ...
  template <class F>
  void run(std::size_t n, F& f) {
    if (size_ == 1 || n == 1) {
      for (std::size_t k = 0; k < n; ++k) f(k);
      return;
    }
    job_ = &f;
    call_ = [](void* job, std::size_t k) { (*static_cast<F*>(job))(k); };
    tasks_ = n;
    pending_.store(size_ - 1, std::memory_order_relaxed);
    generation_.fetch_add(1, std::memory_order_release);
    generation_.notify_all();
    for (std::size_t k = 0; k < n; k += size_) f(k);
    // wait for the workers: spin first (they finish about when we do)
    for (int spin = 0; pending_.load(std::memory_order_acquire) != 0; ++spin) {
      if (spin < spin_limit) {
        cpu_relax();
      } else {
        const std::size_t left = pending_.load(std::memory_order_acquire);
        if (left != 0) pending_.wait(left, std::memory_order_acquire);
      }
    }
  }

 private:
  static constexpr int spin_limit = 1 << 12;  // some 10-200 microseconds of pause instructions

  void work(std::size_t w) {
    std::uint64_t seen = 0;
    for (;;) {
      std::uint64_t now = generation_.load(std::memory_order_acquire);
      for (int spin = 0; now == seen; ++spin) {
        if (spin < spin_limit) {
          cpu_relax();
        } else {
          generation_.wait(seen, std::memory_order_acquire);
        }
        now = generation_.load(std::memory_order_acquire);
      }
      seen = now;
      if (stop_.load(std::memory_order_relaxed)) return;
      for (std::size_t k = w; k < tasks_; k += size_) call_(job_, k);
      if (pending_.fetch_sub(1, std::memory_order_acq_rel) == 1) pending_.notify_one();
    }
  }

  std::size_t size_;
  std::vector<std::thread> workers_;
  void* job_ = nullptr;
  void (*call_)(void*, std::size_t) = nullptr;
  std::size_t tasks_ = 0;
  alignas(64) std::atomic<std::uint64_t> generation_{0};
  alignas(64) std::atomic<std::size_t> pending_{0};
  std::atomic<bool> stop_{false};
};

}  // namespace detail
}  // namespace typenet
