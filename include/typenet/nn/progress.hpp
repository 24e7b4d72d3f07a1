#pragma once
/// Training progress: a bar redrawn in place on a terminal, one plain line per
/// epoch otherwise (logs, CI). Writes to stderr.
#include <cmath>
#include <cstddef>
#include <cstdio>

#include <typenet/nn/history.hpp>

#include <unistd.h>

namespace typenet {

class progress_bar {
 public:
  progress_bar(bool enabled, std::size_t epoch, std::size_t epochs, std::size_t steps)
      : enabled_(enabled), tty_(enabled && ::isatty(::fileno(stderr)) == 1), epoch_(epoch), epochs_(epochs),
        steps_(steps) {}

  /// accuracy NaN: not shown (real-valued targets)
  void update(std::size_t step, double loss, double accuracy) {
    if (!tty_) return;
    // redraw about 100 times per epoch
    if (step != steps_ && step % (steps_ / 100 + 1) != 0) return;
    constexpr int width = 30;
    const int filled = static_cast<int>(static_cast<double>(width) * static_cast<double>(step) / static_cast<double>(steps_));
    std::fprintf(stderr, "\repoch %zu/%zu [", epoch_, epochs_);
    for (int i = 0; i < width; ++i) std::fputc(i < filled ? '=' : (i == filled ? '>' : ' '), stderr);
    std::fprintf(stderr, "] %zu/%zu  loss %.4f", step, steps_, loss);
    if (!std::isnan(accuracy)) std::fprintf(stderr, "  acc %.2f%%", 100.0 * accuracy);
    std::fflush(stderr);
  }

  /// The epoch's line: training loss and accuracy, the validation loss and
  /// its metric when there is a validation set, seconds.
  void finish(const epoch_record& e) {
    if (!enabled_) return;
    if (tty_) std::fputc('\r', stderr);
    std::fprintf(stderr, "epoch %zu/%zu  loss %.4f", epoch_, epochs_, e.loss);
    if (!std::isnan(e.accuracy)) std::fprintf(stderr, "  train acc %.2f%%", 100.0 * e.accuracy);
    if (!std::isnan(e.validation_loss)) std::fprintf(stderr, "  val loss %.4f", e.validation_loss);
    if (!std::isnan(e.validation_accuracy)) std::fprintf(stderr, "  val acc %.2f%%", 100.0 * e.validation_accuracy);
    if (!std::isnan(e.validation_mae)) std::fprintf(stderr, "  val mae %.4g  val r2 %.4f", e.validation_mae, e.validation_r2);
    std::fprintf(stderr, "  %.2f s%s\n", e.seconds, tty_ ? "                              " : "");
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
