//===- CostModelTest.cpp - the schedule cost model ------------------------===//
//
// Properties of ggemm/Target/CostModel.h that any set of constants keeps:
// what each bound responds to, and how the candidates are ordered.
//
//===----------------------------------------------------------------------===//

#include "GGemm/GGemmDialect.h"
#include "ggemm/Target/CostModel.h"
#include "ggemm/Target/SM90/KernelPlan.h"

#include "mlir/IR/MLIRContext.h"

#include <gtest/gtest.h>

using namespace mlir;
using namespace mlir::ggemm;

namespace {

class CostModelTest : public ::testing::Test {
protected:
  CostModelTest() { ctx.loadDialect<GGemmDialect>(); }

  ScheduleAttr schedule(Chip chip, int64_t tileM, int64_t stages = 4,
                        int64_t splitK = 1) {
    const TargetInfo &t = TargetInfo::get(chip);
    return ScheduleAttr::get(&ctx, chip, tileM, 128, 256, Raster::along_m,
                             splitK, t.numSMs, stages, false);
  }
  /// `groups` groups of m x n x k under `s`.
  KernelProblem problem(ScheduleAttr s, int64_t groups, int64_t m, int64_t n,
                        int64_t k) {
    KernelProblem p;
    p.schedule = s;
    for (int64_t g = 0; g < groups; ++g)
      p.groups.push_back({m, n, k});
    return p;
  }
  CostEstimate cost(ScheduleAttr s, int64_t groups, int64_t m, int64_t n,
                    int64_t k) {
    return estimateCost(TargetInfo::get(s.getTarget()),
                        problem(s, groups, m, n, k));
  }

