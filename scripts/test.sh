#!/usr/bin/env bash
# Runs every test: sets up and builds first, then ctest (which runs lit and
# the unit tests); then everything again under ASan and UBSan.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

ninja -C "$GGEMM_BUILD" -j "$GGEMM_JOBS"
cd "$GGEMM_BUILD"
ctest --output-on-failure

# Then the same tests on a build under AddressSanitizer and
# UndefinedBehaviorSanitizer (build-sanitize/).
"$GGEMM_ROOT/scripts/test-sanitized.sh"
