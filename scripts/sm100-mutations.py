#!/usr/bin/env python3
"""Mutation test of the emulator on ggemm's sm_100a kernel (issue 27).

Compiles test_03 (row-major scales with the scale warp's gather, K tails,
three groups) and test_05 with split-K 2 for sm_100a, on a grid of 2 CTAs
so that every CTA runs several tiles and every ring stage several rounds;
checks that the unmutated kernels pass on the emulator; then breaks the
PTX in one way at a time and runs gemm-run --device emu --check on it
under each emulator seed. Every mutation must be caught under every seed:
by a checker event, by gemm-run's check of C, or by a refusal at load.
Prints a markdown table (mutation, how it was caught) and exits 1 if a
mutation survived or no longer applies to the PTX.

  sm100-mutations.py --opt GEMM_OPT --run GEMM_RUN --src ROOT
                     --work DIR [--seeds 1,2] [--data-seed 1]
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys


class NoMatch(Exception):
    pass


def sub(pattern, repl, text, count=0, flags=re.M):
    """re.subn that must match at least once."""
    out, n = re.subn(pattern, repl, text, count=count, flags=flags)
    if n == 0:
        raise NoMatch(pattern)
    return out


def init_register_value(text, value):
    """The registers that hold `value` (mov.b32 %rN, value) in the prologue,
    before fence.mbarrier_init."""
    prologue = text[:text.find("fence.mbarrier_init")]
    return re.findall(r"^\s*mov\.b32\s+(%r\d+), " + str(value) + ";",
                      prologue, re.M)


def mbarrier_init_count(text, old, new):
    """Every mbarrier.init whose count register holds `old` gets `new`."""
    regs = init_register_value(text, old)
    if not regs:
        raise NoMatch("mov.b32 of " + str(old) + " before the mbarrier inits")
    out = text
    for r in regs:
        out = sub(r"(mbarrier\.init\.shared\.b64\s+\[[^\]]+\]), " +
                  re.escape(r) + ";", r"\g<1>, " + str(new) + ";", out)
    return out


def wait_before(text, anchor):
    """The last mbarrier.try_wait.parity before the first line matching
    `anchor` waits on the other parity (its operand xor 1, in a scope with
    its own register)."""
    m = re.search(anchor, text, re.M)
    if not m:
        raise NoMatch(anchor)
    head, tail = text[:m.start()], text[m.start():]
    waits = list(re.finditer(
        r"mbarrier\.try_wait\.parity\.shared\.b64 P1, \[(%r\d+)\], (%r\d+), "
        r"(\d+);", head))
    if not waits:
        raise NoMatch("try_wait before " + anchor)
    w = waits[-1]
    # wait on the other parity: phase k - 1 instead of phase k
    repl = ("{ .reg .b32 q; xor.b32 q, %s, 1; "
            "mbarrier.try_wait.parity.shared.b64 P1, [%s], q, %s; }"
            % (w.group(2), w.group(1), w.group(3)))
    return head[:w.start()] + repl + head[w.end():] + tail


# (name, kernel, how to break it). Each applies to the PTX text.
MUTATIONS = [
    ("instruction descriptor: N field 128 -> 64 (bits 17-22)", "rm",
     lambda t: sub(r"\b136316032\b", "135267456", t)),
    ("instruction descriptor: scale factor A id 1 (bits 29-30)", "rm",
     lambda t: sub(r"\b136316032\b", str(136316032 | 1 << 29), t)),
    ("A descriptor: swizzle 128B -> 64B (bits 61-63) in the first MMA", "rm",
     lambda t: sub(r"\b4611756662049538048\b",
                   str((4611756662049538048 & ~(7 << 61)) | 4 << 61), t,
                   count=1)),
    ("B descriptor: stride byte offset 1024 -> 512 (bits 32-45)", "rm",
     lambda t: sub(r"\b4611756662049539072\b",
                   str(4611756662049539072 - (0x20 << 32)), t, count=1)),
    ("scale factor A atom 1 copied to TMEM column +8 instead of +4", "rm",
     lambda t: sub(r"(tcgen05\.cp\.cta_group::1\.32x128b\.warpx4\s+\[%r\d+)\+4\]",
                   r"\1+8]", t, count=1)),
    ("fence.proxy.async dropped (scale atoms and C rows)", "rm",
     lambda t: sub(r"^\s*fence\.proxy\.async\.shared::cta;\n", "", t)),
    ("wrong mbarrier parity: the MMA warp's wait on full[s]", "rm",
     lambda t: wait_before(t, r"^\s*tcgen05\.cp\.")),
    ("wrong mbarrier parity: the epilogue's wait on accFull[b]", "rm",
     lambda t: wait_before(t, r"^\s*tcgen05\.ld\.")),
    ("arrival count off by one: accEmpty expects 129 arrivals, not 128", "rm",
     lambda t: mbarrier_init_count(t, 128, 129)),
    ("arrival count off by one: full[s] expects 1 arrival, not 2", "rm",
     lambda t: mbarrier_init_count(t, 2, 1)),
    ("tcgen05.wait::ld skipped", "rm",
     lambda t: sub(r"^\s*tcgen05\.wait::ld\.sync\.aligned;\n", "", t)),
    ("epilogue TMEM row off by one (tcgen05.ld lane + 1)", "rm",
     lambda t: sub(r"^(\s*)(tcgen05\.ld\.sync\.aligned\.[^\n]*\[)(%r\d+)\];",
                   r"\1add.s32 \3, \3, 65536;\n\1\2\3];", t, count=1)),
    ("epilogue C row off by one (bulk store one row further)", "rm",
     lambda t: sub(r"^(\s*)(cp\.async\.bulk\.global\.shared::cta\.bulk_group "
                   r"\[)(%rd\d+)\], \[(%rd?\d+)\], (%r\d+);",
                   r"\1{ .reg .b64 w; cvt.u64.u32 w, \5; add.s64 \3, \3, w; }"
                   r"\n\1\2\3], [\4], \5;", t, count=1)),
    ("bulk-store wait skipped (cp.async.bulk.wait_group 0 before exit)", "rm",
     lambda t: sub(r"^\s*cp\.async\.bulk\.wait_group\s+0;\n", "", t)),
    ("tcgen05.commit to empty[s] dropped", "rm",
     lambda t: sub(r"^\s*tcgen05\.commit\.[^\n]*\n", "", t, count=1)),
    ("tcgen05.fence::after_thread_sync dropped (epilogue, after accFull)", "rm",
     lambda t: sub(r"^\s*tcgen05\.fence::after_thread_sync;\n"
                   r"(?=(?:(?!tcgen05\.fence)[^\n]*\n){0,6}\s*tcgen05\.ld\.)",
                   "", t, count=1)),
    ("tcgen05.fence::before_thread_sync dropped (epilogue, before accEmpty)",
     "rm",
     lambda t: sub(r"^\s*tcgen05\.fence::before_thread_sync;\n"
                   r"(?=\s*mbarrier\.arrive\.)", "", t, count=1)),
    ("first MMA of a tile accumulates (enable_input_d always true)", "rm",
     lambda t: sub(r"(setp\.ne\.b64\s+%p\d+, %rd\d+, )0;(?=(?:[^\n]*\n){0,3}"
                   r"[^\n]*tcgen05\.mma)", r"\g<1>-1;", t, count=1)),
    ("tcgen05.dealloc dropped", "rm",
     lambda t: sub(r"^\s*tcgen05\.dealloc\.[^\n]*\n", "", t)),
    ("split-K: the release fence before the grid barrier's arrival dropped",
     "sk",
     lambda t: sub(r"^\s*fence\.acq_rel\.gpu;\n(?=\s*atom\.global\.add)", "",
                   t)),
    ("split-K: the acquire fence after the grid barrier's wait dropped",
     "sk",
     lambda t: sub(r"(@%p\d+ bra\s+\$L__BB\d+_\d+;\n)\s*fence\.acq_rel\.gpu;\n",
                   r"\1", t, count=1)),
]


def run(cmd):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True)
    return p.returncode, p.stdout


def how_caught(rc, log):
    m = re.search(r"checker: (.+?): ", log)
    if m:
        return "checker: " + m.group(1)
    m = re.search(r"(unknown instruction|unsupported instruction)[^\n]*", log)
    if m:
        return "refused at load: " + m.group(0)[:60]
    m = re.search(r"beyond 4x reassociation tolerance (\d+), unwritten (\d+), "
                  r"non-finite (\d+)", log)
    if m and re.search(r"^FAIL", log, re.M):
        return ("check of C: %s beyond tolerance, %s unwritten, %s non-finite"
                % m.groups())
    if rc != 0:
        last = [l for l in log.splitlines() if l.strip()][-1:]
        return "error: " + (last[0][:80] if last else "exit %d" % rc)
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--opt", required=True)
    ap.add_argument("--run", required=True)
    ap.add_argument("--src", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--seeds", default="1,2")
    ap.add_argument("--data-seed", default="1")
    a = ap.parse_args()
    seeds = a.seeds.split(",")
    shutil.rmtree(a.work, ignore_errors=True)
    kernels = {"rm": ("test_03", ""), "sk": ("test_05", " split-k=2")}
    base = {}
    for key, (name, extra) in kernels.items():
        d = os.path.join(a.work, key)
        rc, log = run([a.opt, os.path.join(a.src, "examples", name + ".mlir"),
                       "--ggemm-pipeline=chip=sm_100a format=isa grid=2 "
                       "out-dir=%s%s" % (d, extra), "-o", os.devnull])
        if rc:
            print(log)
            return 1
        base[key] = (d, name, open(os.path.join(d, name + ".ptx")).read())
        for s in seeds:
            rc, log = run([a.run, os.path.join(d, name + ".json"),
                           "--device", "emu", "--emu-seed", s,
                           "--seed", a.data_seed, "--check"])
            if rc or not re.search(r"^PASS", log, re.M):
                print(log)
                print("the unmutated %s fails under emu seed %s" % (name, s))
                return 1
    print("| mutation | kernel | how the emulator caught it (seeds %s) |"
          % ", ".join(seeds))
    print("| --- | --- | --- |")
    caught = 0
    for i, (what, key, mutate) in enumerate(MUTATIONS):
        d, name, ptx = base[key]
        try:
            bad = mutate(ptx)
        except NoMatch as e:
            print("| %s | %s | NOT APPLIED: no match for %s |" % (what, name, e))
            continue
        md = os.path.join(a.work, "m%02d" % i)
        os.makedirs(md)
        with open(os.path.join(md, name + ".ptx"), "w") as f:
            f.write(bad)
        shutil.copy(os.path.join(d, name + ".json"), md)
        hows = []
        for s in seeds:
            rc, log = run([a.run, os.path.join(md, name + ".json"),
                           "--device", "emu", "--emu-seed", s,
                           "--seed", a.data_seed, "--check"])
            hows.append(how_caught(rc, log))
        if all(hows):
            caught += 1
            text = "; ".join(sorted(set(hows)))
        else:
            text = "SURVIVED under seed %s" % seeds[hows.index(None)]
        print("| %s | %s%s | %s |" % (what, name, kernels[key][1], text))
    print()
    print("%d of %d mutations caught" % (caught, len(MUTATIONS)))
    return 0 if caught == len(MUTATIONS) else 1


if __name__ == "__main__":
    sys.exit(main())
