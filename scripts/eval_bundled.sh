#!/usr/bin/env bash
# The bundled model on the full HumanEval+ and MBPP+ in all three modes, into one folder whose
# report (results.md, results.json, results.png) covers every run. Resumable: run it again and
# finished tasks are skipped, cached replies are reused. The honest mode gets 2 rounds, the
# same two attempts the paper's oracle protocol allows, so the two feedback modes differ only in
# where the feedback comes from.
#
#   scripts/eval_bundled.sh [OUT]        (default docs/results/bundled-smollm2)
set -u
cd "$(dirname "$0")/.."
OUT=${1:-docs/results/bundled-smollm2}
: "${OCI_EVAL_DATA:=$(pwd)/../shared/data}"
export OCI_EVAL_DATA
run() { .venv/bin/oci-desktop eval --out "$OUT" "$@" || echo "eval $* stopped with status $?" >&2; }
run --dataset humaneval --mode single
run --dataset humaneval --mode feedback-oracle --plus
run --dataset humaneval --mode feedback-honest --rounds 2
run --dataset mbpp --mode single
run --dataset mbpp --mode feedback-oracle --plus
run --dataset mbpp --mode feedback-honest --rounds 2
