#!/usr/bin/env bash
# Whole-process time of `relance compute` on the example dossier (release build), as a user
# runs it: mean over 200 runs. Target (issue 3): ≤ 20 ms.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin=target/release/relance
runs=200
"$bin" compute examples/atelier-martin --as-of 2026-06-30 --format json > /dev/null
start=$(date +%s%N)
for _ in $(seq $runs); do
  "$bin" compute examples/atelier-martin --as-of 2026-06-30 --format json > /dev/null
done
end=$(date +%s%N)
echo "relance compute (example, JSON, whole process): $(( (end - start) / runs / 1000 )) µs per run over $runs runs"
