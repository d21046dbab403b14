#!/usr/bin/env python3
"""Writes bench/RESULTS.md from the logs of one bench/run_gpu.sh run.

Usage: python3 bench/write_results.py LOG_DIR [OUTPUT.md] [--earlier FILE]
                                      [--problems LIST]

LOG_DIR holds device.txt, check.log, bench.log, torch_peers.log and
triton.log, as bench/run_gpu.sh leaves them. Every number of the new section
comes from those logs. OUTPUT.md (default bench/RESULTS.md) gets the fixed
introduction, this run's section, then the earlier runs' sections of FILE
(default bench/RESULTS.md), newest first; an earlier section with the same
heading (same date and device) is replaced. A run of another problem list
than bench/problems.json (--problems, as bench/run_gpu.sh passes it, e.g.
bench/heldout.json) names the list in its heading, so it never replaces a
run of the main list.
"""
import argparse
import json
import os
import re

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RESULTS = os.path.join(ROOT, "bench", "RESULTS.md")
RUN_HEADING = "## Run of "
MAIN_LIST = "bench/problems.json"

INTRO = """\
# Benchmark results

The grouped NVFP4 GEMM on the benchmark shapes of `bench/problems.json`:
ggemm's sm_90a kernel beside PyTorch and Triton peers on a Hopper GPU, one
section per run, newest first. `bench/write_results.py` wrote each section
from the logs of one `bench/run_gpu.sh` run; the numbers are not edited
afterwards.

How the numbers are taken: every time is the median over many replays of a
CUDA graph, each replay timed with CUDA events, on random data that rotates
over enough input sets that operands are not served from L2. The floor of a
shape is max(FLOPs / bf16 tensor peak, minimal bytes / DRAM bandwidth), with
both ceilings measured in the same run (a large bf16 matmul; a large copy
counting bytes read and written, or a read-only sum, whichever is faster);
minimal bytes are packed A and B, their scale factors and the f16 output,
each moved once. Hopper has no FP4 tensor cores, so bf16 is the compute
ceiling. ratio = ggemm time / floor (1.0 is the floor).

The peers (`bench/peers/`): `torch._grouped_mm` and one `torch.mm` per group
on bf16 operands dequantized ahead of time (the same exact products as
ggemm; bf16 output; dequantization not timed); on compute-bound shapes the
same per-group `torch.mm` with the dequantization (a byte-table decode of
the packed operands) timed with it, end to end; `torch._scaled_grouped_mm`
with e4m3 operands and row-wise f32 scales (a different, lossy quantization:
what Hopper users pick for low precision); and a grouped Triton kernel that
decodes NVFP4 to f16 in the kernel (exact products, f16 output, best of a
few tile configurations).
"""


def read(path):
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return ""


def records(text):
    out = []
    for line in text.splitlines():
        if line.startswith("{"):
            try:
                out.append(json.loads(line))
            except json.JSONDecodeError:
                pass
    return out


def us(value):
    return f"{value:.1f}" if isinstance(value, (int, float)) else "n/a"


def peer_cell(rec):
    if not rec or "median_us" not in rec:
        return "n/a"
    text = us(rec["median_us"])
    return f"{text} ({rec['config']})" if rec.get("config") else text


def parse_checks(text):
    """Summary lines of the correctness checks (not of the sanitizer runs),
    the failure counts, and the sanitizer lines."""
    summaries, sanitizer, section = [], [], None
    for line in text.splitlines():
        if line.startswith("== check"):
            section = "check"
        elif line.startswith("== compute-sanitizer"):
            section = "sanitizer"
            sanitizer.append(line.strip("= ").strip())
        elif line.startswith("== "):
            section = None
        if section == "check" and " rel err vs double " in line:
            summaries.append(line)
        if section == "sanitizer" and "SUMMARY" in line:
            sanitizer.append(line.strip())
    fails = re.findall(r"correctness failures: (\d+)", text)
    return summaries, fails, sanitizer


