#!/usr/bin/env python3
"""Fits a step's and a tile's cost from the calibration timings.

Reads the TSV of bench/run_calibration.sh (kernel, shape, median_us; the
shapes bench_calib_m<tile M>_k<K>[_t<T>] of bench/compile_calibration.sh:
one token tile, T output tiles a CTA, T = 4 where the name has no _t).

For each kernel and tile M, the least-squares fit of

    us = rest + step x (steps a CTA) + tile x T,   steps a CTA = T x K / 64

over its timings: `step` is a step's cost, `tile` a tile's fixed cost (its
epilogue, the pipeline's drain and refill), `rest` the launches and the
first fill. With one T only, `tile` cannot be told from `rest` and only the
line in the steps is fit (the tile column is n/a).

Then, per kernel, the least-squares line of the tile's cost in the bytes of
its f16 output tile (tile M x tile N x 2): a fixed part and a cost per
byte, printed beside the rate the SM's share of DRAM bandwidth would give
(--dram-gbps / --sms), the model's epilogue term (docs/cost-model.md).

Usage: bench/fit_calibration.py CALIBRATION_TSV [--clock-ghz 1.98]
           [--tile-n 128] [--dram-gbps 4526] [--sms 132]
"""
import argparse
import collections
import re
import sys

SHAPE = re.compile(r"bench_calib_m(\d+)_k(\d+)(?:_t(\d+))?$")
DEFAULT_TILES_PER_CTA = 4
STEP_K = 64


def solve(a, b):
    """x with a x = b (a square, by Gaussian elimination with pivoting)."""
    n = len(b)
    m = [list(row) + [v] for row, v in zip(a, b)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(m[r][col]))
        if abs(m[pivot][col]) < 1e-12:
            raise ValueError("singular fit")
        m[col], m[pivot] = m[pivot], m[col]
        for r in range(n):
            if r != col:
                f = m[r][col] / m[col][col]
                m[r] = [x - f * y for x, y in zip(m[r], m[col])]
    return [m[i][n] / m[i][i] for i in range(n)]


def least_squares(rows, ys):
    """Coefficients minimising |rows x - ys|^2 (normal equations)."""
    n = len(rows[0])
    ata = [[sum(r[i] * r[j] for r in rows) for j in range(n)] for i in range(n)]
    aty = [sum(r[i] * y for r, y in zip(rows, ys)) for i in range(n)]
    return solve(ata, aty)


def fit(points):
    """(rest, step, tile or None, largest residual) of [(T, steps, us)]."""
    if len({s for _, s, _ in points}) < 2:
        raise ValueError("needs two K at least")
    with_tiles = len({t for t, _, _ in points}) >= 2 and len(points) >= 3
    ys = [us for _, _, us in points]
    try:
        rows = [[1.0, s, t] if with_tiles else [1.0, s] for t, s, _ in points]
        coef = least_squares(rows, ys)
    except ValueError:
        # Steps and tiles in proportion (one K only): the line in the steps.
        with_tiles = False
        rows = [[1.0, s] for _, s, _ in points]
        coef = least_squares(rows, ys)
    residual = max(abs(y - sum(c * x for c, x in zip(coef, r)))
                   for r, y in zip(rows, ys))
    return coef[0], coef[1], coef[2] if with_tiles else None, residual


def read(path):
    """{(kernel, tile_m): [(T, steps a CTA, us)]}; failed timings left out."""
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
            tiles = int(match.group(3) or DEFAULT_TILES_PER_CTA)
            runs[(kernel, tile_m)].append((tiles, tiles * k // STEP_K, time))
    return runs


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("tsv")
    parser.add_argument("--clock-ghz", type=float, default=1.98)
    parser.add_argument("--tile-n", type=int, default=128)
    parser.add_argument("--dram-gbps", type=float, default=4526)
    parser.add_argument("--sms", type=int, default=132)
    args = parser.parse_args(argv)
    cycles_per_us = args.clock_ghz * 1e3
    runs = read(args.tsv)
    tile_costs = collections.defaultdict(list)  # kernel: [(bytes, cycles)]
    print("| kernel | tile M | points | a step, cycles | a tile, cycles "
          "| the rest, us | largest residual, us |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for (kernel, tile_m), points in sorted(runs.items()):
        try:
            rest, step, tile, residual = fit(points)
        except ValueError:
            print("| %s | %d | %d | n/a | n/a | n/a | n/a |" % (kernel, tile_m, len(points)))
            continue
        if tile is not None:
            tile_costs[kernel].append((tile_m * args.tile_n * 2, tile * cycles_per_us))
        print("| %s | %d | %d | %.0f | %s | %.1f | %.2f |" % (
            kernel, tile_m, len(points), step * cycles_per_us,
            "n/a" if tile is None else "%.0f" % (tile * cycles_per_us), rest,
            residual))
    share = args.dram_gbps / args.sms / args.clock_ghz  # bytes a cycle
    print()
    print("| kernel | tile M points | a tile, fixed cycles | cycles per KiB of output "
          "| at the SM's DRAM share |")
    print("| --- | --- | --- | --- | --- |")
    for kernel, costs in sorted(tile_costs.items()):
        if len({b for b, _ in costs}) < 2:
            continue
        fixed, per_byte = least_squares([[1.0, b] for b, _ in costs],
                                        [c for _, c in costs])
        print("| %s | %d | %.0f | %.0f | %.0f |" % (
            kernel, len(costs), fixed, per_byte * 1024, 1024 / share))
    return 0


if __name__ == "__main__":
    sys.exit(main())
