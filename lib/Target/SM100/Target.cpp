//===- Target.cpp - the sm_100a (Blackwell) target ------------------------===//
//
// What the tcgen05 kernel takes and what it needs (docs/sm100-kernel.md).
//
//===----------------------------------------------------------------------===//

#include "../Chips.h"
#include "ggemm/Target/SM100/KernelPlan.h"

using namespace mlir;
using namespace mlir::ggemm;

namespace {
// tcgen05.mma cta_group::1 computes 128 rows; one 128-byte swizzled row of
// packed e2m1 per K tile (K = 256). The instruction takes N = 8..256 in
// steps of 8 (PTX ISA Table 39), but the ISA text gives no rule for where
// the block16 scale factors of B sit in Tensor Memory for a given N (only
// Figure 242, an image); the widths below are the ones whose placement a
// reference confirms: CUTLASS's block-scaled sm_100 kernels, which take CTA
// tile N in {64, 128, 192, 256} (docs/sm100-encodings.md, "Tile N").
constexpr int64_t kTileM[] = {128};
constexpr int64_t kTileN[] = {64, 128, 192, 256};
constexpr int64_t kTileK[] = {256};
// A TMA producer warp, an MMA warp (one elected thread issues tcgen05),
// four epilogue warps (one per TMEM lane quarter), and a scale warp that
// moves row-major scale factors into the atoms tcgen05.cp reads, so that
// the producer never waits on its own loads. No role is a whole warpgroup
// at a multiple of 4 warps, so none uses setmaxnreg.
constexpr RoleSpec kRoles[] = {{WarpRole::producer, 0, 1, 0},
                               {WarpRole::mma, 1, 1, 0},
                               {WarpRole::epilogue, 2, 4, 0},
                               {WarpRole::scales, 6, 1, 0}};

// The cost model's constants (docs/cost-model.md). No B200 is at hand, so
// every sm_100a time is a prediction. From NVIDIA's public B200 figures:
// 148 SMs, 8 TB/s of HBM3e, 9 PFLOP/s dense FP4 per GPU (HGX B200), about
// 1.9 GHz. From the H200 microbenchmarks: the tile and launch costs and
// the DRAM latency. The step cost is an estimate, not a measurement: the
// tcgen05 kernel has no per-step barrier of its consumers, only one
// mbarrier hand-off per 256-K stage, so a quarter of the H200's two-barrier
// step.
constexpr CostConstants kCost = {
    /*clockGHz=*/1.9,
    /*dramGBps=*/8000,
    /*mmaFlopsPerCycle=*/9.0e15 / 148 / 1.9e9,
    /*decodeCyclesPerPiece=*/0,
    /*stepCycles=*/31,
    /*tileCycles=*/109,
    /*launchUs=*/0.69,
    /*dramLatencyNs=*/322,
};

class SM100Target final : public TargetInfo {
public:
  SM100Target()
      : TargetInfo(Chip::sm_100a, /*numSMs=*/148,
                   /*maxSharedMemory=*/kMaxDynamicSharedMemory, kTileM,
                   kTileN, kTileK,
                   "the widths whose tcgen05 scale-factor layout in Tensor "
                   "Memory is confirmed; docs/sm100-encodings.md",
                   kRoles,
                   // tcgen05 needs PTX ISA 8.6 or later.
                   /*ptxFeatures=*/"+ptx88") {}

  const CostConstants &costConstants() const override { return kCost; }

  // tcgen05 reads e2m1 as it is: no decode.
  StepWork stepWork(const KernelProblem &p) const override {
    return {2.0 * p.schedule.getTileM() * p.schedule.getTileN() * 64, 0};
  }

protected:
  std::string planResources(const KernelProblem &p,
                            KernelResources &r) const override {
    if (p.rows == RowsKind::gathered)
      return "rows<gathered> is not lowered for sm_100a yet: its kernel "
             "loads A in whole tiles of 128 rows, which a gathered tile "
             "is not (Blackwell's TMA gather4 mode could load one; the "
             "sm_90a kernel copies each row); permute the rows into "
             "rows<offsets> form, or compile for sm_90a";
    SM100Plan plan = layoutSM100Kernel(p);
    if (std::string why = checkSM100Kernel(p, plan); !why.empty())
      return why;
    r.threads = kSM100Threads;
    r.sharedBytes = plan.sharedBytes;
    r.tensorMemoryColumns = plan.tmemAllocColumns;
    r.swizzle = "128B";
    r.scaleMaps = plan.scaleTma;
    // TMA for A and B (and row-major scales); C rows leave by 16-byte
    // aligned bulk copies; blocked scale atoms come by bulk copy.
    r.alignment = {16, 16, 16, 16, 16};
    return "";
  }
};
} // namespace

const TargetInfo &mlir::ggemm::getSM100Target() {
  static const SM100Target target;
  return target;
}
