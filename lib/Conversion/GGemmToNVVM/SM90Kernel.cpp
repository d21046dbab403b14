//===- SM90Kernel.cpp - the sm_90a kernel: prologue, producer -------------===//
//
// Hopper lowering of one output tile (see SM90Kernel.h and
// docs/sm90-kernel.md), the parts every role shares and the producer: the
// builder, the prologue (shared memory, the ring's mbarriers, the roles'
// counters), the producer warp's TMA loads and drain, and the patterns of
// the roles' ops. The consumer warpgroups' parts: SM90Decode.cpp (e2m1 ->
// f16), SM90Consumer.cpp (the MMA loop), SM90Wgmma.cpp (its descriptors and
// register-A wgmma), SM90Epilogue.cpp (accumulators out).
//
// Operands are swapped: wgmma's M side is the weights (B, 64 rows per
// warpgroup), its N side the tokens (A, the tile's 16 to 256 rows), so the
// accumulators hold C transposed and no token row is padded to 64.
//
//===----------------------------------------------------------------------===//

#include "SM90Kernel.h"

#include "ggemm/IR/Builders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace mlir::ggemm;
using namespace mlir::ggemm::sm90;

SM90KernelBuilder::SM90KernelBuilder(OpBuilder &b, Location loc,
                                     const KernelProblem &problem,
                                     ValueRange params, SM90KernelState &state)
    : b(b), loc(loc), problem(problem), params(params), tid(state.tid),
      lane(state.lane), smemBase(state.smemBase),
      loadIter(state.loadIter), consumeIter(state.consumeIter) {
  ScheduleAttr s = problem.schedule;
  tileM = s.getTileM();
  tileN = s.getTileN();
  tileK = s.getTileK();
  steps = tileK / kSM90DecodeK;
  stages = s.getStages();
  stageBytes = sm90StageBytes(problem);
  bufferBytes = sm90DecodeBufferBytes(problem);
  ringOffset = sm90RingOffset(problem);
  predecoded = sm90Predecoded(problem);
  slots = sm90TokenSlots(problem);
  slotBytes = sm90TokenSlotBytes(problem);
  tokenRingOffset = sm90TokenRingOffset(problem);
  relayed = sm90RelayedTokens(problem);
  relayLag = relayed ? sm90RelayLag(problem) : 0;
}

Value SM90KernelBuilder::idx(int64_t v) { return indexConstant(b, loc, v); }
Value SM90KernelBuilder::i32(int64_t v) {
  return arith::ConstantOp::create(b, loc, b.getI32IntegerAttr(v));
}

//===----------------------------------------------------------------------===//
// Prologue: shared memory, mbarriers
//===----------------------------------------------------------------------===//

void SM90KernelBuilder::emitPrologue() {
  // K tiles each role moved through the ring so far (producer: loaded;
  // consumers: consumed): they pick the stage and the barrier phase across
  // the tiles of the persistent loop.
  for (Value *counter : {&loadIter, &consumeIter}) {
    *counter = memref::AllocaOp::create(
        b, loc, MemRefType::get({1}, b.getIndexType()));
    memref::StoreOp::create(b, loc, idx(0), *counter, idx(0));
  }
  tid = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
  lane = arith::RemUIOp::create(b, loc, tid, idx(32));
  // The shared-window address of the region (rounded up to 1024 bytes),
  // for the NVVM ops that take shared pointers (mbarriers, TMA
  // destinations, wgmma descriptors).
  smemBase = emitSharedRegion(b, loc).pointer;
  Value isLeader =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, tid, idx(0));
  // full[s]: the producer's expect_tx (TMA bytes), and in rows<gathered>
  // each producer lane's cp.async arrive-on; empty[s]: each consumer warp
  // once it decoded the stage.
  int32_t fullArrivals = problem.rows == RowsKind::gathered ? 1 + 32 : 1;
  scf::IfOp::create(b, loc, isLeader, [&](OpBuilder &, Location) {
    for (int64_t s = 0; s < stages; ++s) {
      NVVM::MBarrierInitOp::create(b, loc, fullBarrier(idx(s)),
                                   i32(fullArrivals), Value());
      NVVM::MBarrierInitOp::create(b, loc, emptyBarrier(idx(s)),
                                   i32(kSM90ConsumerThreads / 32), Value());
    }
    // The token slots: full[t] by the producer's expect_tx, empty[t] by
    // each consumer warp once its wgmmas that read the slot are done.
    for (int64_t t = 0; t < slots; ++t) {
      NVVM::MBarrierInitOp::create(b, loc, tokenFullBarrier(idx(t)), i32(1),
                                   Value());
      NVVM::MBarrierInitOp::create(b, loc, tokenEmptyBarrier(idx(t)),
                                   i32(kSM90ConsumerThreads / 32), Value());
    }
    scf::YieldOp::create(b, loc);
  });
  // The tensor maps, acquired by lane 0 of each warp (the producer warp's
  // lane 0 issues every TMA).
  ifProducerLeader([&] { emitTensorMapAcquire(b, loc, problem, params[0]); });
  gpu::BarrierOp::create(b, loc);
}

