#!/usr/bin/env python3
"""Generates examples/*.mlir and their lit tests from bench/problems.json.

Usage: python3 examples/gen_examples.py [path/to/problems.json]
       python3 examples/gen_examples.py path/to/problems.json --out-dir DIR
           # that list's examples into DIR, no lit tests (bench/compile.sh
           # does this for PROBLEMS=bench/heldout.json: held-out shapes
           # stay out of examples/ and the tests)
       python3 examples/gen_examples.py --random SEED [--contiguous]
           [--blocked] [--alpha] [--groups G]  # one random problem on stdout
       python3 examples/gen_examples.py --blocked-variants DIR
           # the list-form examples with blocked_128x4 scales, into DIR

Random problems: G in [1, 16] (or --groups G); M_g in [0, 300], often 0, 1, 127, 128 or 129;
N a multiple of 8 up to 136; K a multiple of 64 up to 320. In the contiguous
form the group sizes are chosen at run time (ggemm-cpu-run --seed).

The outputs are checked in; rerun this when the problem list changes. Every
example is one func.func holding one ggemm.grouped_matmul. Benchmark shapes
(shared N and K) also get a rows<contiguous> variant with run-time group sizes.
"""
import argparse
import json
import os
import glob
import random
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DEFAULT_JSON = os.path.join(ROOT, "bench", "problems.json")

F4, F8, F16 = "f4E2M1FN", "f8E4M3FN", "f16"


def mref(shape, elem):
    return "memref<" + "x".join(str(d) for d in shape) + "x" + elem + ">"


