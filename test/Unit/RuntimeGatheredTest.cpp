//===- RuntimeGatheredTest.cpp - the runtime's gathered rows --------------===//
//
// parseManifest, resolveTensorMap, checkOperands and workspaceBytes on a
// manifest with rows "gathered" (docs/kernel-abi.md: a sm_90a kernel of
// four groups of N = 256, K = 512; the A map over the T token rows, a box
// of one row; the parameters end with "row_indices", "token_rows",
// "token_matrix"), the
// parameter-list refusals, and bit 2 of the error flags in words.
//
//===----------------------------------------------------------------------===//

#include "ManifestTestUtil.h"
#include "ggemm/Runtime/Runtime.h"

#include <gtest/gtest.h>

#include <limits>
#include <string>

namespace rt = ggemm::rt;

namespace {

const char *const kGathered = R"({"alignment": {"a": 16, "b": 16, "c": 16, "sfa": 8, "sfb": 8}, "alpha": true, "block": [288, 1, 1], "chip": "sm_90a", "cluster": [1, 1, 1], "cubin": "gath.ptx", "dynamic_shared_memory": 198656, "format": "ggemm-manifest-1", "grid": [132, 1, 1], "groups": [{"k": 512, "m": -1, "n": 256}, {"k": 512, "m": -1, "n": 256}, {"k": 512, "m": -1, "n": 256}, {"k": 512, "m": -1, "n": 256}], "kernel": "ggemm_gath", "params": ["tensor_maps", "c_pointers", "scale_pointers", "group_sizes", "alpha", "status", "row_indices", "token_rows", "token_matrix"], "rows": "gathered", "scales": "row_major", "setup": {"chunk_words": 35, "kernel": "ggemm_gath_setup"}, "split_k": 1, "tensor_maps": [{"box": [128, 1], "dims": [256, -1], "group": 0, "operand": "a", "strides": [256], "swizzle": "128B"}, {"box": [128, 128], "dims": [256, 1024], "group": 0, "operand": "b", "strides": [256], "swizzle": "128B"}], "tile": [128, 128, 256]})";

using ggemm::test::parse;
using ggemm::test::replaced;

/// One operand set with the kernel's four alphas.
rt::Operands oneSet() {
  rt::Operands ops = ggemm::test::oneSet();
  ops.alphaValues = {1, 2, 3, 4};
  return ops;
}

TEST(RuntimeGathered, Manifest) {
  rt::Manifest m;
  ASSERT_EQ(parse(kGathered, m), "");
  EXPECT_EQ(m.rows, rt::RowsForm::Gathered);
  EXPECT_STREQ(rt::rowsFormName(m.rows), "gathered");
  EXPECT_TRUE(m.gathered());
  EXPECT_TRUE(m.oneOperandSet());
  ASSERT_EQ(m.numGroups(), 4);
  EXPECT_EQ(m.groups[2].m, -1);
  // Neither R nor T is compiled in.
  EXPECT_EQ(m.contiguousCapacity(), -1);
  EXPECT_EQ(m.tokenCapacity(), -1);
  EXPECT_EQ(m.params.size(), 9u);
  EXPECT_EQ(m.params[6], "row_indices");
  EXPECT_EQ(m.params[7], "token_rows");
  EXPECT_EQ(m.params[8], "token_matrix");
  // A: T token rows (not R), a box of one row; B: G x N stacked.
  rt::ResolvedTensorMap a, b;
  ASSERT_EQ(rt::resolveTensorMap(m, 0, 300, a, 77), "");
  EXPECT_EQ(a.dims[0], 256u);
  EXPECT_EQ(a.dims[1], 77u);
  EXPECT_EQ(a.box[1], 1u);
  EXPECT_TRUE(a.swizzle128B);
  ASSERT_EQ(rt::resolveTensorMap(m, 1, 300, b, 77), "");
  EXPECT_EQ(b.dims[1], 1024u);
  // No token rows: a one-row map (the buffer keeps one readable row).
  ASSERT_EQ(rt::resolveTensorMap(m, 0, 300, a, 0), "");
  EXPECT_EQ(a.dims[1], 1u);
  // A static token count is the A map's rows.
  ASSERT_EQ(parse(replaced(kGathered, R"("dims": [256, -1])",
                           R"("dims": [256, 64])"),
                  m),
            "");
  EXPECT_EQ(m.tokenCapacity(), 64);
  EXPECT_EQ(m.contiguousCapacity(), -1);
  EXPECT_EQ(rt::resolveTensorMap(m, 0, 300, a, 63),
            "tensor map 0 (a of group 0) has 64 rows; the buffer has 63");
  // Other forms have no token rows.
  rt::Manifest offsets;
  ASSERT_EQ(parse(replaced(replaced(kGathered, R"("rows": "gathered")",
                                    R"("rows": "offsets")"),
                           R"(, "row_indices", "token_rows", "token_matrix"])",
                           "]"),
                  offsets),
            "");
  EXPECT_FALSE(offsets.gathered());
  EXPECT_EQ(offsets.tokenCapacity(), -1);
}

// The parameters: the six, the workspace with split-K, then row_indices,
// token_rows and token_matrix, in that order and no other.
TEST(RuntimeGathered, ParamsOrder) {
  rt::Manifest m;
  const std::string want =
      "manifest: \"params\" must be [\"tensor_maps\", \"c_pointers\", "
      "\"scale_pointers\", \"group_sizes\", \"alpha\", \"status\", "
      "\"row_indices\", \"token_rows\", \"token_matrix\"] (gathered rows)";
  EXPECT_EQ(parse(replaced(kGathered, R"("row_indices", "token_rows")",
                           R"("token_rows", "row_indices")"),
                  m),
            want);
  EXPECT_EQ(parse(replaced(kGathered,
                           R"(, "row_indices", "token_rows", "token_matrix"])",
                           "]"),
                  m),
            want);
  EXPECT_EQ(parse(replaced(kGathered, R"(, "token_matrix"])", "]"), m), want);
  EXPECT_EQ(parse(replaced(kGathered, R"(, "token_rows", "token_matrix"])",
                           R"(, "token_rows"])"),
                  m),
            want);
  EXPECT_EQ(parse(replaced(kGathered, R"("status", "row_indices")",
                           R"("status", "workspace", "row_indices")"),
                  m),
            want);
  // An offsets kernel takes no row indices.
  EXPECT_EQ(parse(replaced(kGathered, R"("rows": "gathered")",
                           R"("rows": "offsets")"),
                  m),
            "manifest: \"params\" must be [\"tensor_maps\", \"c_pointers\", "
            "\"scale_pointers\", \"group_sizes\", \"alpha\", \"status\"] "
            "(docs/kernel-abi.md)");
  // Split-K: the workspace before the row indices.
  auto split = [](const std::string &text) {
    return replaced(replaced(text, R"("split_k": 1)", R"("split_k": 2)"),
                    R"(, "setup": {"chunk_words": 35, "kernel": "ggemm_gath_setup"})",
                    "");
  };
  EXPECT_EQ(parse(split(kGathered), m),
            "manifest: \"params\" must be [\"tensor_maps\", \"c_pointers\", "
            "\"scale_pointers\", \"group_sizes\", \"alpha\", \"status\", "
            "\"workspace\", \"row_indices\", \"token_rows\", "
            "\"token_matrix\"] (gathered rows, "
            "split_k > 1)");
  ASSERT_EQ(parse(replaced(split(kGathered), R"("status", "row_indices")",
                           R"("status", "workspace", "row_indices")"),
                  m),
            "");
  EXPECT_EQ(m.params.back(), "token_matrix");
  // Slots from R = status[0] routed rows, as offsets count the rows of A:
  // (ceil(300 / 128) + 4 groups) x 2 N tiles x 2 splits x 64 KiB + header.
  EXPECT_EQ(rt::workspaceBytes(m, 300), 128 + (3 + 4) * 2 * 2 * 65536);
  // Unknown layouts are named with the new one.
  EXPECT_EQ(parse(replaced(kGathered, R"("rows": "gathered")",
                           R"("rows": "scattered")"),
                  m),
            "manifest: \"rows\" must be \"list\", \"contiguous\", "
            "\"offsets\", \"masked\" or \"gathered\", not \"scattered\"");
  // One operand set: row-major scales only.
  EXPECT_EQ(parse(replaced(kGathered, R"("scales": "row_major")",
                           R"("scales": "blocked_128x4")"),
                  m),
            "manifest: blocked_128x4 scales need rows \"list\" (gathered "
            "rows would need per-group padding)");
}

// Host offsets end inside R; host indices, R of them, lie in [0, T);
// device arrays are the kernel's to clamp and flag. T is an int32.
TEST(RuntimeGathered, Operands) {
  rt::Manifest m;
  ASSERT_EQ(parse(kGathered, m), "");
  rt::Operands ops = oneSet();
  ops.contiguousRows = 6;
  ops.tokenRows = 3;
  ops.groupSizeValues = {1, 1, 4, 5};
  ops.rowIndexValues = {0, 2, 1, 1, 0, 2};
  EXPECT_EQ(rt::checkOperands(m, ops), "");
  ops.rowIndexValues = {0, 2, 1, 3, 0, 2};
  EXPECT_EQ(rt::checkOperands(m, ops),
            "operands: routed row 3's row index 3 is outside [0, T = 3)");
  ops.rowIndexValues = {0, 2, 1, 1, -1, 2};
  EXPECT_EQ(rt::checkOperands(m, ops),
            "operands: routed row 4's row index -1 is outside [0, T = 3)");
  ops.rowIndexValues = {0, 2, 1};
  EXPECT_EQ(rt::checkOperands(m, ops),
            "operands: gathered rows need a row_indices array or 6 row index "
            "values (one per routed row, contiguousRows); got 3");
  ops.rowIndices = 0x70000; // on the device: not read here
  EXPECT_EQ(rt::checkOperands(m, ops), "");
  ops.groupSizeValues = {1, 1, 4, 7};
  EXPECT_EQ(rt::checkOperands(m, ops),
            "operands: the group offsets end at row 7; there are 6 routed "
            "rows (contiguousRows)");
  ops.groupSizeValues = {1, 3, 2, 5};
  EXPECT_EQ(rt::checkOperands(m, ops),
            "operands: group 2's offset 2 is below the end of the groups "
            "before it (3); offsets are cumulative end rows and never "
            "decrease");
  ops.groupSizeValues = {1, 1, 4, 5};
  ops.tokenRows = -1;
  EXPECT_EQ(rt::checkOperands(m, ops),
            "operands: gathered rows take tokenRows (T) in [0, 2^31 - 1], "
            "not -1");
  ops.tokenRows = int64_t(std::numeric_limits<int32_t>::max()) + 1;
  EXPECT_EQ(rt::checkOperands(m, ops),
            "operands: gathered rows take tokenRows (T) in [0, 2^31 - 1], "
            "not 2147483648");
  // T = 0: no index is read, and every group must be empty.
  ops.tokenRows = 0;
  EXPECT_EQ(rt::checkOperands(m, ops),
            "operands: the group offsets end at row 1; with no token rows "
            "(T = 0) every group must be empty");
  ops.groupSizeValues = {0, 0, 0, 0};
  ops.rowIndices = 0;
  ops.rowIndexValues = {0, 5, -1, 0, 0, 0};
  EXPECT_EQ(rt::checkOperands(m, ops), "");
  // A kernel compiled for a static T takes that T only.
  ASSERT_EQ(parse(replaced(kGathered, R"("dims": [256, -1])",
                           R"("dims": [256, 64])"),
                  m),
            "");
  ops = oneSet();
  ops.contiguousRows = 2;
  ops.groupSizeValues = {0, 1, 2, 2};
  ops.rowIndices = 0x70000;
  ops.tokenRows = 63;
  EXPECT_EQ(rt::checkOperands(m, ops),
            "operands: the kernel was compiled for 64 token rows (T); "
            "tokenRows is 63");
  ops.tokenRows = 64;
  EXPECT_EQ(rt::checkOperands(m, ops), "");
}

TEST(RuntimeGathered, ErrorFlagsInWords) {
  EXPECT_EQ(rt::kRowIndicesClamped, 4);
  EXPECT_EQ(rt::describeErrorFlags(rt::kRowIndicesClamped),
            "row indices outside [0, T): clamped");
  EXPECT_EQ(rt::describeErrorFlags(5),
            "group sizes or offsets passed the rows of A: clamped; row "
            "indices outside [0, T): clamped");
  EXPECT_EQ(rt::describeErrorFlags(0x1c),
            "row indices outside [0, T): clamped; unknown bits 0x18");
}

} // namespace
