//===- TargetInfo.h - the one description of each target chip --*- C++ -*-===//
//
// Everything ggemm knows about a chip, behind one interface with one
// implementation per chip (lib/Target/SM90, lib/Target/SM100): its SM count,
// its shared-memory limit, which tiles its kernel takes, its warp roles, its
// PTX features, and the plan of its kernel for a problem.
//
// The chip enters the IR once, as `ggemm-tile`'s option, and from then on
// is the `target` of the schedule (#ggemm.schedule). `ggemm-outline-kernel`
// plans each kernel once (planKernel) and stores the plan as
// #ggemm.kernel_plan; the later passes read it and check it (verifyPlan),
// never plan again. docs/architecture.md, "Targets", says what adding a
// chip touches.
//
//===----------------------------------------------------------------------===//

#ifndef GGEMM_TARGET_TARGETINFO_H
#define GGEMM_TARGET_TARGETINFO_H

#include "GGemm/GGemmOps.h"

#include <array>
#include <string>

namespace mlir::ggemm {

/// The chip every pass and pipeline uses unless told otherwise: the one the
/// project can run and measure.
inline constexpr Chip kDefaultChip = Chip::sm_90a;

/// Problem facts a kernel is specialised for (the C++ view of
/// #ggemm.kernel_problem).
struct KernelProblem {
  RowsKind rows = RowsKind::list;
  bool hasAlpha = false;
  ScaleLayout scales = ScaleLayout::row_major;
  SmallVector<GroupShape> groups; // m: dynamic (contiguous, offsets), max_m (masked)
  ScheduleAttr schedule;
  /// The kernel loads row-major SFA/SFB with TMA too: each operand set has
  /// four tensor maps (a, b, sfa, sfb) instead of two (a, b). Set by
  /// planKernel (and read back from a plan by withPlan).
  bool scaleMaps = false;

  /// One buffer per group and operand (rows<list>); every other layout
  /// has one operand set.
  bool isListForm() const { return rows == RowsKind::list; }
  int64_t mapsPerSet() const { return scaleMaps ? 4 : 2; }
  Chip chip() const { return schedule.getTarget(); }

  static KernelProblem fromAttr(KernelProblemAttr attr);
  /// The problem of a grouped op (grouped_matmul, mma_tile) under
  /// `schedule`.
  static KernelProblem fromOperands(const GroupedOperands &operands,
                                    ScheduleAttr schedule);
  KernelProblemAttr toAttr(MLIRContext *ctx) const;
  /// This problem with the decisions of `plan` that the lowering reads
  /// (scaleMaps).
  KernelProblem withPlan(KernelPlanAttr plan) const;
};

/// One warp role of the chip's kernel (ggemm-warp-specialize).
struct RoleSpec {
  WarpRole role;
  int64_t firstWarp, numWarps;
  int64_t maxRegisters; // setmaxnreg budget; 0: none
};

/// Launch shape and resources of one kernel, as a chip plans them (the
/// chip-specific part of #ggemm.kernel_plan).
struct KernelResources {
  int64_t threads = 0;
  int64_t sharedBytes = 0;
  int64_t tensorMemoryColumns = 0; // allocated per CTA (sm_100a), else 0
  StringRef swizzle = "none";      // of the A/B tensor maps
  bool scaleMaps = false;          // see KernelProblem::scaleMaps
  /// Base-address alignment the kernel needs of a, b, sfa, sfb, c.
  std::array<int64_t, 5> alignment = {1, 1, 1, 1, 1};
  /// The warp roles of this kernel when they differ from the chip's
  /// (TargetInfo::roles); empty: the chip's.
  ArrayRef<RoleSpec> roles;
};

/// The cost model's constants of one chip (CostModel.h,
/// docs/cost-model.md): measured by microbenchmarks (bench/micro) for a chip
/// we can run, taken from public specifications otherwise.
struct CostConstants {
  double clockGHz;
  double dramGBps;             // DRAM read bandwidth
  double mmaFlopsPerCycle;     // per SM, the kernel's MMA
  double decodeCyclesPerPiece; // per decoding thread, one 16-byte piece
  double stepCycles;           // fixed cost of one 64-K step
  double tileCycles;           // fixed cost of one output tile
  double launchUs;             // launch of the persistent kernel
  double dramLatencyNs;
};

/// Work of one 64-K step of one output tile, as a chip's kernel does it.
struct StepWork {
  double mmaFlops = 0; // multiply-adds x 2
  /// 16-byte pieces of e2m1 the busiest decoding thread decodes (0: the
  /// kernel does not decode). A barrier ends each step, so the busiest
  /// thread sets its length.
  double decodePieces = 0;
};

/// Dynamic shared memory one CTA of sm_90a or sm_100a may opt into: 227 KiB,
/// less 16 bytes. The opt-in limit counts static shared memory too, and the
/// lowering of gpu.dynamic_shared_memory declares the region's base as a
/// 1-byte, 16-aligned static symbol (ptxas reports "1 bytes smem"): a
/// launch asking for all 227 KiB dynamic is refused
/// (CUDA_ERROR_INVALID_VALUE on an H100, 2026-12-06).
constexpr int64_t kMaxDynamicSharedMemory = 227 * 1024 - 16;

/// One chip. Each chip's folder defines one instance (TargetInfo::get).
class TargetInfo {
public:
  Chip chip;
  int64_t numSMs;
  /// Dynamic shared memory one CTA may opt into.
  int64_t maxSharedMemory;
  /// Tile shapes `ggemm-tile` offers (the kernel may refuse a problem for
  /// other reasons: resources, scale layout; planKernel says which).
  ArrayRef<int64_t> tileM, tileN, tileK;
  /// Why tile N is limited to `tileN`, for the diagnostic; may be empty.
  StringRef tileNReason;
  /// The warp roles of its kernel, in the order ggemm-warp-specialize
  /// creates them.
  ArrayRef<RoleSpec> roles;
  /// The PTX ISA the kernel's instructions need (the NVPTX features of the
  /// gpu.module's #nvvm.target).
  StringRef ptxFeatures;

