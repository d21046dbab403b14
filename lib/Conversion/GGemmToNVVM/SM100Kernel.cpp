//===- SM100Kernel.cpp - the sm_100a tcgen05 kernel -----------------------===//
//
// Blackwell lowering of the persistent level (see SM100Kernel.h). The bit
// formats (instruction descriptor, shared-memory descriptors, Tensor Memory
// columns, scale-factor atoms) come from the encoders of
// include/ggemm/Target/SM100/Encodings.h, which are unit-tested against the
// PTX ISA tables; this file only places them.
//
// mbarriers (all in the dynamic shared-memory region):
//   full[s]      producer -> MMA: stage s holds K tile data. Arrivals: the
//                producer's arrive.expect_tx (TMA bytes), plus, with
//                row-major scales, the scale warp's once it wrote the
//                stage's scale atoms.
//   empty[s]     MMA -> producer (and scale warp; and the MMA warp itself
//                when Tensor Memory holds fewer scale slots than stages):
//                tcgen05.commit after the MMAs reading s.
//   accFull[b]   MMA -> epilogue: tcgen05.commit after a tile's last MMA.
//   accEmpty[b]  epilogue -> MMA: every epilogue thread arrives after its
//                tcgen05.ld of accumulator b completed.
//   scaleFull[s] producer -> scale warp: TMA of the K tile's row-major
//                scale rows landed in stage s's staging area (only where
//                every K is a multiple of 256).
// Each role counts what it consumed (K tiles, output tiles) in a private
// counter; the counter picks the buffer and the phase parity to wait for.
//
//===----------------------------------------------------------------------===//

#include "SM100Kernel.h"

#include "ggemm/IR/Builders.h"
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


SM100KernelBuilder::SM100KernelBuilder(OpBuilder &b, Location loc,
                                       const KernelProblem &problem,
                                       const SM100Plan &plan, ValueRange params,
                                       SM100KernelState &state)
    : b(b), loc(loc), problem(problem), plan(plan), params(params),
      tid(state.tid), warp(state.warp), lane(state.lane),
      smemBase(state.smemBase), smemBase64(state.smemBase64),
      tmemBase(state.tmemBase), loadIter(state.loadIter),
      mmaIter(state.mmaIter), tileIter(state.tileIter) {
  // K-major operand tiles with 128B swizzling: rows of 128 bytes, 8-row
  // groups 1024 bytes apart; LBO is unused for swizzled K-major layouts
  // (section 9.7.16.3.1) and set to 16 bytes ("assumed 1").
  sm100::SmemDesc operand;
  operand.leadingByteOffset = 16;
  operand.strideByteOffset = 8 * kSwizzleBytes;
  operand.swizzle = sm100::SmemSwizzle::B128;
  operandDescBits = operand.encode();
  sfDescBits = sm100::sfAtomCopySmemDesc(0).encode();
}

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

Value SM100KernelBuilder::idx(int64_t v) { return indexConstant(b, loc, v); }
Value SM100KernelBuilder::i32(int64_t v) {
  return arith::ConstantOp::create(b, loc, b.getI32IntegerAttr(v));
}
Value SM100KernelBuilder::toI32(Value index) {
  return arith::IndexCastUIOp::create(b, loc, b.getI32Type(), index);
}
Value SM100KernelBuilder::loadCounter(Value counter) {
  return memref::LoadOp::create(b, loc, counter, idx(0));
}
void SM100KernelBuilder::storeCounter(Value counter, Value v) {
  memref::StoreOp::create(b, loc, v, counter, idx(0));
}
void SM100KernelBuilder::ifThen(Value cond, function_ref<void()> body) {
  scf::IfOp::create(b, loc, cond, [&](OpBuilder &, Location) {
    body();
    scf::YieldOp::create(b, loc);
  });
}

Value SM100KernelBuilder::sharedPtr(Value byteOffset) {
  return emitSharedGEP(b, loc, smemBase, byteOffset);
}

Value SM100KernelBuilder::sharedAddress(Value byteOffset) {
  return arith::AddIOp::create(
      b, loc, smemBase64,
      arith::IndexCastUIOp::create(b, loc, b.getI64Type(), byteOffset));
}

