// mpi.faults.<case>: an error on one rank inside tn::mpi::fit stops every
// rank with that rank's message and a non-zero exit, never a hang.
//
//   faults nan DIR        rank 1's rows are NaN: its finiteness check fails at step 1
//   faults on_epoch DIR   rank 1's on_epoch throws after epoch 2; main catches and returns 1
//   faults uncaught DIR   the same, main does not catch (std::terminate on every rank)
//   faults corrupt DIR    rank 1's data file is corrupt; its main catches and returns
//                         before fit, while the other ranks enter fit
//   faults weights DIR    rank 1 changes its weights after epoch 2 (check_weights)
//   faults corrupt_all DIR  as corrupt, loading through tn::mpi::all_or_none: every
//                         rank stops with rank 1's message
//
// Each rank that catches prints "rank R: caught: <message>" (checked by
// expect_failure.sh, see tests/mpi/CMakeLists.txt).
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include <typenet/mpi.hpp>
#include <typenet/typenet.hpp>

#include "common.hpp"

namespace tn = typenet;

namespace {

using typenet_mpi_test::dataset;
using typenet_mpi_test::make_data;
using typenet_mpi_test::net;

dataset load(const std::string& mode, const std::filesystem::path& dir, int rank) {
  if ((mode == "corrupt" || mode == "corrupt_all") && rank == 1) {
    const auto path = dir / ("corrupt-images-rank" + std::to_string(rank));
    std::ofstream(path, std::ios::binary) << "not an IDX file";
    return tn::data::load_idx<6, 3>(path, path);
  }
  dataset d = make_data(200);
  if (mode == "nan" && rank == 1) {
    std::vector<float> x(d.all_features().begin(), d.all_features().end());
    x.assign(x.size(), std::numeric_limits<float>::quiet_NaN());
    std::vector<tn::data::label_type> y(d.all_labels().begin(), d.all_labels().end());
    d = dataset(6, 3, std::move(x), std::move(y), "synthetic with NaN");
  }
  return d;
}

int train(tn::mpi::environment& mpi, const std::string& mode, const std::filesystem::path& dir) {
  const int rank = mpi.rank();
  const dataset data = mode == "corrupt_all" ? tn::mpi::all_or_none(mpi.world(), [&] { return load(mode, dir, rank); })
                                             : load(mode, dir, rank);
  auto p = tn::init<net>(tn::glorot_uniform{}, 1);
  tn::trainer<net, tn::cross_entropy, tn::sgd, tn::batch<8>> t{p, {.learning_rate = 0.1f}};
  tn::mpi::fit(t, mpi.world(), data,
               {.epochs = 4,
                .progress = false,
                .on_epoch =
                    [&](const tn::epoch_record& e) {
                      if ((mode == "on_epoch" || mode == "uncaught") && rank == 1 && e.epoch == 2)
                        throw std::runtime_error("on_epoch failed on purpose after epoch 2");
                      if (mode == "weights" && rank == 1 && e.epoch == 2) p.get<0>().values[3] += 1e-3f;
                    },
                .check_weights = mode == "weights"});
  std::printf("rank %d: trained without error\n", rank);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  tn::mpi::environment mpi(argc, argv);
  if (argc != 3) {
    std::fprintf(stderr, "usage: faults nan|on_epoch|uncaught|corrupt|corrupt_all|weights DIR\n");
    return 2;
  }
  const std::string mode = argv[1];
  if (mode == "uncaught") return train(mpi, mode, argv[2]);
  try {
    return train(mpi, mode, argv[2]);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "rank %d: caught: %s\n", mpi.rank(), e.what());
    return 1;
  }
}
