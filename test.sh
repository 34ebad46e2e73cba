#!/usr/bin/env bash
# Set everything up, then run the whole test suite and the layering check.
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh --tests
.venv/bin/lint-imports
exec .venv/bin/python -m pytest "$@"
