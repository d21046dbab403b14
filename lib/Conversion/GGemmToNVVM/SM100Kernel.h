//===- SM100Kernel.h - the sm_100a tcgen05 kernel (private) -----*- C++ -*-===//
//
// Emits the persistent, warp-specialized Blackwell kernel of one grouped
// NVFP4 GEMM from upstream NVVM ops. Four roles, one CTA of 7 warps:
//
//   warp 0     producer: TMA loads of packed A/B (128B swizzle) and of the
//              scale factors into a ring of `stages` shared-memory buffers;
//              it waits only for free stages;
//   warp 1     MMA: owns Tensor Memory; one elected thread copies the scale
//              factors into TMEM (tcgen05.cp) and issues 4 tcgen05.mma
//              block_scale kind::mxf4nvf4 block16 (K = 64 each) per 256-wide
//              K tile into one of two TMEM accumulators, and commits to
//              mbarriers;
//   warps 2-5  epilogue: tcgen05.ld of the accumulator (warp w reads lanes
//              32 * (w % 4) ..), alpha, f16 into shared memory, one bulk
//              copy per row into C;
//   warp 6     scales: row-major scale factors into the 512-byte atoms
//              tcgen05.cp reads (a transpose of the rows the producer
//              loaded, or plain loads where K has tails); nothing with
//              blocked_128x4 scales, which the producer copies as atoms.
//
// Every role runs the same persistent tile loop (the scheduler shared with
// the CPU path), so they agree on the tile sequence without talking about
// it; they talk only through mbarriers. With split_k > 1 each role covers
// the K tiles of the work item's split, the epilogue stores f32 partials
// into the workspace, and the grid barrier and the reduction follow the
// roles (SplitK.cpp). docs/sm100-kernel.md has the
// protocol, the memory budgets and what verified this code.
//
//===----------------------------------------------------------------------===//

#ifndef GGEMM_LIB_CONVERSION_GGEMMTONVVM_SM100KERNEL_H
#define GGEMM_LIB_CONVERSION_GGEMMTONVVM_SM100KERNEL_H

#include "KernelCommon.h"

#include "mlir/IR/PatternMatch.h"
#include "ggemm/Target/SM100/Encodings.h"
#include "ggemm/Target/SM100/KernelPlan.h"

namespace mlir::ggemm {

/// Facts of the tcgen05 kernel that its files share.
namespace sm100kernel {
constexpr int64_t kMmaK = ::ggemm::sm100::kBlock16MmaK;      // 64 elements
constexpr int64_t kMmaKBytes = kMmaK / 2;                    // 32 bytes
constexpr int64_t kAtomBytes = ::ggemm::sm100::kSfAtomBytes; // 512
constexpr int64_t kSwizzleBytes = 128; // one swizzled row
/// The warp that owns Tensor Memory (the roles' warps come from the
/// target's role table, TargetInfo.cpp; only the MMA warp's is needed here,
/// for allocating and freeing Tensor Memory).
constexpr int64_t kMmaWarp = 1;
constexpr int64_t kEpilogueThreads = 128;
} // namespace sm100kernel

/// What the prologue of one kernel defines and every role reads; it
/// travels from the lowered ggemm.ring to the roles' ops in the IR
/// (packRingState, KernelCommon.h).
struct SM100KernelState {
  Value tid, warp, lane, smemBase, smemBase64, tmemBase;
  Value loadIter, mmaIter, tileIter;

  SmallVector<Value> values() const {
    return {tid,      warp,     lane,    smemBase, smemBase64,
            tmemBase, loadIter, mmaIter, tileIter};
  }
  /// The state of the lowered ring `ring`.
  static SM100KernelState fromRing(Value ring) {
    ValueRange v = unpackRingState(ring);
    assert(v.size() == 9 && "the ring's prologue was emitted");
    return {v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8]};
  }
};

/// Builds the per-CTA state at the start of the kernel (into a
/// SM100KernelState, which the ring's value then carries:
/// SM100KernelState::fromRing) and the code of one role for one tile on
/// request (one builder per rewrite: `b` is the pattern's rewriter).
class SM100KernelBuilder {
public:

  /// `params`: the kernel arguments (tensor maps, C pointers, scale
  /// pointers, group sizes, alpha), as in docs/kernel-abi.md.
  SM100KernelBuilder(OpBuilder &b, Location loc, const KernelProblem &problem,
                     const SM100Plan &plan, ValueRange params,
                     SM100KernelState &state);

  /// Shared memory base, mbarrier init, TMEM allocation (warp 1), counters.
  void emitPrologue();
  /// True (i1) in the threads of the MMA warp.
  Value isMmaWarp();
  /// The facts of group `group` that every role's part of a tile reads;
  /// with split_k > 1 (`split` not null) its K range narrowed to the
  /// split's K tiles.
  GroupFacts emitTileFacts(Value group, Value rowBase, Value split);
  /// The roles' parts of one output tile (each role's pattern calls its
  /// own; one file each): producer (SM100Kernel.cpp), scales
  /// (SM100Scales.cpp), mma (Tcgen05Mma.cpp), epilogue (TmemEpilogue.cpp;
  /// `slot`: with split-K the tile's workspace slot, else null).
  void emitProducerTile(const GroupFacts &g, Value rowBase, Value m0, Value n0);
  void emitScaleTile(const GroupFacts &g, Value rowBase, Value m0, Value n0);
  void emitMmaTile(const GroupFacts &g);
  void emitEpilogueTile(const GroupFacts &g, Value rowBase, Value m0, Value n0,
                        Value slot);
  /// The workspace slot of split-K tile `op` (emitPartialSlot).
  Value emitPartialSlotOf(ComputeTileOp op);
  /// The producer after its last tile: wait until the MMAs released every
  /// stage, so no tcgen05.commit arrives on a barrier of a CTA that has
  /// exited.
  void emitProducerEnd();
  /// Emits `body` for lane 0 of the producer warp (call it inside the
  /// producer role): the thread that issues TMA.
  void ifProducerLeader(function_ref<void()> body);
  /// Join all roles; warp 1 frees Tensor Memory.
  void emitTeardown();

private:
  void forEachKTile(
      const GroupFacts &g, Value first,
      function_ref<void(Value kt, Value i, Value stage, Value phase,
                        Value validSteps)>
          body);
  void emitScaleGather(const GroupFacts &g, Value kt, Value stage,
                       Value rowBase, Value m0, Value n0);
  void emitScaleTranspose(Value stage, Value phase);
  void storeScaleWord(Value word, Value stage, int64_t part, int64_t q,
                      int64_t mma);
  void publishScales(Value stage);

