//===- record-launch.cpp - the mgpu* ABI on host memory, recording --------===//
//
// A stand-in for libGGemmMGPU that needs no GPU: memory is host memory,
// streams do nothing, a tensor map is a 128-byte record of what it was
// encoded from, and a kernel launch prints its configuration and decodes
// its six parameters (docs/kernel-abi.md) instead of running. Linked with
// grouped.o (examples/aot/grouped.mlir, compiled ahead of time), it shows
// what the compiled host code passes to the kernel, which aot-build.test
// checks with FileCheck. RECORD_KERNEL_FLAGS=N makes the "kernel" raise
// error flags N in status[1].
//
//===----------------------------------------------------------------------===//

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "../../../examples/aot/MemRefDescriptor.h"

namespace {

/// Every live allocation and named buffer: base -> (bytes, name).
std::map<uintptr_t, std::pair<size_t, std::string>> buffers;
int allocations = 0;

/// `p` as "name+offset" of the buffer holding it, or "null".
std::string nameOf(uint64_t p) {
  if (p == 0)
    return "null";
  auto it = buffers.upper_bound(uintptr_t(p));
  if (it != buffers.begin()) {
    --it;
    if (p < it->first + it->second.first)
      return it->second.second + "+" + std::to_string(p - it->first);
  }
  return "unknown";
}

constexpr uint64_t kMapMagic = 0x6d61702d6767656dull;

/// What a recorded "tensor map" holds.
struct RecordedMap {
  uint64_t magic, rank, dataType, interleave, swizzle, l2, oob, address;
  uint64_t dims[2], strides[1], box[2];
};
static_assert(sizeof(RecordedMap) <= 128, "a CUtensorMap is 128 bytes");

} // namespace

