"""The kernel cache: one compiled kernel per key, on disk.

A key is what a kernel is specialised for: the chip, N, K, the number of
groups, the row layout (``offsets``, torch._grouped_mm's; or ``gathered``:
the same offsets over routed rows that read an un-permuted token matrix
through a device index array), the scale layout and whether it takes
alpha. M (the token count) is not part of it: both layouts read the group
ends (and the indices) from the device at run time. Its directory, ``<root>/<key.name>/``,
holds what ``gemm-opt --ggemm-pipeline="... out-dir=..."`` writes: the
manifest ``kernel.json`` and the cubin (or PTX) it names, and
``compiler``, the sha256 of the gemm-opt that compiled it: filling again
with another gemm-opt (a new kernel ABI, say) recompiles the entry instead
of keeping the old kernel.

Filling runs gemm-opt, so it needs a machine with LLVM/MLIR; using the
cache needs neither. A miss raises CacheMiss, which names the key and the
command that fills it: there is no silent fallback.

    python3 -m ggemm fill --root DIR --chip sm_90a \\
        --gemm-opt build/bin/gemm-opt --shape 8:4096:7168 [--shape ...]
"""

import argparse
import dataclasses
import hashlib
import os
import re
import shutil
import shlex
import subprocess
import sys
import tempfile

ROWS = ("offsets", "gathered")
# One ggemm-pipeline option of --schedule: name=value for an option of
# the schedule (not chip, format, out-dir or host, which the cache sets or
# which would change what the entry holds).
_SCHEDULE_OPTION = re.compile(
    r"(?:tile-m|tile-n|tile-k|stages|split-k|grid|raster|predecode|"
    r"rows-hint|prefetch-distance|short-pointers)=[0-9A-Za-z_]+")
SCALES = ("row_major",)
CHIPS = ("sm_90a", "sm_100a")


