//===- RuntimeTokensEmuTest.cpp - a kernel with "tokens" on the emulator --===//
//
// The runtime's side of a kernel that decodes its tokens, through the
// emulated driver (rt::selectDevice "emu"), on a manifest of list rows
// with two groups of K = 320 and 768:
// - rt::encodeTensorMaps, read back with the emulator's decodeTiledMap:
//   "tokens" maps (rows of 2 KP bytes, 128-byte boxes, 128B swizzle)
//   over the sets' regions of the token workspace, beside B maps over
//   the caller's buffers (no device memory:
//   cuTensorMapEncodeTiled only encodes addresses);
// - rt::Launch on stand-in kernels (PTX written here): the decode kernel
//   once, CTA row y reading set y's entry of its table, before the
//   kernel, also from a captured graph; rt::enqueueOnStream (the table at
//   the end of the setup kernel's block) into a caller's token workspace,
//   and its refusal without one.
//
//===----------------------------------------------------------------------===//

#include "ManifestTestUtil.h"
#include "ggemm/Emulator/Emulator.h"
#include "ggemm/Runtime/Driver.h"
#include "ggemm/Runtime/Runtime.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace rt = ggemm::rt;
namespace emu = ggemm::emu;

namespace {

const char *const kTokensList = R"({
 "alignment": {"a": 16, "b": 16, "c": 16, "sfa": 8, "sfb": 8},
 "alpha": false, "block": [384, 1, 1],
 "chip": "sm_90a", "cluster": [1, 1, 1], "cubin": "tokens.cubin",
 "dynamic_shared_memory": 219136, "format": "ggemm-manifest-1",
 "grid": [132, 1, 1],
 "groups": [{"k": 320, "m": 100, "n": 128}, {"k": 768, "m": 3, "n": 128}],
 "kernel": "ggemm_tok",
 "params": ["tensor_maps", "c_pointers", "scale_pointers", "group_sizes", "alpha", "status"],
 "rows": "list", "scales": "row_major", "split_k": 1,
 "tensor_maps": [
  {"box": [128, 128], "dims": [1024, 100], "group": 0, "operand": "tokens", "strides": [1024], "swizzle": "128B"},
  {"box": [128, 128], "dims": [160, 128], "group": 0, "operand": "b", "strides": [160], "swizzle": "128B"},
  {"box": [128, 128], "dims": [1536, 3], "group": 1, "operand": "tokens", "strides": [1536], "swizzle": "128B"},
  {"box": [128, 128], "dims": [384, 128], "group": 1, "operand": "b", "strides": [384], "swizzle": "128B"}],
 "tile": [128, 128, 256],
 "tokens": {"kernel": "ggemm_tok_tokens", "grid": [264, 2, 1], "block": [256, 1, 1], "params": ["table"]}})";

