#pragma once
/// typenet: neural networks, their losses and training steps as types.
/// Users include only this header; examples alias the namespace as `tn`.
#include <typenet/core/fixed_string.hpp>
#include <typenet/core/math.hpp>
#include <typenet/core/rational.hpp>
#include <typenet/core/type_list.hpp>
#include <typenet/diff/grad.hpp>
#include <typenet/diff/gradient_check.hpp>
#include <typenet/expr/eval.hpp>
#include <typenet/expr/graph.hpp>
#include <typenet/expr/literals.hpp>
#include <typenet/expr/node.hpp>
#include <typenet/expr/order.hpp>
#include <typenet/expr/to_dot.hpp>
#include <typenet/expr/to_string.hpp>
#include <typenet/expr/var.hpp>
#include <typenet/ops/arithmetic.hpp>
#include <typenet/ops/exp.hpp>
#include <typenet/ops/leaky_relu.hpp>
#include <typenet/ops/log.hpp>
#include <typenet/ops/relu.hpp>
#include <typenet/ops/sigmoid.hpp>
#include <typenet/ops/tanh.hpp>
#include <typenet/simplify/sum.hpp>
