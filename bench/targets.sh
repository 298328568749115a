#!/usr/bin/env bash
# bench/targets.sh: the speed targets of docs/performance.md, each measured side by side in
# one run and printed in one table (also bench/out/targets.md).
#
#   bash bench/targets.sh            # build, generate the payloads if missing, measure
#
# - library: criterion medians (benches/lint.rs) of the 3 KB card/create, clean and with five
#   findings, against serde_json::from_str on the same bytes (same run);
# - whole CLI, 10 000 bodies: cardlint (`check -e card/create -f json DIR`) and the floor
#   program (bench/floor: read every file, serde_json::from_slice into a Value, as many
#   threads as cores), alternating runs, medians; peak RSS under GNU time; ajv-cli and
#   check-jsonschema from bench/out/results.tsv when bench/compare.sh measured them;
# - whole CLI, one body: hyperfine median;
# - growth: criterion's 3 KB / 300 KB / 30 MB cases, in MiB/s;
# - the language server: didChange of the 3 KB card/create to its publishDiagnostics
#   (benches/lsp_latency.rs, debounce 0).
# The load average before and after is printed with the table: measure on an idle machine.
# bench/compare.sh runs this at its end. ROUNDS (default 7) sets the alternating rounds.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
OUT=bench/out
ROUNDS=${ROUNDS:-7}
SEED=${SEED:-20261127}
mkdir -p "$OUT"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)

echo "== build (cardlint, the floor program)"
cargo build --release -q
cargo build --release -q --manifest-path bench/floor/Cargo.toml
FLOOR=bench/floor/target/release/cardlint-floor
CARDLINT=target/release/cardlint
[[ -d $OUT/10000 ]] || python3 bench/gen_payloads.py "$OUT" --seed "$SEED"

echo "== library (criterion)"
cargo bench -q --bench lint -- --warm-up-time 1 --measurement-time 3 \
  '^(lint/card_create_3kb_clean|lint/card_create_3kb_5_findings|lint/serde_json_from_str_same_3kb|growth/.*)$' \
  >"$OUT/criterion.log" 2>&1 || { tail -20 "$OUT/criterion.log"; exit 2; }
cargo bench -q --bench lsp_latency -- --warm-up-time 1 --measurement-time 3 \
  >>"$OUT/criterion.log" 2>&1 || { tail -20 "$OUT/criterion.log"; exit 2; }

