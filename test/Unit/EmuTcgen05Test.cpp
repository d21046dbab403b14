//===- EmuTcgen05Test.cpp - tcgen05 and Tensor Memory on the emulator ----===//
//
// One small hand-written sm_100a kernel (4 warps) computes a 128 x 16 block
// with one tcgen05.mma .kind::mxf4nvf4 .block16 (K = 64): A and B written
// by the threads into 128B-swizzled shared memory, scale factors copied
// into Tensor Memory with tcgen05.cp .32x128b.warpx4, tcgen05.commit to an
// mbarrier, tcgen05.ld .32x32b by each warp of its lane quarter. The
// expected block is computed here from the values the kernel writes, not
// from the emulator. Then one kernel per tcgen05 checker event: the same
// kernel with one fault, which the launch must stop on, naming the event
// and the faulting PTX line.
//
//===----------------------------------------------------------------------===//

#include "EmuTestUtil.h"

#include "ggemm/Emulator/Emulator.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

using namespace ggemm::emu;
using namespace ggemm::emu::test;

namespace {

// Shared memory (offsets from `sm`, 1024-aligned): A 128 rows x 128 B at 0,
// B 16 rows x 128 B at 16384, the SFA atom (512 B) at 18432, the SFB atom
// at 18944, the mbarrier at 19456, the TMEM address slot at 19464.
//
// A: row r holds E2M1 1.0 (code 2, bytes 0x22) in K 0..31 (logical 16-byte
// chunk 0) and 0 elsewhere, stored at the 128B-swizzled chunk (chunk c of
// row r at r * 128 + 16 * (c ^ (r % 8))). B: every element 1.0. SFA of row
// m: 2^(m % 4 + m / 32) (UE4M3 0x38 + 8 e) for each K block, at byte
// (m % 32) * 16 + (m / 32) * 4 + kb of its atom; SFB of row n < 16:
// 2^(n % 2). So D[m][n] = 32 * 2^(m % 4 + m / 32) * 2^(n % 2).
//
// Instruction descriptor (PTX ISA Table 44), worked by hand: atype E2M1 = 1
// at bits 7-9 (0x80), btype 1 at bits 10-11 (0x400), N >> 3 = 2 at bits
// 17-22 (0x40000), M >> 7 = 1 at bits 27-28 (0x08000000): 0x08040480.
// Shared memory descriptors (Table 40): start >> 4 in bits 0-13, LBO 16 B
// (1 << 16), SBO 1024 B (64 << 32), bit 46 (fixed 0b001), swizzle 128B = 2
// at bits 61-63: 0x4000404000010000 | start >> 4. The scale atoms: no
// swizzle, SBO 128 B (8 << 32): 0x0000400800000000 | start >> 4.
// The body, after ptxHeader("8.6", "sm_100a").
const char *kKernel = R"(.visible .entry k(.param .u64 out)
{
  .reg .pred %p<8>;
  .reg .b32 %r<120>;
  .reg .b64 %rd<20>;
  .shared .align 1024 .b8 sm[19584];
  mov.u32 %r1, %tid.x;
  mov.u32 %r2, sm;
  shr.u32 %r3, %r1, 5;
  and.b32 %r4, %r1, 7;
  mov.b32 %r5, 0;
$L_arow:
  xor.b32 %r6, %r5, %r4;
  shl.b32 %r6, %r6, 4;
  shl.b32 %r7, %r1, 7;
  add.s32 %r7, %r7, %r6;
  add.s32 %r7, %r7, %r2;
  setp.eq.u32 %p1, %r5, 0;
  selp.b32 %r8, 0x22222222, 0, %p1;
  st.shared.v4.b32 [%r7], {%r8, %r8, %r8, %r8};
  add.s32 %r5, %r5, 1;
  setp.lt.u32 %p1, %r5, 8;
  @%p1 bra $L_arow;
  setp.ge.u32 %p2, %r1, 16;
  @%p2 bra $L_sfa;
  shl.b32 %r9, %r1, 7;
  add.s32 %r9, %r9, %r2;
  add.s32 %r9, %r9, 16384;
  mov.b32 %r8, 0x22222222;
  st.shared.v4.b32 [%r9], {%r8, %r8, %r8, %r8};
  st.shared.v4.b32 [%r9+16], {%r8, %r8, %r8, %r8};
  st.shared.v4.b32 [%r9+32], {%r8, %r8, %r8, %r8};
  st.shared.v4.b32 [%r9+48], {%r8, %r8, %r8, %r8};
  st.shared.v4.b32 [%r9+64], {%r8, %r8, %r8, %r8};
  st.shared.v4.b32 [%r9+80], {%r8, %r8, %r8, %r8};
  st.shared.v4.b32 [%r9+96], {%r8, %r8, %r8, %r8};
  st.shared.v4.b32 [%r9+112], {%r8, %r8, %r8, %r8};
  and.b32 %r10, %r1, 1;
  mul.lo.u32 %r10, %r10, 0x08080808;
  add.s32 %r10, %r10, 0x38383838;
  shl.b32 %r11, %r1, 4;
  add.s32 %r11, %r11, %r2;
  st.shared.b32 [%r11+18944], %r10;
$L_sfa:
  and.b32 %r12, %r1, 3;
  add.s32 %r12, %r12, %r3;
  mul.lo.u32 %r12, %r12, 0x08080808;
  add.s32 %r12, %r12, 0x38383838;
  and.b32 %r13, %r1, 31;
  shl.b32 %r13, %r13, 4;
  shl.b32 %r14, %r3, 2;
  add.s32 %r13, %r13, %r14;
  add.s32 %r13, %r13, %r2;
  st.shared.b32 [%r13+18432], %r12;
  fence.proxy.async.shared::cta;
  add.s32 %r15, %r2, 19464;
  add.s32 %r16, %r2, 19456;
  setp.ne.u32 %p3, %r3, 0;
  @%p3 bra $L_sync;
  tcgen05.alloc.cta_group::1.sync.aligned.shared::cta.b32 [%r15], 32;
  tcgen05.relinquish_alloc_permit.cta_group::1.sync.aligned;
  setp.ne.u32 %p4, %r1, 0;
  @%p4 bra $L_sync;
  mbarrier.init.shared.b64 [%r16], 1;
  fence.mbarrier_init.release.cluster;
$L_sync:
  tcgen05.fence::before_thread_sync;
  bar.sync 0;
  tcgen05.fence::after_thread_sync;
  ld.shared.b32 %r20, [%r15];
  setp.ne.u32 %p4, %r1, 0;
  @%p4 bra $L_wait;
  cvt.u64.u32 %rd1, %r2;
  shr.u64 %rd1, %rd1, 4;
  or.b64 %rd2, %rd1, 0x4000404000010000;
  add.s64 %rd3, %rd2, 1024;
  or.b64 %rd4, %rd1, 0x0000400800000000;
  add.s64 %rd5, %rd4, 1152;
  add.s64 %rd6, %rd4, 1184;
  tcgen05.cp.cta_group::1.32x128b.warpx4 [%r20+16], %rd5;
  tcgen05.cp.cta_group::1.32x128b.warpx4 [%r20+20], %rd6;
  mov.b32 %r21, 0x08040480;
  setp.ne.u32 %p5, 0, 0;
  tcgen05.mma.cta_group::1.kind::mxf4nvf4.block_scale.block16.collector::a::discard [%r20], %rd2, %rd3, %r21, [%r20+16], [%r20+20], %p5;
  //AFTER_MMA
  tcgen05.commit.cta_group::1.mbarrier::arrive::one.shared::cluster.b64 [%r16];
$L_wait:
  mov.b32 %r22, 0;
$L_try:
  mbarrier.try_wait.parity.shared.b64 %p6, [%r16], %r22;
  @!%p6 bra $L_try;
  tcgen05.fence::after_thread_sync;
  shl.b32 %r23, %r3, 21;
  add.s32 %r24, %r20, %r23;
  tcgen05.ld.sync.aligned.32x32b.x16.b32 {%r30, %r31, %r32, %r33, %r34, %r35, %r36, %r37, %r38, %r39, %r40, %r41, %r42, %r43, %r44, %r45}, [%r24];
  tcgen05.wait::ld.sync.aligned;
  ld.param.u64 %rd7, [out];
  mul.wide.u32 %rd8, %r1, 64;
  add.s64 %rd9, %rd7, %rd8;
  st.global.v4.b32 [%rd9], {%r30, %r31, %r32, %r33};
  st.global.v4.b32 [%rd9+16], {%r34, %r35, %r36, %r37};
  st.global.v4.b32 [%rd9+32], {%r38, %r39, %r40, %r41};
  st.global.v4.b32 [%rd9+48], {%r42, %r43, %r44, %r45};
  tcgen05.fence::before_thread_sync;
  bar.sync 0;
  tcgen05.fence::after_thread_sync;
  @%p3 bra $L_end;
  tcgen05.dealloc.cta_group::1.sync.aligned.b32 %r20, 32;
$L_end:
  ret;
}
)";

