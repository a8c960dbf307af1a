#!/bin/sh
# `relance report aging` on N dossiers (default 10,000): copies of the three portfolio test
# dossiers (every aging edge, a consumer with legal interest, a kept payment plan), each
# under its own reference. Usage: benches/aging.sh [N] [BINARY]
set -eu
n=${1:-10000}
bin=${2:-target/release/relance}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
i=0
while [ "$i" -lt "$n" ]; do
  src=tests/portfolio/P-$((i % 3 + 1))
  mkdir -p "$dir/d$i"
  sed "s/^reference = \".*\"/reference = \"B-$i\"/" "$src/dossier.toml" > "$dir/d$i/dossier.toml"
  i=$((i + 1))
done
start=$(date +%s.%N)
"$bin" report aging "$dir" --as-of 2026-06-30 --format csv > "$dir.csv"
end=$(date +%s.%N)
echo "$n dossiers: $(echo "$end - $start" | bc) s, $(wc -l < "$dir.csv") CSV lines"
tail -1 "$dir.csv"
rm -f "$dir.csv"
