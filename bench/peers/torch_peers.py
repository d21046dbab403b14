#!/usr/bin/env python3
"""PyTorch peers of the NVFP4 grouped GEMM, and the floor of each shape.

Usage: python3 bench/peers/torch_peers.py [--problems bench/problems.json]
                                          [--reps 50] [--seed 0]
       (--problems defaults to $PROBLEMS if set, e.g. bench/heldout.json)

For each benchmark shape of bench/problems.json, on random NVFP4 operands
(packed e2m1 bytes over all 16 codes in both nibbles, non-negative e4m3 scale
factors over several binades, one per 16 K elements), times what a PyTorch
user has on a GPU without FP4 tensor cores (Hopper):

  grouped_mm_bf16   torch._grouped_mm on bf16 operands dequantized ahead of
                    time: one launch for all groups, the same (exact)
                    products as ggemm, bf16 output
  scaled_grouped_fp8  torch._scaled_grouped_mm on e4m3 operands with one f32
                    scale per row (A) and per (group, row) (B), requantized
                    from the dequantized operands: a different, lossy format
  matmul_loop_bf16  one torch.mm per group on the dequantized bf16 operands
  dequant_matmul_loop_bf16  (compute-bound shapes only) the same loop with
                    the dequantization timed too: each call decodes the
                    packed operands to bf16 (a 256-entry byte table, times
                    the block scales: exact in bf16) and then runs the loop,
                    end to end

Every time is the median over many replays of a CUDA graph, each replay
timed with CUDA events; a replay calls the peer once on each of several input
sets, enough that the operands of one call have left L2 when the next call
on the same set comes. The dequantization is not timed, except in
dequant_matmul_loop_bf16.

The same run measures two ceilings: dense bf16 tensor throughput (a large
bf16 matmul on random data) and DRAM bandwidth (a large device-to-device copy
counting bytes read and written, and a read-only reduction; the larger
counts). The floor of a shape is max(FLOPs / bf16 peak, minimal bytes /
bandwidth), where the minimal bytes are packed A and B, their scale factors
and the f16 output, each moved once.

Output: one JSON object per line for every result (records "device",
"ceiling", "floor", "peer"; bench/write_results.py reads them), then a short
table. Needs torch and a CUDA GPU.
"""
import argparse
import json
import math
import os

import torch

from timing import median_us

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
DEFAULT_PROBLEMS = os.path.join(os.path.dirname(HERE), "problems.json")
# Elements dequantized (or requantized) at a time: the float32 temporaries of
# one chunk stay near a GiB even when a shape's weights are many GB (256
# experts of 4096 x 7168).
CHUNK_ELEMS = 1 << 26
DEV = "cuda"

# e2m1 code -> value: bit 3 sign, bits 2-1 exponent (bias 1), bit 0 mantissa.
E2M1_VALUES = [0.0, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0,
               -0.0, -0.5, -1.0, -1.5, -2.0, -3.0, -4.0, -6.0]
# Scale bytes are drawn from [SCALE_LO, SCALE_HI): bit 7 clear (non-negative),
# never 0x7f (NaN); 0x01..0x07 are subnormal, 0x47 is 3.75: 2^-9 .. 2^1.9.
SCALE_LO, SCALE_HI = 0x01, 0x48
FP8_MAX = 448.0


def emit(record):
    print(json.dumps(record), flush=True)


def ceilings(reps):
    """bf16 TFLOP/s of an 8192^3 matmul, and bandwidths in TB/s of a 2 GiB
    copy (read + write) and of a 2 GiB read-only sum."""
    n = 8192
    a = torch.randn(n, n, device=DEV, dtype=torch.bfloat16)
    b = torch.randn(n, n, device=DEV, dtype=torch.bfloat16)
    c = torch.empty(n, n, device=DEV, dtype=torch.bfloat16)
    t_mm, _, _ = median_us([lambda: torch.mm(a, b, out=c)] * 4, reps)
    del a, b, c
    x = torch.rand(1 << 29, device=DEV, dtype=torch.float32)
    y = torch.empty_like(x)
    total = torch.empty((), device=DEV, dtype=torch.float32)
    t_copy, _, _ = median_us([lambda: y.copy_(x)] * 2, reps)
    t_read, _, _ = median_us([lambda: torch.sum(x, dim=0, out=total)] * 2, reps)
    nbytes = x.numel() * x.element_size()
    del x, y
    torch.cuda.empty_cache()
    copy_tbs = 2 * nbytes / (t_copy * 1e-6) / 1e12
    read_tbs = nbytes / (t_read * 1e-6) / 1e12
    return {"record": "ceiling",
            "bf16_tflops": 2 * n ** 3 / (t_mm * 1e-6) / 1e12,
            "copy_tbs": copy_tbs, "read_tbs": read_tbs,
            "bandwidth_tbs": max(copy_tbs, read_tbs)}


