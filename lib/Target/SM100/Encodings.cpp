//===- Encodings.cpp - sm_100a tcgen05 bit-level encoders -----------------===//
//
// Encoders and legality checks for the tcgen05 instruction descriptor
// (block-scaled kinds), the shared memory descriptor, Tensor Memory addresses
// and allocations, and the block16 scale-factor placement, written from the
// PTX ISA 9.1 text (section 9.7.16); see Encodings.h for the sources.
//
//===----------------------------------------------------------------------===//

#include "ggemm/Target/SM100/Encodings.h"

namespace ggemm::sm100 {

namespace {

/// `value` masked to `width` bits and moved to bit `lsb`.
uint32_t field32(uint32_t value, unsigned lsb, unsigned width) {
  return (value & ((1u << width) - 1u)) << lsb;
}

uint64_t field64(uint64_t value, unsigned lsb, unsigned width) {
  return (value & ((uint64_t{1} << width) - 1u)) << lsb;
}

bool is8Bit(ElemType t) { return t == ElemType::E4M3 || t == ElemType::E5M2; }

const char *kindName(BlockScaledKind kind) {
  switch (kind) {
  case BlockScaledKind::Mxf8f6f4:
    return ".kind::mxf8f6f4";
  case BlockScaledKind::Mxf4:
    return ".kind::mxf4";
  case BlockScaledKind::Mxf4Nvf4:
    return ".kind::mxf4nvf4";
  }
  return "?";
}

} // namespace

//===----------------------------------------------------------------------===//
// Instruction descriptor
//===----------------------------------------------------------------------===//

int elemTypeCode(BlockScaledKind kind, ElemType t) {
  if (kind != BlockScaledKind::Mxf8f6f4)
    // Table 44: the only A/B type of mxf4 and mxf4nvf4 is E2M1, coded 1.
    return t == ElemType::E2M1 ? 1 : -1;
  // Table 43: E4M3 = 0, E5M2 = 1, E2M3 = 3, E3M2 = 4, E2M1 = 5.
  switch (t) {
  case ElemType::E4M3:
    return 0;
  case ElemType::E5M2:
    return 1;
  case ElemType::E2M3:
    return 3;
  case ElemType::E3M2:
    return 4;
  case ElemType::E2M1:
    return 5;
  }
  return -1;
}

unsigned mmaK(BlockScaledKind kind, bool sparse) {
  // Table 39: mxf8f6f4 K = 32 dense / 64 sparse; mxf4, mxf4nvf4 K = 64 / 128.
  unsigned dense = kind == BlockScaledKind::Mxf8f6f4 ? 32 : 64;
  return sparse ? 2 * dense : dense;
}

uint32_t encodeInstrDescBlockScaled(const InstrDescBlockScaled &d) {
  // Tables 43 and 44 share every position; they differ in btype's width
  // (3 bits at 10-12 for mxf8f6f4, 2 bits at 10-11 with bit 12 reserved for
  // mxf4*), in the type codes, and in bit 31 (reserved / K=96 selector).
  // M is stored as M >> 7 in bits 27-28; bits 24-26 are reserved.
  int aCode = elemTypeCode(d.kind, d.aType);
  int bCode = elemTypeCode(d.kind, d.bType);
  unsigned bWidth = d.kind == BlockScaledKind::Mxf8f6f4 ? 3 : 2;
  uint32_t desc = 0;
  desc |= field32(d.sparse, 2, 1);
  desc |= field32(d.sfbId, 4, 2);
  desc |= field32(aCode < 0 ? 0 : static_cast<uint32_t>(aCode), 7, 3);
  desc |= field32(bCode < 0 ? 0 : static_cast<uint32_t>(bCode), 10, bWidth);
  desc |= field32(d.negateA, 13, 1);
  desc |= field32(d.negateB, 14, 1);
  desc |= field32(d.transposeA, 15, 1);
  desc |= field32(d.transposeB, 16, 1);
  desc |= field32(d.n >> 3, 17, 6);
  desc |= field32(static_cast<uint32_t>(d.scaleType), 23, 1);
  desc |= field32(d.m >> 7, 27, 2);
  desc |= field32(d.sfaId, 29, 2);
  return desc;
}

uint32_t InstrDescBlockScaled::encode() const {
  return encodeInstrDescBlockScaled(*this);
}

std::string verifyInstrDescBlockScaled(const InstrDescBlockScaled &d) {
  const std::string kind = kindName(d.kind);
  const bool mx8 = d.kind == BlockScaledKind::Mxf8f6f4;

  // Types (Tables 43/44).
  if (elemTypeCode(d.kind, d.aType) < 0 || elemTypeCode(d.kind, d.bType) < 0)
    return kind + " takes only E2M1 A and B";

  // Scale type and vector size (Tables 56 and 57): mxf8f6f4 and mxf4 take
  // UE8M0 with block32; mxf4nvf4 takes UE8M0 with block32 or block16, and
  // UE4M3 only with block16.
  if (d.scaleVec == ScaleVec::Block16 && d.kind != BlockScaledKind::Mxf4Nvf4)
    return ".block16 needs .kind::mxf4nvf4";
  if (d.scaleType == ScaleType::UE4M3 && d.kind != BlockScaledKind::Mxf4Nvf4)
    return kind + " needs UE8M0 scale factors";
  if (d.scaleType == ScaleType::UE4M3 && d.scaleVec != ScaleVec::Block16)
    return "UE4M3 scale factors need .block16";

  // Scale-factor ids (sections 9.7.16.10.7.2-3): 1X selects a byte (0-3),
  // 2X a half word (0 or 2), 4X the whole cell (0 only).
  if (d.sfaId > 3 || d.sfbId > 3)
    return "scale factor ids are 2-bit fields";
  if (d.scaleVec == ScaleVec::Block16 && (d.sfaId != 0 || d.sfbId != 0))
    return ".block16 needs SFA_ID = SFB_ID = 0";
  if (!mx8 && (d.sfaId % 2 != 0 || d.sfbId % 2 != 0))
    return kind + " .block32 needs SFA_ID and SFB_ID in {0, 2}";

  // Transpose (Table 51: not for mxf4*; Table 54: only 8-bit types may be
  // MN-major).
  if ((d.transposeA || d.transposeB) && !mx8)
    return kind + " does not support transpose";
  if ((d.transposeA && !is8Bit(d.aType)) || (d.transposeB && !is8Bit(d.bType)))
    return "only 8-bit types may be transposed";

  // Shapes (Table 39, block-scaled rows).
  if (d.ctaGroup == 1) {
    if (d.m != 128)
      return kind + " with .cta_group::1 needs M = 128";
    if (d.n < 8 || d.n > 256 || d.n % 8 != 0)
      return ".cta_group::1 needs N in 8..256, step 8";
  } else if (d.ctaGroup == 2) {
    if (d.sparse ? d.m != 256 : d.m != 128 && d.m != 256)
      return d.sparse ? "sparse .cta_group::2 needs M = 256"
                      : ".cta_group::2 needs M = 128 or 256";
    if (d.n < 16 || d.n > 256 || d.n % 16 != 0)
      return ".cta_group::2 needs N in 16..256, step 16";
  } else {
    return "cta_group must be 1 or 2";
  }
  return {};
}

//===----------------------------------------------------------------------===//
// Shared memory descriptor
//===----------------------------------------------------------------------===//

uint64_t encodeSmemDesc(const SmemDesc &d) {
  uint64_t desc = 0;
  desc |= field64(matrixDescriptorEncode(d.startAddress), 0, 14);
  desc |= field64(matrixDescriptorEncode(d.leadingByteOffset), 16, 14);
  desc |= field64(matrixDescriptorEncode(d.strideByteOffset), 32, 14);
  desc |= field64(0b001, 46, 3); // Fixed constant on sm_100 (Table 40).
  desc |= field64(d.baseOffset, 49, 3);
  desc |= field64(static_cast<uint64_t>(d.lboMode), 52, 1);
  // Bits 53-60: fixed constant 0.
  desc |= field64(static_cast<uint64_t>(d.swizzle), 61, 3);
  return desc;
}

uint64_t SmemDesc::encode() const { return encodeSmemDesc(*this); }

std::string verifySmemDesc(const SmemDesc &d) {
  // matrix-descriptor-encode keeps address bits 4-17, so anything in bits
  // 0-3 or 18-31 would be silently dropped.
  auto check = [](uint32_t v, const char *what) -> std::string {
    if (v % 16 != 0)
      return std::string(what) + " must be 16-byte aligned";
    if (v >= (1u << 18))
      return std::string(what) + " must be below 2^18";
    return {};
  };
  if (std::string e = check(d.startAddress, "matrix start address"); !e.empty())
    return e;
  if (std::string e = check(d.leadingByteOffset, "leading byte offset");
      !e.empty())
    return e;
  if (std::string e = check(d.strideByteOffset, "stride byte offset");
      !e.empty())
    return e;
  if (d.baseOffset > 7)
    return "base offset is a 3-bit field";
  // The field is 3 bits; codes 3, 5 and 7 are invalid (Table 40).
  uint8_t swizzle = static_cast<uint8_t>(d.swizzle);
  if (swizzle > 6 || swizzle == 3 || swizzle == 5)
    return "swizzle code must be 0, 1, 2, 4 or 6";
  if (d.lboMode != LboMode::Relative)
    return "absolute leading-dimension mode needs sm_103a";
  return {};
}

//===----------------------------------------------------------------------===//
// Tensor Memory
//===----------------------------------------------------------------------===//

bool isValidTmemAllocColumns(uint32_t cols) {
  bool powerOfTwo = cols != 0 && (cols & (cols - 1)) == 0;
  return powerOfTwo && cols >= 32 && cols <= kTmemColumns;
}

uint32_t tmemAllocColumnsFor(uint32_t neededColumns) {
  if (neededColumns > kTmemColumns)
    return 0;
  uint32_t cols = 32;
  while (cols < neededColumns)
    cols *= 2;
  return cols;
}

//===----------------------------------------------------------------------===//
// Block16 scale factors
//===----------------------------------------------------------------------===//

SfAtomPosition sfAtomPosition(uint32_t row, uint32_t kBlock) {
  SfAtomPosition p;
  p.smemByte = (row % 32) * 16 + (row / 32) * 4 + kBlock;
  p.column = row / 32;
  p.lane = row % 32;
  p.byteInCell = kBlock;
  return p;
}

SmemDesc sfAtomCopySmemDesc(uint32_t smemAddress) {
  SmemDesc d;
  d.startAddress = smemAddress;
  d.leadingByteOffset = 0;
  d.strideByteOffset = 8 * 16; // Next 8-row core matrix.
  d.swizzle = SmemSwizzle::None;
  return d;
}

uint32_t block16SfbColumnsPerMma(uint32_t n) {
  return kSfAtomColumns * ((n + kSfAtomRows - 1) / kSfAtomRows);
}

uint32_t block16SfColumns(uint32_t n, uint32_t kTile) {
  return (kTile / kBlock16MmaK) *
         (kBlock16SfaColumnsPerMma + block16SfbColumnsPerMma(n));
}

uint32_t block16SfaAtomColumn(const Block16SfLayout &l, uint32_t mma) {
  return l.sfaBaseColumn + mma * kBlock16SfaColumnsPerMma;
}

uint32_t block16SfbAtomColumn(const Block16SfLayout &l, uint32_t mma,
                              uint32_t nAtom) {
  return l.sfbBaseColumn + mma * block16SfbColumnsPerMma(l.n) +
         nAtom * kSfAtomColumns;
}

Block16MmaScaleOperands block16MmaScaleOperands(const Block16SfLayout &l,
                                                uint32_t mma) {
  // Lane 0: the factors are duplicated in every lane quarter, and the MMA
  // reads them from the operand's column onward.
  Block16MmaScaleOperands ops;
  ops.sfaTmemAddress = tmemAddress(0, block16SfaAtomColumn(l, mma));
  ops.sfbTmemAddress = tmemAddress(0, block16SfbAtomColumn(l, mma, 0));
  ops.sfaId = 0;
  ops.sfbId = 0;
  return ops;
}

std::string verifyBlock16SfLayout(const Block16SfLayout &l) {
  if (l.n < 8 || l.n > 256 || l.n % 8 != 0)
    return "N must be in 8..256, step 8";
  if (l.kTile == 0 || l.kTile % kBlock16MmaK != 0)
    return "K tile must be a positive multiple of 64";
  uint32_t mmas = l.kTile / kBlock16MmaK;
  uint32_t aEnd = l.sfaBaseColumn + mmas * kBlock16SfaColumnsPerMma;
  uint32_t bEnd = l.sfbBaseColumn + mmas * block16SfbColumnsPerMma(l.n);
  if (aEnd > kTmemColumns || bEnd > kTmemColumns)
    return "scale factors must fit in 512 columns";
  if (l.sfaBaseColumn < bEnd && l.sfbBaseColumn < aEnd)
    return "SFA and SFB columns overlap";
  return {};
}

} // namespace ggemm::sm100
