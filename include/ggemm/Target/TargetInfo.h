//===- TargetInfo.h - the one description of each target chip --*- C++ -*-===//
//
// Everything ggemm knows about a chip, in one place: its SM count, its
// shared-memory limit, which schedules its kernel can take, and the launch
// shape and resources of that kernel. `ggemm-tile`, `ggemm-outline-kernel`,
// the kernel-level passes and `convert-ggemm-to-nvvm` all read it, so no
// pass accepts a tile that a later one refuses.
//
//===----------------------------------------------------------------------===//

#ifndef GGEMM_TARGET_TARGETINFO_H
#define GGEMM_TARGET_TARGETINFO_H

#include "GGemm/GGemmOps.h"

#include <string>

namespace mlir::ggemm {

/// The chip every pass and pipeline uses unless told otherwise: the one the
/// project can run and measure.
inline constexpr llvm::StringLiteral kDefaultChip = "sm_90a";

/// Problem facts a kernel is specialised for (the C++ view of
/// #ggemm.kernel_problem).
struct KernelProblem {
  bool listForm = true;
  bool hasAlpha = false;
  ScaleLayout scales = ScaleLayout::row_major;
  SmallVector<GroupShape> groups; // m is dynamic in rows<contiguous>
  ScheduleAttr schedule;
  /// The kernel loads row-major SFA/SFB with TMA too: each operand set has
  /// four tensor maps (a, b, sfa, sfb) instead of two (a, b). Set by
  /// planKernel.
  bool scaleMaps = false;

  int64_t mapsPerSet() const { return scaleMaps ? 4 : 2; }

  static KernelProblem fromAttr(KernelProblemAttr attr);
  /// The problem of a grouped op (grouped_matmul, mma_tile) under
  /// `schedule`.
  static KernelProblem fromOperands(const GroupedOperands &operands,
                                    ScheduleAttr schedule);
  KernelProblemAttr toAttr(MLIRContext *ctx, StringRef chip) const;
};

/// Launch shape and resources of one kernel.
struct KernelResources {
  int64_t threads = 0;
  int64_t sharedBytes = 0;
  int64_t tensorMemoryColumns = 0; // allocated per CTA (sm_100a), else 0
  StringRef swizzle = "none";      // of the A/B tensor maps
  bool scaleMaps = false;          // see KernelProblem::scaleMaps
};

/// One warp role of the chip's kernel (ggemm-warp-specialize).
struct RoleSpec {
  StringRef name;
  int64_t firstWarp, numWarps;
  int64_t maxRegisters; // setmaxnreg budget; 0: none
};

/// One chip.
struct TargetInfo {
  StringRef chip;
  int64_t numSMs;
  /// Dynamic shared memory one CTA may opt into.
  int64_t maxSharedMemory;
  /// Tile shapes `ggemm-tile` offers (the kernel may refuse a problem for
  /// other reasons: resources, scale layout; checkProblem says which).
  ArrayRef<int64_t> tileM, tileN, tileK;
  /// The warp roles of its kernel, in the order ggemm-warp-specialize
  /// creates them.
  ArrayRef<RoleSpec> roles;
  /// Why tile N is limited to `tileN`, for the diagnostic; may be empty.
  StringRef tileNReason;

  /// The target named `chip`, or null.
  static const TargetInfo *lookup(StringRef chip);
  /// "sm_100a, sm_90a": for diagnostics.
  static std::string knownChips();

  /// Why the kernel cannot take these tile sizes, or "".
  std::string checkTile(int64_t m, int64_t n, int64_t k) const;
  /// Why a split-K kernel of this chip cannot take `problem` (all its CTAs
  /// must be resident), or "" (also for split_k = 1).
  std::string checkSplitK(const KernelProblem &p) const;
  /// Why the kernel for this chip cannot take `problem` (tile, split-K,
  /// scale layout, resources), or "". On success fills `resources` and
  /// `problem.scaleMaps`.
  std::string planKernel(KernelProblem &problem,
                         KernelResources &resources) const;
};

} // namespace mlir::ggemm

#endif // GGEMM_TARGET_TARGETINFO_H