extern "C" {

void *mgpuModuleLoad(void *data, size_t) { return data; }
void *mgpuModuleLoadJIT(void *data, int) { return data; }
void mgpuModuleUnload(void *) {}
void *mgpuModuleGetFunction(void *, const char *name) {
  return const_cast<char *>(name);
}
void *mgpuStreamCreate(void) { return &allocations; }
void mgpuStreamDestroy(void *) {}
// With RECORD_MEMORY defined (record-moe.cpp), allocations, frees and
// synchronizations are printed too, with their streams.
void mgpuStreamSynchronize(void *stream) {
#ifdef RECORD_MEMORY
  std::printf("synchronize %s\n", nameOf(uintptr_t(stream)).c_str());
#endif
}

void *mgpuMemAlloc(uint64_t bytes, void *stream, bool hostShared) {
  void *p = std::aligned_alloc(256, (bytes + 255) / 256 * 256);
  std::string name = "alloc" + std::to_string(allocations++);
  buffers[uintptr_t(p)] = {bytes, name};
#ifdef RECORD_MEMORY
  std::printf("alloc %s: %llu bytes%s on %s\n", name.c_str(),
              (unsigned long long)bytes, hostShared ? " host_shared" : "",
              stream ? nameOf(uintptr_t(stream)).c_str() : "no stream");
#endif
  return p;
}
void mgpuMemFree(void *p, void *stream) {
#ifdef RECORD_MEMORY
  std::printf("free %s on %s\n", nameOf(uintptr_t(p)).c_str(),
              stream ? nameOf(uintptr_t(stream)).c_str() : "no stream");
#endif
  buffers.erase(uintptr_t(p));
  std::free(p);
}
void mgpuMemcpy(void *dst, void *src, size_t bytes, void *) {
  std::memcpy(dst, src, bytes);
}
void mgpuMemset16(void *dst, unsigned short value, size_t count, void *) {
  for (size_t i = 0; i < count; ++i)
    static_cast<uint16_t *>(dst)[i] = value;
}

void *mgpuTensorMapEncodeTiledMemref(int64_t rank, void *descriptor,
                                     int64_t dataType, int64_t interleave,
                                     int64_t swizzle, int64_t l2, int64_t oob,
                                     int64_t *boxDims) {
  // {allocated, aligned, offset, sizes[rank], strides[rank]}, outermost
  // dimension first; the record lists dimensions innermost first, as the
  // driver takes them.
  auto *fields = static_cast<int64_t *>(descriptor);
  RecordedMap m = {kMapMagic,
                   uint64_t(rank),
                   uint64_t(dataType),
                   uint64_t(interleave),
                   uint64_t(swizzle),
                   uint64_t(l2),
                   uint64_t(oob),
                   uint64_t(fields[1] + fields[2]),
                   {},
                   {},
                   {}};
  const int64_t *sizes = fields + 3, *strides = fields + 3 + rank;
  m.dims[0] = sizes[1];
  m.dims[1] = sizes[0];
  m.strides[0] = strides[0];
  m.box[0] = boxDims[1];
  m.box[1] = boxDims[0];
  void *map = mgpuMemAlloc(128, nullptr, false);
  std::memset(map, 0, 128);
  std::memcpy(map, &m, sizeof(m));
  return map;
}

int32_t ggemmTensorMapEncode(void *map, void *address, int64_t rowBytes,
                             int64_t rows, int64_t rowStride, int64_t boxBytes,
                             int64_t boxRows, int32_t swizzle128B) {
  // What libGGemmMGPU passes cuTensorMapEncodeTiled: UINT8 (0), no
  // interleave (0), 128B swizzle (3) or none (0), L2 128B (2), no OOB
  // fill (0).
  RecordedMap m = {kMapMagic, 2, 0, 0, swizzle128B ? 3u : 0u, 2, 0,
                   uint64_t(uintptr_t(address)), {}, {}, {}};
  m.dims[0] = uint64_t(rowBytes);
  m.dims[1] = uint64_t(rows);
  m.strides[0] = uint64_t(rowStride);
  m.box[0] = uint64_t(boxBytes);
  m.box[1] = uint64_t(boxRows);
  std::memset(map, 0, 128);
  std::memcpy(map, &m, sizeof(m));
  return 0;
}

void mgpuLaunchKernel(void *function, intptr_t gx, intptr_t gy, intptr_t gz,
                      intptr_t bx, intptr_t by, intptr_t bz, int32_t smem,
                      void *stream, void **params, void **, size_t count) {
  std::string name = static_cast<const char *>(function);
  std::printf("launch %s grid [%ld, %ld, %ld] block [%ld, %ld, %ld] "
              "shared %d params %zu stream %s\n",
              name.c_str(), long(gx), long(gy), long(gz), long(bx), long(by),
              long(bz), int(smem), count,
              stream == &allocations ? "own" : nameOf(uintptr_t(stream)).c_str());
  // Not ggemm's (a program's own kernel): its parameters are its own.
  if (name.rfind("ggemm_", 0) != 0)
    return;
  // The setup kernel (docs/aot-host.md): {dst, status, rows, words...};
  // done here as the kernel does it.
  if (name.size() > 6 && name.substr(name.size() - 6) == "_setup") {
    uint64_t dst, status;
    int32_t rows;
    std::memcpy(&dst, params[0], 8);
    std::memcpy(&status, params[1], 8);
    std::memcpy(&rows, params[2], 4);
    auto *s = reinterpret_cast<int32_t *>(status);
    s[0] = rows;
    s[1] = 0;
    for (size_t w = 3; w < count; ++w)
      std::memcpy(reinterpret_cast<char *>(dst) + 8 * (w - 3), params[w], 8);
    std::printf("  %zu words to %s, status at %s\n", count - 3,
                nameOf(dst).c_str(), nameOf(status).c_str());
    return;
  }
  uint64_t p[6];
  for (int i = 0; i < 6; ++i)
    std::memcpy(&p[i], params[i], 8);
  // The block: maps, then the C pointers, then the scale pointers.
  size_t numMaps = (p[1] - p[0]) / 128, sets = (p[2] - p[1]) / 8;
  std::printf("  block at %s\n", nameOf(p[0]).c_str());
  for (size_t i = 0; i < numMaps; ++i) {
    RecordedMap m;
    std::memcpy(&m, reinterpret_cast<char *>(p[0]) + 128 * i, sizeof(m));
    if (m.magic != kMapMagic) {
      std::printf("  map %zu: not a tensor map\n", i);
      continue;
    }
    std::printf("  map %zu: %s rank %lu type %lu dims [%lu, %lu] stride %lu "
                "box [%lu, %lu] swizzle %lu l2 %lu oob %lu interleave %lu\n",
                i, nameOf(m.address).c_str(), (unsigned long)m.rank,
                (unsigned long)m.dataType, (unsigned long)m.dims[0],
                (unsigned long)m.dims[1], (unsigned long)m.strides[0],
                (unsigned long)m.box[0], (unsigned long)m.box[1],
                (unsigned long)m.swizzle, (unsigned long)m.l2,
                (unsigned long)m.oob, (unsigned long)m.interleave);
  }
  auto printArray = [&](const char *what, uint64_t array, size_t n) {
    std::printf("  %s:", what);
    for (size_t i = 0; i < n; ++i)
      std::printf(" %s",
                  nameOf(reinterpret_cast<uint64_t *>(array)[i]).c_str());
    std::printf("\n");
  };
  printArray("c_pointers", p[1], sets);
  printArray("scale_pointers", p[2], 2 * sets);
  std::printf("  group_sizes: %s\n  alpha: %s\n", nameOf(p[3]).c_str(),
              nameOf(p[4]).c_str());
  auto *status = reinterpret_cast<int32_t *>(p[5]);
  std::printf("  status: [%d, %d] at %s\n", status[0], status[1],
              nameOf(p[5]).c_str());
  if (const char *flags = std::getenv("RECORD_KERNEL_FLAGS"))
    status[1] = std::atoi(flags);
  std::fflush(stdout);
}

} // extern "C"

