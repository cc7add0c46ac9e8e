#!/usr/bin/env bash
# Submit a spec as a Slurm job array of N shards plus a merge job that runs once every shard succeeded
# (docs/cluster.md):  scripts/cluster/submit.sh experiments/forget/table1.yaml 8 [extra sbatch options…]
# Prints the two job ids. The merged table lands in results/ exactly as a single `editlab run` writes it.
set -euo pipefail
SPEC="${1:?usage: submit.sh <spec.yaml> <shards> [sbatch options…]}"
N="${2:?usage: submit.sh <spec.yaml> <shards> [sbatch options…]}"
shift 2
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
EDITLAB="${EDITLAB:-npx editlab}"
RESULTS="${EDITLAB_RESULTS:-$PWD/results}"
# The shard files' common name: results/<output without .csv>.shard-<i>-of-<n>.json (editlab plan --json prints the output).
# shellcheck disable=SC2086
OUT="$($EDITLAB plan "$SPEC" --json --results-dir "$RESULTS" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>process.stdout.write(JSON.parse(s).output.replace(/\.csv$/,"")))')"
ARRAY="$(sbatch --parsable --array="0-$((N - 1))" --export="ALL,SPEC=$SPEC,SHARDS=$N" "$@" "$HERE/editlab-array.sbatch")"
MERGE="$(sbatch --parsable --dependency="afterok:${ARRAY%%;*}" --job-name=editlab-merge --output=editlab-merge-%j.log "$@" \
  --wrap="$EDITLAB merge $OUT.shard-*-of-$N.json --results-dir $RESULTS")"
echo "array ${ARRAY%%;*}  merge ${MERGE%%;*}"
