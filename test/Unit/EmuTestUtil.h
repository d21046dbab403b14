//===- EmuTestUtil.h - small PTX kernels on the emulator, for unit tests --===//
//
// What the emulator's unit tests (EmulatorTest, EmuTcgen05Test,
// EmuGlobalOrderTest) share: a Machine with one module loaded from a
// kernel body under a 3-line module header, device allocations, 64-bit
// kernel parameters, a launch, and EXPECT_HAS for the checker event and
// PTX line a failed launch names.
//
//===----------------------------------------------------------------------===//

#ifndef GGEMM_TEST_UNIT_EMUTESTUTIL_H
#define GGEMM_TEST_UNIT_EMUTESTUTIL_H

#include "ggemm/Emulator/Emulator.h"

#include <gtest/gtest.h>

#include <array>
#include <cstring>
#include <string>
#include <vector>

namespace ggemm::emu::test {

/// The module header the tests' kernel bodies follow: 3 lines, which the
/// line numbers in reports count.
inline std::string ptxHeader(const char *version = "8.0",
                             const char *target = "sm_90a") {
  return std::string(".version ") + version + "\n.target " + target +
         "\n.address_size 64\n";
}

/// A 64-bit kernel parameter (a device address).
inline std::vector<uint8_t> u64Param(uint64_t v) {
  std::vector<uint8_t> p(8);
  std::memcpy(p.data(), &v, 8);
  return p;
}

/// One Machine and the module last loaded into it.
struct Env {
  Machine m;
  int mod = -1;
  /// What load() puts before the body.
  std::string header = ptxHeader();
  /// The options of every run but its seed.
  Options opt = [] {
    Options o;
    o.maxInstructions = 50000000;
    return o;
  }();
  /// Whether runs are cooperative launches.
  bool cooperative = false;

  std::string load(const std::string &body, const char *name = "t.ptx") {
    return m.loadModule(header + body, name, mod);
  }
  uint64_t alloc(size_t n) {
    uint64_t a = 0;
    EXPECT_EQ(m.allocate(n, a), "");
    return a;
  }
  std::string run(const char *kernel, std::array<uint32_t, 3> block,
                  std::vector<std::vector<uint8_t>> params, uint64_t seed = 1,
                  uint32_t dyn = 0, std::array<uint32_t, 3> grid = {1, 1, 1},
                  LaunchStats *st = nullptr) {
    LaunchConfig c;
    c.block = block;
    c.grid = grid;
    c.dynamicSharedBytes = dyn;
    c.cooperative = cooperative;
    Options o = opt;
    o.seed = seed;
    return m.launch(mod, kernel, c, params, o, st);
  }
};

} // namespace ggemm::emu::test

/// `err` (a launch's or a load's error) contains `s`.
#define EXPECT_HAS(err, s) EXPECT_NE((err).find(s), std::string::npos) << (err)

#endif // GGEMM_TEST_UNIT_EMUTESTUTIL_H