struct Tc05 : Env {
  uint64_t out = 0;
  Tc05() {
    header = ptxHeader("8.6", "sm_100a");
    opt.maxInstructions = 10000000;
  }
  /// Loads kKernel with `from` replaced by `to` (each must occur).
  std::string load(std::vector<std::pair<std::string, std::string>> edits = {}) {
    std::string s = kKernel;
    for (auto &[from, to] : edits) {
      size_t at = s.find(from);
      if (at == std::string::npos)
        return "test bug: '" + from + "' is not in the kernel";
      s.replace(at, from.size(), to);
    }
    out = alloc(128 * 16 * 4);
    return Env::load(s);
  }
  std::string run(uint64_t seed, bool fenceChecks = true,
                  bool ldRegistersNeedWait = false) {
    opt.fenceChecks = fenceChecks;
    opt.tcgen05LdRegistersNeedWait = ldRegistersNeedWait;
    return Env::run("k", {128, 1, 1}, {u64Param(out)}, seed);
  }
};

// The kernel (edited or not) runs on seeds 1..`seeds` and computes the
// block D[m][n] = 32 * 2^(m % 4 + m / 32) * 2^(n % 2) the header derives.
void expectBlock(std::vector<std::pair<std::string, std::string>> edits,
                 uint64_t seeds) {
  Tc05 e;
  ASSERT_EQ(e.load(edits), "");
  for (uint64_t seed = 1; seed <= seeds; ++seed) {
    ASSERT_EQ(e.run(seed), "") << "seed " << seed;
    std::vector<float> d(128 * 16);
    ASSERT_EQ(e.m.read(e.out, d.data(), d.size() * 4), "");
    for (int mrow = 0; mrow < 128; ++mrow)
      for (int n = 0; n < 16; ++n)
        EXPECT_EQ(d[mrow * 16 + n],
                  32.0f * std::ldexp(1.0f, mrow % 4 + mrow / 32) *
                      std::ldexp(1.0f, n % 2))
            << "D[" << mrow << "][" << n << "] seed " << seed;
  }
}

