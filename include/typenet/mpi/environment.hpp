#pragma once
/// `tn::mpi::environment`: MPI for the lifetime of main. Initializes MPI
/// (MPI_Init_thread, MPI_THREAD_FUNNELED: only the main thread calls MPI;
/// a trainer's worker threads never do) or adopts an MPI the program has
/// already initialized, and finalizes what it initialized.
///
/// Leaving safely: a rank whose main returns (or unwinds) while other ranks
/// are still at a checkpoint of tn::mpi::fit (e.g. its data file was corrupt
/// and main caught the error) does not leave them waiting: its destructor
/// takes part in the checkpoints, reporting that it is leaving, so those
/// ranks throw, until every rank is leaving; then MPI is finalized.
#include <cstdlib>
#include <cstdio>
#include <string>

#include <mpi.h>

#include <typenet/mpi/communicator.hpp>

namespace typenet::mpi {

class environment {
 public:
  /// MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED), or adopts MPI if
  /// it is already initialized.
  environment(int& argc, char**& argv) { init(&argc, &argv); }
  environment() { init(nullptr, nullptr); }
  environment(const environment&) = delete;
  environment& operator=(const environment&) = delete;

  ~environment() {
    int finalized = 0;
    MPI_Finalized(&finalized);
    if (finalized || comm_ == MPI_COMM_NULL) return;
    if (owns_) {
      // report "leaving" at the checkpoints of the ranks still training until every rank leaves
      const int rank = world().rank();
      const int size = world().size();
      for (;;) {
        detail::status all{0, size - rank, 0, 0, 0};
        if (MPI_Allreduce(MPI_IN_PLACE, &all, detail::status_fields, MPI_INT64_T, MPI_MAX, comm_) != MPI_SUCCESS)
          MPI_Abort(MPI_COMM_WORLD, 1);
        if (all.staying == 0) break;
      }
    }
    MPI_Comm_free(&comm_);
    if (owns_) MPI_Finalize();
  }

  /// Every process of the job, for tn::mpi's collectives (a duplicate of
  /// MPI_COMM_WORLD: they never mix with the program's own messages).
  [[nodiscard]] communicator world() const noexcept { return communicator(comm_); }
  [[nodiscard]] int rank() const { return world().rank(); }
  [[nodiscard]] int size() const { return world().size(); }
  /// Whether this object initialized MPI (and so finalizes it).
  [[nodiscard]] bool owns_mpi() const noexcept { return owns_; }

 private:
  void init(int* argc, char*** argv) {
    int initialized = 0;
    detail::check(MPI_Initialized(&initialized), "MPI_Initialized");
    if (!initialized) {
      int provided = 0;
      detail::check(MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided), "MPI_Init_thread");
      owns_ = true;
      if (provided < MPI_THREAD_FUNNELED) {
        MPI_Finalize();
        throw error("typenet: mpi::environment: this MPI does not support MPI_THREAD_FUNNELED (provided level " +
                    std::to_string(provided) + ")");
      }
    }
    detail::check(MPI_Comm_dup(MPI_COMM_WORLD, &comm_), "MPI_Comm_dup");
  }

  bool owns_ = false;
  MPI_Comm comm_ = MPI_COMM_NULL;
};

}  // namespace typenet::mpi
