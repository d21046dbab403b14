#!/usr/bin/env python3
"""Fits a step's and a tile's cost from the calibration timings.

Reads the TSV of bench/run_calibration.sh (kernel, shape, median_us; the
shapes bench_calib_m<tile M>_k<K> of bench/compile_calibration.sh: one
token tile, four output tiles a CTA). For each kernel and tile M, the
least-squares line through (steps a CTA, us), where a CTA runs 4 tiles of
K / 64 steps: the slope is a step's cost (printed in cycles at --clock-ghz)
and the intercept "the rest" (the launches, the pipeline's fill and the
four tiles' fixed cost). Prints one Markdown table.

Usage: bench/fit_calibration.py CALIBRATION_TSV [--clock-ghz 1.98]
"""
import argparse
import collections
import re
import sys

SHAPE = re.compile(r"bench_calib_m(\d+)_k(\d+)$")
TILES_PER_CTA = 4
STEP_K = 64


def fit(points):
    """Least-squares (slope, intercept) of [(x, y)], at least two x."""
    n = len(points)
    mx = sum(x for x, _ in points) / n
    my = sum(y for _, y in points) / n
    sxx = sum((x - mx) ** 2 for x, _ in points)
    if sxx == 0:
        raise ValueError("needs two K at least")
    slope = sum((x - mx) * (y - my) for x, y in points) / sxx
    return slope, my - slope * mx


def read(path):
    """{(kernel, tile_m): [(steps a CTA, us)]}; failed timings left out."""
    runs = collections.defaultdict(list)
    with open(path) as f:
        for line in f:
            fields = line.rstrip("\n").split("\t")
            if len(fields) != 3 or fields[0] == "kernel":
                continue
            kernel, shape, us = fields
            match = SHAPE.match(shape)
            if not match:
                raise ValueError("%s: not a calibration shape: %r" % (path, shape))
            try:
                time = float(us)
            except ValueError:
                continue
            tile_m, k = int(match.group(1)), int(match.group(2))
            runs[(kernel, tile_m)].append((TILES_PER_CTA * k // STEP_K, time))
    return runs


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("tsv")
    parser.add_argument("--clock-ghz", type=float, default=1.98)
    args = parser.parse_args(argv)
    runs = read(args.tsv)
    print("| kernel | tile M | points | a step, cycles | the rest, us | largest residual, us |")
    print("| --- | --- | --- | --- | --- | --- |")
    for (kernel, tile_m), points in sorted(runs.items()):
        if len({x for x, _ in points}) < 2:
            print("| %s | %d | %d | n/a | n/a | n/a |" % (kernel, tile_m, len(points)))
            continue
        slope, rest = fit(points)
        residual = max(abs(y - (slope * x + rest)) for x, y in points)
        print("| %s | %d | %d | %.0f | %.1f | %.2f |" % (
            kernel, tile_m, len(points), slope * args.clock_ghz * 1e3, rest,
            residual))
    return 0


if __name__ == "__main__":
    sys.exit(main())
