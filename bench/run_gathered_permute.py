#!/usr/bin/env python3
"""What rows<gathered> saves, on the GPU: the permuted copy of A's codes and
scales that rows<offsets> needs first (torch index_select of the token rows,
R x K/2 bytes of codes and R x K/16 of scales), timed as a framework would
run it before the contiguous kernel. bench/run_layouts.sh times the kernels;
the gathered kernel is faster than "permute + offsets" when its time is
below the sum of this and the offsets kernel's.

Usage: bench/run_gathered_permute.py [LAYOUTS_TXT]
(default out/kernels-layouts/layouts.txt; one line per shape: name, offsets,
sizes, max_m). K comes from the shape's name (_k<K>); T = R / 2 token rows,
as gemm-run's default for gathered kernels.
"""
import os
import re
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "peers"))
from timing import median_us  # noqa: E402  (CUDA-graph replays, CUDA events)


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else "out/kernels-layouts/layouts.txt"
    print(f"device: {torch.cuda.get_device_name()}")
    for line in open(path):
        name, offsets, _sizes, _max_m = line.split()
        k = int(re.search(r"_k(\d+)", name).group(1))
        routed = int(offsets.split(",")[-1])
        tokens = max(1, routed // 2)
        codes = torch.randint(0, 256, (tokens, k // 2), dtype=torch.uint8, device="cuda")
        scales = torch.randint(0, 127, (tokens, k // 16), dtype=torch.uint8, device="cuda")
        index = torch.randint(0, tokens, (routed,), device="cuda")

        def permute():
            codes.index_select(0, index)
            scales.index_select(0, index)

        median, low, high = median_us([permute], reps=200)
        print(f"permute {name}: T={tokens} R={routed} K={k}: median {median:.1f} us"
              f" (min {low:.1f}, max {high:.1f})")


if __name__ == "__main__":
    main()
