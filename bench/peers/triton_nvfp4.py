#!/usr/bin/env python3
"""Triton peer: the exact NVFP4 grouped GEMM as one Triton kernel launch.

Usage: python3 bench/peers/triton_nvfp4.py [--problems bench/problems.json]
                                           [--reps 50] [--seed 0]
       (--problems defaults to $PROBLEMS if set, e.g. bench/heldout.json)

What a Triton user writes for NVFP4 on Hopper, which has no FP4 tensor cores
(and where tl.dot_scaled with e2m1 operands does not work): for each
benchmark shape of bench/problems.json, one launch covers all groups. The
grid is one program per output tile; a tile table built once on the host
gives each program its group, its rows and its columns. The kernel loads
packed e2m1 bytes and e4m3 scale bytes, decodes them with integer operations
to f16 (every e2m1 x e4m3 product is exact in f16), multiplies them on the
tensor cores with f32 accumulation and stores f16.

Operands, as ggemm's rows<contiguous> form takes them: A [M_total, K/2] and
SFA [M_total, K/16] with the groups' rows back to back, B [G, N, K/2] and
SFB [G, N, K/16], C [M_total, N] f16; the lower nibble of a byte holds the
even K element; scale bytes are non-negative e4m3 (bit 7 clear).

Each of a few tile configurations is first checked against a float64 product
of the dequantized operands (every output written, norm-relative error below
1e-3), then timed: median over CUDA-graph replays timed with events, each
replay one call on each of several input sets so that operands are not in
L2. The best median counts.

Output: one JSON object per line (records "device", "config", "peer";
bench/write_results.py reads the "peer" lines), then a short table. Needs
torch, triton and a CUDA GPU.
"""
import argparse
import json
import math
import os

import torch
import triton
import triton.language as tl

from timing import median_us

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_PROBLEMS = os.path.join(os.path.dirname(HERE), "problems.json")
DEV = "cuda"

E2M1_VALUES = [0.0, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0,
               -0.0, -0.5, -1.0, -1.5, -2.0, -3.0, -4.0, -6.0]
# Scale bytes from [SCALE_LO, SCALE_HI): non-negative, not NaN, subnormals
# (0x01..0x07) included: 2^-9 .. 3.75.
SCALE_LO, SCALE_HI = 0x01, 0x48
MAX_REL_ERR = 1e-3
# Rows of one group's B dequantized to float64 at a time in the reference.
CHUNK_ROWS = 4096

# (tile M, tile N, tile K, warps, pipeline stages)
CONFIGS = [
    (64, 128, 128, 4, 4),
    (64, 256, 128, 8, 3),
    (128, 128, 128, 8, 3),
    (128, 256, 64, 8, 3),
    (64, 128, 256, 4, 3),
    (128, 128, 256, 8, 2),
]


@triton.jit
def _e2m1_times_2pow_m14(code):
    """e2m1 codes (0..15, any integer type) -> their values * 2^-14, f32.

    Shifted left by 9, the code's exponent bits (2-1) land at the bottom of
    f16's exponent field and its mantissa bit (0) at the top of f16's
    mantissa; its sign (bit 3) goes to bit 15. Read as f16 that is
    2^(e-15) * (1 + m/2) for e > 0 and m * 2^-15 for e = 0: exactly the e2m1
    value (2^(e-1) * (1 + m/2), or m/2) times 2^-14.
    """
    c = code.to(tl.uint16)
    bits = ((c & 7) << 9) | ((c & 8) << 12)
    return bits.to(tl.float16, bitcast=True).to(tl.float32)


@triton.jit
def _ue4m3_times_2pow14(byte):
    """Non-negative e4m3 bytes (bit 7 clear) -> their values * 2^14, f32.

    A normal byte 0eeeemmm is 2^(e-7) * (1 + m/8): shifted left by 20 its
    exponent and mantissa fill f32's exponent bottom and mantissa top, and
    adding (127 - 7 + 14) to the exponent field rebiases it and folds in the
    2^14. A subnormal byte (e = 0) is m * 2^-9, so m * 2^5 after the 2^14.
    """
    b = byte.to(tl.int32)
    normal = ((b << 20) + ((127 - 7 + 14) << 23)).to(tl.float32, bitcast=True)
    subnormal = b.to(tl.float32) * 32.0
    return tl.where(b >= 8, normal, subnormal)


