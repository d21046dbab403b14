//===- EmulatorTest.cpp - the checked PTX emulator's core ----------------===//
//
// Small hand-written PTX kernels run through ggemm::emu::Machine: plain
// arithmetic and branches, barriers, elect.sync, mbarriers, TMA, bulk
// stores, and one kernel per checker event (the launch must fail naming
// the event and the faulting PTX line).
//
//===----------------------------------------------------------------------===//

#include "EmuTestUtil.h"

#include "ggemm/Emulator/Emulator.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

using namespace ggemm::emu;
using namespace ggemm::emu::test;

namespace {

// Env (EmuTestUtil.h) loads each kernel body after ptxHeader(): line
// numbers in reports count its 3 lines.

TEST(Emulator, ArithmeticAndBranches) {
  Env e;
  ASSERT_EQ(e.load(R"(
.visible .entry k(.param .u64 out)
{
  .reg .pred %p<3>;
  .reg .b32 %r<10>;
  .reg .b64 %rd<5>;
  mov.u32 %r1, %tid.x;
  mov.b32 %r2, 0;
  mov.b32 %r3, 0;
$L_loop:
  setp.gt.u32 %p1, %r3, %r1;
  @%p1 bra $L_done;
  add.s32 %r2, %r2, %r3;
  add.s32 %r3, %r3, 1;
  bra.uni $L_loop;
$L_done:
  mul.lo.s32 %r4, %r1, 3;
  xor.b32 %r4, %r4, 0x5U;
  add.s32 %r2, %r2, %r4;
  selp.b32 %r5, -1, 7, %p1;
  bfe.u32 %r6, %r4, 1, 3;
  shl.b32 %r6, %r6, 24;
  add.s32 %r2, %r2, %r6;
  ld.param.u64 %rd1, [out];
  cvta.to.global.u64 %rd1, %rd1;
  mul.wide.u32 %rd2, %r1, 8;
  add.s64 %rd3, %rd1, %rd2;
  st.global.v2.u32 [%rd3], {%r2, %r5};
  ret;
}
)"),
            "");
  uint64_t out = e.alloc(8 * 96);
  LaunchStats st;
  ASSERT_EQ(e.run("k", {96, 1, 1}, {u64Param(out)}, 1, 0, {1, 1, 1}, &st), "");
  std::vector<uint32_t> h(2 * 96);
  ASSERT_EQ(e.m.read(out, h.data(), 8 * 96), "");
  for (uint32_t t = 0; t < 96; ++t) {
    uint32_t x = (3 * t) ^ 5;
    EXPECT_EQ(h[2 * t], t * (t + 1) / 2 + x + (((x >> 1) & 7) << 24)) << t;
    EXPECT_EQ(h[2 * t + 1], (uint32_t)-1);
  }
  EXPECT_GT(st.instructions, 96u * 10);
}

TEST(Emulator, FloatAndConversions) {
  Env e;
  ASSERT_EQ(e.load(R"(
.visible .entry k(.param .u64 out)
{
  .reg .b16 %rs<4>;
  .reg .b32 %r<10>;
  .reg .b64 %rd<3>;
  mov.b32 %r1, 0f3FC00000;
  mul.rn.f32 %r2, %r1, %r1;
  cvt.rn.f16.f32 %rs1, %r2;
  mov.b32 %r3, {%rs1, %rs1};
  mul.rn.f16x2 %r4, %r3, %r3;
  mov.b32 {%rs2, %rs3}, %r4;
  cvt.f32.f16 %r5, %rs3;
  cvt.rn.f16x2.f32 %r6, %r1, %r2;
  mov.b16 %rs1, 0x3830;
  cvt.rn.f16x2.e4m3x2 %r7, %rs1;
  prmt.b32 %r8, %r6, %r7, 0x5140;
  ld.param.u64 %rd1, [out];
  st.global.v4.b32 [%rd1], {%r2, %r5, %r6, %r7};
  st.global.b32 [%rd1+16], %r8;
  ret;
}
)"),
            "");
  uint64_t out = e.alloc(32);
  ASSERT_EQ(e.run("k", {1, 1, 1}, {u64Param(out)}), "");
  uint32_t h[5];
  ASSERT_EQ(e.m.read(out, h, 20), "");
  float f;
  std::memcpy(&f, &h[0], 4);
  EXPECT_EQ(f, 2.25f);
  std::memcpy(&f, &h[1], 4);
  EXPECT_EQ(f, 5.0625f);
  EXPECT_EQ(h[2], 0x3E004080u); // hi = f16(1.5), lo = f16(2.25)
  EXPECT_EQ(h[3], 0x3C003800u); // e4m3 0x38 = 1.0 (high), 0x30 = 0.5 (low)
  EXPECT_EQ(h[4], 0x38400080u); // prmt bytes {0, 4, 1, 5}
}

TEST(Emulator, NamedBarrierAndShared) {
  Env e;
  ASSERT_EQ(e.load(R"(
.visible .entry k(.param .u64 out)
{
  .reg .pred %p<3>;
  .reg .b32 %r<10>;
  .reg .b64 %rd<5>;
  .shared .align 16 .b8 buf[256];
  mov.u32 %r1, %tid.x;
  setp.ge.u32 %p1, %r1, 64;
  @%p1 bra $L_exit;
  shl.b32 %r2, %r1, 2;
  mov.u32 %r3, buf;
  add.s32 %r4, %r3, %r2;
  mul.lo.s32 %r5, %r1, 7;
  st.shared.u32 [%r4], %r5;
  bar.sync 1, 64;
  xor.b32 %r6, %r1, 1;
  shl.b32 %r6, %r6, 2;
  add.s32 %r6, %r3, %r6;
  ld.shared.u32 %r7, [%r6];
  ld.param.u64 %rd1, [out];
  mul.wide.u32 %rd2, %r1, 4;
  add.s64 %rd3, %rd1, %rd2;
  st.global.u32 [%rd3], %r7;
$L_exit:
  ret;
}
)"),
            "");
  uint64_t out = e.alloc(4 * 64);
  for (uint64_t seed = 1; seed <= 4; ++seed) {
    ASSERT_EQ(e.run("k", {128, 1, 1}, {u64Param(out)}, seed), "");
    std::vector<uint32_t> h(64);
    ASSERT_EQ(e.m.read(out, h.data(), 4 * 64), "");
    for (uint32_t t = 0; t < 64; ++t)
      EXPECT_EQ(h[t], (t ^ 1) * 7);
  }
}

TEST(Emulator, ElectSync) {
  Env e;
  ASSERT_EQ(e.load(R"(
.visible .entry k(.param .u64 out)
{
  .reg .pred %p<3>;
  .reg .b32 %r<10>;
  .reg .b64 %rd<5>;
  mov.u32 %r1, %tid.x;
  setp.lt.u32 %p2, %r1, 3;
  @%p2 bra $L_exit;
  elect.sync %r2|%p1, -1;
  @!%p1 bra $L_exit;
  shr.u32 %r3, %r1, 5;
  ld.param.u64 %rd1, [out];
  mul.wide.u32 %rd2, %r3, 4;
  add.s64 %rd3, %rd1, %rd2;
  mov.u32 %r4, %laneid;
  st.global.u32 [%rd3], %r4;
$L_exit:
  ret;
}
)"),
            "");
  uint64_t out = e.alloc(8);
  ASSERT_EQ(e.run("k", {64, 1, 1}, {u64Param(out)}), "");
  uint32_t h[2];
  ASSERT_EQ(e.m.read(out, h, 8), "");
  EXPECT_EQ(h[0], 3u); // lanes 0..2 exited before elect.sync
  EXPECT_EQ(h[1], 0u);
}

// Warp 1 lane 0 produces into shared memory and arrives; warp 0 waits.
const char *kMbarKernel = R"(
.visible .entry k(.param .u64 out)
{
  .reg .pred %p<4>;
  .reg .b32 %r<12>;
  .reg .b64 %rd<6>;
  .shared .align 16 .b8 __dynamic_shmem__0;
  mov.u32 %r1, %tid.x;
  mov.u32 %r2, __dynamic_shmem__0;
  setp.ne.b32 %p1, %r1, 0;
  @%p1 bra $L_init_done;
  mbarrier.init.shared.b64 [__dynamic_shmem__0], 1;
  fence.mbarrier_init.release.cluster;
$L_init_done:
  bar.sync 0;
  setp.eq.b32 %p2, %r1, 32;
  @%p2 bra $L_produce;
  setp.ge.u32 %p3, %r1, 32;
  @%p3 bra $L_exit;
  {
  .reg .pred P1;
  LAB_WAIT:
  mbarrier.try_wait.parity.shared.b64 P1, [%r2], 0, 10000000;
  @P1 bra.uni DONE;
  bra.uni LAB_WAIT;
  DONE:
  }
  ld.shared.u32 %r5, [%r2+16];
  add.s32 %r5, %r5, %r1;
  ld.param.u64 %rd1, [out];
  mul.wide.u32 %rd2, %r1, 4;
  add.s64 %rd3, %rd1, %rd2;
  st.global.u32 [%rd3], %r5;
  bra.uni $L_exit;
$L_produce:
  mov.b32 %r6, 1000;
  st.shared.u32 [%r2+16], %r6;
  mbarrier.arrive.shared.b64 %rd4, [%r2];
$L_exit:
  ret;
}
)";

