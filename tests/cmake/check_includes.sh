#!/usr/bin/env bash
# ctest scripts.check_includes: scripts/check-includes passes on the tree, and
# fails, naming the file and the edge, on a copy with one forbidden include
# added (ops/ including the planner).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
python=/usr/bin/python3
[[ -x $python ]] || python=python3
"$python" "$root/scripts/check-includes"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cp -r "$root/include/typenet" "$scratch/typenet"
echo '#include <typenet/plan/memory.hpp>' >> "$scratch/typenet/ops/exp.hpp"
if out=$("$python" "$root/scripts/check-includes" "$scratch/typenet"); then
    echo "check_includes: a forbidden include (ops/exp.hpp -> plan/memory.hpp) was not caught" >&2
    exit 1
fi
grep -q "ops/exp.hpp includes typenet/plan/memory.hpp: layer 'ops' may not include 'plan'" <<<"$out" || {
    echo "check_includes: the failure did not name the file and the edge:" >&2
    echo "$out" >&2
    exit 1
}
echo "check_includes: the bad include was refused: $(grep 'ops/exp.hpp' <<<"$out")"