TEST(RuntimeTokensEmu, TokensMapsOverTheTokenWorkspace) {
  if (std::string err = rt::selectDevice("emu"); !err.empty())
    GTEST_SKIP() << err;
  rt::Manifest m;
  ASSERT_EQ(ggemm::test::parse(kTokensList, m), "");
  rt::Operands ops;
  ops.a = {0x10000, 0x11000};
  ops.b = {0x20000, 0x21000};
  ops.sfa = {0x30000, 0x31000};
  ops.sfb = {0x40000, 0x41000};
  ops.c = {0x50000, 0x51000};
  ASSERT_EQ(rt::checkOperands(m, ops), "");

  // The tokens maps need the workspace.
  std::vector<CUtensorMap> maps;
  EXPECT_EQ(rt::encodeTensorMaps(m, ops, maps),
            "tensor map 0 (tokens): no token workspace to map (rt::Launch "
            "allocates one; enqueueOnStream takes Operands::tokenWorkspace)");

  const CUdeviceptr workspace = 0x100000;
  ASSERT_EQ(rt::encodeTensorMaps(m, ops, maps, workspace), "");
  ASSERT_EQ(maps.size(), 4u);
  std::vector<emu::TiledMapSpec> specs(maps.size());
  for (size_t i = 0; i < maps.size(); ++i)
    ASSERT_TRUE(emu::decodeTiledMap(reinterpret_cast<const uint8_t *>(&maps[i]),
                                    specs[i]))
        << i;

  // Group 0's tokens at the workspace's start: rows of 2 KP = 1024 bytes
  // (K = 320), boxes of one decode step (128 bytes) by 128 rows, swizzled.
  const emu::TiledMapSpec &t0 = specs[0];
  EXPECT_EQ(t0.dataType, emu::MapDataType::UInt8);
  EXPECT_EQ(t0.rank, 2u);
  EXPECT_EQ(t0.globalAddress, workspace);
  EXPECT_EQ(t0.globalDim, (std::array<uint64_t, 5>{1024, 100, 0, 0, 0}));
  EXPECT_EQ(t0.globalStrides, (std::array<uint64_t, 4>{1024, 0, 0, 0}));
  EXPECT_EQ(t0.boxDim, (std::array<uint32_t, 5>{128, 128, 0, 0, 0}));
  EXPECT_EQ(t0.swizzle, emu::MapSwizzle::B128);
  // Group 1's: after group 0's region of 100 rows x 2 x 512 bytes.
  const emu::TiledMapSpec &t1 = specs[2];
  EXPECT_EQ(t1.rank, 2u);
  EXPECT_EQ(t1.globalAddress, workspace + 100 * 1024);
  EXPECT_EQ(t1.globalAddress,
            workspace + CUdeviceptr(rt::tokenRegions(m, 0)[1].offset));
  EXPECT_EQ(t1.globalDim, (std::array<uint64_t, 5>{1536, 3, 0, 0, 0}));
  EXPECT_EQ(t1.globalStrides, (std::array<uint64_t, 4>{1536, 0, 0, 0}));
  EXPECT_EQ(t1.swizzle, emu::MapSwizzle::B128);
  // B over the caller's buffer, swizzled.
  const emu::TiledMapSpec &b1 = specs[3];
  EXPECT_EQ(b1.rank, 2u);
  EXPECT_EQ(b1.globalAddress, 0x21000u);
  EXPECT_EQ(b1.globalDim, (std::array<uint64_t, 5>{384, 128, 0, 0, 0}));
  EXPECT_EQ(b1.globalStrides, (std::array<uint64_t, 4>{384, 0, 0, 0}));
  EXPECT_EQ(b1.boxDim, (std::array<uint32_t, 5>{128, 128, 0, 0, 0}));
  EXPECT_EQ(b1.swizzle, emu::MapSwizzle::B128);
}

// Stand-ins for the kernels of kTokensList, run by thread 0 of CTA 0 (the
// kernel) or of CTA (0, y) (the decode kernel). The decode kernel records
// what entry y of its table holds in the set's A: rows, k, its grid x and
// block sizes (words 0-3), dst (bytes 16-23), its grid y and y (words 6,
// 7), and rows in word 0 of the set's SFA. The kernel adds word 0 of both sets' SFA (from
// scale_pointers) into word 0 of group 0's C: 103 only if both decodes ran
// before it. The setup kernel (setupStandIn) runs on the stream path.
const char *const kStandIns = R"(.version 8.0
.target sm_90a
.address_size 64

.visible .entry ggemm_tok_tokens(.param .u64 table)
{
  .reg .pred %p<3>;
  .reg .b32 %r<11>;
  .reg .b64 %rd<8>;
  mov.u32 %r1, %ctaid.x;
  mov.u32 %r2, %tid.x;
  or.b32 %r3, %r1, %r2;
  setp.ne.u32 %p1, %r3, 0;
  @%p1 bra DONE;
  mov.u32 %r8, %ctaid.y;
  mov.u32 %r9, %nctaid.y;
  ld.param.u64 %rd5, [table];
  mul.wide.u32 %rd6, %r8, 32;
  add.u64 %rd7, %rd5, %rd6;
  ld.global.u64 %rd1, [%rd7];
  ld.global.u64 %rd2, [%rd7+8];
  ld.global.u64 %rd3, [%rd7+16];
  ld.global.u32 %r4, [%rd7+24];
  ld.global.u32 %r5, [%rd7+28];
  mov.u32 %r6, %nctaid.x;
  mov.u32 %r7, %ntid.x;
  st.global.u32 [%rd2], %r4;
  st.global.u32 [%rd2+4], %r5;
  st.global.u32 [%rd2+8], %r6;
  st.global.u32 [%rd2+12], %r7;
  st.global.u64 [%rd2+16], %rd1;
  st.global.u32 [%rd2+24], %r9;
  st.global.u32 [%rd2+28], %r8;
  st.global.u32 [%rd3], %r4;
DONE:
  ret;
}