TEST(Emulator, MbarrierProducerConsumer) {
  Env e;
  ASSERT_EQ(e.load(kMbarKernel), "");
  uint64_t out = e.alloc(4 * 32);
  for (uint64_t seed = 1; seed <= 6; ++seed) {
    ASSERT_EQ(e.run("k", {64, 1, 1}, {u64Param(out)}, seed, 64), "");
    std::vector<uint32_t> h(32);
    ASSERT_EQ(e.m.read(out, h.data(), 4 * 32), "");
    for (uint32_t t = 0; t < 32; ++t)
      EXPECT_EQ(h[t], 1000 + t);
  }
}

TEST(Emulator, ManyCtasAndGridSpecials) {
  Env e;
  ASSERT_EQ(e.load(R"(
.visible .entry k(.param .u64 out)
{
  .reg .b32 %r<10>;
  .reg .b64 %rd<5>;
  mov.u32 %r1, %ctaid.x;
  mov.u32 %r2, %ctaid.y;
  mov.u32 %r3, %nctaid.x;
  mad.lo.s32 %r4, %r2, %r3, %r1;
  mov.u32 %r5, %tid.x;
  ld.param.u64 %rd1, [out];
  mul.wide.u32 %rd2, %r4, 4;
  add.s64 %rd3, %rd1, %rd2;
  atom.global.add.u32 %r6, [%rd3], %r5;
  ret;
}
)"),
            "");
  uint64_t out = e.alloc(4 * 15);
  ASSERT_EQ(e.run("k", {32, 1, 1}, {u64Param(out)}, 3, 0, {5, 3, 1}), "");
  std::vector<uint32_t> h(15);
  ASSERT_EQ(e.m.read(out, h.data(), 4 * 15), "");
  for (uint32_t i = 0; i < 15; ++i)
    EXPECT_EQ(h[i], 31u * 32 / 2);
}

// Shared -> global bulk copy; `fence` and `wait` select the faulty forms.
std::string bulkKernel(bool fence, bool wait) {
  std::string s = R"(
.visible .entry k(.param .u64 out)
{
  .reg .pred %p<3>;
  .reg .b32 %r<10>;
  .reg .b64 %rd<5>;
  .shared .align 16 .b8 buf[256];
  mov.u32 %r1, %tid.x;
  mov.u32 %r2, buf;
  shl.b32 %r3, %r1, 2;
  add.s32 %r4, %r2, %r3;
  add.s32 %r5, %r1, 100;
  st.shared.u32 [%r4], %r5;
)";
  if (fence)
    s += "  fence.proxy.async.shared::cta;\n";
  else
    s += "  membar.cta;\n";
  s += R"(  bar.sync 0;
  setp.ne.b32 %p1, %r1, 0;
  @%p1 bra $L_exit;
  ld.param.u64 %rd1, [out];
  cp.async.bulk.global.shared::cta.bulk_group [%rd1], [%r2], 256;
  cp.async.bulk.commit_group;
)";
  if (wait)
    s += "  cp.async.bulk.wait_group.read 0;\n";
  else
    s += "  membar.cta;\n";
  s += "$L_exit:\n  ret;\n}\n";
  return s;
}

TEST(Emulator, BulkStoreAndWaitGroup) {
  Env e;
  ASSERT_EQ(e.load(bulkKernel(true, true)), "");
  uint64_t out = e.alloc(256);
  for (uint64_t seed = 1; seed <= 3; ++seed) {
    ASSERT_EQ(e.run("k", {64, 1, 1}, {u64Param(out)}, seed), "");
    std::vector<uint32_t> h(64);
    ASSERT_EQ(e.m.read(out, h.data(), 256), "");
    for (uint32_t t = 0; t < 64; ++t)
      EXPECT_EQ(h[t], 100 + t);
  }
}

