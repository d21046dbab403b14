#!/usr/bin/env python3
"""Fits the sm_90a cost model's eight constants from bench/micro's micro.json.

Usage: fit.py micro.json [constants.json]
  Writes constants.json (default: micro_constants.json beside micro.json)
  and prints a Markdown table. Standard library only.

Output schema ("ggemm-sm90-cost-constants/1"):
  {
    "schema": "ggemm-sm90-cost-constants/1",
    "source": {"micro_json": str, "device": str, "sm_count": int,
               "date_utc": str},
    "constants": {"clock_ghz": float, "dram_gbps": float,
                  "mma_flops_per_cycle_sm": float,
                  "decode_cycles_per_piece": float, "step_cycles": float,
                  "tile_cycles": float, "launch_us": float,
                  "dram_latency_ns": float},
    "units": {name: str},            # one per constant
    "explanations": {name: str},     # how each constant was derived
    "data": {                        # supporting measurements, not constants
      "wgmma_by_n": {"16": {"cycles_per_wgmma_per_warpgroup": float,
                            "flops_per_cycle_sm": float}, ... "256": ...},
      "wgmma_large_n": int, "wgmma_floor_cycles": float,
      "tile_cycles_store": float, "tile_cycles_nostore": float,
      "tile_dram_cycles": float, "step_cycles_kernel_order": float|null,
      "clock_ghz_under_wgmma": float|null, "launch_us_stream": float|null,
      "launch_us_touch": float|null,
      "dram_latency_ns_by_size": {"<bytes>": float}
    }
  }
"""

import json
import math
import os
import sys

SCHEMA = "ggemm-sm90-cost-constants/1"

NAMES = (
    "clock_ghz",
    "dram_gbps",
    "mma_flops_per_cycle_sm",
    "decode_cycles_per_piece",
    "step_cycles",
    "tile_cycles",
    "launch_us",
    "dram_latency_ns",
)

UNITS = {
    "clock_ghz": "GHz",
    "dram_gbps": "GB/s (1e9 B/s)",
    "mma_flops_per_cycle_sm": "flop/cycle/SM (f16 in, f32 acc)",
    "decode_cycles_per_piece": "cycles/piece/thread",
    "step_cycles": "cycles/step",
    "tile_cycles": "cycles/tile",
    "launch_us": "us/launch",
    "dram_latency_ns": "ns",
}

WARPGROUPS_PER_CTA = 2  # the wgmma benchmark's CTA, as the kernel


class FitError(Exception):
    pass


def _get(d, *path):
    cur = d
    for key in path:
        if not isinstance(cur, dict) or key not in cur:
            raise FitError("micro.json lacks " + ".".join(path))
        cur = cur[key]
    return cur


def _positive(name, x):
    if not isinstance(x, (int, float)) or not math.isfinite(x) or x <= 0:
        raise FitError("%s is not a positive finite number: %r" % (name, x))
    return float(x)


def _median(micro, *path):
    """micro.json's `path`.median, a positive finite number."""
    name = ".".join(path + ("median",))
    return _positive(name, _get(micro, *path, "median"))


def _opt_median(micro, *path):
    """micro.json's `path`.median as a float, or None where it is missing or
    not a number."""
    try:
        return float(_get(micro, *path, "median"))
    except (FitError, TypeError, ValueError):
        return None


