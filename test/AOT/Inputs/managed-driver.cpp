//===- managed-driver.cpp - calls Inputs/managed.mlir, compiled AOT -------===//
//
// AOT/aot-emu.test links this with managed.mlir compiled with
// ggemm-pipeline{format=isa host=launch} and libGGemmMGPUEmu: the kernel
// runs on the PTX emulator, and managed memory (cuMemAllocManaged) is a
// host-mapped allocation whose address is a host pointer there too. It
// writes A and SFA into managed memory through their pointers, B and SFB
// into device memory by copies, calls @managed, reads the C it returns
// (managed memory the compiled code allocated) through its pointer and by
// a copy, and checks it against the host reference as the AOT examples do
// (examples/aot/Check.h). Exit status 0 only if C passes and the runtime
// reported no error.
//
//===----------------------------------------------------------------------===//

#include "ggemm/Reference/Problem.h"
#include "ggemm/Runtime/MGPU.h"

#include "Check.h"
#include "MemRefDescriptor.h"

#include <cstdio>
#include <cstring>
#include <vector>

using M2 = MemRef<2>;

extern "C" void _mlir_ciface_managed(M2 *c, M2 *a, M2 *sfa, M2 *b, M2 *sfb);

namespace {

/// `bytes` of managed memory holding `host`, written through its pointer.
void *managedCopy(const std::vector<uint8_t> &host) {
  void *p = mgpuMemAlloc(host.size(), nullptr, true);
  if (p)
    std::memcpy(p, host.data(), host.size());
  return p;
}

/// Device memory holding `host`, written by a copy.
void *deviceCopy(const std::vector<uint8_t> &host) {
  void *p = mgpuMemAlloc(host.size(), nullptr, false);
  mgpuMemcpy(p, const_cast<uint8_t *>(host.data()), host.size(), nullptr);
  return p;
}

} // namespace

int main() {
  const int64_t m = 96, n = 128, k = 128;
  ggemm::ref::Problem p =
      ggemm::ref::generateProblem({{m, n, k}}, 7, /*withAlpha=*/false);
  std::vector<ggemm::ref::GroupResult> ref = ggemm::ref::referenceProduct(p);
  const ggemm::ref::Group &g = p.groups[0];
  void *a = managedCopy(g.a), *sfa = managedCopy(g.sfa);
  void *b = deviceCopy(g.b), *sfb = deviceCopy(g.sfb);
  if (!a || !sfa) {
    std::fprintf(stderr, "managed: no managed memory\n");
    return 3;
  }
  M2 ma = denseMemRef<2>(a, {m, k}), msfa = denseMemRef<2>(sfa, {m, k / 16});
  M2 mb = denseMemRef<2>(b, {n, k}), msfb = denseMemRef<2>(sfb, {n, k / 16});
  M2 c{};
  _mlir_ciface_managed(&c, &ma, &msfa, &mb, &msfb);
  if (!c.aligned) {
    std::fprintf(stderr, "managed: no C\n");
    return 1;
  }
  // The host reads the kernel's output where it is...
  ggemm::aot::Tally direct;
  ggemm::aot::compare(static_cast<const uint16_t *>(c.aligned), ref[0], m, n,
                      k, direct);
  ggemm::aot::report("C read in place", 7, direct, 0);
  // ... and copied (cuMemcpyAsync between unified addresses: managed memory
  // counts as device memory, the vector as host memory).
  std::vector<uint16_t> copied(m * n);
  mgpuMemcpy(copied.data(), c.aligned, copied.size() * 2, nullptr);
  ggemm::aot::expect(std::memcmp(copied.data(), c.aligned,
                                 copied.size() * 2) == 0,
                     "the copy of C differs from C");
  mgpuMemFree(c.allocated, nullptr);
  for (void *buffer : {a, sfa, b, sfb})
    mgpuMemFree(buffer, nullptr);
  int64_t errors = ggemmMgpuErrorCount();
  ggemm::aot::expect(errors == 0, "the runtime reported " +
                                      std::to_string(errors) + " error(s)");
  std::printf("managed: %s\n",
              ggemm::aot::failures ? "FAILED" : "C passes the check");
  return ggemm::aot::failures ? 1 : 0;
}
