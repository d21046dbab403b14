//===- record-moe.cpp - the MoE block on a caller's stream, recorded ------===//
//
// Drives examples/moe/moe_block.mlir built by `scripts/build-moe.sh record`
// (the program's elementwise work as upstream-outlined GPU kernels, then
// ggemm-pipeline{host=stream}) against the recording mgpu* stand-in of
// record-launch.cpp, with memory calls printed: the caller owns the stream
// and the workspace and calls the block twice, as a framework does (or a
// CUDA graph replays it). Every launch, allocation and free must be on that
// stream, and nothing may synchronize.
//
//===----------------------------------------------------------------------===//

#define RECORD_LAUNCH_NO_MAIN
#define RECORD_MEMORY
#include "record-launch.cpp"

using M1 = MemRef<1>;
using M2 = MemRef<2>;
using M3 = MemRef<3>;

extern "C" {
void _mlir_ciface_moe_block(M2 *result, M2 *x, M2 *sx, M1 *offs, M3 *w1,
                            M3 *s1, M3 *w2, M3 *s2, void *stream,
                            M1 *workspace);
int64_t moe_block_workspace_bytes();
}

int main() {
  std::setvbuf(stdout, nullptr, _IONBF, 0);
  // examples/moe: 4 experts, hidden 256, intermediate 128; 37 tokens. e2m1
  // operands packed (two codes a byte), as ggemm-pack-nvfp4-memrefs makes
  // the host side take them.
  constexpr int64_t t = 37, e = 4, h = 256, i = 128;
  M2 x = buffer<2>("x", t * h / 2, {t, h / 2});
  M2 sx = buffer<2>("sx", t * h / 16, {t, h / 16});
  M1 offs = buffer<1>("offs", 4 * e, {e});
  M3 w1 = buffer<3>("w1", e * 2 * i * h / 2, {e, 2 * i, h / 2});
  M3 s1 = buffer<3>("s1", e * 2 * i * h / 16, {e, 2 * i, h / 16});
  M3 w2 = buffer<3>("w2", e * h * i / 2, {e, h, i / 2});
  M3 s2 = buffer<3>("s2", e * h * i / 16, {e, h, i / 16});
  int64_t bytes = moe_block_workspace_bytes();
  std::printf("workspace_bytes %lld\n", (long long)bytes);
  auto ws = buffer<1>("ws", size_t(bytes), {bytes});
  auto stream = buffer<1>("stream", 8, {8});
  for (int call = 0; call < 2; ++call) {
    std::printf("call %d\n", call);
    M2 y{};
    _mlir_ciface_moe_block(&y, &x, &sx, &offs, &w1, &s1, &w2, &s2,
                           stream.aligned, &ws);
    std::printf("result %s [%lld, %lld]\n",
                nameOf(uintptr_t(y.aligned)).c_str(), (long long)y.sizes[0],
                (long long)y.sizes[1]);
    // The result is stream-ordered device memory: the caller frees it on
    // its stream.
    mgpuMemFree(y.allocated, stream.aligned);
  }
  // The named buffers (every allocation of the calls was freed).
  std::printf("done; %zu buffers left\n", buffers.size());
  for (auto &[base, info] : buffers)
    std::free(reinterpret_cast<void *>(base));
  return 0;
}