void SM90KernelBuilder::ifProducerLeader(function_ref<void()> body) {
  Value isLeader = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                         lane, idx(0));
  scf::IfOp::create(b, loc, isLeader, [&](OpBuilder &, Location) {
    body();
    scf::YieldOp::create(b, loc);
  });
}

void SM90KernelBuilder::emitDrain() {
  Value next = memref::LoadOp::create(b, loc, loadIter, idx(0));
  // Relayed tokens: the last steps, not relayed yet (the consumers give
  // their slots back only after they waited for them).
  if (relayed) {
    Value end = tokenStep(next, 0);
    for (int64_t i = relayLag; i >= 1; --i)
      relayTokens(end, i);
  }
  for (int64_t i = 0; i < stages; ++i) {
    RingPosition slot = emitRingPosition(
        b, loc, arith::AddIOp::create(b, loc, next, idx(i)), stages);
    emitWaitReleased(b, loc, emptyBarrier(slot.index), slot.phase);
  }
  // The token ring's next step is the next K tile's first.
  Value nextStep = tokenStep(next, 0);
  for (int64_t i = 0; i < slots; ++i) {
    RingPosition slot = emitRingPosition(
        b, loc, arith::AddIOp::create(b, loc, nextStep, idx(i)), slots);
    emitWaitReleased(b, loc, tokenEmptyBarrier(slot.index), slot.phase);
  }
}

//===----------------------------------------------------------------------===//
// Loads
//===----------------------------------------------------------------------===//

Value SM90KernelBuilder::sharedPtr(Value byteOffset) {
  return emitSharedGEP(b, loc, smemBase, byteOffset);
}

Value SM90KernelBuilder::fullBarrier(Value stage) {
  return sharedPtr(arith::AddIOp::create(
      b, loc, arith::MulIOp::create(b, loc, stage, idx(8)),
      idx(kSM90BarrierOffset)));
}

Value SM90KernelBuilder::emptyBarrier(Value stage) {
  return fullBarrier(arith::AddIOp::create(b, loc, stage, idx(stages)));
}

Value SM90KernelBuilder::stageOffset(Value stage) {
  return arith::AddIOp::create(
      b, loc, arith::MulIOp::create(b, loc, stage, idx(stageBytes)),
      idx(ringOffset));
}

/// The producer's arrival on the full barrier `full`, expecting `bytes`
/// of TMA (mbarrier.arrive.expect_tx).
void SM90KernelBuilder::expectBytes(Value full, int64_t bytes) {
  NVVM::MBarrierArriveExpectTxOp::create(b, loc, Type(), full, i32(bytes),
                                         NVVM::MemScopeKind::CTA,
                                         /*relaxed=*/false, Value());
}

