//===- SM90Decode.cpp - e2m1 -> f16 decode, sm_90a kernel -----------------===//
//
// The consumer warpgroups' decode (see SM90Kernel.h and
// docs/sm90-kernel.md): a thread's scale bytes from global memory, its
// 16-byte pieces of packed e2m1 codes from the ring's stages, and their
// exact f16 values into the decode buffers wgmma reads.
//
// Exactness. Each packed e2m1 code e.m (3 magnitude bits) is moved into an
// f16's exponent/mantissa bits (code << 9), which is the e2m1 value times
// 2^-14 (subnormals included); times the e4m3 scale (converted exactly by
// cvt.f16x2.e4m3x2) it is a multiple of 2^-24 with at most 6 significant
// bits, so the f16 product is exact. wgmma multiplies two of them exactly
// into f32 (value x 2^-28) and accumulates in f32; the epilogue multiplies by
// 2^28. Only the order of the f32 additions differs from the CPU reference.
//
// K order. Within a decode step the K elements may sit in any order that
// both operands share: each 32-bit word of 8 codes n0..n7 becomes the f16
// row n0 n2 n4 n6 n1 n3 n5 n7 (byte arithmetic on four codes at once, then
// byte permutes), and the K tile's 16-byte pieces are taken j, j + 4 in
// step j, so that every thread's 8 scale bytes per K tile are contiguous.
//
//===----------------------------------------------------------------------===//

#include "SM90Kernel.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace mlir::ggemm;
using namespace mlir::ggemm::sm90;

/// The eight scale bytes of blocks [block, block + 8) of the scale row
/// starting at byte `row` of the matrix at global address `base`, as one
/// little-endian i64. With every K a multiple of 128 the rows are 8-byte
/// aligned and this is one load (blocks past the row clamped to its last
/// eight); otherwise eight byte loads, each clamped to the row's last
/// block. Clamped blocks only scale TMA's zero fill past K.
Value SM90KernelBuilder::loadScales(Value base, Value row, Value block,
                                    Value kBlocks) {
  auto global = LLVM::LLVMPointerType::get(b.getContext(), 1);
  auto at = [&](Value blockIndex) {
    Value offset =
        arith::IndexCastUIOp::create(b, loc, b.getI64Type(), blockIndex);
    Value addr = arith::AddIOp::create(
        b, loc, base, arith::AddIOp::create(b, loc, row, offset));
    return LLVM::IntToPtrOp::create(b, loc, global, addr).getResult();
  };
  bool aligned = llvm::all_of(problem.groups, [](const GroupShape &s) {
    return s.k % (8 * kScaleBlock) == 0;
  });
  if (aligned) {
    Value first = arith::MinUIOp::create(
        b, loc, block, arith::SubIOp::create(b, loc, kBlocks, idx(8)));
    return LLVM::LoadOp::create(b, loc, b.getI64Type(), at(first),
                                /*alignment=*/8);
  }
  Value last = arith::SubIOp::create(b, loc, kBlocks, idx(1));
  Value bytes = arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(0));
  for (int64_t i = 0; i < 8; ++i) {
    Value blockIndex = arith::MinUIOp::create(
        b, loc, arith::AddIOp::create(b, loc, block, idx(i)), last);
    Value byte = LLVM::LoadOp::create(b, loc, b.getI8Type(), at(blockIndex));
    Value wide = arith::ShLIOp::create(
        b, loc, arith::ExtUIOp::create(b, loc, b.getI64Type(), byte),
        arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(8 * i)));
    bytes = arith::OrIOp::create(b, loc, bytes, wide);
  }
  return bytes;
}

/// `bytes` (16, 8 or 4) of packed e2m1 codes at shared byte `src`: a whole
/// 16-byte piece (32 codes of one row, two scale blocks), half of one (one
/// block) or one 32-bit word (8 codes), as a vector of 32-bit words.
Value SM90KernelBuilder::loadCodes(Value src, int64_t bytes) {
  return LLVM::LoadOp::create(b, loc,
                              VectorType::get({bytes / 4}, b.getI32Type()),
                              sharedPtr(src), /*alignment=*/bytes);
}

