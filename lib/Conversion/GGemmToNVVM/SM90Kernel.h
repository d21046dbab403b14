//===- SM90Kernel.h - the sm_90a tile code (private) ------------*- C++ -*-===//
//
// The Hopper kernel's roles: a producer warp (TMA loads of packed A/B into
// the ring of 128B-swizzled shared-memory stages) and two consumer
// warpgroups (exact NVFP4 -> f16 decode into shared operand buffers, or at
// 16 and 32 tokens the weights into wgmma's A registers; wgmma m64nMk16
// with f32 accumulators, weights on wgmma's M side and tokens on its N side;
// f16 epilogue), joined by the ring's full/empty mbarriers.
//
// One file per family: SM90Kernel.cpp (the builder, prologue, producer,
// patterns), SM90Decode.cpp (e2m1 -> f16), SM90Wgmma.cpp (descriptors,
// wgmma with A in registers), SM90Consumer.cpp (the MMA loop),
// SM90TokenRing.cpp (predecoded tokens' ring: its slots, the producer's
// relay, the consumers' steps), SM90Epilogue.cpp (the accumulators out:
// f16 or split-K partials).
//
//===----------------------------------------------------------------------===//

#ifndef GGEMM_LIB_CONVERSION_GGEMMTONVVM_SM90KERNEL_H
#define GGEMM_LIB_CONVERSION_GGEMMTONVVM_SM90KERNEL_H

#include "KernelCommon.h"
#include "ggemm/Target/SM90/KernelPlan.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/PatternMatch.h"

#include <array>

namespace mlir::ggemm {

/// Sizes the sm_90a kernel's files share.
namespace sm90 {
constexpr int64_t kWgmmaM = 64, kWgmmaK = 16;
// A core matrix of wgmma's no-swizzle layout: 8 rows of 16 bytes.
constexpr int64_t kCoreBytes = 128;
// Bytes of one 8-row group of a decode buffer (kSM90DecodeK f16 per row):
// the descriptor's stride byte offset; adjacent K cores are kCoreBytes apart
// (its leading byte offset).
constexpr int64_t kRowGroupBytes = kSM90DecodeK / 8 * kCoreBytes;
// Bytes of one piece a thread decodes (32 codes).
constexpr int64_t kPieceBytes = 16;
// Each decoded operand is its value times 2^-14 (see SM90Decode.cpp), so a
// product in the accumulators is times 2^-28; the epilogue undoes it.
constexpr double kDecodeScale = 268435456.0; // 2^28
// Named barrier of the two consumer warpgroups (0 is the CTA barrier).
constexpr int64_t kConsumerBarrier = 1;

// SM90Decode.cpp: the exact e2m1 -> f16 decode, shared by the kernel's
// consumers and the decode kernel (SM90Tokens.cpp).
/// Four codes (low nibbles of `codes`' bytes) times the f16 pair `scale`:
/// two f16 pairs, bytes 0-1 then 2-3.
std::pair<Value, Value> decodeFourCodes(OpBuilder &b, Location loc,
                                        Value codes, Value scale);
/// The two UE4M3 bytes of `scales` (i64) at bit `shift` as f16 pairs.
std::pair<Value, Value> scalePairs(OpBuilder &b, Location loc, Value scales,
                                   Value shift);
/// One word of 8 codes as its 16-byte f16 row (codes 0 2 4 6 1 3 5 7),
/// vector<4xi32>, scaled by the f16 pair `scale`.
Value decodeWord(OpBuilder &b, Location loc, Value word, Value scale);

// SM90Wgmma.cpp.
/// The four A registers of k16 step `ks` from `pairs` (pairs[2 r + p]:
/// decodeFragmentPairs of fragment row r's piece p).
std::array<Value, 4> fragmentOf(ArrayRef<SmallVector<Value, 4>> pairs,
                                int64_t ks);
} // namespace sm90

/// What the prologue of one kernel defines and every later part reads; it
/// travels from the lowered ggemm.ring to the roles' ops in the IR
/// (packRingState, KernelCommon.h).
struct SM90KernelState {
  Value tid, lane, smemBase, loadIter, consumeIter;

