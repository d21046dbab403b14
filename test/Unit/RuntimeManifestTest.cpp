//===- RuntimeManifestTest.cpp - the runtime's manifest reader ------------===//
//
// parseManifest, resolveTensorMap and checkOperands on manifests of the
// sm_100a kernel: 128B-swizzled A/B maps, TMA maps of row-major scale
// factors (K/16 bytes a row), the per-set map order the kernel indexes by,
// the operands' alignments, and the refusals. The
// base manifest is what ggemm-pipeline{chip=sm_100a} writes for
// test/Conversion/GGemmToNVVM/convert-ggemm-to-nvvm-sm100a.mlir @contiguous.
// And a sm_90a kernel that decodes its tokens ("tokens"): its tokens
// maps, the decode kernel, the token workspace's size.
//
//===----------------------------------------------------------------------===//

#include "ManifestTestUtil.h"
#include "ggemm/Runtime/Runtime.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

namespace rt = ggemm::rt;

namespace {

// Three groups of N = 256, K = 512 in rows<contiguous>; maps a, b, sfa, sfb.
const char *const kContiguous = R"({
 "alignment": {"a": 16, "b": 16, "c": 16, "sfa": 16, "sfb": 16},
 "alpha": false, "block": [192, 1, 1],
 "chip": "sm_100a", "cluster": [1, 1, 1], "cubin": "contiguous.ptx",
 "dynamic_shared_memory": 152696, "format": "ggemm-manifest-1",
 "grid": [148, 1, 1],
 "groups": [{"k": 512, "m": -1, "n": 256}, {"k": 512, "m": -1, "n": 256},
            {"k": 512, "m": -1, "n": 256}],
 "kernel": "ggemm_contiguous",
 "params": ["tensor_maps", "c_pointers", "scale_pointers", "group_sizes", "alpha", "status"],
 "rows": "contiguous", "scales": "row_major", "split_k": 1,
 "tensor_maps": [
  {"box": [128, 128], "dims": [256, -1], "group": 0, "operand": "a", "strides": [256], "swizzle": "128B"},
  {"box": [128, 128], "dims": [256, 768], "group": 0, "operand": "b", "strides": [256], "swizzle": "128B"},
  {"box": [16, 128], "dims": [32, -1], "group": 0, "operand": "sfa", "strides": [32], "swizzle": "none"},
  {"box": [16, 128], "dims": [32, 768], "group": 0, "operand": "sfb", "strides": [32], "swizzle": "none"}],
 "tensor_memory_columns": 512, "tile": [128, 128, 256]})";

using ggemm::test::parse;
using ggemm::test::replaced;

TEST(RuntimeManifest, ScaleMapsAndSwizzle) {
  rt::Manifest m;
  ASSERT_EQ(parse(kContiguous, m), "");
  ASSERT_EQ(m.tensorMaps.size(), 4u);
  EXPECT_EQ(m.tensorMaps[0].operand, rt::Operand::A);
  EXPECT_TRUE(m.tensorMaps[0].swizzle128B);
  EXPECT_TRUE(m.tensorMaps[1].swizzle128B);
  EXPECT_EQ(m.tensorMaps[2].operand, rt::Operand::SFA);
  EXPECT_FALSE(m.tensorMaps[2].swizzle128B);
  EXPECT_EQ(m.tensorMaps[3].operand, rt::Operand::SFB);
  EXPECT_EQ(std::string(rt::operandName(rt::Operand::SFB)), "sfb");

  // A: K/2 = 256 bytes a row, the run-time rows; swizzle carried over.
  rt::ResolvedTensorMap a;
  ASSERT_EQ(rt::resolveTensorMap(m, 0, 300, a), "");
  EXPECT_EQ(a.dims[0], 256u);
  EXPECT_EQ(a.dims[1], 300u);
  EXPECT_TRUE(a.swizzle128B);
  // SFA: K/16 = 32 bytes a row, the same run-time rows, box 16 x 128.
  rt::ResolvedTensorMap sfa;
  ASSERT_EQ(rt::resolveTensorMap(m, 2, 300, sfa), "");
  EXPECT_EQ(sfa.dims[0], 32u);
  EXPECT_EQ(sfa.dims[1], 300u);
  EXPECT_EQ(sfa.rowStride, 32u);
  EXPECT_EQ(sfa.box[0], 16u);
  EXPECT_EQ(sfa.box[1], 128u);
  EXPECT_FALSE(sfa.swizzle128B);
  // SFB: G x N = 768 rows stacked.
  rt::ResolvedTensorMap sfb;
  ASSERT_EQ(rt::resolveTensorMap(m, 3, 300, sfb), "");
  EXPECT_EQ(sfb.dims[0], 32u);
  EXPECT_EQ(sfb.dims[1], 768u);
}