.visible .entry ggemm_tok(.param .u64 maps, .param .u64 c_pointers,
    .param .u64 scale_pointers, .param .u64 group_sizes, .param .u64 alpha,
    .param .u64 status)
{
  .reg .pred %p<2>;
  .reg .b32 %r<7>;
  .reg .b64 %rd<6>;
  mov.u32 %r1, %ctaid.x;
  mov.u32 %r2, %tid.x;
  or.b32 %r3, %r1, %r2;
  setp.ne.u32 %p1, %r3, 0;
  @%p1 bra DONE;
  ld.param.u64 %rd1, [scale_pointers];
  ld.global.u64 %rd2, [%rd1];
  ld.global.u64 %rd3, [%rd1+16];
  ld.global.u32 %r4, [%rd2];
  ld.global.u32 %r5, [%rd3];
  add.u32 %r6, %r4, %r5;
  ld.param.u64 %rd4, [c_pointers];
  ld.global.u64 %rd5, [%rd4];
  st.global.u32 [%rd5], %r6;
DONE:
  ret;
}
)";

/// A stand-in for the setup kernel of the stream path, which takes the
/// workspace's block address, the status pair's address, the rows and the
/// 78 words of its one chunk (the manifest's chunk_words: 4 maps, 2 C and
/// 4 scale pointers, 2 table entries): it writes
/// status = {rows, 0} and copies the words to the block.
std::string setupStandIn() {
  std::string ptx = "\n.visible .entry ggemm_tok_setup(.param .u64 dst, "
                    ".param .u64 status, .param .u32 rows";
  for (int i = 0; i < 78; ++i)
    ptx += ", .param .u64 w" + std::to_string(i);
  ptx += ")\n{\n  .reg .b32 %r<3>;\n  .reg .b64 %rd<4>;\n"
         "  ld.param.u64 %rd1, [dst];\n  ld.param.u64 %rd2, [status];\n"
         "  ld.param.u32 %r1, [rows];\n  mov.u32 %r2, 0;\n"
         "  st.global.u32 [%rd2], %r1;\n  st.global.u32 [%rd2+4], %r2;\n";
  for (int i = 0; i < 78; ++i)
    ptx += "  ld.param.u64 %rd3, [w" + std::to_string(i) +
           "];\n  st.global.u64 [%rd1+" + std::to_string(8 * i) + "], %rd3;\n";
  return ptx + "  ret;\n}\n";
}

/// What the decode stand-in recorded in one set's A.
struct Recorded {
  int32_t rows = 0, k = 0;
  uint32_t grid = 0, block = 0;
  uint64_t dst = 0;
  uint32_t gridY = 0, set = 0;
};

