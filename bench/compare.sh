#!/usr/bin/env bash
# bench/compare.sh: whole-CLI comparison of cardlint with ajv-cli, check-jsonschema and
# Spectral on the same card/create payloads (1, 500 and 10 000 files of about 3 KB).
#
#   bash bench/compare.sh                 # install peers (once), build, generate, measure
#   bash bench/compare.sh --install-only  # only install the pinned peers into bench/.peers/
#
# Needs: cargo, node + npm, python3 (with venv), hyperfine, GNU time (/usr/bin/time); as root
# on Debian all but cargo are installed with apt-get when missing.  Network: only the npm
# registry and PyPI, and only the first time (peers are kept in bench/.peers/).
# Results: a table on stdout and bench/out/results.md; raw data in bench/out/ (hyperfine JSON
# exports, GNU time reports, each tool's output of the RSS run).
# Measure on an otherwise idle machine: the script samples the CPU for 3 s before measuring
# and warns when something else is using it.
#
# Environment overrides: SEED (payload seed, default 20261127), SPECTRAL_10K_TIMEOUT
# (seconds, default 300).
set -euo pipefail

SCRIPT_START=$(date +%s)
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
PEERS=bench/.peers
OUT=bench/out

AJV_WANT=5.0.0
SPECTRAL_WANT=6.16.3
CJS_WANT=0.39.0
SEED=${SEED:-20261127}
SPECTRAL_10K_TIMEOUT=${SPECTRAL_10K_TIMEOUT:-300}

INSTALL_ONLY=0
for arg in "$@"; do
  case $arg in
    --install-only) INSTALL_ONLY=1 ;;
    -h | --help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "unknown argument: $arg" >&2; exit 2 ;;
  esac
done

say() { printf '\n== %s\n' "$*"; }
die() { echo "compare.sh: $*" >&2; exit 2; }

# ---------------------------------------------------------------------------------------
# 0. Prerequisites
# ---------------------------------------------------------------------------------------
apt_install() { # apt_install PACKAGE...: only as root on a Debian-like machine
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    echo "installing with apt-get: $*"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
  else
    die "missing $*; install it and run again"
  fi
}
command -v hyperfine >/dev/null || apt_install hyperfine
[[ -x /usr/bin/time ]] || apt_install time
command -v npm >/dev/null || apt_install nodejs npm
command -v python3 >/dev/null || apt_install python3 python3-venv
command -v cargo >/dev/null || die "cargo not found (rustup toolchain install stable)"

# nearest VERSION LIST...: the highest listed version <= VERSION, else the lowest above it.
nearest() {
  python3 - "$@" <<'PY'
import re, sys
want, cands = sys.argv[1], sys.argv[2:]
key = lambda v: tuple(int(x) for x in re.findall(r"\d+", v))
final = [c for c in cands if re.fullmatch(r"\d+(\.\d+)*", c)]
below = [c for c in final if key(c) <= key(want)]
print(max(below, key=key) if below else min(final, key=key) if final else "")
PY
}

# ---------------------------------------------------------------------------------------
# 1. Peers, pinned, into bench/.peers/ (skipped when the stamp says they are there)
# ---------------------------------------------------------------------------------------
say "peers"
mkdir -p "$PEERS"
NPM_DIR=$PEERS/npm
NPM_STAMP=$PEERS/npm.stamp
npm_pick() { # npm_pick NAME WANT -> the version to install
  local name=$1 want=$2 got
  got=$(npm view "$name@$want" version 2>/dev/null | tail -n1 || true)
  if [[ $got == "$want" ]]; then echo "$want"; return; fi
  got=$(nearest "$want" $(npm view "$name" versions --json | tr -d '[]",'))
  [[ -n $got ]] || die "no version of $name on the npm registry"
  echo "NOTE: $name@$want is not available; using the nearest, $got" >&2
  echo "$got"
}
if [[ -f $NPM_STAMP && $(head -n1 "$NPM_STAMP") == "want ajv-cli@$AJV_WANT @stoplight/spectral-cli@$SPECTRAL_WANT" \
      && -x $NPM_DIR/node_modules/.bin/ajv && -x $NPM_DIR/node_modules/.bin/spectral ]]; then
  echo "npm peers already in $NPM_DIR"