TEST(RuntimeManifest, NoSwizzleKeyMeansNone) {
  rt::Manifest m;
  std::string text = replaced(kContiguous,
                              R"("strides": [256], "swizzle": "128B"},
  {"box": [128, 128], "dims": [256, 768])",
                              R"("strides": [256]},
  {"box": [128, 128], "dims": [256, 768])");
  ASSERT_EQ(parse(text, m), "");
  EXPECT_FALSE(m.tensorMaps[0].swizzle128B);
  EXPECT_TRUE(m.tensorMaps[1].swizzle128B);
}

TEST(RuntimeManifest, Refusals) {
  rt::Manifest m;
  // Unknown swizzle.
  EXPECT_EQ(parse(replaced(kContiguous, R"("swizzle": "none"})",
                           R"("swizzle": "64B"})"),
                  m),
            "manifest: \"tensor_maps[2].swizzle\" must be \"none\" or "
            "\"128B\", not \"64B\"");
  // The kernel indexes maps by position: sfb before sfa is refused.
  std::string swapped =
      replaced(replaced(kContiguous, R"("operand": "sfa")", R"("operand": "tmp")"),
               R"("operand": "sfb")", R"("operand": "sfa")");
  swapped = replaced(swapped, R"("operand": "tmp")", R"("operand": "sfb")");
  EXPECT_EQ(parse(swapped, m),
            "manifest: tensor_maps[2] must be operand \"sfa\" of group 0");
  // Three maps for one set.
  std::string three = replaced(
      kContiguous,
      R"(,
  {"box": [16, 128], "dims": [32, 768], "group": 0, "operand": "sfb", "strides": [32], "swizzle": "none"}])",
      "]");
  EXPECT_EQ(parse(three, m),
            "manifest: 3 tensor maps for 1 operand set(s); each set has 2 "
            "(a, b) or 4 (a, b, sfa, sfb)");
  // An unknown operand.
  EXPECT_EQ(parse(replaced(kContiguous, R"("operand": "sfb")",
                           R"("operand": "c")"),
                  m),
            "manifest: \"tensor_maps[3].operand\" must be \"a\", \"b\", "
            "\"sfa\", \"sfb\" or \"tokens\", not \"c\"");
}

// A split-K kernel takes the workspace as its seventh parameter; the
// runtime sizes it from the tile, the split and the groups (the rows of A in
// contiguous rows).
TEST(RuntimeManifest, SplitKWorkspace) {
  rt::Manifest m;
  ASSERT_EQ(parse(kContiguous, m), "");
  EXPECT_EQ(rt::workspaceBytes(m, 300), 0);
  std::string split =
      replaced(replaced(kContiguous, R"("split_k": 1)", R"("split_k": 2)"),
               R"("alpha", "status"])", R"("alpha", "status", "workspace"])");
  ASSERT_EQ(parse(split, m), "");
  EXPECT_EQ(m.splitK, 2);
  // (ceil(300 / 128) + 3 groups) x 2 N tiles x 2 splits x 64 KiB + header.
  EXPECT_EQ(rt::workspaceBytes(m, 300), 128 + (3 + 3) * 2 * 2 * 65536);
  EXPECT_EQ(rt::workspaceBytes(m, 0), 128 + 3 * 2 * 2 * 65536);
  // List rows: the exact tile count.
  std::string list = replaced(
      replaced(replaced(split, R"("rows": "contiguous")", R"("rows": "list")"),
               R"("groups": [{"k": 512, "m": -1, "n": 256}, {"k": 512, "m": -1, "n": 256},
            {"k": 512, "m": -1, "n": 256}])",
               R"("groups": [{"k": 512, "m": 129, "n": 256}])"),
      R"("dims": [256, -1])", R"("dims": [256, 129])");
  list = replaced(list, R"("dims": [32, -1])", R"("dims": [32, 129])");
  list = replaced(list, R"("dims": [256, 768])", R"("dims": [256, 256])");
  list = replaced(list, R"("dims": [32, 768])", R"("dims": [32, 256])");
  ASSERT_EQ(parse(list, m), "");
  EXPECT_EQ(rt::workspaceBytes(m, 0), 128 + 2 * 2 * 2 * 65536);
  // The parameter list must match split_k.
  EXPECT_EQ(parse(replaced(kContiguous, R"("alpha", "status"])",
                           R"("alpha", "status", "workspace"])"),
                  m),
            "manifest: \"params\" must be [\"tensor_maps\", \"c_pointers\", "
            "\"scale_pointers\", \"group_sizes\", \"alpha\", \"status\"] "
            "(docs/kernel-abi.md)");
  EXPECT_EQ(parse(replaced(kContiguous, R"("split_k": 1)", R"("split_k": 2)"),
                  m),
            "manifest: \"params\" must be [\"tensor_maps\", \"c_pointers\", "
            "\"scale_pointers\", \"group_sizes\", \"alpha\", \"status\", "
            "\"workspace\"] (split_k > 1)");
  // The workspace is sized from the tile.
  EXPECT_EQ(parse(replaced(split, R"(, "tile": [128, 128, 256])", ""), m),
            "manifest: split_k > 1 needs \"tile\" (the workspace holds one "
            "tile_m x tile_n f32 partial per work item)");
}

