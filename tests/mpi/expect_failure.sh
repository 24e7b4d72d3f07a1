#!/usr/bin/env bash
# expect_failure.sh REGEX... -- COMMAND...
# Passes when COMMAND exits with a non-zero status within 120 s (a hang is a
# failure) and its output (stdout and stderr) has a line matching each REGEX
# (grep -E).
set -u
regexes=()
while (($# > 0)) && [[ $1 != -- ]]; do
    regexes+=("$1")
    shift
done
shift
out=$(timeout 120 "$@" 2>&1)
status=$?
printf '%s\n' "$out"
if ((status == 0)); then
    echo "expect_failure: the command succeeded; it should have failed"
    exit 1
fi
if ((status == 124)); then
    echo "expect_failure: no exit within 120 s (a hang)"
    exit 1
fi
for regex in "${regexes[@]}"; do
    if ! grep -Eq -- "$regex" <<<"$out"; then
        echo "expect_failure: no line matches: $regex"
        exit 1
    fi
done
echo "expect_failure: exit status $status, every expected message present"
