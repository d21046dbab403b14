//===- EmuMappedTest.cpp - host-mapped allocations of the emulator --------===//
//
// Machine::allocateMapped (what the emu driver's cuMemAllocManaged uses):
// an allocation whose emulated address is the host address of its storage,
// so that kernels and host code see the same bytes. Kernels write through
// it and the host reads the pointer; the host writes the pointer and
// kernels read it (global and generic accesses, and a TMA load whose
// tensor map and data both live there, which needs the tensormap fence);
// the page after it is out of bounds; placements that would overlap the
// emulated global addresses or the shared-memory generic window are
// refused; release() unmaps it.
//
//===----------------------------------------------------------------------===//

#include "EmuTestUtil.h"

#include "ggemm/Emulator/Emulator.h"

#include <gtest/gtest.h>

#include <sys/mman.h>
#include <unistd.h>

#include <cstring>
#include <string>
#include <vector>

using namespace ggemm::emu;
using namespace ggemm::emu::test;

namespace {

uint64_t mapped(Machine &m, size_t bytes) {
  uint64_t a = 0;
  EXPECT_EQ(m.allocateMapped(bytes, a), "");
  return a;
}

// Thread i stores 1000 + i at word i of `out` (st.global), then loads word
// i of `in` (a generic load) and stores it plus 1 at word i of `echo`
// (a generic store). `oob` stores one word past a 256-byte buffer.
const char *kCopyKernels = R"(
.visible .entry fill(.param .u64 out, .param .u64 in, .param .u64 echo)
{
  .reg .b32 %r<6>;
  .reg .b64 %rd<8>;
  mov.u32 %r1, %tid.x;
  mul.wide.u32 %rd1, %r1, 4;
  ld.param.u64 %rd2, [out];
  add.s64 %rd3, %rd2, %rd1;
  add.u32 %r2, %r1, 1000;
  st.global.u32 [%rd3], %r2;
  ld.param.u64 %rd4, [in];
  add.s64 %rd5, %rd4, %rd1;
  ld.u32 %r3, [%rd5];
  add.u32 %r4, %r3, 1;
  ld.param.u64 %rd6, [echo];
  add.s64 %rd7, %rd6, %rd1;
  st.u32 [%rd7], %r4;
  ret;
}
.visible .entry oob(.param .u64 out)
{
  .reg .b32 %r<2>;
  .reg .b64 %rd<2>;
  ld.param.u64 %rd1, [out];
  mov.b32 %r1, 5;
  st.global.u32 [%rd1+256], %r1;
  ret;
}
)";

TEST(EmuMapped, KernelAndHostShareTheBytes) {
  Env e;
  ASSERT_EQ(e.load(kCopyKernels), "");
  size_t freeBefore = 0, total = 0, freeAfter = 0;
  e.m.memoryInfo(freeBefore, total);
  uint64_t out = mapped(e.m, 256), in = mapped(e.m, 256);
  uint64_t echo = e.alloc(256); // a regular allocation beside them
  e.m.memoryInfo(freeAfter, total);
  EXPECT_EQ(freeBefore - freeAfter, 3 * 256u);
  ASSERT_NE(out, 0u);
  EXPECT_EQ(out % 256, 0u);
  EXPECT_TRUE(e.m.contains(out) && e.m.contains(out + 255));
  EXPECT_FALSE(e.m.contains(out + 256));
  // The address is a host pointer to zero-filled memory.
  auto *outHost = reinterpret_cast<uint32_t *>(out);
  auto *inHost = reinterpret_cast<uint32_t *>(in);
  for (int i = 0; i < 64; ++i)
    EXPECT_EQ(outHost[i], 0u) << i;
  // Host writes, unseen by the Machine, are what the kernel reads.
  for (int i = 0; i < 64; ++i)
    inHost[i] = 7 * i;
  ASSERT_EQ(e.run("fill", {64, 1, 1},
                  {u64Param(out), u64Param(in), u64Param(echo)}),
            "");
  // What the kernel wrote is what the host reads, through the pointer and
  // through Machine::read.
  std::vector<uint32_t> viaRead(64), echoed(64);
  ASSERT_EQ(e.m.read(out, viaRead.data(), 256), "");
  ASSERT_EQ(e.m.read(echo, echoed.data(), 256), "");
  for (int i = 0; i < 64; ++i) {
    EXPECT_EQ(outHost[i], 1000u + i) << i;
    EXPECT_EQ(viaRead[i], 1000u + i) << i;
    EXPECT_EQ(echoed[i], 7u * i + 1) << i;
  }
  // Machine::write lands in the same host memory.
  uint32_t word = 0xfeedf00d;
  ASSERT_EQ(e.m.write(in + 8, &word, 4), "");
  EXPECT_EQ(inHost[2], word);
  // Kernels see the mapped memory in the other direction too: a generic
  // store into mapped memory (echo = in).
  ASSERT_EQ(e.run("fill", {64, 1, 1},
                  {u64Param(echo), u64Param(in), u64Param(in)}),
            "");
  EXPECT_EQ(inHost[2], word + 1);
  EXPECT_EQ(inHost[3], 7u * 3 + 1);
}

