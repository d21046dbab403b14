//===- RuntimeEncodeTest.cpp - the runtime's tensor maps on the emulator --===//
//
// rt::encodeTensorMaps through the emulated driver (rt::selectDevice
// "emu"), read back with the emulator's decodeTiledMap: a kernel that
// decodes its tokens (list rows, two groups of K = 320 and 768) gets rank-3
// "tokens" maps over its sets' regions of the token workspace, beside
// rank-2 B maps over the caller's buffers. No GPU and no device memory:
// cuTensorMapEncodeTiled only encodes addresses.
//
//===----------------------------------------------------------------------===//

#include "ManifestTestUtil.h"
#include "ggemm/Emulator/Emulator.h"
#include "ggemm/Runtime/Driver.h"
#include "ggemm/Runtime/Runtime.h"

#include <gtest/gtest.h>

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
  {"box": [16, 128, 8], "dims": [16, 100, 64], "group": 0, "operand": "tokens", "strides": [1024, 16], "swizzle": "none"},
  {"box": [128, 128], "dims": [160, 128], "group": 0, "operand": "b", "strides": [160], "swizzle": "128B"},
  {"box": [16, 128, 8], "dims": [16, 3, 96], "group": 1, "operand": "tokens", "strides": [1536, 16], "swizzle": "none"},
  {"box": [128, 128], "dims": [384, 128], "group": 1, "operand": "b", "strides": [384], "swizzle": "128B"}],
 "tile": [128, 128, 256],
 "tokens": {"kernel": "ggemm_tok_tokens", "grid": [264, 1, 1], "block": [256, 1, 1], "params": ["workspace", "a", "sfa", "rows", "k"]}})";

TEST(RuntimeEncode, TokensMapsOverTheTokenWorkspace) {
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
            "allocates it)");

  const CUdeviceptr workspace = 0x100000;
  ASSERT_EQ(rt::encodeTensorMaps(m, ops, maps, workspace), "");
  ASSERT_EQ(maps.size(), 4u);
  std::vector<emu::TiledMapSpec> specs(maps.size());
  for (size_t i = 0; i < maps.size(); ++i)
    ASSERT_TRUE(emu::decodeTiledMap(
        reinterpret_cast<const uint8_t *>(&maps[i]), specs[i]))
        << i;

  // Group 0's tokens: rank 3 at the workspace's start.
  const emu::TiledMapSpec &t0 = specs[0];
  EXPECT_EQ(t0.dataType, emu::MapDataType::UInt8);
  EXPECT_EQ(t0.rank, 3u);
  EXPECT_EQ(t0.globalAddress, workspace);
  EXPECT_EQ(t0.globalDim, (std::array<uint64_t, 5>{16, 100, 64, 0, 0}));
  EXPECT_EQ(t0.globalStrides, (std::array<uint64_t, 4>{1024, 16, 0, 0}));
  EXPECT_EQ(t0.boxDim, (std::array<uint32_t, 5>{16, 128, 8, 0, 0}));
  EXPECT_EQ(t0.swizzle, emu::MapSwizzle::None);
  // Group 1's: after group 0's region of 100 rows x 2 x 512 bytes.
  const emu::TiledMapSpec &t1 = specs[2];
  EXPECT_EQ(t1.rank, 3u);
  EXPECT_EQ(t1.globalAddress, workspace + 100 * 1024);
  EXPECT_EQ(t1.globalAddress,
            workspace + CUdeviceptr(rt::tokenRegions(m, 0)[1].offset));
  EXPECT_EQ(t1.globalDim, (std::array<uint64_t, 5>{16, 3, 96, 0, 0}));
  EXPECT_EQ(t1.globalStrides, (std::array<uint64_t, 4>{1536, 16, 0, 0}));
  // B stays rank 2, over the caller's buffer, swizzled.
  const emu::TiledMapSpec &b1 = specs[3];
  EXPECT_EQ(b1.rank, 2u);
  EXPECT_EQ(b1.globalAddress, 0x21000u);
  EXPECT_EQ(b1.globalDim, (std::array<uint64_t, 5>{384, 128, 0, 0, 0}));
  EXPECT_EQ(b1.globalStrides, (std::array<uint64_t, 4>{384, 0, 0, 0}));
  EXPECT_EQ(b1.boxDim, (std::array<uint32_t, 5>{128, 128, 0, 0, 0}));
  EXPECT_EQ(b1.swizzle, emu::MapSwizzle::B128);
}

} // namespace