/// Offset of `part` (A, B, SFA, SFB: byte offsets inside a stage) of stage
/// `stage`.
Value SM100KernelBuilder::stageOffset(Value stage, int64_t part) {
  return arith::AddIOp::create(
      b, loc, arith::MulIOp::create(b, loc, stage, idx(plan.stageBytes)),
      idx(part));
}

Value SM100KernelBuilder::barrierAt(Value index) {
  return sharedPtr(arith::AddIOp::create(
      b, loc, arith::MulIOp::create(b, loc, index, idx(8)),
      idx(plan.barrierOffset)));
}
Value SM100KernelBuilder::fullBarrier(Value stage) { return barrierAt(stage); }
Value SM100KernelBuilder::emptyBarrier(Value stage) {
  return barrierAt(arith::AddIOp::create(b, loc, stage, idx(plan.stages)));
}
Value SM100KernelBuilder::accFullBarrier(Value buffer) {
  return barrierAt(arith::AddIOp::create(b, loc, buffer, idx(2 * plan.stages)));
}
Value SM100KernelBuilder::accEmptyBarrier(Value buffer) {
  return barrierAt(
      arith::AddIOp::create(b, loc, buffer, idx(2 * plan.stages + 2)));
}
Value SM100KernelBuilder::scaleFullBarrier(Value stage) {
  return barrierAt(
      arith::AddIOp::create(b, loc, stage, idx(2 * plan.stages + 4)));
}

/// Byte offset of stage `stage`'s staging area: the K tile's rows of SFA,
/// then of SFB.
Value SM100KernelBuilder::stagingOffset(Value stage) {
  return arith::AddIOp::create(
      b, loc,
      arith::MulIOp::create(b, loc, stage,
                            idx(plan.rawSfaBytes + plan.rawSfbBytes)),
      idx(plan.stagingOffset));
}

void SM100KernelBuilder::waitParity(Value barrier, Value parity) {
  emitWaitParity(b, loc, barrier, parity);
}

void SM100KernelBuilder::waitReleased(Value barrier, Value phase) {
  emitWaitReleased(b, loc, barrier, phase);
}

RingPosition SM100KernelBuilder::ringPosition(Value count, int64_t size) {
  return emitRingPosition(b, loc, count, size);
}

/// A shared-memory descriptor: the fixed fields of `fixedBits` with the
/// start address `address` (i64 shared-window address), encoded as
/// (address & 0x3FFFF) >> 4 in bits 0-13 (Table 40).
Value SM100KernelBuilder::smemDescriptor(uint64_t fixedBits, Value address) {
  auto c64 = [&](uint64_t v) {
    return arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(v));
  };
  Value start = arith::ShRUIOp::create(
      b, loc, arith::AndIOp::create(b, loc, address, c64(0x3FFFF)), c64(4));
  return arith::OrIOp::create(b, loc, start, c64(fixedBits));
}

/// A Tensor Memory pointer from a 32-bit TMEM address (lane << 16 | col).
Value SM100KernelBuilder::tmemPtr(Value address) {
  return LLVM::IntToPtrOp::create(
      b, loc, LLVM::LLVMPointerType::get(b.getContext(), 6), address);
}

//===----------------------------------------------------------------------===//
// Prologue and teardown
//===----------------------------------------------------------------------===//