TEST(EmuMapped, PastTheEndIsOutOfBounds) {
  Env e;
  ASSERT_EQ(e.load(kCopyKernels), "");
  uint64_t out = mapped(e.m, 256);
  std::string err = e.run("oob", {1, 1, 1}, {u64Param(out)});
  EXPECT_HAS(err, "checker: out-of-bounds access");
  EXPECT_HAS(err, "is outside every allocation");
}

TEST(EmuMapped, ReleaseUnmaps) {
  Machine m;
  size_t freeBefore = 0, total = 0, freeNow = 0;
  m.memoryInfo(freeBefore, total);
  uint64_t a = mapped(m, 5000);
  ASSERT_NE(a, 0u);
  std::memset(reinterpret_cast<void *>(a), 1, 5000);
  long page = sysconf(_SC_PAGESIZE);
  unsigned char resident[2];
  // Mapped (mincore fails with ENOMEM on an unmapped range).
  EXPECT_EQ(mincore(reinterpret_cast<void *>(a), page, resident), 0);
  EXPECT_EQ(m.release(a), "");
  m.memoryInfo(freeNow, total);
  EXPECT_EQ(freeNow, freeBefore);
  EXPECT_FALSE(m.contains(a));
  EXPECT_NE(mincore(reinterpret_cast<void *>(a), page, resident), 0);
  EXPECT_HAS(m.release(a), "is not an allocation");
  // The next one is zero-filled again.
  uint64_t b = mapped(m, 64);
  for (int i = 0; i < 64; ++i)
    EXPECT_EQ(reinterpret_cast<const uint8_t *>(b)[i], 0) << i;
  EXPECT_EQ(m.release(b), "");
}

// Where the same number already means other bytes to a kernel: the
// emulated global addresses (from 0x10000000, 64 GiB) and the generic
// windows of shared memory (0x7f0000000000 and up). A placement asked for
// there is refused before anything is mapped.
TEST(EmuMapped, RefusesOverlappingPlacements) {
  Machine m;
  uint64_t page = uint64_t(sysconf(_SC_PAGESIZE));
  uint64_t a = 0;
  EXPECT_HAS(m.allocateMapped(4096, a, 0x10000000ull),
             "overlaps the emulated global addresses [0x10000000, "
             "0x1010000000)");
  EXPECT_HAS(m.allocateMapped(4096, a, 0x1010000000ull - page),
             "overlaps the emulated global addresses");
  EXPECT_HAS(m.allocateMapped(4096, a, 0x7f0000000000ull - page),
             "reaches the shared-memory generic window (0x7f0000000000 and "
             "up");
  EXPECT_HAS(m.allocateMapped(4096, a, 0x7f0000100000ull),
             "reaches the shared-memory generic window");
  EXPECT_HAS(m.allocateMapped(4096, a, 0x200000000001ull),
             "is not page-aligned");
  EXPECT_HAS(m.allocateMapped(0, a), "zero bytes");
  EXPECT_EQ(a, 0u);
  // Over another mapped allocation (and its guard page).
  uint64_t first = mapped(m, 100);
  EXPECT_HAS(m.allocateMapped(100, a, first + page), "overlaps the allocation");
  // A free placement that fits is taken.
  uint64_t want = first + 64 * page;
  ASSERT_EQ(m.allocateMapped(100, a, want), "");
  EXPECT_EQ(a, want);
  EXPECT_EQ(m.release(a), "");
  EXPECT_EQ(m.release(first), "");
}

