# Helpers the GPU-side benchmark scripts share (sourced from the repository
# root; they need $logs set).
seed=$(( $(date +%s) % 100000 ))
log() { echo "== $*" | tee -a "$logs/check.log"; }
# Group sizes of a benchmark shape of bench/problems.json, comma-separated.
sizes_of() {
  python3 -c 'import json, sys
sizes = {b["name"]: b["m"] for b in json.load(open(sys.argv[1]))["benchmarks"]}
print(",".join(str(m) for m in sizes[sys.argv[2]]))' bench/problems.json "$1"
}
