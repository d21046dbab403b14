#!/usr/bin/env python3
"""torch.ops.ggemm.grouped_mm_nvfp4 on the GPU machine (bench/run_torch.sh):
needs torch >= 2.4 with CUDA, libggemm_runtime.so and a filled kernel cache.

  torch_check.py CACHE_DIR [--shapes G:N:K,...] [--seed S] [--bench]

For each shape: random packed e2m1 data (every code), UE4M3 scales, skewed
offsets (empty groups, one row, one huge group); the op's output against
torch on the dequantized operands (float64 matmul, per element within
2^-10 relative + a reassociation bound); then the op under CUDA-graph
capture replayed with new offsets, under
torch.cuda.set_sync_debug_mode("error"), and under
torch.compile(fullgraph=True); a profiler check that a ggemm kernel ran.
--bench times the op per call (host overhead included) beside
torch._grouped_mm on bf16 copies of the dequantized operands.
"""

import argparse
import sys
import time

import torch

import ggemm.cache  # noqa: E402
import ggemm.torch_ops  # noqa: F401  (registers torch.ops.ggemm)
from ggemm.torch_ops import dequantize, reference_errors  # noqa: E402

failures = []


def problem(g, n, k, t, gen, dev):
    a = torch.randint(0, 256, (t, k // 2), dtype=torch.uint8, device=dev,
                      generator=gen)
    b = torch.randint(0, 256, (g, n, k // 2), dtype=torch.uint8, device=dev,
                      generator=gen)
    # Scales 2^-3 to 2: no f16 overflow at any K.
    sfa = torch.randint(0x20, 0x41, (t, k // 16), dtype=torch.uint8,
                        device=dev, generator=gen)
    sfb = torch.randint(0x20, 0x41, (g, n, k // 16), dtype=torch.uint8,
                        device=dev, generator=gen)
    return a, sfa.view(torch.float8_e4m3fn), b, sfb.view(torch.float8_e4m3fn)


def skewed_offsets(g, t, gen):
    sizes = torch.zeros(g, dtype=torch.int64)
    if g > 2:
        sizes[1] = 1
    sizes[-1] = t // 2
    rest = t - int(sizes.sum())
    picks = torch.randint(0, g, (rest,), generator=gen)
    sizes += torch.bincount(picks, minlength=g)
    sizes[0] = 0
    sizes[-1] += t - int(sizes.sum())
    return torch.cumsum(sizes, 0).to(torch.int32)


def check(name, out, a, sfa, b, sfb, offs, rows_per_group=None):
    """Every element of every grouped row (or of `rows_per_group` rows
    spread over each group) within ggemm's bound of the float64 product of
    the dequantized operands (ggemm.torch_ops.reference_errors)."""
    rows, checked, worst, bad = reference_errors(out, a, sfa, b, sfb, offs,
                                                 rows_per_group)
    for gi, count in bad:
        failures.append("%s: group %d: %d elements beyond the bound"
                        % (name, gi, count))
    print("%s: %d rows, %d checked, worst error %.2f of the bound"
          % (name, rows, checked, worst))


def run_problems(path, seed):
    """bench/problems.json's benchmark shapes with their own group sizes
    (every group of one shape has the same N and K), eager, 64 rows of each
    group checked."""
    import json
    dev = torch.device("cuda:0")
    op = torch.ops.ggemm.grouped_mm_nvfp4
    for shape in json.load(open(path))["benchmarks"]:
        g, n, k = len(shape["m"]), shape["n"], shape["k"]
        t = sum(shape["m"])
        dgen = torch.Generator(device=dev).manual_seed(seed)
        a, sfa, b, sfb = problem(g, n, k, t, dgen, dev)
        offs = torch.tensor(shape["m"], dtype=torch.int64).cumsum(0)
        offs = offs.to(torch.int32).to(dev)
        out = op(a, sfa, b, sfb, offs)
        torch.cuda.synchronize()
        check("%s (G%d N%d K%d, T %d)" % (shape["name"], g, n, k, t), out, a,
              sfa, b, sfb, offs, rows_per_group=64)
        del a, sfa, b, sfb, out
        torch.cuda.empty_cache()


def run(shape, seed, bench):
    g, n, k = shape
    dev = torch.device("cuda:0")
    gen = torch.Generator(device="cpu").manual_seed(seed)
    dgen = torch.Generator(device=dev).manual_seed(seed)
    t = max(g * 16, 512)
    a, sfa, b, sfb = problem(g, n, k, t, dgen, dev)
    offs = skewed_offsets(g, t, gen).to(dev)
    op = torch.ops.ggemm.grouped_mm_nvfp4
    name = "G%d N%d K%d" % (g, n, k)
    out = op(a, sfa, b, sfb, offs)
    torch.cuda.synchronize()
    check(name + " eager", out, a, sfa, b, sfb, offs)

    # One graph, captured once, replayed with new offsets in place.
    static_offs = offs.clone()
    s = torch.cuda.Stream()
    s.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(s):
        op(a, sfa, b, sfb, static_offs)
    torch.cuda.current_stream().wait_stream(s)
    graph = torch.cuda.CUDAGraph()
    with torch.cuda.graph(graph):
        static_out = op(a, sfa, b, sfb, static_offs)
    for r in range(3):
        static_offs.copy_(skewed_offsets(g, t, gen).to(dev))
        graph.replay()
        torch.cuda.synchronize()
        check("%s graph replay %d" % (name, r), static_out, a, sfa, b, sfb,
              static_offs)

    # No host synchronization inside the op.
    torch.cuda.set_sync_debug_mode("error")
    try:
        out = op(a, sfa, b, sfb, offs)
    finally:
        torch.cuda.set_sync_debug_mode("default")
    torch.cuda.synchronize()
    check(name + " sync-debug", out, a, sfa, b, sfb, offs)

    # torch.compile(fullgraph=True), through register_fake.
    compiled = torch.compile(lambda *x: op(*x) * 1, fullgraph=True)
    out = compiled(a, sfa, b, sfb, offs)
    torch.cuda.synchronize()
    check(name + " compiled", out, a, sfa, b, sfb, offs)

    # The gathered op on the un-permuted rows gives the permuted op's bits
    # (where the cache holds the gathered kernel of this shape).
    gathered_key = ggemm.cache.CacheKey(ggemm.torch_ops._chip(dev), n=n,
                                        k=k, groups=g, rows="gathered")
    try:
        ggemm.torch_ops._state["cache"].manifest(gathered_key)
    except ggemm.cache.CacheMiss:
        gathered_key = None
    if gathered_key is not None:
        tokens = t // 2 + 1
        index = torch.randint(0, tokens, (t,), generator=gen).to(dev)
        index = index.to(torch.int32)
        x = a[:tokens].contiguous()
        sfx = sfa.view(torch.uint8)[:tokens].contiguous()
        permuted = op(x[index.long()], sfx[index.long()].view(
            torch.float8_e4m3fn), b, sfb, offs)
        got = torch.ops.ggemm.grouped_mm_nvfp4_gathered(
            x, sfx.view(torch.float8_e4m3fn), b, sfb, offs, index)
        torch.cuda.synchronize()
        end = int(offs[-1])
        same = torch.equal(got[:end].view(torch.int16),
                           permuted[:end].view(torch.int16))
        print("%s gathered: %d routed rows of %d tokens, %s the permuted "
              "op's bits" % (name, end, tokens, "the same as" if same
                             else "NOT"))
        if not same:
            failures.append("%s: gathered differs from permuted" % name)

    # A ggemm kernel ran.
    with torch.profiler.profile(
            activities=[torch.profiler.ProfilerActivity.CUDA]) as prof:
        op(a, sfa, b, sfb, offs)
        torch.cuda.synchronize()
    names = [e.name for e in prof.events()]
    if not any(x.startswith("ggemm_") and not x.endswith("_setup")
               for x in names):
        failures.append("%s: the profiler saw no ggemm kernel (%s)"
                        % (name, sorted(set(names))[:8]))
    else:
        print("%s: profiler saw %s" % (name, sorted(
            {x for x in names if x.startswith("ggemm_")})))

    if bench:
        def timed(fn, batches=9, iters=50):
            """Median over batches of the mean per call: host time (the
            loop's enqueueing) and with the GPU (until it drained)."""
            for _ in range(10):
                fn()
            hosts, totals = [], []
            for _ in range(batches):
                torch.cuda.synchronize()
                start = time.perf_counter()
                for _ in range(iters):
                    fn()
                hosts.append((time.perf_counter() - start) / iters)
                torch.cuda.synchronize()
                totals.append((time.perf_counter() - start) / iters)
            return (sorted(hosts)[batches // 2] * 1e6,
                    sorted(totals)[batches // 2] * 1e6)
        da = dequantize(a, sfa.view(torch.uint8)).to(torch.bfloat16)
        db = dequantize(b, sfb.view(torch.uint8)).to(torch.bfloat16)
        db_t = db.transpose(1, 2)
        host, total = timed(lambda: op(a, sfa, b, sfb, offs))
        print("bench %s ggemm: host %.1f us per call, %.1f us per call "
              "with the GPU (median of 9 batches of 50 calls)"
              % (name, host, total))
        host, total = timed(lambda: op(a, sfa, b, sfb, offs, None, False))
        print("bench %s ggemm check_scales=False: host %.1f us, %.1f us "
              "with the GPU" % (name, host, total))
        try:
            host, total = timed(lambda: torch._grouped_mm(da, db_t, offs))
            print("bench %s torch._grouped_mm bf16: host %.1f us, %.1f us "
                  "with the GPU" % (name, host, total))
        except (AttributeError, RuntimeError) as error:
            print("bench %s torch._grouped_mm: not run (%s)" % (name, error))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("cache")
    parser.add_argument("--shapes", default="2:256:512,8:1024:2048")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--bench", action="store_true")
    parser.add_argument("--problems", help="check the benchmark shapes of "
                        "this problems.json instead of --shapes")
    args = parser.parse_args()
    ggemm.torch_ops.use_cache(args.cache)
    print("torch %s on %s" % (torch.__version__, torch.cuda.get_device_name(0)))
    if args.problems:
        run_problems(args.problems, args.seed)
    else:
        for shape in args.shapes.split(","):
            run(tuple(int(x) for x in shape.split(":")), args.seed,
                args.bench)
    for f in failures:
        print("FAIL " + f)
    print("FAILED" if failures else "all checks pass")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
