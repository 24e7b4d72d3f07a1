#!/usr/bin/env bash
# Usage: compile_fail_selftest.sh <path of compile_fail.sh>
#
# Checks compile_fail.sh itself on recorded compiler output (no compiler
# runs): it must refuse an EXPECT regex that matches the type name of the
# error or the failed requirement rather than typenet's sentence, a regex
# that matches a later error line but not the first, and a follow-on error;
# and accept a sentence that clang printed in parts.
set -uo pipefail
checker=$1
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# g++ 12 and clang 16 on a dense<32, 10> after a layer of 16 outputs
cat >"$scratch/gcc.txt" <<'OUT'
include/typenet/expr/shape_error.hpp: In instantiation of 'struct typenet::detail::report_message<typenet::detail::shape_error_message<typenet::errors::dense_inputs<2, 32, 10, 16> >, std::integer_sequence<long unsigned int, 0> >':
include/typenet/expr/shape_error.hpp:163:27: error: invalid application of 'sizeof' to incomplete type 'typenet::errors::typenet_error<typenet::fixed_string<75>{"typenet: layer 2 (dense<32, 10>) expects 32 inputs, but layer 1 produces 16"}>'
OUT
cat >"$scratch/clang.txt" <<'OUT'
include/typenet/expr/shape_error.hpp:158:23: error: implicit instantiation of undefined template 'typenet::errors::typenet_error<fixed_string<33>{"typenet: layer 2 (dense<32, 10>) "}, fixed_string<31>{"expects 32 inputs, but layer 1 "}, fixed_string<11>{"produces 16"}>'
include/typenet/nn/network.hpp:167:7: note: in instantiation of template class 'typenet::shape_error<typenet::errors::dense_inputs<2, 32, 10, 16>>' requested here
OUT
# before issue 14: the sentence only in the second error (g++), or not at all (clang)
cat >"$scratch/gcc_two_errors.txt" <<'OUT'
include/typenet/expr/shape_error.hpp:70:34: error: 'text' is not a member of 'typenet::errors::dense_inputs<2, 32, 10, 16>'
include/typenet/expr/shape_error.hpp:125:27: error: invalid application of 'sizeof' to incomplete type 'typenet::errors::typenet_shape_error<typenet::fixed_string<75>{"typenet: layer 2 (dense<32, 10>) expects 32 inputs, but layer 1 produces 16"}>'
OUT
cat >"$scratch/clang_requirement.txt" <<'OUT'
include/typenet/expr/shape_error.hpp:109:17: error: static assertion failed due to requirement 'diag::shapes_agree<typenet::errors::dense_inputs<2, 32, 10, 16>>': typenet: shape error: the operation and the shapes are named in the requirement
OUT

failures=0
# expect <pass|fail> <recorded output> <EXPECT regex>...
expect() {
    local want=$1 recorded=$2
    shift 2
    local source="$scratch/case.cpp"
    : >"$source"
    local re
    for re in "$@"; do printf '// EXPECT: %s\n' "$re" >>"$source"; done
    if bash "$checker" "$source" bash -c "cat '$scratch/$recorded'; exit 1" >"$scratch/log" 2>&1; then got=pass; else got=fail; fi
    if [[ $got == "$want" ]]; then
        echo "ok:   $want on $recorded: $*"
    else
        echo "FAIL: expected $want, got $got on $recorded: $*"
        sed 's/^/      /' "$scratch/log"
        failures=$((failures + 1))
    fi
}

sentence='typenet: layer 2 \(dense<32, 10>\) expects 32 inputs, but layer 1 produces 16'
expect pass gcc.txt "$sentence"
expect pass clang.txt "$sentence"                     # the parts are joined
expect pass clang.txt 'expects 32 inputs' 'layer 1 produces 16'
expect fail gcc.txt 'dense_inputs<2, 32, 10, 16>'      # the type name, also on the first line
expect fail clang.txt 'dense_inputs<2, 32'
expect fail gcc.txt "($sentence|dense_inputs<2, 32, 10, 16>)"   # an alternative that accepts the type name
expect fail clang.txt '32, 10'                          # in the sentence, but also in the type name
expect fail gcc_two_errors.txt "$sentence"              # only on the second error line
expect fail gcc_two_errors.txt 'dense_inputs<2, 32, 10, 16>'
expect fail clang_requirement.txt 'dense_inputs<2, 32, 10, 16>'   # the requirement, not the sentence
expect fail clang.txt 'no such words'

# a follow-on error: two error lines where one is expected
cat "$scratch/gcc.txt" "$scratch/gcc.txt" >"$scratch/gcc_follow_on.txt"
expect fail gcc_follow_on.txt "$sentence"

if ((failures)); then
    echo "compile_fail_selftest: $failures case(s) wrong"
    exit 1
fi
echo "compile_fail_selftest: every case as expected"