void SM100KernelBuilder::emitPrologue() {
  // Per-role progress: K tiles loaded (producer) and consumed (MMA), output
  // tiles through the accumulators (MMA and epilogue). First in the entry
  // block, where LLVM promotes allocas to registers.
  auto counter = [&] {
    Value c = memref::AllocaOp::create(b, loc,
                                       MemRefType::get({1}, b.getIndexType()));
    storeCounter(c, idx(0));
    return c;
  };
  loadIter = counter();
  mmaIter = counter();
  tileIter = counter();
  tid = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
  warp = arith::DivUIOp::create(b, loc, tid, idx(32));
  lane = arith::RemUIOp::create(b, loc, tid, idx(32));

  // The dynamic region, its base rounded up to 1024 bytes.
  SharedRegion region = emitSharedRegion(b, loc);
  smemBase64 = region.address;
  smemBase = region.pointer;

  Value isThread0 =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, tid, idx(0));
  ifThen(isThread0, [&] {
    int64_t fullArrivals = plan.blockedScales ? 1 : 2;
    for (int64_t s = 0; s < plan.stages; ++s) {
      NVVM::MBarrierInitOp::create(b, loc, fullBarrier(idx(s)),
                                   i32(fullArrivals), Value());
      NVVM::MBarrierInitOp::create(b, loc, emptyBarrier(idx(s)), i32(1),
                                   Value());
    }
    if (plan.scaleTma)
      for (int64_t s = 0; s < plan.stages; ++s)
        NVVM::MBarrierInitOp::create(b, loc, scaleFullBarrier(idx(s)), i32(1),
                                     Value());
    for (int64_t buf = 0; buf < 2; ++buf) {
      NVVM::MBarrierInitOp::create(b, loc, accFullBarrier(idx(buf)), i32(1),
                                   Value());
      NVVM::MBarrierInitOp::create(b, loc, accEmptyBarrier(idx(buf)),
                                   i32(kEpilogueThreads), Value());
    }
    // Make the initialised barriers visible to the async proxy (TMA
    // complete_tx, tcgen05.commit).
    NVVM::FenceMbarrierInitOp::create(b, loc);
  });

  // The tensor maps, acquired by lane 0 of each warp (the producer warp's
  // lane 0 issues every TMA).
  ifProducerLeader([&] { emitTensorMapAcquire(b, loc, problem, params[0]); });

  // Warp 1 allocates Tensor Memory (a warp-wide instruction) and writes its
  // address into shared memory for everyone.
  Value slot = sharedPtr(idx(plan.tmemSlotOffset));
  ifThen(isMmaWarp(), [&] {
    NVVM::Tcgen05AllocOp::create(b, loc, slot, i32(plan.tmemAllocColumns));
    NVVM::Tcgen05RelinquishAllocPermitOp::create(b, loc);
  });
  NVVM::Tcgen05FenceOp::create(b, loc,
                               NVVM::Tcgen05FenceKind::BEFORE_THREAD_SYNC);
  gpu::BarrierOp::create(b, loc);
  NVVM::Tcgen05FenceOp::create(b, loc,
                               NVVM::Tcgen05FenceKind::AFTER_THREAD_SYNC);
  tmemBase = LLVM::LoadOp::create(b, loc, b.getI32Type(), slot);
}

Value SM100KernelBuilder::isMmaWarp() {
  return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, warp,
                               idx(kMmaWarp));
}

void SM100KernelBuilder::ifProducerLeader(function_ref<void()> body) {
  ifThen(arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, lane, idx(0)),
         body);
}

void SM100KernelBuilder::emitProducerEnd() {
  // The next round of the ring: wait for each stage's last release (the
  // parity a producer would wait for before reusing it).
  Value next = loadCounter(loadIter);
  for (int64_t i = 0; i < plan.stages; ++i) {
    RingPosition slot =
        ringPosition(arith::AddIOp::create(b, loc, next, idx(i)), plan.stages);
    waitReleased(emptyBarrier(slot.index), slot.phase);
  }
}

void SM100KernelBuilder::emitTeardown() {
  // The epilogue's last bulk copies of C complete before the CTA exits
  // (other threads have none: the wait returns at once).
  NVVM::CpAsyncBulkWaitGroupOp::create(b, loc, b.getI32IntegerAttr(0),
                                       UnitAttr());
  NVVM::Tcgen05FenceOp::create(b, loc,
                               NVVM::Tcgen05FenceKind::BEFORE_THREAD_SYNC);
  gpu::BarrierOp::create(b, loc);
  NVVM::Tcgen05FenceOp::create(b, loc,
                               NVVM::Tcgen05FenceKind::AFTER_THREAD_SYNC);
  ifThen(isMmaWarp(), [&] {
    NVVM::Tcgen05DeallocOp::create(b, loc, tmemPtr(tmemBase),
                                   i32(plan.tmemAllocColumns));
  });
}

GroupFacts SM100KernelBuilder::emitTileFacts(Value group, Value rowBase,
                                             Value split) {
  GroupFacts g = emitGroupFacts(b, loc, problem, params, group, rowBase);
  if (split)
    emitSplitRange(b, loc, problem, g, split);
  return g;
}