else
  AJV_GOT=$(npm_pick ajv-cli "$AJV_WANT")
  SPECTRAL_GOT=$(npm_pick @stoplight/spectral-cli "$SPECTRAL_WANT")
  echo "npm install --prefix $NPM_DIR ajv-cli@$AJV_GOT @stoplight/spectral-cli@$SPECTRAL_GOT"
  npm install --prefix "$NPM_DIR" --save-exact --no-audit --no-fund --loglevel=error \
    "ajv-cli@$AJV_GOT" "@stoplight/spectral-cli@$SPECTRAL_GOT"
  printf 'want ajv-cli@%s @stoplight/spectral-cli@%s\ngot ajv-cli@%s @stoplight/spectral-cli@%s\n' \
    "$AJV_WANT" "$SPECTRAL_WANT" "$AJV_GOT" "$SPECTRAL_GOT" >"$NPM_STAMP"
fi

VENV=$PEERS/venv
CJS_STAMP=$PEERS/venv.stamp
if [[ -f $CJS_STAMP && $(head -n1 "$CJS_STAMP") == "want check-jsonschema==$CJS_WANT" \
      && -x $VENV/bin/check-jsonschema ]]; then
  echo "check-jsonschema already in $VENV"
else
  rm -rf "$VENV"
  python3 -m venv "$VENV" || { apt_install python3-venv; python3 -m venv "$VENV"; }
  "$VENV/bin/python" -m pip install -q --upgrade pip || true
  CJS_GOT=$CJS_WANT
  if ! "$VENV/bin/pip" install -q "check-jsonschema==$CJS_WANT"; then
    CJS_GOT=$(nearest "$CJS_WANT" $("$VENV/bin/pip" index versions check-jsonschema 2>/dev/null \
      | sed -n 's/^Available versions: //p' | tr -d ','))
    [[ -n $CJS_GOT ]] || die "no version of check-jsonschema on PyPI"
    echo "NOTE: check-jsonschema==$CJS_WANT is not available; using the nearest, $CJS_GOT"
    "$VENV/bin/pip" install -q "check-jsonschema==$CJS_GOT"
  fi
  printf 'want check-jsonschema==%s\ngot check-jsonschema==%s\n' "$CJS_WANT" "$CJS_GOT" >"$CJS_STAMP"
fi

AJV=$NPM_DIR/node_modules/.bin/ajv
SPECTRAL=$NPM_DIR/node_modules/.bin/spectral
CJS=$VENV/bin/check-jsonschema
CARDLINT=target/release/cardlint

pkgver() { node -p "require('./$NPM_DIR/node_modules/$1/package.json').version"; }
V_AJV_CLI=$(pkgver ajv-cli)
V_AJV=$(pkgver ajv)
V_SPECTRAL=$("$SPECTRAL" --version)
V_CJS=$("$CJS" --version | awk '{print $NF}')
V_JSONSCHEMA_PY=$("$VENV/bin/python" -c 'import importlib.metadata as m; print(m.version("jsonschema"))')
for pair in "ajv-cli $AJV_WANT $V_AJV_CLI" "spectral-cli $SPECTRAL_WANT $V_SPECTRAL" "check-jsonschema $CJS_WANT $V_CJS"; do
  read -r n w g <<<"$pair"
  [[ $w == "$g" ]] || echo "NOTE: $n $w was asked for, $g is installed"
done
echo "ajv-cli $V_AJV_CLI (ajv $V_AJV), @stoplight/spectral-cli $V_SPECTRAL, check-jsonschema $V_CJS (jsonschema $V_JSONSCHEMA_PY)"
[[ $INSTALL_ONLY -eq 1 ]] && exit 0

# ---------------------------------------------------------------------------------------
# 2. cardlint
# ---------------------------------------------------------------------------------------
say "cargo build --release"
cargo build --release
V_CARDLINT=$("$CARDLINT" --version | awk '{print $NF}')

# ---------------------------------------------------------------------------------------
# 3. Payloads (fixed seed) and 4. the peers' schema and Spectral ruleset
# ---------------------------------------------------------------------------------------
say "payloads (seed $SEED)"
mkdir -p "$OUT"
python3 bench/gen_payloads.py "$OUT" --seed "$SEED"