TEST(RuntimeTokensEmu, LaunchDecodesEverySetFirst) {
  if (std::string err = rt::selectDevice("emu"); !err.empty())
    GTEST_SKIP() << err;
  std::string dir = ::testing::TempDir() + "/ggemm_tokens_emu";
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/tokens.ptx", std::ios::binary | std::ios::trunc)
      << kStandIns << setupStandIn();
  // Small grids for the stand-ins, the setup kernel of the stream path.
  const std::pair<const char *, const char *> edits[] = {
      {R"("tokens.cubin")", R"("tokens.ptx")"},
      {R"("block": [384, 1, 1])", R"("block": [32, 1, 1])"},
      {R"("dynamic_shared_memory": 219136)", R"("dynamic_shared_memory": 0)"},
      {R"("grid": [132, 1, 1])", R"("grid": [1, 1, 1])"},
      {R"("grid": [264, 2, 1], "block": [256, 1, 1])",
       R"("grid": [2, 2, 1], "block": [64, 1, 1])"},
      {R"("split_k": 1)",
       R"("split_k": 1, "setup": {"kernel": "ggemm_tok_setup", "chunk_words": 78})"}};
  std::string text = kTokensList;
  for (auto [from, to] : edits)
    text = ggemm::test::replaced(text, from, to);
  rt::Manifest m;
  ASSERT_EQ(rt::parseManifest(text, dir, m), "");
  ASSERT_TRUE(m.decodesTokens());

  rt::Context context;
  ASSERT_EQ(rt::Context::create(0, context), "");
  rt::Kernel kernel;
  ASSERT_EQ(rt::Kernel::load(context, m, kernel), "");
  ASSERT_NE(kernel.tokensFunction(), nullptr);
  // One small buffer per operand and group: the stand-ins read no data.
  std::vector<rt::DeviceBuffer> buffers(10);
  for (rt::DeviceBuffer &buffer : buffers) {
    ASSERT_EQ(rt::DeviceBuffer::allocate(1024, buffer), "");
    std::vector<uint8_t> zeros(1024, 0);
    ASSERT_EQ(buffer.upload(zeros.data(), zeros.size()), "");
  }
  rt::Operands ops;
  std::vector<CUdeviceptr> *operands[] = {&ops.a, &ops.b, &ops.sfa, &ops.sfb,
                                          &ops.c};
  for (size_t i = 0; i < buffers.size(); ++i)
    operands[i / 2]->push_back(buffers[i].address());

  rt::Launch launch;
  ASSERT_EQ(rt::Launch::create(kernel, ops, launch), "");
  rt::Stream stream;
  ASSERT_EQ(rt::Stream::create(stream), "");
  auto check = [&](const char *how) {
    Recorded sets[2];
    for (int g = 0; g < 2; ++g)
      ASSERT_EQ(buffers[g].download(&sets[g], sizeof(Recorded)), "");
    // rows and k of each group; the manifest's grid and block.
    EXPECT_EQ(sets[0].rows, 100) << how;
    EXPECT_EQ(sets[0].k, 320) << how;
    EXPECT_EQ(sets[1].rows, 3) << how;
    EXPECT_EQ(sets[1].k, 768) << how;
    EXPECT_EQ(sets[0].grid, 2u) << how;
    EXPECT_EQ(sets[0].block, 64u) << how;
    // One launch: CTA row g decoded set g.
    for (uint32_t g = 0; g < 2; ++g) {
      EXPECT_EQ(sets[g].gridY, 2u) << how;
      EXPECT_EQ(sets[g].set, g) << how;
    }
    // dst: 256-byte aligned regions, group 1's after group 0's rows.
    EXPECT_EQ(sets[0].dst % 256, 0u) << how;
    EXPECT_EQ(sets[1].dst - sets[0].dst, 100u * 1024) << how;
    // The kernel ran after both decodes.
    int32_t sum = 0;
    ASSERT_EQ(buffers[8].download(&sum, sizeof(sum)), "");
    EXPECT_EQ(sum, 103) << how;
  };
  ASSERT_EQ(launch.enqueue(stream.get()), "");
  ASSERT_EQ(stream.synchronize(), "");
  check("enqueue");

  // A captured graph replays the decodes too.
  rt::Graph graph;
  ASSERT_EQ(rt::Graph::capture(launch, stream.get(), graph), "");
  for (int i : {0, 1, 2, 3, 4, 5, 8}) {
    std::vector<uint8_t> zeros(1024, 0);
    ASSERT_EQ(buffers[i].upload(zeros.data(), zeros.size()), "");
  }
  ASSERT_EQ(graph.replay(stream.get()), "");
  ASSERT_EQ(stream.synchronize(), "");
  check("graph replay");

  // On a caller's stream the token workspace is the caller's
  // (Operands::tokenWorkspace): refused without one or misaligned.
  rt::DeviceBuffer workspace, tokens;
  ASSERT_EQ(rt::DeviceBuffer::allocate(
                size_t(rt::streamWorkspaceBytes(kernel.manifest())), workspace),
            "");
  const char *refusal =
      "kernel ggemm_tok on a caller's stream: it decodes its tokens "
      "(ggemm_tok_tokens) into a token workspace of rows x K f16: "
      "Operands::tokenWorkspace must be a 256-byte aligned device address "
      "of tokenWorkspaceBytes";
  EXPECT_EQ(rt::enqueueOnStream(kernel, ops, stream.get(), workspace.address()),
            refusal);
  int64_t bytes = rt::tokenWorkspaceBytes(kernel.manifest(), 0);
  EXPECT_EQ(bytes, 100 * 1024 + 3 * 1536);
  ASSERT_EQ(rt::DeviceBuffer::allocate(size_t(bytes) + 256, tokens), "");
  ops.tokenWorkspace = tokens.address() + 16;
  EXPECT_EQ(rt::enqueueOnStream(kernel, ops, stream.get(), workspace.address()),
            refusal);
  // One too small is refused too.
  ops.tokenWorkspace = tokens.address();
  ops.tokenWorkspaceSize = bytes - 256;
  EXPECT_EQ(rt::enqueueOnStream(kernel, ops, stream.get(), workspace.address()),
            "kernel ggemm_tok on a caller's stream: its token workspace has " +
                std::to_string(bytes - 256) +
                " bytes, fewer than the tokenWorkspaceBytes of these rows (" +
                std::to_string(bytes) + ")");
  // With one, the decodes run first, into it.
  ops.tokenWorkspaceSize = bytes;
  for (int i : {0, 1, 2, 3, 4, 5, 8}) {
    std::vector<uint8_t> zeros(1024, 0);
    ASSERT_EQ(buffers[i].upload(zeros.data(), zeros.size()), "");
  }
  ASSERT_EQ(rt::enqueueOnStream(kernel, ops, stream.get(), workspace.address()),
            "");
  ASSERT_EQ(stream.synchronize(), "");
  check("a caller's stream");
  Recorded set0;
  ASSERT_EQ(buffers[0].download(&set0, sizeof(set0)), "");
  EXPECT_EQ(set0.dst, tokens.address());
}

} // namespace