//--- TMA -------------------------------------------------------------------//

// The parts of the TMA kernels below. tmaIssue: thread 0 initialises the
// mbarrier and issues one 2D TMA load of a 64 x 4 byte box from a 64 x 8
// uint8 matrix into shared memory (after the tensor-map fence if `fence`),
// then the CTA syncs. tmaWait: the mbarrier wait. tmaReadBack: each thread
// copies one word of the box to `out`.
std::string tmaIssue(bool fence) {
  std::string s = R"(
.visible .entry k(.param .u64 map, .param .u64 out)
{
  .reg .pred %p<4>;
  .reg .b32 %r<12>;
  .reg .b64 %rd<6>;
  .shared .align 16 .b8 __dynamic_shmem__0;
  mov.u32 %r1, %tid.x;
  mov.u32 %r2, __dynamic_shmem__0;
  add.s32 %r3, %r2, 1024;
  and.b32 %r3, %r3, -1024;
  ld.param.u64 %rd1, [map];
  setp.ne.b32 %p1, %r1, 0;
  @%p1 bra $L_init_done;
  mbarrier.init.shared.b64 [%r2], 1;
)";
  if (fence)
    s += "  fence.proxy.tensormap::generic.acquire.gpu [%rd1], 128;\n";
  else
    s += "  membar.gl;\n";
  s += R"(  mbarrier.arrive.expect_tx.shared.b64 %rd4, [%r2], 256;
  mov.b32 %r4, 0;
  mov.b32 %r5, 2;
  cp.async.bulk.tensor.2d.shared::cluster.global.tile.mbarrier::complete_tx::bytes [%r3], [%rd1, {%r4, %r5}], [%r2];
$L_init_done:
  bar.sync 0;
)";
  return s;
}

const char *tmaWait = R"(  {
  .reg .pred P1;
  LAB_WAIT:
  mbarrier.try_wait.parity.shared.b64 P1, [%r2], 0, 10000000;
  @P1 bra.uni DONE;
  bra.uni LAB_WAIT;
  DONE:
  }
)";

const char *tmaReadBack = R"(  shl.b32 %r6, %r1, 2;
  add.s32 %r6, %r3, %r6;
  ld.shared.u32 %r7, [%r6];
  ld.param.u64 %rd2, [out];
  mul.wide.u32 %rd3, %r1, 4;
  add.s64 %rd3, %rd2, %rd3;
  st.global.u32 [%rd3], %r7;
  ret;
}
)";

// The TMA load, then warp 0 reads the box. `fence`: the tensor-map fence;
// `wait`: the reader waits on the mbarrier first.
std::string tmaKernel(bool fence, bool wait) {
  return tmaIssue(fence) + (wait ? tmaWait : "") + tmaReadBack;
}

struct TmaEnv : Env {
  uint64_t mapAddr = 0, data = 0, out = 0;
  void prepare() {
    data = alloc(64 * 8);
    std::vector<uint8_t> h(64 * 8);
    for (size_t i = 0; i < h.size(); ++i)
      h[i] = (uint8_t)(i * 7 + 3);
    ASSERT_EQ(m.write(data, h.data(), h.size()), "");
    TiledMapSpec s;
    s.dataType = MapDataType::UInt8;
    s.rank = 2;
    s.globalAddress = data;
    s.globalDim = {64, 8, 1, 1, 1};
    s.globalStrides = {64, 0, 0, 0};
    s.boxDim = {64, 4, 1, 1, 1};
    uint8_t enc[128];
    ASSERT_EQ(encodeTiledMap(s, enc), "");
    mapAddr = alloc(128);
    ASSERT_EQ(m.write(mapAddr, enc, 128), "");
    out = alloc(4 * 64);
  }
};

TEST(Emulator, TmaLoadAndWait) {
  TmaEnv e;
  e.prepare();
  ASSERT_EQ(e.load(tmaKernel(true, true)), "");
  for (uint64_t seed = 1; seed <= 4; ++seed) {
    ASSERT_EQ(e.run("k", {64, 1, 1}, {u64Param(e.mapAddr), u64Param(e.out)},
                    seed, 4096),
              "");
    std::vector<uint8_t> h(256);
    ASSERT_EQ(e.m.read(e.out, h.data(), 256), "");
    for (size_t i = 0; i < 256; ++i)
      EXPECT_EQ(h[i], (uint8_t)((i + 128) * 7 + 3)) << i;
  }
}

// One warpgroup: A (64 x 16) and B (16 x 8) all 1.0 in shared memory
// (generic stores, fence.proxy.async, bar.sync), one wgmma m64n8k16 with
// scale-d false: every accumulator is 16. `early`: the first accumulator is
// read before wgmma.wait_group.
/// A wgmma m64n8k16 of ones: A from shared memory by descriptor or, with
/// `regA`, from four registers of f16 pairs of ones; `early` touches an
/// accumulator (or, with `regA`, writes an A register) before the wait.
std::string wgmmaKernel(bool early, bool regA = false) {
  std::string s = R"(
.visible .entry k(.param .u64 out)
{
  .reg .pred %p<4>;
  .reg .b32 %r<24>;
  .reg .b64 %rd<10>;
  .shared .align 128 .b8 buf[2304];
  mov.u32 %r1, %tid.x;
  mov.u32 %r2, buf;
  mov.u32 %r3, %r1;
$L_fill:
  shl.b32 %r4, %r3, 2;
  add.s32 %r4, %r2, %r4;
  st.shared.u32 [%r4], 0x3C003C00;
  add.s32 %r3, %r3, 128;
  setp.lt.u32 %p1, %r3, 576;
  @%p1 bra $L_fill;
  fence.proxy.async.shared::cta;
  bar.sync 0;
  cvt.u64.u32 %rd1, %r2;
  shr.u64 %rd1, %rd1, 4;
  or.b64 %rd2, %rd1, 0x1000080000;
  add.s64 %rd3, %rd2, 128;
  setp.ne.b32 %p2, 0, 0;
  wgmma.fence.sync.aligned;
  mov.b32 %r14, 0x3C003C00;
  mov.b32 %r15, 0x3C003C00;
  mov.b32 %r16, 0x3C003C00;
  mov.b32 %r17, 0x3C003C00;
)";
  s += regA ? "  wgmma.mma_async.sync.aligned.m64n8k16.f32.f16.f16 {%r10, %r11, "
              "%r12, %r13}, {%r14, %r15, %r16, %r17}, %rd3, %p2, 1, 1, 0;\n"
            : "  wgmma.mma_async.sync.aligned.m64n8k16.f32.f16.f16 {%r10, %r11, "
              "%r12, %r13}, %rd2, %rd3, %p2, 1, 1, 0, 0;\n";
  s += "  wgmma.commit_group.sync.aligned;\n";
  if (early)
    s += regA ? "  mov.b32 %r15, 0;\n" : "  mov.b32 %r20, %r10;\n";
  s += R"(  wgmma.wait_group.sync.aligned 0;
  ld.param.u64 %rd4, [out];
  mul.wide.u32 %rd5, %r1, 16;
  add.s64 %rd6, %rd4, %rd5;
  st.global.v4.b32 [%rd6], {%r10, %r11, %r12, %r13};
  ret;
}
)";
  return s;
}

