#!/usr/bin/env bash
# Runs every test with ggemm built under AddressSanitizer and
# UndefinedBehaviorSanitizer, in build-sanitize/ (build/ stays the plain build
# of test.sh). Any sanitizer report fails the test that caused it.
set -euo pipefail
GGEMM_BUILD="${GGEMM_SANITIZE_BUILD:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/build-sanitize}"
GGEMM_SANITIZERS=address,undefined
GGEMM_CMAKE_ARGS=(-DGGEMM_SANITIZE=$GGEMM_SANITIZERS)
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
# A build dir configured before (or without) the option: set it.
grep -qx "GGEMM_SANITIZE:STRING=$GGEMM_SANITIZERS" "$GGEMM_BUILD/CMakeCache.txt" \
  || cmake "$GGEMM_BUILD" "${GGEMM_CMAKE_ARGS[@]}"

# ASan stops at its first report; UBSan is built with
# -fno-sanitize-recover=all and told to stop and print a stack as well.
# LeakSanitizer stays on, with no suppressions.
# The three longest emulator sweeps run one emulator seed here instead of
# two or three (lit feature `sanitized`, test/lit.cfg.py): the plain build
# runs every seed, and this run stays inside CI's hour (docs/robustness.md).
# allow_user_poisoning=0: llvm::BumpPtrAllocator (behind MLIR's attribute and
# type storage) poisons its slabs when its header is compiled with ASan, as
# in ggemm's code, and not when compiled without, as in libMLIR.so; a slab
# poisoned by ggemm's inlined copy and filled by libMLIR's then reads as
# use-after-poison. ggemm itself poisons nothing by hand, so this turns off
# only that mismatch; heap, stack and global checks stay on.
export ASAN_OPTIONS="allow_user_poisoning=0:detect_stack_use_after_return=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
export ASAN_SYMBOLIZER_PATH="${ASAN_SYMBOLIZER_PATH:-$LLVM_PREFIX/bin/llvm-symbolizer}"

ninja -C "$GGEMM_BUILD" -j "$GGEMM_JOBS"
cd "$GGEMM_BUILD"
ctest --output-on-failure
