//===- Encodings.h - sm_100a tcgen05 bit-level encoders ---------*- C++ -*-===//
//
// Pure C++ encoders for the bit-level formats that the sm_100a tcgen05 lowering
// of block-scaled (NVFP4) GEMMs needs, each written from the PTX ISA text.
//
// Source: PTX ISA 9.1, section 9.7.16 "TensorCore 5th Generation Family
// Instructions". Section and table numbers below are those of 9.1; later
// revisions renumber them (e.g. 9.7.17.x, "Table 47" for Table 44) without
// changing the bit layouts used here. docs/sm100-encodings.md lists every
// field with its bits, its source and how it was checked.
//
// Every encoder is total: it masks each field to its width, so a bad value
// cannot spill into a neighbouring field, but it does not judge legality.
// The matching verify*() function does, returning an empty string for a
// legal input and otherwise a one-line reason.
//
//===----------------------------------------------------------------------===//

#ifndef GGEMM_TARGET_SM100_ENCODINGS_H
#define GGEMM_TARGET_SM100_ENCODINGS_H

#include <cstdint>
#include <string>

namespace ggemm::sm100 {

//===----------------------------------------------------------------------===//
// Instruction descriptor of the block-scaled MMA kinds
//===----------------------------------------------------------------------===//

/// The block-scaled `.kind` of tcgen05.mma; each has its own descriptor table.
enum class BlockScaledKind : uint8_t { Mxf8f6f4, Mxf4, Mxf4Nvf4 };

/// Element types of A and B. Their descriptor codes depend on the kind
/// (E2M1 is 5 under mxf8f6f4 but 1 under mxf4/mxf4nvf4), see elemTypeCode().
enum class ElemType : uint8_t { E4M3, E5M2, E2M3, E3M2, E2M1 };

/// Scale-factor type; the enumerator values are the bit-23 codes.
enum class ScaleType : uint8_t { UE4M3 = 0, UE8M0 = 1 };

/// The `.blockN` qualifier of the MMA (not encoded in the descriptor, but it
/// decides which scale types and scale-factor ids are legal). Block32 means
/// `.scale_vec::1X` for mxf8f6f4 and `.scale_vec::2X` for mxf4/mxf4nvf4;
/// Block16 means `.scale_vec::4X` (mxf4nvf4 only).
enum class ScaleVec : uint8_t { Block32, Block16 };

/// The 32-bit instruction descriptor of tcgen05.mma for the block-scaled
/// kinds: PTX ISA 9.1 section 9.7.16.4.2, Table 43 (.kind::mxf8f6f4) and
/// Table 44 (.kind::mxf4, .kind::mxf4nvf4). There is no D-type field (D is
/// always f32) and no `.ws` max-shift field (`.ws` is invalid for these kinds).
struct InstrDescBlockScaled {
  BlockScaledKind kind = BlockScaledKind::Mxf4Nvf4;
  /// `.cta_group::1` or `::2`: not encoded, used to check M and N (Table 39).
  unsigned ctaGroup = 1;
  ScaleVec scaleVec = ScaleVec::Block16;  ///< Not encoded, see ScaleVec.
  bool sparse = false;                    ///< Bit 2.
  unsigned sfbId = 0;                     ///< Bits 4-5, Scale Factor B ID.
  ElemType aType = ElemType::E2M1;        ///< Bits 7-9.
  ElemType bType = ElemType::E2M1;        ///< Bits 10-11 (10-12 for mxf8f6f4).
  bool negateA = false;                   ///< Bit 13.
  bool negateB = false;                   ///< Bit 14.
  bool transposeA = false;                ///< Bit 15 (A MN-major).
  bool transposeB = false;                ///< Bit 16 (B MN-major).
  unsigned n = 128;                       ///< Bits 17-22 hold N >> 3.
  ScaleType scaleType = ScaleType::UE4M3; ///< Bit 23.
  unsigned m = 128;                       ///< Bits 27-28 hold M >> 7.
  unsigned sfaId = 0;                     ///< Bits 29-30, Scale Factor A ID.
  // Bit 31 (Table 44 "K Dimension", 1 = dense K=96) is always 0: K=96 exists
  // only on sm_103a (section 9.7.16.2.1.1), so it is not a field here.