// Every output of the wgmma of ones (A by descriptor, or with `regA` from
// registers) is 16, under three emulator seeds.
void expectWgmmaOfOnes(bool regA) {
  Env e;
  ASSERT_EQ(e.load(wgmmaKernel(false, regA)), "");
  uint64_t out = e.alloc(16 * 128);
  for (uint64_t seed = 1; seed <= 3; ++seed) {
    ASSERT_EQ(e.run("k", {128, 1, 1}, {u64Param(out)}, seed), "");
    std::vector<float> h(4 * 128);
    ASSERT_EQ(e.m.read(out, h.data(), 16 * 128), "");
    for (float v : h)
      EXPECT_EQ(v, 16.0f);
  }
}

TEST(Emulator, Wgmma) { expectWgmmaOfOnes(false); }

TEST(Emulator, WgmmaRegisterA) { expectWgmmaOfOnes(true); }

//--- checker events ---------------------------------------------------------//

TEST(EmulatorChecks, WgmmaAccumulatorRace) {
  Env e;
  ASSERT_EQ(e.load(wgmmaKernel(true)), "");
  uint64_t out = e.alloc(16 * 128);
  std::string err = e.run("k", {128, 1, 1}, {u64Param(out)});
  EXPECT_HAS(err, "checker: wgmma accumulator race");
  EXPECT_HAS(err, "t.ptx:35: mov.b32 %r20, %r10");
}

// Writing one of A's registers while the wgmma that reads it is in flight.
TEST(EmulatorChecks, WgmmaRegisterARace) {
  Env e;
  ASSERT_EQ(e.load(wgmmaKernel(true, true)), "");
  uint64_t out = e.alloc(16 * 128);
  std::string err = e.run("k", {128, 1, 1}, {u64Param(out)});
  EXPECT_HAS(err, "checker: wgmma accumulator race");
  EXPECT_HAS(err, "t.ptx:35: mov.b32 %r15, 0");
}



TEST(EmulatorChecks, UnknownInstruction) {
  Env e;
  std::string err = e.load(R"(
.visible .entry k()
{
  .reg .b32 %r<3>;
  mov.b32 %r1, 1;
  frobnicate.b32 %r2, %r1;
  ret;
}
)");
  EXPECT_HAS(err, "t.ptx:9: unknown instruction 'frobnicate.b32'");
}

TEST(EmulatorChecks, Deadlock) {
  Env e;
  ASSERT_EQ(e.load(R"(
.visible .entry k()
{
  .reg .pred %p<3>;
  .reg .b32 %r<10>;
  .reg .b64 %rd<3>;
  .shared .align 16 .b8 bar[8];
  mov.u32 %r2, bar;
  mbarrier.init.shared.b64 [%r2], 2;
  mbarrier.arrive.shared.b64 %rd1, [%r2];
  {
  .reg .pred P1;
  LAB_WAIT:
  mbarrier.try_wait.parity.shared.b64 P1, [%r2], 0;
  @P1 bra.uni DONE;
  bra.uni LAB_WAIT;
  DONE:
  }
  ret;
}
)"),
            "");
  std::string err = e.run("k", {1, 1, 1}, {});
  EXPECT_HAS(err, "checker: deadlock");
  EXPECT_HAS(err, "t.ptx:17:");
  EXPECT_HAS(err, "1 of 2 arrivals pending");
  EXPECT_HAS(err, "CTA (0,0,0): 1 thread at mbarrier.try_wait.parity.shared."
                  "b64 on 0x");
  EXPECT_HAS(err, " phase 0 (t.ptx:17)");
}

// setmaxnreg is one instruction of a whole warpgroup: all four warps execute
// it before any goes on. Here warps 2 and 3 wait at a CTA barrier instead,
// which warps 0 and 1 never reach: a deadlock. (Warp-scoped, as the
// emulator had it, warps 0 and 1 would have gone on alone.) With every warp
// at it the same kernel runs.
TEST(EmulatorChecks, SetMaxNRegIsWarpgroupWide) {
  auto kernel = [](bool allWarps) {
    return std::string(R"(
.visible .entry k()
{
  .reg .pred %p<3>;
  .reg .b32 %r<10>;
  mov.u32 %r1, %tid.x;
  setp.lt.u32 %p1, %r1, )") +
           (allWarps ? "128" : "64") + R"(;
  @!%p1 bra.uni SKIP;
  setmaxnreg.dec.sync.aligned.u32 24;
SKIP:
  bar.sync 0;
  ret;
}
)";
  };
  {
    Env e;
    ASSERT_EQ(e.load(kernel(true)), "");
    EXPECT_EQ(e.run("k", {128, 1, 1}, {}), "");
  }
  Env e;
  ASSERT_EQ(e.load(kernel(false)), "");
  std::string err = e.run("k", {128, 1, 1}, {});
  EXPECT_HAS(err, "checker: deadlock");
  EXPECT_HAS(err, "setmaxnreg");
}

// The report names a thread that waits on an mbarrier (warp 1 here, not
// thread 0 which waits at a named barrier) and counts the waiters per place.
TEST(EmulatorChecks, DeadlockNamesMbarrierWaiterAndCountsWaiters) {
  Env e;
  ASSERT_EQ(e.load(R"(
.visible .entry k()
{
  .reg .pred %p<3>;
  .reg .b32 %r<10>;
  .shared .align 16 .b8 bar[8];
  mov.u32 %r1, %tid.x;
  mov.u32 %r2, bar;
  setp.ne.u32 %p1, %r1, 0;
  @%p1 bra $L_synced;
  mbarrier.init.shared.b64 [%r2], 2;
$L_synced:
  bar.sync 0;
  setp.ge.u32 %p2, %r1, 32;
  @%p2 bra $L_wait;
  bar.sync 1, 64;
  ret;
$L_wait:
  mbarrier.try_wait.parity.shared.b64 %p1, [%r2], 0;
  @!%p1 bra.uni $L_wait;
  ret;
}
)"),
            "");
  std::string err = e.run("k", {64, 1, 1}, {});
  EXPECT_HAS(err, "checker: deadlock");
  EXPECT_HAS(err, "warp 1 lane 0");
  EXPECT_HAS(err, "\n  at t.ptx:22: mbarrier.try_wait");
  EXPECT_HAS(err, "2 of 2 arrivals pending");
  EXPECT_HAS(err, "CTA (0,0,0): 32 threads at bar.sync 1 (t.ptx:19), 32 "
                  "threads at mbarrier.try_wait.parity.shared.b64 on 0x");
  EXPECT_HAS(err, " phase 0 (t.ptx:22)");
}