SCHEMA=$OUT/card.create.merged.json
python3 - schemas/card.create.json schemas/defs.json "$SCHEMA" "$OUT/spectral.yaml" <<'PY'
# cardlint merges defs.json's $defs into each endpoint schema at load; do the same, and drop
# cardlint's custom keyword maxBytes (UTF-8 byte limits), which the peers do not know.
# The Spectral ruleset gets the merged schema inline: with `$ref: ./card.create.merged.json`
# in functionOptions Spectral 6.16.3 reported nothing at all.  allErrors: true, else its
# schema function stops at the first error.
import json, sys
endpoint, defs, out, ruleset = sys.argv[1:]
schema = json.load(open(endpoint, encoding="utf-8"))
schema.setdefault("$defs", {}).update(json.load(open(defs, encoding="utf-8"))["$defs"])
NAMES = {"properties", "patternProperties", "$defs", "definitions", "dependentSchemas"}
dropped = 0
def strip(node, names_only=False):
    global dropped
    if isinstance(node, dict):
        if not names_only and "maxBytes" in node:
            del node["maxBytes"]; dropped += 1
        for k, v in node.items():
            if names_only:
                strip(v)                 # v is a subschema keyed by a name
            else:
                strip(v, k in NAMES)     # under these keywords the keys are names
    elif isinstance(node, list):
        for v in node:
            strip(v)
strip(schema)
json.dump(schema, open(out, "w", encoding="utf-8"), ensure_ascii=False, indent=1)
print(f"  {out}: {len(schema['$defs'])} $defs, {dropped} maxBytes keywords dropped")
rules = {"rules": {"card-create-schema": {
    "description": "card/create request body matches the card/create JSON Schema",
    "message": "{{error}}", "severity": "error", "given": "$",
    "then": {"function": "schema", "functionOptions": {"schema": schema, "allErrors": True}}}}}
with open(ruleset, "w", encoding="utf-8") as f:
    f.write("# One rule: the body must match the merged card/create schema (JSON is YAML).\n")
    json.dump(rules, f, ensure_ascii=False, indent=1)
print(f"  {ruleset}: one rule, core function `schema` with that schema inline")
PY


# ---------------------------------------------------------------------------------------
# 5. Measurements
# ---------------------------------------------------------------------------------------
HF=$OUT/hyperfine
TV=$OUT/time
LOGS=$OUT/outputs
rm -rf "$HF" "$TV" "$LOGS"
mkdir -p "$HF" "$TV" "$LOGS"
RESULTS=$OUT/results.tsv
printf 'tool\tset\tmedian_s\trss_kb\truns\tinvalid_files\tnote\n' >"$RESULTS"

say "machine"
cpu_busy_percent() { # CPU time spent by anything over the next 3 seconds, in percent
  local _ a b c d e f g h t1 i1 t2 i2
  read -r _ a b c d e f g h _ </proc/stat; t1=$((a + b + c + d + e + f + g + h)); i1=$((d + e))
  sleep 3
  read -r _ a b c d e f g h _ </proc/stat; t2=$((a + b + c + d + e + f + g + h)); i2=$((d + e))
  echo $((100 * ((t2 - t1) - (i2 - i1)) / (t2 - t1)))
}
BUSY=$(cpu_busy_percent)
echo "nproc $(nproc); $(lscpu | grep 'Model name' | sed 's/  */ /g'); CPU busy before measuring: $BUSY %"
if [[ $BUSY -gt 10 ]]; then
  echo "WARNING: the machine is not idle ($BUSY % CPU busy); timings will be noisy"
fi

# files_arg SET -> the argument each tool gets (set 1: the one file)
one_file=$OUT/1/card-00000.json

# count_invalid TOOL OUTFILE ERRFILE -> number of files the tool reported as failing
count_invalid() {
  python3 - "$@" <<'PY'
import json, re, sys
tool, out, err = sys.argv[1:]
text = open(out, encoding="utf-8", errors="replace").read()
etext = open(err, encoding="utf-8", errors="replace").read()
try:
    if tool == "cardlint":
        d = json.loads(text)
        n = sum(1 for f in d["files"] if any(x["severity"] == "error" for x in f["findings"]))
    elif tool == "ajv-cli":
        n = len(re.findall(r"^\S.* invalid$", etext, re.M))
    elif tool == "check-jsonschema":
        d = json.loads(text)
        n = len({e["filename"] for e in d.get("errors", [])})
    elif tool == "spectral":
        start = text.find("[")
        d = json.loads(text[start:]) if start >= 0 else []
        n = len({r["source"] for r in d if r.get("severity") == 0})
    print(n)
except Exception:
    print("?")
PY
}

