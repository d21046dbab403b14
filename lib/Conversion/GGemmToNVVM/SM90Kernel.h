//===- SM90Kernel.h - the sm_90a tile code (private) ------------*- C++ -*-===//
//
// The Hopper kernel's roles: a producer warp (TMA loads of packed A/B into
// the ring of 128B-swizzled shared-memory stages) and two consumer
// warpgroups (exact NVFP4 -> f16 decode into shared operand buffers, wgmma
// m64n128k16 with f32 accumulators, weights on wgmma's M side and tokens on
// its N side, f16 epilogue), joined by the ring's full/empty mbarriers.
//
//===----------------------------------------------------------------------===//

#ifndef GGEMM_LIB_CONVERSION_GGEMMTONVVM_SM90KERNEL_H
#define GGEMM_LIB_CONVERSION_GGEMMTONVVM_SM90KERNEL_H

#include "KernelCommon.h"
#include "ggemm/Target/SM90/KernelPlan.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::ggemm {

/// Builds the per-CTA state (shared-memory views, decode tables, mbarriers)
/// at the start of the kernel, then emits tiles on request.
/// What the prologue of one kernel defines and every later part reads.
struct SM90KernelState {
  Value tid, lane, smem, smemBase, loadIter, consumeIter;
};

/// Emits the parts of one kernel at the builder's insertion point; the
/// prologue fills `state`, which the other parts read (one builder per
/// rewrite: `b` is the pattern's rewriter).
class SM90KernelBuilder {
public:
  /// `params`: the kernel arguments (tensor maps, C pointers, scale
  /// pointers, group sizes, alpha), as in docs/kernel-abi.md.
  SM90KernelBuilder(OpBuilder &b, Location loc, const KernelProblem &problem,
                    ValueRange params, SM90KernelState &state);

  /// Emits the prologue (ggemm.ring) at the current insertion point: the
  /// ring's full/empty mbarriers, the roles' counters.
  void emitPrologue();
  /// The producer warp's part of one tile (ggemm.load_tile): every K tile
  /// (of K split `split`, when not null) into the next free stage by TMA.
  void emitProducerTile(Value group, Value rowBase, Value m0, Value n0,
                        Value split = Value());
  /// The consumer warpgroups' part (ggemm.compute_tile): per K tile and
  /// decode step, decode into an f16 buffer and issue wgmma on it; release
  /// each stage; then the f16 epilogue, or with split-K (`split`, `work`
  /// not null) the f32 partial into its workspace slot (emitPartialSlot).
  void emitConsumerTile(Value group, Value rowBase, Value m0, Value n0,
                        Value split = Value(), Value work = Value());
  /// The producer after its last tile (ggemm.drain_ring).
  void emitDrain();
  /// Emits `body` for lane 0 of the producer warp (inside the producer
  /// role): the thread that issues TMA.
  void ifProducerLeader(function_ref<void()> body);

private:
  Value sharedPtr(Value byteOffset);
  Value fullBarrier(Value stage);
  Value emptyBarrier(Value stage);
  Value stageOffset(Value stage);
  Value loadScales(Value base, Value row, Value block, Value kBlocks);
  Value loadPiece(Value src);
  void decodeChunk(Value packed, Value dst, Value scales, int64_t step);
  Value descriptor(Value byteOffset);
  void emitEpilogue(const GroupFacts &g, Value result, Value rowBase,
                    Value m0, Value n0, Value warp, Value warpgroup,
                    Value slot);
  void consumerBarrier();
  Value idx(int64_t v);
  Value i32(int64_t v);

  OpBuilder &b;
  Location loc;
  const KernelProblem &problem;
  SmallVector<Value> params;
  int64_t tileM, tileN, tileK, stages, stageBytes, bufferBytes, ringOffset;
  Value &tid, &lane, &smem, &smemBase, &loadIter, &consumeIter;
};

/// Patterns lowering the ops of the sm_90a kernel's roles in one kernel
/// (ggemm.load_tile, ggemm.compute_tile, ggemm.drain_ring) after its
/// prologue filled `state`.
void populateSM90KernelPatterns(RewritePatternSet &patterns,
                                const KernelProblem &problem,
                                ValueRange params, SM90KernelState &state);

} // namespace mlir::ggemm

#endif // GGEMM_LIB_CONVERSION_GGEMMTONVVM_SM90KERNEL_H
