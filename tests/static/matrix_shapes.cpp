// Shapes are part of the type: every op's shape rule, checked at compile time,
// and the shapes and forms of derived matrix gradients.
#include <typenet/typenet.hpp>

#include "../support/same_type.hpp"

namespace tn = typenet;
using namespace tn::literals;

namespace {

template <class E, std::size_t R, std::size_t C>
inline constexpr bool has_shape = std::is_same_v<tn::shape_of_t<E>, tn::shape<R, C>>;
#define SHAPE(e, r, c) static_assert(has_shape<decltype(e), r, c>)

constexpr auto W = tn::var<"W", 16, 784>;
constexpr auto X = tn::var<"X", 784, 32>;
constexpr auto B = tn::var<"B", 32, 784>;  // a batch as rows
constexpr auto b = tn::var<"b", 16, 1>;
constexpr auto r = tn::var<"r", 1, 16>;
constexpr auto s = tn::var<"s">;

// leaves
SHAPE(W, 16, 784);
SHAPE(s, 1, 1);
SHAPE(2_c, 1, 1);

// matrix product, transpose, bias broadcast (column and row)
SHAPE(W * X, 16, 32);
SHAPE(W * X + b, 16, 32);
SHAPE(B * tn::transpose(W), 32, 16);
SHAPE(B * tn::transpose(W) + r, 32, 16);
SHAPE(tn::transpose(tn::transpose(W)), 16, 784);
SAME(tn::transpose(tn::transpose(W)), W);
SAME(tn::transpose(s), s);  // a 1 x 1 value is its own transpose

// scaling and elementwise ops keep the shape
SHAPE(2_c * W, 16, 784);
SHAPE(s * W, 16, 784);
SHAPE(W * s, 16, 784);
SHAPE(W / s, 16, 784);
SHAPE(tn::hadamard(W, W), 16, 784);
SHAPE(tn::square(W), 16, 784);
SHAPE(tn::sigmoid(W * X + b), 16, 32);
SHAPE(tn::exp(W) - tn::log(tn::square(W) + 1_c), 16, 784);
SHAPE(tn::pow(W, 3_c), 16, 784);
SHAPE(tn::relu(W) + tn::tanh(W) + tn::leaky_relu(W), 16, 784);

// simplification keeps shapes: W - W is a zero matrix, not the number 0
SHAPE(W - W, 16, 784);
SHAPE(W / W, 16, 784);
SHAPE((W - W) * X, 16, 32);

// reductions
SHAPE(tn::sum(W), 1, 1);
SHAPE(tn::mean(W), 1, 1);
SHAPE(tn::row_sums(W), 16, 1);
SHAPE(tn::col_sums(W), 1, 784);
SAME(tn::row_sums(b), b);  // nothing to sum
SAME(tn::col_sums(r), r);
SAME(tn::sum(s), s);

// softmax family (row-wise)
SHAPE(tn::softmax(B * tn::transpose(W)), 32, 16);
SHAPE(tn::log_softmax(B * tn::transpose(W)), 32, 16);
SAME(tn::log(tn::softmax(B)), tn::log_softmax(B));
SAME(tn::exp(tn::log_softmax(B)), tn::softmax(B));

// a gradient has the shape of the variable
constexpr auto loss = tn::sum(tn::square(tn::sigmoid(W * X + b)));
SHAPE(loss, 1, 1);
SHAPE(tn::grad(loss, W), 16, 784);
SHAPE(tn::grad(loss, X), 784, 32);
SHAPE(tn::grad(loss, b), 16, 1);
SHAPE(tn::grad(tn::sum(B * tn::transpose(W) + r), r), 1, 16);
SHAPE(tn::grad(tn::mean(tn::softmax(B * tn::transpose(W))), W), 16, 784);
SHAPE(tn::grad(tn::sum(s * W), s), 1, 1);
// no dependence: a zero matrix of the variable's shape
SHAPE(tn::grad(tn::sum(W), X), 784, 32);

// the textbook rules fall out of the VJPs
constexpr auto G = tn::var<"G", 16, 32>;  // an upstream gradient, as data
SAME(tn::grad(tn::sum(tn::hadamard(G, W * X)), W), G * tn::transpose(X));  // dW = G X^T
SAME(tn::grad(tn::sum(tn::hadamard(G, W * X)), X), tn::transpose(W) * G);  // dX = W^T G
SAME(tn::grad(tn::sum(tn::hadamard(G, W * X + b)), b), tn::row_sums(G));   // bias: row sums
SAME(tn::grad(tn::sum(W * X), b), tn::grad(tn::sum(W * X), b));

}  // namespace

namespace {
// (A B)^T = B^T A^T, so the weight gradient of a batch-as-rows layer X W^T is G^T X
constexpr auto Xb = tn::var<"Xb", 32, 784>;
constexpr auto Gb = tn::var<"Gb", 32, 16>;
SAME(tn::grad(tn::sum(tn::hadamard(Gb, Xb * tn::transpose(W))), W), tn::transpose(Gb) * Xb);
SAME(tn::transpose(Xb * tn::transpose(W)), W * tn::transpose(Xb));
// constants move out of reductions
SAME(tn::row_sums(-Gb / 32_c), -tn::row_sums(Gb) / 32_c);
SAME(tn::sum(3_c * W), 3_c * tn::sum(W));
}  // namespace
