#!/usr/bin/env bash
# Set everything up, then run the whole test suite and the layering check.
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh --tests
.venv/bin/lint-imports
.venv/bin/ruff check --quiet oci_desktop tests scripts packaging
.venv/bin/ruff check --quiet --select D100,D101,D102,D103 oci_desktop/engine   # the engine API is documented
.venv/bin/deptry .   # every import is declared in pyproject.toml, where it belongs
exec .venv/bin/python -m pytest "$@"
