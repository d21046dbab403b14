//===- SM100Kernel.h - the sm_100a tcgen05 kernel (private) -----*- C++ -*-===//
//
// Emits the persistent, warp-specialized Blackwell kernel of one grouped
// NVFP4 GEMM from upstream NVVM ops. Three roles, one CTA of 6 warps:
//
//   warp 0     producer: TMA loads of packed A/B (128B swizzle) and of the
//              scale factors into a ring of `stages` shared-memory buffers;
//   warp 1     MMA: owns Tensor Memory; one elected thread copies the scale
//              factors into TMEM (tcgen05.cp) and issues 4 tcgen05.mma
//              block_scale kind::mxf4nvf4 block16 (K = 64 each) per 256-wide
//              K tile into one of two TMEM accumulators, and commits to
//              mbarriers;
//   warps 2-5  epilogue: tcgen05.ld of the accumulator (warp w reads lanes
//              32 * (w % 4) ..), alpha, f16, masked vector stores.
//
// Every role runs the same persistent tile loop (the scheduler shared with
// the CPU path), so they agree on the tile sequence without talking about
// it; they talk only through mbarriers. docs/sm100-kernel.md has the
// protocol, the memory budgets and what verified this code.
//
//===----------------------------------------------------------------------===//

#ifndef GGEMM_LIB_CONVERSION_GGEMMTONVVM_SM100KERNEL_H
#define GGEMM_LIB_CONVERSION_GGEMMTONVVM_SM100KERNEL_H

#include "KernelCommon.h"

namespace mlir::ggemm {

/// Threads of one CTA: producer warp, MMA warp, 4 epilogue warps.
constexpr int64_t kSM100Threads = 192;

/// The compile-time layout of one kernel: shared memory, Tensor Memory,
/// descriptors, and the resource estimates checked against sm_100a.
struct SM100Plan {
  int64_t tileM = 0, tileN = 0, tileK = 0, stages = 0;
  bool blockedScales = false;
  /// Some group's K is not a multiple of tile K: its last K tile issues
  /// only the MMAs of the K steps it has.
  bool kTail = false;
  /// 128-row scale-factor atoms of B per MMA: ceil(tile N / 128).
  int64_t sfbAtoms = 0;
  /// How row-major scale factors reach the atoms: TMA of the tile's rows
  /// into a staging area, then a transpose by the producer warp (every K a
  /// multiple of 256, so a row's factors of a K tile are 16 aligned bytes),
  /// or else plain loads by the producer warp.
  bool scaleTma = false;
  /// Shared memory, in bytes from the 1024-aligned base: stage s holds
  /// A, B, SFA (4 atoms), SFB (4 x sfbAtoms atoms, atom a of MMA i at
  /// (a * 4 + i) * 512); after the stages, with scaleTma, one staging area
  /// for the tile's rows of SFA and SFB (16 bytes each); then the mbarriers
  /// and the TMEM address slot.
  int64_t aBytes = 0, bBytes = 0, sfaBytes = 0, sfbBytes = 0, stageBytes = 0;
  int64_t stagingOffset = 0, rawSfaBytes = 0, rawSfbBytes = 0;
  int64_t barrierOffset = 0, tmemSlotOffset = 0;
  /// Dynamic shared memory to request (with 1024 bytes to align the base).
  int64_t sharedBytes = 0;
  /// Tensor Memory columns: accumulator b at b * tile N, the scale factors
  /// of stage s at 2 * tile N + s * sfColumnsPerStage.
  int64_t sfColumnsPerStage = 0, tmemColumnsUsed = 0, tmemAllocColumns = 0;
  /// Registers an epilogue thread needs: a row of the accumulator plus the
  /// addressing around it (the largest role; see planSM100Kernel).
  int64_t epilogueRegisters = 0;
  /// The 32-bit instruction descriptor of every MMA of the kernel.
  uint32_t instrDesc = 0;
};

/// Plans the kernel for `problem`. Returns "" and fills `plan`, or the
/// reason the problem does not fit sm_100a (one sentence, for a diagnostic).
std::string planSM100Kernel(const KernelProblem &problem, SM100Plan &plan);

/// Builds the per-CTA state at the start of the kernel and the code of one
/// role for one tile on request.
class SM100KernelBuilder {
public:
  enum class Role { Producer, Mma, Epilogue };

  /// `params`: the kernel arguments (tensor maps, C pointers, scale
  /// pointers, group sizes, alpha), as in docs/kernel-abi.md.
  SM100KernelBuilder(OpBuilder &b, Location loc, const KernelProblem &problem,
                     const SM100Plan &plan, ValueRange params);

  /// Shared memory base, mbarrier init, TMEM allocation (warp 1), counters.
  void emitPrologue();
  /// True (i1) in the threads of `role`.
  Value isRole(Role role);
  /// `role`'s part of one output tile (the body of one ggemm.mma_tile).
  void emitTile(Role role, Value group, Value rowBase, Value m0, Value n0);
  /// What `role` does after its last tile (the producer waits until the
  /// MMAs released every stage, so no tcgen05.commit arrives on a barrier
  /// of a CTA that has exited).
  void emitRoleEnd(Role role);
  /// Join all roles; warp 1 frees Tensor Memory.
  void emitTeardown();

private:
  void forEachKTile(
      const GroupFacts &g, Value first,
      function_ref<void(Value kt, Value stage, Value phase, Value validSteps)>
          body);
  void emitProducerTile(const GroupFacts &g, Value rowBase, Value m0, Value n0);
  void emitScaleGather(const GroupFacts &g, Value kt, Value stage,
                       Value rowBase, Value m0, Value n0);
  void emitScaleTranspose(Value stage, Value loaded);
  void storeScaleWord(Value word, Value stage, int64_t part, int64_t q,
                      int64_t mma);
  void publishScales(Value stage);
  void emitMmaTile(const GroupFacts &g);
  void emitEpilogueTile(const GroupFacts &g, Value rowBase, Value m0, Value n0);

  // Shared memory: pointers and 32-bit shared-window addresses.
  Value sharedPtr(Value byteOffset);
  Value sharedAddress(Value byteOffset);
  Value stageOffset(Value stage, int64_t part);
  Value fullBarrier(Value stage);
  Value emptyBarrier(Value stage);
  Value accFullBarrier(Value buffer);
  Value accEmptyBarrier(Value buffer);
  Value scaleBarrier();
  Value barrierAt(Value index);
  void waitParity(Value barrier, Value parity);
  /// Waits until the consumer released a buffer whose current round has
  /// phase parity `phase`: the completion of the previous round (a fresh
  /// barrier passes at once).
  void waitReleased(Value barrier, Value phase);
  /// Where the `count`-th use of a ring of `size` buffers lands: buffer
  /// count % size, in a round of phase parity (count / size) % 2.
  struct RingPosition {
    Value index, phase;
  };
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
  Value tid, warp, lane, smemBase, smemBase64, tmemBase;
  Value loadIter, mmaIter, tileIter;
};

} // namespace mlir::ggemm

#endif // GGEMM_LIB_CONVERSION_GGEMMTONVVM_SM100KERNEL_H