# measure TOOL SET RUNS WARMUP SHELL CMD...
#   hyperfine (median) on CMD, then one run under GNU time for the peak RSS; the output of
#   that run is kept and the number of failing files counted.  SHELL=none runs CMD without a
#   shell (hyperfine -N); SHELL=sh lets /bin/sh expand a glob in CMD.
measure() {
  local tool=$1 set=$2 runs=$3 warmup=$4 shell=$5
  shift 5
  local cmd="$*" tag="$tool-$set"
  echo "-- $tool, $set file(s): $cmd" | cut -c1-200
  local hfopts=(--warmup "$warmup" --runs "$runs" -i --style basic --export-json "$HF/$tag.json"
                --command-name "$tag")
  [[ $shell == none ]] && hfopts+=(-N)
  hyperfine "${hfopts[@]}" "$cmd" >"$HF/$tag.log"
  grep -E 'Time|Range' "$HF/$tag.log" || true
  /usr/bin/time -v -o "$TV/$tag.txt" sh -c "exec $cmd" >"$LOGS/$tag.out" 2>"$LOGS/$tag.err" || true
  local median rss invalid
  median=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["results"][0]["median"])' "$HF/$tag.json")
  rss=$(awk -F': ' '/Maximum resident set size/{print $2}' "$TV/$tag.txt")
  invalid=$(count_invalid "$tool" "$LOGS/$tag.out" "$LOGS/$tag.err")
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$tool" "$set" "$median" "$rss" "$runs" "$invalid" "" >>"$RESULTS"
  printf '   median %.4f s, peak RSS %s KB, files reported invalid: %s\n' "$median" "$rss" "$invalid"
}

# measure_once TOOL SET TIMEOUT CMD...: one run under GNU time and timeout (for Spectral on
# 10 000 files, where repeated runs cost minutes each).
measure_once() {
  local tool=$1 set=$2 limit=$3
  shift 3
  local cmd="$*" tag="$tool-$set" rc=0
  echo "-- $tool, $set file(s), one run, timeout ${limit}s: $cmd" | cut -c1-200
  /usr/bin/time -v -o "$TV/$tag.txt" timeout "$limit" sh -c "exec $cmd" \
    >"$LOGS/$tag.out" 2>"$LOGS/$tag.err" || rc=$?
  local wall rss invalid note=""
  wall=$(awk '/Elapsed \(wall clock\)/{print $NF}' "$TV/$tag.txt" \
    | awk -F: '{s=0; for(i=1;i<=NF;i++) s=s*60+$i; print s}')
  rss=$(awk -F': ' '/Maximum resident set size/{print $2}' "$TV/$tag.txt")
  if grep -q 'Command exited with non-zero status 124' "$TV/$tag.txt" || [[ $rc -eq 124 ]]; then
    note="timeout"; invalid="?"
    echo "   did not finish within ${limit}s (peak RSS so far $rss KB)"
  else
    invalid=$(count_invalid "$tool" "$LOGS/$tag.out" "$LOGS/$tag.err")
    note="single run"
    echo "   wall $wall s (one run), peak RSS $rss KB, files reported invalid: $invalid"
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$tool" "$set" "$wall" "$rss" 1 "$invalid" "$note" >>"$RESULTS"
}

# Every tool prints JSON (comparable work; hyperfine sends it to /dev/null).  cardlint gets the
# folder.  ajv-cli and Spectral expand a quoted glob themselves, so they run without a shell
# (hyperfine -N) like cardlint; ajv gets --all-errors so that it reports every error of a file
# as the others do.  check-jsonschema has no glob support: /bin/sh expands the glob and all
# files go to one process (10 000 paths are ~320 KB, far below ARG_MAX = 2 MB; xargs would
# start several interpreters); hyperfine subtracts the shell's start-up time.
AJV_ARGS="validate --spec=draft2020 --strict=false --all-errors --errors=json -s $SCHEMA"
CJS_ARGS="--schemafile $SCHEMA --output-format JSON"
SPECTRAL_ARGS="lint -q -f json -r $OUT/spectral.yaml"

say "1 file"
measure cardlint 1 10 1 none "$CARDLINT check -e card/create -f json $one_file"
measure ajv-cli 1 10 1 none "$AJV $AJV_ARGS -d $one_file"
measure check-jsonschema 1 10 1 none "$CJS $CJS_ARGS $one_file"
measure spectral 1 5 1 none "$SPECTRAL $SPECTRAL_ARGS $one_file"