TEST(EmuTcgen05, MmaBlock16ScalesAndSwizzle) { expectBlock({}, 4); }

// Each fault: the edit, the event, and the PTX text of the faulting line.
void expectStop(std::vector<std::pair<std::string, std::string>> edits,
                const char *event, const char *at,
                bool ldRegistersNeedWait = false) {
  Tc05 e;
  ASSERT_EQ(e.load(edits), "");
  for (uint64_t seed = 1; seed <= 3; ++seed) {
    std::string err = e.run(seed, true, ldRegistersNeedWait);
    EXPECT_HAS(err, std::string("checker: ") + event);
    EXPECT_HAS(err, at);
    EXPECT_HAS(err, "history");
  }
}

// The scale factors of B placed by the warps with tcgen05.st instead of
// tcgen05.cp (each warp its lane quarter, column 20: lane i holds row
// i's factors), then wait::st, the fences and a CTA barrier.
const std::pair<std::string, std::string> kStoreSfb[] = {
    {"  tcgen05.cp.cta_group::1.32x128b.warpx4 [%r20+20], %rd6;\n", ""},
    {"  ld.shared.b32 %r20, [%r15];\n",
     "  ld.shared.b32 %r20, [%r15];\n"
     "  and.b32 %r60, %r1, 1;\n"
     "  mul.lo.u32 %r60, %r60, 0x08080808;\n"
     "  add.s32 %r60, %r60, 0x38383838;\n"
     "  shl.b32 %r61, %r3, 21;\n"
     "  add.s32 %r61, %r61, %r20;\n"
     "  tcgen05.st.sync.aligned.32x32b.x1.b32 [%r61+20], {%r60};\n"
     "  tcgen05.wait::st.sync.aligned;\n"
     "  tcgen05.fence::before_thread_sync;\n"
     "  bar.sync 0;\n"
     "  tcgen05.fence::after_thread_sync;\n"}};

TEST(EmuTcgen05, ScaleFactorsByTcgen05St) {
  expectBlock({kStoreSfb[0], kStoreSfb[1]}, 3);
}