// A TMA load whose tensor map and data are in mapped memory, both written
// by the host through the pointer: the map counts as host-written (the
// Machine cannot see those writes), so the kernel needs the tensormap
// acquire fence; with it, the box arrives from the mapped data.
std::string tmaKernel(bool fence) {
  std::string s = R"(
.visible .entry k(.param .u64 map, .param .u64 out)
{
  .reg .pred %p<2>;
  .reg .b32 %r<8>;
  .reg .b64 %rd<6>;
  .shared .align 16 .b8 __dynamic_shmem__0;
  mov.u32 %r1, __dynamic_shmem__0;
  add.s32 %r2, %r1, 1024;
  and.b32 %r2, %r2, -1024;
  ld.param.u64 %rd1, [map];
  mbarrier.init.shared.b64 [%r1], 1;
)";
  s += fence ? "  fence.proxy.tensormap::generic.acquire.gpu [%rd1], 128;\n"
             : "  membar.gl;\n";
  s += R"(  mbarrier.arrive.expect_tx.shared.b64 %rd2, [%r1], 128;
  mov.b32 %r3, 0;
  mov.b32 %r4, 1;
  cp.async.bulk.tensor.2d.shared::cluster.global.tile.mbarrier::complete_tx::bytes [%r2], [%rd1, {%r3, %r4}], [%r1];
WAIT:
  mbarrier.try_wait.parity.shared.b64 %p1, [%r1], 0;
  @!%p1 bra WAIT;
  ld.shared.u32 %r5, [%r2+4];
  ld.param.u64 %rd3, [out];
  st.global.u32 [%rd3], %r5;
  ret;
}
)";
  return s;
}

TEST(EmuMapped, TensorMapInMappedMemoryNeedsTheFence) {
  for (bool fence : {false, true}) {
    Env e;
    ASSERT_EQ(e.load(tmaKernel(fence)), "");
    // 4 rows of 64 bytes: byte j of row r is r * 64 + j.
    uint64_t data = mapped(e.m, 256), map = mapped(e.m, 128);
    for (int i = 0; i < 256; ++i)
      reinterpret_cast<uint8_t *>(data)[i] = uint8_t(i);
    TiledMapSpec spec;
    spec.rank = 2;
    spec.globalAddress = data;
    spec.globalDim = {64, 4, 1, 1, 1};
    spec.globalStrides = {64, 0, 0, 0};
    spec.boxDim = {64, 2, 1, 1, 1};
    uint8_t bytes[128];
    ASSERT_EQ(encodeTiledMap(spec, bytes), "");
    std::memcpy(reinterpret_cast<void *>(map), bytes, 128);
    uint64_t out = e.alloc(4);
    std::string err =
        e.run("k", {1, 1, 1}, {u64Param(map), u64Param(out)}, 1, 4096);
    if (!fence) {
      EXPECT_HAS(err, "checker: missing tensormap fence");
      EXPECT_HAS(err, "was written by the host");
      continue;
    }
    ASSERT_EQ(err, "");
    // The box starts at row 1: bytes 64.. of the data; word 1 is 68..71.
    uint32_t word = 0;
    ASSERT_EQ(e.m.read(out, &word, 4), "");
    EXPECT_EQ(word, 0x47464544u);
  }
}

} // namespace