say "500 files"
measure cardlint 500 5 1 none "$CARDLINT check -e card/create -f json $OUT/500"
measure ajv-cli 500 5 1 none "$AJV $AJV_ARGS -d '$OUT/500/*.json'"
measure check-jsonschema 500 5 1 sh "$CJS $CJS_ARGS $OUT/500/*.json"
measure spectral 500 3 1 none "$SPECTRAL $SPECTRAL_ARGS '$OUT/500/*.json'"

say "10 000 files"
measure cardlint 10000 3 1 none "$CARDLINT check -e card/create -f json $OUT/10000"
measure ajv-cli 10000 3 1 none "$AJV $AJV_ARGS -d '$OUT/10000/*.json'"
measure check-jsonschema 10000 3 1 sh "$CJS $CJS_ARGS $OUT/10000/*.json"
measure_once spectral 10000 "$SPECTRAL_10K_TIMEOUT" "$SPECTRAL $SPECTRAL_ARGS '$OUT/10000/*.json'"

# ---------------------------------------------------------------------------------------
# 6. Table (stdout and bench/out/results.md)
# ---------------------------------------------------------------------------------------
TOTAL=$(($(date +%s) - SCRIPT_START))
python3 - "$RESULTS" "$OUT/results.md" "$TOTAL" "$SPECTRAL_10K_TIMEOUT" <<'PY'
import sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1], encoding="utf-8")][1:]
md_path, total, limit = sys.argv[2], int(sys.argv[3]), sys.argv[4]
base = {r[1]: r for r in rows if r[0] == "cardlint"}
def fmt_t(s):
    s = float(s)
    return f"{s * 1000:.1f} ms" if s < 1 else f"{s:.2f} s"
def times(r):
    return f"{r:.1f}×" if r < 10 else f"{r:.0f}×"
def fmt_m(kb):
    return f"{int(kb) / 1024:.1f} MiB" if kb else "?"   # GNU time reports KiB
head = ["tool", "files", "median wall", "peak RSS", "time / cardlint", "RSS / cardlint",
        "runs", "files reported invalid"]
table = []
for r in rows:
    tool, st, t, rss, runs, inv, note = r
    b = base[st]
    if note == "timeout":
        wall, ratio = f"> {limit} s", f"> {float(limit) / float(b[2]):.0f}×"
    else:
        wall = fmt_t(t) + (" (1 run)" if note == "single run" else "")
        ratio = "1×" if tool == "cardlint" else times(float(t) / float(b[2]))
    rratio = "1×" if tool == "cardlint" else (times(int(rss) / int(b[3])) if rss and b[3] else "?")
    table.append([tool, f"{int(st):,}".replace(",", " "), wall, fmt_m(rss), ratio, rratio, runs, inv])
widths = [max(len(x) for x in col) for col in zip(head, *table)]
line = lambda cells: "  ".join(c.ljust(w) for c, w in zip(cells, widths))
print()
print(line(head)); print(line(["-" * w for w in widths]))
for t in table: print(line(t))
md = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
md += ["| " + " | ".join(t) + " |" for t in table]
open(md_path, "w", encoding="utf-8").write("\n".join(md) + "\n")
print(f"\nwritten to {md_path}; script run time {total} s")
PY
{
  echo
  echo "Measured $(date -u '+%Y-%m-%d %H:%M UTC') by bench/compare.sh (seed $SEED): nproc $(nproc)," \
    "$(lscpu | grep 'Model name' | sed 's/.*: *//'), cardlint $V_CARDLINT, ajv-cli $V_AJV_CLI (ajv $V_AJV)," \
    "check-jsonschema $V_CJS (jsonschema $V_JSONSCHEMA_PY), @stoplight/spectral-cli $V_SPECTRAL," \
    "node $(node --version), $(python3 --version), $(hyperfine --version). Script run time ${TOTAL} s."
} >>"$OUT/results.md"

# ---------------------------------------------------------------------------------------
# 7. The targets of docs/performance.md in one table: library ratios, the floor program,
#    one body, peak RSS, growth (bench/targets.sh, which uses the peers' figures above)
# ---------------------------------------------------------------------------------------
say "targets"
bash bench/targets.sh
