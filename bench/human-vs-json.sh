#!/usr/bin/env bash
# bench/human-vs-json.sh: what human output costs next to JSON output, on the worst input
# for a renderer that quotes the source: one line of 440 000 bytes holding 40 000 duplicate
# keys ({"a": 1234, "a": 1234, ...}), so that every finding sits on the same huge line.
#
#   bash bench/human-vs-json.sh            # build the release binary, generate, measure
#   RUNS=5 bash bench/human-vs-json.sh     # best of 5 (default 3)
#
# Prints the best wall time and the peak RSS (GNU time) of `check` with each format, and the
# ratio human / json, which must stay at most 5 (tests/human.rs keeps the output per finding
# bounded; this measures the time). Exits 1 when the ratio is over 5.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
RUNS=${RUNS:-3}
OUT=bench/out
mkdir -p "$OUT"
FILE=$OUT/duplicate-keys-440k.json

cargo build --release --quiet
BIN=target/release/cardlint

python3 - "$FILE" <<'EOF'
import sys
n = 40_000
text = "{" + '"a": 1234, ' * (n - 1) + '"a": 1234}'
assert len(text) == 440_000, len(text)
open(sys.argv[1], "w").write(text)
EOF

# best wall time in seconds and peak RSS in KB of `check -f FORMAT` over $RUNS runs
measure() {
    local format=$1 best="" rss=0
    for _ in $(seq "$RUNS"); do
        local report
        report=$( { /usr/bin/time -f '%e %M' "$BIN" check --color never -f "$format" "$FILE" > "$OUT/duplicate-keys.$format.out" || true; } 2>&1 | tail -1)
        local secs=${report% *} kb=${report#* }
        if [ -z "$best" ] || awk "BEGIN{exit !($secs < $best)}"; then best=$secs; fi
        [ "$kb" -gt "$rss" ] && rss=$kb
    done
    echo "$best $rss"
}

read -r JSON_S JSON_KB < <(measure json)
read -r HUMAN_S HUMAN_KB < <(measure human)
# GNU time reports 0.00 for very fast runs: count them as 0.01 s
RATIO=$(awk "BEGIN{j=$JSON_S; if (j < 0.01) j = 0.01; printf \"%.1f\", $HUMAN_S / j}")
printf '%-6s %8s s %8s KB  %10s bytes\n' json "$JSON_S" "$JSON_KB" "$(wc -c < "$OUT/duplicate-keys.json.out")"
printf '%-6s %8s s %8s KB  %10s bytes\n' human "$HUMAN_S" "$HUMAN_KB" "$(wc -c < "$OUT/duplicate-keys.human.out")"
echo "human / json: $RATIO"
awk "BEGIN{exit !($RATIO <= 5)}" || { echo "human output costs more than 5 times JSON output" >&2; exit 1; }
