//===- RuntimeRowsTest.cpp - the runtime's offsets and masked rows --------===//
//
// parseManifest, resolveTensorMap, checkOperands and workspaceBytes on
// manifests with rows "offsets" and "masked" (what ggemm-pipeline writes
// for @offs, sm_100a, and @masked, sm_90a, of four groups of N = 64,
// K = 128, max_m = 32), and the error flags in words.
//
//===----------------------------------------------------------------------===//

#include "ManifestTestUtil.h"
#include "ggemm/Runtime/Runtime.h"

#include <gtest/gtest.h>

#include <string>

namespace rt = ggemm::rt;

namespace {

const char *const kOffsets = R"({"alignment": {"a": 16, "b": 16, "c": 16, "sfa": 16, "sfb": 16}, "alpha": false, "block": [224, 1, 1], "chip": "sm_100a", "cluster": [1, 1, 1], "cubin": "offs.ptx", "dynamic_shared_memory": 183408, "format": "ggemm-manifest-1", "grid": [148, 1, 1], "groups": [{"k": 128, "m": -1, "n": 64}, {"k": 128, "m": -1, "n": 64}, {"k": 128, "m": -1, "n": 64}, {"k": 128, "m": -1, "n": 64}], "kernel": "ggemm_offs", "params": ["tensor_maps", "c_pointers", "scale_pointers", "group_sizes", "alpha", "status"], "rows": "offsets", "scales": "row_major", "split_k": 1, "tensor_maps": [{"box": [128, 128], "dims": [64, -1], "group": 0, "operand": "a", "strides": [64], "swizzle": "128B"}, {"box": [128, 128], "dims": [64, 256], "group": 0, "operand": "b", "strides": [64], "swizzle": "128B"}], "tensor_memory_columns": 512, "tile": [128, 128, 256]})";

const char *const kMasked = R"({"alignment": {"a": 16, "b": 16, "c": 16, "sfa": 8, "sfb": 8}, "alpha": false, "block": [288, 1, 1], "chip": "sm_90a", "cluster": [1, 1, 1], "cubin": "masked.ptx", "dynamic_shared_memory": 112640, "format": "ggemm-manifest-1", "grid": [132, 1, 1], "groups": [{"k": 128, "m": 32, "n": 64}, {"k": 128, "m": 32, "n": 64}, {"k": 128, "m": 32, "n": 64}, {"k": 128, "m": 32, "n": 64}], "kernel": "ggemm_masked", "params": ["tensor_maps", "c_pointers", "scale_pointers", "group_sizes", "alpha", "status"], "rows": "masked", "scales": "row_major", "split_k": 1, "tensor_maps": [{"box": [128, 16], "dims": [64, 128], "group": 0, "operand": "a", "strides": [64], "swizzle": "128B"}, {"box": [128, 128], "dims": [64, 256], "group": 0, "operand": "b", "strides": [64], "swizzle": "128B"}], "tile": [16, 128, 256]})";

using ggemm::test::oneSet;
using ggemm::test::parse;
using ggemm::test::replaced;

TEST(RuntimeRows, OffsetsManifest) {
  rt::Manifest m;
  ASSERT_EQ(parse(kOffsets, m), "");
  EXPECT_EQ(m.rows, rt::RowsForm::Offsets);
  EXPECT_STREQ(rt::rowsFormName(m.rows), "offsets");
  EXPECT_TRUE(m.oneOperandSet());
  ASSERT_EQ(m.numGroups(), 4);
  EXPECT_EQ(m.groups[3].m, -1);
  EXPECT_EQ(m.contiguousCapacity(), -1);
  // A's rows come at run time, B stacks the groups.
  rt::ResolvedTensorMap a, b;
  ASSERT_EQ(rt::resolveTensorMap(m, 0, 403, a), "");
  EXPECT_EQ(a.dims[1], 403u);
  ASSERT_EQ(rt::resolveTensorMap(m, 1, 403, b), "");
  EXPECT_EQ(b.dims[1], 256u);
  // A static A: its rows are the capacity.
  ASSERT_EQ(parse(replaced(kOffsets, R"("dims": [64, -1])",
                           R"("dims": [64, 500])"),
                  m),
            "");
  EXPECT_EQ(m.contiguousCapacity(), 500);
}

TEST(RuntimeRows, MaskedManifest) {
  rt::Manifest m;
  ASSERT_EQ(parse(kMasked, m), "");
  EXPECT_EQ(m.rows, rt::RowsForm::Masked);
  EXPECT_STREQ(rt::rowsFormName(m.rows), "masked");
  EXPECT_EQ(m.groups[0].m, 32);
  // G x max_m rows, whatever the caller says about contiguous rows.
  EXPECT_EQ(m.contiguousCapacity(), 128);
  rt::ResolvedTensorMap a;
  ASSERT_EQ(rt::resolveTensorMap(m, 0, 0, a), "");
  EXPECT_EQ(a.dims[1], 128u);
  ASSERT_EQ(rt::resolveTensorMap(m, 0, 999, a), "");
  EXPECT_EQ(a.dims[1], 128u);
  // A map that does not cover G x max_m rows is refused.
  ASSERT_EQ(parse(replaced(kMasked, R"("dims": [64, 128])",
                           R"("dims": [64, 96])"),
                  m),
            "");
  EXPECT_EQ(rt::resolveTensorMap(m, 0, 0, a),
            "tensor map 0 (a of group 0) has 96 rows; the buffer has 128");
}

TEST(RuntimeRows, Refusals) {
  rt::Manifest m;
  EXPECT_EQ(parse(replaced(kMasked, R"("rows": "masked")",
                           R"("rows": "ragged")"),
                  m),
            "manifest: \"rows\" must be \"list\", \"contiguous\", "
            "\"offsets\", \"masked\" or \"gathered\", not \"ragged\"");
  // Masked groups share max_m, N and K.
  EXPECT_EQ(parse(replaced(kMasked, R"({"k": 128, "m": 32, "n": 64}])",
                           R"({"k": 128, "m": 16, "n": 64}])"),
                  m),
            "manifest: masked rows need the same M (max_m), N and K in every "
            "group; \"groups[3]\" differs from group 0");
  EXPECT_EQ(parse(replaced(kOffsets, R"({"k": 128, "m": -1, "n": 64}])",
                           R"({"k": 256, "m": -1, "n": 64}])"),
                  m),
            "manifest: offsets rows need the same N and K in every group; "
            "\"groups[3]\" differs from group 0");
  EXPECT_EQ(parse(replaced(kMasked, R"("m": 32, "n": 64}, {)",
                           R"("m": -1, "n": 64}, {)"),
                  m),
            "manifest: \"groups[0].m\" must be an integer in [0, "
            "2147483647]");
  EXPECT_EQ(parse(replaced(kOffsets, R"("scales": "row_major")",
                           R"("scales": "blocked_128x4")"),
                  m),
            "manifest: blocked_128x4 scales need rows \"list\" (offsets rows "
            "would need per-group padding)");
  // One operand set: a map of group 1 is out of order.
  EXPECT_EQ(parse(replaced(kMasked, R"("group": 0, "operand": "b")",
                           R"("group": 1, "operand": "b")"),
                  m),
            "manifest: tensor_maps[1] must be operand \"b\" of group 0");
}

// Host offsets are checked before they are uploaded; device ones are the
// kernel's to clamp and flag.
TEST(RuntimeRows, OffsetOperands) {
  rt::Manifest m;
  ASSERT_EQ(parse(kOffsets, m), "");
  rt::Operands ops = oneSet();
  ops.contiguousRows = 403;
  ops.groupSizeValues = {0, 1, 131, 400};
  EXPECT_EQ(rt::checkOperands(m, ops), "");
  ops.groupSizeValues = {0, 1, 131, 403};
  EXPECT_EQ(rt::checkOperands(m, ops), "");
  ops.groupSizeValues = {5, 2, 131, 400};
  EXPECT_EQ(rt::checkOperands(m, ops),
            "operands: group 1's offset 2 is below the end of the groups "
            "before it (5); offsets are cumulative end rows and never "
            "decrease");
  ops.groupSizeValues = {-1, 2, 131, 400};
  EXPECT_EQ(rt::checkOperands(m, ops),
            "operands: group 0's offset -1 is below the end of the groups "
            "before it (0); offsets are cumulative end rows and never "
            "decrease");
  ops.groupSizeValues = {0, 1, 131, 404};
  EXPECT_EQ(rt::checkOperands(m, ops),
            "operands: the group offsets end at row 404; the buffers have "
            "403 rows");
  ops.groupSizeValues = {0, 1};
  EXPECT_EQ(rt::checkOperands(m, ops),
            "operands: offsets rows need a group_offsets array or 4 group "
            "offset values");
  ops.groupSizes = 0x60000; // on the device: not read here
  EXPECT_EQ(rt::checkOperands(m, ops), "");
  ops.contiguousRows = -1;
  EXPECT_EQ(rt::checkOperands(m, ops), "operands: negative contiguousRows");
  ops = oneSet();
  ops.a.push_back(0x11000);
  EXPECT_EQ(rt::checkOperands(m, ops),
            "operands: offsets rows need 1 a address(es), got 2");
}

TEST(RuntimeRows, CountOperands) {
  rt::Manifest m;
  ASSERT_EQ(parse(kMasked, m), "");
  rt::Operands ops = oneSet();
  ops.groupSizeValues = {0, 1, 32, 17};
  EXPECT_EQ(rt::checkOperands(m, ops), "");
  ops.contiguousRows = 128;
  EXPECT_EQ(rt::checkOperands(m, ops), "");
  ops.contiguousRows = 100;
  EXPECT_EQ(rt::checkOperands(m, ops),
            "operands: masked rows have G x max_m = 128 rows of A; "
            "contiguousRows is 100 (give 0 or 128)");
  ops.contiguousRows = 0;
  ops.groupSizeValues = {0, 33, 32, 17};
  EXPECT_EQ(rt::checkOperands(m, ops),
            "operands: group 1's count 33 is outside [0, max_m = 32]");
  ops.groupSizeValues = {0, 1, -2, 17};
  EXPECT_EQ(rt::checkOperands(m, ops),
            "operands: group 2's count -2 is outside [0, max_m = 32]");
  ops.groupSizeValues.clear();
  EXPECT_EQ(rt::checkOperands(m, ops),
            "operands: masked rows need a group_counts array or 4 group "
            "count values");
  ops.groupSizes = 0x60000;
  EXPECT_EQ(rt::checkOperands(m, ops), "");
}

// Split-K workspaces: offsets as contiguous rows (from the rows of A),
// masked from G x max_m whatever is passed.
TEST(RuntimeRows, SplitKWorkspace) {
  rt::Manifest m;
  auto split = [](const std::string &text) {
    return replaced(replaced(text, R"("split_k": 1)", R"("split_k": 2)"),
                    R"("alpha", "status"])",
                    R"("alpha", "status", "workspace"])");
  };
  ASSERT_EQ(parse(split(kOffsets), m), "");
  // (ceil(300 / 128) + 4 groups) x 1 N tile x 2 splits x 64 KiB + header.
  EXPECT_EQ(rt::workspaceBytes(m, 300), 128 + (3 + 4) * 1 * 2 * 65536);
  ASSERT_EQ(parse(split(kMasked), m), "");
  // (ceil(128 / 16) + 4) x 1 x 2 slots of 16 x 128 f32.
  EXPECT_EQ(rt::workspaceBytes(m, 0), 128 + (8 + 4) * 1 * 2 * 16 * 128 * 4);
  EXPECT_EQ(rt::workspaceBytes(m, 5000), rt::workspaceBytes(m, 0));
}

TEST(RuntimeRows, ErrorFlagsInWords) {
  EXPECT_EQ(rt::describeErrorFlags(0), "");
  EXPECT_EQ(rt::describeErrorFlags(rt::kGroupSizesOverrun),
            "group sizes or offsets passed the rows of A: clamped");
  EXPECT_EQ(rt::describeErrorFlags(rt::kGroupRowsClamped),
            "negative group sizes, group offsets out of order or counts "
            "outside [0, max_m]: clamped");
  EXPECT_EQ(rt::describeErrorFlags(3),
            "group sizes or offsets passed the rows of A: clamped; negative "
            "group sizes, group offsets out of order or counts outside "
            "[0, max_m]: clamped");
  EXPECT_EQ(rt::describeErrorFlags(0x12),
            "negative group sizes, group offsets out of order or counts "
            "outside [0, max_m]: clamped; unknown bits 0x10");
}

} // namespace