// A sm_90a kernel of two groups of N = 256, K = 320 in rows<contiguous>
// that decodes its tokens: the "tokens" map in A's place (KP = 512: rows
// of 2 KP = 1024 bytes; a box of one decode step, 128 bytes, by 256 token
// rows, 128B-swizzled), and the decode kernel under "tokens".
const char *const kTokens = R"({
 "alignment": {"a": 16, "b": 16, "c": 16, "sfa": 8, "sfb": 8},
 "alpha": false, "block": [384, 1, 1],
 "chip": "sm_90a", "cluster": [1, 1, 1], "cubin": "tokens.cubin",
 "dynamic_shared_memory": 219136, "format": "ggemm-manifest-1",
 "grid": [132, 1, 1],
 "groups": [{"k": 320, "m": -1, "n": 256}, {"k": 320, "m": -1, "n": 256}],
 "kernel": "ggemm_tok",
 "params": ["tensor_maps", "c_pointers", "scale_pointers", "group_sizes", "alpha", "status"],
 "rows": "contiguous", "scales": "row_major", "split_k": 1,
 "tensor_maps": [
  {"box": [128, 256], "dims": [1024, -1], "group": 0, "operand": "tokens", "strides": [1024], "swizzle": "128B"},
  {"box": [128, 128], "dims": [160, 512], "group": 0, "operand": "b", "strides": [160], "swizzle": "128B"}],
 "tile": [256, 128, 256],
 "tokens": {"kernel": "ggemm_tok_tokens", "grid": [264, 1, 1], "block": [256, 1, 1], "params": ["table"]}})";

const char *const kTokensMap =
    R"({"box": [128, 256], "dims": [1024, -1], "group": 0, "operand": "tokens", "strides": [1024], "swizzle": "128B"})";
const char *const kTokensKey =
    R"(,
 "tokens": {"kernel": "ggemm_tok_tokens", "grid": [264, 1, 1], "block": [256, 1, 1], "params": ["table"]}})";

TEST(RuntimeManifest, TokensParseAndResolve) {
  rt::Manifest m;
  ASSERT_EQ(parse(kTokens, m), "");
  EXPECT_TRUE(m.decodesTokens());
  EXPECT_EQ(m.tokens.kernel, "ggemm_tok_tokens");
  EXPECT_EQ(m.tokens.grid, (std::array<uint32_t, 3>{264, 1, 1}));
  EXPECT_EQ(m.tokens.block, (std::array<uint32_t, 3>{256, 1, 1}));
  EXPECT_EQ(m.tokens.params, (std::vector<std::string>{"table"}));
  // The parameter block ends with the decode kernel's table: 2 maps, 1
  // C pointer, 2 scale pointers, then one entry of 4 words.
  EXPECT_EQ(m.tokenTableWord(), 2 * 16 + 3);
  EXPECT_EQ(m.parameterBlockWords(), 2 * 16 + 3 + 4);
  // The GEMM's own parameters are those of every kernel.
  EXPECT_EQ(m.params.size(), 6u);
  ASSERT_EQ(m.tensorMaps.size(), 2u);
  const rt::TensorMapSpec &spec = m.tensorMaps[0];
  EXPECT_EQ(spec.operand, rt::Operand::Tokens);
  EXPECT_STREQ(rt::operandName(spec.operand), "tokens");
  EXPECT_EQ(spec.dims, (std::array<int64_t, 2>{1024, -1}));
  EXPECT_EQ(spec.rowStride, 1024);
  EXPECT_EQ(spec.box, (std::array<uint32_t, 2>{128, 256}));
  EXPECT_TRUE(spec.swizzle128B);
  EXPECT_EQ(m.tensorMaps[1].dims, (std::array<int64_t, 2>{160, 512}));
  EXPECT_EQ(m.tensorMaps[1].rowStride, 160);
  EXPECT_EQ(m.contiguousCapacity(), -1);

  // The rows are the contiguous rows of A; one at least.
  rt::ResolvedTensorMap t;
  ASSERT_EQ(rt::resolveTensorMap(m, 0, 300, t), "");
  EXPECT_EQ(t.dims, (std::array<uint64_t, 2>{1024, 300}));
  EXPECT_EQ(t.rowStride, 1024u);
  EXPECT_EQ(t.box, (std::array<uint32_t, 2>{128, 256}));
  EXPECT_TRUE(t.swizzle128B);
  ASSERT_EQ(rt::resolveTensorMap(m, 0, 0, t), "");
  EXPECT_EQ(t.dims[1], 1u);
  rt::ResolvedTensorMap b;
  ASSERT_EQ(rt::resolveTensorMap(m, 1, 300, b), "");
  EXPECT_EQ(b.dims, (std::array<uint64_t, 2>{160, 512}));
  EXPECT_EQ(b.rowStride, 160u);

  // Static rows: the capacity comes from the tokens map, as from A's.
  std::string fixed =
      replaced(kTokens, R"("dims": [1024, -1])", R"("dims": [1024, 300])");
  ASSERT_EQ(parse(fixed, m), "");
  EXPECT_EQ(m.contiguousCapacity(), 300);
  EXPECT_EQ(rt::resolveTensorMap(m, 0, 299, t),
            "tensor map 0 (tokens of group 0) has 300 rows; A has 299");

  // A and SFA are still the caller's (the decode kernel reads them).
  rt::Operands ops = ggemm::test::oneSet();
  ops.groupSizeValues = {100, 200};
  ops.contiguousRows = 300;
  EXPECT_EQ(rt::checkOperands(m, ops), "");
  ops.sfa = {};
  EXPECT_EQ(rt::checkOperands(m, ops),
            "operands: contiguous rows need 1 sfa address(es), got 0");
}

