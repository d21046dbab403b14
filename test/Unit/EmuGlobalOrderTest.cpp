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

#include "ggemm/Emulator/Emulator.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>

using namespace ggemm::emu;

namespace {

std::string kernel(bool release, bool acquire) {
  std::string s = R"(.version 8.0
.target sm_90a
.address_size 64
.visible .entry k(.param .u64 buf)
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
  Machine m;
  int mod = -1;
  EXPECT_EQ(m.loadModule(kernel(release, acquire), "t.ptx", mod), "");
  uint64_t buf = 0;
  EXPECT_EQ(m.allocate(64, buf), "");
  std::vector<uint8_t> zero(64, 0);
  EXPECT_EQ(m.write(buf, zero.data(), 64), "");
  LaunchConfig c;
  c.block = {32, 1, 1};
  c.grid = {2, 1, 1};
  c.cooperative = true;
  Options o;
  o.seed = seed;
  std::vector<uint8_t> p(8);
  std::memcpy(p.data(), &buf, 8);
  std::string err = m.launch(mod, "k", c, {p}, o, nullptr);
  EXPECT_EQ(m.read(buf + 32, &out, 4), "");
  return err;
}

TEST(EmuGlobalOrder, ReleaseAndAcquireOrderTheRead) {
  for (uint64_t seed = 1; seed <= 4; ++seed) {
    uint32_t out = 0;
    EXPECT_EQ(run(true, true, seed, out), "");
    EXPECT_EQ(out, 42u);
  }
}

TEST(EmuGlobalOrder, MissingReleaseFence) {
  for (uint64_t seed = 1; seed <= 4; ++seed) {
    uint32_t out = 0;
    std::string err = run(false, true, seed, out);
    EXPECT_NE(err.find("checker: unordered cross-CTA read"), std::string::npos)
        << err;
    EXPECT_NE(err.find("never published"), std::string::npos) << err;
    EXPECT_NE(err.find("t.ptx:21: ld.global.b32 %r4, [%rd1+16]"), std::string::npos)
        << err;
  }
}

TEST(EmuGlobalOrder, MissingAcquireFence) {
  for (uint64_t seed = 1; seed <= 4; ++seed) {
    uint32_t out = 0;
    std::string err = run(true, false, seed, out);
    EXPECT_NE(err.find("checker: unordered cross-CTA read"), std::string::npos)
        << err;
    EXPECT_NE(err.find("no acquire after it"), std::string::npos) << err;
  }
}

} // namespace