  // Shared memory: pointers and 32-bit shared-window addresses.
  Value sharedPtr(Value byteOffset);
  Value sharedAddress(Value byteOffset);
  Value stageOffset(Value stage, int64_t part);
  Value fullBarrier(Value stage);
  Value emptyBarrier(Value stage);
  Value accFullBarrier(Value buffer);
  Value accEmptyBarrier(Value buffer);
  Value scaleFullBarrier(Value stage);
  Value stagingOffset(Value stage);
  Value barrierAt(Value index);
  void waitParity(Value barrier, Value parity);
  /// Waits until the consumer released a buffer whose current round has
  /// phase parity `phase`: the completion of the previous round (a fresh
  /// barrier passes at once).
  void waitReleased(Value barrier, Value phase);
  /// See emitRingPosition (KernelCommon.h).
  RingPosition ringPosition(Value count, int64_t size);
  // Descriptors and Tensor Memory.
  Value smemDescriptor(uint64_t fixedBits, Value address);
  Value tmemPtr(Value address);
  // Small helpers.
  Value idx(int64_t v);
  Value i32(int64_t v);
  Value toI32(Value index);
  Value loadCounter(Value counter);
  void storeCounter(Value counter, Value v);
  void ifThen(Value cond, function_ref<void()> body);

  OpBuilder &b;
  Location loc;
  const KernelProblem &problem;
  const SM100Plan &plan;
  SmallVector<Value> params;
  uint64_t operandDescBits = 0, sfDescBits = 0;
  Value &tid, &warp, &lane, &smemBase, &smemBase64, &tmemBase;
  Value &loadIter, &mmaIter, &tileIter;
};

/// What the patterns of the sm_100a kernel read besides the IR: the
/// kernel's problem, the layout of its plan and its parameters, all fixed
/// before any pattern runs. The prologue's state comes with the ring.
struct SM100Lowering {
  const KernelProblem &problem;
  const SM100Plan &plan;
  ValueRange params;
};

/// Lowers an `OpTy` of the sm_100a roles with a builder on the rewriter,
/// from the state its ring carries, by `emit` (the role's part, in the
/// role's file), given the tile's group facts (emitTileFacts; none for
/// ggemm.drain_ring). With `role`, only inside the ggemm.warp_specialize region
/// of that role (ggemm.load_tile is lowered differently by the producer
/// and scales roles, ggemm.compute_tile by mma and epilogue).
template <typename OpTy>
struct SM100RolePattern final : public OpRewritePattern<OpTy> {
  using Emit = void (*)(SM100KernelBuilder &, OpTy, const GroupFacts &);
  SM100RolePattern(MLIRContext *ctx, const SM100Lowering &lowering,
                   std::optional<WarpRole> role, Emit emit)
      : OpRewritePattern<OpTy>(ctx), lowering(lowering), role(role),
        emit(emit) {}

  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    if (role) {
      RoleAttr in = WarpSpecializeOp::getRoleOf(op);
      if (!in || in.getRole() != *role)
        return failure();
    }
    SM100KernelState state = SM100KernelState::fromRing(op.getRing());
    SM100KernelBuilder builder(rewriter, op.getLoc(), lowering.problem,
                               lowering.plan, lowering.params, state);
    GroupFacts g;
    if constexpr (!std::is_same_v<OpTy, DrainRingOp>)
      g = builder.emitTileFacts(op.getGroup(), op.getRowBase(),
                                op.getSplit());
    emit(builder, op, g);
    rewriter.eraseOp(op);
    return success();
  }

  SM100Lowering lowering;
  std::optional<WarpRole> role;
  Emit emit;
};

/// The prologue (ggemm.ring: shared memory, mbarriers, Tensor Memory) and
/// the teardown after the roles, and the producer role's patterns
/// (ggemm.load_tile, ggemm.drain_ring; SM100Kernel.cpp).
void populateSM100ProducerPatterns(RewritePatternSet &patterns,
                                   const SM100Lowering &lowering);
/// Pattern of the scale role (ggemm.load_tile in role scales;
/// SM100Scales.cpp).
void populateSM100ScalePatterns(RewritePatternSet &patterns,
                                const SM100Lowering &lowering);
/// Pattern of the MMA role (ggemm.compute_tile in role "mma";
/// Tcgen05Mma.cpp).
void populateTcgen05MmaPatterns(RewritePatternSet &patterns,
                                const SM100Lowering &lowering);
/// Pattern of the epilogue role (ggemm.compute_tile in role "epilogue";
/// TmemEpilogue.cpp).
void populateTmemEpiloguePatterns(RewritePatternSet &patterns,
                                  const SM100Lowering &lowering);

} // namespace mlir::ggemm

#endif // GGEMM_LIB_CONVERSION_GGEMMTONVVM_SM100KERNEL_H