@triton.jit
def _decode(packed, scales, ROWS: tl.constexpr, BK: tl.constexpr):
    """[ROWS, BK/2] packed e2m1 bytes and [ROWS, BK/16] scale bytes -> the
    exact [ROWS, BK] f16 values: the 2^-14 and 2^14 cancel, and the product
    of an e2m1 and an e4m3 value has at most 5 significant bits and lies
    in [2^-10, 2688], well inside f16."""
    even = _e2m1_times_2pow_m14(packed & 0xF)
    odd = _e2m1_times_2pow_m14(packed >> 4)
    values = tl.interleave(even, odd)  # [ROWS, BK], even K from low nibble
    scale = _ue4m3_times_2pow14(scales)
    values = tl.reshape(values, (ROWS, BK // 16, 16)) * scale[:, :, None]
    return tl.reshape(values, (ROWS, BK)).to(tl.float16)


@triton.jit
def nvfp4_grouped_gemm(a_ptr, sfa_ptr, b_ptr, sfb_ptr, c_ptr,
                       tile_group, tile_row, tile_row_end, tile_col,
                       N, K,
                       BM: tl.constexpr, BN: tl.constexpr, BK: tl.constexpr):
    """One output tile: rows [row, min(row + BM, row_end)) of C, columns
    [col, col + BN), group g's B rows."""
    t = tl.program_id(0)
    g = tl.load(tile_group + t).to(tl.int64)
    row = tl.load(tile_row + t)
    row_end = tl.load(tile_row_end + t)
    col = tl.load(tile_col + t)

    rows = row + tl.arange(0, BM)
    row_ok = rows < row_end
    rows = rows.to(tl.int64)
    cols = col + tl.arange(0, BN)
    b_rows = g * N + cols.to(tl.int64)
    kb = tl.arange(0, BK // 2)    # packed bytes of one K step
    ks = tl.arange(0, BK // 16)   # scale bytes of one K step
    a_p = a_ptr + rows[:, None] * (K // 2) + kb[None, :]
    sfa_p = sfa_ptr + rows[:, None] * (K // 16) + ks[None, :]
    b_p = b_ptr + b_rows[:, None] * (K // 2) + kb[None, :]
    sfb_p = sfb_ptr + b_rows[:, None] * (K // 16) + ks[None, :]

    acc = tl.zeros((BM, BN), dtype=tl.float32)
    for _ in range(0, K, BK):
        a = tl.load(a_p, mask=row_ok[:, None], other=0)
        sfa = tl.load(sfa_p, mask=row_ok[:, None], other=0)
        b = tl.load(b_p)
        sfb = tl.load(sfb_p)
        a16 = _decode(a, sfa, BM, BK)
        b16 = _decode(b, sfb, BN, BK)
        acc = tl.dot(a16, tl.trans(b16), acc)
        a_p += BK // 2
        sfa_p += BK // 16
        b_p += BK // 2
        sfb_p += BK // 16

    c_p = c_ptr + rows[:, None] * N + cols[None, :]
    tl.store(c_p, acc.to(tl.float16), mask=row_ok[:, None])


def tile_table(ms, n, bm, bn):
    """Per output tile: group, first row, end of the group's rows, first
    column (int32 device tensors) and the tile count. Within a group the M
    tiles of one column block are adjacent, so programs running together
    share a B tile."""
    group, row, row_end, col = [], [], [], []
    start = 0
    for g, m in enumerate(ms):
        for c in range(0, n, bn):
            for r in range(0, m, bm):
                group.append(g)
                row.append(start + r)
                row_end.append(start + m)
                col.append(c)
        start += m
    as_dev = lambda v: torch.tensor(v, dtype=torch.int32, device=DEV)
    return (as_dev(group), as_dev(row), as_dev(row_end), as_dev(col)), len(group)


def random_set(ms, n, k, gen):
    m_total, g = sum(ms), len(ms)
    draw = lambda shape, lo, hi: torch.randint(lo, hi, shape, dtype=torch.uint8,
                                               device=DEV, generator=gen)
    return {"a": draw((m_total, k // 2), 0, 256),
            "sfa": draw((m_total, k // 16), SCALE_LO, SCALE_HI),
            "b": draw((g, n, k // 2), 0, 256),
            "sfb": draw((g, n, k // 16), SCALE_LO, SCALE_HI),
            "c": torch.empty(m_total, n, dtype=torch.float16, device=DEV)}


def dequantize64(packed, scales):
    """float64 values of packed e2m1 times e4m3 block scales, by torch's own
    float8 conversion (independent of the kernel's bit decoding)."""
    table = torch.tensor(E2M1_VALUES, dtype=torch.float64, device=DEV)
    values = torch.stack((table[(packed & 0xF).long()],
                          table[(packed >> 4).long()]), dim=-1).flatten(-2)
    scale = scales.view(torch.float8_e4m3fn).to(torch.float64)
    return values * scale.repeat_interleave(16, dim=-1)


def reference(ms, s):
    """float64 C, one group at a time (all of B in float64 would not fit for
    the largest shapes: 256 experts of 4096 x 7168 are 60 GB)."""
    n = s["b"].shape[1]
    out = torch.empty(sum(ms), n, dtype=torch.float64, device=DEV)
    start = 0
    for g, m in enumerate(ms):
        if m:
            rows = slice(start, start + m)
            a = dequantize64(s["a"][rows], s["sfa"][rows])
            for c in range(0, n, CHUNK_ROWS):
                b = dequantize64(s["b"][g, c:c + CHUNK_ROWS],
                                 s["sfb"][g, c:c + CHUNK_ROWS])
                out[rows, c:c + CHUNK_ROWS] = a @ b.T
        start += m
    return out


def run_shape(bench, reps, seed, l2_bytes):
    name, ms, n, k = bench["name"], bench["m"], bench["n"], bench["k"]
    m_total, g = sum(ms), len(ms)
    set_bytes = (m_total + g * n) * (k // 2 + k // 16) + m_total * n * 2
    wanted = max(3, math.ceil(2 * l2_bytes / set_bytes) + 1)
    free, _ = torch.cuda.mem_get_info()
    sets_count = max(2, min(wanted, 64, int(free * 0.5 // set_bytes)))
    gen = torch.Generator(device=DEV)
    gen.manual_seed(seed)
    sets = [random_set(ms, n, k, gen) for _ in range(sets_count)]
    ref = reference(ms, sets[0])
    first = sets[0]

    best = None
    for bm, bn, bk, warps, stages in CONFIGS:
        label = f"{bm}x{bn}x{bk} w{warps} s{stages}"
        rec = {"record": "config", "shape": name, "config": label}
        if n % bn or k % bk:
            rec["error"] = f"N = {n} or K = {k} not a multiple of the tile"
            print(json.dumps(rec), flush=True)
            continue
        table, tiles = tile_table(ms, n, bm, bn)

        def launcher(s, table=table, tiles=tiles, bm=bm, bn=bn, bk=bk,
                     warps=warps, stages=stages):
            def call():
                nvfp4_grouped_gemm[(tiles,)](
                    s["a"], s["sfa"], s["b"], s["sfb"], s["c"], *table, n, k,
                    BM=bm, BN=bn, BK=bk, num_warps=warps, num_stages=stages)
            return call
        try:
            first["c"].fill_(float("nan"))
            launcher(first)()
            torch.cuda.synchronize()
            out = first["c"]
            unwritten = int(torch.isnan(out).sum().item())
            err = ((out.double() - ref).norm() / ref.norm()).item()
            rec.update(rel_err=err, unwritten=unwritten)
            if unwritten or not err < MAX_REL_ERR:
                rec["error"] = "wrong result"
            else:
                med, lo, hi = median_us([launcher(s) for s in sets], reps)
                rec.update(median_us=med, min_us=lo, max_us=hi)
        except Exception as e:  # a configuration this Triton cannot compile
            rec["error"] = f"{type(e).__name__}: {str(e)[:200]}"
        print(json.dumps(rec), flush=True)
        if "median_us" in rec and (best is None or rec["median_us"] < best["median_us"]):
            best = rec

    peer = {"record": "peer", "shape": name, "peer": "triton_nvfp4",
            "exact_products": True, "sets": sets_count}
    if best:
        peer.update({key: best[key] for key in
                     ("config", "median_us", "min_us", "max_us", "rel_err")})
    else:
        peer["error"] = "no configuration compiled and passed the check"
    print(json.dumps(peer), flush=True)
    return peer


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--problems", default=None,
                        help="problem list (default: $PROBLEMS, else "
                             "bench/problems.json)")
    parser.add_argument("--reps", type=int, default=50,
                        help="timed graph replays per configuration")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    problems = args.problems or os.environ.get("PROBLEMS") or DEFAULT_PROBLEMS
    if not os.path.isabs(problems) and not os.path.exists(problems):
        problems = os.path.join(os.path.dirname(os.path.dirname(HERE)), problems)
    with open(problems) as f:
        benchmarks = json.load(f)["benchmarks"]

    props = torch.cuda.get_device_properties(0)
    l2_bytes = getattr(props, "L2_cache_size", 50 << 20)
    print(json.dumps({"record": "device", "name": props.name,
                      "capability": f"{props.major}.{props.minor}",
                      "torch": torch.__version__, "triton": triton.__version__}),
          flush=True)
    peers = [run_shape(b, args.reps, args.seed, l2_bytes) for b in benchmarks]

    print()
    print(f"{'shape':16} {'Triton us':>10} {'rel err':>8}  config")
    for p in peers:
        if "median_us" in p:
            print(f"{p['shape']:16} {p['median_us']:10.1f} {p['rel_err']:8.1e}  {p['config']}")
        else:
            print(f"{p['shape']:16} {'n/a':>10}           {p.get('error', '')}")


if __name__ == "__main__":
    main()