  uint32_t encode() const;
};

/// Descriptor code of `t` under `kind` (Tables 43/44), or -1 if the kind does
/// not accept the type.
int elemTypeCode(BlockScaledKind kind, ElemType t);

/// The MMA's K, implied by kind and sparsity (Table 39): 32/64 for
/// mxf8f6f4, 64/128 for mxf4 and mxf4nvf4 (dense/sparse).
unsigned mmaK(BlockScaledKind kind, bool sparse);

/// Packs `d` per Table 43/44. Does not check legality: see verify below.
uint32_t encodeInstrDescBlockScaled(const InstrDescBlockScaled &d);

/// Empty when `d` is a legal sm_100a block-scaled MMA, else the reason.
/// Checks Table 39 (shapes per kind/cta_group/sparsity), Tables 43/44 (type
/// codes, id ranges), Table 51 and Table 54 (transpose), Tables 56/57 and
/// sections 9.7.16.10.7.2-3 (scale type, vector size and scale-factor ids).
std::string verifyInstrDescBlockScaled(const InstrDescBlockScaled &d);

//===----------------------------------------------------------------------===//
// Shared memory descriptor
//===----------------------------------------------------------------------===//

/// Swizzling mode, bits 61-63; the enumerator values are the ISA codes
/// (3, 5 and 7 are invalid).
enum class SmemSwizzle : uint8_t {
  None = 0,
  B128Base32B = 1, ///< 128-Byte swizzling with 32B atomicity.
  B128 = 2,
  B64 = 4,
  B32 = 6,
};

/// Bit 52: how bits 16-29 are read. Absolute mode is for 48-byte K tiles
/// and exists only on sm_103a (section 9.7.16.4.1.1).
enum class LboMode : uint8_t { Relative = 0, Absolute = 1 };

/// The 64-bit shared memory descriptor of tcgen05.mma and tcgen05.cp:
/// PTX ISA 9.1 section 9.7.16.4.1, Table 40. Addresses and offsets are in
/// bytes; encode() applies matrix-descriptor-encode(x) = (x & 0x3FFFF) >> 4.
struct SmemDesc {
  uint32_t startAddress = 0;      ///< Bits 0-13, shared::cta byte address.
  uint32_t leadingByteOffset = 0; ///< Bits 16-29 (LBO, section 9.7.16.3.1).
  uint32_t strideByteOffset = 0;  ///< Bits 32-45 (SBO, section 9.7.16.3.2).
  // Bits 46-48 hold the fixed constant 0b001; encode() always sets it.
  uint8_t baseOffset = 0; ///< Bits 49-51, see smemDescBaseOffset().
  LboMode lboMode = LboMode::Relative; ///< Bit 52.
  // Bits 53-60 hold the fixed constant 0 (the ISA prints "0xb00000000").
  SmemSwizzle swizzle = SmemSwizzle::None; ///< Bits 61-63.

