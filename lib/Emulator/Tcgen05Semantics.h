//===- Tcgen05Semantics.h - tcgen05 and Tensor Memory, as the ISA states -===//
//
// The pure semantics of the sm_100a tcgen05 instructions ggemm's kernels
// use, written from the PTX ISA (9.1, section 9.7.16 "TensorCore 5th
// Generation Family Instructions"; later revisions renumber it 9.7.17),
// its tables and figures. Nothing here includes or calls ggemm's encoders
// (include/ggemm/Target/SM100): the emulator must not grade the lowering's
// reading of the ISA by that same reading. Where the ISA text is silent
// and only a figure shows a layout, the function says so and
// docs/emulator.md ("tcgen05: what the emulator chose") says why.
//
//===----------------------------------------------------------------------===//

#ifndef GGEMM_LIB_EMULATOR_TCGEN05SEMANTICS_H
#define GGEMM_LIB_EMULATOR_TCGEN05SEMANTICS_H

#include <cstdint>
#include <string>

namespace ggemm::emu::sem {

//===----------------------------------------------------------------------===//
// Tensor Memory (9.7.16.1): 128 lanes x 512 columns of 32-bit cells per
// CTA on sm_100a. An address (9.7.16.1.1) holds the lane in bits 31-16 and
// the column in bits 15-0.
//===----------------------------------------------------------------------===//

constexpr uint32_t kTmemLanes = 128;
constexpr uint32_t kTmemColumns = 512;
inline uint32_t tmemLane(uint32_t address) { return address >> 16; }
inline uint32_t tmemColumn(uint32_t address) { return address & 0xFFFF; }

/// tcgen05.alloc / dealloc nCols (9.7.16.7.1): a power of two, 32 to 512.
bool validTmemAllocColumns(uint32_t nCols);

/// The lanes warp `warpInCta` may reach with tcgen05.ld / tcgen05.st
/// (9.7.16.8.1, "access restrictions"): warp w of a warpgroup reaches
/// lanes 32 * (w % 4) to 32 * (w % 4) + 31.
inline uint32_t tmemQuarterFirstLane(uint32_t warpInCta) {
  return 32 * (warpInCta % 4);
}

//===----------------------------------------------------------------------===//
// Shared memory descriptor (9.7.16.4.1, Table 40), 64 bits.
//===----------------------------------------------------------------------===//

struct Tcgen05SmemDesc {
  uint32_t startAddress = 0;      // bits 0-13, << 4
  uint32_t leadingByteOffset = 0; // bits 16-29, << 4
  uint32_t strideByteOffset = 0;  // bits 32-45, << 4
  uint32_t fixedConstant = 0;     // bits 46-48: must be 0b001
  uint32_t baseOffset = 0;        // bits 49-51
  bool lboAbsolute = false;       // bit 52 (sm_103a only)
  uint32_t bits53to60 = 0;        // fixed 0
  uint32_t reserved = 0;          // bits 14-15 and 30-31: 0
  uint32_t swizzle = 0;           // bits 61-63: 0 none, 1 128B with 32B
                                  // atomicity, 2 128B, 4 64B, 6 32B
};
Tcgen05SmemDesc decodeTcgen05SmemDesc(uint64_t desc);
/// "" when the descriptor is one the emulator models (every fixed field
/// as Table 40 requires, a defined swizzle code other than 128B-base32B,
/// base offset 0, relative LBO), else why not.
std::string checkTcgen05SmemDesc(const Tcgen05SmemDesc &d);
/// Swizzle span in bytes of a Table 40 swizzle code: 0, 32, 64, 128.
uint32_t tcgen05SwizzleSpan(uint32_t swizzleCode);
/// The shared address of byte `byte` (counted along K from the start
/// address) of row `row` of a K-major operand (9.7.16.3, "Shared Memory
/// Matrix Layout", canonical K-major layouts, in bytes):
///   no swizzle: row % 8 at 16 B, row / 8 at SBO, byte % 16 at 1,
///               byte / 16 at LBO (8 x 16-byte core matrices);
///   swizzled (span S): row % 8 at S, row / 8 at SBO, byte at 1 (byte < S);
/// then the swizzle XOR on the absolute address (base offset 0: the
/// pattern starts on its repeat boundary).
uint32_t tcgen05KMajorAddress(const Tcgen05SmemDesc &d, uint32_t row,
                              uint32_t byte);

//===----------------------------------------------------------------------===//
// Instruction descriptor of the block-scaled kinds (9.7.16.4.2, Table 44
// for .kind::mxf4 / .kind::mxf4nvf4), 32 bits.
//===----------------------------------------------------------------------===//

struct BlockScaledInstrDesc {
  uint32_t reserved = 0; // bits 0-1, 3, 6, 12, 24-26 (must be 0)
  bool sparse = false;   // bit 2
  uint32_t sfbId = 0;    // bits 4-5
  uint32_t atype = 0;    // bits 7-9
  uint32_t btype = 0;    // bits 10-11
  bool negateA = false, negateB = false;     // bits 13, 14
  bool transposeA = false, transposeB = false; // bits 15, 16
  uint32_t n = 0;        // bits 17-22, N >> 3
  uint32_t scaleType = 0; // bit 23: 0 UE4M3, 1 UE8M0
  uint32_t m = 0;        // bits 27-28, M >> 7
  uint32_t sfaId = 0;    // bits 29-30
  bool k96 = false;      // bit 31 (sm_103a only)
};
BlockScaledInstrDesc decodeBlockScaledInstrDesc(uint32_t desc);
/// "" when `d` is a valid descriptor of tcgen05.mma.cta_group::1
/// .kind::mxf4nvf4.block_scale.block16 (E2M1 A and B, UE4M3 scales,
/// ids 0, dense, K-major, no reserved bit set, M = 128 and, as Table 39
/// lists for the block-scaled kinds with .cta_group::1, N = 8..256 in
/// steps of 8 (CUTLASS's SM100_MMA_MXF4_SS asserts the same)), else why
/// not.
std::string checkMxf4nvf4Block16Desc(const BlockScaledInstrDesc &d);

//===----------------------------------------------------------------------===//
// Element formats of .kind::mxf4nvf4 (9.7.16.10.3 and "Alternate
// floating-point data formats").
//===----------------------------------------------------------------------===//

/// E2M1 value of the low 4 bits of `code` (no inf or NaN).
double e2m1Value(uint8_t code);
/// UE4M3 scale factor: an unsigned E4M3 (bias 7, subnormals, 0x7F NaN);
/// bit 7 of the byte is not part of the format and must be 0.
double ue4m3Value(uint8_t code);
/// The 4-bit element `k` of a packed K-major row: byte k / 2, the low
/// nibble for even k (sub-byte elements packed little-endian, the
/// element of lower index in the less significant bits).
inline uint8_t e2m1At(const uint8_t *row, uint32_t k) {
  uint8_t b = row[k / 2];
  return (k % 2) ? (b >> 4) : (b & 0xF);
}

/// One output element of tcgen05.mma .kind::mxf4nvf4 .block16 (K = 64,
/// 9.7.16.10.7.3: each row of A and column of B has 4 scale factors, one
/// per 16 consecutive K): d + sum_k A[k] SFA[k/16] B[k] SFB[k/16], with
/// d = 0 when !accumulate. `a`, `b`: 64 E2M1 codes each; `sfa`, `sfb`:
/// 4 UE4M3 codes each. The ISA leaves the summation order open; the
/// emulator sums the 64 scaled products exactly (each is exact in a
/// double and their sum spans fewer than 53 bits) and adds that to d
/// with one rounding to f32 (round to nearest even).
float mxf4nvf4Block16Dot(float d, bool accumulate, const uint8_t *a,
                         const uint8_t *sfa, const uint8_t *b,
                         const uint8_t *sfb, bool negateA, bool negateB);

/// The same computation in two steps, for a whole MMA: scaleBlock16Row
/// gives the 64 exact values code[k] * sf[k / 16] (negated when `negate`)
/// of one row of A or B, and dotScaledRows adds the products of two such
/// rows exactly to d with one rounding, as mxf4nvf4Block16Dot does.
void scaleBlock16Row(const uint8_t *codes, const uint8_t *sf, bool negate,
                     double *out);
float dotScaledRows(float d, bool accumulate, const double *x,
                    const double *y);

/// `d + s` rounded once to f32 (round to nearest even), for an exact
/// double `s`.
float addRoundedOnce(float d, double s);

//===----------------------------------------------------------------------===//
// Where data sits in Tensor Memory.
//===----------------------------------------------------------------------===//

/// Layout D of an M = 128, .cta_group::1 MMA with f32 accumulators
/// (9.7.16.10.5, "Matrix fragments", Layout D for M = 128): row m in lane
/// m, column n in column n of the accumulator address.
inline void accumulatorCell(uint32_t m, uint32_t n, uint32_t &lane,
                            uint32_t &column) {
  lane = m;
  column = n;
}

/// Where the MMA reads the 4 block16 scale factors of row `m` of A
/// (M = 128), relative to the scale-A address: lane m, column m / 32,
/// byte kb of the cell (little-endian) for K block kb. The ISA text says
/// only that the 4 factors of a row share one 32-bit cell and that scale
/// factors are duplicated to all four 32-lane partitions; the column per
/// 32 rows comes from the figures (9.7.16.10.7, scale factor A for
/// M = 128). Row m is read in its own partition (lane m), so a factor
/// that is not duplicated there is read unwritten.
inline void scaleACell(uint32_t m, uint32_t &lane, uint32_t &column) {
  lane = m;
  column = m / 32;
}
/// Where the data path of lane partition `p` (it computes rows 32p..32p+31
/// of D) reads the factors of row `n` of B: lane 32 p + n % 32, column
/// n / 32. The ISA's figures show N = 128 and N = 256 this way; the
/// emulator applies the same rule (a column per 32 rows of B) to every N
/// (docs/emulator.md says why and what will pin it).
inline void scaleBCell(uint32_t n, uint32_t p, uint32_t &lane,
                       uint32_t &column) {
  lane = 32 * p + n % 32;
  column = n / 32;
}

/// tcgen05.cp .32x128b (9.7.16.9.2, Figure "32x128b"): row i (0..31) of
/// the source, 16 bytes, goes to lane i, its bytes 4 j .. 4 j + 3 to
/// column j (j < 4) as one little-endian cell; .warpx4 also to lanes
/// i + 32, i + 64, i + 96. The source rows are read as a K-major matrix
/// of 16-byte rows through the descriptor (tcgen05KMajorAddress).
constexpr uint32_t kCp32x128bRows = 32;
constexpr uint32_t kCp32x128bColumns = 4;

} // namespace ggemm::emu::sem

#endif // GGEMM_LIB_EMULATOR_TCGEN05SEMANTICS_H
