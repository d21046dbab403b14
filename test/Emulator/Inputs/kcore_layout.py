"""Checks probes/tma_kcore.ptx's output (ggemm-probe --out FILE): buffer 0
holds 256 rows of 256 f16 (512 bytes a row), buffer 1 the box the probe
loaded at K cores 8-15, which must land K-core-major: core c of row r (the
16 bytes at row byte 16 (8 + c)) at byte 4096 c + 16 r."""
import re
import sys

buffers = {}
for line in open(sys.argv[1]):
    m = re.match(r"buffer (\d+) \+([0-9a-f]+):(.*)", line)
    buffers.setdefault(int(m.group(1)), bytearray()).extend(
        bytes(int(x, 16) for x in m.group(3).split()))
rows, out = buffers[0], buffers[1]
differ = sum(
    rows[512 * r + 16 * (8 + c):][:16] != out[4096 * c + 16 * r:][:16]
    for c in range(8) for r in range(256))
print("kcore layout: %d of 2048 cores differ" % differ)
sys.exit(1 if differ else 0)
