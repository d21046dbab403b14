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

/// One 16-byte piece (32 e2m1 codes of one row) at shared byte `src`.
Value SM90KernelBuilder::loadPiece(Value src) {
  return LLVM::LoadOp::create(b, loc, VectorType::get({4}, b.getI32Type()),
                              sharedPtr(src), /*alignment=*/16);
}

/// Half of a piece (8 bytes: 16 codes, one scale block) at shared byte
/// `src`.
Value SM90KernelBuilder::loadHalfPiece(Value src) {
  return LLVM::LoadOp::create(b, loc, VectorType::get({2}, b.getI32Type()),
                              sharedPtr(src), /*alignment=*/8);
}

/// Decodes `packed`, one 16-byte piece (loadPiece) or half of one
/// (loadHalfPiece), into four or two 16-byte f16 core-matrix rows at shared
/// byte `dst`, `dst` + 128, ...; the bytes of `scales` from bit `shift` on
/// scale its 16-element blocks (two, or one).
void SM90KernelBuilder::decodeChunk(Value packed, Value dst, Value scales,
                                    Value shift) {
  MLIRContext *ctx = b.getContext();
  int64_t numWords = cast<VectorType>(packed.getType()).getNumElements();
  auto words = VectorType::get({4}, b.getI32Type());
  auto halves = VectorType::get({2}, b.getF16Type());
  Value pairBits = arith::TruncIOp::create(
      b, loc, b.getI16Type(), arith::ShRUIOp::create(b, loc, scales, shift));
  Value pair = LLVM::BitcastOp::create(
      b, loc, VectorType::get({2}, b.getI8Type()), pairBits);
  Value scale2 = NVVM::ConvertF8x2ToF16x2Op::create(
      b, loc, halves, pair, b.getBoolAttr(false),
      TypeAttr::get(Float8E4M3FNType::get(ctx)));
  Value scaleOf[2] = {
      vector::ShuffleOp::create(b, loc, scale2, scale2,
                                ArrayRef<int64_t>{0, 0}),
      vector::ShuffleOp::create(b, loc, scale2, scale2,
                                ArrayRef<int64_t>{1, 1})};
  // Each byte of a word holds codes 2 i (low nibble) and 2 i + 1. The f16
  // of code s.eem is (s << 15) | (eem << 9): its low byte is zero and its
  // high byte is 2 n + 14 (n & 8) for the nibble n, computed for four codes
  // at once (no carries cross bytes); byte permutes put each beside a zero
  // byte. The row of eight f16 is codes 0 2 4 6 1 3 5 7 of the word.
  Value zero = i32(0);
  for (int64_t w = 0; w < numWords; ++w) {
    Value word = vector::ExtractOp::create(b, loc, packed, w);
    SmallVector<Value> out;
    for (int64_t high = 0; high < 2; ++high) {
      Value codes = arith::AndIOp::create(
          b, loc,
          high ? arith::ShRUIOp::create(b, loc, word, i32(4)).getResult()
               : word,
          i32(0x0F0F0F0F));
      Value signs = arith::AndIOp::create(b, loc, codes, i32(0x08080808));
      Value bytes = arith::AddIOp::create(
          b, loc, arith::ShLIOp::create(b, loc, codes, i32(1)),
          arith::MulIOp::create(b, loc, signs, i32(14)));
      for (int64_t selector : {0x1404, 0x3424}) {
        Value bits = NVVM::PermuteOp::create(
            b, loc, b.getI32Type(), bytes, zero, i32(selector),
            NVVM::PermuteModeAttr::get(ctx, NVVM::PermuteMode::DEFAULT));
        Value values = LLVM::BitcastOp::create(b, loc, halves, bits);
        Value scaled = arith::MulFOp::create(b, loc, values, scaleOf[w / 2]);
        out.push_back(LLVM::BitcastOp::create(b, loc, b.getI32Type(), scaled));
      }
    }
    Value row = vector::FromElementsOp::create(b, loc, words, out);
    LLVM::StoreOp::create(
        b, loc, row,
        sharedPtr(arith::AddIOp::create(b, loc, dst, idx(w * kCoreBytes))),
        /*alignment=*/16);
  }
}