// The token workspace: per operand set max(rows, 1) x 2 KP bytes, each
// region at a 256-byte boundary.
TEST(RuntimeManifest, TokenWorkspace) {
  rt::Manifest m;
  // Without "tokens": none.
  ASSERT_EQ(parse(kContiguous, m), "");
  EXPECT_EQ(rt::tokenWorkspaceBytes(m, 300), 0);
  EXPECT_TRUE(rt::tokenRegions(m, 300).empty());

  // Contiguous, run-time rows: 300 rows of 2 x 512 bytes; one row at 0.
  ASSERT_EQ(parse(kTokens, m), "");
  EXPECT_EQ(rt::tokenWorkspaceBytes(m, 300), 300 * 1024);
  EXPECT_EQ(rt::tokenWorkspaceBytes(m, 0), 1024);
  std::vector<rt::TokenRegion> regions = rt::tokenRegions(m, 300);
  ASSERT_EQ(regions.size(), 1u);
  EXPECT_EQ(regions[0].offset, 0);
  EXPECT_EQ(regions[0].bytes, 300 * 1024);
  EXPECT_EQ(regions[0].rows, 300);
  EXPECT_EQ(regions[0].k, 320);
  EXPECT_EQ(regions[0].kPadded, 512);
  // The decode kernel's rows stay 0 for no rows; the map keeps one.
  EXPECT_EQ(rt::tokenRegions(m, 0)[0].rows, 0);
  // Sizes saturate rather than wrap.
  EXPECT_EQ(rt::tokenWorkspaceBytes(m, std::numeric_limits<int64_t>::max()),
            std::numeric_limits<int64_t>::max() / 256 * 256);

  // List rows, three groups of different K: KP = 512, 768 and 256; the
  // empty group keeps one row.
  std::string list =
      replaced(replaced(kTokens, R"("rows": "contiguous")", R"("rows": "list")"),
               R"("groups": [{"k": 320, "m": -1, "n": 256}, {"k": 320, "m": -1, "n": 256}])",
               R"("groups": [{"k": 320, "m": 100, "n": 128}, {"k": 768, "m": 3, "n": 128}, {"k": 32, "m": 0, "n": 128}])");
  list = replaced(
      list,
      std::string(kTokensMap) + R"(,
  {"box": [128, 128], "dims": [160, 512], "group": 0, "operand": "b", "strides": [160], "swizzle": "128B"}])",
      R"({"box": [128, 128], "dims": [1024, 100], "group": 0, "operand": "tokens", "strides": [1024], "swizzle": "128B"},
  {"box": [128, 128], "dims": [160, 128], "group": 0, "operand": "b", "strides": [160], "swizzle": "128B"},
  {"box": [128, 128], "dims": [1536, 3], "group": 1, "operand": "tokens", "strides": [1536], "swizzle": "128B"},
  {"box": [128, 128], "dims": [384, 128], "group": 1, "operand": "b", "strides": [384], "swizzle": "128B"},
  {"box": [128, 128], "dims": [512, 0], "group": 2, "operand": "tokens", "strides": [512], "swizzle": "128B"},
  {"box": [16, 128], "dims": [16, 128], "group": 2, "operand": "b", "strides": [16]}])");
  // The decode kernel's grid has one CTA row per operand set.
  EXPECT_EQ(parse(list, m),
            "manifest: \"tokens.grid\" is [264, 1, 1]; its y must be the 3 "
            "operand sets (one CTA row each, at most 65535) and its z 1");
  list = replaced(list, R"("grid": [264, 1, 1])", R"("grid": [264, 3, 1])");
  ASSERT_EQ(parse(list, m), "");
  EXPECT_EQ(m.parameterBlockWords(), 6 * 16 + 3 * 3 + 4 * 3);
  regions = rt::tokenRegions(m, 0);
  ASSERT_EQ(regions.size(), 3u);
  EXPECT_EQ(regions[0].offset, 0);
  EXPECT_EQ(regions[0].bytes, 100 * 1024);
  EXPECT_EQ(regions[1].offset, 100 * 1024);
  EXPECT_EQ(regions[1].bytes, 3 * 1536);
  EXPECT_EQ(regions[1].kPadded, 768);
  EXPECT_EQ(regions[2].offset, 100 * 1024 + 3 * 1536);
  EXPECT_EQ(regions[2].bytes, 512);
  EXPECT_EQ(regions[2].rows, 0);
  for (const rt::TokenRegion &region : regions)
    EXPECT_EQ(region.offset % 256, 0);
  EXPECT_EQ(rt::tokenWorkspaceBytes(m, 0), 100 * 1024 + 3 * 1536 + 512);
  // Every map resolves; each set's rows are its M.
  rt::ResolvedTensorMap t;
  for (size_t i = 0; i < m.tensorMaps.size(); ++i)
    EXPECT_EQ(rt::resolveTensorMap(m, i, 0, t), "") << i;
  ASSERT_EQ(rt::resolveTensorMap(m, 2, 0, t), "");
  EXPECT_EQ(t.dims, (std::array<uint64_t, 2>{1536, 3}));
  EXPECT_EQ(t.rowStride, 1536u);
  ASSERT_EQ(rt::resolveTensorMap(m, 4, 0, t), "");
  EXPECT_EQ(t.dims[1], 1u);

  // Masked rows: G x max_m, whatever the caller says.
  std::string masked =
      replaced(replaced(kTokens, R"("rows": "contiguous")", R"("rows": "masked")"),
               R"("groups": [{"k": 320, "m": -1, "n": 256}, {"k": 320, "m": -1, "n": 256}])",
               R"("groups": [{"k": 320, "m": 64, "n": 256}, {"k": 320, "m": 64, "n": 256}])");
  masked = replaced(masked, R"("dims": [1024, -1])", R"("dims": [1024, 128])");
  ASSERT_EQ(parse(masked, m), "");
  EXPECT_EQ(rt::tokenWorkspaceBytes(m, 5000), 128 * 1024);
}

