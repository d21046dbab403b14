//===- SM90Wgmma.cpp - wgmma operands of the sm_90a kernel ----------------===//
//
// wgmma's shared-memory descriptors (the unswizzled K-major decode
// buffers, the 128B-swizzled token slots of predecoded tokens) and wgmma
// with A from registers (the weights decoded straight into wgmma's A
// fragments, and which of them make a k16 step's A: fragmentOf), used by
// the consumer loops in SM90Consumer.cpp and SM90TokenRing.cpp.
//
// Operands are swapped: wgmma's M side is the weights (B, 64 rows per
// warpgroup), its N side the tokens (A, the tile's 16 to 256 rows), so the
// accumulators hold C transposed and no token row is padded to 64.
//
//===----------------------------------------------------------------------===//

#include "SM90Kernel.h"

#include "ggemm/Target/Launch.h"

#include <array>

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"

using namespace mlir;
using namespace mlir::ggemm;
using namespace mlir::ggemm::sm90;

namespace {
/// A wgmma shared-memory descriptor: the start address of shared pointer
/// `ptr` (in 16-byte units, bits 0-13) or'ed with `fixed`, the leading and
/// stride byte offsets (16-byte units, bits 16-29 and 32-45) and the
/// layout type (bits 62-63).
Value matrixDescriptor(OpBuilder &b, Location loc, Value ptr, int64_t fixed) {
  Value addr = LLVM::PtrToIntOp::create(b, loc, b.getI64Type(), ptr);
  auto c64 = [&](int64_t v) {
    return arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(v));
  };
  Value start = arith::ShRUIOp::create(
      b, loc, arith::AndIOp::create(b, loc, addr, c64(0x3FFFF)), c64(4));
  return arith::OrIOp::create(b, loc, start, c64(fixed));
}
} // namespace

/// The wgmma shared-memory descriptor of the K-major, unswizzled operand at
/// shared byte `byteOffset`: leading byte offset (adjacent core matrices in
/// K) and stride byte offset (adjacent 8-row groups).
Value SM90KernelBuilder::descriptor(Value byteOffset) {
  return matrixDescriptor(
      b, loc, sharedPtr(byteOffset),
      ((kCoreBytes >> 4) << 16) | ((kRowGroupBytes >> 4) << 32));
}

/// The descriptor of a token slot's f16 tokens at shared byte `byteOffset`
/// (predecoded tokens, as TMA lands the box): K-major rows of 128 bytes,
/// 128B-swizzled (layout type 1), adjacent 8-row groups 1024 bytes apart
/// (stride byte offset; the leading byte offset is unused by this layout
/// and set to 1 as usual). The swizzle is a function of the address, so the
/// k16 steps inside a row are start addresses 32 bytes apart.
Value SM90KernelBuilder::tokenDescriptor(Value byteOffset) {
  int64_t rowGroupBytes = 8 * kTokenStepBytes;
  return matrixDescriptor(b, loc, sharedPtr(byteOffset),
                          (int64_t{1} << 16) | ((rowGroupBytes >> 4) << 32) |
                              (int64_t{1} << 62));
}

/// wgmma m64nMk16 (M: the tile's tokens) with A, the weights, from the
/// four 32-bit registers of `fragment` (f16 pairs) and B from shared memory
/// by `descB`, accumulating into `acc`. Upstream's nvvm.wgmma.mma_async takes
/// A by descriptor only, so this is its inline PTX with A's register form
/// (operands: the accumulators, tied; A; B's descriptor; scale-d on).
Value SM90KernelBuilder::wgmmaRegisterA(Value acc, ArrayRef<Value> fragment,
                                        Value descB) {
  auto accType = cast<LLVM::LLVMStructType>(acc.getType());
  int64_t n = accType.getBody().size();
  std::string constraints, accs;
  SmallVector<Value> operands(fragment.begin(), fragment.end());
  operands.push_back(descB);
  for (int64_t i = 0; i < n; ++i) {
    constraints += (i ? ",=f" : "=f");
    accs += (i ? ", $" : "$") + std::to_string(i);
  }
  constraints += ",r,r,r,r,l";
  for (int64_t i = 0; i < n; ++i) {
    constraints += "," + std::to_string(i);
    operands.push_back(LLVM::ExtractValueOp::create(b, loc, acc, i));
  }
  std::string ptx =
      "{\n.reg .pred p;\nsetp.ne.b32 p, 1, 0;\n"
      "wgmma.mma_async.sync.aligned.m64n" + std::to_string(2 * n) +
      "k16.f32.f16.f16 {" + accs + "}, {$" + std::to_string(n) + ", $" +
      std::to_string(n + 1) + ", $" + std::to_string(n + 2) + ", $" +
      std::to_string(n + 3) + "}, $" + std::to_string(n + 4) +
      ", p, 1, 1, 0;\n}";
  return LLVM::InlineAsmOp::create(b, loc, accType, operands, ptx,
                                   constraints, /*has_side_effects=*/true,
                                   /*is_align_stack=*/false,
                                   LLVM::tailcallkind::TailCallKind::None,
                                   LLVM::AsmDialectAttr(), ArrayAttr())
      .getResult(0);
}

/// The four A registers of k16 step `ks` from `pairs` (pairs[2 r + p]:
/// decodeFragmentPairs of fragment row r's piece p): K cores 2 ks and
/// 2 ks + 1 are words 2 j and 2 j + 1 of piece ks / 2, so the registers
/// (row, core) are (0, 2 ks), (1, 2 ks), (0, 2 ks + 1), (1, 2 ks + 1).
std::array<Value, 4>
sm90::fragmentOf(ArrayRef<SmallVector<Value, 4>> pairs, int64_t ks) {
  int64_t p = ks / 2, j = ks % 2;
  return {pairs[p][2 * j], pairs[2 + p][2 * j], pairs[p][2 * j + 1],
          pairs[2 + p][2 * j + 1]};
}