  SmallVector<Value> values() const {
    return {tid, lane, smemBase, loadIter, consumeIter};
  }
  /// The state of the lowered ring `ring`.
  static SM90KernelState fromRing(Value ring) {
    ValueRange v = unpackRingState(ring);
    assert(v.size() == 5 && "the ring's prologue was emitted");
    return {v[0], v[1], v[2], v[3], v[4]};
  }
};

/// Emits the parts of one kernel at the builder's insertion point (one
/// builder per rewrite: `b` is the pattern's rewriter). The ring's pattern
/// builds the prologue into a fresh `state`, which the ring's value then
/// carries (SM90KernelState::fromRing); the role patterns pass that in.
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
  // SM90Kernel.cpp: shared memory, the ring, the consumers' barrier.
  Value sharedPtr(Value byteOffset);
  Value fullBarrier(Value stage);
  Value emptyBarrier(Value stage);
  Value stageOffset(Value stage);
  void expectBytes(Value full, int64_t bytes);
  void consumerBarrier();
  void emitGatheredProducerTile(const GroupFacts &g, Value rowA, Value rowB,
                                Value m0, Value first);
  // SM90Decode.cpp.
  Value loadScales(Value base, Value row, Value block, Value kBlocks);
  Value loadCodes(Value src, int64_t bytes);
  void decodeChunk(Value packed, Value dst, Value scales, Value shift);
  void decodeHalfWord(Value packed, Value nibbleShift, Value dst,
                      Value scales, Value shift);
  SmallVector<Value, 4> decodeFragmentPairs(Value packed, Value select,
                                            Value nibbleShift, Value scales,
                                            Value shift);
  // SM90Wgmma.cpp: the descriptors of a decode buffer and of a token slot,
  // and wgmma with A from registers.
  Value descriptor(Value byteOffset);
  Value tokenDescriptor(Value byteOffset);
  Value wgmmaRegisterA(Value acc, ArrayRef<Value> fragment, Value descB);
  // SM90Consumer.cpp: a warp gives back a stage.
  void releaseStage(Value stage);
  // SM90TokenRing.cpp, with predecoded tokens. The token ring's barriers
  // and slots (slot t of decode step count c is c mod slots); the ring runs
  // kSM90DecodeK-wide steps in lockstep with the K tiles: tokenStep is the
  // count of step `step` of the K tile that follows `kTiles` K tiles.
  Value tokenStep(Value kTiles, int64_t step);
  Value tokenFullBarrier(Value slot);
  Value tokenEmptyBarrier(Value slot);
  Value tokenSlotOffset(Value slot);
  // Relayed tokens (sm90RelayedTokens): the producer warp passes step
  // count `count` - `back`'s slot (and at a K tile's first step its stage)
  // on to the consumers, who wait for token slot `slot` with bar.sync.
  Value tokenSlotBarrierId(Value slot);
  void relayTokens(Value count, int64_t back);
  void relayStep(Value count);
  void waitRelayedTokens(Value slot);
  // A warp gives back a token slot; one K tile's steps.
  void releaseTokenSlot(Value count, Value when = Value());
  Value emitPredecodedSteps(Value acc, ValueRange scales, Value tileK0,
                            Value kt, Value stage,
                            function_ref<SmallVector<Value>(int64_t)> pieces,
                            Value fragSelect, Value fragShift,
                            function_ref<SmallVector<Value>()> loadNextScales,
                            SmallVector<Value> &nextScales);
  // SM90Epilogue.cpp.
  void emitEpilogue(const GroupFacts &g, Value result, Value rowBase,
                    Value m0, Value n0, Value warp, Value warpgroup,
                    Value slot);
  Value idx(int64_t v);
  Value i32(int64_t v);

  OpBuilder &b;
  Location loc;
  const KernelProblem &problem;
  SmallVector<Value> params;
  int64_t tileM, tileN, tileK, stages, stageBytes, bufferBytes, ringOffset;
  int64_t steps; // decode steps (kSM90DecodeK wide) of a K tile
  bool predecoded, relayed;
  int64_t slots, slotBytes, tokenRingOffset, relayLag;
  Value &tid, &lane, &smemBase, &loadIter, &consumeIter;
};

/// Patterns lowering the ops of the sm_90a kernel in one kernel:
/// ggemm.ring (the prologue, whose state the ring's value carries on) and
/// the roles' ggemm.load_tile, ggemm.compute_tile and ggemm.drain_ring.
void populateSM90KernelPatterns(RewritePatternSet &patterns,
                                const KernelProblem &problem,
                                ValueRange params);

/// The pattern lowering ggemm.decode_tokens (SM90Tokens.cpp), the body of a
/// decode kernel of predecoded tokens.
void populateSM90TokensPatterns(RewritePatternSet &patterns);

} // namespace mlir::ggemm

#endif // GGEMM_LIB_CONVERSION_GGEMMTONVVM_SM90KERNEL_H
