"""Checks that no instruction of a PTX file reads a tcgen05.ld destination
register before the tcgen05.wait::ld that follows the load (the PTX ISA
defines those registers only once the wait returns).

usage: python3 tcgen05_ld_wait.py FILE.ptx...
Prints one line per file: "<file>: N tcgen05.ld, all waited" or the first
offending line, and exits 1 if any file has one.
"""
import re
import sys

LD = re.compile(r"tcgen05\.ld\.\S+\s+\{([^}]*)\}")
REG = re.compile(r"%[a-z]+\d+")


def check(path):
    pending = set()  # destination registers of loads not yet waited for
    loads = 0
    with open(path) as f:
        for number, line in enumerate(f, 1):
            code = line.split("//", 1)[0]
            if not code.strip():
                continue
            if "tcgen05.wait::ld" in code:
                pending.clear()
                continue
            m = LD.search(code)
            if m:
                loads += 1
                pending |= set(REG.findall(m.group(1)))
                continue
            read = set(REG.findall(code)) & pending
            if read:
                return "%s:%d: reads %s before tcgen05.wait::ld" % (
                    path, number, ", ".join(sorted(read)))
    if loads == 0:
        return "%s: no tcgen05.ld" % path
    return None, "%s: %d tcgen05.ld, all waited" % (path, loads)


failed = False
for path in sys.argv[1:]:
    result = check(path)
    if isinstance(result, tuple):
        print(result[1].rsplit("/", 1)[-1])
    else:
        print(result)
        failed = True
sys.exit(1 if failed else 0)