def fit(micro):
    """Returns the constants document (a dict) for a parsed micro.json."""
    sm_count = int(_get(micro, "device", "sm_count"))
    if sm_count <= 0:
        raise FitError("device.sm_count must be positive")
    c = {}
    why = {}
    data = {}

    # 1. Clock.
    c["clock_ghz"] = _median(micro, "clock")
    why["clock_ghz"] = (
        "median over repetitions of the median over CTAs of clock64 delta / "
        "globaltimer delta in a busy FMA kernel (one 256-thread CTA per SM)")
    data["clock_ghz_under_wgmma"] = _opt_median(micro, "wgmma", "clock_ghz_n256")

    # 2. DRAM bandwidth.
    c["dram_gbps"] = _median(micro, "dram_read")
    why["dram_gbps"] = (
        "streaming read of a %s-byte buffer (16-byte loads, grid stride); "
        "the best CTAs-per-SM configuration's median over repetitions"
        % _get(micro, "dram_read", "buffer_bytes"))
    # Not a constant: L2 read bandwidth (an L2-resident buffer read many
    # times), where micro.json has it.
    data["l2_read_gbps"] = _opt_median(micro, "l2_read")

    # 3. wgmma throughput.
    by_n = _get(micro, "wgmma", "by_n")
    if not by_n:
        raise FitError("wgmma.by_n is empty")
    table = {}
    for key in sorted(by_n, key=int):
        n = int(key)
        cyc = _positive("wgmma.by_n.%s.median" % key, by_n[key]["median"])
        flops = 2.0 * 64 * n * 16
        table[str(n)] = {
            "cycles_per_wgmma_per_warpgroup": cyc,
            "flops_per_cycle_sm": WARPGROUPS_PER_CTA * flops / cyc,
        }
    large = max(int(k) for k in table)
    c["mma_flops_per_cycle_sm"] = table[str(large)]["flops_per_cycle_sm"]
    why["mma_flops_per_cycle_sm"] = (
        "2 warpgroups x 2*64*N*16 flop / (cycles per wgmma per warpgroup) at "
        "the largest N measured (m64n%dk16, %.1f cycles); the per-N table is "
        "in data.wgmma_by_n, the smallest-N time in data.wgmma_floor_cycles"
        % (large, table[str(large)]["cycles_per_wgmma_per_warpgroup"]))
    data["wgmma_by_n"] = table
    data["wgmma_large_n"] = large
    data["wgmma_floor_cycles"] = min(
        v["cycles_per_wgmma_per_warpgroup"] for v in table.values())

    # 4. Decode.
    c["decode_cycles_per_piece"] = _median(micro, "decode")
    why["decode_cycles_per_piece"] = (
        "clock64 over a loop of 2 pieces per iteration per thread (shared "
        "load, cvt e4m3x2, byte arithmetic, prmt, mul.rn.f16x2, 4 x "
        "st.shared.v4), 256 threads per SM; median over warps, then reps")

    # 5. Step.
    c["step_cycles"] = _median(micro, "step")
    why["step_cycles"] = (
        "clock64 over a loop of wait_group 1; 2 x (fence.proxy.async; "
        "bar.sync 1,256); wgmma.fence; commit (no wgmma), 256 threads per SM")
    data["step_cycles_kernel_order"] = _opt_median(micro, "step", "kernel_order")
    # Not a constant: the step of the kernels with the weights in wgmma's
    # A registers (register-A decode + 4 wgmmas), per N, where micro.json
    # has it.
    data["step_register_a_by_n"] = {
        str(n): float(v["median"])
        for n, v in micro.get("step_register_a", {}).get("by_n", {}).items()
    }

    # 6. Tile: the loop with the 128x128 f16 store, less the time the SM's
    # share of DRAM bandwidth needs for those bytes; never below the loop
    # without the store.
    store = _median(micro, "tile", "store")
    nostore = _median(micro, "tile", "nostore")
    tile_bytes = _positive("tile.tile_bytes", _get(micro, "tile",
                                                   "tile_bytes"))
    dram_cycles = tile_bytes * sm_count / c["dram_gbps"] * c["clock_ghz"]
    c["tile_cycles"] = max(nostore, store - dram_cycles)
    why["tile_cycles"] = (
        "per-tile cycles of the persistent 288-thread loop with the %d-byte "
        "store (%.0f) minus its DRAM time at dram_gbps shared by %d SMs "
        "(%.0f cycles), floored at the loop without the store (%.0f)"
        % (tile_bytes, store, sm_count, dram_cycles, nostore))
    data["tile_cycles_store"] = store
    data["tile_cycles_nostore"] = nostore
    data["tile_dram_cycles"] = dram_cycles

    # 7. Launch.
    c["launch_us"] = _median(micro, "launch")
    why["launch_us"] = (
        "CUDA graph of 20 launches of an empty %d x 288-thread kernel with "
        "200 KiB dynamic shared memory: event time of one replay / 20, "
        "median over replays" % sm_count)
    data["launch_us_stream"] = _opt_median(micro, "launch", "stream")
    # A kernel boundary with memory on both sides (k_touch: 16 bytes read,
    # 64 written a thread, 4 x SMs CTAs of 256), less its bytes at
    # dram_gbps: what a dependent kernel such as the token decode costs
    # beyond its bytes. Not a constant yet.
    touch = micro["launch"].get("touch")
    data["launch_us_touch"] = (
        None if touch is None else
        touch["median"] - touch["bytes_per_launch"] / (c["dram_gbps"] * 1e3))

    # 8. DRAM latency.
    c["dram_latency_ns"] = _median(micro, "dram_latency")
    why["dram_latency_ns"] = (
        "one-thread pointer chase (ld.global.cg) over a random cycle of "
        "128-byte slots in a %s-byte buffer: globaltimer / steps, median "
        "over repetitions" % _get(micro, "dram_latency", "buffer_bytes"))
    data["dram_latency_ns_by_size"] = {
        str(int(e["buffer_bytes"])): float(e["median"])
        for e in micro["dram_latency"].get("by_size", [])
    }

    assert tuple(sorted(c)) == tuple(sorted(NAMES))
    return {
        "schema": SCHEMA,
        "source": {
            "micro_json": None,
            "device": micro.get("device", {}).get("name"),
            "sm_count": sm_count,
            "date_utc": micro.get("date_utc"),
        },
        "constants": {k: c[k] for k in NAMES},
        "units": dict(UNITS),
        "explanations": {k: why[k] for k in NAMES},
        "data": data,
    }