// mbarrier.init sets the current phase to 0 (PTX ISA), also on an mbarrier
// that already completed phases. Re-initialised after completing phase 0,
// the barrier's next completion is phase 0 again, so a wait for parity 0
// succeeds (kept at phase 1, it would complete phase 1 and the wait for
// parity 0 would never succeed: a deadlock).
TEST(Emulator, MbarrierReinitResetsPhase) {
  Env e;
  ASSERT_EQ(e.load(R"(
.visible .entry k(.param .u64 out)
{
  .reg .pred %p<4>;
  .reg .b32 %r<10>;
  .reg .b64 %rd<5>;
  .shared .align 16 .b8 bar[8];
  mov.u32 %r2, bar;
  mbarrier.init.shared.b64 [%r2], 1;
  mbarrier.arrive.shared.b64 %rd1, [%r2];
  mbarrier.try_wait.parity.shared.b64 %p1, [%r2], 0;
  mbarrier.init.shared.b64 [%r2], 1;
  mbarrier.arrive.shared.b64 %rd2, [%r2];
  mbarrier.try_wait.parity.shared.b64 %p2, [%r2], 0;
  mbarrier.try_wait.shared.b64 %p3, [%r2], %rd2;
  selp.u32 %r3, 1, 0, %p1;
  selp.u32 %r4, 1, 0, %p2;
  selp.u32 %r5, 1, 0, %p3;
  ld.param.u64 %rd3, [out];
  st.global.v4.u32 [%rd3], {%r3, %r4, %r5, %r5};
  ret;
}
)"),
            "");
  uint64_t out = e.alloc(16);
  ASSERT_EQ(e.run("k", {1, 1, 1}, {u64Param(out)}), "");
  uint32_t h[4];
  ASSERT_EQ(e.m.read(out, h, 16), "");
  EXPECT_EQ(h[0], 1u); // phase 0 completed
  EXPECT_EQ(h[1], 1u); // re-initialised: phase 0 again, completed
  EXPECT_EQ(h[2], 1u); // the token of the arrival names that phase
}

TEST(EmulatorChecks, MbarrierNoCompleteRefusedAtLoad) {
  Env e;
  std::string err = e.load(R"(
.visible .entry k()
{
  .reg .b32 %r<4>;
  .reg .b64 %rd<3>;
  .shared .align 16 .b8 bar[8];
  mov.u32 %r2, bar;
  mbarrier.init.shared.b64 [%r2], 2;
  mbarrier.arrive.noComplete.shared.b64 %rd1, [%r2], 1;
  ret;
}
)");
  EXPECT_HAS(err, "t.ptx:12: unsupported instruction "
                  "'mbarrier.arrive.noComplete.shared.b64'");
  EXPECT_HAS(err, "mbarrier.arrive.noComplete is not emulated");
}

// cvt.f32.f64 rounds once, in the mode the instruction names.
TEST(Emulator, CvtF32F64RoundingModes) {
  Env e;
  ASSERT_EQ(e.load(R"(
.visible .entry k(.param .u64 out)
{
  .reg .b32 %r<10>;
  .reg .b64 %rd<5>;
  mov.b64 %rd1, 0d3FD5555555555555;
  mov.b64 %rd2, 0dBFD5555555555555;
  cvt.rn.f32.f64 %r1, %rd1;
  cvt.rz.f32.f64 %r2, %rd1;
  cvt.rm.f32.f64 %r3, %rd1;
  cvt.rp.f32.f64 %r4, %rd1;
  cvt.rn.f32.f64 %r5, %rd2;
  cvt.rz.f32.f64 %r6, %rd2;
  cvt.rm.f32.f64 %r7, %rd2;
  cvt.rp.f32.f64 %r8, %rd2;
  ld.param.u64 %rd3, [out];
  st.global.v4.b32 [%rd3], {%r1, %r2, %r3, %r4};
  st.global.v4.b32 [%rd3+16], {%r5, %r6, %r7, %r8};
  ret;
}
)"),
            "");
  uint64_t out = e.alloc(32);
  ASSERT_EQ(e.run("k", {1, 1, 1}, {u64Param(out)}), "");
  uint32_t h[8];
  ASSERT_EQ(e.m.read(out, h, 32), "");
  // 1/3 = 0x3EAAAAAA.AA..: nearest rounds up to ...AB
  EXPECT_EQ(h[0], 0x3EAAAAABu);
  EXPECT_EQ(h[1], 0x3EAAAAAAu);
  EXPECT_EQ(h[2], 0x3EAAAAAAu);
  EXPECT_EQ(h[3], 0x3EAAAAABu);
  EXPECT_EQ(h[4], 0xBEAAAAABu);
  EXPECT_EQ(h[5], 0xBEAAAAAAu);
  EXPECT_EQ(h[6], 0xBEAAAAABu);
  EXPECT_EQ(h[7], 0xBEAAAAAAu);
}

TEST(EmulatorChecks, MbarrierArrivalPastExpected) {
  Env e;
  ASSERT_EQ(e.load(R"(
.visible .entry k()
{
  .reg .b32 %r<10>;
  .reg .b64 %rd<3>;
  .shared .align 16 .b8 bar[8];
  mov.u32 %r2, bar;
  mbarrier.init.shared.b64 [%r2], 1;
  mbarrier.arrive.expect_tx.shared.b64 %rd1, [%r2], 64;
  mbarrier.arrive.shared.b64 %rd1, [%r2];
  ret;
}
)"),
            "");
  std::string err = e.run("k", {1, 1, 1}, {});
  EXPECT_HAS(err, "checker: mbarrier error");
  EXPECT_HAS(err, "arrival past the expected count");
  EXPECT_HAS(err, "t.ptx:13:");
}