  TargetInfo(Chip chip, int64_t numSMs, int64_t maxSharedMemory,
             ArrayRef<int64_t> tileM, ArrayRef<int64_t> tileN,
             ArrayRef<int64_t> tileK, StringRef tileNReason,
             ArrayRef<RoleSpec> roles, StringRef ptxFeatures)
      : chip(chip), numSMs(numSMs), maxSharedMemory(maxSharedMemory),
        tileM(tileM), tileN(tileN), tileK(tileK), tileNReason(tileNReason),
        roles(roles), ptxFeatures(ptxFeatures) {}
  virtual ~TargetInfo();

  /// The description of `chip` (every chip of the enum has one).
  static const TargetInfo &get(Chip chip);
  /// The chip named `name`, or failure with the reason in `why` (the known
  /// chips, and the likely one meant: "sm_100" -> "sm_100a").
  static FailureOr<Chip> parseChip(StringRef name, std::string &why);
  /// "sm_90a, sm_100a": for diagnostics.
  static std::string knownChips();
  StringRef name() const { return stringifyChip(chip); }

  /// Why the kernel cannot take these tile sizes, or "".
  std::string checkTile(int64_t m, int64_t n, int64_t k) const;
  /// Why a split-K kernel of this chip cannot take `problem` (all its CTAs
  /// must be resident), or "" (also for split_k = 1).
  std::string checkSplitK(const KernelProblem &p) const;
  /// How many of the persistent kernel's CTAs share an SM: a grid of more
  /// CTAs than SMs puts ceil(grid / SMs) on each, all resident at once
  /// (docs/cost-model.md, "CTAs per SM").
  int64_t ctasPerSM(ScheduleAttr schedule) const;
  /// Why `ctas` CTAs of `resources` cannot be resident together on one SM
  /// (shared memory, registers, Tensor Memory), or "".
  std::string checkResidency(int64_t ctas,
                             const KernelResources &resources) const;
  /// Why the kernel for this chip cannot take `problem` (tile, split-K,
  /// scale layout, resources), or "". On success sets `plan` and
  /// `problem.scaleMaps`.
  std::string planKernel(MLIRContext *ctx, KernelProblem &problem,
                         KernelPlanAttr &plan) const;
  /// Why `plan` is not the plan of `problem` on this chip (a plan edited by
  /// hand, or one made for another problem), naming the first field that
  /// differs, or "".
  std::string verifyPlan(const KernelProblem &problem,
                         KernelPlanAttr plan) const;

  /// The cost model's constants of this chip.
  virtual const CostConstants &costConstants() const = 0;
  /// What one 64-K step of a tile of `problem`'s schedule costs this
  /// chip's kernel (its tile M tokens x tile N weight rows, whether its
  /// tokens are predecoded, how the kernel decodes for that schedule).
  virtual StepWork stepWork(const KernelProblem &problem) const = 0;

protected:
  /// The chip's part of planKernel, after the tile and split-K checks.
  virtual std::string planResources(const KernelProblem &problem,
                                    KernelResources &resources) const = 0;
};

/// The kernel of `kernel` (a gpu.func made by ggemm-outline-kernel): its
/// problem and its plan, checked against the chip's, with the plan's
/// decisions applied to the problem. Emits a located error and fails when
/// either attribute is missing or the plan is not the chip's.
struct OutlinedKernel {
  KernelProblem problem;
  KernelPlanAttr plan;
  const TargetInfo *target;
};
FailureOr<OutlinedKernel> readOutlinedKernel(Operation *kernel);

/// Checks the plan of the #ggemm.launch on `host` against its problem's
/// chip, as readOutlinedKernel does for a kernel (the manifest and the
/// host-side launch are written from it).
LogicalResult verifyLaunchPlan(Operation *host, LaunchAttr launch);

} // namespace mlir::ggemm

#endif // GGEMM_TARGET_TARGETINFO_H