def _fmt(x):
    if x is None:
        return "-"
    if abs(x) >= 100:
        return "%.0f" % x
    if abs(x) >= 10:
        return "%.1f" % x
    return "%.3g" % x


def markdown(doc):
    lines = [
        "| constant | value | unit | derivation |",
        "| --- | --- | --- | --- |",
    ]
    for k in NAMES:
        lines.append("| `%s` | %s | %s | %s |" % (
            k, _fmt(doc["constants"][k]), doc["units"][k],
            doc["explanations"][k]))
    lines.append("")
    lines.append("| wgmma N | cycles/wgmma/warpgroup | flop/cycle/SM |")
    lines.append("| --- | --- | --- |")
    for n, v in sorted(doc["data"]["wgmma_by_n"].items(),
                       key=lambda kv: int(kv[0])):
        lines.append("| %s | %s | %s |" % (
            n, _fmt(v["cycles_per_wgmma_per_warpgroup"]),
            _fmt(v["flops_per_cycle_sm"])))
    return "\n".join(lines) + "\n"


def main(argv):
    if len(argv) not in (2, 3):
        sys.stderr.write(__doc__.split("\n\n")[1] + "\n")
        return 2
    src = argv[1]
    dst = argv[2] if len(argv) == 3 else os.path.join(
        os.path.dirname(os.path.abspath(src)), "micro_constants.json")
    try:
        with open(src) as f:
            micro = json.load(f)
        doc = fit(micro)
    except (OSError, ValueError, FitError) as e:
        sys.stderr.write("fit.py: %s\n" % e)
        return 1
    doc["source"]["micro_json"] = src
    with open(dst, "w") as f:
        json.dump(doc, f, indent=2, sort_keys=False)
        f.write("\n")
    sys.stdout.write("%s, %s SMs, %s\n\n" % (
        doc["source"]["device"], doc["source"]["sm_count"],
        doc["source"]["date_utc"]))
    sys.stdout.write(markdown(doc))
    sys.stdout.write("\nwrote %s\n" % dst)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