echo "== whole CLI: 10 000 bodies (alternating with the floor, $ROUNDS rounds) and one body"
python3 - "$CARDLINT" "$FLOOR" "$OUT" "$ROUNDS" <<'PY'
import json, statistics, subprocess, sys, time
cardlint, floor, out, rounds = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
cmds = {
    "cardlint": [cardlint, "check", "-e", "card/create", "-f", "json", f"{out}/10000"],
    "floor": [floor, f"{out}/10000"],
}
times = {k: [] for k in cmds}
for k, c in cmds.items():  # warm the page cache once
    subprocess.run(c, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
for _ in range(rounds):
    for k, c in cmds.items():
        t = time.perf_counter()
        subprocess.run(c, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times[k].append(time.perf_counter() - t)
json.dump({k: statistics.median(v) for k, v in times.items()} | {"raw": times},
          open(f"{out}/alternating.json", "w"))
PY
/usr/bin/time -v -o "$OUT/cardlint-10000.time" "$CARDLINT" check -e card/create -f json "$OUT/10000" >/dev/null || true
command -v hyperfine >/dev/null || echo "hyperfine is not installed (apt-get install hyperfine): no one-body figure" >&2
hyperfine -N -i --warmup 3 --runs 40 --style none --export-json "$OUT/one-body.json" \
  "$CARDLINT check -e card/create -f json $OUT/1/card-00000.json" >/dev/null 2>&1 || true
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

python3 - "$OUT" "$LOAD_BEFORE" "$LOAD_AFTER" <<'PY'
import json, os, sys
out, before, after = sys.argv[1:]
def est(name):
    p = f"target/criterion/{name}/new/estimates.json"
    return json.load(open(p))["median"]["point_estimate"] if os.path.exists(p) else None
clean, five, serde = (est(f"lint/{n}") for n in
                      ("card_create_3kb_clean", "card_create_3kb_5_findings", "serde_json_from_str_same_3kb"))
alt = json.load(open(f"{out}/alternating.json"))
rss_kb = next((int(l.split(": ")[1]) for l in open(f"{out}/cardlint-10000.time")
               if "Maximum resident set size" in l), 0)
ob = f"{out}/one-body.json"
one = json.load(open(ob))["results"][0]["median"] if os.path.exists(ob) and os.path.getsize(ob) else None
peers = {}
if os.path.exists(f"{out}/results.tsv"):
    for l in list(open(f"{out}/results.tsv"))[1:]:
        tool, st, t, *_ = l.rstrip("\n").split("\t")
        if st == "10000":
            peers[tool] = float(t)
rows = []
def row(what, figure, target, ok):
    rows.append((what, figure, target, "met" if ok else ("not met" if ok is not None else "?")))
if clean and serde:
    row("library, clean 3 KB card/create / serde_json", f"{clean/1000:.1f} µs / {serde/1000:.1f} µs = {clean/serde:.1f}×", "≤ 2×", clean / serde <= 2)
if five and serde:
    row("library, five findings / serde_json", f"{five/1000:.1f} µs / {serde/1000:.1f} µs = {five/serde:.1f}×", "≤ 4×", five / serde <= 4)
c, f = alt["cardlint"], alt["floor"]
row("CLI, 10 000 bodies / floor program", f"{c:.3f} s / {f:.3f} s = {c/f:.1f}×", "≤ 1.5×", c / f <= 1.5)
for tool, want in (("ajv-cli", 5), ("check-jsonschema", 30)):
    if tool in peers:
        row(f"CLI, 10 000 bodies: {tool} / cardlint", f"{peers[tool]:.2f} s / {c:.3f} s = {peers[tool]/c:.1f}× (peer from bench/compare.sh)", f"≥ {want}×", peers[tool] / c >= want)
row("CLI, 10 000 bodies: peak RSS", f"{rss_kb/1024:.1f} MiB", "≤ 16 MiB", rss_kb / 1024 <= 16)
if one:
    row("CLI, one body: median", f"{one*1000:.2f} ms", "≤ 3 ms", one * 1000 <= 3)
lsp = est("lsp/change_to_diagnostics_3kb_card_create")
if lsp:
    row("language server, 3 KB card/create: change → diagnostics", f"{lsp/1e6:.2f} ms", "≤ 5 ms", lsp / 1e6 <= 5)
g = {n: est(f"growth/{n}") for n in ("3000", "300000", "30000000")}
if all(g.values()):
    def size(n):  # the payload's real length, as criterion recorded its throughput
        b = json.load(open(f"target/criterion/growth/{n}/new/benchmark.json")).get("throughput") or {}
        return b.get("Bytes", int(n))
    rate = {n: (size(n) / 2**20) / (t / 1e9) for n, t in g.items()}
    lin = rate["30000000"] >= 0.7 * rate["300000"]
    row("growth 3 KB / 300 KB / 30 MB", " / ".join(f"{r:.0f} MiB/s" for r in rate.values()), "linear (30 MB ≥ 0.7 × 300 KB rate)", lin)
head = ("measure", "figure", "target", "")
w = [max(len(r[i]) for r in rows + [head]) for i in range(4)]
lines = ["  ".join(x.ljust(w[i]) for i, x in enumerate(r)) for r in [head] + rows]
print("\n".join(lines))
print(f"load average before {before}, after {after}; alternating runs: {alt['raw']}")
md = ["| measure | figure | target | |", "|---|---|---|---|"] + [f"| {' | '.join(r)} |" for r in rows]
md.append(f"\nLoad average before {before}, after {after}.")
open(f"{out}/targets.md", "w").write("\n".join(md) + "\n")
PY
