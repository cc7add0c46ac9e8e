#!/usr/bin/env bash
# Editing-as-Unlearning Figures 3, 4 and 6 (right), redrawn from the committed table CSVs without running
# anything (docs/unlearning.md "Figures"). The same figures are drawn by each table spec's `plots:` block
# after `editlab run`; this script draws them again from results/ (e.g. after a merge or a by-hand edit).
#   npm run figures:unlearning            (or: bash scripts/unlearning-figures.sh [results-dir])
set -euo pipefail
cd "$(dirname "$0")/.."
R="${1:-results}/unlearning"
plot() { # <table> <svg> <editlab plot options…>
  local csv="$R/$1.csv" out="$R/$2"; shift 2
  if [[ ! -f "$csv" ]]; then echo "skip $out: no $csv (run: npx editlab run experiments/unlearning/$(basename "$csv" .csv).yaml)" >&2; return 0; fi
  npx editlab plot "$csv" "$@" -o "$out"
}
# Figure 3: forget (1 − ROUGE-1) and retain ROUGE-1 against the forget-set size (Table 5).
plot table5 fig3-forget-size.svg --kind line --metric forget-score,rouge1-retain --x dataset --series method \
  --title "Figure 3: forget (1 − ROUGE-1) and retain (ROUGE-1) against the forget-set size"
# Figure 4 left: 1 − R1(forget) + R1(retain) per method, one bar per model × dataset (Table 1).
plot table1 fig4-score.svg --kind bar --metric unlearn-score --x method \
  --title "Figure 4 (left): 1 − ROUGE-1 forget + ROUGE-1 retain"
# Figure 4 right: the radar of Forget (1 − R1), Rephrase (1 − R1 rephrased), Retain (R1) (Table 2).
plot table2 fig4-radar.svg --kind radar --metric forget-score,rephrase-score,rouge1-retain --series method \
  --title "Figure 4 (right): Forget (1 − R1), Rephrase (1 − R1), Retain (R1)"
# Figure 6 right: query merging, 1 − R1(forget) + R1(retain) against the number of merged queries (Table 7).
plot table7 fig6-merge.svg --kind line --metric unlearn-score --x protocol --series method \
  --title "Figure 6 (right): query merging, 1 − ROUGE-1 forget + ROUGE-1 retain"