// One thread expects 64 transaction bytes and issues a TMA copy of a
// 64 x 4 u8 box (256 bytes): the copy's complete_tx takes the tx-count
// below zero. The event is blamed on the issuing thread, reported at the
// instruction it is at when the copy completes (its try_wait).
TEST(EmulatorChecks, MbarrierTxCountNegative) {
  TmaEnv e;
  e.prepare();
  ASSERT_EQ(e.load(R"(
.visible .entry k(.param .u64 map)
{
  .reg .pred %p<3>;
  .reg .b32 %r<10>;
  .reg .b64 %rd<4>;
  .shared .align 1024 .b8 buf[1024];
  .shared .align 16 .b8 bar[8];
  ld.param.u64 %rd1, [map];
  fence.proxy.tensormap::generic.acquire.gpu [%rd1], 128;
  mov.u32 %r2, bar;
  mov.u32 %r3, buf;
  mbarrier.init.shared.b64 [%r2], 1;
  mbarrier.arrive.expect_tx.shared.b64 %rd2, [%r2], 64;
  mov.b32 %r4, 0;
  mov.b32 %r5, 2;
  cp.async.bulk.tensor.2d.shared::cluster.global.tile.mbarrier::complete_tx::bytes [%r3], [%rd1, {%r4, %r5}], [%r2];
  {
  .reg .pred P1;
  LAB_WAIT:
  mbarrier.try_wait.parity.shared.b64 P1, [%r2], 0;
  @P1 bra.uni DONE;
  bra.uni LAB_WAIT;
  DONE:
  }
  ret;
}
)"),
            "");
  for (uint64_t seed = 1; seed <= 3; ++seed) {
    std::string err = e.run("k", {1, 1, 1}, {u64Param(e.mapAddr)}, seed);
    EXPECT_HAS(err, "checker: mbarrier error");
    EXPECT_HAS(err, "transaction bytes completed past expect_tx");
    EXPECT_HAS(err, "tx-count -192, phase 0");
    // reported at the copy that issued it, detected at its completion
    EXPECT_HAS(err, "\n  at t.ptx:20: cp.async.bulk.tensor");
    EXPECT_HAS(err, "(detected at completion: issued at t.ptx:20, completed "
                    "while the issuing thread was at t.ptx:24)");
    EXPECT_HAS(err, "t.ptx:24: mbarrier.try_wait"); // in its history
  }
}

// A wait on a phase that cannot complete (the arrival count is met but the
// 64 expected transaction bytes never come) is reported as a deadlock that
// names the mbarrier, its phase and what it still lacks.
TEST(EmulatorChecks, WaitOnPhaseThatCannotComplete) {
  Env e;
  ASSERT_EQ(e.load(R"(
.visible .entry k()
{
  .reg .pred %p<3>;
  .reg .b32 %r<10>;
  .reg .b64 %rd<3>;
  .shared .align 16 .b8 bar[8];
  mov.u32 %r2, bar;
  mbarrier.init.shared.b64 [%r2], 1;
  mbarrier.arrive.expect_tx.shared.b64 %rd1, [%r2], 64;
  {
  .reg .pred P1;
  LAB_WAIT:
  mbarrier.try_wait.parity.shared.b64 P1, [%r2], 0;
  @P1 bra.uni DONE;
  bra.uni LAB_WAIT;
  DONE:
  }
  ret;
}
)"),
            "");
  std::string err = e.run("k", {1, 1, 1}, {});
  EXPECT_HAS(err, "checker: deadlock");
  EXPECT_HAS(err, "t.ptx:17: mbarrier.try_wait");
  EXPECT_HAS(err, "waits on the mbarrier at 0x");
  EXPECT_HAS(err, "(phase 0 incomplete: 0 of 1 arrivals pending, tx-count 64)");
}

TEST(EmulatorChecks, MbarrierUninitialised) {
  Env e;
  ASSERT_EQ(e.load(R"(
.visible .entry k()
{
  .reg .pred %p<3>;
  .reg .b32 %r<10>;
  .shared .align 16 .b8 bar[8];
  mov.u32 %r2, bar;
  mbarrier.try_wait.parity.shared.b64 %p1, [%r2], 0;
  ret;
}
)"),
            "");
  std::string err = e.run("k", {1, 1, 1}, {});
  EXPECT_HAS(err, "checker: mbarrier error");
  EXPECT_HAS(err, "uninitialised mbarrier");
  EXPECT_HAS(err, "t.ptx:11:");
}

TEST(EmulatorChecks, TmaRaceReadBeforeWait) {
  TmaEnv e;
  e.prepare();
  ASSERT_EQ(e.load(tmaKernel(true, false)), "");
  std::string err = e.run("k", {64, 1, 1},
                          {u64Param(e.mapAddr), u64Param(e.out)}, 1, 4096);
  EXPECT_HAS(err, "checker: TMA race");
  EXPECT_HAS(err, "t.ptx:27:"); // the ld.shared
}

// A relay: warp 1 waits for the TMA's mbarrier and passes it on with
// bar.arrive on named barrier 1; warp 0 waits there with bar.sync, then
// reads what TMA wrote (PTX's producer-consumer pattern, as the predecoded
// sm_90a kernel's producer relays its token slots). With warp 1 arriving
// before it waited, warp 0's read is a TMA race.
std::string relayKernel(bool waitFirst) {
  std::string wait = tmaWait;
  std::string arrive = "  bar.arrive 1, 64;\n";
  return tmaIssue(true) + R"(  setp.lt.u32 %p2, %r1, 32;
  @%p2 bra $L_consumer;
)" + (waitFirst ? wait + arrive : arrive + wait) +
         R"(  ret;
$L_consumer:
  bar.sync 1, 64;
)" + tmaReadBack;
}

TEST(EmulatorChecks, TmaRelayedByBarArrive) {
  for (bool waitFirst : {true, false}) {
    TmaEnv e;
    e.prepare();
    ASSERT_EQ(e.load(relayKernel(waitFirst)), "");
    std::string err = e.run("k", {64, 1, 1},
                            {u64Param(e.mapAddr), u64Param(e.out)}, 1, 4096);
    if (waitFirst) {
      EXPECT_EQ(err, "");
    } else {
      EXPECT_HAS(err, "checker: TMA race");
      EXPECT_HAS(err, "ld.shared.u32");
    }
  }
}

TEST(EmulatorChecks, MissingTensormapFence) {
  TmaEnv e;
  e.prepare();
  ASSERT_EQ(e.load(tmaKernel(false, true)), "");
  std::string err = e.run("k", {64, 1, 1},
                          {u64Param(e.mapAddr), u64Param(e.out)}, 1, 4096);
  EXPECT_HAS(err, "checker: missing tensormap fence");
  EXPECT_HAS(err, "t.ptx:21:"); // the cp.async.bulk.tensor
}