/// The K-tile loop of a role over the tile's K tiles kt = g.kFirst + i for
/// i in [0, g.kTiles) (all of K, or one split): K tile kt is the role's
/// (first + i)-th, which selects stage (first + i) % stages and the
/// barrier phase parity of that stage's round; validSteps is how many of
/// the tile's 64-wide K steps lie inside K.
void SM100KernelBuilder::forEachKTile(
    const GroupFacts &g, Value first,
    function_ref<void(Value kt, Value i, Value stage, Value phase,
                      Value validSteps)>
        body) {
  int64_t mmas = plan.tileK / kMmaK;
  Value kSteps = arith::DivUIOp::create(b, loc, g.k, idx(kMmaK));
  emitRingLoop(b, loc, first, g.kTiles, plan.stages,
               [&](Value i, RingPosition slot) {
                 Value kt = arith::AddIOp::create(b, loc, g.kFirst, i);
                 Value validSteps = arith::MinUIOp::create(
                     b, loc, idx(mmas),
                     arith::SubIOp::create(
                         b, loc, kSteps,
                         arith::MulIOp::create(b, loc, kt, idx(mmas))));
                 body(kt, i, slot.index, slot.phase, validSteps);
               });
}

//===----------------------------------------------------------------------===//
// Producer (warp 0)
//===----------------------------------------------------------------------===//

void SM100KernelBuilder::emitProducerTile(const GroupFacts &g, Value rowBase,
                                          Value m0, Value n0) {
  MLIRContext *ctx = b.getContext();
  Value rowA = arith::AddIOp::create(b, loc, rowBase, m0);
  Value rowB = arith::AddIOp::create(b, loc, g.bRowBase, n0);
  Value isLeader =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, lane, idx(0));
  Value first = loadCounter(loadIter);
  int64_t mmas = plan.tileK / kMmaK;

  forEachKTile(
      g, first,
      [&](Value kt, Value, Value stage, Value phase, Value validSteps) {
        // Wait until the MMAs of the stage's previous round released it.
        waitReleased(emptyBarrier(stage), phase);
        ifThen(isLeader, [&] {
          Value full = fullBarrier(stage);
          Value bytes = idx(plan.aBytes + plan.bBytes);
          if (plan.blockedScales)
            bytes = arith::AddIOp::create(
                b, loc, bytes,
                arith::MulIOp::create(b, loc, validSteps, idx(2 * kAtomBytes)));
          NVVM::MBarrierArriveExpectTxOp::create(
              b, loc, Type(), full, toI32(bytes), NVVM::MemScopeKind::CTA,
              /*relaxed=*/false, Value());
          // TMA of one box (x = byte column, then row) to byte `offset` of
          // the region, completing on `bar`.
          auto tma = [&](Value map, Value x, Value row, Value offset,
                         Value bar) {
            emitTmaLoad(b, loc, sharedPtr(offset),
                        emitTensorMapPtr(b, loc, params[0], map), x, row, bar);
          };
          Value x = arith::MulIOp::create(b, loc, kt, idx(plan.tileK / 2));
          tma(g.mapA, x, rowA, stageOffset(stage, 0), full);
          tma(g.mapB, x, rowB, stageOffset(stage, plan.aBytes), full);
          if (plan.scaleTma) {
            // The tile's rows of row-major SFA and SFB (16 bytes a row)
            // into the stage's staging area, for the scale warp.
            Value scales = scaleFullBarrier(stage);
            NVVM::MBarrierArriveExpectTxOp::create(
                b, loc, Type(), scales,
                i32(plan.rawSfaBytes + plan.rawSfbBytes),
                NVVM::MemScopeKind::CTA, /*relaxed=*/false, Value());
            Value xs = arith::MulIOp::create(b, loc, kt,
                                             idx(plan.tileK / kScaleBlock));
            Value staging = stagingOffset(stage);
            tma(g.mapSfa, xs, rowA, staging, scales);
            tma(g.mapSfb, xs, rowB,
                arith::AddIOp::create(b, loc, staging, idx(plan.rawSfaBytes)),
                scales);
          }
          if (!plan.blockedScales)
            return;
          // blocked_128x4: the atoms of K blocks 16 kt .. 16 kt + 15 of the
          // tile's 128 rows are contiguous: one bulk copy per operand.
          auto global = LLVM::LLVMPointerType::get(ctx, 1);
          Value kAtoms = arith::DivUIOp::create(b, loc, g.k, idx(kMmaK));
          auto atoms = [&](Value base, Value row0, int64_t part) {
            Value atom = arith::AddIOp::create(
                b, loc,
                arith::MulIOp::create(
                    b, loc,
                    arith::DivUIOp::create(b, loc, row0,
                                           idx(sm100::kSfAtomRows)),
                    kAtoms),
                arith::MulIOp::create(b, loc, kt, idx(mmas)));
            Value src = arith::AddIOp::create(
                b, loc, base,
                arith::IndexCastUIOp::create(
                    b, loc, b.getI64Type(),
                    arith::MulIOp::create(b, loc, atom, idx(kAtomBytes))));
            NVVM::CpAsyncBulkGlobalToSharedClusterOp::create(
                b, loc,
                emitClusterPtr(b, loc, sharedPtr(stageOffset(stage, part))),
                LLVM::IntToPtrOp::create(b, loc, global, src), full,
                toI32(
                    arith::MulIOp::create(b, loc, validSteps, idx(kAtomBytes))),
                Value(), Value());
          };
          atoms(g.sfa, m0, plan.aBytes + plan.bBytes);
          atoms(g.sfb, n0, plan.aBytes + plan.bBytes + plan.sfaBytes);
        });
      });
  storeCounter(loadIter, arith::AddIOp::create(b, loc, first, g.kTiles));
}

