#!/usr/bin/env python3
"""Fits models of the tensor core's f32 accumulation to a wgmma probe dump.

Reads the ggemm-probe dump of test/Emulator/probes/wgmma.ptx (kernel
wgmma_probe: m64n8k16.f32.f16.f16, scale-d = 1, one instance per CTA; the
kernel writes the inputs it actually used back into buffers 0-2), rebuilds
per output D(m, n) its 17 addends (D_in and the 16 exact products
A(m,k) * B(n,k)) as integers in units of 2^-149 and counts, per candidate
model, the outputs whose f32 bits differ from the dump's:

  seq-rn              sequential IEEE f32 RN in increasing k (the emulator today)
  exact-rn/rz         the exact sum of all 17 rounded once
  fused-F{F}-{D}-{e}-{rnd}
                      multi-term fused addition: emax = largest exponent of the
                      nonzero addends (D: incD includes D_in in the max, exD does
                      not; e: lead = exponent of the leading bit of the exact
                      value, nom = nominal exponent: ea + eb for a product, the
                      f32 exponent for D_in, subnormals at emin), every addend
                      truncated toward zero to a multiple of 2^(emax - F), the
                      truncated terms summed exactly, the sum rounded to f32 by
                      rnd (rz or rn)
  chunk{C}-F{F}-{e}-{rnd}
                      the same over chunks of C products (k in order), the
                      running f32 accumulator as the extra addend of each
                      chunk (included in emax), rounded to f32 after each chunk

Usage:
  bench/fit_wgmma.py DUMP [--sample N] [--full] [--expect MODEL]

Without --full, every model is scored on a stratified sample of N outputs
(default 8192) and the best 10 (plus seq-rn) on all outputs. --expect MODEL
exits 1 unless MODEL matches every output (the self-test: on an emulator
dump, --expect seq-rn). Python 3 standard library only.
"""

import argparse
import sys

N = 8          # wgmma_probe's N
M = 64
K = 16
A_BYTES, B_BYTES, D_BYTES = M * K * 2, N * K * 2, M * N * 4
MODES = ["narrow", "wide", "vnarrow-D0", "allnormal", "e2m1-largeD",
         "D-dominant", "subnormal", "smallint"]


def read_dump(path):
    bufs = {}
    with open(path) as f:
        for line in f:
            if not line.startswith("buffer "):
                continue
            head, _, data = line.partition(":")
            _, idx, off = head.split()
            idx = int(idx)
            off = int(off[1:], 16)
            b = bytes.fromhex(data.replace(" ", ""))
            buf = bufs.setdefault(idx, bytearray())
            if len(buf) != off:
                raise SystemExit("%s: buffer %d: offset %#x out of order"
                                 % (path, idx, off))
            buf += b
    if sorted(bufs) != [0, 1, 2, 3]:
        raise SystemExit("%s: expected buffers 0..3 (a, b, d_in, d_out)" % path)
    return [bytes(bufs[i]) for i in range(4)]


# ---- values as integers in units of 2^-149 (every f32 and every product of
# two f16 is one), with the nominal exponent of the leading position.

def float_fields(bits, exp_bits, man_bits, inf_nan_error):
    """(signed significand with the implicit bit, exponent field >= 1) of an
    IEEE binary value: the value is significand * 2^(field - bias - man_bits)."""
    e = (bits >> man_bits) & ((1 << exp_bits) - 1)
    m = bits & ((1 << man_bits) - 1)
    if e == (1 << exp_bits) - 1:
        raise ValueError(inf_nan_error)
    if e:
        m |= 1 << man_bits
    else:
        e = 1
    return (-m if bits >> (exp_bits + man_bits) & 1 else m), e


def f16_parts(h):
    """(signed integer significand m, exponent field e>=1): value m*2^(e-25)."""
    return float_fields(h, 5, 10, "f16 inf/NaN in the probe inputs")


def f32_int(bits):
    """(integer value in 2^-149 units, nominal leading position)."""
    m, e = float_fields(bits, 8, 23, "f32 inf/NaN")
    return m << (e - 1), e - 1 + 23   # position of 2^(e-127)