def blocked_shape(rows, k):
    return [-(-rows // 128), -(-(k // 16) // 4), 32, 16]


def list_form(name, ms, ns, ks, blocked=False, alpha=False):
    g = len(ms)
    groups = list(zip(ms, ns, ks))
    kinds = [
        ("a", lambda m, n, k: mref([m, k], F4)),
        ("sfa", lambda m, n, k: mref(blocked_shape(m, k) if blocked else [m, k // 16], F8)),
        ("b", lambda m, n, k: mref([n, k], F4)),
        ("sfb", lambda m, n, k: mref(blocked_shape(n, k) if blocked else [n, k // 16], F8)),
        ("c", lambda m, n, k: mref([m, n], F16)),
    ]
    args, clauses = [], []
    for kind, ty in kinds:
        names = [f"%{kind}{i}" for i in range(g)]
        types = [ty(*grp) for grp in groups]
        args += [f"{v}: {t}" for v, t in zip(names, types)]
        clauses.append(f"      {kind}({', '.join(names)} : {', '.join(types)})")
    if alpha:
        args.append(f"%alpha: {mref([g], 'f32')}")
        clauses.append(f"      alpha(%alpha : {mref([g], 'f32')})")
    body = "\n".join(clauses)
    layout = "blocked_128x4" if blocked else "row_major"
    return (f"func.func @{name}(\n    " + ",\n    ".join(args) + ") {\n"
            f"  ggemm.grouped_matmul rows<list> scales<{layout}>\n{body}\n"
            "  return\n}\n")


def contiguous_form(name, ms, n, k, alpha=False):
    g = len(ms)
    types = {
        "a": mref(["?", k], F4), "sfa": mref(["?", k // 16], F8),
        "b": mref([g, n, k], F4), "sfb": mref([g, n, k // 16], F8),
        "c": mref(["?", n], F16), "sizes": mref([g], "i32"),
    }
    if alpha:
        types["alpha"] = mref([g], "f32")
    args = ",\n    ".join(f"%{v}: {t}" for v, t in types.items())
    clauses = "\n".join(f"      {v}(%{v} : {types[v]})"
                        for v in ("a", "sfa", "b", "sfb", "c"))
    extra = f"\n      alpha(%alpha : {types['alpha']})" if alpha else ""
    return (f"// Group sizes at run time; this problem's are {ms}.\n"
            f"func.func @{name}(\n    {args}) {{\n"
            f"  ggemm.grouped_matmul rows<contiguous> scales<row_major>\n{clauses}\n"
            f"      group_sizes(%sizes : {types['sizes']}){extra}\n"
            "  return\n}\n")


def lit_test(name, ms, ns, ks, contiguous):
    lines = [f"// Round trip of examples/{name}.mlir: parse, verify, print, reparse.",
             f"// RUN: gemm-opt %S/../../examples/{name}.mlir | gemm-opt | FileCheck %s",
             f"// RUN: gemm-opt %S/../../examples/{name}.mlir --mlir-print-op-generic | gemm-opt | FileCheck %s",
             "", f"// CHECK-LABEL: func.func @{name}("]
    if contiguous:
        g, n, k = len(ms), ns[0], ks[0]
        lines += ["// CHECK: ggemm.grouped_matmul rows<contiguous> scales<row_major>",
                  f"// CHECK-SAME: a(%{{{{.*}}}} : memref<?x{k}x{F4}>)",
                  f"// CHECK-SAME: b(%{{{{.*}}}} : memref<{g}x{n}x{k}x{F4}>)",
                  f"// CHECK-SAME: c(%{{{{.*}}}} : memref<?x{n}x{F16}>)",
                  f"// CHECK-SAME: group_sizes(%{{{{.*}}}} : memref<{g}xi32>)"]
    else:
        a_types = ", ".join(mref([m, k], F4) for m, k in zip(ms, ks))
        c_types = ", ".join(mref([m, n], F16) for m, n in zip(ms, ns))
        lines += ["// CHECK: ggemm.grouped_matmul rows<list> scales<row_major>",
                  f"// CHECK-SAME: : {a_types})",
                  f"// CHECK-SAME: : {c_types})"]
    lines.append("// CHECK-NEXT: return")
    return "\n".join(lines) + "\n"


def random_problem(seed, contiguous, blocked, alpha, groups=None):
    rng = random.Random(seed)
    g = rng.randint(1, 16)
    if groups is not None:
        g = groups
    ms = [rng.choice([0, 1, 127, 128, 129]) if rng.random() < 0.3
          else rng.randint(0, 300) for _ in range(g)]
    pick_n = lambda: 8 * rng.randint(1, 17)
    pick_k = lambda: 64 * rng.randint(1, 5)
    name = f"random_{seed}"
    header = f"// Random problem, seed {seed}: M = {ms}.\n"
    if contiguous:
        return header + contiguous_form(name, ms, pick_n(), pick_k(), alpha)
    ns = [pick_n() for _ in range(g)]
    ks = [pick_k() for _ in range(g)]
    return header + list_form(name, ms, ns, ks, blocked, alpha)


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--random":
        p = argparse.ArgumentParser()
        p.add_argument("--random", type=int, required=True)
        p.add_argument("--contiguous", action="store_true")
        p.add_argument("--blocked", action="store_true")
        p.add_argument("--alpha", action="store_true")
        p.add_argument("--groups", type=int,
                       help="this many groups instead of a random count "
                            "(compile-time tests use 1024)")
        a = p.parse_args()
        if a.groups is not None and a.groups < 1:
            p.error("--groups must be at least 1")
        sys.stdout.write(random_problem(a.random, a.contiguous, a.blocked,
                                        a.alpha, a.groups))
        return
    if len(sys.argv) > 2 and sys.argv[1] == "--blocked-variants":
        # The shapes come from the shipped list-form examples' headers, so
        # this needs no problem list.
        count = 0
        for path in sorted(glob.glob(os.path.join(HERE, "*.mlir"))):
            name = os.path.basename(path)[:-len(".mlir")]
            if name.endswith("_dynamic"):
                continue
            with open(path) as f:
                header = f.read(4096)
            m = re.search(r"// M = (\[.*?\]), N = (\[.*?\]), K = (\[.*?\])\.", header)
            if not m:
                continue
            ms, ns, ks = (json.loads(x) for x in m.groups())
            name += "_blocked"
            with open(os.path.join(sys.argv[2], name + ".mlir"), "w") as f:
                f.write(f"// M = {ms}, N = {ns}, K = {ks}, blocked_128x4 scales.\n")
                f.write(list_form(name, ms, ns, ks, blocked=True))
            count += 1
        print(f"wrote {count} blocked variants")
        return
    p = argparse.ArgumentParser()
    p.add_argument("problems", nargs="?", default=DEFAULT_JSON)
    p.add_argument("--out-dir", help="write the examples here, without lit tests")
    a = p.parse_args()
    src = a.problems
    with open(src) as f:
        problems = json.load(f)
    src_name = os.path.relpath(os.path.abspath(src), ROOT)
    out = []
    for i, t in enumerate(problems["tests"]):
        out.append((f"test_{i:02d}", t["m"], t["n"], t["k"], False))
    for bm in problems["benchmarks"]:
        g = len(bm["m"])
        ns, ks = [bm["n"]] * g, [bm["k"]] * g
        out.append((f"bench_{bm['name']}", bm["m"], ns, ks, False))
        out.append((f"bench_{bm['name']}_dynamic", bm["m"], ns, ks, True))
    out_dir = a.out_dir or HERE
    test_dir = None if a.out_dir else os.path.join(ROOT, "test", "examples")
    os.makedirs(out_dir, exist_ok=True)
    if test_dir:
        os.makedirs(test_dir, exist_ok=True)
    for name, ms, ns, ks, contiguous in out:
        header = (f"// Generated by examples/gen_examples.py from {src_name}.\n"
                  f"// M = {ms}, N = {ns}, K = {ks}.\n")
        text = (contiguous_form(name, ms, ns[0], ks[0]) if contiguous
                else list_form(name, ms, ns, ks))
        with open(os.path.join(out_dir, name + ".mlir"), "w") as f:
            f.write(header + text)
        if test_dir:
            with open(os.path.join(test_dir, name + ".mlir"), "w") as f:
                f.write(lit_test(name, ms, ns, ks, contiguous))
    print(f"wrote {len(out)} examples")


if __name__ == "__main__":
    main()
