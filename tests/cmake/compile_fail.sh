#!/usr/bin/env bash
# Usage: compile_fail.sh <source.cpp> <build command...>
#
# Runs the build command (which compiles <source.cpp> alone) and passes iff
#   1. the build fails, and
#   2. the first error line of its output matches every `// EXPECT: <regex>`
#      line of <source.cpp> (grep -E syntax, case-sensitive).
#
# "First error line": the first line containing `error:` (gcc, clang, ld and
# ninja all print `<where>: error: <what>`), or failing that the first line
# containing `error` at all; always case-insensitive, and never ninja's
# `FAILED:` line, the command line ninja echoes after it, or a `[n/m]`
# progress line (those contain -Werror and file names). Matching `error:`
# rather than any `error` keeps a header such as shape/errors.hpp, named in
# gcc's "In file included from" / "In instantiation of" lines, from being
# taken for the diagnostic.
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

output=$("$@" 2>&1)
status=$?
output=$(printf '%s\n' "$output" | sed 's/\x1b\[[0-9;]*[A-Za-z]//g')   # colour codes

if ((status == 0)); then
    echo "compile_fail.$name: $source_file compiled, but it must not"
    printf '%s\n' "$output"
    exit 1
fi

first_error=$(printf '%s\n' "$output" | awk '
    skip_command        { skip_command = 0; next }
    /^FAILED: /         { skip_command = 1; next }
    /^\[[0-9]+\/[0-9]+\] / { next }
    { line = tolower($0) }
    strict == "" && line ~ /(^|[[:space:]])error:/ { strict = $0 }
    loose == ""  && line ~ /error/                  { loose = $0 }
    END { print (strict != "" ? strict : loose) }')

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
    grep -Eq -- "$re" <<<"$first_error"
    case $? in
        0) report+=("  [match]    $re") ;;
        1) report+=("  [no match] $re"); ok=0 ;;
        *) report+=("  [bad regex] $re"); ok=0 ;;
    esac
done

if ((ok)); then
    echo "compile_fail.$name: failed to compile as expected:"
    echo "  $first_error"
    exit 0
fi
echo "compile_fail.$name: the first error line does not match every EXPECT regex"
echo "first error line:"
echo "  $first_error"
echo "expected (each must match):"
printf '%s\n' "${report[@]}"
show_output
exit 1
