// A training step and inference perform no heap allocation: every buffer is
// allocated when the trainer (or predictor) is constructed. Counted by
// replacing the global operator new for this test program.
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <cstdlib>
#include <new>
#include <random>

#include <typenet/typenet.hpp>

namespace {
std::atomic<long> allocations{0};
}  // namespace

// The replacements below pair malloc/aligned_alloc with free; g++ sees the
// library's aligned operator new inlined next to this free and warns.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

void* operator new(std::size_t n) {
  ++allocations;
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc{};
}
void* operator new[](std::size_t n) { return ::operator new(n); }
void* operator new(std::size_t n, std::align_val_t a) {
  ++allocations;
  const std::size_t align = static_cast<std::size_t>(a);
  if (void* p = std::aligned_alloc(align, (n + align - 1) / align * align)) return p;
  throw std::bad_alloc{};
}
void* operator new[](std::size_t n, std::align_val_t a) { return ::operator new(n, a); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }

namespace tn = typenet;

namespace {
using seeds = tn::network<tn::input<784>, tn::dense<16>, tn::sigmoid, tn::dense<16>, tn::sigmoid, tn::dense<10>,
                          tn::softmax>;
}

BOOST_AUTO_TEST_CASE(training_steps_do_not_allocate) {
  auto p = tn::init<seeds>(tn::glorot_uniform{}, 1);
  auto x = std::make_unique<tn::matrix<float, 32, 784>>();
  auto y = std::make_unique<tn::matrix<float, 32, 10>>();
  std::mt19937 rng(2);
  std::uniform_real_distribution<float> d(0.f, 1.f);
  for (auto& v : *x) v = d(rng);
  for (std::size_t r = 0; r < 32; ++r) (*y)(r, r % 10) = 1;
  std::array<int, 32> labels{};
  for (std::size_t r = 0; r < 32; ++r) labels[r] = static_cast<int>(r % 10);

  auto check = [&](auto optimizer_tag, auto config) {
    using Opt = decltype(optimizer_tag);
    tn::trainer<seeds, tn::cross_entropy, Opt, tn::batch<32>> t{p, config};
    t.step(*x, *y);  // warm-up
    const long before = allocations.load();
    float loss = 0;
    for (int i = 0; i < 50; ++i) loss += t.step(*x, *y);
    for (int i = 0; i < 50; ++i) loss += t.step(*x, std::span<const int, 32>(labels));
    for (int i = 0; i < 10; ++i) loss += t.step(*x, *y, 20);  // a short batch
    BOOST_TEST(allocations.load() - before == 0);
    BOOST_TEST(std::isfinite(loss));
  };
  check(tn::sgd{}, tn::sgd::config{.learning_rate = 0.1f});
  check(tn::adam{}, tn::adam::config{});
}

BOOST_AUTO_TEST_CASE(inference_does_not_allocate) {
  const auto p = tn::init<seeds>(tn::glorot_uniform{}, 3);
  tn::predictor<seeds> run;
  std::vector<float> x(100 * 784, 0.5f);
  std::vector<float> out(100 * 10);
  run.run(p, x.data(), 100, out.data());
  const long before = allocations.load();
  for (int i = 0; i < 20; ++i) run.run(p, x.data(), 100, out.data());
  BOOST_TEST(allocations.load() - before == 0);
  BOOST_TEST(std::abs(out[0] + out[1] + out[2] + out[3] + out[4] + out[5] + out[6] + out[7] + out[8] + out[9] - 1.f) < 1e-5f);
}