TEST(EmuTcgen05Checks, StNotWaitedBeforeThreadSync) {
  std::string withoutWait = kStoreSfb[1].second;
  withoutWait.erase(withoutWait.find("  tcgen05.wait::st.sync.aligned;\n"),
                    std::string("  tcgen05.wait::st.sync.aligned;\n").size());
  expectStop({kStoreSfb[0], {kStoreSfb[1].first, withoutWait}},
             "tcgen05.st not waited before a thread sync", "bar.sync 0");
}

TEST(EmuTcgen05, FenceChecksOffForCalibration) {
  // Options::fenceChecks = false: the kernel without its fences and its
  // wait::ld runs (the numbers are the same), and nothing else is relaxed
  Tc05 e;
  ASSERT_EQ(e.load({{"$L_sync:\n  tcgen05.fence::before_thread_sync;\n",
                     "$L_sync:\n"},
                    {"  tcgen05.wait::ld.sync.aligned;\n", ""}}),
            "");
  EXPECT_NE(e.run(1, true), "");
  ASSERT_EQ(e.run(1, false), "");
  std::vector<float> d(128 * 16);
  ASSERT_EQ(e.m.read(e.out, d.data(), d.size() * 4), "");
  EXPECT_EQ(d[33 * 16 + 3], 32.0f * std::ldexp(1.0f, 1 + 1) * 2.0f);
  Tc05 f;
  ASSERT_EQ(f.load({{"[%r20], %rd2, %rd3", "[%r20+24], %rd2, %rd3"}}), "");
  EXPECT_HAS(f.run(1, false), "TMEM access outside the allocation");
}

TEST(EmuTcgen05Checks, AccessOutsideAllocation) {
  // 16 columns from column 24: 24..39, past the 32 allocated
  expectStop({{"[%r20], %rd2, %rd3", "[%r20+24], %rd2, %rd3"}},
             "TMEM access outside the allocation", "tcgen05.mma");
  expectStop({{"x16.b32 {%r30, %r31, %r32, %r33, %r34, %r35, %r36, %r37, %r38, "
               "%r39, %r40, %r41, %r42, %r43, %r44, %r45}, [%r24]",
               "x16.b32 {%r30, %r31, %r32, %r33, %r34, %r35, %r36, %r37, %r38, "
               "%r39, %r40, %r41, %r42, %r43, %r44, %r45}, [%r24+20]"}},
             "TMEM access outside the allocation", "tcgen05.ld");
}

TEST(EmuTcgen05Checks, LaneOutsideWarpQuarter) {
  // every warp loads lanes 0..31: warps 1-3 leave their quarter
  expectStop({{"add.s32 %r24, %r20, %r23;", "mov.b32 %r24, %r20;"}},
             "TMEM lane outside the warp's quarter", "tcgen05.ld");
}

TEST(EmuTcgen05Checks, LdNotWaitedBeforeThreadSync) {
  // without the wait, the stores of the loaded registers are fine (the
  // register dependency orders them); the bar.sync that releases the
  // accumulator is not
  expectStop({{"  tcgen05.wait::ld.sync.aligned;\n", ""}},
             "tcgen05.ld not waited before a thread sync", "bar.sync 0");
}

TEST(EmuTcgen05Checks, LdRegisterBeforeWait) {
  // Options::tcgen05LdRegistersNeedWait: the stricter reading
  expectStop({{"  tcgen05.wait::ld.sync.aligned;\n", ""}},
             "tcgen05.ld register used before tcgen05.wait::ld",
             "st.global.v4.b32 [%rd9], {%r30", true);
}

TEST(EmuTcgen05Checks, SharedOperandOverwrittenBeforeCommit) {
  // a store into A after the MMA, before its commit
  expectStop({{"//AFTER_MMA", "st.shared.b32 [%r2+64], 0;"}},
             "tcgen05 operand overwritten", "st.shared.b32 [%r2+64], 0");
}

TEST(EmuTcgen05Checks, ScaleColumnsOverwrittenBeforeCommit) {
  // a copy into the scale-A columns the in-flight MMA reads
  expectStop({{"//AFTER_MMA",
               "tcgen05.cp.cta_group::1.32x128b.warpx4 [%r20+16], %rd6;"}},
             "tcgen05 operand overwritten", "tcgen05.cp");
}

TEST(EmuTcgen05Checks, LdOfAccumulatorBeingWritten) {
  // thread 0 loads the accumulator right after issuing the MMA
  expectStop({{"//AFTER_MMA",
               "tcgen05.ld.sync.aligned.32x32b.x1.b32 {%r50}, [%r20];"}},
             "TMEM race", "tcgen05.ld.sync.aligned.32x32b.x1.b32 {%r50}");
}