//===----------------------------------------------------------------------===//
// Patterns of the producer role
//===----------------------------------------------------------------------===//

namespace {
/// ggemm.ring: the prologue at the ring's place and the teardown after the
/// kernel's ggemm.warp_specialize (join the roles, free Tensor Memory); the
/// ring's value becomes the prologue's state (packRingState).
struct SM100RingPattern final : public OpRewritePattern<RingOp> {
  SM100RingPattern(MLIRContext *ctx, const SM100Lowering &lowering)
      : OpRewritePattern<RingOp>(ctx), lowering(lowering) {}

  LogicalResult matchAndRewrite(RingOp op,
                                PatternRewriter &rewriter) const override {
    auto roles = llvm::find_if(*op->getBlock(), [](Operation &other) {
      return isa<WarpSpecializeOp>(other);
    });
    if (roles == op->getBlock()->end())
      return rewriter.notifyMatchFailure(op, "no ggemm.warp_specialize");
    Location loc = op.getLoc();
    SM100KernelState state;
    SM100KernelBuilder(rewriter, loc, lowering.problem, lowering.plan,
                       lowering.params, state)
        .emitPrologue();
    // After the roles (and before a split-K kernel's grid barrier).
    OpBuilder::InsertionGuard guard(rewriter);
    rewriter.setInsertionPointAfter(&*roles);
    SM100KernelBuilder(rewriter, loc, lowering.problem, lowering.plan,
                       lowering.params, state)
        .emitTeardown();
    rewriter.setInsertionPoint(op);
    rewriter.replaceOp(op, packRingState(rewriter, loc, op.getType(),
                                         state.values()));
    return success();
  }

  SM100Lowering lowering;
};
} // namespace

void mlir::ggemm::populateSM100ProducerPatterns(
    RewritePatternSet &patterns, const SM100Lowering &lowering) {
  MLIRContext *ctx = patterns.getContext();
  patterns.add<SM100RingPattern>(ctx, lowering);
  patterns.add<SM100RolePattern<LoadTileOp>>(
      ctx, lowering, WarpRole::producer,
      [](SM100KernelBuilder &b, LoadTileOp op, const GroupFacts &g) {
        b.emitProducerTile(g, op.getRowBase(), op.getM0(), op.getN0());
      });
  patterns.add<SM100RolePattern<DrainRingOp>>(
      ctx, lowering, std::nullopt,
      [](SM100KernelBuilder &b, DrainRingOp, const GroupFacts &) {
        b.emitProducerEnd();
      });
}
