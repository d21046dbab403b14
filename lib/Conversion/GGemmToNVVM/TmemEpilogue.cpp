//===- TmemEpilogue.cpp - the epilogue warps of sm_100a -------------------===//
//
// tcgen05.ld of a TMEM accumulator row, alpha, f16 into shared memory, one
// bulk copy of the row into C (see SM100Kernel.h).
//
//===----------------------------------------------------------------------===//

#include "SM100Kernel.h"

#include "ggemm/Target/SM100/Encodings.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace mlir::ggemm;
namespace sm100 = ::ggemm::sm100;
using namespace mlir::ggemm::sm100kernel;

//===----------------------------------------------------------------------===//
// Epilogue (warps 2-5)
//===----------------------------------------------------------------------===//

/// `values` (the registers of a tcgen05.ld) as values defined at this
/// point, after the tcgen05.wait::ld just emitted: an empty inline asm with
/// side effects that takes each register and gives it back (CUDA's
/// `asm volatile("" : "+r"(x))`). Under the strict reading of the PTX ISA
/// a tcgen05.ld's destination registers are defined only once
/// tcgen05.wait::ld returns; CUTLASS's epilogue reads them earlier (the
/// register dependency orders the read). Upstream's tcgen05.ld op yields
/// values LLVM treats as ready at once, so without this LLVM schedules some
/// first uses above the wait (test_02, test_07; docs/emulator.md,
/// "Findings"). With it the kernel is right under both readings, at no
/// cost: the asm is empty, and a side-effecting asm is not moved across
/// the wait.
static Value emitDefinedAfterWait(OpBuilder &b, Location loc, Value values) {
  auto type = cast<VectorType>(values.getType());
  int64_t n = type.getDimSize(0);
  SmallVector<Value> words;
  SmallVector<Type> wordTypes(n, type.getElementType());
  std::string constraints;
  for (int64_t i = 0; i < n; ++i) {
    words.push_back(
        vector::ExtractOp::create(b, loc, values, ArrayRef<int64_t>{i}));
    constraints += (i ? ",=r" : "=r");
  }
  for (int64_t i = 0; i < n; ++i)
    constraints += "," + std::to_string(i);
  auto structType =
      LLVM::LLVMStructType::getLiteral(b.getContext(), wordTypes);
  Value out =
      LLVM::InlineAsmOp::create(b, loc, structType, words, /*asm_string=*/"",
                                constraints, /*has_side_effects=*/true,
                                /*is_align_stack=*/false,
                                LLVM::tailcallkind::TailCallKind::None,
                                LLVM::AsmDialectAttr(), ArrayAttr())
          .getResult(0);
  SmallVector<Value> defined;
  for (int64_t i = 0; i < n; ++i)
    defined.push_back(LLVM::ExtractValueOp::create(b, loc, out, i));
  return vector::FromElementsOp::create(b, loc, type, defined);
}