TEST(EmuTcgen05Checks, ExitWithTmemAllocated) {
  expectStop({{"  tcgen05.dealloc.cta_group::1.sync.aligned.b32 %r20, 32;\n",
               ""}},
             "TMEM allocated at exit", "ret");
}

TEST(EmuTcgen05Checks, MissingFenceBeforeThreadSync) {
  // warp 0 allocated, then reaches bar.sync without the fence
  expectStop({{"$L_sync:\n  tcgen05.fence::before_thread_sync;\n", "$L_sync:\n"}},
             "missing tcgen05.fence::before_thread_sync", "bar.sync 0");
}

TEST(EmuTcgen05Checks, MissingFenceAfterThreadSync) {
  // the wait on the commit's mbarrier, then tcgen05.ld without the fence
  expectStop({{"  @!%p6 bra $L_try;\n  tcgen05.fence::after_thread_sync;\n",
               "  @!%p6 bra $L_try;\n"}},
             "missing tcgen05.fence::after_thread_sync", "tcgen05.ld");
}

TEST(EmuTcgen05Checks, UnwrittenScaleFactorsRead) {
  // no copy of the SFB atom: the MMA reads poisoned cells
  expectStop({{"  tcgen05.cp.cta_group::1.32x128b.warpx4 [%r20+20], %rd6;\n", ""}},
             "read of unwritten TMEM", "tcgen05.mma");
}

TEST(EmuTcgen05Checks, BadDescriptors) {
  // bit 46 of the A descriptor cleared (Table 40 fixes bits 46-48 to 0b001)
  expectStop({{"or.b64 %rd2, %rd1, 0x4000404000010000;",
               "or.b64 %rd2, %rd1, 0x4000004000010000;"}},
             "tcgen05 error", "tcgen05.mma");
  // scale type UE8M0 (bit 23) with .block16
  expectStop({{"mov.b32 %r21, 0x08040480;", "mov.b32 %r21, 0x08840480;"}},
             "tcgen05 error", "tcgen05.mma");
}

TEST(EmuTcgen05Checks, UnsupportedFormsRefusedAtLoad) {
  Tc05 e;
  std::string err = e.load({{".kind::mxf4nvf4.block_scale.block16",
                             ".kind::mxf8f6f4.block_scale.block32"}});
  EXPECT_HAS(err, "t.ptx:");
  EXPECT_HAS(err, "only tcgen05.mma.cta_group::1.kind::mxf4nvf4");
}

TEST(EmuTcgen05Checks, MalformedTcgen05RefusedWithLine) {
  // each malformed form: refused at load with its file:line, no crash
  const std::pair<const char *, const char *> bad[] = {
      {"tcgen05.mma.cta_group::1.kind::mxf4nvf4.block_scale.block16.collector::a::discard [%r20], %rd2, %rd3, %r21, [%r20+16], [%r20+20], %p5;",
       "tcgen05.mma.cta_group::1.kind::mxf4nvf4.block_scale.block16 [%r20], %rd2, %rd3, %r21;"},
      {"tcgen05.ld.sync.aligned.32x32b.x16.b32 {%r30, %r31, %r32, %r33, %r34, %r35, %r36, %r37, %r38, %r39, %r40, %r41, %r42, %r43, %r44, %r45}, [%r24];",
       "tcgen05.ld.sync.aligned.32x32b.x16.b32 {%r30, %r31}, [%r24];"},
      {"tcgen05.cp.cta_group::1.32x128b.warpx4 [%r20+16], %rd5;",
       "tcgen05.cp.cta_group::1.32x128b.warpx4 [%r20+16];"},
      {"tcgen05.cp.cta_group::1.32x128b.warpx4 [%r20+16], %rd5;",
       "tcgen05.cp.cta_group::1.128x256b [%r20+16], %rd5;"},
      {"tcgen05.ld.sync.aligned.32x32b.x16.b32", "tcgen05.ld.sync.aligned.16x256b.x16.b32"},
      {"tcgen05.commit.cta_group::1.mbarrier::arrive::one.shared::cluster.b64 [%r16];",
       "tcgen05.commit.cta_group::1.mbarrier::arrive::one.shared::cluster.b64;"},
  };
  for (auto &[from, to] : bad) {
    Tc05 e;
    std::string err = e.load({{from, to}});
    EXPECT_HAS(err, "t.ptx:");
    EXPECT_TRUE(err.find("expects") != std::string::npos ||
                err.find("unsupported instruction") != std::string::npos)
        << err;
  }
}

} // namespace