namespace {
Value constI32(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantOp::create(b, loc, b.getI32IntegerAttr(v));
}
} // namespace

/// The f16 values of four codes (the low nibble of each byte of `codes`,
/// the other nibbles zero), times the pair of f16 scales `scale`, as two
/// f16 pairs in 32-bit words: the nibbles of bytes 0 and 1, then 2 and 3.
/// The f16 of code s.eem is (s << 15) | (eem << 9): its low byte is zero
/// and its high byte is 2 n + 14 (n & 8) for the nibble n, computed for the
/// four at once (no carries cross bytes); byte permutes put each beside a
/// zero byte.
std::pair<Value, Value> sm90::decodeFourCodes(OpBuilder &b, Location loc,
                                              Value codes, Value scale) {
  MLIRContext *ctx = b.getContext();
  auto halves = VectorType::get({2}, b.getF16Type());
  Value signs = arith::AndIOp::create(b, loc, codes, constI32(b, loc, 0x08080808));
  Value bytes = arith::AddIOp::create(
      b, loc, arith::ShLIOp::create(b, loc, codes, constI32(b, loc, 1)),
      arith::MulIOp::create(b, loc, signs, constI32(b, loc, 14)));
  Value out[2];
  for (int64_t i = 0; i < 2; ++i) {
    Value bits = NVVM::PermuteOp::create(
        b, loc, b.getI32Type(), bytes, constI32(b, loc, 0),
        constI32(b, loc, i ? 0x3424 : 0x1404),
        NVVM::PermuteModeAttr::get(ctx, NVVM::PermuteMode::DEFAULT));
    Value values = LLVM::BitcastOp::create(b, loc, halves, bits);
    Value scaled = arith::MulFOp::create(b, loc, values, scale);
    out[i] = LLVM::BitcastOp::create(b, loc, b.getI32Type(), scaled);
  }
  return {out[0], out[1]};
}

/// The two f16 scales of the bytes of `scales` at bits [shift, shift + 16),
/// each as a pair of equal f16 (cvt.rn.f16x2.e4m3x2 is exact).
std::pair<Value, Value> sm90::scalePairs(OpBuilder &b, Location loc,
                                         Value scales, Value shift) {
  MLIRContext *ctx = b.getContext();
  auto halves = VectorType::get({2}, b.getF16Type());
  Value pairBits = arith::TruncIOp::create(
      b, loc, b.getI16Type(), arith::ShRUIOp::create(b, loc, scales, shift));
  Value pair = LLVM::BitcastOp::create(
      b, loc, VectorType::get({2}, b.getI8Type()), pairBits);
  Value scale2 = NVVM::ConvertF8x2ToF16x2Op::create(
      b, loc, halves, pair, b.getBoolAttr(false),
      TypeAttr::get(Float8E4M3FNType::get(ctx)));
  return {vector::ShuffleOp::create(b, loc, scale2, scale2,
                                    ArrayRef<int64_t>{0, 0}),
          vector::ShuffleOp::create(b, loc, scale2, scale2,
                                    ArrayRef<int64_t>{1, 1})};
}

/// The 16-byte f16 row of the 32-bit word of 8 codes `word`, scaled by the
/// f16 pair `scale`: codes 0 2 4 6 1 3 5 7, as four 32-bit words.
Value sm90::decodeWord(OpBuilder &b, Location loc, Value word, Value scale) {
  SmallVector<Value> out;
  for (int64_t high = 0; high < 2; ++high) {
    Value codes = arith::AndIOp::create(
        b, loc,
        high ? arith::ShRUIOp::create(b, loc, word, constI32(b, loc, 4))
                   .getResult()
             : word,
        constI32(b, loc, 0x0F0F0F0F));
    auto [lo, hi] = decodeFourCodes(b, loc, codes, scale);
    out.append({lo, hi});
  }
  return vector::FromElementsOp::create(
      b, loc, VectorType::get({4}, b.getI32Type()), out);
}