def int_f32_bits(v, rnd):
    """Round integer v (units 2^-149) to f32 bits; rnd 'rn' or 'rz'."""
    if v == 0:
        return 0
    s = 0x80000000 if v < 0 else 0
    a = -v if v < 0 else v
    L = a.bit_length()
    if L <= 24:
        if L <= 23:
            return s | a                      # subnormal (or exact)
        return s | (1 << 23) | (a & 0x7FFFFF)
    sh = L - 24
    q = a >> sh
    if rnd == "rn":
        rem = a & ((1 << sh) - 1)
        half = 1 << (sh - 1)
        if rem > half or (rem == half and q & 1):
            q += 1
            if q == 1 << 24:
                q >>= 1
                sh += 1
    be = sh + 1
    if be >= 255:
        return s | 0x7F800000
    return s | (be << 23) | (q & 0x7FFFFF)


def round_int(v, rnd):
    """v rounded to an f32 value, as an integer in 2^-149 units."""
    b = int_f32_bits(v, rnd)
    val, _ = f32_int(b & 0x7FFFFFFF) if (b & 0x7F800000) != 0x7F800000 else (0, 0)
    return -val if b >> 31 else val


class Sample:
    __slots__ = ("inst", "m", "n", "d", "dnom", "p", "pnom", "gpu")