//===----------------------------------------------------------------------===//
// The driver: named host buffers in, the compiled entry points called.
// (record-stream.cpp includes this file without it, for a driver of its
// own.)
//===----------------------------------------------------------------------===//

template <int Rank>
MemRef<Rank> buffer(const char *name, size_t bytes,
                    const int64_t (&sizes)[Rank]) {
  void *p = std::aligned_alloc(256, (bytes + 255) / 256 * 256);
  std::memset(p, 0, bytes);
  buffers[uintptr_t(p)] = {bytes, name};
  return denseMemRef(p, sizes);
}

/// The buffers of test_00's two groups (M = [96, 128], N = [128, 256],
/// K = [128, 512]), named as the record prints them.
struct ListBuffers {
  MemRef<2> a0, a1, sfa0, sfa1, b0, b1, sfb0, sfb1, c0, c1;
};
ListBuffers listBuffers() {
  return {buffer<2>("a0", 96 * 64, {96, 128}),
          buffer<2>("a1", 128 * 256, {128, 512}),
          buffer<2>("sfa0", 96 * 8, {96, 8}),
          buffer<2>("sfa1", 128 * 32, {128, 32}),
          buffer<2>("b0", 128 * 64, {128, 128}),
          buffer<2>("b1", 256 * 256, {256, 512}),
          buffer<2>("sfb0", 128 * 8, {128, 8}),
          buffer<2>("sfb1", 256 * 32, {256, 32}),
          buffer<2>("c0", 96 * 128 * 2, {96, 128}),
          buffer<2>("c1", 128 * 256 * 2, {128, 256})};
}

#ifndef RECORD_LAUNCH_NO_MAIN


extern "C" {
void _mlir_ciface_run_list(MemRef<2> *, MemRef<2> *, MemRef<2> *, MemRef<2> *,
                           MemRef<2> *, MemRef<2> *, MemRef<2> *, MemRef<2> *,
                           MemRef<2> *, MemRef<2> *);
void _mlir_ciface_run_moe(MemRef<2> *, MemRef<2> *, MemRef<3> *, MemRef<3> *,
                          MemRef<1> *, MemRef<1> *, MemRef<2> *);
}

int main() {
  // Unbuffered: a failed cf.assert prints its message with puts and aborts,
  // which would lose a buffered stdout.
  std::setvbuf(stdout, nullptr, _IONBF, 0);
  ListBuffers l = listBuffers();
  std::printf("run_list\n");
  _mlir_ciface_run_list(&l.a0, &l.a1, &l.sfa0, &l.sfa1, &l.b0, &l.b1, &l.sfb0,
                        &l.sfb1, &l.c0, &l.c1);
  // C came back from the device copy, which the "kernel" never wrote: the
  // poison the entry point set.
  std::printf("c0[0] = 0x%04x\n",
              unsigned(static_cast<uint16_t *>(l.c0.aligned)[0]));

  const int64_t rows = 320;
  auto a = buffer<2>("a", rows * 256, {rows, 512});
  auto sfa = buffer<2>("sfa", rows * 32, {rows, 32});
  auto b = buffer<3>("b", 3 * 256 * 256, {3, 256, 512});
  auto sfb = buffer<3>("sfb", 3 * 256 * 32, {3, 256, 32});
  auto sizes = buffer<1>("sizes", 12, {3});
  auto alpha = buffer<1>("alpha", 12, {3});
  auto c = buffer<2>("c", rows * 256 * 2, {rows, 256});
  std::printf("run_moe\n");
  std::fflush(stdout);
  _mlir_ciface_run_moe(&a, &sfa, &b, &sfb, &sizes, &alpha, &c);
  // The 17 buffers above stay; every device allocation must be freed.
  std::printf("done; %zu device buffers left\n", buffers.size() - 17);
  for (auto &[base, info] : buffers)
    std::free(reinterpret_cast<void *>(base));
  return 0;
}
#endif // RECORD_LAUNCH_NO_MAIN
