#!/usr/bin/env bash
# The latency `cardlint proxy` adds: the open-loop generator (benches/serve_load.rs) sends the
# 3 KB GROUPON card/create at a fixed rate, first straight to a local upstream (the sandbox,
# quiet), then through the proxy in front of it, alternating ROUNDS times; the added latency is
# the difference of the percentiles. Memory: the proxy's RSS after each round.
# Usage: bash bench/proxy-load.sh   (RATE=2000 DURATION=10 ROUNDS=3 to change)
set -euo pipefail
cd "$(dirname "$0")/.."
RATE="${RATE:-2000}"
DURATION="${DURATION:-10}"
ROUNDS="${ROUNDS:-3}"
UP=18881
PX=18882
cargo build --release --quiet
bin=target/release/cardlint
loadgen=$(cargo bench --bench serve_load --no-run 2>&1 | grep -o 'target/release/deps/serve_load-[0-9a-f]*' | head -1)
# "answered N/s, p50 A ms, p99 B ms" from the generator's two lines
summary() { tr '\n' ' ' | sed -n 's/.*answered [0-9]* (\([0-9]*\)\/s).*p50 \([0-9.]*\).*p99 \([0-9.]*\) .*/\1\/s, p50 \2 ms, p99 \3 ms/p'; }
wait_up() { for _ in $(seq 50); do curl -s "http://127.0.0.1:$1/cardlint/health" -o /dev/null && return; curl -s "http://127.0.0.1:$1/card/getcolors?access_token=T" -o /dev/null && return; sleep 0.1; done; }
"$bin" serve --addr "127.0.0.1:$UP" --quiet --max-cards 100000000 2>/dev/null & up=$!
"$bin" proxy --addr "127.0.0.1:$PX" --upstream "http://127.0.0.1:$UP" --quiet 2>/dev/null & px=$!
trap 'kill $up $px 2>/dev/null || true' EXIT
wait_up $UP; wait_up $PX
echo "machine: $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%F\ %H:%M) UTC"
echo "rate $RATE/s for ${DURATION}s, 16 connections, the 3 KB card/create; latency from when each request was due"
echo
echo "| round | straight to the upstream | through the proxy | proxy RSS after |"
echo "|---|---|---|---|"
for r in $(seq "$ROUNDS"); do
  direct=$("$loadgen" --addr "127.0.0.1:$UP" --rate "$RATE" --duration "$DURATION" --connections 16 | summary)
  proxied=$("$loadgen" --addr "127.0.0.1:$PX" --rate "$RATE" --duration "$DURATION" --connections 16 | summary)
  echo "| $r | $direct | $proxied | $(( $(awk '/VmRSS/ {print $2}' /proc/$px/status) / 1024 )) MiB |"
done
echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
