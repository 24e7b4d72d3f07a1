#pragma once
/// Training progress: a bar redrawn in place on a terminal, one plain line per
/// epoch otherwise (logs, CI). Writes to stderr.
#include <cstddef>
#include <cstdio>

#include <unistd.h>

namespace typenet {

class progress_bar {
 public:
  progress_bar(bool enabled, std::size_t epoch, std::size_t epochs, std::size_t steps)
      : enabled_(enabled), tty_(enabled && ::isatty(::fileno(stderr)) == 1), epoch_(epoch), epochs_(epochs),
        steps_(steps) {}

  void update(std::size_t step, double loss, double accuracy) {
    if (!tty_) return;
    // redraw about 100 times per epoch
    if (step != steps_ && step % (steps_ / 100 + 1) != 0) return;
    constexpr int width = 30;
    const int filled = static_cast<int>(static_cast<double>(width) * static_cast<double>(step) / static_cast<double>(steps_));
    std::fprintf(stderr, "\repoch %zu/%zu [", epoch_, epochs_);
    for (int i = 0; i < width; ++i) std::fputc(i < filled ? '=' : (i == filled ? '>' : ' '), stderr);
    std::fprintf(stderr, "] %zu/%zu  loss %.4f  acc %.2f%%", step, steps_, loss, 100.0 * accuracy);
    std::fflush(stderr);
  }

  void finish(double loss, double accuracy, double seconds) {
    if (!enabled_) return;
    if (tty_) std::fputc('\r', stderr);
    std::fprintf(stderr, "epoch %zu/%zu  loss %.4f  train acc %.2f%%  %.2f s%s\n", epoch_, epochs_, loss,
                 100.0 * accuracy, seconds, tty_ ? "                              " : "");
    std::fflush(stderr);
  }

 private:
  bool enabled_;
  bool tty_;
  std::size_t epoch_;
  std::size_t epochs_;
  std::size_t steps_;
};

}  // namespace typenet
