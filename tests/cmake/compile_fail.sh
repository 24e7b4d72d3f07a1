#!/usr/bin/env bash
# Usage: compile_fail.sh <source.cpp> <build command...>
#
# Runs the build command (which compiles <source.cpp> alone) and passes iff
#   1. the build fails,
#   2. the first error line of its output matches every `// EXPECT: <regex>`
#      line of <source.cpp> (grep -E syntax, case-sensitive),
#   3. no EXPECT regex matches anything else the compiler printed once
#      typenet's sentences are taken out of it: a regex must match words only
#      the sentence has (`expects 32 inputs`, `16x784`), never the type name
#      of the error (`dense_inputs<2, 32, 10, 16>`, `shape<16, 784>`) nor the
#      failed requirement of a static_assert, which name the same numbers, and
#   4. the output has exactly one error line (no follow-on error), or as
#      many as a `// ERRORS: <n>` line of <source.cpp> says.
#
# "Error line": a line containing `error:` (gcc, clang, ld and ninja all
# print `<where>: error: <what>`), never ninja's `FAILED:` line, the command
# line ninja echoes after it, or a `[n/m]` progress line (those contain
# -Werror and file names); the first error line is the first of them, or
# failing that the first line containing `error` at all. Matching `error:`
# rather than any `error` keeps a header such as shape/errors.hpp, named in
# gcc's "In file included from" / "In instantiation of" lines, from being
# taken for the diagnostic.
#
# typenet's sentences: a static_assert message (from `typenet: ` to the end
# of the line), and the string arguments of the undefined class template
# typenet::errors::typenet_error<...> that carries a message with numbers in
# it (expr/shape_error.hpp). clang prints a string argument of more than 36
# characters cut, so there the message comes in parts,
#   typenet_error<fixed_string<34>{"typenet: matmul: inner dimensions "}, fixed_string<21>{"differ: 16x784 * 32x1"}>
# which are joined before the EXPECT regexes are matched.
set -uo pipefail

source_file=$1
shift
name=$(basename "$source_file" .cpp)

mapfile -t expects < <(sed -n 's/^[[:space:]]*\/\/[[:space:]]*EXPECT:[[:space:]]*//p' "$source_file" |
                       sed 's/[[:space:]]*$//')
if ((${#expects[@]} == 0)); then
    echo "compile_fail.$name: $source_file has no '// EXPECT: <regex>' line"
    exit 1
fi
expected_errors=$(sed -n 's/^[[:space:]]*\/\/[[:space:]]*ERRORS:[[:space:]]*\([0-9][0-9]*\).*/\1/p' "$source_file" | head -n 1)
expected_errors=${expected_errors:-1}

output=$("$@" 2>&1)
status=$?
output=$(printf '%s\n' "$output" | sed 's/\x1b\[[0-9;]*[A-Za-z]//g')   # colour codes

if ((status == 0)); then
    echo "compile_fail.$name: $source_file compiled, but it must not"
    printf '%s\n' "$output"
    exit 1
fi

# The diagnostics: the output without ninja's own lines.
diagnostics=$(printf '%s\n' "$output" | awk '
    skip_command        { skip_command = 0; next }
    /^FAILED: /         { skip_command = 1; next }
    /^\[[0-9]+\/[0-9]+\] / { next }
    { print }')

first_error=$(printf '%s\n' "$diagnostics" | awk '
    { line = tolower($0) }
    strict == "" && line ~ /(^|[[:space:]])error:/ { strict = $0 }
    loose == ""  && line ~ /error/                  { loose = $0 }
    END { print (strict != "" ? strict : loose) }')
error_count=$(printf '%s\n' "$diagnostics" | awk '
    { line = tolower($0) }
    line ~ /(^|[[:space:]])error:/ { n++ }
    END { print n + 0 }')

# clang's parts of one message, joined: `..."}, fixed_string<21>{"...` -> `......`
joined_first_error=$(printf '%s\n' "$first_error" | sed 's/"}, fixed_string<[^>]*>{"//g')

# Everything but the sentences: string literals and template arguments
# ("..."), then static_assert messages (`typenet: ` up to the end of the
# line; a type is spelled `typenet::`, with two colons).
without_sentences=$(printf '%s\n' "$diagnostics" | sed -e 's/"[^"]*"//g' -e 's/typenet: .*$//')

show_output() {
    echo "--- build output (first 60 lines) ---"
    printf '%s\n' "$output" | head -n 60
}

if [[ -z $first_error ]]; then
    echo "compile_fail.$name: the build failed without an error line"
    show_output
    exit 1
fi

ok=1
report=()
for re in "${expects[@]}"; do
    grep -Eq -- "$re" <<<"$joined_first_error"
    case $? in
        0) ;;
        1) report+=("  [no match]  $re"); ok=0; continue ;;
        *) report+=("  [bad regex] $re"); ok=0; continue ;;
    esac
    if elsewhere=$(grep -E -m 1 -- "$re" <<<"$without_sentences"); then
        report+=("  [matches outside the sentence] $re" "      in: $elsewhere")
        ok=0
    else
        report+=("  [match]     $re")
    fi
done

if ((ok && error_count == expected_errors)); then
    echo "compile_fail.$name: failed to compile as expected:"
    echo "  $first_error"
    exit 0
fi
if ((!ok)); then
    echo "compile_fail.$name: an EXPECT regex does not match the first error line, or also matches outside typenet's sentence"
else
    echo "compile_fail.$name: $error_count error lines, expected $expected_errors (a follow-on error?)"
fi
echo "first error line:"
echo "  $first_error"
echo "expected (each must match the first error line, and nothing but the sentence):"
printf '%s\n' "${report[@]}"
show_output
exit 1
