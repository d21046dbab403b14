//===- Semantics.h - pure semantics of the emulated PTX instructions ------===//
//
// Pure functions (no emulator state) giving the result of the PTX
// instructions whose meaning is more than one host operation: number
// conversions, f16x2 arithmetic, prmt, the TMA/wgmma shared-memory
// swizzle, a TMA tile load, wgmma.mma_async (f16/bf16 inputs) and the
// cp.async.bulk argument rules. The interpreter (core) decodes operands
// and calls these; each function cites the PTX ISA (or CUDA driver API)
// section it follows. Defined in Numbers.cpp (formats, f16 arithmetic,
// prmt), Tma.cpp (swizzles, tile copies, bulk copies) and Wgmma.cpp
// (descriptors, fragments, the MMA). Fallible functions return an empty string on
// success and a message otherwise. No exceptions, no RTTI.
//
//===----------------------------------------------------------------------===//

#ifndef GGEMM_LIB_EMULATOR_SEMANTICS_H
#define GGEMM_LIB_EMULATOR_SEMANTICS_H

#include "ggemm/Emulator/Emulator.h"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

namespace ggemm::emu::sem {

/// "0x" and the lower-case hex digits of v (for messages; Numbers.cpp).
std::string hexString(uint64_t v);

//===----------------------------------------------------------------------===//
// Number formats (PTX ISA: "cvt", "Half Precision Floating-Point
// Instructions", "Floating Point Instructions")
//===----------------------------------------------------------------------===//

/// IEEE binary16 -> binary32 (exact; NaN payload kept, quiet).
float f16ToF32(uint16_t h);
/// binary32 -> binary16, round to nearest even (cvt.rn.f16.f32): subnormal
/// results kept, overflow -> +-inf, NaN -> canonical 0x7FFF.
uint16_t f32ToF16Rn(float f);
/// cvt.rn.satfinite.f16.f32: as f32ToF16Rn but a finite-overflowing or
/// infinite input gives +-65504 (MAX_NORM); NaN -> 0x7FFF.
uint16_t f32ToF16RnSatfinite(float f);
/// binary64 -> binary16 with a single rounding to nearest even (used for
/// the exact-then-round f16 arithmetic); NaN -> 0x7FFF.
uint16_t f64ToF16Rn(double d);
/// bf16 -> f32 (exact).
float bf16ToF32(uint16_t h);
/// f32 -> bf16 round to nearest even (cvt.rn.bf16.f32); NaN -> 0x7FFF.
uint16_t f32ToBf16Rn(float f);

/// cvt.rn.f16x2.f32 d, a, b: PTX ISA "cvt": "the result of converting a
/// is stored in the upper half of d and b in the lower half".
uint32_t cvtF16x2F32(float a, float b);

/// cvt.rn.bf16x2.f32 d, a, b: a -> upper half, b -> lower half.
uint32_t cvtBf16x2F32(float a, float b);

/// e5m2 (FP8, bias 15, f16's upper byte) -> f16: exact (v << 8; NaN codes
/// give NaN).
uint16_t e5m2ToF16(uint8_t v);
/// cvt.rn.f16x2.e5m2x2 d, a: byte 0 -> low half, byte 1 -> high half.
uint32_t cvtF16x2E5M2x2(uint16_t a);

/// e4m3 (FP8, bias 7, no inf, NaN = S.1111.111) -> f32 (exact; NaN ->
/// quiet NaN with the sign).
float e4m3ToF32(uint8_t v);
/// e4m3 -> f16 (exact for every finite code; NaN -> 0x7FFF).
uint16_t e4m3ToF16(uint8_t v);
/// cvt.rn.f16x2.e4m3x2 d, a: byte 0 of `a` -> low half of d, byte 1 ->
/// high half (PTX ISA "cvt": for .f16x2 destinations from .e4m3x2 sources
/// "the lower 8 bits ... converted to the lower half").
uint32_t cvtF16x2E4M3x2(uint16_t a);
/// e2m1 (FP4, bias 1, no inf/NaN) -> f32 (exact). Low 4 bits of `v`.
float e2m1ToF32(uint8_t v);
/// cvt.rn.f16x2.e2m1x2 d, a: low nibble of the low byte -> low half.
uint32_t cvtF16x2E2M1x2(uint8_t a);

/// f16x2 arithmetic, .rn: each half computed exactly (in double) and
/// rounded once to f16. With `ftz`, f16 subnormal inputs and results are
/// flushed to sign-preserving zero (PTX: .ftz on f16 instructions).
uint32_t addF16x2Rn(uint32_t a, uint32_t b, bool ftz = false);
uint32_t subF16x2Rn(uint32_t a, uint32_t b, bool ftz = false);
uint32_t mulF16x2Rn(uint32_t a, uint32_t b, bool ftz = false);
uint32_t fmaF16x2Rn(uint32_t a, uint32_t b, uint32_t c, bool ftz = false);
/// Scalar f16 versions of the same.
uint16_t addF16Rn(uint16_t a, uint16_t b, bool ftz = false);
uint16_t mulF16Rn(uint16_t a, uint16_t b, bool ftz = false);
uint16_t fmaF16Rn(uint16_t a, uint16_t b, uint16_t c, bool ftz = false);

/// f32 .rn arithmetic as the host IEEE does it; with `ftz`, subnormal
/// inputs and results become sign-preserving zero (PTX ".ftz").
float flushF32(float f);
float addF32(float a, float b, bool ftz = false);
float subF32(float a, float b, bool ftz = false);
float mulF32(float a, float b, bool ftz = false);
float fmaF32(float a, float b, float c, bool ftz = false);

//===----------------------------------------------------------------------===//
// prmt (PTX ISA "prmt")
//===----------------------------------------------------------------------===//

enum class PrmtMode { Default, F4E, B4E, RC8, ECL, ECR, RC16 };
/// prmt.b32{.mode} d, a, b, c. Default: the bytes of {b, a} are numbered
/// 0..7 (a's byte 0 is 0, b's byte 3 is 7); result byte i takes the byte
/// named by bits [4i+2 : 4i] of c, sign-replicated (0x00/0xFF from the
/// msb of that byte) when bit 4i+3 is set. Other modes use c[1:0] only.
uint32_t prmt(uint32_t a, uint32_t b, uint32_t c,
              PrmtMode mode = PrmtMode::Default);

//===----------------------------------------------------------------------===//
// Shared-memory swizzle (PTX ISA "Tensor Access Modes / swizzling modes";
// CUDA driver API CUtensorMapSwizzle)
//===----------------------------------------------------------------------===//

/// Swizzle span in bytes: 0 (none), 32, 64, 128.
uint32_t swizzleSpanBytes(MapSwizzle mode);
/// Repeat period of the pattern in bytes: 16 (none), 256, 512, 1024.
uint32_t swizzleRepeatBytes(MapSwizzle mode);
/// The 16-byte chunk address XOR pattern, applied to an absolute shared
/// address: 32B: bit 4 ^= bit 7; 64B: bits [5:4] ^= bits [8:7];
/// 128B: bits [6:4] ^= bits [9:7]; none: identity (CuTe Swizzle<B,4,3> on
/// byte addresses, which the PTX ISA's canonical wgmma layouts name).
/// Alignment: the pattern repeats every 256/512/1024 bytes; the PTX ISA
/// ("Matrix Descriptor Format") says a wgmma descriptor's base offset is 0
/// when the pattern starts on that boundary, else (start >> 7) & 7. TMA
/// destinations must be 128-byte aligned (cp.async.bulk.tensor,
/// tmaSharedAlignment), swizzled or not: TMA applies the pattern to the
/// absolute address, as wgmma reads it, so a box starting inside a repeat
/// (a one-row box of a gathered tile) is swizzled by where it lands. The
/// emulator refuses a nonzero wgmma base offset.
uint32_t swizzleAddress(MapSwizzle mode, uint32_t sharedAddress);

//===----------------------------------------------------------------------===//
// TMA (PTX ISA "cp.async.bulk.tensor", tile mode; CUDA driver API
// cuTensorMapEncodeTiled)
//===----------------------------------------------------------------------===//

/// Reads `n` bytes of global memory at `addr` into `dst`; false when any
/// byte is outside valid memory.
using ReadGlobalFn = std::function<bool(uint64_t addr, void *dst, size_t n)>;
/// Writes `n` bytes of global memory; false when out of bounds.
using WriteGlobalFn =
    std::function<bool(uint64_t addr, const void *src, size_t n)>;

/// Size in bytes of one element of `t`.
uint32_t mapElementBytes(MapDataType t);
/// Bytes of one box (product of boxDim[0..rank) * element size): what a
/// tile load completes on the mbarrier (complete_tx), OOB elements
/// included.
uint32_t tmaBoxBytes(const TiledMapSpec &map);
/// Alignment the shared destination of a tile copy with this map must
/// have: 128 bytes (PTX ISA cp.async.bulk.tensor: shared::cluster
/// destination 128-byte aligned); with a swizzle the box must also start
/// on a pattern repeat (1024 bytes for 128B, 512 for 64B, 256 for 32B)
/// so that the pattern, a function of address bits, matches wgmma's.
uint32_t tmaSharedAlignment(const TiledMapSpec &map);

/// cp.async.bulk.tensor.Nd.shared::cluster.global.tile load of the box at
/// `coords` (rank of them, innermost first, in elements; may be negative
/// or past the end). Element (i0, i1, ..) of the box is global element
/// (coords[0]+i0, ..); out-of-bound elements read as zero. The box is
/// written densely at `dstAddress` (row pitch boxDim[0]*elemSize), each
/// 16-byte chunk at swizzleAddress(map.swizzle, its dense address).
/// `sharedBytes[0]` is at window address `sharedBase`, `sharedSize` bytes.
/// elementStrides: along dim i >= 1 the box holds ceil(boxDim[i] /
/// elementStrides[i]) elements, box index j at coords[i] + j*elementStrides[i]
/// (driver docs; elementStrides[0] is ignored without interleave).
/// Refused: interleaved maps, OOB NaN fill (not modelled), a swizzled box
/// whose inner bytes (boxDim[0] * element size) are less than the swizzle
/// span (the driver accepts it; its shared layout is not modelled), a
/// destination
/// not aligned to tmaSharedAlignment, a box outside the shared window, a
/// global read outside valid memory. Nothing is written on refusal.
std::string tmaTileLoad(const TiledMapSpec &map, const int32_t *coords,
                        const ReadGlobalFn &read, uint8_t *sharedBytes,
                        uint32_t sharedBase, uint32_t sharedSize,
                        uint32_t dstAddress, uint32_t &bytesWritten);
/// cp.async.bulk.tensor.Nd.global.shared::cta.tile store (bulk_group): the
/// reverse of tmaTileLoad; out-of-bound elements are not written.
std::string tmaTileStore(const TiledMapSpec &map, const int32_t *coords,
                         const WriteGlobalFn &write, const uint8_t *sharedBytes,
                         uint32_t sharedBase, uint32_t sharedSize,
                         uint32_t srcAddress);

//===----------------------------------------------------------------------===//
// cp.async.bulk (non-tensor) argument rules (PTX ISA "cp.async.bulk":
// size a multiple of 16, addresses 16-byte aligned)
//===----------------------------------------------------------------------===//

std::string checkBulkCopy(uint64_t dstAddress, uint64_t srcAddress,
                          uint64_t size);

//===----------------------------------------------------------------------===//
// wgmma.mma_async (PTX ISA "Asynchronous Warpgroup Level Matrix
// Multiply-Accumulate Instructions")
//===----------------------------------------------------------------------===//

/// Layout type of a matrix descriptor, bits 62-63.
enum class WgmmaSwizzle : uint32_t { Interleave = 0, B128 = 1, B64 = 2, B32 = 3 };

/// A decoded 64-bit shared-memory matrix descriptor (byte units).
struct MatrixDescriptor {
  uint32_t startAddress = 0;       ///< bits 0-13, << 4
  uint32_t leadingByteOffset = 0;  ///< bits 16-29, << 4
  uint32_t strideByteOffset = 0;   ///< bits 32-45, << 4
  uint32_t baseOffset = 0;         ///< bits 49-51
  WgmmaSwizzle swizzle = WgmmaSwizzle::Interleave; ///< bits 62-63
};
MatrixDescriptor decodeMatrixDescriptor(uint64_t desc);
uint64_t encodeMatrixDescriptor(const MatrixDescriptor &d);
/// The MapSwizzle of the same pattern (Interleave -> None).
MapSwizzle toMapSwizzle(WgmmaSwizzle s);

enum class WgmmaInput { F16, BF16 };

/// How wgmma adds, per output, D and the k16 products (PTX leaves it
/// open). Sequential: D + p0 + p1 + ... in increasing k, one IEEE f32 RN
/// per addition (each product exact). Fused (multi-term fused addition, as
/// studied for NVIDIA tensor cores by Fasi et al. 2021 and Khattak and
/// Mikaitis 2025): per step, the running accumulator (D first) and `chunk`
/// products (computed exactly) are aligned to emax, the largest exponent of
/// the nonzero addends (the accumulator counted when includeD; exponent of
/// the exact value's leading bit, or with nominalExp the nominal exponent:
/// ea + eb for a product, subnormal inputs at emin), each truncated toward
/// zero to a multiple of 2^(emax - fracBits), summed exactly, and the sum
/// rounded to f32 (to nearest even when roundNearest, else toward zero).
/// An exact zero sum of nonzero addends is +0; all-zero addends give their
/// IEEE sum. bench/fit_wgmma.py names these seq-rn,
/// fused-F{F}-{incD,exD}-{lead,nom}-{rn,rz} (chunk 16) and
/// chunk{4,8}-F{F}-{lead,nom}-{rn,rz} (includeD).
struct WgmmaSumModel {
  enum Kind { Sequential, Fused };
  Kind kind = Sequential;
  int fracBits = 25;
  bool includeD = true;
  bool nominalExp = false;
  bool roundNearest = false;
  int chunk = 16; ///< products per fused step: 4, 8 or 16
};

/// One output of wgmma under `model`: d plus the k products a[i] * b[i]
/// (the f16/bf16 inputs as f32, scales already applied).
float wgmmaDot(const WgmmaSumModel &model, WgmmaInput input, float d,
               const float *a, const float *b, int k = 16);

/// One wgmma.mma_async.sync.aligned.m64nNk16.f32.{f16,bf16}.{f16,bf16}
/// issued by a warpgroup.
struct WgmmaF16Op {
  int n = 8;                 ///< N: multiple of 8 in [8, 256]
  WgmmaInput input = WgmmaInput::F16;
  uint64_t descA = 0;        ///< used when aRegs == nullptr
  /// A from registers: [thread 0..127][reg 0..3] (4 .b32 per thread, each
  /// two 16-bit elements, low half first) or nullptr for a descriptor.
  const uint32_t *aRegs = nullptr;
  uint64_t descB = 0;
  bool transA = false;       ///< imm-trans-a = 1: A is M-major (MN-major)
  bool transB = false;       ///< imm-trans-b = 1: B is N-major (MN-major)
  bool scaleD = true;        ///< false: D = A*B (input D ignored)
  int scaleA = 1;            ///< imm-scale-a, 1 or -1
  int scaleB = 1;
  WgmmaSumModel sum;         ///< the addition model (default: the emulator's)
};

/// Performs `op`. `acc` holds the warpgroup's f32 accumulators laid out
/// [thread 0..127][reg 0..n/2-1] (128*n/2 floats), read (if scaleD) and
/// written in place. Thread t = 32*w + l holds, for j in [0, n/8):
///   acc[t][4j+0] = D(16w + l/4,     8j + 2(l%4))
///   acc[t][4j+1] = D(16w + l/4,     8j + 2(l%4) + 1)
///   acc[t][4j+2] = D(16w + l/4 + 8, 8j + 2(l%4))
///   acc[t][4j+3] = D(16w + l/4 + 8, 8j + 2(l%4) + 1)
/// Each D(m, n) = wgmmaDot(op.sum, .., D (or 0), a(m, 0..15), b(0..15, n)):
/// by default, in increasing k, each product exact and added with one f32
/// rounding (a choice: hardware order/precision within k16 is unspecified).
/// `shared` holds the CTA's shared window: shared[0] at address
/// sharedBase, sharedSize bytes; a read outside it is an error.
std::string wgmmaF16(const WgmmaF16Op &op, const uint8_t *shared,
                     uint32_t sharedBase, uint32_t sharedSize, float *acc);

/// Byte address in shared memory of element (row, k) of a 16-bit operand
/// described by `d` (row in M or N, k in K of the k16 slice), for a
/// K-major (`mnMajor` false) or MN-major operand. Exposed for tests and
/// for the emulator's reports.
uint32_t wgmmaElementAddress(const MatrixDescriptor &d, bool mnMajor,
                             uint32_t row, uint32_t k);

/// Element (m, k) of A from the register fragment: thread and the index
/// 0..7 of the 16-bit element in its 4 registers.
void wgmmaAFragmentPosition(uint32_t m, uint32_t k, uint32_t &thread,
                            uint32_t &element);
/// Accumulator position of D(m, n): thread and register index.
void wgmmaAccumulatorPosition(uint32_t m, uint32_t n, uint32_t &thread,
                              uint32_t &reg);

} // namespace ggemm::emu::sem

#endif // GGEMM_LIB_EMULATOR_SEMANTICS_H