@dataclasses.dataclass(frozen=True)
class CacheKey:
    chip: str
    n: int
    k: int
    groups: int
    rows: str = "offsets"
    scales: str = "row_major"
    alpha: bool = False

    def __post_init__(self):
        if self.chip not in CHIPS:
            raise ValueError("chip must be one of %s, not %r" % (CHIPS, self.chip))
        if self.rows not in ROWS:
            raise ValueError("rows must be one of %s, not %r" % (ROWS, self.rows))
        if self.scales not in SCALES:
            raise ValueError("scales must be one of %s, not %r"
                             % (SCALES, self.scales))
        for field in ("n", "k", "groups"):
            value = getattr(self, field)
            if not isinstance(value, int) or value < 1:
                raise ValueError("%s must be a positive int, not %r"
                                 % (field, value))
        if self.k % 128:
            raise ValueError("k must be a multiple of 128 (the kernels' "
                             "scale loads), not %d" % self.k)

    @property
    def name(self):
        return "%s-%s-%s-g%d-n%d-k%d%s" % (
            self.chip, self.rows, self.scales, self.groups, self.n, self.k,
            "-alpha" if self.alpha else "")

    def mlir(self):
        """The ggemm op of this key, in a function @kernel."""
        g, n, k = self.groups, self.n, self.k
        gathered = self.rows == "gathered"
        args = ["%%a: memref<?x%dxf4E2M1FN>" % k,
                "%%sfa: memref<?x%dxf8E4M3FN>" % (k // 16),
                "%%b: memref<%dx%dx%dxf4E2M1FN>" % (g, n, k),
                "%%sfb: memref<%dx%dx%dxf8E4M3FN>" % (g, n, k // 16),
                "%%c: memref<?x%dxf16>" % n, "%%offs: memref<%dxi32>" % g]
        uses = ("a(%%a : memref<?x%dxf4E2M1FN>) sfa(%%sfa : memref<?x%dxf8E4M3FN>)\n"
                "      b(%%b : memref<%dx%dx%dxf4E2M1FN>) sfb(%%sfb : memref<%dx%dx%dxf8E4M3FN>)\n"
                "      c(%%c : memref<?x%dxf16>) group_offsets(%%offs : memref<%dxi32>)"
                % (k, k // 16, g, n, k, g, n, k // 16, n, g))
        if gathered:
            args.append("%idx: memref<?xi32>")
            uses += " row_indices(%idx : memref<?xi32>)"
        if self.alpha:
            args.append("%%alpha: memref<%dxf32>" % g)
            uses += " alpha(%%alpha : memref<%dxf32>)" % g
        return ("func.func @kernel(%s) {\n"
                "  ggemm.grouped_matmul rows<%s> scales<row_major>\n"
                "      %s\n"
                "  return\n}\n" % (", ".join(args), self.rows, uses))


def compiler_stamp(gemm_opt):
    """The sha256 of the gemm-opt binary (found on PATH if not a path)."""
    path = shutil.which(gemm_opt) or gemm_opt
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


class CacheMiss(LookupError):
    """No kernel for a key: the message names the key and the fill command."""


class KernelCache:
    def __init__(self, root):
        self.root = os.path.abspath(root)

    def directory(self, key):
        return os.path.join(self.root, key.name)

    def manifest(self, key):
        """The manifest path of `key`'s kernel, or CacheMiss."""
        path = os.path.join(self.directory(key), "kernel.json")
        if not os.path.exists(path):
            raise CacheMiss(
                "no ggemm kernel for %s (%s) in %s; fill it where LLVM/MLIR "
                "are: %s" % (key.name, key, self.root,
                             fill_command(self.root, [key])))
        return path

    def stamp(self, key):
        """The compiler stamp of `key`'s entry, or None."""
        try:
            with open(os.path.join(self.directory(key), "compiler")) as f:
                return f.read().strip()
        except OSError:
            return None

    def fill(self, key, gemm_opt, fmt="bin", rows_hint=0, stamp=None,
             schedule=""):
        """Compiles `key`'s kernel into the cache with gemm-opt. schedule:
        ggemm-pipeline options that fix the schedule (e.g. "tile-m=256
        stages=4 predecode=1") instead of the cost model's choice."""
        os.makedirs(self.root, exist_ok=True)
        out = self.directory(key)
        with tempfile.TemporaryDirectory(dir=self.root) as tmp:
            source = os.path.join(tmp, "kernel.mlir")
            with open(source, "w") as f:
                f.write(key.mlir())
            pipeline = "chip=%s format=%s out-dir=%s" % (key.chip, fmt, tmp)
            if rows_hint:
                pipeline += " rows-hint=%d" % rows_hint
            if schedule:
                pipeline += " " + schedule
            subprocess.run([gemm_opt, source, "--ggemm-pipeline=" + pipeline,
                            "-o", os.devnull], check=True)
            os.remove(source)
            with open(os.path.join(tmp, "compiler"), "w") as f:
                f.write((stamp or compiler_stamp(gemm_opt)) + "\n")
            # Whole or nothing: the directory appears once complete.
            if os.path.exists(out):
                raise FileExistsError("%s is already filled" % out)
            os.rename(tmp, out)
            os.makedirs(tmp)  # for TemporaryDirectory's cleanup
        return os.path.join(out, "kernel.json")


def fill_command(root, keys):
    args = ["python3", "-m", "ggemm", "fill", "--root", root,
            "--chip", keys[0].chip]
    for key in keys:
        args += ["--shape", "%d:%d:%d" % (key.groups, key.n, key.k)]
    if keys[0].alpha:
        args.append("--alpha")
    if keys[0].rows != "offsets":
        args += ["--rows", keys[0].rows]
    return " ".join(shlex.quote(a) for a in args)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python3 -m ggemm")
    sub = parser.add_subparsers(dest="command", required=True)
    fill = sub.add_parser("fill", help="compile kernels into the cache")
    fill.add_argument("--root", required=True)
    fill.add_argument("--chip", default="sm_90a", choices=CHIPS)
    fill.add_argument("--shape", action="append", required=True,
                      help="G:N:K of one expert layer")
    fill.add_argument("--alpha", action="store_true")
    fill.add_argument("--rows", default="offsets", choices=ROWS,
                      help="the row layout (gathered: A read through an "
                      "index array)")
    fill.add_argument("--format", default="bin", choices=("bin", "isa"))
    fill.add_argument("--gemm-opt", default="gemm-opt")
    fill.add_argument("--schedule", default="",
                      help="ggemm-pipeline options that fix the schedule "
                      "(tile-m, tile-n, tile-k, stages, split-k, grid, "
                      "raster, predecode, rows-hint, prefetch-distance, "
                      "short-pointers) instead of the cost model's "
                      "choice, e.g. "
                      "\"tile-m=256 stages=4 predecode=1\"")
    args = parser.parse_args(argv)
    options = args.schedule.split()
    if any(not _SCHEDULE_OPTION.fullmatch(o) for o in options):
        parser.error("--schedule takes ggemm-pipeline schedule options "
                     "name=value, not %r" % args.schedule)
    names = [o.split("=")[0] for o in options]
    if len(set(names)) != len(names):
        parser.error("--schedule names an option twice: %r" % args.schedule)
    # Each option once, so their order does not change the schedule: the
    # stamp and the compile take them sorted.
    schedule = " ".join(sorted(options))
    cache = KernelCache(args.root)
    # The stamp names the schedule too: an entry compiled with other
    # options is compiled again.
    stamp = compiler_stamp(args.gemm_opt)
    if schedule:
        stamp += " schedule: " + schedule
    for shape in args.shape:
        try:
            g, n, k = (int(x) for x in shape.split(":"))
        except ValueError:
            parser.error("--shape needs G:N:K, not %r" % shape)
        key = CacheKey(args.chip, n, k, g, rows=args.rows, alpha=args.alpha)
        verb = "filled"
        if os.path.exists(os.path.join(cache.directory(key), "kernel.json")):
            if cache.stamp(key) == stamp:
                print("cached %s" % key.name)
                continue
            # Another gemm-opt compiled it: its kernel may not match this
            # compiler's ABI any more.
            shutil.rmtree(cache.directory(key))
            verb = "refilled"
        cache.fill(key, args.gemm_opt, args.format, stamp=stamp,
                   schedule=schedule)
        print("%s %s" % (verb, key.name))
    return 0


if __name__ == "__main__":
    sys.exit(main())
