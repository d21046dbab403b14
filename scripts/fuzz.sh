#!/usr/bin/env bash
# Builds the libFuzzer target ggemm-fuzz (tools/ggemm-fuzz) in build-fuzz/
# with clang-22, ASan, UBSan and ggemm's assertions on, and runs it.
#
#   scripts/fuzz.sh                 # 1,000,000 executions or 1 hour
#   scripts/fuzz.sh -runs=10000 -max_total_time=600
#   scripts/fuzz.sh --replay        # each seed once (the CI check)
#   scripts/fuzz.sh crash-...       # run one input (GGEMM_FUZZ_VERBOSE=1
#                                   # prints its diagnostics)
#
# Extra arguments go to libFuzzer and override the defaults below. The seeds
# are every .mlir under examples/ and test/ below 200 KB, split at
# `// -----` as lit's -split-input-file does; new inputs go to
# build-fuzz/corpus/, crashes, timeouts and leaks to build-fuzz/artifacts/.
# Needs clang-22 and libclang-rt-22-dev (installed when missing).
set -euo pipefail
GGEMM_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
FUZZ_BUILD="${GGEMM_FUZZ_BUILD:-$GGEMM_ROOT/build-fuzz}"
# GGEMM_LLVM_PREFIX: where LLVM/MLIR 22 are installed (Debian's packages put
# them in /usr/lib/llvm-22).
LLVM_PREFIX="${GGEMM_LLVM_PREFIX:-/usr/lib/llvm-22}"

"$GGEMM_ROOT/scripts/install-packages.sh" clang-22 libclang-rt-22-dev llvm-22-dev libmlir-22-dev mlir-22-tools \
         cmake ninja-build python3

if [ ! -f "$FUZZ_BUILD/build.ninja" ]; then
  launcher=()
  command -v ccache >/dev/null &&
    launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  # -O1 -g without -DNDEBUG: ggemm's assertions (and those MLIR's headers
  # inline into ggemm's code) stay on.
  cmake -G Ninja -S "$GGEMM_ROOT" -B "$FUZZ_BUILD" \
    -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_C_FLAGS_RELEASE="-O1 -g" -DCMAKE_CXX_FLAGS_RELEASE="-O1 -g" \
    -DCMAKE_C_COMPILER="$LLVM_PREFIX/bin/clang" \
    -DCMAKE_CXX_COMPILER="$LLVM_PREFIX/bin/clang++" \
    -DMLIR_DIR="$LLVM_PREFIX/lib/cmake/mlir" \
    -DGGEMM_BUILD_RUNTIME=OFF -DGGEMM_FUZZER=ON \
    -DGGEMM_SANITIZE=address,undefined "${launcher[@]}"
fi
ninja -C "$FUZZ_BUILD" -j "${GGEMM_JOBS:-$(nproc)}" ggemm-fuzz

# Seeds, rebuilt each time from the sources.
seeds="$FUZZ_BUILD/seeds"
rm -rf "$seeds"
mkdir -p "$seeds" "$FUZZ_BUILD/corpus" "$FUZZ_BUILD/artifacts"
python3 - "$GGEMM_ROOT" "$seeds" <<'EOF'
import pathlib, re, sys
root, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
n = 0
for d in ("examples", "test"):
    for f in sorted((root / d).rglob("*.mlir")):
        if f.stat().st_size > 200 * 1024:
            continue
        parts = re.split(r"^// -----.*$", f.read_text(), flags=re.M)
        for i, part in enumerate(parts):
            name = str(f.relative_to(root)).replace("/", "_")
            (out / f"{name}.{i}").write_text(part)
            n += 1
print(f"ggemm-fuzz: {n} seeds", file=sys.stderr)
EOF

# The suite's sanitizer settings (scripts/test-sanitized.sh says why
# allow_user_poisoning=0); LeakSanitizer stays on.
export ASAN_OPTIONS="allow_user_poisoning=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
export ASAN_SYMBOLIZER_PATH="${ASAN_SYMBOLIZER_PATH:-$LLVM_PREFIX/bin/llvm-symbolizer}"
fuzz="$FUZZ_BUILD/bin/ggemm-fuzz"
common=(-dict="$GGEMM_ROOT/tools/ggemm-fuzz/ggemm.dict" -timeout=60
        -rss_limit_mb=6144 -max_len=65536 -print_final_stats=1)

if [ "${1:-}" = "--replay" ]; then
  # Each seed once, no mutation: the target builds and every seed passes.
  exec "$fuzz" "${common[@]}" -runs=0 "$seeds"
fi
if (($#)) && [ -f "$1" ]; then
  exec "$fuzz" "${common[@]}" "$@"
fi
"$fuzz" "${common[@]}" -runs=1000000 -max_total_time=3600 \
  -artifact_prefix="$FUZZ_BUILD/artifacts/" "$@" "$FUZZ_BUILD/corpus" "$seeds" \
  2>&1 | tee "$FUZZ_BUILD/fuzz.log"
status=${PIPESTATUS[0]}
echo "ggemm-fuzz: $(grep -o 'stat::number_of_executed_units: *[0-9]*' "$FUZZ_BUILD/fuzz.log" | tail -1 | grep -o '[0-9]*$') executions, exit status $status"
exit "$status"
