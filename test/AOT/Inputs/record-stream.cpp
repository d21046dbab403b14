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
  // test_00: M = [96, 128], N = [128, 256], K = [128, 512].
  auto a0 = buffer<2>("a0", 96 * 64, {96, 128});
  auto a1 = buffer<2>("a1", 128 * 256, {128, 512});
  auto sfa0 = buffer<2>("sfa0", 96 * 8, {96, 8});
  auto sfa1 = buffer<2>("sfa1", 128 * 32, {128, 32});
  auto b0 = buffer<2>("b0", 128 * 64, {128, 128});
  auto b1 = buffer<2>("b1", 256 * 256, {256, 512});
  auto sfb0 = buffer<2>("sfb0", 128 * 8, {128, 8});
  auto sfb1 = buffer<2>("sfb1", 256 * 32, {256, 32});
  auto c0 = buffer<2>("c0", 96 * 128 * 2, {96, 128});
  auto c1 = buffer<2>("c1", 128 * 256 * 2, {128, 256});
  int64_t bytes = test_00_workspace_bytes();
  std::printf("workspace_bytes %lld\n", (long long)bytes);
  auto ws = buffer<1>("ws", size_t(bytes), {bytes});
  auto stream = buffer<1>("stream", 8, {8});
  for (int call = 0; call < 2; ++call) {
    std::printf("call %d\n", call);
    _mlir_ciface_test_00(&a0, &a1, &sfa0, &sfa1, &b0, &b1, &sfb0, &sfb1, &c0,
                         &c1, stream.aligned, &ws);
  }
  std::printf("allocations %d\n", allocations);
  // A workspace one byte short fails the entry point's check.
  if (std::getenv("RECORD_SHORT_WORKSPACE")) {
    MemRef<1> shortWs = ws;
    shortWs.sizes[0] = bytes - 1;
    _mlir_ciface_test_00(&a0, &a1, &sfa0, &sfa1, &b0, &b1, &sfb0, &sfb1, &c0,
                         &c1, stream.aligned, &shortWs);
  }
  return 0;
}
