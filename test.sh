#!/usr/bin/env bash
# Set everything up, then run the whole test suite and the layering check.
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh --tests
.venv/bin/lint-imports
.venv/bin/ruff check --quiet oci_desktop tests scripts
exec .venv/bin/python -m pytest "$@"
