#pragma once
/// What `trainer::fit` reports: one `epoch_record` per epoch, kept in a
/// `history` that can be written as CSV (and plotted: the demo's loss curve).
/// A value that does not apply is NaN (written as `nan`): the accuracy of a
/// regression, the validation columns without a validation set.
#include <cstddef>
#include <fstream>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

namespace typenet {

struct epoch_record {
  std::size_t epoch = 0;
  double loss = 0;           // mean training loss over the epoch's steps
  double accuracy = 0;       // training accuracy over the epoch (before each step's update); NaN for real targets
  double seconds = 0;
  double learning_rate = 0;
  /// `tn::evaluate<Loss>(p, validation)` of the weights at the end of the epoch.
  double validation_loss = std::numeric_limits<double>::quiet_NaN();
  double validation_accuracy = std::numeric_limits<double>::quiet_NaN();  // classes
  double validation_mae = std::numeric_limits<double>::quiet_NaN();       // real targets
  double validation_r2 = std::numeric_limits<double>::quiet_NaN();        // real targets
};

struct history {
  std::vector<epoch_record> epochs;
  /// The epoch whose validation loss was the lowest (0 if none was evaluated).
  std::size_t best_epoch = 0;
  /// Whether early stopping ended training before the requested epochs.
  bool stopped_early = false;

  /// epoch,loss,accuracy,seconds,learning_rate,validation_loss,validation_accuracy,validation_mae,validation_r2
  void write_csv(const std::string& path) const {
    std::ofstream out(path);
    if (!out) throw std::runtime_error("typenet: history::write_csv: cannot write " + path);
    out << "epoch,loss,accuracy,seconds,learning_rate,validation_loss,validation_accuracy,validation_mae,validation_r2\n";
    out.precision(9);
    for (const auto& e : epochs)
      out << e.epoch << ',' << e.loss << ',' << e.accuracy << ',' << e.seconds << ',' << e.learning_rate << ','
          << e.validation_loss << ',' << e.validation_accuracy << ',' << e.validation_mae << ',' << e.validation_r2
          << '\n';
    if (!out) throw std::runtime_error("typenet: history::write_csv: writing " + path + " failed");
  }
};

}  // namespace typenet
