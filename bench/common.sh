# Helpers the GPU-side benchmark scripts share (sourced from the repository
# root; they need $logs set).
seed=$(( $(date +%s) % 100000 ))
log() { echo "== $*" | tee -a "$logs/check.log"; }
# Group sizes of a benchmark shape of $PROBLEMS (default
# bench/problems.json), comma-separated.
sizes_of() {
  python3 -c 'import json, sys
sizes = {b["name"]: b["m"] for b in json.load(open(sys.argv[1]))["benchmarks"]}
print(",".join(str(m) for m in sizes[sys.argv[2]]))' "${PROBLEMS:-bench/problems.json}" "$1"
}
# Builds the CUDA-driver runtime and gemm-run into out/build-runtime (with
# "always", every time; otherwise only where gemm-run is missing) and sets
# BUILD and RUN.
build_runtime() {
  BUILD=out/build-runtime
  if [ "${1:-}" = always ] || [ ! -x $BUILD/bin/gemm-run ]; then
    cmake -S runtime -B $BUILD -DCMAKE_BUILD_TYPE=Release > "$logs/build.log" 2>&1 &&
      cmake --build $BUILD -j "$(nproc)" >> "$logs/build.log" 2>&1 || { tail -30 "$logs/build.log"; exit 1; }
  fi
  RUN=$BUILD/bin/gemm-run
}