void SM90KernelBuilder::emitProducerTile(Value group, Value rowBase,
                                         Value m0, Value n0, Value split) {
  GroupFacts g = emitGroupFacts(b, loc, problem, params, group, rowBase);
  if (split)
    emitSplitRange(b, loc, problem, g, split);
  Value rowA = arith::AddIOp::create(b, loc, rowBase, m0);
  Value rowB = arith::AddIOp::create(b, loc, g.bRowBase, n0);
  Value first = memref::LoadOp::create(b, loc, loadIter, idx(0));
  if (problem.rows == RowsKind::gathered) {
    emitGatheredProducerTile(g, rowA, rowB, m0, first);
    return;
  }
  emitRingLoop(b, loc, first, g.kTiles, stages, [&](Value i, RingPosition at) {
    Value kt = arith::AddIOp::create(b, loc, g.kFirst, i);
    // Wait until the consumers released the stage's previous round.
    emitWaitReleased(b, loc, emptyBarrier(at.index), at.phase);
    ifProducerLeader([&] {
      Value full = fullBarrier(at.index);
      expectBytes(full, stageBytes);
      Value x = arith::MulIOp::create(b, loc, kt, idx(tileK / 2));
      Value stageStart = stageOffset(at.index);
      // Predecoded tokens: the stage holds the weights only.
      if (!predecoded)
        emitTmaLoad(b, loc, sharedPtr(stageStart),
                    emitTensorMapPtr(b, loc, params[0], g.mapA), x, rowA,
                    full);
      Value weights =
          predecoded ? stageStart
                     : arith::AddIOp::create(b, loc, stageStart,
                                             idx(tileM * tileK / 2))
                           .getResult();
      emitTmaLoad(b, loc, sharedPtr(weights),
                  emitTensorMapPtr(b, loc, params[0], g.mapB), x, rowB, full);
    });
    if (!predecoded)
      return;
    // The K tile's tokens, one decode step a slot: step s's 128 bytes of
    // each of the tile's rows (bytes 2 (kt tile_k + 64 s) of a row of the
    // tokens map, at A's place in the set), 128B-swizzled.
    for (int64_t step = 0; step < steps; ++step) {
      Value count =
          tokenStep(arith::AddIOp::create(b, loc, first, i), step);
      RingPosition slot = emitRingPosition(b, loc, count, slots);
      emitWaitReleased(b, loc, tokenEmptyBarrier(slot.index), slot.phase);
      ifProducerLeader([&] {
        Value full = tokenFullBarrier(slot.index);
        expectBytes(full, slotBytes);
        Value byte = arith::AddIOp::create(
            b, loc, arith::MulIOp::create(b, loc, kt, idx(2 * tileK)),
            idx(step * 2 * kSM90DecodeK));
        emitTmaLoad(b, loc, sharedPtr(tokenSlotOffset(slot.index)),
                    emitTensorMapPtr(b, loc, params[0], g.mapA), byte, rowA,
                    full);
      });
      if (relayed)
        relayTokens(count, relayLag);
    }
  });
  memref::StoreOp::create(b, loc,
                          arith::AddIOp::create(b, loc, first, g.kTiles),
                          loadIter, idx(0));
}