  uint64_t encode() const;
};

/// matrix-descriptor-encode(x) = (x & 0x3FFFF) >> 4 (below Table 40).
inline uint64_t matrixDescriptorEncode(uint32_t x) {
  return (x & 0x3FFFFu) >> 4;
}

/// Base offset for a swizzle pattern that starts at `patternStartAddr`:
/// (addr >> 7) & 7 (text after Table 41). It is 0 when the pattern starts on
/// the mode's boundary (1024/512/256 bytes for 128B/64B/32B swizzling).
inline uint8_t smemDescBaseOffset(uint32_t patternStartAddr) {
  return static_cast<uint8_t>((patternStartAddr >> 7) & 0x7u);
}

/// Packs `d` per Table 40. Does not check legality: see verify below.
uint64_t encodeSmemDesc(const SmemDesc &d);

/// Empty when `d` is legal on sm_100a, else the reason: start address, LBO
/// and SBO 16-byte aligned and below 2^18 (so matrix-descriptor-encode loses
/// nothing), base offset in 0-7, a defined swizzle code, relative LBO mode.
std::string verifySmemDesc(const SmemDesc &d);

//===----------------------------------------------------------------------===//
// Tensor Memory addressing and allocation
//===----------------------------------------------------------------------===//

/// Tensor Memory of one CTA on sm_100a: 128 lanes x 512 columns of 32-bit
/// cells (section 9.7.16.1).
constexpr uint32_t kTmemLanes = 128;
constexpr uint32_t kTmemColumns = 512;

/// A Tensor Memory address: lane in bits 31-16, column in bits 15-0
/// (section 9.7.16.1.1 "Tensor Memory Addressing").
inline uint32_t tmemAddress(uint32_t lane, uint32_t column) {
  return ((lane & 0xFFFFu) << 16) | (column & 0xFFFFu);
}
inline uint32_t tmemLaneOf(uint32_t addr) { return addr >> 16; }
inline uint32_t tmemColumnOf(uint32_t addr) { return addr & 0xFFFFu; }

/// First lane that warp `warpId` may reach with tcgen05.ld/st: warp w of a
/// warpgroup owns lanes 32*(w%4) .. 32*(w%4)+31 (section 9.7.16.8.1).
inline uint32_t tmemLaneBaseForWarp(uint32_t warpId) {
  return 32 * (warpId % 4);
}

/// tcgen05.alloc's nCols rule: a power of two in [32, 512]
/// (section 9.7.16.7.1; also 9.7.16.1.2).
bool isValidTmemAllocColumns(uint32_t cols);

/// Smallest legal nCols holding `neededColumns` (32 for 0), or 0 when more
/// than 512 columns are needed.
uint32_t tmemAllocColumnsFor(uint32_t neededColumns);

/// Columns taken by `count` f32 accumulators of an M=128 `.cta_group::1`
/// MMA with N columns: Layout D (section 9.7.16.10.5.4) puts row m in lane m
/// and element (m, n) in column n, one 32-bit cell each, so N columns each.
inline uint32_t tmemAccumulatorColumns(uint32_t n, uint32_t count) {
  return n * count;
}

//===----------------------------------------------------------------------===//
// Block16 (NVFP4) scale factors in Tensor Memory
//===----------------------------------------------------------------------===//
//
// What the ISA text states (sections 9.7.16.10.7 and 9.7.16.9.2):
//  * with `.block16` (= `.scale_vec::4X`, K=64) each row of A and each column
//    of B has 4 scale factors held in one "4-byte aligned sub-column", i.e.
//    one 32-bit Tensor Memory cell, and SFA_ID and SFB_ID must be 0;
//  * scale factors must be duplicated to all 32-lane partitions;
//  * tcgen05.cp `.32x128b.warpx4` copies 32 rows x 128 bits and multicasts
//    them to all four warps' lane quarters.
//
// Assumed layout (from Figures 233/242, which are images, read together with
// the CUTLASS Sm1xxBlockScaledConfig atom; not stated in the ISA text): a
// "scale atom" covers 128 rows (of A's M, or B's N) x 4 K-blocks of 16
// elements. In shared memory it is 512 contiguous bytes, row r's factor for
// K-block kb at byte (r % 32) * 16 + (r / 32) * 4 + kb. One
// tcgen05.cp.32x128b.warpx4 to column c puts it in columns c..c+3: lane
// r % 32 (and its copies at +32, +64, +96), column c + r / 32, byte kb of the
// little-endian cell. An MMA with N columns reads ceil(N / 32) consecutive
// SFB columns and, for M=128, 4 SFA columns, starting at its scale-B-tmem /
// scale-A-tmem operand (lane 0).

/// Rows and K-blocks of one scale atom, and its size in bytes and columns.
constexpr uint32_t kSfAtomRows = 128;
constexpr uint32_t kSfAtomKBlocks = 4;
constexpr uint32_t kSfAtomBytes = 512;
constexpr uint32_t kSfAtomColumns = 4;
/// Elements per block16 scale factor, and K of one mxf4nvf4 dense MMA.
constexpr uint32_t kBlock16Size = 16;
constexpr uint32_t kBlock16MmaK = 64;

/// Where the scale factor of row `row` (< 128) and K-block `kBlock` (< 4)
/// of one atom lives, in shared memory and after the copy to Tensor Memory.
struct SfAtomPosition {
  uint32_t smemByte;   ///< Byte offset inside the 512-byte atom.
  uint32_t column;     ///< Column offset from the atom's first column.
  uint32_t lane;       ///< Lane in the first 32-lane quarter (copied to all).
  uint32_t byteInCell; ///< Byte of the 32-bit cell (0 = bits 7-0).
};
SfAtomPosition sfAtomPosition(uint32_t row, uint32_t kBlock);

/// Source descriptor for tcgen05.cp.32x128b.warpx4 of one atom at shared
/// address `smemAddress`: 32 rows of 16 bytes, unswizzled, i.e. core matrices
/// of 8 rows x 16 bytes stacked every 128 bytes (SBO = 128; a single 16-byte
/// column, so LBO is unused and left 0).
SmemDesc sfAtomCopySmemDesc(uint32_t smemAddress);

/// Placement of the block16 scale factors of one K tile (of `kTile`
/// elements, a multiple of 64) for M=128 `.cta_group::1` MMAs of width `n`.
/// MMA k (K-block 4k..4k+3 of the tile) reads SFA from columns
/// sfaBaseColumn + 4k .. +3, and SFB from
/// sfbBaseColumn + k * sfbColumnsPerMma(n) onward, where B's atoms for one
/// MMA sit side by side (N atom 0, then N atom 1) so the MMA sees
/// ceil(N / 32) consecutive columns.
struct Block16SfLayout {
  uint32_t n = 128;
  uint32_t kTile = 256;
  uint32_t sfaBaseColumn = 0;
  uint32_t sfbBaseColumn = 0;
};

/// SFA columns one MMA uses: 128 rows / 32 lanes = 4.
constexpr uint32_t kBlock16SfaColumnsPerMma = 4;
/// SFB columns reserved per MMA: whole atoms, 4 * ceil(n / 128).
uint32_t block16SfbColumnsPerMma(uint32_t n);
/// SFA plus SFB columns a K tile needs.
uint32_t block16SfColumns(uint32_t n, uint32_t kTile);

/// First Tensor Memory column of the atom that tcgen05.cp fills for MMA
/// `mma`'s A factors, and for its B factors of N rows 128*nAtom onward.
uint32_t block16SfaAtomColumn(const Block16SfLayout &l, uint32_t mma);
uint32_t block16SfbAtomColumn(const Block16SfLayout &l, uint32_t mma,
                              uint32_t nAtom);

/// The scale operands of MMA `mma` (0-based, K offset 64 * mma in the tile):
/// the scale-A-tmem / scale-B-tmem addresses and the descriptor id fields.
struct Block16MmaScaleOperands {
  uint32_t sfaTmemAddress;
  uint32_t sfbTmemAddress;
  unsigned sfaId; ///< Always 0 for block16 (section 9.7.16.10.7.2.3).
  unsigned sfbId; ///< Always 0 for block16 (section 9.7.16.10.7.3.3).
};
Block16MmaScaleOperands block16MmaScaleOperands(const Block16SfLayout &l,
                                                uint32_t mma);

/// Empty when `l` is usable, else the reason: N in 8..256 step 8, kTile a
/// positive multiple of 64, both column ranges inside 512 and disjoint.
std::string verifyBlock16SfLayout(const Block16SfLayout &l);

} // namespace ggemm::sm100

#endif // GGEMM_TARGET_SM100_ENCODINGS_H
