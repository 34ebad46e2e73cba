#!/usr/bin/env bash
# The bundled model on the full HumanEval+ and MBPP+ in all three modes, into one folder whose
# report (results.md, results.json, results.png) covers every run. Resumable: run it again and
# finished tasks are skipped, cached replies are reused. The honest mode gets 2 rounds, the
# same two attempts the paper's oracle protocol allows, so the two feedback modes differ only in
# where the feedback comes from.
#
# The model runs on llama.cpp's x86-64-v3 build as the release ships it, with 2 threads, so that
# another machine of the same kind gets the same replies (tests/support/llama_builds.py).
#
#   scripts/eval_bundled.sh [OUT]        (default docs/results/bundled-qwen2.5-coder-0.5b)
#
# The model is named, not left to the default: the default is the newest model installed, and
# installing the 1.5B (for the reviewer) would otherwise switch the runs to it halfway.
set -u
cd "$(dirname "$0")/.."
OUT=${1:-docs/results/bundled-qwen2.5-coder-0.5b}
eval "$(.venv/bin/python -c 'from tests.support.llama_builds import release_build_env as e
for k, v in e("x86-64-v3").items(): print(f"export {k}={v}")')"
: "${OCI_EVAL_DATA:=$(pwd)/../shared/data}"
export OCI_EVAL_DATA
run() { .venv/bin/oci-desktop eval --model Qwen2.5-Coder-0.5B-Instruct --out "$OUT" "$@" || echo "eval $* stopped with status $?" >&2; }
run --dataset humaneval --mode single
run --dataset humaneval --mode feedback-oracle --plus
run --dataset humaneval --mode feedback-honest --rounds 2
run --dataset mbpp --mode single
run --dataset mbpp --mode feedback-honest --rounds 2
run --dataset mbpp --mode feedback-oracle --plus
