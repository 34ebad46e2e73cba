#!/usr/bin/env bash
# Builds every release artifact for this system into dist/ (see packaging/README.md).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) exec "$here/linux/build.sh" "$@" ;;
  *) echo "packaging/build.sh: no release build for $(uname -s) $(uname -m) yet (see packaging/README.md)" >&2; exit 1 ;;
esac
