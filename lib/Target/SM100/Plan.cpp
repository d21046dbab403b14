//===- Plan.cpp - compile-time layout of the sm_100a kernel ---------------===//
//
// layoutSM100Kernel and checkSM100Kernel (ggemm/Target/SM100/KernelPlan.h):
// Tensor Memory columns, shared memory and register budgets of the tcgen05
// kernel, and the reason in one sentence when a problem does not fit. The
// target plans with both (once, in ggemm-outline-kernel); the lowering
// reads the layout of a planned kernel.
//
//===----------------------------------------------------------------------===//

#include "ggemm/Target/SM100/KernelPlan.h"
#include "ggemm/Target/SM100/Encodings.h"

#include "llvm/Support/MathExtras.h"

using namespace mlir;
using namespace mlir::ggemm;
namespace sm100 = ::ggemm::sm100;

namespace {
constexpr int64_t kMmaK = sm100::kBlock16MmaK;      // 64 elements
constexpr int64_t kAtomBytes = sm100::kSfAtomBytes; // 512
constexpr int64_t kMaxRegisters = 255;              // per thread
// Registers of an epilogue thread besides its accumulator row: group
// facts, addresses, loop state (ptxas reports the real count; see the
// pipeline test, which asserts no spills).
constexpr int64_t kEpilogueOverhead = 40;
} // namespace

SM100Plan mlir::ggemm::layoutSM100Kernel(const KernelProblem &p) {
  ScheduleAttr s = p.schedule;
  SM100Plan plan;
  plan.tileM = s.getTileM();
  plan.tileN = s.getTileN();
  plan.tileK = s.getTileK();
  plan.stages = s.getStages();
  plan.blockedScales = p.scales == ScaleLayout::blocked_128x4;
  plan.kTail = llvm::any_of(
      p.groups, [&](const GroupShape &g) { return g.k % plan.tileK != 0; });
  // Tile M 128 (cta_group::1), tile K 256 (one 128-byte swizzled row of
  // packed e2m1 per row: 4 MMAs of K = 64) and N in {64, 128, 192, 256}
  // are the target's tile table (TargetInfo::checkTile), checked before
  // this. N = 256 never fits (checkSM100Kernel): its two accumulators alone
  // take all 512 Tensor Memory columns.
  sm100::InstrDescBlockScaled desc;
  desc.m = plan.tileM;
  desc.n = plan.tileN;
  plan.instrDesc = desc.encode();

  // Tensor Memory: two accumulators, then the scale-factor slots. One slot
  // per stage needs no synchronisation beyond the ring's: the MMA warp
  // copies K tile j's factors after full[j % stages], and the producer
  // refilled that stage only after the MMAs of K tile j - stages, the last
  // reader of the slot, completed. Where a slot per stage does not fit,
  // fewer slots are used and the MMA warp waits for the MMAs of K tile
  // j - slots itself (on their empty barrier) before it overwrites the
  // slot: the PTX ISA orders tcgen05.cp before a later tcgen05.mma of the
  // same thread, but not a tcgen05.mma before a later tcgen05.cp
  // ("Pipelined tcgen05 instructions"), so a copy may not overtake the
  // MMAs still reading the slot (docs/sm100-kernel.md).
  plan.sfbAtoms =
      sm100::block16SfbColumnsPerMma(plan.tileN) / sm100::kSfAtomColumns;
  plan.sfColumnsPerStage = sm100::block16SfColumns(plan.tileN, plan.tileK);
  int64_t freeColumns = sm100::kTmemColumns - 2 * plan.tileN;
  plan.sfSlots = std::min(plan.stages, freeColumns / plan.sfColumnsPerStage);
  plan.tmemColumnsUsed =
      2 * plan.tileN + std::max<int64_t>(plan.sfSlots, 1) *
                           plan.sfColumnsPerStage;
  plan.tmemAllocColumns = sm100::tmemAllocColumnsFor(
      std::min<int64_t>(plan.tmemColumnsUsed, sm100::kTmemColumns));

  // Shared memory.
  plan.aBytes = plan.tileM * plan.tileK / 2;
  plan.bBytes = plan.tileN * plan.tileK / 2;
  int64_t mmas = plan.tileK / kMmaK;
  plan.sfaBytes = mmas * kAtomBytes;
  plan.sfbBytes = mmas * plan.sfbAtoms * kAtomBytes;
  plan.scaleTma = !plan.blockedScales && !plan.kTail;
  plan.stageBytes = llvm::alignTo(
      plan.aBytes + plan.bBytes + plan.sfaBytes + plan.sfbBytes, 1024);
  // A staging area per stage for TMA of row-major scale rows: the producer
  // loads them with the stage's A and B, and the scale warp moves them
  // into the stage's atoms before the stage is refilled.
  plan.stagingOffset = plan.stages * plan.stageBytes;
  if (plan.scaleTma) {
    plan.rawSfaBytes = plan.tileM * plan.tileK / kScaleBlock;
    plan.rawSfbBytes = plan.tileN * plan.tileK / kScaleBlock;
  }
  // The epilogue's f16 rows of C, stored by bulk copies (one per row).
  plan.epilogueOffset = plan.stagingOffset +
                        plan.stages * (plan.rawSfaBytes + plan.rawSfbBytes);
  plan.epilogueRowPitch = plan.tileN * 2 + 16;
  plan.barrierOffset =
      plan.epilogueOffset + plan.tileM * plan.epilogueRowPitch;
  // full[S], empty[S], accFull[2], accEmpty[2] (, scaleFull[S]).
  int64_t barriers = 2 * plan.stages + 4 + (plan.scaleTma ? plan.stages : 0);
  plan.tmemSlotOffset = plan.barrierOffset + 8 * barriers;
  plan.sharedBytes = plan.tmemSlotOffset + 16 + 1024;

  // Registers: the epilogue role holds one accumulator row (tile N f32) of
  // its TMEM lane at once, so that a single tcgen05.wait::ld frees the
  // accumulator for the next tile; the producer and MMA roles hold only
  // addresses and counters.
  plan.epilogueRegisters = plan.tileN + kEpilogueOverhead;
  return plan;
}