TEST(RuntimeManifest, TokensRefusals) {
  rt::Manifest m;
  // Every map is rank 2: a rank-3 tokens map (the 16-byte K cores of an
  // older compiler) is refused as any other would be.
  EXPECT_EQ(parse(replaced(kTokens, kTokensMap,
                           R"({"box": [16, 256, 8], "dims": [16, -1, 64], "group": 0, "operand": "tokens", "strides": [1024, 16]})"),
                  m),
            "manifest: \"tensor_maps[0].dims\" must be an array of 2 "
            "integers in [-9223372036854775808, 2147483647]");
  // A tokens map without the key, the key without tokens maps.
  EXPECT_EQ(parse(replaced(kTokens, kTokensKey, "}"), m),
            "manifest: tensor_maps[0] is operand \"tokens\", but the manifest "
            "has no \"tokens\" key (the decode kernel that fills the token "
            "workspace)");
  EXPECT_EQ(parse(replaced(kContiguous, R"(, "tile": [128, 128, 256]})",
                           std::string(R"(, "tile": [128, 128, 256])") +
                               kTokensKey),
                  m),
            "manifest: tensor_maps[0] must be operand \"tokens\" of group 0 "
            "(the manifest has \"tokens\": the kernel reads A decoded, from "
            "the token workspace)");
  // The decode kernel's parameter list, exactly.
  const std::string params =
      "manifest: \"tokens.params\" must be [\"table\"] (the decode "
      "kernel's one parameter: its table of the operand sets)";
  for (const char *bad :
       {R"(["workspace", "a", "sfa", "rows", "k"])", R"(["table", "rows"])",
        R"([])", R"(["tables"])", R"("table")"})
    EXPECT_EQ(parse(replaced(kTokens, R"(["table"])", bad), m), params)
        << bad;
  // Its grid: y is the one operand set of contiguous rows, z 1.
  EXPECT_EQ(parse(replaced(kTokens, R"("grid": [264, 1, 1])",
                           R"("grid": [264, 2, 1])"),
                  m),
            "manifest: \"tokens.grid\" is [264, 2, 1]; its y must be the 1 "
            "operand set (one CTA row each, at most 65535) and its z 1");
  EXPECT_EQ(parse(replaced(kTokens, R"("grid": [264, 1, 1])",
                           R"("grid": [264, 1, 2])"),
                  m),
            "manifest: \"tokens.grid\" is [264, 1, 2]; its y must be the 1 "
            "operand set (one CTA row each, at most 65535) and its z 1");
  EXPECT_EQ(parse(replaced(kTokens, R"("block": [256, 1, 1], )", ""), m),
            "manifest: missing key \"tokens.block\"");
  EXPECT_EQ(parse(replaced(kTokens, R"("kernel": "ggemm_tok_tokens")",
                           R"("kernel": "")"),
                  m),
            "manifest: \"tokens.kernel\" must name the decode kernel");

  // Resolved against K = 320 (KP = 512): rows not 2 KP bytes (K not
  // rounded up to 256, or rounded too far), a row stride that is not the
  // row's bytes, a box that is not one 128-byte decode step, no swizzle.
  rt::ResolvedTensorMap t;
  for (int64_t bytes : {640, 512, 1536}) {
    std::string row = std::to_string(bytes);
    ASSERT_EQ(parse(replaced(replaced(kTokens, R"("dims": [1024, -1])",
                                      R"("dims": [)" + row + ", -1]"),
                             R"("strides": [1024])",
                             R"("strides": [)" + row + "]"),
                    m),
              "");
    EXPECT_EQ(rt::resolveTensorMap(m, 0, 300, t),
              "tensor map 0 (tokens of group 0) has " + row +
                  " bytes per row; a token row holds KP = 512 f16 (K = 320 "
                  "rounded up to a multiple of 256), 2 x KP = 1024 bytes")
        << bytes;
  }
  ASSERT_EQ(parse(replaced(kTokens, R"("strides": [1024])",
                           R"("strides": [2048])"),
                  m),
            "");
  EXPECT_EQ(rt::resolveTensorMap(m, 0, 300, t),
            "tensor map 0 (tokens of group 0) has a row stride of 2048; the "
            "token workspace's rows are dense, 1024 bytes apart (its bytes "
            "per row)");
  for (const char *box : {"[64, 256]", "[16, 256]", "[256, 256]"}) {
    ASSERT_EQ(parse(replaced(kTokens, R"("box": [128, 256])",
                             std::string(R"("box": )") + box),
                    m),
              "");
    EXPECT_EQ(rt::resolveTensorMap(m, 0, 300, t),
              "tensor map 0 (tokens of group 0): the inner box size " +
                  std::to_string(m.tensorMaps[0].box[0]) +
                  " is not 128 bytes, one decode step of 64 f16")
        << box;
  }
  for (const char *swizzle : {R"("swizzle": "none")", ""}) {
    std::string text = replaced(kTokens, R"(, "swizzle": "128B"})",
                                std::string(*swizzle ? ", " : "") + swizzle +
                                    "}");
    ASSERT_EQ(parse(text, m), "") << swizzle;
    EXPECT_EQ(rt::resolveTensorMap(m, 0, 300, t),
              "tensor map 0 (tokens of group 0) is not 128B-swizzled; the "
              "kernel reads a token slot through a 128B-swizzled K-major "
              "wgmma descriptor")
        << swizzle;
  }
}