/// rows<gathered>: the tile's routed rows are rows of A anywhere, and
/// Hopper's TMA has no gather, so the producer warp copies them with
/// cp.async (one-row TMA copies are issued one at a time by the TMA unit,
/// ~30 cycles each: 1.9x the tile's MMA time on 128-row tiles; see
/// docs/sm90-kernel.md). Lane l copies tile rows l, l + 32, ...: only the
/// rows inside the group (`valid`), whose token rows it reads once per
/// tile, 16 bytes at a time into the place TMA's 128-byte swizzle would
/// have put them (piece p of row r at p ^ (r % 8)), K past the row's end
/// zero-filled (src-size 0); the stage's rows past them keep stale bytes,
/// which feed only token columns the epilogue never stores. Lane 0 first
/// arms the full barrier with B's bytes and loads B (the weights, the
/// larger stream); then every lane, rows or none, ties its copies to the
/// barrier with cp.async.mbarrier.arrive.noinc: the barrier expects 1 + 32
/// arrivals, so no order between the lanes is needed.
void SM90KernelBuilder::emitGatheredProducerTile(const GroupFacts &g,
                                                 Value rowA, Value rowB,
                                                 Value m0, Value first) {
  Value left = arith::SelectOp::create(
      b, loc, arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ugt, g.m, m0),
      arith::SubIOp::create(b, loc, g.m, m0), idx(0));
  Value valid = arith::MinUIOp::create(b, loc, left, idx(tileM));
  int64_t rowBytes = tileK / 2;
  assert(rowBytes == 8 * kPieceBytes &&
         "the 128-byte swizzle's pattern spans one 128-byte row");
  Type i64 = b.getI64Type();
  auto toI64 = [&](Value v) {
    return arith::IndexCastUIOp::create(b, loc, i64, v).getResult();
  };
  // The bytes of a row of A (K / 2), and per tile row of this lane: the
  // row, whether it is inside the group, and its token row's address; the
  // ring loop below only reads them.
  Value kBytes = arith::DivUIOp::create(b, loc, g.k, idx(2));
  SmallVector<Value> rows, insides, sources;
  for (int64_t j = 0; j < (tileM + 31) / 32; ++j) {
    Value row = arith::AddIOp::create(b, loc, lane, idx(32 * j));
    Value inside =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, row, valid);
    auto source = scf::IfOp::create(
        b, loc, inside,
        [&](OpBuilder &, Location) {
          Value routed = arith::AddIOp::create(b, loc, rowA, row);
          Value token = emitGatheredRow(b, loc, g, params, routed, true);
          scf::YieldOp::create(
              b, loc,
              ValueRange{arith::AddIOp::create(
                  b, loc, g.tokenMatrix,
                  toI64(arith::MulIOp::create(b, loc, token, kBytes)))});
        },
        [&](OpBuilder &, Location) {
          scf::YieldOp::create(b, loc, ValueRange{g.tokenMatrix});
        });
    rows.push_back(row);
    insides.push_back(inside);
    sources.push_back(source.getResult(0));
  }
  auto ptrTo = [&](Value address, unsigned space) {
    return LLVM::IntToPtrOp::create(
        b, loc, LLVM::LLVMPointerType::get(b.getContext(), space), address);
  };
  emitRingLoop(b, loc, first, g.kTiles, stages, [&](Value i, RingPosition at) {
    Value kt = arith::AddIOp::create(b, loc, g.kFirst, i);
    emitWaitReleased(b, loc, emptyBarrier(at.index), at.phase);
    Value full = fullBarrier(at.index);
    Value x = arith::MulIOp::create(b, loc, kt, idx(rowBytes));
    Value stageStart = stageOffset(at.index);
    ifProducerLeader([&] {
      expectBytes(full, tileN * rowBytes);
      emitTmaLoad(b, loc,
                  sharedPtr(arith::AddIOp::create(b, loc, stageStart,
                                                  idx(tileM * rowBytes))),
                  emitTensorMapPtr(b, loc, params[0], g.mapB), x, rowB, full);
    });
    // Per piece of a row, the same for every row of the stage: its byte in
    // the row, and src-size. Past K: nothing read (src-size 0) from the
    // row's start.
    SmallVector<Value> pieceOffsets, pieceSizes;
    for (int64_t p = 0; p < rowBytes / kPieceBytes; ++p) {
      Value at = arith::AddIOp::create(b, loc, x, idx(p * kPieceBytes));
      Value inK =
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, at, kBytes);
      pieceOffsets.push_back(arith::SelectOp::create(
          b, loc, inK, toI64(at),
          arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(0))));
      pieceSizes.push_back(arith::SelectOp::create(
          b, loc, inK, i32(kPieceBytes), i32(0)));
    }
    for (auto [row, inside, source] : llvm::zip(rows, insides, sources)) {
      scf::IfOp::create(b, loc, inside, [&](OpBuilder &, Location) {
        Value dstRow = arith::AddIOp::create(
            b, loc, stageStart,
            arith::MulIOp::create(b, loc, row, idx(rowBytes)));
        Value row8 = arith::RemUIOp::create(b, loc, row, idx(8));
        for (int64_t p = 0; p < rowBytes / kPieceBytes; ++p) {
          Value src = arith::AddIOp::create(b, loc, source, pieceOffsets[p]);
          Value srcSize = pieceSizes[p];
          Value piece = arith::XOrIOp::create(b, loc, idx(p), row8);
          Value dst = arith::AddIOp::create(
              b, loc, dstRow,
              arith::MulIOp::create(b, loc, piece, idx(kPieceBytes)));
          NVVM::CpAsyncOp::create(b, loc, sharedPtr(dst), ptrTo(src, 1),
                                  kPieceBytes,
                                  NVVM::LoadCacheModifierKind::CG, srcSize);
        }
        scf::YieldOp::create(b, loc);
      });
    }
    NVVM::CpAsyncMBarrierArriveOp::create(b, loc, full, /*noinc=*/true);
  });
  memref::StoreOp::create(b, loc,
                          arith::AddIOp::create(b, loc, first, g.kTiles),
                          loadIter, idx(0));
}

