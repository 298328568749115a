#!/usr/bin/env bash
# Instructions of whole `cardlint check -f json` runs (start-up, schema compilation, lint,
# report), counted by callgrind: independent of the machine's load, so two builds can be
# compared while other work runs. Usage: bench/callgrind-cli.sh BIN [BIN...]
# Inputs (bench/callgrind/): the 2.8 KB groupon card/create clean, the same with the five
# findings of benches/lint.rs, and a QR_MULTIPLE_CARD qrcode/create.
set -euo pipefail
here="$(cd "$(dirname "$0")/callgrind" && pwd)"
for bin in "$@"; do
  for f in clean.json broken.json qr.json; do
    n=$(cd "$here" && valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bin" check -f json "$f" 2>&1 >/dev/null \
      | grep -o "Collected : [0-9]*" | grep -o "[0-9]*")
    printf '%s\t%s\t%s\n' "$(basename "$bin")" "$f" "$n"
  done
done
