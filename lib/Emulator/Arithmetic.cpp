//===- Arithmetic.cpp - integer, float and conversion instructions ----------===//
//
// Launch::execArith: the instructions that only read and write registers:
// mov, integer and float arithmetic (f16 / f16x2 through Semantics.h),
// logic and bit-field operations, prmt, selp, setp and cvt.
//
//===----------------------------------------------------------------------===//

#include "MachineImpl.h"

#include <algorithm>
#include <cmath>

namespace ggemm::emu {
namespace exec {

/// cvt.{rn,rz,rm,rp}.f32.f64: v rounded to float in the mode (the F_CvtRound
/// index: 0 rn, 1 rz, 2 rm, 3 rp). The nearest float is corrected by one ulp
/// where it lies on the wrong side of v.
static float roundF64ToF32(double v, uint8_t mode) {
  float f = (float)v;
  if (std::isnan(v) || (double)f == v)
    return f;
  bool above = (double)f > v; // f is v rounded up
  if ((mode == 1 && above == (v > 0)) || (mode == 2 && above))
    return std::nextafter(f, above ? -INFINITY : INFINITY);
  if (mode == 3 && !above)
    return std::nextafter(f, INFINITY);
  return f;
}

/// add/sub/mul/fma .f32x2 (PTX ISA 8.6, sm_100): `op` on each pair of
/// f32 elements of the .b64 operands, element 0 in bits 31-0.
template <typename F>
static uint64_t f32x2(uint64_t x, uint64_t y, uint64_t z, F op) {
  uint64_t r = 0;
  for (int h = 0; h < 2; ++h)
    r |= fromF(op(asF(x >> (32 * h)), asF(y >> (32 * h)),
                  asF(z >> (32 * h))))
         << (32 * h);
  return r;
}

void Launch::execArith(Thread &t, const Inst &in) {
  // short names for the fields of Args, used on nearly every line below
  const Args args(t, in);
  uint64_t *R = args.R;
  const Operand &d = args.d, &a = args.a, &b = args.b;
  const unsigned bits = args.bits;
  const uint8_t tk = args.tk;
  auto wrT = [&](uint64_t v) { args.wr(v); };
  switch (in.op) {
  case Op::Mov:
    if (tk == TPred)
      R[d.reg] = val(t, a) != 0;
    else
      wrT(val(t, a));
    break;
  case Op::MovPack: {
    unsigned ew = bits / a.count;
    uint64_t v = 0;
    for (int j = 0; j < a.count; ++j) {
      int32_t s = in.vec[a.vec + j];
      uint64_t e = s >= 0 ? R[s] : s <= -2 ? (uint64_t)in.vecImm[-2 - s] : 0;
      v |= (e & maskBits(ew)) << (ew * j);
    }
    wrT(v);
    break;
  }
  case Op::MovUnpack: {
    unsigned ew = bits / d.count;
    uint64_t v = val(t, a);
    for (int j = 0; j < d.count; ++j) {
      int32_t s = in.vec[d.vec + j];
      if (s >= 0)
        R[s] = (v >> (ew * j)) & maskBits(ew);
    }
    break;
  }
  case Op::Add:
  case Op::Sub: {
    uint64_t x = val(t, a), y = val(t, b);
    bool sub = in.op == Op::Sub;
    if (tk == TF) {
      if (bits == 32)
        wrT(fromF(sub ? sem::subF32(asF(x), asF(y), in.flags & F_Ftz)
                      : sem::addF32(asF(x), asF(y), in.flags & F_Ftz)));
      else if (bits == 64)
        wrT(fromD(sub ? asD(x) - asD(y) : asD(x) + asD(y)));
      else
        wrT(sub ? sem::addF16Rn((uint16_t)x, (uint16_t)(y ^ 0x8000),
                                in.flags & F_Ftz)
                : sem::addF16Rn((uint16_t)x, (uint16_t)y, in.flags & F_Ftz));
    } else if (tk == TF16x2)
      wrT(sub ? sem::subF16x2Rn((uint32_t)x, (uint32_t)y, in.flags & F_Ftz)
              : sem::addF16x2Rn((uint32_t)x, (uint32_t)y, in.flags & F_Ftz));
    else if (tk == TF32x2) // each element rounded once, as the f32 form
      wrT(f32x2(x, y, 0, [&](float p, float q, float) {
        return sub ? sem::subF32(p, q, in.flags & F_Ftz)
                   : sem::addF32(p, q, in.flags & F_Ftz);
      }));
    else
      wrT(sub ? x - y : x + y);
    break;
  }
  case Op::Mul: {
    uint64_t x = val(t, a), y = val(t, b);
    if (tk == TF) {
      if (bits == 32)
        wrT(fromF(sem::mulF32(asF(x), asF(y), in.flags & F_Ftz)));
      else if (bits == 64)
        wrT(fromD(asD(x) * asD(y)));
      else
        wrT(sem::mulF16Rn((uint16_t)x, (uint16_t)y, in.flags & F_Ftz));
    } else if (tk == TF16x2) {
      if (in.flags & F_Ftz)
        wrT(sem::mulF16x2Rn((uint32_t)x, (uint32_t)y, true));
      else // the f32 product of two f16 is exact: one rounding to f16
        wrT((uint64_t)sem::f32ToF16Rn(sem::f16ToF32((uint16_t)x) *
                                      sem::f16ToF32((uint16_t)y)) |
            (uint64_t)sem::f32ToF16Rn(sem::f16ToF32((uint16_t)(x >> 16)) *
                                      sem::f16ToF32((uint16_t)(y >> 16)))
                << 16);
    } else if (tk == TF32x2)
      wrT(f32x2(x, y, 0, [&](float p, float q, float) {
        return sem::mulF32(p, q, in.flags & F_Ftz);
      }));
    else
      wrT(x * y);
    break;
  }
  case Op::MulHi:
  case Op::MadHi: {
    uint64_t x = val(t, a), y = val(t, b), r;
    if (tk == TS) {
      __int128 p = (__int128)sext(x, bits) * (__int128)sext(y, bits);
      r = (uint64_t)(p >> bits);
    } else {
      unsigned __int128 p = (unsigned __int128)(x & maskBits(bits)) *
                            (y & maskBits(bits));
      r = (uint64_t)(p >> bits);
    }
    if (in.op == Op::MadHi)
      r += val(t, in.o[3]);
    wrT(r);
    break;
  }
  case Op::MulWide:
  case Op::MadWide: {
    uint64_t x = val(t, a), y = val(t, b), r;
    if (tk == TS)
      r = (uint64_t)(sext(x, bits) * sext(y, bits));
    else
      r = (x & maskBits(bits)) * (y & maskBits(bits));
    if (in.op == Op::MadWide)
      r += val(t, in.o[3]);
    R[d.reg] = r & maskBits(2 * bits);
    break;
  }
  case Op::Mad: {
    uint64_t x = val(t, a), y = val(t, b), z = val(t, in.o[3]);
    wrT(x * y + z);
    break;
  }
  case Op::Fma: {
    uint64_t x = val(t, a), y = val(t, b), z = val(t, in.o[3]);
    if (tk == TF && bits == 32)
      wrT(fromF(sem::fmaF32(asF(x), asF(y), asF(z), in.flags & F_Ftz)));
    else if (tk == TF && bits == 64)
      wrT(fromD(std::fma(asD(x), asD(y), asD(z))));
    else if (tk == TF && bits == 16)
      wrT(sem::fmaF16Rn((uint16_t)x, (uint16_t)y, (uint16_t)z,
                        in.flags & F_Ftz));
    else if (tk == TF16x2)
      wrT(sem::fmaF16x2Rn((uint32_t)x, (uint32_t)y, (uint32_t)z,
                          in.flags & F_Ftz));
    else if (tk == TF32x2)
      wrT(f32x2(x, y, z, [&](float p, float q, float r) {
        return sem::fmaF32(p, q, r, in.flags & F_Ftz);
      }));
    else {
      fail(t, "unsupported", "fma of this type");
    }
    break;
  }
  case Op::Neg: {
    uint64_t x = val(t, a);
    if (tk == TF)
      wrT(x ^ (1ull << (bits - 1)));
    else if (tk == TF16x2)
      wrT(x ^ 0x80008000u);
    else
      wrT(0 - x);
    break;
  }
  case Op::Abs: {
    uint64_t x = val(t, a);
    if (tk == TF)
      wrT(x & ~(1ull << (bits - 1)));
    else {
      int64_t v = sext(x, bits);
      wrT((uint64_t)(v < 0 ? -v : v));
    }
    break;
  }
  case Op::Min:
  case Op::Max: {
    uint64_t x = val(t, a), y = val(t, b);
    bool mx = in.op == Op::Max;
    if (tk == TS) {
      int64_t p = sext(x, bits), q = sext(y, bits);
      wrT((uint64_t)(mx ? std::max(p, q) : std::min(p, q)));
    } else if (tk == TF && bits == 32) {
      float p = asF(x), q = asF(y);
      wrT(fromF(mx ? std::fmax(p, q) : std::fmin(p, q)));
    } else if (tk == TF && bits == 64) {
      double p = asD(x), q = asD(y);
      wrT(fromD(mx ? std::fmax(p, q) : std::fmin(p, q)));
    } else {
      x &= maskBits(bits);
      y &= maskBits(bits);
      wrT(mx ? std::max(x, y) : std::min(x, y));
    }
    break;
  }
  case Op::Div:
  case Op::Rem: {
    uint64_t x = val(t, a), y = val(t, b);
    bool rem = in.op == Op::Rem;
    if (tk == TF) {
      if (bits == 32)
        wrT(fromF(asF(x) / asF(y)));
      else
        wrT(fromD(asD(x) / asD(y)));
    } else if (tk == TS) {
      int64_t p = sext(x, bits), q = sext(y, bits);
      if (q == 0 || (q == -1 && p == sext(1ull << (bits - 1), bits)))
        wrT(rem ? (q == 0 ? (uint64_t)p : 0) : ~0ull);
      else
        wrT((uint64_t)(rem ? p % q : p / q));
    } else {
      x &= maskBits(bits);
      y &= maskBits(bits);
      if (y == 0)
        wrT(rem ? x : ~0ull);
      else
        wrT(rem ? x % y : x / y);
    }
    break;
  }
  case Op::And:
    wrT(val(t, a) & val(t, b));
    break;
  case Op::Or:
    wrT(val(t, a) | val(t, b));
    break;
  case Op::Xor:
    wrT(val(t, a) ^ val(t, b));
    break;
  case Op::Not:
    if (tk == TPred)
      R[d.reg] = val(t, a) == 0;
    else
      wrT(~val(t, a));
    break;
  case Op::Shl: {
    uint64_t x = val(t, a), s = val(t, b) & 0xffffffffu;
    wrT(s >= bits ? 0 : x << s);
    break;
  }
  case Op::Shr: {
    uint64_t x = val(t, a), s = val(t, b) & 0xffffffffu;
    if (tk == TS) {
      int64_t v = sext(x, bits);
      wrT((uint64_t)(v >> (s >= bits ? bits - 1 : s)));
    } else {
      x &= maskBits(bits);
      wrT(s >= bits ? 0 : x >> s);
    }
    break;
  }
  case Op::Bfe: {
    uint64_t x = val(t, a);
    unsigned pos = (unsigned)(val(t, b) & 0xff), len = (unsigned)(val(t, in.o[3]) & 0xff);
    uint64_t r;
    if (len == 0)
      r = 0;
    else {
      bool sbit;
      if (tk == TS) {
        unsigned top = std::min(pos + len - 1, bits - 1);
        sbit = (x >> top) & 1;
      } else
        sbit = false;
      uint64_t f = pos >= bits ? 0 : (x & maskBits(bits)) >> pos;
      unsigned l = std::min(len, bits);
      r = f & maskBits(l);
      if (sbit && l < 64)
        r |= ~maskBits(l);
      if (pos >= bits && tk == TS)
        r = sbit ? ~0ull : 0;
    }
    wrT(r);
    break;
  }
  case Op::Bfi: {
    uint64_t f = val(t, a), base = val(t, b);
    unsigned pos = (unsigned)(val(t, in.o[3]) & 0xff),
             len = (unsigned)(val(t, in.o[4]) & 0xff);
    uint64_t r = base;
    if (len && pos < bits) {
      unsigned l = std::min(len, bits - pos);
      uint64_t m = maskBits(l) << pos;
      r = (base & ~m) | ((f << pos) & m);
    }
    wrT(r);
    break;
  }
  case Op::Popc:
    R[d.reg] = (uint64_t)__builtin_popcountll(val(t, a) & maskBits(bits));
    break;
  case Op::Clz: {
    uint64_t x = val(t, a) & maskBits(bits);
    R[d.reg] = x ? (uint64_t)(__builtin_clzll(x) - (64 - bits)) : bits;
    break;
  }
  case Op::Brev: {
    uint64_t x = val(t, a), r = 0;
    for (unsigned i = 0; i < bits; ++i)
      r |= ((x >> i) & 1) << (bits - 1 - i);
    wrT(r);
    break;
  }
  case Op::Prmt:
    wrT(sem::prmt((uint32_t)val(t, a), (uint32_t)val(t, b), (uint32_t)val(t, in.o[3]),
                  (sem::PrmtMode)in.cmp));
    break;
  case Op::Selp:
    if (tk == TPred)
      R[d.reg] = (val(t, in.o[3]) ? val(t, a) : val(t, b)) != 0;
    else
      wrT(val(t, in.o[3]) ? val(t, a) : val(t, b));
    break;
  case Op::Setp: {
    uint64_t x = val(t, a), y = val(t, b);
    bool r = false;
    if (tk == TF) {
      double p, q;
      if (bits == 32)
        p = asF(x), q = asF(y);
      else if (bits == 64)
        p = asD(x), q = asD(y);
      else
        p = sem::f16ToF32((uint16_t)x), q = sem::f16ToF32((uint16_t)y);
      bool un = std::isnan(p) || std::isnan(q);
      switch (in.cmp) {
      case CEq: r = !un && p == q; break;
      case CNe: r = !un && p != q; break;
      case CLt: r = !un && p < q; break;
      case CLe: r = !un && p <= q; break;
      case CGt: r = !un && p > q; break;
      case CGe: r = !un && p >= q; break;
      case CEqu: r = un || p == q; break;
      case CNeu: r = un || p != q; break;
      case CLtu: r = un || p < q; break;
      case CLeu: r = un || p <= q; break;
      case CGtu: r = un || p > q; break;
      case CGeu: r = un || p >= q; break;
      case CNum: r = !un; break;
      case CNan: r = un; break;
      default: break;
      }
    } else if (tk == TS) {
      int64_t p = sext(x, bits), q = sext(y, bits);
      switch (in.cmp) {
      case CEq: r = p == q; break;
      case CNe: r = p != q; break;
      case CLt: r = p < q; break;
      case CLe: r = p <= q; break;
      case CGt: r = p > q; break;
      case CGe: r = p >= q; break;
      default: break;
      }
    } else {
      x &= maskBits(bits);
      y &= maskBits(bits);
      switch (in.cmp) {
      case CEq: r = x == y; break;
      case CNe: r = x != y; break;
      case CLt: case CLo: r = x < y; break;
      case CLe: case CLs: r = x <= y; break;
      case CGt: case CHi: r = x > y; break;
      case CGe: case CHs: r = x >= y; break;
      default: break;
      }
    }
    R[d.reg] = r;
    break;
  }
  case Op::Cvt: {
    const Ty dt = in.type, st = in.type2;
    uint64_t x = val(t, a);
    if (dt.kind == TF16x2 && st.kind == TF && st.bits == 32) {
      wrT(sem::cvtF16x2F32(asF(x), asF(val(t, b))));
    } else if (dt.kind == TF16x2 && st.kind == TE4M3x2) {
      wrT(sem::cvtF16x2E4M3x2((uint16_t)x));
    } else if (dt.kind == TF16x2 && st.kind == TE2M1x2) {
      wrT(sem::cvtF16x2E2M1x2((uint8_t)x));
    } else if (dt.kind == TF && st.kind == TF) {
      double v = st.bits == 32 ? asF(x) : st.bits == 64 ? asD(x)
                                                        : sem::f16ToF32((uint16_t)x);
      if (dt.bits == 32) {
        // exact from f16/f32; from f64 one rounding, in the mode asked for
        float f = st.bits == 64 ? roundF64ToF32(v, in.cmp) : (float)v;
        if (in.flags & F_Ftz)
          f = sem::flushF32(f);
        wrT(fromF(f));
      } else if (dt.bits == 64)
        wrT(fromD(v));
      else
        wrT(st.bits == 64 ? sem::f64ToF16Rn(v) : sem::f32ToF16Rn((float)v));
    } else if (dt.kind == TBF16 && st.kind == TF && st.bits == 32) {
      wrT(sem::f32ToBf16Rn(asF(x)));
    } else if (dt.kind == TF && st.kind == TBF16) {
      wrT(fromF(sem::bf16ToF32((uint16_t)x)));
    } else if (dt.kind == TF) {
      // integer -> float
      double v = st.kind == TS ? (double)sext(x, st.bits)
                               : (double)(x & maskBits(st.bits));
      if (st.bits == 64) {
        if (dt.bits == 32)
          wrT(fromF(st.kind == TS ? (float)(int64_t)x : (float)x));
        else
          wrT(fromD(st.kind == TS ? (double)(int64_t)x : (double)x));
      } else if (dt.bits == 32)
        wrT(fromF((float)v));
      else if (dt.bits == 64)
        wrT(fromD(v));
      else
        wrT(sem::f64ToF16Rn(v));
    } else if (st.kind == TF) {
      // float -> integer (saturating)
      double v = st.bits == 32 ? asF(x) : st.bits == 64 ? asD(x)
                                                        : sem::f16ToF32((uint16_t)x);
      switch (in.cmp) {
      case 4: case 0: v = std::nearbyint(v); break;
      case 6: case 2: v = std::floor(v); break;
      case 7: case 3: v = std::ceil(v); break;
      default: v = std::trunc(v); break;
      }
      uint64_t r;
      if (std::isnan(v))
        r = 0;
      else if (dt.kind == TS) {
        double lo = -std::ldexp(1.0, dt.bits - 1),
               hi = std::ldexp(1.0, dt.bits - 1) - 1;
        r = (uint64_t)(int64_t)std::min(std::max(v, lo), hi);
      } else {
        double hi = std::ldexp(1.0, dt.bits) - 1;
        r = v <= 0 ? 0 : v >= hi ? maskBits(dt.bits) : (uint64_t)v;
      }
      wrT(r);
    } else {
      // integer -> integer
      uint64_t v = st.kind == TS ? (uint64_t)sext(x, st.bits)
                                 : (x & maskBits(st.bits));
      if (in.flags & F_Sat) {
        int64_t sv = (int64_t)v;
        bool srcSigned = st.kind == TS;
        if (dt.kind == TS) {
          int64_t lo = -(int64_t)(1ull << (dt.bits - 1)),
                  hi = (int64_t)((1ull << (dt.bits - 1)) - 1);
          if (dt.bits < 64) {
            if (srcSigned)
              sv = std::min(std::max(sv, lo), hi);
            else if (v > (uint64_t)hi)
              sv = hi;
          }
          v = (uint64_t)sv;
        } else {
          if (srcSigned && sv < 0)
            v = 0;
          else if (dt.bits < 64 && v > maskBits(dt.bits))
            v = maskBits(dt.bits);
        }
      }
      // sign-extend into the register when the destination is signed
      if (dt.kind == TS)
        v = (uint64_t)sext(v, dt.bits);
      writeReg(t, d, v & maskBits(dt.bits));
    }
    break;
  }
  default:
    break;
  }
}

} // namespace exec
} // namespace ggemm::emu