def run_section(logs, problems=MAIN_LIST):
    device = read(f"{logs}/device.txt").strip().splitlines()
    gpu = device[1].split(",")[0].strip() if len(device) > 1 else "unknown GPU"
    date = device[-1].strip() if device else "unknown date"

    # ggemm: "kernel: ggemm_bench_<shape> (...)" then "bench: median X us".
    ggemm, shape = {}, None
    for line in read(f"{logs}/bench.log").splitlines():
        m = re.match(r"kernel: ggemm_bench_(\S+) \(", line)
        if m:
            shape = m.group(1)
        m = re.match(r"bench: median ([\d.]+) us, min ([\d.]+) us, max ([\d.]+) us", line)
        if m and shape:
            ggemm[shape] = tuple(float(x) for x in m.groups())

    torch_recs = records(read(f"{logs}/torch_peers.log"))
    ceiling = next((r for r in torch_recs if r.get("record") == "ceiling"), {})
    torch_device = next((r for r in torch_recs if r.get("record") == "device"), {})
    floors = [r for r in torch_recs if r.get("record") == "floor"]
    peers = {(r["shape"], r["peer"]): r for r in torch_recs
             if r.get("record") == "peer"}
    triton_recs = records(read(f"{logs}/triton.log"))
    triton_device = next((r for r in triton_recs if r.get("record") == "device"), {})
    for r in triton_recs:
        if r.get("record") == "peer":
            peers[(r["shape"], r["peer"])] = r

    names = [f["shape"] for f in floors]
    for name in list(ggemm) + [s for s, _ in peers]:
        if name not in names:
            names.append(name)
    # A contiguous-form (run-time group sizes) timing, kernel
    # ggemm_bench_<shape>_dynamic, is its own row right after <shape>'s, with
    # the floor of the same problem.
    for name in [n for n in names if n.endswith("_dynamic")]:
        base = name[:-len("_dynamic")]
        if base in names:
            names.remove(name)
            names.insert(names.index(base) + 1, name)
    floor_of = {f["shape"]: f for f in floors}
    for name in names:
        if name.endswith("_dynamic") and name not in floor_of:
            base = floor_of.get(name[:-len("_dynamic")])
            if base:
                floor_of[name] = base
    columns = ("grouped_mm_bf16", "matmul_loop_bf16", "dequant_matmul_loop_bf16",
               "scaled_grouped_mm_fp8", "triton_nvfp4")

    versions = ", ".join(x for x in (
        f"torch {torch_device['torch']}" if "torch" in torch_device else "",
        f"CUDA {torch_device['cuda']}" if torch_device.get("cuda") else "",
        f"Triton {triton_device['triton']}" if "triton" in triton_device else "")
        if x)
    other = os.path.normpath(problems) != os.path.normpath(MAIN_LIST)
    lines = [f"{RUN_HEADING}{date} on {gpu}" + (f" ({problems})" if other else ""),
             "",
             f"Device: {gpu} (sm_90a). Date: {date}."
             + (f" Peers ran with {versions}." if versions else "")
             + (f" Shapes: `{problems}`, not `{MAIN_LIST}`." if other else "")]
    if ceiling:
        lines += ["Ceilings measured in this run: bf16 "
                  f"{ceiling['bf16_tflops']:.0f} TFLOP/s; copy "
                  f"{ceiling['copy_tbs']:.2f} TB/s (read + write), read-only "
                  f"{ceiling['read_tbs']:.2f} TB/s."]
    lines += [
        "",
        "| shape | floor us | ggemm sm_90a us (min-max) | ratio | torch._grouped_mm bf16 us | per-group torch.mm bf16 us | dequantize + per-group torch.mm bf16 us | torch._scaled_grouped_mm fp8 rowwise us | Triton NVFP4 grouped us (config) |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name in names:
        g = ggemm.get(name)
        floor = floor_of.get(name, {}).get("floor_us")
        ratio = f"{g[0] / floor:.1f}" if g and floor else "n/a"
        gtext = f"{g[0]:.1f} ({g[1]:.1f}-{g[2]:.1f})" if g else "n/a"
        cells = [peer_cell(peers.get((name, c))) for c in columns]
        lines.append(f"| {name} | {us(floor)} | {gtext} | {ratio} | " + " | ".join(cells) + " |")

    lines += ["", "Peer accuracy, norm-relative error against a float64 product "
              "of the dequantized operands:", "",
              "| shape | torch._grouped_mm bf16 | per-group torch.mm bf16 | dequantize + torch.mm bf16 | torch._scaled_grouped_mm fp8 | Triton NVFP4 |",
              "| --- | --- | --- | --- | --- | --- |"]
    for name in names:
        cells = []
        for c in columns:
            r = peers.get((name, c), {})
            cells.append(f"{r['rel_err']:.1e}" if "rel_err" in r else "n/a")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    errors = [f"- {s} {p}: {r['error']}" for (s, p), r in peers.items()
              if "error" in r]
    if errors:
        lines += ["", "Peers that did not run:", "", *errors]

    summaries, fails, sanitizer = parse_checks(read(f"{logs}/check.log"))
    lines += [
        "",
        "### Correctness in the same run",
        "",
        "gemm-run --check on fresh random data (full e2m1 code range, varied",
        "scales), every element against the CPU reference: "
        f"{len(summaries)} check{'' if len(summaries) == 1 else 's'}, "
        f"failures: {', '.join(fails) or 'n/a'}.",
        "",
        "```",
        *summaries,
        "```",
        "",
        "compute-sanitizer in the same run:",
        "",
        "```",
        *sanitizer,
        "```",
    ]
    lines += prefetch_section(logs)
    return lines[0], "\n".join(lines) + "\n"


def prefetch_section(logs):
    """The TMA-prefetch ablation of bench/run_prefetch_ablation.sh, if it
    ran: median us per shape and prefetch distance (each round a column
    pair), and the ncu lines it kept."""
    text = read(f"{logs}/prefetch.log")
    if not text:
        return []
    times, profile = {}, []
    for line in text.splitlines():
        m = re.match(r"round (\d+) distance (\d+) bench_(\S+) median ([0-9.]+) us",
                     line)
        if m:
            r, d, shape, t = m.groups()
            times.setdefault(shape, {}).setdefault(int(d), []).append(float(t))
        elif line.strip():
            profile.append(line.rstrip())
    distances = sorted({d for per in times.values() for d in per})
    lines = ["", "### TMA prefetch (ggemm-insert-tma-prefetch) in the same run",
             "",
             "ggemm sm_90a median us per prefetch distance (K tiles of the next "
             "tile prefetched into L2; 0 = pass off, the default), each "
             "distance timed in every round:", "",
             "| shape | " + " | ".join(f"distance {d}" for d in distances) + " |",
             "| --- |" + " --- |" * len(distances)]
    for shape, per in times.items():
        cells = [" / ".join(f"{t:.1f}" for t in per.get(d, [])) for d in distances]
        lines.append(f"| {shape} | " + " | ".join(cells) + " |")
    if profile:
        lines += ["", "ncu (--clock-control none) of the ggemm kernel, "
                  "distance 0 against 2:", "", "```", *profile, "```"]
    return lines


def earlier_sections(path, heading):
    """The run sections of an existing results file, minus `heading`'s."""
    sections, current = [], None
    for line in read(path).splitlines(keepends=True):
        if line.startswith(RUN_HEADING):
            current = [line]
            sections.append(current)
        elif current is not None:
            current.append(line)
    return ["".join(s).rstrip("\n") + "\n" for s in sections
            if s[0].rstrip("\n") != heading]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("logs")
    parser.add_argument("output", nargs="?", default=RESULTS)
    parser.add_argument("--earlier", default=RESULTS,
                        help="results file whose run sections follow this run's")
    parser.add_argument("--problems", default=MAIN_LIST,
                        help="the problem list the run used (bench/run_gpu.sh's "
                             "PROBLEMS)")
    args = parser.parse_args()
    heading, section = run_section(args.logs, args.problems)
    earlier = earlier_sections(args.earlier, heading)
    with open(args.output, "w") as f:
        f.write("\n".join([INTRO, section, *earlier]))
    print(f"wrote {args.output} ({1 + len(earlier)} runs)")


if __name__ == "__main__":
    main()
