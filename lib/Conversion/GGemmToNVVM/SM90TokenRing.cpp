//===- SM90TokenRing.cpp - predecoded tokens' ring in the sm_90a kernel ---===//
//
// With predecoded tokens (sm90Predecoded, docs/sm90-kernel.md "Predecoded
// tokens") the kernel has a second ring beside the stages: slots of one
// decode step of f16 tokens each, which the producer fills by TMA. Here:
// the ring's barriers and slots, the producer's relay of a slot to the
// consumers through a named barrier (sm90RelayedTokens), a consumer warp
// giving a slot back, and the consumers' steps of one K tile.
//
//===----------------------------------------------------------------------===//

#include "SM90Kernel.h"

#include "ggemm/Target/Launch.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace mlir::ggemm;
using namespace mlir::ggemm::sm90;

//===----------------------------------------------------------------------===//
// Barriers and slots
//===----------------------------------------------------------------------===//

Value SM90KernelBuilder::tokenFullBarrier(Value slot) {
  return fullBarrier(arith::AddIOp::create(b, loc, slot, idx(2 * stages)));
}

Value SM90KernelBuilder::tokenEmptyBarrier(Value slot) {
  return fullBarrier(
      arith::AddIOp::create(b, loc, slot, idx(2 * stages + slots)));
}

Value SM90KernelBuilder::tokenStep(Value kTiles, int64_t step) {
  Value first = arith::MulIOp::create(b, loc, kTiles, idx(steps));
  return step ? arith::AddIOp::create(b, loc, first, idx(step)).getResult()
              : first;
}

Value SM90KernelBuilder::tokenSlotOffset(Value slot) {
  return arith::AddIOp::create(
      b, loc, arith::MulIOp::create(b, loc, slot, idx(slotBytes)),
      idx(tokenRingOffset));
}

//===----------------------------------------------------------------------===//
// The producer's relay
//===----------------------------------------------------------------------===//

Value SM90KernelBuilder::tokenSlotBarrierId(Value slot) {
  return arith::IndexCastUIOp::create(
      b, loc, b.getI32Type(),
      arith::AddIOp::create(b, loc, slot, idx(kSM90TokenSlotBarrier)));
}

/// Relayed tokens: step count `count` - `back` (if count >= back): once
/// its tokens (and at a K tile's first step, its weights) have landed, the
/// producer warp arrives on the slot's named barrier, which the consumers'
/// bar.sync completes. A spin loop on an mbarrier between one step's
/// wgmmas and the next's made ptxas serialize every wgmma (C7513);
/// bar.sync is one instruction.
void SM90KernelBuilder::relayTokens(Value count, int64_t back) {
  scf::IfOp::create(
      b, loc,
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::uge, count,
                            idx(back)),
      [&](OpBuilder &, Location) {
        relayStep(arith::SubIOp::create(b, loc, count, idx(back)));
        scf::YieldOp::create(b, loc);
      });
}

void SM90KernelBuilder::relayStep(Value count) {
  Value step = arith::RemUIOp::create(b, loc, count, idx(steps));
  scf::IfOp::create(
      b, loc,
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, step, idx(0)),
      [&](OpBuilder &, Location) {
        RingPosition at = emitRingPosition(
            b, loc, arith::DivUIOp::create(b, loc, count, idx(steps)),
            stages);
        emitWaitParity(b, loc, fullBarrier(at.index), at.phase);
        scf::YieldOp::create(b, loc);
      });
  RingPosition slot = emitRingPosition(b, loc, count, slots);
  emitWaitParity(b, loc, tokenFullBarrier(slot.index), slot.phase);
  // barrier.cta.arrive without .aligned, through the (convergent) intrinsic.
  // nvvm.barrier.arrive is inline assembly of the aligned bar.arrive, which
  // LLVM does not treat as convergent: it tail-duplicated the arrival into
  // the producer leader's TMA branch and the other lanes' path, so lane 0
  // and lanes 1-31 reached two different bar.arrive instructions, and the
  // aligned barrier hung on an H100 (4 token slots). The non-aligned form
  // counts the warp once all its lanes have arrived, wherever they are.
  LLVM::CallIntrinsicOp::create(
      b, loc, TypeRange(),
      b.getStringAttr("llvm.nvvm.barrier.cta.arrive.count"),
      ValueRange{tokenSlotBarrierId(slot.index),
                 i32(kSM90ConsumerThreads + 32)},
      LLVM::FastmathFlagsAttr::get(b.getContext(), LLVM::FastmathFlags::none));
}

void SM90KernelBuilder::waitRelayedTokens(Value slot) {
  NVVM::BarrierOp::create(b, loc, Type(), tokenSlotBarrierId(slot),
                          i32(kSM90ConsumerThreads + 32),
                          NVVM::BarrierReductionAttr(), Value());
}

//===----------------------------------------------------------------------===//
// The consumers
//===----------------------------------------------------------------------===//

/// Predecoded tokens: this warp's wgmmas are done with the token slot of
/// decode step count `count` (only if `when`, when given): lane 0 gives one
/// of its empty barrier's eight arrivals.
void SM90KernelBuilder::releaseTokenSlot(Value count, Value when) {
  Value leader =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, lane, idx(0));
  scf::IfOp::create(
      b, loc, when ? arith::AndIOp::create(b, loc, when, leader) : leader,
      [&](OpBuilder &, Location) {
        RingPosition slot = emitRingPosition(b, loc, count, slots);
        NVVM::MBarrierArriveOp::create(b, loc, Type(),
                                       tokenEmptyBarrier(slot.index), Value());
        scf::YieldOp::create(b, loc);
      });
}

