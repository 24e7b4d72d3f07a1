// The simplified form of the output layer's gradients, as tn::to_string
// prints them: the simplifier must reach the textbook (A - Y)/n by itself.
//   cross_entropy after a softmax (or on logits: tn::identity, a final dense
//   entry): d/d(last bias) = col_sums(softmax(Z)/B - target/B)
//   binary_cross_entropy after a sigmoid: col_sums(sigmoid(Z)/n - target/n),
//   n = B * outputs (the mean is over all elements)
//   mse after a final dense entry: col_sums(Z - target)/(n/2)
// with Z the logits exactly as the library prints them. The same strings
// come out of the trainer's gradient tuple (one tn::grad over every
// parameter). The values of these gradients are checked against finite
// differences in network_gradients_*.cpp and against LibTorch in
// tests/torch/torch_gradients.cpp; this file checks their form.
#include <boost/test/unit_test.hpp>

#include <string>
#include <tuple>

#include <typenet/typenet.hpp>

namespace tn = typenet;

namespace {

constexpr std::size_t B = 32;
constexpr auto last_bias = tn::var<"4.bias", 1, 10>;
constexpr auto last_weight = tn::var<"4.weight", 10, 16>;

template <auto Last>
using seeds_net =
    tn::network<tn::input<784>, tn::dense<16>, tn::sigmoid, tn::dense<16>, tn::sigmoid, tn::dense<10>, Last>;
using dense_net = tn::network<tn::input<784>, tn::dense<16>, tn::sigmoid, tn::dense<16>, tn::sigmoid, tn::dense<10>>;
/// The second hidden layer's activations: the input of the last dense entry.
using hidden_net = tn::network<tn::input<784>, tn::dense<16>, tn::sigmoid, tn::dense<16>, tn::sigmoid>;

template <class Net>
std::string logits() {
  return tn::to_string(tn::handle_t<typename Net::template logits_t<B>>{});
}
std::string hidden() { return tn::to_string(hidden_net::output<B>()); }

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

/// No trace of the unsimplified chain rule through log_softmax or log.
void check_no_leftovers(const std::string& g) {
  for (const char* part : {"log", "exp(", "row_sums", "distribution", "1 - sigmoid", "softplus"})
    BOOST_TEST(!contains(g, part), g << " contains " << part);
}

}  // namespace

BOOST_AUTO_TEST_CASE(cross_entropy_after_softmax_is_a_minus_y_over_n) {
  using net = seeds_net<tn::softmax>;
  constexpr auto L = tn::cross_entropy::expression<net, B>();
  const std::string g = tn::to_string(tn::grad(L, last_bias));
  BOOST_TEST_MESSAGE(g);
  BOOST_TEST(g.starts_with("col_sums(softmax("));
  BOOST_TEST(g.ends_with(")/32 - target/32)"));
  check_no_leftovers(g);
  BOOST_TEST(g == "col_sums(softmax(" + logits<net>() + ")/32 - target/32)");
  // the logits are the whole last affine map, not part of it
  BOOST_TEST(logits<net>() == "4.bias + " + hidden() + " @ 4.weight^T");

  const std::string gw = tn::to_string(tn::grad(L, last_weight));
  BOOST_TEST(gw == "(softmax(" + logits<net>() + ")/32 - target/32)^T @ " + hidden());
}

BOOST_AUTO_TEST_CASE(cross_entropy_on_logits_is_the_same) {
  const std::string expected = "col_sums(softmax(" + logits<dense_net>() + ")/32 - target/32)";
  BOOST_TEST(tn::to_string(tn::grad(tn::cross_entropy::expression<seeds_net<tn::identity>, B>(), last_bias)) ==
             expected);
  BOOST_TEST(tn::to_string(tn::grad(tn::cross_entropy::expression<dense_net, B>(), last_bias)) == expected);
  BOOST_TEST(logits<seeds_net<tn::identity>>() == logits<dense_net>());
}

BOOST_AUTO_TEST_CASE(binary_cross_entropy_after_sigmoid_is_a_minus_y_over_n) {
  using net = seeds_net<tn::sigmoid>;
  constexpr auto L = tn::binary_cross_entropy::expression<net, B>();
  const std::string g = tn::to_string(tn::grad(L, last_bias));
  BOOST_TEST_MESSAGE(g);
  BOOST_TEST(g.starts_with("col_sums(sigmoid("));
  BOOST_TEST(g.ends_with(")/320 - target/320)"));  // mean over 32 x 10 elements
  check_no_leftovers(g);
  BOOST_TEST(g == "col_sums(sigmoid(" + logits<net>() + ")/320 - target/320)");
  BOOST_TEST(tn::to_string(tn::grad(L, last_weight)) ==
             "(sigmoid(" + logits<net>() + ")/320 - target/320)^T @ " + hidden());
}

BOOST_AUTO_TEST_CASE(mse_after_dense_is_z_minus_y_over_half_n) {
  const std::string g = tn::to_string(tn::grad(tn::mse::expression<dense_net, B>(), last_bias));
  BOOST_TEST(g == "col_sums(" + logits<dense_net>() + " - target)/160");  // 2/(32 x 10)
}

BOOST_AUTO_TEST_CASE(trainer_uses_the_same_gradients) {
  using net = seeds_net<tn::softmax>;
  using trainer = tn::trainer<net, tn::cross_entropy, tn::sgd, tn::batch<B>>;
  constexpr auto L = tn::cross_entropy::expression<net, trainer::part_rows>();  // each thread's part of the batch
  // parameters in order 0.weight, 0.bias, 2.weight, 2.bias, 4.weight, 4.bias
  BOOST_TEST(std::tuple_size_v<std::remove_cvref_t<decltype(trainer::gradients)>> == 6u);
  BOOST_TEST(tn::to_string(std::get<5>(trainer::gradients)) == tn::to_string(tn::grad(L, last_bias)));
  BOOST_TEST(tn::to_string(std::get<4>(trainer::gradients)) == tn::to_string(tn::grad(L, last_weight)));
  BOOST_TEST(tn::to_string(std::get<3>(trainer::gradients)) ==
             tn::to_string(tn::grad(L, tn::var<"2.bias", 1, 16>)));
}