std::string mlir::ggemm::checkSM100Kernel(const KernelProblem &p,
                                          const SM100Plan &plan) {
  auto str = [](int64_t v) { return std::to_string(v); };
  sm100::InstrDescBlockScaled desc;
  desc.m = plan.tileM;
  desc.n = plan.tileN;
  if (std::string why = sm100::verifyInstrDescBlockScaled(desc); !why.empty())
    return "no tcgen05.mma block_scale for tile N " + str(plan.tileN) + ": " +
           why;
  if (plan.blockedScales && plan.tileN != 128)
    return "blocked_128x4 scales are copied as one whole 128-row atom per "
           "tile and K step, so tile N must be 128; the schedule has " +
           str(plan.tileN);
  int64_t bRows = p.isListForm() ? 0 : int64_t(p.groups.size()) * p.groups[0].n;
  if (bRows >= (int64_t{1} << 31))
    return "B has " + str(bRows) +
           " rows (G x N); TMA coordinates must stay below 2^31";
  if (plan.sfSlots < 1)
    return "needs " + str(2 * plan.tileN + plan.sfColumnsPerStage) +
           " Tensor Memory columns (2 accumulators of " + str(plan.tileN) +
           " + one slot of " + str(plan.sfColumnsPerStage) +
           " scale-factor columns); sm_100a has " + str(sm100::kTmemColumns);
  if (plan.sharedBytes > kMaxDynamicSharedMemory)
    return str(plan.stages) + " stages of " + str(plan.stageBytes) +
           " bytes need " + str(plan.sharedBytes) +
           " bytes of shared memory; sm_100a has " +
           str(kMaxDynamicSharedMemory);
  if (plan.epilogueRegisters > kMaxRegisters)
    return "the epilogue role holds a " + str(plan.tileN) +
           "-column accumulator row per thread: about " +
           str(plan.epilogueRegisters) + " registers, above the " +
           str(kMaxRegisters) + " a thread can have";
  return "";
}