// cp.async.bulk.prefetch.tensor (the L2 prefetch of a box) changes no value
// but uses its tensor map: without the tensormap fence it is refused at its
// own line; with it, it runs and the kernel goes on.
std::string tmaPrefetchKernel(bool fence) {
  std::string s = R"(
.visible .entry k(.param .u64 map, .param .u64 out)
{
  .reg .b32 %r<4>;
  .reg .b64 %rd<4>;
  ld.param.u64 %rd1, [map];
)";
  s += fence ? "  fence.proxy.tensormap::generic.acquire.gpu [%rd1], 128;\n"
             : "  membar.gl;\n";
  s += R"(  mov.b32 %r1, 0;
  mov.b32 %r2, 300;
  cp.async.bulk.prefetch.tensor.2d.L2.global.tile [%rd1, {%r1, %r2}];
  ld.param.u64 %rd2, [out];
  mov.b32 %r3, 7;
  st.global.u32 [%rd2], %r3;
  ret;
}
)";
  return s;
}

TEST(EmulatorChecks, TmaPrefetchNeedsTensormapFence) {
  for (bool fence : {false, true}) {
    TmaEnv e;
    e.prepare();
    ASSERT_EQ(e.load(tmaPrefetchKernel(fence)), "");
    std::string err =
        e.run("k", {1, 1, 1}, {u64Param(e.mapAddr), u64Param(e.out)}, 1, 0);
    if (!fence) {
      EXPECT_HAS(err, "checker: missing tensormap fence");
      EXPECT_HAS(err, "\n  at t.ptx:13: cp.async.bulk.prefetch.tensor");
    } else {
      EXPECT_EQ(err, "");
    }
  }
}

TEST(EmulatorChecks, MissingProxyFence) {
  Env e;
  ASSERT_EQ(e.load(bulkKernel(false, true)), "");
  uint64_t out = e.alloc(256);
  std::string err = e.run("k", {64, 1, 1}, {u64Param(out)});
  EXPECT_HAS(err, "checker: missing fence.proxy.async");
  EXPECT_HAS(err, "t.ptx:20:");
}

TEST(EmulatorChecks, PendingBulkStoreAtExit) {
  Env e;
  ASSERT_EQ(e.load(bulkKernel(true, false)), "");
  uint64_t out = e.alloc(256);
  std::string err = e.run("k", {64, 1, 1}, {u64Param(out)});
  EXPECT_HAS(err, "checker: pending bulk store at exit");
  EXPECT_HAS(err, "t.ptx:24:"); // the ret
}

TEST(EmulatorChecks, OutOfBoundsAndMisaligned) {
  Env e;
  ASSERT_EQ(e.load(R"(
.visible .entry oob(.param .u64 out)
{
  .reg .b32 %r<3>;
  .reg .b64 %rd<3>;
  ld.param.u64 %rd1, [out];
  mov.b32 %r1, 5;
  st.global.u32 [%rd1+64], %r1;
  ret;
}
.visible .entry mis(.param .u64 out)
{
  .reg .b32 %r<3>;
  .reg .b64 %rd<3>;
  ld.param.u64 %rd1, [out];
  ld.global.u32 %r1, [%rd1+2];
  ret;
}
.visible .entry shoob()
{
  .reg .b32 %r<3>;
  .shared .align 16 .b8 buf[64];
  mov.u32 %r1, buf;
  ld.shared.u32 %r2, [%r1+4096];
  ret;
}
)"),
            "");
  uint64_t out = e.alloc(64);
  std::string err = e.run("oob", {1, 1, 1}, {u64Param(out)});
  EXPECT_HAS(err, "checker: out-of-bounds access");
  EXPECT_HAS(err, "t.ptx:10:");
  err = e.run("mis", {1, 1, 1}, {u64Param(out)});
  EXPECT_HAS(err, "checker: misaligned access");
  EXPECT_HAS(err, "t.ptx:18:");
  err = e.run("shoob", {1, 1, 1}, {});
  EXPECT_HAS(err, "checker: out-of-bounds access");
  EXPECT_HAS(err, "t.ptx:26:");
}

TEST(EmulatorChecks, PrefetchGlobalIsAHintWithACheckedAddress) {
  // prefetch.global.L2 inside an allocation changes nothing; outside every
  // allocation it is reported as a load there would be.
  Env e;
  ASSERT_EQ(e.load(R"(
.visible .entry k(.param .u64 out, .param .u64 off)
{
  .reg .b32 %r<3>;
  .reg .b64 %rd<4>;
  ld.param.u64 %rd1, [out];
  ld.param.u64 %rd2, [off];
  add.s64 %rd3, %rd1, %rd2;
  prefetch.global.L2 [%rd3];
  mov.b32 %r1, 7;
  st.global.u32 [%rd1], %r1;
  ret;
}
)"),
            "");
  uint64_t out = e.alloc(64);
  EXPECT_EQ(e.run("k", {1, 1, 1}, {u64Param(out), u64Param(60)}), "");
  std::string err =
      e.run("k", {1, 1, 1}, {u64Param(out), u64Param(uint64_t(1) << 40)});
  EXPECT_HAS(err, "checker: out-of-bounds access");
  EXPECT_HAS(err, "prefetch.global of 0x");
  EXPECT_HAS(err, "t.ptx:9:");
}

TEST(EmulatorChecks, ReportHasHistory) {
  Env e;
  ASSERT_EQ(e.load(R"(
.visible .entry k(.param .u64 out)
{
  .reg .b32 %r<3>;
  .reg .b64 %rd<3>;
  mov.b32 %r1, 5;
  ld.param.u64 %rd1, [out];
  st.global.u32 [%rd1+64], %r1;
  ret;
}
)"),
            "");
  uint64_t out = e.alloc(64);
  std::string err = e.run("k", {1, 1, 1}, {u64Param(out)});
  EXPECT_HAS(err, "history");
  EXPECT_HAS(err, "t.ptx:9: mov.b32 %r1, 5");
  EXPECT_HAS(err, "CTA (0,0,0)");
  EXPECT_HAS(err, "thread (0,0,0)");
}

} // namespace

