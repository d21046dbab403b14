//===- record-stream.cpp - a host=stream entry point, recorded ------------===//
//
// Drives examples/test_00.mlir compiled with ggemm-pipeline{host=stream}
// (and upstream's llvm-request-c-wrappers) against the recording mgpu*
// stand-in of record-launch.cpp: the caller owns the stream and the
// workspace, and calls the entry point twice (as a framework does, or a
// CUDA graph replays it). Each call must launch on that stream, write the
// parameter block into that workspace, and allocate nothing.
//
//===----------------------------------------------------------------------===//

#define RECORD_LAUNCH_NO_MAIN
#include "record-launch.cpp"

extern "C" {
void _mlir_ciface_test_00(MemRef<2> *, MemRef<2> *, MemRef<2> *, MemRef<2> *,
                          MemRef<2> *, MemRef<2> *, MemRef<2> *, MemRef<2> *,
                          MemRef<2> *, MemRef<2> *, void *stream,
                          MemRef<1> *workspace);
int64_t test_00_workspace_bytes();
}

int main() {
  std::setvbuf(stdout, nullptr, _IONBF, 0);
  ListBuffers l = listBuffers();
  int64_t bytes = test_00_workspace_bytes();
  std::printf("workspace_bytes %lld\n", (long long)bytes);
  auto ws = buffer<1>("ws", size_t(bytes), {bytes});
  auto stream = buffer<1>("stream", 8, {8});
  for (int call = 0; call < 2; ++call) {
    std::printf("call %d\n", call);
    _mlir_ciface_test_00(&l.a0, &l.a1, &l.sfa0, &l.sfa1, &l.b0, &l.b1,
                         &l.sfb0, &l.sfb1, &l.c0, &l.c1, stream.aligned, &ws);
  }
  std::printf("allocations %d\n", allocations);
  // A workspace one byte short fails the entry point's check.
  if (std::getenv("RECORD_SHORT_WORKSPACE")) {
    MemRef<1> shortWs = ws;
    shortWs.sizes[0] = bytes - 1;
    _mlir_ciface_test_00(&l.a0, &l.a1, &l.sfa0, &l.sfa1, &l.b0, &l.b1,
                         &l.sfb0, &l.sfb1, &l.c0, &l.c1, stream.aligned,
                         &shortWs);
  }
  for (auto &[base, info] : buffers)
    std::free(reinterpret_cast<void *>(base));
  return 0;
}