/// The steps of one K tile with predecoded tokens (K tile `kt` of the
/// tile, the ring's K tile `tileK0`, in stage `stage`): `acc` after them.
/// `scales`: the four weight pieces' scales; `pieces(step)` loads a step's
/// codes; `loadNextScales()` loads the next K tile's scales, into
/// `nextScales`.
///
/// Registers. At 256 tokens the 128 accumulators and two steps' fragments
/// (one step's in flight) leave little room: each step loads its own codes
/// (one step ahead, they took 16 registers more), and the next K tile's
/// scales are loaded at the last step (at the first, they took 8 registers
/// for the whole K tile). A step's decode runs while the previous step's
/// wgmmas do, which hides the loads' latency; the scales' is hidden behind
/// the last step's wgmmas, which the next K tile's first step waits for.
/// With both, the weight pieces' addresses found by bit flips (pieces() in
/// SM90Consumer.cpp) and shared memory through 32-bit pointers (predecode
/// implies the pipeline's short-pointers), the consumers of the four
/// compute-bound shapes spill 16-100 bytes at 232 registers, against
/// 282-354 before (docs/sm90-kernel.md).
Value SM90KernelBuilder::emitPredecodedSteps(
    Value acc, ValueRange scales, Value tileK0, Value kt, Value stage,
    function_ref<SmallVector<Value>(int64_t)> pieces, Value fragSelect,
    Value fragShift, function_ref<SmallVector<Value>()> loadNextScales,
    SmallVector<Value> &nextScales) {
  // Each step's tokens wait in a slot of the token ring; the consumers
  // decode only the weights, into wgmma's A registers, and write no shared
  // memory, so they need no barrier of their own: a warp gives back the
  // slot of step c - 2 once its wgmmas of step c - 1 are the only ones left
  // (wgmma.wait_group 1).
  //
  // Where the token waits go: ptxas serializes every wgmma of the kernel
  // (warning C7513, a wait for completion after each) when a barrier's spin
  // loop sits between one step's wgmmas and the next's. So with room for
  // it, the consumers wait for all of a K tile's slots before its first
  // step, as for its weight stage. That takes steps + 2 slots: the producer
  // fills the tile's last step into the slot of step c - 3 while the
  // consumers, at the top of step c, have given back up to step c - 3. With
  // fewer slots (256 tokens) each step waits for its own, with bar.sync on
  // the slot's named barrier, on which the producer relays the slot's
  // mbarrier (relayTokens).
  //
  // Each step's decode step count and slot, derived once: here for all of
  // the tile's steps where the consumers wait at its top, else at each
  // step's top.
  SmallVector<Value, 4> counts;
  SmallVector<RingPosition, 4> tileSlots;
  if (!relayed)
    for (int64_t step = 0; step < steps; ++step) {
      counts.push_back(tokenStep(tileK0, step));
      tileSlots.push_back(emitRingPosition(b, loc, counts.back(), slots));
      emitWaitParity(b, loc, tokenFullBarrier(tileSlots.back().index),
                     tileSlots.back().phase);
    }
  for (int64_t step = 0; step < steps; ++step) {
    Value count = relayed ? tokenStep(tileK0, step) : counts[step];
    RingPosition slot =
        relayed ? emitRingPosition(b, loc, count, slots) : tileSlots[step];
    // At a K tile's first step all of the previous tile's wgmmas
    // are waited for (wait_group 0), the others leave the last
    // step's in flight. ptxas cannot follow a wgmma's register
    // operands across the K loop's back edge: with the last step's
    // wgmmas still in flight there, it serialized every wgmma of
    // the kernel (C7513) at 128 and 256 tokens.
    NVVM::WgmmaWaitGroupSyncOp::create(
        b, loc, b.getI64IntegerAttr(step == 0 ? 0 : 1));
    // Steps 0 and 1 of the tile's first K tile have no earlier
    // step of this tile to give back (the last two of the previous
    // tile went after its K loop).
    Value releasable;
    if (step < 2)
      releasable = arith::CmpIOp::create(
          b, loc, arith::CmpIPredicate::ugt, kt, idx(0));
    releaseTokenSlot(arith::SubIOp::create(b, loc, count, idx(2)),
                     releasable);
    // Relayed: the first step waits for the stage and its tokens
    // before it loads its weights (after giving back a slot, which
    // the producer may need before it relays this step).
    if (relayed && step == 0)
      waitRelayedTokens(slot.index);
    SmallVector<Value> current = pieces(step);
    if (step == steps - 1)
      nextScales = loadNextScales();
    SmallVector<SmallVector<Value, 4>> pairs;
    for (int64_t i = 0; i < 4; ++i)
      pairs.push_back(decodeFragmentPairs(
          current[i], fragSelect, fragShift, scales[i],
          arith::ConstantOp::create(b, loc,
                                    b.getI64IntegerAttr(16 * step))));
    if (step == steps - 1)
      releaseStage(stage);
    if (relayed && step > 0)
      waitRelayedTokens(slot.index);
    Value tokens = tokenSlotOffset(slot.index);
    NVVM::WgmmaFenceAlignedOp::create(b, loc);
    for (int64_t ks = 0; ks < kSM90DecodeK / kWgmmaK; ++ks) {
      // K elements [16 ks, 16 ks + 16) of the slot's rows.
      acc = wgmmaRegisterA(
          acc, fragmentOf(pairs, ks),
          tokenDescriptor(arith::AddIOp::create(
              b, loc, tokens, idx(ks * 2 * kWgmmaK))));
    }
    NVVM::WgmmaGroupSyncAlignedOp::create(b, loc);
  }
  return acc;
}
