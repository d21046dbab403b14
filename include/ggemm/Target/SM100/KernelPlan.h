//===- KernelPlan.h - compile-time layout of the sm_100a kernel -*- C++ -*-===//
//
// Shared memory, Tensor Memory, descriptors and register estimates of the
// persistent tcgen05 kernel, checked against sm_100a before any IR is built
// (docs/sm100-kernel.md). The target checks it when it plans a kernel; the
// lowering reads the layout of a planned kernel.
//
//===----------------------------------------------------------------------===//

#ifndef GGEMM_TARGET_SM100_KERNELPLAN_H
#define GGEMM_TARGET_SM100_KERNELPLAN_H

#include "ggemm/Target/TargetInfo.h"

namespace mlir::ggemm {

/// Threads of one CTA: producer warp, MMA warp, 4 epilogue warps, scale
/// warp.
constexpr int64_t kSM100Threads = 224;

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
  /// How row-major scale factors reach the atoms: the producer's TMA of
  /// the tile's rows into the stage's staging area, then a transpose by the
  /// scale warp (every K a multiple of 256, so a row's factors of a K tile
  /// are 16 aligned bytes), or else plain loads by the scale warp.
  bool scaleTma = false;
  /// Shared memory, in bytes from the 1024-aligned base: stage s holds
  /// A, B, SFA (4 atoms), SFB (4 x sfbAtoms atoms, atom a of MMA i at
  /// (a * 4 + i) * 512); after the stages, with scaleTma, one staging area
  /// per stage for the tile's rows of SFA and SFB (16 bytes each; stage s
  /// at stagingOffset + s * (rawSfaBytes + rawSfbBytes)); the epilogue's
  /// rows of C; then the mbarriers and the TMEM address slot.
  int64_t aBytes = 0, bBytes = 0, sfaBytes = 0, sfbBytes = 0, stageBytes = 0;
  int64_t stagingOffset = 0, rawSfaBytes = 0, rawSfbBytes = 0;
  /// The epilogue's f16 rows of C (one per accumulator row, rows
  /// epilogueRowPitch bytes apart: tile N x 2 + 16, so that 16-byte stores
  /// of 32 rows hit every bank), which bulk copies store to global memory.
  int64_t epilogueOffset = 0, epilogueRowPitch = 0;
  int64_t barrierOffset = 0, tmemSlotOffset = 0;
  /// Dynamic shared memory to request (with 1024 bytes to align the base).
  int64_t sharedBytes = 0;
  /// Tensor Memory columns: accumulator b at b * tile N, the scale factors
  /// of the j-th K tile the MMA warp consumes in slot j % sfSlots, at
  /// 2 * tile N + slot * sfColumnsPerStage. sfSlots is the stage count
  /// where that fits in 512 columns, else as many slots as fit (the MMA
  /// warp then waits for the MMAs that read a slot before it copies the
  /// next K tile's factors into it).
  int64_t sfColumnsPerStage = 0, sfSlots = 0;
  int64_t tmemColumnsUsed = 0, tmemAllocColumns = 0;
  /// Registers an epilogue thread needs: a row of the accumulator plus the
  /// addressing around it (the largest role; see checkSM100Kernel).
  int64_t epilogueRegisters = 0;
  /// The 32-bit instruction descriptor of every MMA of the kernel.
  uint32_t instrDesc = 0;
};

/// The layout of the kernel for `problem`: arithmetic on its schedule and
/// shapes, which never fails (checkSM100Kernel says whether it fits).
SM100Plan layoutSM100Kernel(const KernelProblem &problem);
/// Why the kernel of `layout` (layoutSM100Kernel(problem)) does not fit
/// sm_100a, in one sentence for a diagnostic, or "".
std::string checkSM100Kernel(const KernelProblem &problem,
                             const SM100Plan &layout);

} // namespace mlir::ggemm

#endif // GGEMM_TARGET_SM100_KERNELPLAN_H
