#!/usr/bin/env bash
# Runs every test: sets up and builds first, then ctest (which runs lit).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

ninja -C "$GGEMM_BUILD" -j "$GGEMM_JOBS"
cd "$GGEMM_BUILD"
ctest --output-on-failure