TEST(RuntimeManifest, SwizzledBoxWiderThan128BytesIsRefused) {
  rt::Manifest m;
  // K = 1024: 512-byte rows, and a 256-byte box under 128B swizzling.
  std::string text = kContiguous;
  for (int i = 0; i < 3; ++i)
    text = replaced(text, R"("k": 512)", R"("k": 1024)");
  text = replaced(text, R"({"box": [128, 128], "dims": [256, -1], "group": 0, "operand": "a", "strides": [256])",
                  R"({"box": [256, 128], "dims": [512, -1], "group": 0, "operand": "a", "strides": [512])");
  ASSERT_EQ(parse(text, m), "");
  rt::ResolvedTensorMap a;
  std::string err = rt::resolveTensorMap(m, 0, 300, a);
  EXPECT_NE(err.find("exceeds the 128 bytes of a 128B-swizzled row"),
            std::string::npos)
      << err;
}

TEST(RuntimeManifest, SizesStayBelow2To31) {
  rt::Manifest m;
  // N past 2^31 - 1 (every ggemm size is below 2^31): refused by name.
  std::string text = replaced(kContiguous, R"({"k": 512, "m": -1, "n": 256})",
                              R"({"k": 512, "m": -1, "n": 2147483648})");
  EXPECT_EQ(parse(text, m), "manifest: \"groups[0].n\" must be an integer in "
                            "[1, 2147483647]");
  // A fractional K, and a K that is no integer at all.
  text = replaced(kContiguous, R"({"k": 512, "m": -1, "n": 256})",
                  R"({"k": 512.5, "m": -1, "n": 256})");
  EXPECT_EQ(parse(text, m), "manifest: \"groups[0].k\" must be an integer in "
                            "[1, 2147483647]");
  text = replaced(kContiguous, R"({"k": 512, "m": -1, "n": 256})",
                  R"({"k": "512", "m": -1, "n": 256})");
  EXPECT_EQ(parse(text, m), "manifest: \"groups[0].k\" must be an integer in "
                            "[1, 2147483647]");
  // Rows of a map past 2^31 - 1 (the contiguous capacity comes from them).
  text =
      replaced(kContiguous, R"("dims": [256, 768])", R"("dims": [256, 1e12])");
  EXPECT_EQ(parse(text, m),
            "manifest: \"tensor_maps[1].dims\" must be an array of 2 "
            "integers in [-9223372036854775808, 2147483647]");
  // A number past the double range, and hostile nesting.
  text = replaced(kContiguous, R"("split_k": 1)", R"("split_k": 1e999)");
  EXPECT_NE(parse(text, m).find("number out of range"), std::string::npos);
  std::string deep = std::string(100000, '[') + std::string(100000, ']');
  EXPECT_NE(parse(deep, m).find("nesting deeper than 64"), std::string::npos);
  // A manifest cut short.
  std::string cut = std::string(kContiguous).substr(0, 300);
  EXPECT_NE(parse(cut, m).find("manifest: JSON line"), std::string::npos);
}

