#!/usr/bin/env python3
"""Instruction mix of the main loops of an emitted kernel, from its PTX.

Builds the control-flow graph of each .entry, finds the natural loops
(back edges to a dominating header), and prints, for the innermost loop
around the first instruction matching each --anchor, the opcodes of one
iteration: every instruction of the loop's blocks counted once (a block
that runs only on some iterations, such as a guarded tail MMA, is counted
as if it ran). The mbarrier wait that ptxas sees as an inline `{ ... }`
retry loop counts as one `mbarrier.try_wait.parity`.

    scripts/ptx-loop-mix.py kernel.ptx --anchor tcgen05.mma --anchor cp.async.bulk.tensor

Output, per anchor: `loop <anchor>: <n> instructions` then one line per
opcode, `  <count> <opcode>`, most frequent first; the setup kernels
(`*_setup`) are skipped. Used by the sm_100a
pipeline test and for the per-kernel table in docs/sm100-kernel.md.
"""

import argparse
import collections
import re
import sys

LABEL = re.compile(r"^\s*(\$?[\w$]+):\s*$")
BRANCH = re.compile(r"^\s*(@!?%\w+\s+)?bra(\.uni)?\s+(\$?[\w$]+)\s*;")


def opcode(line):
    text = re.sub(r"^\s*@!?%\w+\s+", "", line.strip())
    return text.split()[0].rstrip(";")


def parse_blocks(body):
    """Splits an .entry body into basic blocks: (label, [instructions])."""
    blocks, current, depth = [], ("<entry>", []), 0
    for raw in body:
        line = raw.split("//")[0].rstrip()
        if not line.strip():
            continue
        if line.strip() == "{":
            depth += 1
            continue
        if line.strip() == "}":
            depth -= 1
            continue
        if depth > 0:
            # Inline PTX from the NVVM builder (the mbarrier retry loop):
            # keep the instruction, drop its private labels and branches.
            if "mbarrier.try_wait" in line:
                current[1].append(line)
            continue
        m = LABEL.match(line)
        if m:
            blocks.append(current)
            current = (m.group(1), [])
            continue
        if line.strip().startswith("."):
            continue  # declarations
        current[1].append(line)
        if BRANCH.match(line) or opcode(line) == "ret":
            blocks.append(current)
            current = ("<after %d>" % len(blocks), [])
    blocks.append(current)
    return [b for b in blocks if b[1] or not b[0].startswith("<after")]


def successors(blocks):
    index = {name: i for i, (name, _) in enumerate(blocks)}
    succ = []
    for i, (_, insts) in enumerate(blocks):
        out = []
        last = insts[-1] if insts else ""
        m = BRANCH.match(last)
        if m:
            out.append(index[m.group(3)])
        unconditional = (m and not m.group(1)) or (insts and opcode(last) == "ret")
        if not unconditional and i + 1 < len(blocks):
            out.append(i + 1)
        succ.append(out)
    return succ


def natural_loops(succ):
    n = len(succ)
    preds = [[] for _ in range(n)]
    for u, outs in enumerate(succ):
        for v in outs:
            preds[v].append(u)
    everything = set(range(n))
    dom = [everything.copy() for _ in range(n)]
    dom[0] = {0}
    changed = True
    while changed:
        changed = False
        for v in range(1, n):
            ps = [dom[p] for p in preds[v]]
            new = set.intersection(*ps) | {v} if ps else {v}
            if new != dom[v]:
                dom[v], changed = new, True
    loops = collections.defaultdict(set)
    for u, outs in enumerate(succ):
        for h in outs:
            if h in dom[u]:  # back edge u -> h
                body, stack = {h, u}, [u]
                while stack:
                    x = stack.pop()
                    for p in preds[x]:
                        if p not in body:
                            body.add(p)
                            stack.append(p)
                loops[h] |= body
    return list(loops.values())


def entries(text):
    """Yields (name, body lines) of each .entry."""
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        m = re.match(r"^\.visible \.entry (\w+)\(", lines[i])
        if not m:
            i += 1
            continue
        while lines[i].strip() != "{":
            i += 1
        start, depth = i + 1, 1
        i += 1
        while depth:
            s = lines[i].strip()
            depth += s == "{"
            depth -= s == "}"
            i += 1
        yield m.group(1), lines[start : i - 1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("ptx")
    parser.add_argument("--anchor", action="append", required=True,
                        help="opcode prefix marking the loop to report")
    args = parser.parse_args()
    with open(args.ptx) as f:
        text = f.read()
    status = 0
    for name, body in entries(text):
        # The one-thread setup kernel beside each kernel (docs/aot-host.md)
        # has no loop to report.
        if name.endswith("_setup"):
            continue
        print("kernel %s" % name)
        blocks = parse_blocks(body)
        loops = natural_loops(successors(blocks))
        for anchor in args.anchor:
            home = next((i for i, (_, insts) in enumerate(blocks)
                         if any(opcode(l).startswith(anchor) for l in insts)),
                        None)
            around = [l for l in loops if home is not None and home in l]
            if not around:
                print("loop %s: not found" % anchor)
                status = 1
                continue
            loop = min(around, key=len)
            mix = collections.Counter(
                opcode(l) for i in sorted(loop) for l in blocks[i][1])
            print("loop %s: %d instructions" % (anchor, sum(mix.values())))
            for op, count in sorted(mix.items(), key=lambda kv: (-kv[1], kv[0])):
                print("  %d %s" % (count, op))
    return status


if __name__ == "__main__":
    sys.exit(main())