void SM90KernelBuilder::consumerBarrier() {
  NVVM::BarrierOp::create(b, loc, Type(), i32(kConsumerBarrier),
                          i32(kSM90ConsumerThreads),
                          NVVM::BarrierReductionAttr(), Value());
}

//===----------------------------------------------------------------------===//
// Patterns: the roles' ops
//===----------------------------------------------------------------------===//

namespace {

/// Lowers one kernel op of the sm_90a kernel with a builder on the
/// rewriter: ggemm.ring becomes the prologue, and the ring's value the
/// prologue's state (packRingState); the roles' ops read that state from
/// their ring operand.
template <typename OpTy>
struct SM90Pattern : public OpRewritePattern<OpTy> {
  SM90Pattern(MLIRContext *ctx, const KernelProblem &problem,
              ValueRange params)
      : OpRewritePattern<OpTy>(ctx), problem(problem), params(params) {}

  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    if constexpr (std::is_same_v<OpTy, RingOp>) {
      SM90KernelState state;
      SM90KernelBuilder(rewriter, op.getLoc(), problem, params, state)
          .emitPrologue();
      rewriter.replaceOp(op, packRingState(rewriter, op.getLoc(),
                                           op.getType(), state.values()));
      return success();
    }
    SM90KernelState state = SM90KernelState::fromRing(op.getRing());
    SM90KernelBuilder builder(rewriter, op.getLoc(), problem, params, state);
    if constexpr (std::is_same_v<OpTy, LoadTileOp>)
      builder.emitProducerTile(op.getGroup(), op.getRowBase(), op.getM0(),
                               op.getN0(), op.getSplit());
    else if constexpr (std::is_same_v<OpTy, ComputeTileOp>)
      builder.emitConsumerTile(op.getGroup(), op.getRowBase(), op.getM0(),
                               op.getN0(), op.getSplit(), op.getWork());
    else
      builder.emitDrain();
    rewriter.eraseOp(op);
    return success();
  }

  const KernelProblem &problem;
  ValueRange params;
};

} // namespace

void mlir::ggemm::populateSM90KernelPatterns(RewritePatternSet &patterns,
                                             const KernelProblem &problem,
                                             ValueRange params) {
  patterns.add<SM90Pattern<RingOp>, SM90Pattern<LoadTileOp>,
               SM90Pattern<ComputeTileOp>, SM90Pattern<DrainRingOp>>(
      patterns.getContext(), problem, params);
}