/// Decodes `packed` (loadCodes: 4, 2 or 1 words of 8 codes) into as many
/// 16-byte f16 core-matrix rows at shared byte `dst`, `dst` + 128, ...;
/// the bytes of `scales` from bit `shift` on scale its 16-element blocks
/// (words 0-1 by the first byte, 2-3 by the second). The row of eight f16
/// is codes 0 2 4 6 1 3 5 7 of the word.
void SM90KernelBuilder::decodeChunk(Value packed, Value dst, Value scales,
                                    Value shift) {
  int64_t numWords = cast<VectorType>(packed.getType()).getNumElements();
  auto [scale0, scale1] = scalePairs(b, loc, scales, shift);
  for (int64_t w = 0; w < numWords; ++w) {
    Value word = vector::ExtractOp::create(b, loc, packed, w);
    Value row = decodeWord(b, loc, word, w < 2 ? scale0 : scale1);
    LLVM::StoreOp::create(
        b, loc, row,
        sharedPtr(arith::AddIOp::create(b, loc, dst, idx(w * kCoreBytes))),
        /*alignment=*/16);
  }
}

/// Decodes half of the 32-bit word `packed` (loadCodes of 4 bytes): the
/// four codes in its low nibbles (`nibbleShift` 0) or high nibbles (4),
/// which are the first or second 8 bytes of the word's f16 row (codes 0 2 4
/// 6, or 1 3 5 7), into the 8 bytes at shared byte `dst`, scaled by the
/// byte of `scales` at bit `shift`.
void SM90KernelBuilder::decodeHalfWord(Value packed, Value nibbleShift,
                                       Value dst, Value scales, Value shift) {
  Value word = vector::ExtractOp::create(b, loc, packed, 0);
  Value codes = arith::AndIOp::create(
      b, loc, arith::ShRUIOp::create(b, loc, word, nibbleShift),
      i32(0x0F0F0F0F));
  auto [lo, hi] =
      decodeFourCodes(b, loc, codes, scalePairs(b, loc, scales, shift).first);
  Value half = vector::FromElementsOp::create(
      b, loc, VectorType::get({2}, b.getI32Type()), ValueRange{lo, hi});
  LLVM::StoreOp::create(b, loc, half, sharedPtr(dst), /*alignment=*/8);
}

/// The weight values this thread holds in wgmma's A fragments, from the
/// 16-byte piece `packed` of one of its rows. The fragments keep the K order
/// of the shared buffers (K core 4 piece + w is word w's f16 row, codes
/// 0 2 4 6 1 3 5 7), and thread t = lane % 4 holds elements 2 t and 2 t + 1
/// of every core of its rows: the codes of bytes 2 (t % 2) and 2 (t % 2) + 1
/// of each word, low nibbles for t < 2, high for t >= 2. `select` (a prmt
/// selector) gathers those two bytes of words 2 j and 2 j + 1 into one
/// register and `nibbleShift` moves their nibbles down, so one
/// decodeFourCodes serves two words. Returns word 0's pair, word 1's, word
/// 2's, word 3's, scaled by the piece's first (words 0-1) or second (2-3)
/// scale byte at bit `shift` of `scales`.
SmallVector<Value, 4>
SM90KernelBuilder::decodeFragmentPairs(Value packed, Value select,
                                       Value nibbleShift, Value scales,
                                       Value shift) {
  MLIRContext *ctx = b.getContext();
  auto [scale0, scale1] = scalePairs(b, loc, scales, shift);
  SmallVector<Value, 4> pairs;
  for (int64_t j = 0; j < 2; ++j) {
    Value first = vector::ExtractOp::create(b, loc, packed, 2 * j);
    Value second = vector::ExtractOp::create(b, loc, packed, 2 * j + 1);
    Value both = NVVM::PermuteOp::create(
        b, loc, b.getI32Type(), first, second, select,
        NVVM::PermuteModeAttr::get(ctx, NVVM::PermuteMode::DEFAULT));
    Value codes = arith::AndIOp::create(
        b, loc, arith::ShRUIOp::create(b, loc, both, nibbleShift),
        i32(0x0F0F0F0F));
    auto [low, high] = decodeFourCodes(b, loc, codes, j ? scale1 : scale0);
    pairs.append({low, high});
  }
  return pairs;
}