// elect.sync and bar.warp.sync with a partial membermask wait only for the
// threads the mask names: even lanes elect among themselves while the odd
// lanes already wait at a bar.warp.sync of their own mask (the H200 runs
// this; waiting for the whole warp would deadlock).
TEST(Emulator, ElectSyncPartialMask) {
  Env e;
  ASSERT_EQ(e.load(R"(
.visible .entry k(.param .u64 out)
{
  .reg .pred %p<3>;
  .reg .b32 %r<10>;
  .reg .b64 %rd<5>;
  mov.u32 %r1, %tid.x;
  ld.param.u64 %rd1, [out];
  mul.wide.u32 %rd2, %r1, 8;
  add.s64 %rd3, %rd1, %rd2;
  and.b32 %r2, %r1, 1;
  setp.ne.u32 %p1, %r2, 0;
  @%p1 bra $L_odd;
  elect.sync %r3|%p2, 0x55555555;
  selp.u32 %r4, 1, 0, %p2;
  st.global.v2.u32 [%rd3], {%r3, %r4};
  bra.uni $L_join;
$L_odd:
  bar.warp.sync 0xaaaaaaaa;
  mov.u32 %r5, 7;
  st.global.v2.u32 [%rd3], {%r5, %r5};
$L_join:
  bar.warp.sync -1;
  ret;
}
)"),
            "");
  uint64_t out = e.alloc(8 * 64);
  for (uint64_t seed = 1; seed <= 4; ++seed) {
    ASSERT_EQ(e.run("k", {64, 1, 1}, {u64Param(out)}, seed), "");
    std::vector<uint32_t> h(128);
    ASSERT_EQ(e.m.read(out, h.data(), 8 * 64), "");
    for (uint32_t t = 0; t < 64; ++t) {
      if (t % 2) {
        EXPECT_EQ(h[2 * t], 7u) << t;
        continue;
      }
      EXPECT_EQ(h[2 * t], 0u) << t;            // lane 0 is elected
      EXPECT_EQ(h[2 * t + 1], t % 32 == 0) << t; // and knows it
    }
  }
}

// mbarrier.complete_tx completes the bytes that expect_tx announced (and
// with them the phase); bytes past expect_tx are an mbarrier error.
TEST(Emulator, MbarrierCompleteTx) {
  Env e;
  ASSERT_EQ(e.load(R"(
.visible .entry k(.param .u64 out, .param .u32 extra)
{
  .reg .pred %p<3>;
  .reg .b32 %r<10>;
  .reg .b64 %rd<5>;
  .shared .align 8 .b64 bar;
  ld.param.u64 %rd1, [out];
  ld.param.u32 %r1, [extra];
  mov.u32 %r2, bar;
  mbarrier.init.shared::cta.b64 [%r2], 1;
  mbarrier.arrive.expect_tx.shared::cta.b64 %rd2, [%r2], 32;
  mbarrier.test_wait.parity.shared::cta.b64 %p1, [%r2], 0;
  selp.u32 %r3, 1, 0, %p1;
  st.global.u32 [%rd1], %r3;
  mbarrier.complete_tx.shared::cta.b64 [%r2], 16;
  mbarrier.complete_tx.shared::cluster.b64 [%r2], %r1;
  mbarrier.test_wait.parity.shared::cta.b64 %p1, [%r2], 0;
  selp.u32 %r3, 1, 0, %p1;
  st.global.u32 [%rd1+4], %r3;
  ret;
}
)"),
            "");
  uint64_t out = e.alloc(8);
  auto u32 = [](uint32_t v) {
    std::vector<uint8_t> p(4);
    std::memcpy(p.data(), &v, 4);
    return p;
  };
  ASSERT_EQ(e.run("k", {1, 1, 1}, {u64Param(out), u32(16)}), "");
  uint32_t h[2];
  ASSERT_EQ(e.m.read(out, h, 8), "");
  EXPECT_EQ(h[0], 0u); // 32 tx bytes pending
  EXPECT_EQ(h[1], 1u); // completed by the two complete_tx
  std::string err = e.run("k", {1, 1, 1}, {u64Param(out), u32(24)});
  EXPECT_HAS(err, "checker: mbarrier error");
  EXPECT_HAS(err, "transaction bytes completed past expect_tx");
  EXPECT_HAS(err, "tx-count -8, phase 0");
  EXPECT_HAS(err, "\n  at t.ptx:20: mbarrier.complete_tx.shared::cluster");
}

// mbarrier.test_wait does not block: a thread tests a phase it must itself
// complete, then completes it. A loop on a test_wait that can never
// succeed parks the thread (docs/emulator.md) and ends as a deadlock.
TEST(Emulator, MbarrierTestWaitNonBlocking) {
  Env e;
  ASSERT_EQ(e.load(R"(
.visible .entry k(.param .u64 out)
{
  .reg .pred %p<3>;
  .reg .b32 %r<10>;
  .reg .b64 %rd<5>;
  .shared .align 8 .b64 bar;
  ld.param.u64 %rd1, [out];
  mov.u32 %r2, bar;
  mbarrier.init.shared::cta.b64 [%r2], 1;
  mbarrier.test_wait.parity.shared::cta.b64 %p1, [%r2], 0;
  selp.u32 %r3, 1, 0, %p1;
  st.global.u32 [%rd1], %r3;
  mbarrier.arrive.shared::cta.b64 %rd2, [%r2];
  mbarrier.test_wait.shared::cta.b64 %p1, [%r2], %rd2;
  selp.u32 %r3, 1, 0, %p1;
  st.global.u32 [%rd1+4], %r3;
  ret;
}

.visible .entry spin()
{
  .reg .pred %p<3>;
  .reg .b32 %r<10>;
  .shared .align 8 .b64 bar;
  mov.u32 %r2, bar;
  mbarrier.init.shared::cta.b64 [%r2], 2;
$L_spin:
  mbarrier.test_wait.parity.shared::cta.b64 %p1, [%r2], 0;
  @!%p1 bra $L_spin;
  ret;
}
)"),
            "");
  uint64_t out = e.alloc(8);
  ASSERT_EQ(e.run("k", {1, 1, 1}, {u64Param(out)}), "");
  uint32_t h[2];
  ASSERT_EQ(e.m.read(out, h, 8), "");
  EXPECT_EQ(h[0], 0u);
  EXPECT_EQ(h[1], 1u);
  LaunchStats st;
  std::string err = e.run("spin", {32, 1, 1}, {}, 1, 0, {1, 1, 1}, &st);
  EXPECT_HAS(err, "checker: deadlock");
  EXPECT_HAS(err, "mbarrier.test_wait.parity");
  EXPECT_HAS(err, "(phase 0 incomplete: 2 of 2 arrivals pending, tx-count 0)");
  EXPECT_LT(st.instructions, 1000u); // parked, not spun
}
