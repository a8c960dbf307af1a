#!/usr/bin/env bash
# `relance batch` on generated dossiers (release build), whole process: dossiers per second
# with --jobs 1 and --jobs 2 (N = RELANCE_BENCH_DOSSIERS, default 1,000), peak RSS at
# N = RELANCE_BENCH_RSS_DOSSIERS (default 10,000), and the example's mise en demeure typeset
# by Typst (in-process and `relance render`) and by pdflatex (benches/mise-en-demeure.tex).
# Targets (issue 6): a whole dossier ≤ 15 ms per core, ≥ 1.8x from 1 to 2 jobs, peak RSS
# ≤ 150 MB at 10,000 dossiers. Needs ~3 GB free in $TMPDIR for the 10,000 dossiers' output.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v pdflatex > /dev/null; then
  # Debian's TeX Live, the smallest set that typesets the letter (~240 MB).
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    texlive-latex-base texlive-fonts-recommended texlive-lang-french > /dev/null
fi
cargo bench --bench batch
