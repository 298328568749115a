#!/usr/bin/env bash
# Load on `cardlint serve` from the same machine: latency at a fixed rate of valid card/create
# requests (the open-loop generator benches/serve_load.rs, latency counted from when each
# request was due), the most wrk gets through, then a flood of malformed bodies with the
# server's RSS sampled between rounds.
# Usage: bash bench/serve-load.sh   (RATE=10000 DURATION=10s CONNECTIONS=32 ROUNDS=5 to change)
set -euo pipefail
cd "$(dirname "$0")/.."
RATE="${RATE:-10000}"
DURATION="${DURATION:-10s}"
CONNECTIONS="${CONNECTIONS:-32}"
ROUNDS="${ROUNDS:-5}"
PORT="${PORT:-18880}"
out=bench/out/serve
mkdir -p "$out/bodies"

command -v wrk >/dev/null || { echo "installing wrk"; sudo apt-get install -y wrk >/dev/null 2>&1 || apt-get install -y wrk >/dev/null; }
cargo build --release --quiet
bin=target/release/cardlint
loadgen=$(cargo bench --bench serve_load --no-run 2>&1 | grep -o 'target/release/deps/serve_load-[0-9a-f]*' | head -1)

# malformed bodies: the mistakes of the seed's table plus garbage
b="$out/bodies"
cp fixtures/endpoints/card.create/valid-groupon.json "$b/valid.json"
printf '{"card": {"card_type": "GROUPON",}}' > "$b/trailing-comma.json"
printf '{“card”：{}}' > "$b/full-width.json"
sed 's/"quantity": [0-9]*/"quantity": "100"/' "$b/valid.json" > "$b/quoted-int.json"
head -c 3000 /dev/urandom > "$b/random.bin"
python3 -c 'print("[" * 200000)' > "$b/deep.json"
python3 -c 'print("{" + ",".join(f"\"k{i}\":{i}" for i in range(20000)) + "}")' > "$b/many-keys.json"
malformed="$b/trailing-comma.json:$b/full-width.json:$b/quoted-int.json:$b/random.bin:$b/deep.json:$b/many-keys.json"

rss() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }
start() {
  "$bin" serve --addr "127.0.0.1:$PORT" --max-cards 100000000 "$@" 2>/dev/null &
  pid=$!
  for _ in $(seq 50); do curl -s "http://127.0.0.1:$PORT/card/getcolors?access_token=T" >/dev/null && break; sleep 0.1; done
}
run_wrk() { # bodies url -> "rps p50 p99"
  BODIES="$1" wrk -t1 -c"$CONNECTIONS" -d"$DURATION" --latency -s bench/serve/post.lua "$2" > "$out/wrk.txt"
  awk '/Requests\/sec/ {rps=$2} /^ +50%/ {p50=$2} /^ +99%/ {p99=$2} /Non-2xx/ {bad=$4} END {print rps, p50, p99}' "$out/wrk.txt"
}
url="http://127.0.0.1:$PORT/card/create?access_token=T"

echo "machine: $(nproc) cores, $(uname -r); $(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2); $(date -u +%F\ %H:%M) UTC"
echo
echo "Fixed rate: $RATE valid card/create per second for $DURATION, 16 connections:"
echo
for mode in logged quiet; do
  if [ "$mode" = quiet ]; then start --quiet; else start; fi
  echo "- log $mode: $("$loadgen" --addr "127.0.0.1:$PORT" --rate "$RATE" --duration "${DURATION%s}" --connections 16 | tr '\n' ' ')"
  kill -TERM $pid; wait $pid || true
done
echo
echo "As fast as wrk goes ($CONNECTIONS connections, closed loop):"
echo
echo "| run | requests/s | p50 | p99 | server RSS after |"
echo "|---|---|---|---|---|"
for mode in quiet logged; do
  if [ "$mode" = quiet ]; then start --quiet; else start; fi
  read -r rps p50 p99 < <(run_wrk "$b/valid.json" "$url")
  echo "| valid card/create, log $mode | $rps | $p50 | $p99 | $(( $(rss $pid) / 1024 )) MiB |"
  kill -TERM $pid; wait $pid || true
done

start --quiet
base=$(rss $pid)
echo
echo "Malformed flood ($ROUNDS rounds of $DURATION, bodies: trailing comma, full-width punctuation,"
echo "quoted integer, 3 KB random bytes, 200 000 nested [, 20 000 keys), RSS at start $(( base / 1024 )) MiB:"
echo
echo "| round | requests/s | p99 | server RSS after |"
echo "|---|---|---|---|"
for r in $(seq "$ROUNDS"); do
  read -r rps p50 p99 < <(run_wrk "$malformed" "$url")
  echo "| $r | $rps | $p99 | $(( $(rss $pid) / 1024 )) MiB |"
done
curl -s "http://127.0.0.1:$PORT/card/getcolors?access_token=T" | grep -q '"errcode":0' && echo && echo "server still answering after the flood"
kill -TERM $pid; wait $pid || true