// "alignment": required, every operand's key, powers of two in [1, 256];
// an operand with a tensor map needs TMA's 16 bytes.
TEST(RuntimeManifest, Alignment) {
  const std::string kAll =
      R"("alignment": {"a": 16, "b": 16, "c": 16, "sfa": 16, "sfb": 16})";
  rt::Manifest m;
  std::string text = replaced(
      kContiguous, kAll,
      R"("alignment": {"a": 32, "b": 16, "c": 2, "sfa": 64, "sfb": 256})");
  ASSERT_EQ(parse(text, m), "");
  EXPECT_EQ(m.alignment.a, 32u);
  EXPECT_EQ(m.alignment.b, 16u);
  EXPECT_EQ(m.alignment.sfa, 64u);
  EXPECT_EQ(m.alignment.sfb, 256u);
  EXPECT_EQ(m.alignment.c, 2u);

  // Missing: the whole object, or one operand's key.
  EXPECT_EQ(parse(replaced(kContiguous, kAll + ",", ""), m),
            "manifest: missing key \"alignment\"");
  EXPECT_EQ(parse(replaced(kContiguous, R"(, "sfb": 16})", "}"), m),
            "manifest: missing key \"alignment.sfb\"");
  EXPECT_EQ(parse(replaced(kContiguous, kAll, R"("alignment": 16)"), m),
            "manifest: \"alignment\" must be an object, not a number");
  // Not a power of two in [1, 256].
  for (const char *bad : {"24", "0", "-16", "512", "16.5", "\"16\"", "null"})
    EXPECT_EQ(parse(replaced(kContiguous, R"("c": 16)",
                             std::string(R"("c": )") + bad),
                    m),
              "manifest: \"alignment.c\" must be a power of two in [1, 256]")
        << bad;
  // 1 (no constraint) and 256 are in range.
  EXPECT_EQ(parse(replaced(kContiguous, R"("c": 16)", R"("c": 1)"), m), "");
  EXPECT_EQ(m.alignment.c, 1u);
  EXPECT_EQ(parse(replaced(kContiguous, R"("c": 16)", R"("c": 256)"), m), "");
  // SFA is read through tensor_maps[2]: TMA needs 16 bytes.
  EXPECT_EQ(parse(replaced(kContiguous, R"("sfa": 16)", R"("sfa": 8)"), m),
            "manifest: \"alignment.sfa\" is 8, but tensor_maps[2] reads the "
            "operand with TMA, which needs 16 bytes or more");
  // Without scale maps (the sm_90a kernel's manifests), 8-byte scales and
  // 2-byte C are fine.
  std::string noScaleMaps = replaced(
      kContiguous,
      R"(,
  {"box": [16, 128], "dims": [32, -1], "group": 0, "operand": "sfa", "strides": [32], "swizzle": "none"},
  {"box": [16, 128], "dims": [32, 768], "group": 0, "operand": "sfb", "strides": [32], "swizzle": "none"}])",
      "]");
  noScaleMaps = replaced(
      noScaleMaps, kAll,
      R"("alignment": {"a": 16, "b": 16, "c": 2, "sfa": 8, "sfb": 1})");
  ASSERT_EQ(parse(noScaleMaps, m), "");
  EXPECT_EQ(m.alignment.sfb, 1u);
}

