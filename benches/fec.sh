#!/bin/sh
# `relance import fec` on a generated FEC of N lines (default 1,000,000): 5,000 customers,
# each sale three lines (411 debit, 706 and 44571 credits), 80 % of them paid and lettered
# (512 debit, 411 credit). Prints the time and the peak RSS. Usage: benches/fec.sh [N] [BINARY]
set -eu
n=${1:-1000000}
bin=${2:-target/release/relance}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
python3 - "$n" "$dir/732829320FEC20251231.txt" <<'PY'
import random, sys
random.seed(7)
n, path = int(sys.argv[1]), sys.argv[2]
out = open(path, "w", encoding="utf-8")
out.write("JournalCode\tJournalLib\tEcritureNum\tEcritureDate\tCompteNum\tCompteLib\tCompAuxNum\tCompAuxLib\tPieceRef\tPieceDate\tEcritureLib\tDebit\tCredit\tEcritureLet\tDateLet\tValidDate\tMontantdevise\tIdevise\n")
lines, entry = 1, 0
eur = lambda c: f"{c // 100},{c % 100:02d}"
while lines < n:
    entry += 1
    c = random.randrange(5000)
    aux, name = f"C{c:05d}", f"Client {c} SARL"
    day = f"2025{random.randint(1, 12):02d}{random.randint(1, 28):02d}"
    ht = random.randint(1000, 500000)
    tva = ht // 5
    ref, num = f"F-{entry:07d}", f"VE{entry:07d}"
    paid = random.random() < 0.8
    let, datelet = (f"L{entry:07d}", day) if paid else ("", "")
    out.write(f"VE\tVentes\t{num}\t{day}\t411000\tClients\t{aux}\t{name}\t{ref}\t{day}\tFacture {ref}\t{eur(ht + tva)}\t0,00\t{let}\t{datelet}\t{day}\t\t\n")
    out.write(f"VE\tVentes\t{num}\t{day}\t706000\tPrestations\t\t\t{ref}\t{day}\tFacture {ref}\t0,00\t{eur(ht)}\t\t\t{day}\t\t\n")
    out.write(f"VE\tVentes\t{num}\t{day}\t445710\tTVA collectée\t\t\t{ref}\t{day}\tFacture {ref}\t0,00\t{eur(tva)}\t\t\t{day}\t\t\n")
    lines += 3
    if paid:
        out.write(f"BQ\tBanque\tBQ{entry:07d}\t{day}\t512000\tBanque\t\t\t{ref}\t{day}\tRèglement {ref}\t{eur(ht + tva)}\t0,00\t\t\t{day}\t\t\n")
        out.write(f"BQ\tBanque\tBQ{entry:07d}\t{day}\t411000\tClients\t{aux}\t{name}\t{ref}\t{day}\tRèglement {ref}\t0,00\t{eur(ht + tva)}\t{let}\t{datelet}\t{day}\t\t\n")
        lines += 2
PY
/usr/bin/time -f "import fec, $n lines: %e s, peak RSS %M kB" \
  "$bin" import fec "$dir/732829320FEC20251231.txt" --creditor tests/import/relance.toml \
  --out "$dir/out" > /dev/null