def load_samples(path):
    a, b, din, dout = read_dump(path)
    inst = len(a) // A_BYTES
    if (len(b) // B_BYTES != inst or len(din) // D_BYTES != inst or
            len(dout) // D_BYTES != inst):
        raise SystemExit("buffer sizes disagree: %d %d %d %d bytes"
                         % (len(a), len(b), len(din), len(dout)))
    out = []
    for i in range(inst):
        A = [f16_parts(int.from_bytes(a[i * A_BYTES + 2 * j:i * A_BYTES + 2 * j + 2],
                                      "little")) for j in range(M * K)]
        B = [f16_parts(int.from_bytes(b[i * B_BYTES + 2 * j:i * B_BYTES + 2 * j + 2],
                                      "little")) for j in range(N * K)]
        for m in range(M):
            for n in range(N):
                s = Sample()
                s.inst, s.m, s.n = i, m, n
                o = i * D_BYTES + 4 * (m * N + n)
                s.d, s.dnom = f32_int(int.from_bytes(din[o:o + 4], "little"))
                s.gpu = int.from_bytes(dout[o:o + 4], "little")
                p, pnom = [], []
                for k in range(K):
                    ma, ea = A[m * K + k]
                    mb, eb = B[n * K + k]
                    p.append((ma * mb) << (ea + eb + 99))
                    # nominal: 2^(ea-15) * 2^(eb-15) -> position ea+eb-30+149
                    pnom.append(ea + eb + 119)
                s.p, s.pnom = p, pnom
                out.append(s)
    return out, inst


# ---- models: each maps a Sample to f32 bits

def model_seq(s):
    acc = s.d
    for x in s.p:
        acc = round_int(acc + x, "rn")
    return int_f32_bits(acc, "rn")


def make_exact(rnd):
    def f(s):
        return int_f32_bits(s.d + sum(s.p), rnd)
    return f


def fused_sum(terms, noms, F, lead):
    """Truncate each term to a multiple of 2^(emax-F) and sum (ints)."""
    if lead:
        emax = max((abs(t).bit_length() - 1 for t in terms if t), default=None)
    else:
        emax = max((e for t, e in zip(terms, noms) if t), default=None)
    if emax is None:
        return 0
    sh = emax - F
    if sh <= 0:
        return sum(terms)
    tot = 0
    for t in terms:
        if t >= 0:
            tot += (t >> sh) << sh
        else:
            tot -= ((-t) >> sh) << sh
    return tot


def make_fused(F, incd, lead, rnd):
    def f(s):
        terms = [s.d] + s.p
        if incd:
            v = fused_sum(terms, [s.dnom] + s.pnom, F, lead)
        else:
            # emax over the products only; D_in truncated on the same grid
            if lead:
                emax = max((abs(t).bit_length() - 1 for t in s.p if t), default=None)
            else:
                emax = max((e for t, e in zip(s.p, s.pnom) if t), default=None)
            if emax is None or emax - F <= 0:
                v = sum(terms)
            else:
                sh = emax - F
                v = 0
                for t in terms:
                    v += ((t >> sh) << sh) if t >= 0 else -(((-t) >> sh) << sh)
        return int_f32_bits(v, rnd)
    return f


def make_chunk(C, F, lead, rnd):
    def f(s):
        acc, accnom = s.d, s.dnom
        for c0 in range(0, K, C):
            terms = [acc] + s.p[c0:c0 + C]
            noms = [accnom] + s.pnom[c0:c0 + C]
            v = round_int(fused_sum(terms, noms, F, lead), rnd)
            acc = v
            accnom = (abs(v).bit_length() - 1) if v else 0
            if accnom < 23:
                accnom = 23
        return int_f32_bits(acc, rnd)
    return f


def all_models():
    ms = [("seq-rn", model_seq), ("exact-rn", make_exact("rn")),
          ("exact-rz", make_exact("rz"))]
    for F in range(23, 35):
        for incd in (True, False):
            for lead in (True, False):
                for rnd in ("rz", "rn"):
                    ms.append(("fused-F%d-%s-%s-%s" % (
                        F, "incD" if incd else "exD", "lead" if lead else "nom",
                        rnd), make_fused(F, incd, lead, rnd)))
    for C in (4, 8):
        for F in range(23, 35):
            for lead in (True, False):
                for rnd in ("rz", "rn"):
                    ms.append(("chunk%d-F%d-%s-%s" % (
                        C, F, "lead" if lead else "nom", rnd),
                        make_chunk(C, F, lead, rnd)))
    return ms


def same(a, b):
    # +0 and -0 compare equal here; zero-sign mismatches are counted apart
    return a == b or ((a | b) & 0x7FFFFFFF) == 0


def f32_val(bits):
    v, _ = f32_int(bits & 0x7FFFFFFF)
    v = -v if bits >> 31 else v
    return v / float(1 << 149)


def score(fn, samples, detail=False):
    bad = 0
    zsign = 0
    per_mode = [0] * 8
    maxdiff = 0.0
    first = []
    for s in samples:
        got = fn(s)
        if got != s.gpu:
            if same(got, s.gpu):
                zsign += 1
                continue
            bad += 1
            if detail:
                per_mode[s.inst % 8] += 1
                d = abs(f32_val(got) - f32_val(s.gpu))
                maxdiff = max(maxdiff, d)
                if len(first) < 5:
                    first.append((s.inst, s.m, s.n, got, s.gpu))
    return bad, zsign, per_mode, maxdiff, first


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("dump")
    ap.add_argument("--sample", type=int, default=8192)
    ap.add_argument("--full", action="store_true",
                    help="score every model on every output (slow)")
    ap.add_argument("--top", type=int, default=10)
    ap.add_argument("--expect", help="exit 1 unless this model matches all")
    ap.add_argument("--only", help="comma-separated model names to score")
    args = ap.parse_args()

    samples, inst = load_samples(args.dump)
    print("%s: %d instances, %d outputs" % (args.dump, inst, len(samples)))
    models = all_models()
    if args.only:
        want = args.only.split(",")
        models = [m for m in models if m[0] in want]
        if len(models) != len(want):
            raise SystemExit("unknown model in --only")
    names = dict(models)
    if args.expect and args.expect not in names:
        raise SystemExit("unknown model %s" % args.expect)

    if args.full or args.only or len(samples) <= args.sample:
        finalists = [m[0] for m in models]
    else:
        stride = max(1, len(samples) // args.sample)
        sub = samples[::stride]
        print("scoring %d models on %d sampled outputs" % (len(models), len(sub)))
        pre = []
        for name, fn in models:
            bad, _, _, _, _ = score(fn, sub)
            pre.append((bad, name))
            print("  %-28s %6d / %d" % (name, bad, len(sub)))
        pre.sort()
        finalists = [n for _, n in pre[:args.top]]
        for must in ("seq-rn", args.expect):
            if must and must not in finalists:
                finalists.append(must)

    print("\nmodel                        mismatches  of %d  (zero-sign)  "
          "max|diff|  per mode %s" % (len(samples), "/".join(MODES)))
    results = []
    for name in finalists:
        bad, zs, pm, md, first = score(names[name], samples, detail=True)
        results.append((bad, name))
        print("%-28s %8d %8.4f%%  %6d  %10.4g  %s" % (
            name, bad, 100.0 * bad / len(samples), zs, md,
            " ".join(str(x) for x in pm)))
        for (i, m, n, got, gpu) in first[:2]:
            print("    e.g. instance %d D(%d,%d): model %08x dump %08x"
                  % (i, m, n, got, gpu))
    results.sort()
    best = results[0]
    print("\nbest model: %s (%d mismatches of %d)" % (best[1], best[0],
                                                       len(samples)))
    if args.expect:
        r = dict((n, b) for b, n in results)
        if r.get(args.expect, 1) != 0:
            print("FAIL: %s does not match every output" % args.expect)
            return 1
        print("OK: %s matches every output" % args.expect)
    return 0


if __name__ == "__main__":
    sys.exit(main())
