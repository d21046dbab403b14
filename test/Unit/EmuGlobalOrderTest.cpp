//===- EmuGlobalOrderTest.cpp - ordering of global memory between CTAs ---===//
//
// Two CTAs of a cooperative launch: CTA 1 stores a word, releases it (a
// gpu-scope fence, then an atomic on a flag), CTA 0 spins on the flag,
// acquires (a gpu-scope fence) and reads the word. With both fences the
// read is ordered; without either, the emulator stops with "unordered
// cross-CTA read" at the read (lib/Emulator/GlobalOrder.cpp states the
// rule).
//
//===----------------------------------------------------------------------===//

#include "EmuTestUtil.h"

#include "ggemm/Emulator/Emulator.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using namespace ggemm::emu;
using namespace ggemm::emu::test;

namespace {

// The body (after ptxHeader()'s 3 lines).
std::string kernel(bool release, bool acquire) {
  std::string s = R"(.visible .entry k(.param .u64 buf)
{
  .reg .pred %p<4>;
  .reg .b32 %r<8>;
  .reg .b64 %rd<4>;
  ld.param.u64 %rd1, [buf];
  mov.u32 %r1, %ctaid.x;
  setp.eq.u32 %p1, %r1, 0;
  @%p1 bra $L_reader;
  st.global.b32 [%rd1+16], 42;
)";
  if (release)
    s += "  fence.acq_rel.gpu;\n";
  s += R"(  atom.global.add.u32 %r2, [%rd1], 1;
  ret;
$L_reader:
  ld.relaxed.gpu.global.b32 %r3, [%rd1];
  setp.eq.u32 %p2, %r3, 0;
  @%p2 bra $L_reader;
)";
  if (acquire)
    s += "  fence.acq_rel.gpu;\n";
  s += R"(  ld.global.b32 %r4, [%rd1+16];
  st.global.b32 [%rd1+32], %r4;
  ret;
}
)";
  return s;
}

std::string run(bool release, bool acquire, uint64_t seed, uint32_t &out) {
  Env e;
  e.opt = Options();
  e.cooperative = true;
  EXPECT_EQ(e.load(kernel(release, acquire)), "");
  uint64_t buf = e.alloc(64);
  std::vector<uint8_t> zero(64, 0);
  EXPECT_EQ(e.m.write(buf, zero.data(), 64), "");
  std::string err = e.run("k", {32, 1, 1}, {u64Param(buf)}, seed, 0, {2, 1, 1});
  EXPECT_EQ(e.m.read(buf + 32, &out, 4), "");
  return err;
}

// Without one of the fences: on every seed the read is unordered, and the
// report says which side is missing (`why`) and, when given, names the
// read's line (`at`).
void expectUnordered(bool release, bool acquire, const char *why,
                     const char *at = nullptr) {
  for (uint64_t seed = 1; seed <= 4; ++seed) {
    uint32_t out = 0;
    std::string err = run(release, acquire, seed, out);
    EXPECT_HAS(err, "checker: unordered cross-CTA read");
    EXPECT_HAS(err, why);
    if (at) {
      EXPECT_HAS(err, at);
    }
  }
}

TEST(EmuGlobalOrder, ReleaseAndAcquireOrderTheRead) {
  for (uint64_t seed = 1; seed <= 4; ++seed) {
    uint32_t out = 0;
    EXPECT_EQ(run(true, true, seed, out), "");
    EXPECT_EQ(out, 42u);
  }
}

TEST(EmuGlobalOrder, MissingReleaseFence) {
  expectUnordered(false, true, "never published",
                  "t.ptx:21: ld.global.b32 %r4, [%rd1+16]");
}

TEST(EmuGlobalOrder, MissingAcquireFence) {
  expectUnordered(true, false, "no acquire after it");
}

} // namespace