// checkOperands, the launch's check before any driver call: counts, null
// addresses, and each address against the manifest's alignment.
TEST(RuntimeManifest, OperandAlignment) {
  rt::Manifest m;
  ASSERT_EQ(parse(replaced(kContiguous, R"("c": 16)", R"("c": 32)"), m), "");
  rt::Operands ops = ggemm::test::oneSet();
  ops.groupSizeValues = {100, 100, 100};
  ops.contiguousRows = 300;
  EXPECT_EQ(rt::checkOperands(m, ops), "");

  // C at 16 bytes past a 32-byte boundary: refused, with the address.
  rt::Operands misaligned = ops;
  misaligned.c = {0x50010};
  EXPECT_EQ(rt::checkOperands(m, misaligned),
            "operands: c must be 32-byte aligned (the kernel's manifest asks "
            "for it); its address is 0x50010");
  misaligned = ops;
  misaligned.sfb = {0x40008};
  EXPECT_EQ(rt::checkOperands(m, misaligned),
            "operands: sfb must be 16-byte aligned (the kernel's manifest "
            "asks for it); its address is 0x40008");

  // What the manifest allows is accepted, whatever the chip says.
  ASSERT_EQ(parse(replaced(kContiguous, R"("c": 16)", R"("c": 2)"), m), "");
  misaligned = ops;
  misaligned.c = {0x50002};
  EXPECT_EQ(rt::checkOperands(m, misaligned), "");
  misaligned.c = {0x50001};
  EXPECT_EQ(rt::checkOperands(m, misaligned),
            "operands: c must be 2-byte aligned (the kernel's manifest asks "
            "for it); its address is 0x50001");

  // List rows: every group's address, named by group.
  std::string list = replaced(
      replaced(kContiguous, R"("rows": "contiguous")", R"("rows": "list")"),
      R"("groups": [{"k": 512, "m": -1, "n": 256}, {"k": 512, "m": -1, "n": 256},
            {"k": 512, "m": -1, "n": 256}])",
      R"("groups": [{"k": 512, "m": 129, "n": 256}, {"k": 512, "m": 64, "n": 256}])");
  list = replaced(
      list,
      R"({"box": [128, 128], "dims": [256, -1], "group": 0, "operand": "a", "strides": [256], "swizzle": "128B"},
  {"box": [128, 128], "dims": [256, 768], "group": 0, "operand": "b", "strides": [256], "swizzle": "128B"},
  {"box": [16, 128], "dims": [32, -1], "group": 0, "operand": "sfa", "strides": [32], "swizzle": "none"},
  {"box": [16, 128], "dims": [32, 768], "group": 0, "operand": "sfb", "strides": [32], "swizzle": "none"}])",
      R"({"box": [128, 128], "dims": [256, 129], "group": 0, "operand": "a", "strides": [256], "swizzle": "128B"},
  {"box": [128, 128], "dims": [256, 256], "group": 0, "operand": "b", "strides": [256], "swizzle": "128B"},
  {"box": [128, 128], "dims": [256, 64], "group": 1, "operand": "a", "strides": [256], "swizzle": "128B"},
  {"box": [128, 128], "dims": [256, 256], "group": 1, "operand": "b", "strides": [256], "swizzle": "128B"}])");
  ASSERT_EQ(parse(list, m), "");
  rt::Operands two;
  two.a = {0x10000, 0x11000};
  two.b = {0x20000, 0x21000};
  two.sfa = {0x30000, 0x31000};
  two.sfb = {0x40000, 0x41000};
  two.c = {0x50000, 0x51000};
  EXPECT_EQ(rt::checkOperands(m, two), "");
  two.a[1] = 0x11008;
  EXPECT_EQ(rt::checkOperands(m, two),
            "operands: a must be 16-byte aligned (the kernel's manifest asks "
            "for it); group 1's address is 0x11008");
  two.a[1] = 0;
  EXPECT_EQ(rt::checkOperands(m, two), "operands: a null a address");
  two.a.pop_back();
  EXPECT_EQ(rt::checkOperands(m, two),
            "operands: list rows need 2 a address(es), got 1");
}

TEST(RuntimeManifest, ReadingFiles) {
  std::string dir = ::testing::TempDir() + "/ggemm_manifest_test";
  std::filesystem::create_directories(dir);
  rt::Manifest m;
  // A good file, its cubin resolved next to it.
  std::string path = dir + "/k.json";
  std::ofstream(path, std::ios::binary | std::ios::trunc) << kContiguous;
  ASSERT_EQ(rt::readManifest(path, m), "");
  EXPECT_EQ(m.cubinPath, dir + "/contiguous.ptx");
  EXPECT_EQ(rt::readManifest(dir + "/absent.json", m),
            "cannot open manifest " + dir + "/absent.json");
  EXPECT_EQ(rt::readManifest(dir, m), dir + ": not a regular file");
  // 17 MiB (sparse): refused by its size, before it is read.
  std::string big = dir + "/big.json";
  {
    std::ofstream out(big, std::ios::binary | std::ios::trunc);
    out.seekp((17 << 20) - 1);
    out.put('}');
  }
  EXPECT_EQ(rt::readManifest(big, m),
            big + ": 17825792 bytes is too large for a manifest (at most 16 "
                  "MiB)");
  // Binary junk: a parse error with the file's name.
  std::string junk = dir + "/junk.json";
  std::ofstream(junk, std::ios::binary | std::ios::trunc) << "\x93NUMPY\x01";
  EXPECT_EQ(
      rt::readManifest(junk, m).rfind(junk + ": manifest: JSON line 1", 0), 0u);
}

} // namespace
