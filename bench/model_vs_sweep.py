#!/usr/bin/env python3
"""Compares the cost model with the exhaustive sweep (bench/run_sweep.sh).

For every shape of the sweep's TSV: the model's prediction for each swept
schedule (gemm-opt --ggemm-print-schedule{candidates}, on the shape's
example), the measured time, the schedule the model chooses (what
ggemm-pipeline compiles by default) and the sweep's best. Prints two
Markdown tables: predicted vs measured, and chosen vs best.

Usage: bench/model_vs_sweep.py SWEEP_TSV [GEMM_OPT] [--with-predecode]
  GEMM_OPT defaults to build/bin/gemm-opt. With --with-predecode the choice
  is the cheapest of the plain and the predecoded candidates (what the model
  would choose if its family offered predecoded tokens).
"""
import collections
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LINE = re.compile(r"tile (\d+)x(\d+)x(\d+) stages (\d+) split_k (\d+)( predecode)?: ([0-9.]+) us "
                  r"\(compute ([0-9.]+), memory ([0-9.]+), feed ([0-9.]+).*; (\w+)-bound\)")
# m<tile M>_s<stages>_k<split-K>, and _c<CTAs per SM> where it is above 1
# (a grid of that many times the SM count), and _pd with predecoded tokens.
NAME = re.compile(r"m(\d+)_s(\d+)_k(\d+)(?:_c(\d+))?(_pd)?")
SMS = 132


def predictions(shape, gemm_opt, ctas=1, predecode=0):
    """{(tile_m, stages, split_k, ctas, predecode): (us, bound)} and the
    model's choice (at one CTA per SM, the default grid; the model offers
    predecoded schedules only when asked, so the choice is never one)."""
    src = os.path.join(ROOT, "examples", f"bench_{shape}.mlir")
    if not os.path.exists(src):
        src = os.path.join(ROOT, "examples", f"bench_{shape}_dynamic.mlir")
    tile = "--ggemm-tile" if ctas == 1 else f"--ggemm-tile=tile-m=0 stages=0 grid={ctas * SMS}"
    if predecode:
        tile = "--ggemm-tile=predecode=1"
    out = subprocess.run([gemm_opt, src, tile, "--ggemm-print-schedule=candidates",
                          "-o", os.devnull], capture_output=True, text=True).stdout
    table, chosen = {}, None
    for line in out.splitlines():
        m = LINE.search(line)
        if not m:
            continue
        key = (int(m[1]), int(m[4]), int(m[5]), ctas, int(bool(m[6])))
        table[key] = (float(m[7]), m[11])
        if chosen is None and key[2] == 1:
            chosen = key  # cheapest first; ggemm-tile takes split_k = 1
    return table, chosen


def main():
    args = [a for a in sys.argv[1:] if a != "--with-predecode"]
    with_predecode = len(args) != len(sys.argv) - 1
    tsv = args[0]
    gemm_opt = args[1] if len(args) > 1 else os.path.join(ROOT, "build", "bin", "gemm-opt")
    measured = collections.defaultdict(dict)
    with open(tsv) as f:
        next(f)
        for line in f:
            shape, schedule, us = line.rstrip("\n").split("\t")
            if us != "failed":
                m = NAME.fullmatch(schedule)
                if not m:
                    continue  # not a schedule of the family (e.g. "auto")
                key = (int(m[1]), int(m[2]), int(m[3]), int(m[4] or 1), int(bool(m[5])))
                measured[shape][key] = float(us)
    print("| shape | schedule (tile M, stages, split-K, CTAs per SM, predecoded) | predicted us | bound | measured us | predicted / measured |")
    print("|---|---|---|---|---|---|")
    summary = []
    for shape, runs in measured.items():
        pred, chosen = predictions(shape, gemm_opt)
        for ctas in sorted({key[3] for key in runs} - {1}):
            pred.update(predictions(shape, gemm_opt, ctas)[0])
        if any(key[4] for key in runs) or with_predecode:
            pd_pred, pd_chosen = predictions(shape, gemm_opt, 1, 1)
            pred.update(pd_pred)
            # (ggemm-tile's tie rule: within 1% the plain kernel wins.)
            if with_predecode and pd_chosen and (
                    chosen is None or pd_pred[pd_chosen][0] < 0.99 * pred[chosen][0]):
                chosen = pd_chosen
        for key in sorted(runs, key=runs.get):
            p = pred.get(key)
            cell = f"{p[0]:.1f} | {p[1]}" if p else "refused | -"
            ratio = f"{p[0] / runs[key]:.2f}" if p else "-"
            print(f"| {shape} | {key} | {cell} | {runs[key]:.1f} | {ratio} |")
        best = min(runs, key=runs.get)
        summary.append((shape, chosen, runs.get(chosen), best, runs[best], runs.get((128, 4, 1, 1, 0))))
    print()
    print("| shape | model's choice | its time us | sweep's best | best us | choice / best | fixed 128x128 s4 us |")
    print("|---|---|---|---|---|---|---|")
    for shape, chosen, cus, best, bus, fixed in summary:
        c = f"{cus:.1f}" if cus else "not swept"
        r = f"{cus / bus:.3f}" if cus else "-"
        fx = f"{fixed:.1f}" if fixed else "-"
        print(f"| {shape} | {chosen} | {c} | {best} | {bus:.1f} | {r} | {fx} |")


if __name__ == "__main__":
    main()
