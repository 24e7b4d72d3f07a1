// Saves under faults (issue 14): a failure at every step of the atomic write
// (injected through detail::atomic_file_fault, and a real full disk: a 64 KB
// tmpfs in a private mount namespace where that is allowed) reports the error,
// keeps the previous file and leaves no temporary file; temporary files of
// interrupted saves are removed by the next save to the same path, never one
// that a live save holds; and a process SIGKILLed at random moments while it
// saves in a loop always leaves the old or the new complete file.
#include <boost/test/unit_test.hpp>

#include "../support/file_bytes.hpp"
#include "../support/temp_dir.hpp"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <typenet/io/atomic_file.hpp>
#include <typenet/io/npy.hpp>
#include <typenet/io/safetensors.hpp>

namespace tn = typenet;
namespace fs = std::filesystem;
using typenet_test::temp_dir;
using typenet_test::bytes;
using typenet_test::error_of;
using typenet_test::read_raw;

namespace {

#define CHECK_CONTAINS(text, part) BOOST_TEST((text).find(part) != std::string::npos, "'" << (part) << "' not in: " << (text))

/// The fault to inject, once: `errno_value` at step `step` (after `skip` earlier calls of that step).
struct injected {
  std::string_view step;
  int errno_value = 0;
  int skip = 0;
};
injected fault_plan;
int inject(std::string_view step, const std::string&) {
  if (step != fault_plan.step) return 0;
  if (fault_plan.skip-- > 0) return 0;
  fault_plan.step = {};  // once
  return fault_plan.errno_value;
}
struct fault_guard {
  explicit fault_guard(injected plan) {
    fault_plan = plan;
    tn::detail::atomic_file_fault = inject;
  }
  ~fault_guard() { tn::detail::atomic_file_fault = nullptr; }
};

}  // namespace

BOOST_AUTO_TEST_CASE(an_injected_failure_at_every_step_keeps_the_old_file_and_leaves_nothing) {
  temp_dir dir;
  const auto p = dir / "w.safetensors";
  tn::matrix<float, 2, 2> a{1, 2, 3, 4};
  tn::io::save_safetensors(p, {tn::io::ref("a", a)});
  const bytes before = read_raw(p);
  auto big = std::make_unique<tn::matrix<float, 64, 64>>();
  std::fill(big->begin(), big->end(), 0.5f);
  struct expectation {
    injected plan;
    std::string message;
  };
  const expectation cases[] = {
      {{"open", ENOSPC}, "cannot create a temporary file in " + dir.path.string() + ": No space left on device"},
      {{"write", ENOSPC}, "cannot write " + p.string() + ".tmp-"},
      {{"write", EIO, 0}, "Input/output error"},
      {{"fsync", ENOSPC}, "cannot flush " + p.string() + ".tmp-"},
      {{"fsync", EIO}, "to disk: Input/output error"},
      {{"rename", EXDEV}, "to the target: Invalid cross-device link"},
  };
  for (const auto& c : cases) {
    {
      fault_guard guard(c.plan);
      const auto e = error_of([&] { tn::io::save_safetensors(p, {tn::io::ref("a", *big)}); });
      BOOST_TEST_MESSAGE(e);
      BOOST_TEST(e.rfind("typenet: save " + p.string() + ": ", 0) == 0u, e);
      CHECK_CONTAINS(e, c.message);
      if (c.plan.errno_value == ENOSPC) CHECK_CONTAINS(e, "No space left on device");
    }
    BOOST_TEST(read_raw(p) == before, c.plan.step);
    BOOST_TEST(dir.entries() == std::vector<std::string>{"w.safetensors"}, c.plan.step);
  }
  // EINTR from write is retried, not an error.
  {
    fault_guard guard({"write", EINTR});
    tn::io::save_npy(dir / "w.npy", tn::io::ref("a", a));
  }
  tn::matrix<float, 2, 2> back{};
  tn::io::load_npy(dir / "w.npy", tn::io::ref("a", back));
  BOOST_TEST(back == a);
  // Without a fault the same save replaces the file.
  tn::io::save_safetensors(p, {tn::io::ref("a", *big)});
  auto loaded = std::make_unique<tn::matrix<float, 64, 64>>();
  tn::io::load_safetensors(p, {tn::io::ref("a", *loaded)});
  BOOST_TEST(*loaded == *big);
  BOOST_TEST((dir.entries() == std::vector<std::string>{"w.npy", "w.safetensors"}));
}