  MLIRContext ctx;
};

TEST_F(CostModelTest, LargeProblemsAreComputeBoundAndScaleWithWork) {
  ScheduleAttr s = schedule(Chip::sm_90a, 128);
  CostEstimate one = cost(s, 1, 4096, 8192, 4096);
  CostEstimate twice = cost(s, 2, 4096, 8192, 4096);
  EXPECT_EQ(one.bound, "compute");
  EXPECT_GT(one.computeUs, one.memoryUs);
  // Many waves: twice the tiles take about twice the time.
  EXPECT_NEAR(twice.computeUs / one.computeUs, 2.0, 0.05);
  EXPECT_GT(cost(s, 1, 4096, 8192, 8192).us, one.us);
}

TEST_F(CostModelTest, SmallerTokenTilesWinWhenTilesLeaveSMsIdle) {
  // One group of 64 rows, 16 weight tiles: 128-token tiles use 16 of 132
  // SMs, 16-token tiles 64 of them, each with a quarter of the MMA.
  CostEstimate big = cost(schedule(Chip::sm_90a, 128), 1, 64, 2048, 4096);
  CostEstimate small = cost(schedule(Chip::sm_90a, 16), 1, 64, 2048, 4096);
  EXPECT_EQ(big.workItems, 16);
  EXPECT_EQ(small.workItems, 64);
  EXPECT_LT(small.us, big.us);
}

TEST_F(CostModelTest, LargerTokenTilesWinWhenTheyShareTheDecode) {
  // Thousands of rows: every tile M decodes the same weights again, so the
  // 16-token tile does 8x the weight decode of the 128-token one.
  EXPECT_LT(cost(schedule(Chip::sm_90a, 128), 1, 4096, 4096, 4096).us,
            cost(schedule(Chip::sm_90a, 16), 1, 4096, 4096, 4096).us);
}

TEST_F(CostModelTest, EmptyGroupsCostNothing) {
  ScheduleAttr s = schedule(Chip::sm_90a, 64);
  KernelProblem p = problem(s, 4, 100, 1024, 1024);
  const TargetInfo &t = TargetInfo::get(Chip::sm_90a);
  CostEstimate base = estimateCost(t, p);
  p.groups.push_back({0, 1024, 1024});
  p.groups.push_back({0, 4096, 8192});
  CostEstimate withEmpty = estimateCost(t, p);
  EXPECT_EQ(withEmpty.workItems, base.workItems);
  EXPECT_DOUBLE_EQ(withEmpty.us, base.us);
}

TEST_F(CostModelTest, WeightStreamingWithoutDecodeIsMemoryBound) {
  // sm_100a reads e2m1 as it is: 64 experts of 8 tokens stream 1 GB of
  // weights past a tiny amount of MMA.
  CostEstimate e = cost(schedule(Chip::sm_100a, 128), 64, 8, 4096, 7168);
  EXPECT_EQ(e.bound, "memory");
  EXPECT_NEAR(e.memoryUs * 1e3 *
                  TargetInfo::get(Chip::sm_100a).costConstants().dramGBps,
              64.0 * (8 + 4096) * 7168 * (0.5 + 1.0 / 16) + 64.0 * 8 * 4096 * 2,
              1e3);
}

TEST_F(CostModelTest, DynamicRowsUseTheHint) {
  ScheduleAttr s = schedule(Chip::sm_90a, 32);
  KernelProblem p = problem(s, 8, ShapedType::kDynamic, 2048, 2048);
  const TargetInfo &t = TargetInfo::get(Chip::sm_90a);
  EXPECT_EQ(estimateCost(t, p, /*rowsHint=*/32).workItems, 8 * 16);
  EXPECT_EQ(estimateCost(t, p, /*rowsHint=*/64).workItems, 8 * 2 * 16);
  EXPECT_EQ(estimateCost(t, p).workItems,
            8 * (kDefaultRowsHint / 32) * 16);
}

TEST_F(CostModelTest, KTailsCostWholeKTiles) {
  // The kernel runs whole 256-K tiles (TMA zero-fills the tail): K = 2112
  // costs what K = 2304 does (9 K tiles), more than K = 2048 (8).
  ScheduleAttr s = schedule(Chip::sm_90a, 128);
  EXPECT_DOUBLE_EQ(cost(s, 4, 512, 4096, 2112).computeUs,
                   cost(s, 4, 512, 4096, 2304).computeUs);
  EXPECT_GT(cost(s, 4, 512, 4096, 2112).computeUs,
            cost(s, 4, 512, 4096, 2048).computeUs);
}

TEST_F(CostModelTest, ATileStoresItsRowsAtTheSMsShareOfDRAM) {
  // One tile a CTA (132 tiles of 128 weight rows): 128 tokens against 64
  // in the same 128-token tile add 64 rows x 128 x 2 bytes to each tile's
  // epilogue, stored at dram_gbps / SMs; the steps are the same.
  const TargetInfo &t = TargetInfo::get(Chip::sm_90a);
  const CostConstants &c = t.costConstants();
  ScheduleAttr s = schedule(Chip::sm_90a, 128);
  double full = cost(s, 1, 128, 128 * t.numSMs, 1024).computeUs;
  double half = cost(s, 1, 64, 128 * t.numSMs, 1024).computeUs;
  double bytesPerUs = c.dramGBps * 1e3 / double(t.numSMs);
  EXPECT_NEAR(full - half, 64.0 * 128 * 2 / bytesPerUs, 1e-9);
  // Split-K tiles store f32 partials: twice the bytes a row.
  ScheduleAttr split = schedule(Chip::sm_90a, 128, 4, 2);
  double splitFull = cost(split, 1, 128, 128 * t.numSMs / 2, 1024).computeUs;
  double splitHalf = cost(split, 1, 64, 128 * t.numSMs / 2, 1024).computeUs;
  EXPECT_NEAR(splitFull - splitHalf, 64.0 * 128 * 4 / bytesPerUs, 1e-9);
}

TEST_F(CostModelTest, TheBusiestSplitSetsTheTime) {
  // 6 K tiles in 4 splits are 2, 2, 2 and 0 K tiles: with one output tile
  // per CTA, the split of 2 K tiles sets the time, as with 3 splits.
  ScheduleAttr four = schedule(Chip::sm_90a, 128, 4, 4);
  ScheduleAttr three = schedule(Chip::sm_90a, 128, 4, 3);
  EXPECT_DOUBLE_EQ(cost(four, 1, 128, 128, 1536).computeUs,
                   cost(three, 1, 128, 128, 1536).computeUs);
}

TEST_F(CostModelTest, SplitKPaysForItsPartials) {
  CostEstimate one = cost(schedule(Chip::sm_90a, 128, 4, 1), 2, 256, 4096, 4096);
  CostEstimate two = cost(schedule(Chip::sm_90a, 128, 4, 2), 2, 256, 4096, 4096);
  EXPECT_EQ(one.splitUs, 0);
  EXPECT_GT(two.splitUs, 0);
  EXPECT_EQ(two.workItems, 2 * one.workItems);
  // After the grid barrier: each of the 2 x 2 x 32 tiles' two f32 partials
  // read once and its f16 output stored, and the barrier (a launch). The
  // partials' stores are in the tiles' epilogues (computeUs), not here.
  const CostConstants &c = TargetInfo::get(Chip::sm_90a).costConstants();
  double tileBytes = 128.0 * 128.0 * (2 * 4 + 2);
  EXPECT_NEAR(two.splitUs,
              2 * 2 * 32 * tileBytes / (c.dramGBps * 1e3) + c.launchUs, 1e-9);
}

TEST_F(CostModelTest, CandidatesAreTheFamilyCheapestFirst) {
  const TargetInfo &t = TargetInfo::get(Chip::sm_90a);
  ScheduleAttr base = schedule(Chip::sm_90a, 128);
  KernelProblem p = problem(base, 16, 40, 2048, 1024);
  SmallVector<ScheduleCandidate> all =
      listScheduleCandidates(&ctx, t, p, base);
  ASSERT_FALSE(all.empty());
  bool seenRefused = false;
  double last = 0;
  for (const ScheduleCandidate &c : all) {
    EXPECT_TRUE(llvm::is_contained(t.tileM, c.schedule.getTileM()));
    if (!c.refused.empty()) {
      seenRefused = true;
      continue;
    }
    EXPECT_FALSE(seenRefused) << "a taken schedule after a refused one";
    // Predictions within 1% tie and may come in either order.
    EXPECT_GE(c.cost.us, last * 0.99);
    last = c.cost.us;
  }
  // 5 stages of 128-token tiles fit sm_90a's shared memory, 2 or 4 of every
  // tile too; 6 of 128 tokens do not and are left out.
  auto has = [&](int64_t tm, int64_t stages) {
    return llvm::any_of(all, [&](const ScheduleCandidate &c) {
      return c.refused.empty() && c.schedule.getTileM() == tm &&
             c.schedule.getStages() == stages;
    });
  };
  EXPECT_TRUE(has(128, 5));
  EXPECT_TRUE(has(16, 10));
  EXPECT_FALSE(has(128, 6));
  // With the weights in registers, 12 stages of 16 tokens fit and 10 of 32
  // (their f16 buffers hold only the tokens); 8 of 64 tokens do not.
  EXPECT_TRUE(has(16, 12));
  EXPECT_TRUE(has(32, 10));
  EXPECT_FALSE(has(64, 8));
}

TEST_F(CostModelTest, BothPredecodesOfferEachScheduleTwice) {
  // predecode=auto: each schedule with and without predecoded tokens, both
  // predicted; without it only the base's kind. sm_100a's kernel takes no
  // predecoded tokens: none is offered, and no refusal is listed for them.
  const TargetInfo &t = TargetInfo::get(Chip::sm_90a);
  ScheduleAttr base = schedule(Chip::sm_90a, 128);
  KernelProblem p = problem(base, 8, 512, 4096, 2048);
  auto count = [](ArrayRef<ScheduleCandidate> all, bool predecoded) {
    return llvm::count_if(all, [&](const ScheduleCandidate &c) {
      return c.refused.empty() && c.schedule.getPredecode() == predecoded;
    });
  };
  SmallVector<ScheduleCandidate> both =
      listScheduleCandidates(&ctx, t, p, base, 0, {}, true);
  SmallVector<ScheduleCandidate> plain =
      listScheduleCandidates(&ctx, t, p, base);
  EXPECT_GT(count(both, true), 0);
  EXPECT_EQ(count(both, false), count(plain, false));
  EXPECT_EQ(count(plain, true), 0);
  for (const ScheduleCandidate &c : both)
    if (c.refused.empty() && c.schedule.getPredecode())
      EXPECT_GT(c.cost.tokensUs, 0) << "a predecoded candidate without its "
                                       "decode kernel";
  const TargetInfo &b = TargetInfo::get(Chip::sm_100a);
  ScheduleAttr baseB = schedule(Chip::sm_100a, 128);
  KernelProblem pB = problem(baseB, 8, 512, 4096, 2048);
  SmallVector<ScheduleCandidate> onB =
      listScheduleCandidates(&ctx, b, pB, baseB, 0, {}, true);
  EXPECT_FALSE(onB.empty());
  EXPECT_TRUE(llvm::none_of(onB, [](const ScheduleCandidate &c) {
    return c.schedule.getPredecode();
  }));
}

TEST_F(CostModelTest, CTAsSharingAnSMAddTheirCycles) {
  // Twice the SM count of CTAs: every SM runs two, whose work adds up, so
  // a problem of many waves costs the same compute either way (the model
  // credits no latency hiding), and never half. (64 tokens: the same
  // kernel either way; at 16 and 32 one CTA takes the weights into
  // registers, two do not.)
  ScheduleAttr one = schedule(Chip::sm_90a, 64);
  const TargetInfo &t = TargetInfo::get(Chip::sm_90a);
  ScheduleAttr two = ScheduleAttr::get(&ctx, Chip::sm_90a, 64, 128, 256,
                                       Raster::along_m, 1, 2 * t.numSMs, 4,
                                       false);
  EXPECT_EQ(t.ctasPerSM(one), 1);
  EXPECT_EQ(t.ctasPerSM(two), 2);
  CostEstimate a = cost(one, 64, 64, 4096, 7168);
  CostEstimate b = cost(two, 64, 64, 4096, 7168);
  EXPECT_NEAR(b.computeUs / a.computeUs, 1.0, 0.02);
  // At 16 tokens two CTAs decode two pieces a step where one decodes one.
  ScheduleAttr one16 = schedule(Chip::sm_90a, 16);
  ScheduleAttr two16 = ScheduleAttr::get(&ctx, Chip::sm_90a, 16, 128, 256,
                                         Raster::along_m, 1, 2 * t.numSMs, 4,
                                         false);
  EXPECT_GT(cost(two16, 64, 16, 4096, 7168).computeUs,
            1.3 * cost(one16, 64, 16, 4096, 7168).computeUs);
}

TEST_F(CostModelTest, WeightsInRegistersAtSixteenAndThirtyTwoTokensAlone) {
  // 16 and 32 tokens with one CTA per SM decode the weights into wgmma's
  // registers: the two f16 buffers then hold only the tokens, at least as
  // much as the staged output tile (16 x 272 bytes), and 4 stages of 16
  // tokens need 80,896 bytes instead of 112,640.
  const TargetInfo &t = TargetInfo::get(Chip::sm_90a);
  KernelProblem p16 = problem(schedule(Chip::sm_90a, 16), 8, 16, 4096, 7168);
  EXPECT_TRUE(sm90WeightsInRegisters(p16));
  EXPECT_EQ(sm90DecodeRegionBytes(p16), 16 * 272);
  EXPECT_EQ(sm90SharedMemoryBytes(p16), 80896);
  EXPECT_TRUE(sm90WeightsInRegisters(
      problem(schedule(Chip::sm_90a, 32), 8, 32, 4096, 7168)));
  // 64 tokens and two CTAs per SM keep them in shared memory (spills).
  EXPECT_FALSE(sm90WeightsInRegisters(
      problem(schedule(Chip::sm_90a, 64), 8, 64, 4096, 7168)));
  KernelProblem two = problem(
      ScheduleAttr::get(&ctx, Chip::sm_90a, 16, 128, 256, Raster::along_m, 1,
                        2 * t.numSMs, 4, false),
      8, 16, 4096, 7168);
  EXPECT_FALSE(sm90WeightsInRegisters(two));
  EXPECT_EQ(sm90SharedMemoryBytes(two), 112640);
}

TEST_F(CostModelTest, TwoHundredFiftySixTokensHaveAProducerWarpgroup) {
  // 256 tokens: 384 threads, the producer a warpgroup whose registers go to
  // the consumers (24 + 240 a thread: 128 x 24 + 256 x 240 = 384 x 168),
  // two stages of (256 + 128) x 128 bytes after 96 KiB of decode buffers,
  // and neither split-K nor a second CTA per SM.
  const TargetInfo &t = TargetInfo::get(Chip::sm_90a);
  KernelProblem p = problem(schedule(Chip::sm_90a, 256, 2), 8, 1024, 4096,
                            7168);
  EXPECT_TRUE(sm90ProducerWarpgroup(p));
  EXPECT_FALSE(sm90WeightsInRegisters(p));
  EXPECT_EQ(sm90Threads(p), 384);
  EXPECT_EQ(128 * kSM90ProducerRegisters + 256 * kSM90ConsumerRegisters,
            384 * 168);
  EXPECT_EQ(sm90SharedMemoryBytes(p), 198656);
  KernelPlanAttr plan;
  ASSERT_EQ(t.planKernel(&ctx, p, plan), "");
  EXPECT_EQ(plan.getThreads(), 384);
  ASSERT_EQ(plan.getRoles().size(), 2u);
  RoleAttr producer = plan.getRoles()[0], consumer = plan.getRoles()[1];
  EXPECT_EQ(producer.getRole(), WarpRole::producer);
  EXPECT_EQ(producer.getFirstWarp(), 8);
  EXPECT_EQ(producer.getNumWarps(), 4);
  EXPECT_EQ(producer.getMaxRegisters(), kSM90ProducerRegisters);
  EXPECT_EQ(consumer.getNumWarps(), 8);
  EXPECT_EQ(consumer.getMaxRegisters(), kSM90ConsumerRegisters);
  // 128 tokens keep the one producer warp and no budgets.
  KernelProblem p128 = problem(schedule(Chip::sm_90a, 128), 8, 1024, 4096,
                               7168);
  ASSERT_EQ(t.planKernel(&ctx, p128, plan), "");
  EXPECT_EQ(plan.getThreads(), 288);
  EXPECT_EQ(plan.getRoles()[0].getNumWarps(), 1);
  EXPECT_EQ(plan.getRoles()[0].getMaxRegisters(), 0);
  // What the plan refuses.
  KernelProblem three = problem(schedule(Chip::sm_90a, 256, 3), 8, 1024,
                                4096, 7168);
  EXPECT_NE(t.planKernel(&ctx, three, plan).find("3 stages"),
            std::string::npos);
  KernelProblem split = problem(schedule(Chip::sm_90a, 256, 2, 2), 8, 1024,
                                4096, 7168);
  EXPECT_NE(t.planKernel(&ctx, split, plan).find("takes split_k = 1"),
            std::string::npos);
  KernelProblem two = problem(
      ScheduleAttr::get(&ctx, Chip::sm_90a, 256, 128, 256, Raster::along_m, 1,
                        2 * t.numSMs, 1, false),
      8, 1024, 4096, 7168);
  EXPECT_NE(t.planKernel(&ctx, two, plan).find("one CTA per SM"),
            std::string::npos);
  // The model's step: three pieces per thread (two token rows and the
  // weight row) for twice the MMA of 128 tokens.
  auto step = [&](int64_t tileM, bool predecoded, int64_t grid = 0) {
    return t.stepWork(problem(
        ScheduleAttr::get(&ctx, Chip::sm_90a, tileM, 128, 256,
                          Raster::along_m, 1, grid ? grid : t.numSMs, 4,
                          predecoded),
        1, 1024, 4096, 1024));
  };
  EXPECT_EQ(step(256, false).decodePieces, 3.0);
  EXPECT_EQ(step(128, false).decodePieces, 2.0);
  EXPECT_EQ(step(64, false).decodePieces, 2.0);
  // At 16 and 32 tokens the weights go to wgmma in registers and a
  // thread's few token codes ride in the weight piece's code: one piece,
  // as with predecoded tokens; not with two CTAs per SM, where the weights
  // stay in shared memory.
  EXPECT_EQ(step(32, false).decodePieces, 1.0);
  EXPECT_EQ(step(16, false).decodePieces, 1.0);
  EXPECT_EQ(step(16, false, 2 * t.numSMs).decodePieces, 2.0);
  EXPECT_EQ(step(256, false).mmaFlops, 2 * step(128, false).mmaFlops);
  // Predecoded tokens: the weights' piece only, the same MMA.
  EXPECT_EQ(step(256, true).decodePieces, 1.0);
  EXPECT_EQ(step(256, true).mmaFlops, step(256, false).mmaFlops);
}

TEST_F(CostModelTest, TheDecodeKernelLaunchesOnce) {
  const TargetInfo &t = TargetInfo::get(Chip::sm_90a);
  ScheduleAttr s = ScheduleAttr::get(&ctx, Chip::sm_90a, 64, 128, 256,
                                     Raster::along_m, 1, t.numSMs, 4, true);
  const CostConstants &c = t.costConstants();
  // List form: one operand set per group, all decoded by one launch. The
  // tokens' bytes are the same for 2 groups of 64 rows and 128 groups of
  // one row each, and so is the decode kernel's time.
  KernelProblem few = problem(s, 2, 64, 2048, 1024);
  KernelProblem many = problem(s, 128, 1, 2048, 1024);
  CostEstimate a = estimateCost(t, few), b = estimateCost(t, many);
  EXPECT_NEAR(b.tokensUs, a.tokensUs, 1e-9);
  // One launch and the bytes: 128 rows of 1024 packed (576 bytes a row
  // with the scales) read, and written as f16 (2048 bytes a row).
  EXPECT_NEAR(a.tokensUs,
              c.launchUs + 128.0 * (576 + 2048) / (c.dramGBps * 1e3), 1e-9);
  // One set (contiguous rows): the same.
  many.rows = RowsKind::contiguous;
  EXPECT_NEAR(estimateCost(t, many).tokensUs, a.tokensUs, 1e-9);
  // Without predecode, no decode kernel.
  few.schedule = schedule(Chip::sm_90a, 64);
  EXPECT_EQ(estimateCost(t, few).tokensUs, 0.0);
}

TEST_F(CostModelTest, PredecodedTokensPlan) {
  const TargetInfo &t = TargetInfo::get(Chip::sm_90a);
  auto predecoded = [&](int64_t tileM, int64_t stages) {
    return problem(ScheduleAttr::get(&ctx, Chip::sm_90a, tileM, 128, 256,
                                     Raster::along_m, 1, t.numSMs, stages,
                                     true),
                   8, 1024, 4096, 7168);
  };
  // 256 tokens, 3 stages: the epilogue's staging, 64 rows of the output
  // tile (17,408 bytes) from 1024, three 16 KiB weight stages from 18,432,
  // then four 32 KiB token slots from 67,584; the rest would not hold a
  // fifth.
  KernelProblem p = predecoded(256, 3);
  EXPECT_TRUE(sm90WeightsInRegisters(p));
  EXPECT_EQ(sm90EpilogueTokens(p), 64);
  EXPECT_EQ(sm90StageBytes(p), 16384);
  EXPECT_EQ(sm90RingOffset(p), 18432);
  EXPECT_EQ(sm90TokenRingOffset(p), 67584);
  EXPECT_EQ(sm90TokenSlotBytes(p), 32768);
  EXPECT_EQ(sm90TokenSlots(p), 4);
  KernelPlanAttr plan;
  EXPECT_EQ(t.planKernel(&ctx, p, plan), "");
  EXPECT_EQ(plan.getSharedMemory(), 199680);
  // 2 stages: five slots, relayed with a lag of 3.
  KernelProblem two = predecoded(256, 2);
  EXPECT_EQ(sm90TokenSlots(two), 5);
  EXPECT_TRUE(sm90RelayedTokens(two));
  EXPECT_EQ(sm90RelayLag(two), 3);
  // 128 tokens, 4 stages: the most slots (8, of 16 KiB).
  KernelProblem q = predecoded(128, 4);
  EXPECT_EQ(sm90TokenSlots(q), 8);
  EXPECT_EQ(sm90SharedMemoryBytes(q), 83968 + 8 * 16384 + 1024);
  // Without predecode the whole output tile is staged at once.
  EXPECT_EQ(sm90EpilogueTokens(problem(schedule(Chip::sm_90a, 256, 2), 8,
                                       1024, 4096, 7168)),
            256);
  // Seven stages of 256 tokens leave room for two slots: refused.
  KernelProblem seven = predecoded(256, 7);
  EXPECT_NE(t.planKernel(&ctx, seven, plan).find("predecoded tokens need 3"),
            std::string::npos);
  // The decode kernel has one CTA row per operand set, at most 65535:
  // 65535 groups in rows<list> are taken, 65536 refused.
  KernelProblem most = predecoded(128, 4);
  most.groups.assign(65535, GroupShape{1, 128, 256});
  EXPECT_EQ(t.planKernel(&ctx, most, plan), "");
  most.groups.push_back(GroupShape{1, 128, 256});
  EXPECT_EQ(t.planKernel(&ctx, most, plan),
            "predecoded tokens take at most 65535 operand sets (the decode "
            "kernel's grid has one CTA row per set); the problem has 65536 "
            "groups in rows<list>");
  // The model: the decode kernel's term, and less compute than the plain
  // kernel of the same tile (the consumers decode the weights only).
  KernelProblem plain = problem(schedule(Chip::sm_90a, 256, 2), 8, 1024,
                                4096, 7168);
  CostEstimate withTokens = estimateCost(t, p), without = estimateCost(t, plain);
  EXPECT_GT(withTokens.tokensUs, 0.0);
  EXPECT_EQ(without.tokensUs, 0.0);
  EXPECT_LT(withTokens.computeUs, without.computeUs);
}

TEST_F(CostModelTest, ResidencyNeedsSharedMemoryRegistersAndTensorMemory) {
  const TargetInfo &t = TargetInfo::get(Chip::sm_90a);
  KernelResources r;
  r.threads = 288;
  r.sharedBytes = 100 * 1024;
  EXPECT_EQ(t.checkResidency(1, r), "");
  EXPECT_EQ(t.checkResidency(2, r), "");
  r.sharedBytes = 113 * 1024; // + 1 KiB reserved each: 228 KiB for two
  EXPECT_EQ(t.checkResidency(2, r), "");
  r.sharedBytes += 1;
  EXPECT_NE(t.checkResidency(2, r).find("bytes of shared memory"),
            std::string::npos);
  // Four CTAs of 288 threads leave 56 registers per thread.
  r.sharedBytes = 16 * 1024;
  EXPECT_NE(t.checkResidency(4, r).find("56 registers per thread"),
            std::string::npos);
  EXPECT_EQ(t.checkResidency(3, r), "");
  // Two CTAs of 384 columns exceed Tensor Memory's 512.
  r.tensorMemoryColumns = 384;
  EXPECT_NE(t.checkResidency(2, r).find("columns of Tensor Memory"),
            std::string::npos);
  r.tensorMemoryColumns = 256;
  EXPECT_EQ(t.checkResidency(2, r), "");
}

} // namespace