void SM100KernelBuilder::emitEpilogueTile(const GroupFacts &g, Value rowBase,
                                          Value m0, Value n0, Value slot) {
  Value t = loadCounter(tileIter);
  RingPosition accumulator = ringPosition(t, 2);
  Value buffer = accumulator.index;
  waitParity(accFullBarrier(buffer), accumulator.phase);
  NVVM::Tcgen05FenceOp::create(b, loc,
                               NVVM::Tcgen05FenceKind::AFTER_THREAD_SYNC);

  // Warp w reaches TMEM lanes 32 (w % 4) .. + 31: its lane l holds row
  // 32 (w % 4) + l of the accumulator, one f32 column per cell.
  Value quarter = arith::RemUIOp::create(b, loc, warp, idx(4));
  Value rowInTile = arith::AddIOp::create(
      b, loc, arith::MulIOp::create(b, loc, quarter, idx(32)), lane);
  Value laneBits = toI32(arith::MulIOp::create(
      b, loc, quarter, idx(32 * 65536))); // lane 32 q in bits 31-16
  Value rowAddr = arith::AddIOp::create(
      b, loc, arith::AddIOp::create(b, loc, tmemBase, laneBits),
      toI32(arith::MulIOp::create(b, loc, buffer, idx(plan.tileN))));
  // The row in power-of-two pieces of at most 128 columns (tcgen05.ld
  // .32x32b.x16 .. .x128).
  SmallVector<std::pair<int64_t, Value>> pieces; // (first column, values)
  for (int64_t col = 0, left = plan.tileN; left > 0;) {
    int64_t width = 128;
    while (width > left)
      width /= 2;
    Value addr = arith::AddIOp::create(b, loc, rowAddr, i32(col));
    Value v = NVVM::Tcgen05LdOp::create(
        b, loc, VectorType::get({width}, b.getI32Type()), /*pack=*/false,
        NVVM::Tcgen05LdStShape::SHAPE_32X32B, tmemPtr(addr), Value());
    pieces.push_back({col, v});
    col += width;
    left -= width;
  }
  NVVM::Tcgen05WaitOp::create(b, loc, NVVM::Tcgen05WaitKind::LOAD);
  // The registers are defined only once tcgen05.wait::ld returns; no use of
  // them may come before it.
  for (auto &[col, values] : pieces)
    values = emitDefinedAfterWait(b, loc, values);
  NVVM::Tcgen05FenceOp::create(b, loc,
                               NVVM::Tcgen05FenceKind::BEFORE_THREAD_SYNC);
  NVVM::MBarrierArriveOp::create(b, loc, Type(), accEmptyBarrier(buffer),
                                 Value());
  storeCounter(tileIter, arith::AddIOp::create(b, loc, t, idx(1)));

  Value row = arith::AddIOp::create(b, loc, m0, rowInTile);
  Value rowOk =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, row, g.m);
  if (slot) {
    // Split-K: the f32 row, without alpha, into the tile's workspace slot,
    // for the reduction after the grid barrier (16-byte stores: a warp's
    // store of one column quad covers 512 contiguous bytes).
    Value stored = arith::AndIOp::create(
        b, loc, rowOk,
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, slot,
                              emitWorkspaceTiles(b, loc, problem, g)));
    bool nTail = llvm::any_of(problem.groups, [&](const GroupShape &s) {
      return s.n % plan.tileN != 0;
    });
    ifThen(stored, [&] {
      Value workspace = emitWorkspaceBase(b, loc, params);
      Value columns = arith::SubIOp::create(b, loc, g.n, n0);
      // A split without K tiles (K shorter than split_k tiles) issued no
      // MMA: its partial is zero, not the accumulator's stale contents.
      auto f32x4 = VectorType::get({4}, b.getF32Type());
      Value empty = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                          g.kTiles, idx(0));
      Value zeros = arith::ConstantOp::create(
          b, loc, f32x4, DenseElementsAttr::get(f32x4, 0.0f));
      for (auto [col0, values] : pieces) {
        int64_t width = cast<VectorType>(values.getType()).getDimSize(0);
        for (int64_t c = 0; c < width; c += 4) {
          auto store = [&] {
            Value words = LLVM::ShuffleVectorOp::create(
                b, loc, values, values,
                ArrayRef<int32_t>{int32_t(c), int32_t(c + 1), int32_t(c + 2),
                                  int32_t(c + 3)});
            Value address = emitPartialAddress(b, loc, problem, workspace,
                                               slot, rowInTile, idx(col0 + c));
            LLVM::StoreOp::create(
                b, loc,
                arith::SelectOp::create(
                    b, loc, empty, zeros,
                    arith::BitcastOp::create(b, loc, f32x4, words)),
                LLVM::IntToPtrOp::create(
                    b, loc, LLVM::LLVMPointerType::get(b.getContext(), 1),
                    address),
                /*alignment=*/16);
          };
          // Columns past N (a multiple of 8) only in an N tail.
          if (!nTail) {
            store();
            continue;
          }
          ifThen(arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult,
                                       idx(col0 + c), columns),
                 store);
        }
      }
    });
    return;
  }

  // Rows inside the group: alpha and f16 into the thread's row of the
  // epilogue area, then one bulk copy of the row into C.
  ifThen(rowOk, [&] {
    // The bulk copy that stored the thread's row of the previous tile must
    // have read it (each thread waits for its own copies only).
    NVVM::CpAsyncBulkWaitGroupOp::create(b, loc, b.getI32IntegerAttr(0),
                                         b.getUnitAttr());
    // 16-byte shared stores: the row pitch puts a warp's 32 rows on
    // different banks.
    Value rowOffset = arith::AddIOp::create(
        b, loc, idx(plan.epilogueOffset),
        arith::MulIOp::create(b, loc, rowInTile, idx(plan.epilogueRowPitch)));
    for (auto [col0, values] : pieces) {
      int64_t width = cast<VectorType>(values.getType()).getDimSize(0);
      for (int64_t c = 0; c < width; c += 8) {
        SmallVector<int32_t> mask;
        for (int64_t e = 0; e < 8; ++e)
          mask.push_back(int32_t(c + e));
        Value words =
            LLVM::ShuffleVectorOp::create(b, loc, values, values, mask);
        Value half = emitF16Values(
            b, loc, g,
            arith::BitcastOp::create(
                b, loc, VectorType::get({8}, b.getF32Type()), words));
        LLVM::StoreOp::create(
            b, loc, half,
            sharedPtr(arith::AddIOp::create(b, loc, rowOffset,
                                            idx(2 * (col0 + c)))),
            /*alignment=*/16);
      }
    }
    // The generic-proxy stores are read by the bulk copy (async proxy).
    NVVM::FenceProxyOp::create(
        b, loc, NVVM::ProxyKind::async_shared,
        NVVM::SharedSpaceAttr::get(b.getContext(),
                                   NVVM::SharedSpace::shared_cta));
    // The row's columns inside the group (N - n0 < tile N in an N tail; N
    // is a multiple of 8, so whole 16-byte pieces). The copy runs while
    // the warp waits for the next tile's accumulator; teardown waits for
    // the last ones.
    Value columns = arith::MinUIOp::create(
        b, loc, idx(plan.tileN), arith::SubIOp::create(b, loc, g.n, n0));
    Value element = arith::AddIOp::create(
        b, loc,
        arith::MulIOp::create(
            b, loc, arith::AddIOp::create(b, loc, rowBase, row), g.n),
        n0);
    Value dst = arith::AddIOp::create(
        b, loc, g.c,
        arith::IndexCastUIOp::create(
            b, loc, b.getI64Type(),
            arith::MulIOp::create(b, loc, element, idx(2))));
    NVVM::CpAsyncBulkSharedCTAToGlobalOp::create(
        b, loc,
        LLVM::IntToPtrOp::create(
            b, loc, LLVM::LLVMPointerType::get(b.getContext(), 1), dst),
        sharedPtr(rowOffset),
        toI32(arith::MulIOp::create(b, loc, columns, idx(2))), Value(),
        Value());
    NVVM::CpAsyncBulkCommitGroupOp::create(b, loc);
  });
}

Value SM100KernelBuilder::emitPartialSlotOf(ComputeTileOp op) {
  return emitPartialSlot(b, loc, problem, op.getGroup(), op.getRowBase(),
                         op.getM0(), op.getN0(), op.getSplit(), op.getWork());
}

//===----------------------------------------------------------------------===//
// Pattern
//===----------------------------------------------------------------------===//

void mlir::ggemm::populateTmemEpiloguePatterns(RewritePatternSet &patterns,
                     const SM100Lowering &lowering) {
  patterns.add<SM100RolePattern<ComputeTileOp>>(
      patterns.getContext(), lowering, WarpRole::epilogue,
      [](SM100KernelBuilder &b, ComputeTileOp op, const GroupFacts &g) {
        // With split-K the f32 partial goes to the tile's workspace slot.
        Value slot = op.getWork() ? b.emitPartialSlotOf(op) : Value();
        b.emitEpilogueTile(g, op.getRowBase(), op.getM0(), op.getN0(), slot);
      });
}