BOOST_AUTO_TEST_CASE(a_real_full_disk_keeps_the_old_file, *boost::unit_test::timeout(60)) {
  // A 64 KB tmpfs in a private mount namespace of a child process (root only; skipped elsewhere).
  temp_dir dir;
  const auto mnt = dir / "small";
  fs::create_directory(mnt);
  const pid_t pid = ::fork();
  BOOST_REQUIRE(pid >= 0);
  if (pid == 0) {
    if (::unshare(CLONE_NEWNS) != 0 || ::mount("none", "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0 ||
        ::mount("none", mnt.c_str(), "tmpfs", 0, "size=64k") != 0)
      ::_exit(77);
    int status = 0;
    try {
      const auto p = mnt / "w.safetensors";
      tn::matrix<float, 4, 4> small;
      std::fill(small.begin(), small.end(), 1.0f);
      tn::io::save_safetensors(p, {tn::io::ref("w", small)});
      const bytes before = read_raw(p);
      auto big = std::make_unique<tn::matrix<float, 128, 256>>();  // 128 KB: does not fit
      std::fill(big->begin(), big->end(), 2.0f);
      const std::string e = error_of([&] { tn::io::save_safetensors(p, {tn::io::ref("w", *big)}); });
      if (e.find("No space left on device") == std::string::npos || e.find("cannot write") == std::string::npos) status |= 1;
      if (read_raw(p) != before) status |= 2;
      std::size_t entries = 0;
      for (const auto& entry : fs::directory_iterator(mnt)) entries += entry.path().filename() == "w.safetensors" ? 1 : 100;
      if (entries != 1) status |= 4;
      tn::matrix<float, 4, 4> back{};
      tn::io::load_safetensors(p, {tn::io::ref("w", back)});
      if (back != small) status |= 8;
    } catch (...) {
      status |= 16;
    }
    ::umount(mnt.c_str());
    ::_exit(status);
  }
  int status = 0;
  BOOST_REQUIRE(::waitpid(pid, &status, 0) == pid);
  BOOST_REQUIRE(WIFEXITED(status));
  if (WEXITSTATUS(status) == 77) {
    BOOST_TEST_MESSAGE("no private tmpfs here (needs root and mount namespaces): covered by the injected ENOSPC above");
    return;
  }
  BOOST_TEST(WEXITSTATUS(status) == 0, "failure bits " << WEXITSTATUS(status));
}

BOOST_AUTO_TEST_CASE(the_next_save_removes_abandoned_temporaries_but_not_live_ones) {
  temp_dir dir;
  const auto p = dir / "w.safetensors";
  dir.write("w.safetensors.tmp-abc12345", "left by a killed save");
  dir.write("w.safetensors.tmp-zz99zz99", "and another");
  dir.write("w.safetensors.tmp-live0000", "being written by another process");
  dir.write("w.safetensors.tmp-short", "not our pattern");
  dir.write("w.safetensors.tmp-ABCDEFGH", "not our pattern (upper case)");
  dir.write("other.safetensors.tmp-abc12345", "another target's");
  dir.write("w.safetensors.bak", "the user's");
  // A live save holds an flock on its temporary file (here: this process, through its own descriptor).
  const int live = ::open((dir / "w.safetensors.tmp-live0000").c_str(), O_RDONLY);
  BOOST_REQUIRE(live >= 0);
  BOOST_REQUIRE(::flock(live, LOCK_EX) == 0);
  tn::matrix<float, 2, 2> a{1, 2, 3, 4};
  tn::io::save_safetensors(p, {tn::io::ref("a", a)});
  BOOST_TEST((dir.entries() == std::vector<std::string>{"other.safetensors.tmp-abc12345", "w.safetensors", "w.safetensors.bak",
                                                        "w.safetensors.tmp-ABCDEFGH", "w.safetensors.tmp-live0000",
                                                        "w.safetensors.tmp-short"}));
  ::close(live);  // its writer is gone: the next save takes it
  tn::io::save_safetensors(p, {tn::io::ref("a", a)});
  BOOST_TEST((dir.entries() == std::vector<std::string>{"other.safetensors.tmp-abc12345", "w.safetensors", "w.safetensors.bak",
                                                        "w.safetensors.tmp-ABCDEFGH", "w.safetensors.tmp-short"}));
  BOOST_TEST(tn::detail::is_temporary_of("w.safetensors.tmp-0a1b2c3d", "w.safetensors"));
  BOOST_TEST(!tn::detail::is_temporary_of("w.safetensors.tmp-0a1b2c3", "w.safetensors"));
  BOOST_TEST(!tn::detail::is_temporary_of("x.safetensors.tmp-0a1b2c3d", "w.safetensors"));
}

BOOST_AUTO_TEST_CASE(sigkill_during_saves_leaves_the_old_or_the_new_complete_file, *boost::unit_test::timeout(120)) {
  temp_dir dir;
  const auto p = dir / "w.safetensors";
  using big_t = tn::matrix<float, 128, 256>;  // 128 KB per save
  auto filled = [](float v) {
    auto m = std::make_unique<big_t>();
    std::fill(m->begin(), m->end(), v);
    return m;
  };
  tn::io::save_safetensors(p, {tn::io::ref("w", *filled(0.0f))});
  std::mt19937 rng(14);
  constexpr int kills = 40;
  int left_temporaries = 0, saw_new = 0;
  for (int k = 0; k < kills; ++k) {
    const pid_t pid = ::fork();
    BOOST_REQUIRE(pid >= 0);
    if (pid == 0) {
      // Saves until killed, each file holding one value everywhere: k + 1, k + 2, ...
      for (int i = 1;; ++i) {
        try {
          tn::io::save_safetensors(p, {tn::io::ref("w", *filled(static_cast<float>(i)))});
        } catch (...) {
          ::_exit(3);
        }
      }
    }
    std::this_thread::sleep_for(std::chrono::microseconds(std::uniform_int_distribution<int>(0, 30000)(rng)));
    ::kill(pid, SIGKILL);
    int status = 0;
    BOOST_REQUIRE(::waitpid(pid, &status, 0) == pid);
    BOOST_TEST((WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL), "kill " << k << ": the child ended by itself");
    // The target is complete: it loads, and every value is the same.
    auto back = filled(-1.0f);
    BOOST_REQUIRE_NO_THROW(tn::io::load_safetensors(p, {tn::io::ref("w", *back)}));
    const float v = (*back)(0, 0);
    BOOST_TEST(std::all_of(back->begin(), back->end(), [&](float x) { return x == v; }), "kill " << k << ": a mixed file");
    saw_new += v > 0.0f ? 1 : 0;
    left_temporaries += dir.entries().size() > 1 ? 1 : 0;
    // Back to the old contents, which also sweeps any temporary file the kill left.
    tn::io::save_safetensors(p, {tn::io::ref("w", *filled(0.0f))});
    BOOST_TEST(dir.entries() == std::vector<std::string>{"w.safetensors"}, "kill " << k);
  }
  BOOST_TEST_MESSAGE(kills << " kills: " << saw_new << " left a new file, " << left_temporaries
                           << " left a temporary file (removed by the next save)");
  BOOST_TEST(saw_new > 0);  // the loop did save before most kills
}
