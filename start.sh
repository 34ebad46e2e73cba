#!/usr/bin/env bash
# Set everything up (the first time takes a few minutes), then open OCI Desktop.
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh
exec .venv/bin/oci-desktop "$@"
