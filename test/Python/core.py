#!/usr/bin/env python3
"""The torch-free Python core (python/ggemm) without torch and without a GPU:
the cache key and its misses, the fill command, the argument rules, and a
launch through the runtime's C ABI (ctypes) on the emulator, checked
against a plain-Python NVFP4 reference. Prints one line per check; any
failure raises."""

import os
import random
import shutil
import struct
import subprocess
import sys
import tempfile

import ggemm
from ggemm import ArgumentError, CacheKey, CacheMiss, KernelCache, Operand
from ggemm.cache import compiler_stamp

E2M1 = [0.0, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0]


def e2m1(code):
    return (-1.0 if code & 8 else 1.0) * E2M1[code & 7]


def ue4m3(code):
    e, m = (code >> 3) & 15, code & 7
    return m / 8 * 2.0 ** -6 if e == 0 else (1 + m / 8) * 2.0 ** (e - 7)


def expect_error(kind, text, call):
    try:
        call()
    except kind as error:
        if text not in str(error):
            raise AssertionError("%r does not say %r" % (str(error), text))
        print("refused: %s" % error)
        return
    raise AssertionError("not refused: %s" % text)


def check_output(rt, c_address, a, sfa, b, sfb, offs, token_of_row, rows, n,
                 k):
    """Every C element of a grouped row against a plain-Python product of
    its token row (token_of_row) and its group's B, within ggemm's bound;
    rows of no group still hold their 0xFFFF filler. Returns the worst
    error as a fraction of the bound."""
    data = rt.download(c_address, rows * n * 2)
    c = struct.unpack("<%de" % (rows * n), data)
    raw = struct.unpack("<%dH" % (rows * n), data)
    worst, start = 0.0, 0
    for group, end in enumerate(offs):
        for r in range(start, end):
            tr = token_of_row[r]
            for j in range(n):
                exact = absum = 0.0
                for x in range(k):
                    va = e2m1(a[tr * k // 2 + x // 2] >> (4 * (x % 2)) & 15)
                    va *= ue4m3(sfa[tr * k // 16 + x // 16])
                    row = (group * n + j)
                    vb = e2m1(b[row * k // 2 + x // 2] >> (4 * (x % 2)) & 15)
                    vb *= ue4m3(sfb[row * k // 16 + x // 16])
                    exact += va * vb
                    absum += abs(va * vb)
                got = c[r * n + j]
                bound = abs(exact) * 2.0 ** -10 + absum * k * 2.0 ** -23
                if not abs(got - exact) <= bound:
                    raise AssertionError("C[%d, %d] = %r, exact %r"
                                         % (r, j, got, exact))
                worst = max(worst, abs(got - exact) / max(bound, 1e-30))
        start = end
    spare = sum(1 for i in range(offs[-1] * n, rows * n) if raw[i] == 0xFFFF)
    assert spare == (rows - offs[-1]) * n, "rows of no group were written"
    return worst


def main():
    gemm_opt = os.environ["GEMM_OPT"]
    root = tempfile.mkdtemp(prefix="ggemm-cache-")

    # The key.
    key = CacheKey("sm_90a", n=128, k=128, groups=2)
    print("key %s" % key.name)
    assert key.name == "sm_90a-offsets-row_major-g2-n128-k128"
    expect_error(ValueError, "k must be a multiple of 128",
                 lambda: CacheKey("sm_90a", 128, 96, 2))
    expect_error(ValueError, "chip must be one of",
                 lambda: CacheKey("sm_100", 128, 128, 2))

    # A miss names the key and the command that fills it.
    cache = KernelCache(root)
    expect_error(CacheMiss, "python3 -m ggemm fill --root %s --chip "
                 "sm_90a --shape 2:128:128" % root,
                 lambda: cache.manifest(key))

    # The fill command (PTX, so that the emulator runs it).
    env = dict(os.environ)
    for expected in ("filled", "cached"):
        out = subprocess.run(
            [sys.executable, "-m", "ggemm", "fill", "--root", root,
             "--chip", "sm_90a", "--shape", "2:128:128", "--format", "isa",
             "--gemm-opt", gemm_opt], check=True, capture_output=True,
            text=True, env=env).stdout.strip()
        print(out)
        assert out == "%s %s" % (expected, key.name), out
    # Another gemm-opt (a copy with one more byte): the entry is
    # recompiled, not kept.
    other = os.path.join(root, "gemm-opt-other")
    shutil.copyfile(gemm_opt, other)
    with open(other, "ab") as f:
        f.write(b"\0")
    os.chmod(other, 0o755)
    out = subprocess.run(
        [sys.executable, "-m", "ggemm", "fill", "--root", root, "--chip",
         "sm_90a", "--shape", "2:128:128", "--format", "isa", "--gemm-opt",
         other], check=True, capture_output=True, text=True,
        env=env).stdout.strip()
    print(out)
    assert cache.stamp(key) != compiler_stamp(gemm_opt)
    os.remove(other)
    manifest = cache.manifest(key)

    # The argument rules.
    t, n, k, g = 48, key.n, key.k, key.groups

    def op(shape, dtype, address=0x10000, device="cuda:0", strides=None):
        dense, step = [], 1
        for size in reversed(shape):
            dense.append(step)
            step *= size
        return Operand(tuple(shape), dtype,
                       tuple(strides or reversed(dense)), device, address)

    good = dict(a=op((t, k // 2), "uint8"), sfa=op((t, k // 16), "uint8"),
                b=op((g, n, k // 2), "uint8"),
                sfb=op((g, n, k // 16), "float8_e4m3fn"),
                offs=op((g,), "int32"), c=op((t, n), "float16"))
    assert ggemm.check_offsets_problem(key, **good) == t
    for name, bad, text in [
            ("b", op((g, n, k // 2), "float16"), "b: dtype float16"),
            ("sfa", op((t + 1, k // 16), "uint8"), "sfa: shape [49, 8]"),
            ("c", op((t, n), "float16", strides=(1, t)), "out: strides"),
            ("offs", op((g,), "int32", device="cuda:1"), "offs: on cuda:1"),
            ("a", op((t, k // 2), "uint8", address=0x10008),
             "a: address 0x10008 is not 16-byte aligned")]:
        args = dict(good, **{name: bad})
        expect_error(ArgumentError, text,
                     lambda: ggemm.check_offsets_problem(key, **args))
    expect_error(ArgumentError, "alpha: given",
                 lambda: ggemm.check_offsets_problem(
                     key, alpha=op((g,), "float32"), **good))

    # A launch on the emulator through ctypes: rows [0, 20) and [20, 45) in
    # groups 0 and 1, rows 45 to 47 of no group.
    rt = ggemm.Runtime(device="emu")
    kernel = rt.load(manifest)
    print("workspace %d bytes" % kernel.workspace_bytes)
    rng = random.Random(int(os.environ.get("GGEMM_TEST_SEED", "1")))
    a = bytes(rng.randrange(256) for _ in range(t * k // 2))
    b = bytes(rng.randrange(256) for _ in range(g * n * k // 2))
    # Scales 2^-3 to 2 (UE4M3, bit 7 clear): no f16 overflow.
    sfa = bytes(rng.randrange(0x20, 0x41) for _ in range(t * k // 16))
    sfb = bytes(rng.randrange(0x20, 0x41) for _ in range(g * n * k // 16))
    offs = [20, 45]
    buffers = {}
    for name, data in [("a", a), ("b", b), ("sfa", sfa), ("sfb", sfb),
                       ("offs", struct.pack("<%di" % g, *offs)),
                       ("c", b"\xff" * (t * n * 2))]:
        buffers[name] = rt.alloc(len(data))
        rt.upload(buffers[name], data)
    ws = rt.alloc(kernel.workspace_bytes)
    assert ws % 64 == 0
    kernel.launch(0, ws, a=buffers["a"], b=buffers["b"], sfa=buffers["sfa"],
                  sfb=buffers["sfb"], c=buffers["c"], row_array=buffers["offs"],
                  rows=t)
    rt.synchronize()
    worst = check_output(rt, buffers["c"], a, sfa, b, sfb, offs, list(range(t)),
                         t, n, k)
    assert rt.error_flags(ws) == 0
    print("launch: %d rows checked, worst error %.2f of the bound, %d rows "
          "of no group untouched, flags 0" % (offs[-1], worst, t - offs[-1]))

    # Offsets past the rows of A: clamped by the kernel, flagged (bit 0).
    # (Through launch_one, the torch op's per-call path.)
    rt.upload(buffers["offs"], struct.pack("<2i", 20, 60))
    kernel.launch_one(0, ws, buffers["a"], buffers["b"], buffers["sfa"],
                      buffers["sfb"], buffers["c"], buffers["offs"], 0, t)
    rt.synchronize()
    flags = rt.error_flags(ws)
    assert flags == 1, flags
    print("overrun: flags %d" % flags)

    # Predecoded tokens (predecode=1): the same problem through
    # ggemm_rt_launch_decoded, the decode kernel filling a token workspace
    # on the stream first; without one the launch is refused.
    # Its own cache, filled with a fixed schedule (fill --schedule), which
    # the entry's stamp names: the same schedule again is cached.
    proot = os.path.join(root, "predecoded")
    fill = [sys.executable, "-m", "ggemm", "fill", "--root", proot,
            "--chip", "sm_90a", "--shape", "2:128:128", "--format", "isa",
            "--gemm-opt", gemm_opt]
    # (The second names the same options in another order: still cached.)
    for expected, schedule in (("filled", "predecode=1 stages=4"),
                               ("cached", " stages=4  predecode=1")):
        out = subprocess.run(fill + ["--schedule", schedule], check=True,
                             capture_output=True, text=True,
                             env=env).stdout.strip()
        print("schedule: " + out)
        assert out == "%s %s" % (expected, key.name), out
    pcache = KernelCache(proot)
    assert pcache.stamp(key).endswith(" schedule: predecode=1 stages=4"), \
        pcache.stamp(key)
    for option in ("out-dir=x", "host=launch", "chip=sm_100a", "stages=4;x",
                   "predecode=0"):
        bad = subprocess.run(fill + ["--schedule", "predecode=1 " + option],
                             capture_output=True, text=True, env=env)
        twice = "--schedule names an option twice" in bad.stderr
        other = "--schedule takes ggemm-pipeline schedule options" in bad.stderr
        assert bad.returncode != 0 and twice != other, bad
        print("refused: --schedule %s (%s)" % (
            option, "twice" if twice else "not a schedule option"))
    pkernel = rt.load(pcache.manifest(key))
    assert kernel.token_workspace_bytes(t) == 0
    assert not kernel.decodes_tokens and pkernel.decodes_tokens
    tbytes = pkernel.token_workspace_bytes(t)
    print("token workspace %d bytes" % tbytes)
    assert tbytes == t * 2 * 256, tbytes
    pws, tws = rt.alloc(pkernel.workspace_bytes), rt.alloc(tbytes)
    rt.upload(buffers["offs"], struct.pack("<2i", *offs))
    rt.upload(buffers["c"], b"\xff" * (t * n * 2))
    operands = dict(a=buffers["a"], b=buffers["b"], sfa=buffers["sfa"],
                    sfb=buffers["sfb"], c=buffers["c"],
                    row_array=buffers["offs"], rows=t)
    expect_error(ggemm.GGemmError, "it takes a token workspace",
                 lambda: pkernel.launch(0, pws, **operands))
    expect_error(ggemm.GGemmError, "its token workspace has %d bytes, fewer "
                 "than the tokenWorkspaceBytes of these rows (%d)"
                 % (tbytes - 256, tbytes),
                 lambda: pkernel.launch(0, pws, token_workspace=tws,
                                        token_workspace_size=tbytes - 256,
                                        **operands))
    pkernel.launch(0, pws, token_workspace=tws, token_workspace_size=tbytes,
                   **operands)
    rt.synchronize()
    worst = check_output(rt, buffers["c"], a, sfa, b, sfb, offs,
                         list(range(t)), t, n, k)
    assert rt.error_flags(pws) == 0
    print("predecoded: %d rows checked, worst error %.2f of the bound, flags 0"
          % (offs[-1], worst))
    for address in (pws, tws):
        rt.free(address)
    pkernel.close()

    # A runtime refusal comes back as GGemmError with its reason.
    expect_error(ggemm.GGemmError, "the workspace must be a 64-byte aligned",
                 lambda: kernel.launch(0, ws + 8, a=buffers["a"],
                                       b=buffers["b"], sfa=buffers["sfa"],
                                       sfb=buffers["sfb"], c=buffers["c"],
                                       row_array=buffers["offs"], rows=t))
    # Gathered rows: 16 routed rows read 10 token rows of A through an index
    # array (repeated tokens), offsets [7, 13] over the routed rows, rows 13
    # to 15 of no group.
    gkey = CacheKey("sm_90a", n=128, k=128, groups=2, rows="gathered")
    print("key %s" % gkey.name)
    expect_error(CacheMiss, "--shape 2:128:128 --rows gathered",
                 lambda: cache.manifest(gkey))
    out = subprocess.run(
        [sys.executable, "-m", "ggemm", "fill", "--root", root, "--chip",
         "sm_90a", "--shape", "2:128:128", "--rows", "gathered", "--format",
         "isa", "--gemm-opt", gemm_opt], check=True, capture_output=True,
        text=True, env=env).stdout.strip()
    print(out)
    tokens, routed = 10, 16
    gargs = dict(a=op((tokens, k // 2), "uint8"),
                 sfa=op((tokens, k // 16), "uint8"),
                 b=good["b"], sfb=good["sfb"], offs=good["offs"],
                 row_indices=op((routed,), "int32"),
                 c=op((routed, n), "float16"))
    assert ggemm.check_gathered_problem(gkey, **gargs) == (tokens, routed)
    expect_error(ArgumentError, "takes rows gathered, not offsets",
                 lambda: ggemm.check_offsets_problem(gkey, **good))
    for name, bad, text in [
            ("row_indices", op((routed,), "int64"),
             "row_indices: dtype int64; expected int32"),
            ("c", op((tokens, n), "float16"), "out: shape [10, 128]; "
             "expected [16, 128]"),
            ("sfa", op((routed, k // 16), "uint8"), "sfa: shape [16, 8]; "
             "expected [10, 8]")]:
        args = dict(gargs, **{name: bad})
        expect_error(ArgumentError, text,
                     lambda: ggemm.check_gathered_problem(gkey, **args))
    gkernel = rt.load(cache.manifest(gkey))
    index = [rng.randrange(tokens) for _ in range(routed)]
    goffs = [7, 13]
    gbuf = {}
    for name, data in [("a", a[:tokens * k // 2]),
                       ("sfa", sfa[:tokens * k // 16]),
                       ("offs", struct.pack("<2i", *goffs)),
                       ("idx", struct.pack("<%di" % routed, *index)),
                       ("c", b"\xff" * (routed * n * 2))]:
        gbuf[name] = rt.alloc(len(data))
        rt.upload(gbuf[name], data)
    gws = rt.alloc(gkernel.workspace_bytes)

    def launch_gathered():
        gkernel.launch_gathered(0, gws, a=gbuf["a"], b=buffers["b"],
                                sfa=gbuf["sfa"], sfb=buffers["sfb"],
                                c=gbuf["c"], row_array=gbuf["offs"],
                                row_indices=gbuf["idx"], rows=routed,
                                token_rows=tokens)
        rt.synchronize()
    launch_gathered()
    worst = check_output(rt, gbuf["c"], a, sfa, b, sfb, goffs, index, routed,
                         n, k)
    assert rt.error_flags(gws) == 0
    print("gathered: %d routed rows of %d tokens checked, worst error %.2f "
          "of the bound, %d rows of no group untouched, flags 0"
          % (goffs[-1], tokens, worst, routed - goffs[-1]))
    # An index outside [0, T) in an owned row: clamped, flagged (bit 2).
    rt.upload(gbuf["idx"] + 4 * 3, struct.pack("<i", tokens))
    launch_gathered()
    flags = rt.error_flags(gws)
    assert flags == 4, flags
    print("bad index: flags %d" % flags)
    for address in list(gbuf.values()) + [gws]:
        rt.free(address)
    gkernel.close()

    for address in list(buffers.values()) + [ws]:
        rt.free(address)
    kernel.close()
    print("ok")


if __name__ == "__main__":
    main()
