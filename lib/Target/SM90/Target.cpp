//===- Target.cpp - the sm_90a (Hopper) target ----------------------------===//
//
// What the sm_90a kernel takes and what it needs (docs/sm90-kernel.md): two
// consumer warpgroups of wgmma m64n128k16 (64 weight rows x 128 tokens
// each), a 128 x 128 tile, one 128-byte swizzled row of packed e2m1 per K
// tile (K = 256), and a TMA producer warp.
//
//===----------------------------------------------------------------------===//

#include "../Chips.h"
#include "ggemm/Target/SM90/KernelPlan.h"

#include "llvm/Support/MathExtras.h"


using namespace mlir;
using namespace mlir::ggemm;

namespace {
// Tile M is the token tile: wgmma's N side (any multiple of 8 up to 256);
// 16 rows per consumer warp keep the decode's row mapping.
constexpr int64_t kTileM[] = {16, 32, 64, 128, 256};
constexpr int64_t kTileN[] = {128};
constexpr int64_t kTileK[] = {256};
// Two consumer warpgroups (decode, wgmma, epilogue) and a TMA producer
// warp. That producer is not a whole warpgroup, so it cannot give registers
// back with setmaxnreg. At 256 tokens it is a warpgroup that does
// (sm90ProducerWarpgroup): its first warp loads.
constexpr RoleSpec kRoles[] = {{WarpRole::producer, 8, 1, 0},
                               {WarpRole::consumer, 0, 8, 0}};
constexpr RoleSpec kWarpgroupRoles[] = {
    {WarpRole::producer, 8, 4, kSM90ProducerRegisters},
    {WarpRole::consumer, 0, 8, kSM90ConsumerRegisters}};
constexpr RoleSpec kPredecodedRoles[] = {
    {WarpRole::producer, 8, 4, kSM90PredecodedProducerRegisters},
    {WarpRole::consumer, 0, 8, kSM90PredecodedConsumerRegisters}};

// The cost model's constants (docs/cost-model.md), fit by
// bench/micro/fit.py on the microbenchmarks of bench/micro: NVIDIA H200,
// 2026-12-05.
constexpr CostConstants kCost = {
    /*clockGHz=*/1.98,
    /*dramGBps=*/4526,
    /*mmaFlopsPerCycle=*/4095,
    /*decodeCyclesPerPiece=*/265,
    /*stepCycles=*/124,
    /*tileCycles=*/109,
    /*launchUs=*/0.69,
    /*dramLatencyNs=*/322,
};

class SM90Target final : public TargetInfo {
public:
  SM90Target()
      : TargetInfo(Chip::sm_90a, /*numSMs=*/132,
                   /*maxSharedMemory=*/kMaxDynamicSharedMemory, kTileM,
                   kTileN, kTileK,
                   /*tileNReason=*/"", kRoles,
                   // fence.proxy.tensormap::generic.acquire (the tensor
                   // maps' fence) needs PTX ISA 8.3.
                   /*ptxFeatures=*/"+ptx83") {}

  const CostConstants &costConstants() const override { return kCost; }

  // Per 64-K step: both warpgroups' wgmma (64 weight rows x the tile's
  // tokens x 64 each); every consumer thread decodes one 16-byte piece of a
  // weight row and tile M / 4 codes of a token row (a whole piece at 128
  // tokens, down to half a word at 16: SM90Consumer.cpp). The busiest thread
  // sets the step. The decode is bound by latency (two warps per
  // scheduler), and a token unit has the dependency depth of a whole piece
  // (a piece's words decode side by side), so it counts as one. Where the
  // weights go to wgmma in registers (16 and 32 tokens, one CTA per SM:
  // sm90WeightsInRegisters) a thread's 4 or 8 token codes sit in the weight
  // piece's straight-line code: one piece in all. (The kernel's own steps
  // on synthetic shapes, docs/cost-model.md: 585 and 639 cycles at 16 and
  // 32 tokens on an H100, below the predecoded kernel's 659 and 682, which
  // decodes one piece; 917 at 64 tokens.)
  //
  // With predecoded tokens the consumers decode only the weights (into
  // wgmma's registers, a quarter of each of four pieces a thread: one
  // piece's work).
  StepWork stepWork(const KernelProblem &p) const override {
    int64_t tileM = p.schedule.getTileM(), tileN = p.schedule.getTileN();
    double mmaFlops = 2.0 * tileM * tileN * kSM90DecodeK;
    double weightPieces =
        double(llvm::divideCeil(2 * tileN, kSM90ConsumerThreads));
    // Predecoded tokens, or weights into registers: the weight piece alone.
    if (sm90WeightsInRegisters(p))
      return {mmaFlops, weightPieces};
    // At 256 tokens a thread decodes the pieces of two token rows.
    double tokenPieces = double(std::max<int64_t>(1, tileM / 128));
    return {mmaFlops, weightPieces + tokenPieces};
  }

protected:
  std::string planResources(const KernelProblem &p,
                            KernelResources &r) const override {
    if (p.scales != ScaleLayout::row_major)
      return "the sm_90a kernel takes row-major scales (it reads them with "
             "plain loads); blocked_128x4 is for tcgen05";
    if (std::string why = sm90Unsupported(p); !why.empty())
      return why;
    r.threads = sm90Threads(p);
    if (sm90Predecoded(p))
      r.roles = kPredecodedRoles;
    else if (sm90ProducerWarpgroup(p))
      r.roles = kWarpgroupRoles;
    r.sharedBytes = sm90SharedMemoryBytes(p);
    r.tensorMemoryColumns = 0;
    r.swizzle = "128B";
    r.scaleMaps = false;
    // A and B: TMA (16 bytes). SFA and SFB: one 8-byte load per eight
    // scale blocks when every K is a multiple of 128, else byte loads
    // (SM90Decode.cpp). C: 16-byte row pieces from the staged tile, or
    // with split-K the reduction's 8-byte stores (SplitK.cpp).
    bool wideScales = llvm::all_of(p.groups, [](const GroupShape &g) {
      return g.k % (8 * kScaleBlock) == 0;
    });
    int64_t scales = wideScales ? 8 : 1;
    int64_t c = p.schedule.getSplitK() > 1 ? 8 : 16;
    r.alignment = {16, 16, scales, scales, c};
    return "";
  }
};
} // namespace

const TargetInfo &mlir::ggemm::getSM90Target() {
  static const SM90Target target;
  return target;
}