def shape_cost(ms, n, k):
    """FLOPs and the bytes every implementation must move at least once."""
    g, m_total = len(ms), sum(ms)
    flops = 2 * m_total * n * k
    nbytes = (m_total * k // 2 + g * n * k // 2          # packed e2m1
              + (m_total + g * n) * (k // 16)            # e4m3 scales
              + m_total * n * 2)                         # f16 C
    return flops, nbytes


def random_nvfp4(rows_shape, k, gen):
    """Packed e2m1 bytes [..., k/2] and scale bytes [..., k/16] (uint8)."""
    packed = torch.randint(0, 256, (*rows_shape, k // 2), dtype=torch.uint8,
                           device=DEV, generator=gen)
    scales = torch.randint(SCALE_LO, SCALE_HI, (*rows_shape, k // 16),
                           dtype=torch.uint8, device=DEV, generator=gen)
    return packed, scales


def problems_path(arg):
    """--problems, else $PROBLEMS, else bench/problems.json; a relative path
    that does not exist from here is taken from the repository root."""
    path = arg or os.environ.get("PROBLEMS") or DEFAULT_PROBLEMS
    if not os.path.isabs(path) and not os.path.exists(path):
        path = os.path.join(ROOT, path)
    return path


def dequantize(packed, scales, dtype):
    """Exact values of packed e2m1 (lower nibble = even element) times their
    e4m3 block scales, in `dtype` (exact in bf16 and wider), a chunk of rows
    at a time."""
    k = packed.shape[-1] * 2
    rows = packed.numel() * 2 // k
    out = torch.empty(rows, k, dtype=dtype, device=DEV)
    flat_p, flat_s = packed.reshape(rows, k // 2), scales.reshape(rows, k // 16)
    step = max(1, CHUNK_ELEMS // k)
    for r in range(0, rows, step):
        out[r:r + step] = dequantize_chunk(flat_p[r:r + step],
                                           flat_s[r:r + step], dtype)
    return out.view(*packed.shape[:-1], k)


def dequantize_chunk(packed, scales, dtype):
    table = torch.tensor(E2M1_VALUES, device=DEV, dtype=torch.float32)
    lo = table[(packed & 0xF).long()]
    hi = table[(packed >> 4).long()]
    values = torch.stack((lo, hi), dim=-1).flatten(-2)
    scale = scales.view(torch.float8_e4m3fn).to(torch.float32)
    values = values * scale.repeat_interleave(16, dim=-1)
    return values.to(dtype)


def byte_table():
    """bf16 [256, 2]: the two e2m1 values of a packed byte (lower nibble
    first)."""
    values = torch.tensor(E2M1_VALUES, dtype=torch.float32)
    codes = torch.arange(256)
    return torch.stack((values[codes & 0xF], values[codes >> 4]),
                       dim=-1).to(device=DEV, dtype=torch.bfloat16)


def dequantize_bf16(packed, scales, table):
    """packed [..., K/2] e2m1 bytes and scales [..., K/16] e4m3 bytes ->
    bf16 [..., K]: a byte-table gather, then one multiply by the block scale
    (an e2m1 value times an e4m3 scale has at most 6 significant bits: exact
    in bf16). Only device ops, so a CUDA graph can capture it."""
    pairs = table[packed.long()]  # [..., K/2, 2]
    blocks = pairs.reshape(*packed.shape[:-1], scales.shape[-1], 16)
    scale = scales.view(torch.float8_e4m3fn).to(torch.bfloat16).unsqueeze(-1)
    return (blocks * scale).reshape(*packed.shape[:-1], packed.shape[-1] * 2)


def rowwise_fp8(x):
    """e4m3 copy of x with one f32 scale per row (last dim reduced), a chunk
    of rows at a time."""
    k = x.shape[-1]
    flat = x.reshape(-1, k)
    q = torch.empty(flat.shape, dtype=torch.float8_e4m3fn, device=DEV)
    scale = torch.empty(flat.shape[0], dtype=torch.float32, device=DEV)
    step = max(1, CHUNK_ELEMS // k)
    for r in range(0, flat.shape[0], step):
        part = flat[r:r + step].float()
        s = part.abs().amax(dim=-1).clamp(min=1e-12) / FP8_MAX
        q[r:r + step] = (part / s.unsqueeze(-1)).to(torch.float8_e4m3fn)
        scale[r:r + step] = s
    return q.view(x.shape), scale.view(x.shape[:-1]).contiguous()


def rel_err(out, ref):
    return ((out.double() - ref).norm() / ref.norm()).item()


def num_sets(set_bytes, l2_bytes):
    """Input sets to rotate over so that a set is out of L2 when reused."""
    wanted = max(3, math.ceil(2 * l2_bytes / max(set_bytes, 1)) + 1)
    free, _ = torch.cuda.mem_get_info()
    return max(2, min(wanted, 64, int(free * 0.5 // max(set_bytes, 1))))


def run_shape(bench, reps, seed, l2_bytes, ceiling):
    name, ms, n, k = bench["name"], bench["m"], bench["n"], bench["k"]
    g, m_total = len(ms), sum(ms)
    flops, nbytes = shape_cost(ms, n, k)
    t_compute = flops / (ceiling["bf16_tflops"] * 1e12) * 1e6
    t_memory = nbytes / (ceiling["bandwidth_tbs"] * 1e12) * 1e6
    floor = max(t_compute, t_memory)
    emit({"record": "floor", "shape": name, "groups": g, "m": ms, "n": n,
          "k": k, "flops": flops, "bytes": nbytes, "floor_us": floor,
          "bound": "compute" if t_compute >= t_memory else "memory"})

    offs = torch.tensor([sum(ms[:i + 1]) for i in range(g)], dtype=torch.int32,
                        device=DEV)
    starts = [sum(ms[:i]) for i in range(g)]
    # Bytes one call of a bf16 peer reads and writes: its input set.
    set_bytes = (m_total + g * n) * k * 2 + m_total * n * 2
    sets = num_sets(set_bytes, l2_bytes)
    gen = torch.Generator(device=DEV)
    gen.manual_seed(seed)
    data = []
    for _ in range(sets):
        a_packed, a_scales = random_nvfp4((m_total,), k, gen)
        b_packed, b_scales = random_nvfp4((g, n), k, gen)
        data.append({"a": dequantize(a_packed, a_scales, torch.bfloat16),
                     "b": dequantize(b_packed, b_scales, torch.bfloat16),
                     "packed": (a_packed, a_scales, b_packed, b_scales)})
    compute_bound = t_compute >= t_memory
    # Reference of set 0, in float64 from the packed data, one group at a
    # time (all of B in float64 would not fit for the largest shapes).
    a_packed, a_scales, b_packed, b_scales = data[0]["packed"]
    ref = torch.empty(m_total, n, dtype=torch.float64, device=DEV)
    for i in range(g):
        if ms[i] == 0:
            continue
        rows = slice(starts[i], starts[i] + ms[i])
        ref[rows] = (dequantize(a_packed[rows], a_scales[rows], torch.float64)
                     @ dequantize(b_packed[i], b_scales[i], torch.float64).T)

    def report(peer, exact, make_call, check):
        """Times make_call(d) over all sets; check(d) gives set 0's output
        after one call."""
        rec = {"record": "peer", "shape": name, "peer": peer,
               "exact_products": exact, "sets": sets}
        try:
            calls = [make_call(d) for d in data]
            calls[0]()
            torch.cuda.synchronize()
            rec["rel_err"] = rel_err(check(data[0]), ref)
            med, lo, hi = median_us(calls, reps)
            rec.update(median_us=med, min_us=lo, max_us=hi)
        except Exception as e:  # a peer this torch or GPU does not offer
            rec["error"] = f"{type(e).__name__}: {str(e)[:200]}"
        torch.cuda.synchronize()
        emit(rec)
        return rec

    results = []

    # Dequantize-then-torch.mm end to end (compute-bound shapes): the
    # packed operands are the input, the decode is timed with the loop.
    if compute_bound:
        table = byte_table()
        for d in data:
            d["c"] = torch.empty(m_total, n, dtype=torch.bfloat16, device=DEV)
        def dequant_loop(d):
            a_p, a_s, b_p, b_s = d["packed"]
            c = d["c"]
            def call():
                a = dequantize_bf16(a_p, a_s, table)
                for i, (s, m) in enumerate(zip(starts, ms)):
                    if m > 0:
                        torch.mm(a[s:s + m], dequantize_bf16(b_p[i], b_s[i],
                                                             table).T,
                                 out=c[s:s + m])
            return call
        results.append(report("dequant_matmul_loop_bf16", True, dequant_loop,
                              lambda d: d["c"]))
        for d in data:
            del d["c"]
    for d in data:
        del d["packed"]

    # torch._grouped_mm: A [M_total, K] row-major, B as [G, K, N] column-major.
    def grouped_mm(d):
        bt = d["b"].transpose(1, 2)
        def call():
            d["c"] = torch._grouped_mm(d["a"], bt, offs=offs)
        return call
    results.append(report("grouped_mm_bf16", True, grouped_mm, lambda d: d["c"]))
    for d in data:
        d.pop("c", None)

    # torch.mm per group, writing into row slices of one output.
    for d in data:
        d["c"] = torch.empty(m_total, n, dtype=torch.bfloat16, device=DEV)
    def matmul_loop(d):
        a, b, c = d["a"], d["b"], d["c"]
        parts = [(a[s:s + m], b[i].T, c[s:s + m])
                 for i, (s, m) in enumerate(zip(starts, ms)) if m > 0]
        def call():
            for ai, bi, ci in parts:
                torch.mm(ai, bi, out=ci)
        return call
    results.append(report("matmul_loop_bf16", True, matmul_loop, lambda d: d["c"]))
    for d in data:
        del d["c"]

    # torch._scaled_grouped_mm, e4m3 rowwise: requantize once, untimed.
    try:
        for d in data:
            d["a8"], d["sa"] = rowwise_fp8(d["a"])
            d["b8"], d["sb"] = rowwise_fp8(d["b"])
            del d["a"], d["b"]
    except Exception as e:
        emit({"record": "peer", "shape": name, "peer": "scaled_grouped_mm_fp8",
              "exact_products": False, "sets": sets,
              "error": f"{type(e).__name__}: {str(e)[:200]}"})
    else:
        def scaled(d):
            bt = d["b8"].transpose(1, 2)
            def call():
                d["c"] = torch._scaled_grouped_mm(
                    d["a8"], bt, d["sa"], d["sb"], offs=offs,
                    out_dtype=torch.bfloat16, use_fast_accum=True)
            return call
        results.append(report("scaled_grouped_mm_fp8", False, scaled,
                              lambda d: d["c"]))
    del data, ref
    torch.cuda.empty_cache()
    return floor, results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--problems", default=None,
                        help="problem list (default: $PROBLEMS, else "
                             "bench/problems.json)")
    parser.add_argument("--reps", type=int, default=50,
                        help="timed graph replays per peer")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    with open(problems_path(args.problems)) as f:
        benchmarks = json.load(f)["benchmarks"]

    props = torch.cuda.get_device_properties(0)
    l2_bytes = getattr(props, "L2_cache_size", 50 << 20)
    emit({"record": "device", "name": props.name,
          "sms": props.multi_processor_count,
          "capability": f"{props.major}.{props.minor}", "l2_bytes": l2_bytes,
          "torch": torch.__version__, "cuda": torch.version.cuda})
    ceiling = ceilings(args.reps)
    emit(ceiling)

    rows = []
    for bench in benchmarks:
        floor, results = run_shape(bench, args.reps, args.seed, l2_bytes,
                                   ceiling)
        rows.append((bench["name"], floor, {r["peer"]: r for r in results}))

    print()
    print(f"ceilings: bf16 {ceiling['bf16_tflops']:.0f} TFLOP/s, copy "
          f"{ceiling['copy_tbs']:.2f} TB/s (read+write), read "
          f"{ceiling['read_tbs']:.2f} TB/s")
    names = ("grouped_mm_bf16", "matmul_loop_bf16", "scaled_grouped_mm_fp8",
             "dequant_matmul_loop_bf16")
    print(f"{'shape':16} {'floor us':>9} " + " ".join(f"{p:>22}" for p in names))
    for shape, floor, peers in rows:
        cells = []
        for p in names:
            r = peers.get(p, {})
            cells.append(f"{r['median_us']:9.1f} (err {r['rel_err']:.0e})"
                         if "median_us" in r else "n/a")
        print(f"{shape:16} {floor:9.1f} " + " ".join(f"{c:>22}" for c in cells))


if __name__ == "__main__":
    main()
