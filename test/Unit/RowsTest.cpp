//===- RowsTest.cpp - the host's reading of run-time row arrays -----------===//
//
// ggemm/Reference/Rows.h: which rows of the one A / C buffer each group
// owns in rows<contiguous>, rows<offsets> and rows<masked>, bad entries
// clamped as the kernels clamp them and the error flags they raise; the
// arrays of well-formed problems; the skewed seeded rows; the one A / SFA
// buffer; and the arrays' .npy files.
//
//===----------------------------------------------------------------------===//

#include "ggemm/Reference/Npy.h"
#include "ggemm/Reference/Rows.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <limits>

namespace ref = ggemm::ref;
using ref::RowLayout;

namespace {

/// The (begin, rows) pairs, for short expectations.
std::vector<std::pair<int64_t, int64_t>> pairs(const ref::GroupRows &rows) {
  std::vector<std::pair<int64_t, int64_t>> out;
  for (const ref::OwnedRows &r : rows.groups)
    out.push_back({r.begin, r.rows});
  return out;
}

using Pairs = std::vector<std::pair<int64_t, int64_t>>;

TEST(RowArrays, Names) {
  EXPECT_STREQ(ref::rowLayoutName(RowLayout::Offsets), "offsets");
  EXPECT_STREQ(ref::rowLayoutName(RowLayout::Masked), "masked");
  EXPECT_STREQ(ref::groupRowsArrayName(RowLayout::Contiguous), "group_sizes");
  EXPECT_STREQ(ref::groupRowsArrayName(RowLayout::Offsets), "group_offsets");
  EXPECT_STREQ(ref::groupRowsArrayName(RowLayout::Masked), "group_counts");
}

// Offsets are cumulative end rows: group g owns [e_{g-1}, e_g), empty
// groups repeat the end, and the rows past the last end belong to nobody.
TEST(RowArrays, OffsetsInOrder) {
  ref::GroupRows r =
      ref::readGroupRows(RowLayout::Offsets, {0, 1, 131, 131, 400}, 403, 0);
  EXPECT_EQ(pairs(r), (Pairs{{0, 0}, {0, 1}, {1, 130}, {131, 0}, {131, 269}}));
  EXPECT_EQ(r.flags, 0);
  EXPECT_EQ(r.end, 400);
}

// An offset below the end of the groups before it (out of order, or
// negative) gives an empty group and bit 1; the next group starts from the
// end so far, not from the bad offset.
TEST(RowArrays, OffsetsOutOfOrder) {
  ref::GroupRows r = ref::readGroupRows(RowLayout::Offsets, {5, 2, 9}, -1, 0);
  EXPECT_EQ(pairs(r), (Pairs{{0, 5}, {5, 0}, {5, 4}}));
  EXPECT_EQ(r.flags, ref::kFlagRowsClamped);
  EXPECT_EQ(r.end, 9);
  r = ref::readGroupRows(RowLayout::Offsets, {-3, 4}, 10, 0);
  EXPECT_EQ(pairs(r), (Pairs{{0, 0}, {0, 4}}));
  EXPECT_EQ(r.flags, ref::kFlagRowsClamped);
  r = ref::readGroupRows(RowLayout::Offsets,
                         {std::numeric_limits<int32_t>::min(), 0}, 10, 0);
  EXPECT_EQ(pairs(r), (Pairs{{0, 0}, {0, 0}}));
  EXPECT_EQ(r.flags, ref::kFlagRowsClamped);
}

// Rows past the buffer are cut off with bit 0, also for a group that
// starts past them; an empty group past them raises nothing.
TEST(RowArrays, OffsetsPastTheRows) {
  ref::GroupRows r =
      ref::readGroupRows(RowLayout::Offsets, {4, 12, 20, 20}, 10, 0);
  EXPECT_EQ(pairs(r), (Pairs{{0, 4}, {4, 6}, {10, 0}, {10, 0}}));
  EXPECT_EQ(r.flags, ref::kFlagRowsPastA);
  EXPECT_EQ(r.end, 20);
  // Exactly filling the buffer is fine.
  r = ref::readGroupRows(RowLayout::Offsets, {4, 10, 10}, 10, 0);
  EXPECT_EQ(r.flags, 0);
  // Both bits.
  r = ref::readGroupRows(RowLayout::Offsets, {4, 1, 12}, 10, 0);
  EXPECT_EQ(pairs(r), (Pairs{{0, 4}, {4, 0}, {4, 6}}));
  EXPECT_EQ(r.flags, ref::kFlagRowsPastA | ref::kFlagRowsClamped);
}

// Counts: group g owns the first clamp(count, 0, max_m) rows of its max_m.
TEST(RowArrays, MaskedCounts) {
  ref::GroupRows r =
      ref::readGroupRows(RowLayout::Masked, {0, 1, 150, 37}, -1, 150);
  EXPECT_EQ(pairs(r), (Pairs{{0, 0}, {150, 1}, {300, 150}, {450, 37}}));
  EXPECT_EQ(r.flags, 0);
  EXPECT_EQ(r.end, 600);
  r = ref::readGroupRows(RowLayout::Masked, {-1, 151, 3}, 450, 150);
  EXPECT_EQ(pairs(r), (Pairs{{0, 0}, {150, 150}, {300, 3}}));
  EXPECT_EQ(r.flags, ref::kFlagRowsClamped);
}

TEST(RowArrays, ContiguousSizes) {
  ref::GroupRows r = ref::readGroupRows(RowLayout::Contiguous, {5, 0, 7}, 20, 0);
  EXPECT_EQ(pairs(r), (Pairs{{0, 5}, {5, 0}, {5, 7}}));
  EXPECT_EQ(r.flags, 0);
  // A negative size: an empty group, flagged as clamped (and the last
  // group cut off at the buffer's 10 rows).
  r = ref::readGroupRows(RowLayout::Contiguous, {5, -1, 7}, 10, 0);
  EXPECT_EQ(pairs(r), (Pairs{{0, 5}, {5, 0}, {5, 5}}));
  EXPECT_EQ(r.flags, ref::kFlagRowsPastA | ref::kFlagRowsClamped);
  r = ref::readGroupRows(RowLayout::Contiguous, {-4, 3}, 10, 0);
  EXPECT_EQ(pairs(r), (Pairs{{0, 0}, {0, 3}}));
  EXPECT_EQ(r.flags, ref::kFlagRowsClamped);
}

// A well-formed problem's array, and what readGroupRows makes of it again.
TEST(RowArrays, ArraysOfRows) {
  std::vector<int32_t> values;
  ASSERT_EQ(ref::groupRowsArray(RowLayout::Offsets, {0, 1, 130, 0, 269}, values),
            "");
  EXPECT_EQ(values, (std::vector<int32_t>{0, 1, 131, 131, 400}));
  ASSERT_EQ(ref::groupRowsArray(RowLayout::Masked, {3, 0, 9}, values), "");
  EXPECT_EQ(values, (std::vector<int32_t>{3, 0, 9}));
  EXPECT_EQ(ref::groupRowsArray(RowLayout::Offsets,
                                {int64_t(1) << 30, int64_t(1) << 30}, values),
            "group_offsets holds int32; the groups end at row 2147483648");
  EXPECT_EQ(ref::groupRowsArray(RowLayout::Masked, {int64_t(1) << 31}, values),
            "group_counts holds int32; group 0 has 2147483648 rows");
  EXPECT_EQ(ref::groupRowsArray(RowLayout::Offsets, {2, -1}, values),
            "group 1 has -1 rows");
}

// The seeded rows are skewed (empty, one row, full, one huge group), in
// range, and the same for the same seed.
TEST(RowArrays, SkewedRows) {
  EXPECT_EQ(ref::skewedGroupRows(7, 64, 300, 700),
            ref::skewedGroupRows(7, 64, 300, 700));
  EXPECT_NE(ref::skewedGroupRows(7, 64, 300, 700),
            ref::skewedGroupRows(8, 64, 300, 700));
  bool zero = false, one = false, full = false, other = false;
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    std::vector<int64_t> rows = ref::skewedGroupRows(seed, 16, 300, 700);
    int64_t huge = std::count_if(rows.begin(), rows.end(),
                                 [](int64_t m) { return m > 300; });
    EXPECT_EQ(huge, 1) << "seed " << seed;
    for (int64_t m : rows) {
      EXPECT_GE(m, 0);
      EXPECT_LE(m, 700);
      zero |= m == 0, one |= m == 1, full |= m == 300;
      other |= m > 1 && m < 300 && m % 16 != 0;
    }
    for (int64_t m : ref::skewedGroupRows(seed, 16, 150))
      EXPECT_TRUE(m >= 0 && m <= 150) << m;
  }
  EXPECT_TRUE(zero && one && full && other);
}

// Each group's rows at its begin; the rows of nobody filled with random
// e2m1 and NaN scales (0x7F), or zeros without a filler seed.
TEST(RowArrays, OneBuffer) {
  ref::Problem problem = ref::generateProblem(
      {{2, 16, 64}, {0, 16, 64}, {1, 16, 64}}, 3, false);
  std::vector<ref::OwnedRows> owned = {{0, 2}, {5, 0}, {5, 1}};
  ref::OneBuffer one;
  ASSERT_EQ(ref::layOutOneBuffer(problem, owned, 8, 0, one), "");
  ASSERT_EQ(one.a.size(), 8u * 32);
  ASSERT_EQ(one.sfa.size(), 8u * 4);
  EXPECT_TRUE(std::equal(problem.groups[0].a.begin(),
                         problem.groups[0].a.end(), one.a.begin()));
  EXPECT_TRUE(std::equal(problem.groups[2].a.begin(),
                         problem.groups[2].a.end(), one.a.begin() + 5 * 32));
  EXPECT_TRUE(std::equal(problem.groups[2].sfa.begin(),
                         problem.groups[2].sfa.end(), one.sfa.begin() + 5 * 4));
  EXPECT_TRUE(std::all_of(one.a.begin() + 2 * 32, one.a.begin() + 5 * 32,
                          [](uint8_t x) { return x == 0; }));

  ref::OneBuffer filled;
  ASSERT_EQ(ref::layOutOneBuffer(problem, owned, 8, 9, filled), "");
  EXPECT_TRUE(std::equal(one.a.begin(), one.a.begin() + 2 * 32,
                         filled.a.begin()));
  for (int64_t row : {2, 3, 4, 6, 7})
    for (int64_t i = 0; i < 4; ++i)
      EXPECT_EQ(filled.sfa[row * 4 + i], 0x7F) << row;
  EXPECT_FALSE(std::all_of(filled.a.begin() + 2 * 32, filled.a.begin() + 5 * 32,
                           [](uint8_t x) { return x == 0; }));

  // A group whose rows do not match the array, or pass the buffer.
  owned[2] = {5, 2};
  EXPECT_EQ(ref::layOutOneBuffer(problem, owned, 8, 0, one),
            "group 2 has 1 rows; the array gives it rows [5, 7) of 8");
  owned[2] = {7, 1};
  EXPECT_EQ(ref::layOutOneBuffer(problem, owned, 7, 0, one),
            "group 2 has 1 rows; the array gives it rows [7, 8) of 7");
}

// Gathered: offsets over the R routed rows, as rows<offsets> reads them
// over the rows of A; the name and the array's .npy file are offsets'.
TEST(RowArrays, GatheredOffsets) {
  EXPECT_STREQ(ref::rowLayoutName(RowLayout::Gathered), "gathered");
  EXPECT_STREQ(ref::groupRowsArrayName(RowLayout::Gathered), "group_offsets");
  ref::GroupRows r =
      ref::readGroupRows(RowLayout::Gathered, {2, 2, 5, 3, 9}, 8, 0);
  EXPECT_EQ(pairs(r), (Pairs{{0, 2}, {2, 0}, {2, 3}, {5, 0}, {5, 3}}));
  EXPECT_EQ(r.flags, ref::kFlagRowsPastA | ref::kFlagRowsClamped);
  EXPECT_EQ(r.end, 9);
  std::vector<int32_t> values;
  ASSERT_EQ(ref::groupRowsArray(RowLayout::Gathered, {1, 0, 4}, values), "");
  EXPECT_EQ(values, (std::vector<int32_t>{1, 1, 5}));
}

// An index outside [0, T) reads row 0 or T - 1 and raises bit 2.
TEST(RowArrays, RowIndexClamp) {
  int64_t row = -1;
  EXPECT_EQ(ref::clampRowIndex(3, 5, row), 0);
  EXPECT_EQ(row, 3);
  EXPECT_EQ(ref::clampRowIndex(4, 5, row), 0);
  EXPECT_EQ(row, 4);
  EXPECT_EQ(ref::clampRowIndex(5, 5, row), ref::kFlagRowIndexClamped);
  EXPECT_EQ(row, 4);
  EXPECT_EQ(ref::clampRowIndex(-1, 5, row), ref::kFlagRowIndexClamped);
  EXPECT_EQ(row, 0);
  EXPECT_EQ(ref::clampRowIndex(std::numeric_limits<int32_t>::min(), 5, row),
            ref::kFlagRowIndexClamped);
  EXPECT_EQ(row, 0);
  std::vector<int64_t> rows;
  EXPECT_EQ(ref::clampRowIndices({0, 1, 2}, 3, rows), 0);
  EXPECT_EQ(rows, (std::vector<int64_t>{0, 1, 2}));
  EXPECT_EQ(ref::clampRowIndices({7, 1, -2}, 3, rows),
            ref::kFlagRowIndexClamped);
  EXPECT_EQ(rows, (std::vector<int64_t>{2, 1, 0}));
  // No token rows: nothing to read, every index is out of range.
  EXPECT_EQ(ref::clampRowIndices({0}, 0, rows), ref::kFlagRowIndexClamped);
  EXPECT_EQ(rows, (std::vector<int64_t>{0}));
}

// Each owned routed row reads its (clamped) token row; the indices of
// routed rows no group owns are never read, so they raise nothing.
TEST(RowArrays, GatheredRows) {
  ref::GatheredRows g = ref::readGatheredRows({2, 2, 5}, {3, 0, 1, 3, 2, 9, -4},
                                              4);
  EXPECT_EQ(pairs(g.rows), (Pairs{{0, 2}, {2, 0}, {2, 3}}));
  EXPECT_EQ(g.rows.flags, 0);
  EXPECT_EQ(g.tokenOf, (std::vector<int64_t>{3, 0, 1, 3, 2, -1, -1}));
  EXPECT_EQ(ref::unreadTokenRows(g, 4),
            (std::vector<bool>{false, false, false, false}));
  EXPECT_EQ(ref::unreadTokenRows(ref::readGatheredRows({2}, {1, 1, 0}, 3), 3),
            (std::vector<bool>{true, false, true}));
  // Bad indices in owned rows: clamped, bit 2.
  g = ref::readGatheredRows({3, 4}, {0, 4, -1, 7}, 4);
  EXPECT_EQ(g.tokenOf, (std::vector<int64_t>{0, 3, 0, 3}));
  EXPECT_EQ(g.rows.flags, ref::kFlagRowIndexClamped);
  // With the offsets' own flags: out of order (bit 1), past R (bit 0).
  g = ref::readGatheredRows({3, 1, 6}, {0, 1, 2, 3, 5}, 4);
  EXPECT_EQ(pairs(g.rows), (Pairs{{0, 3}, {3, 0}, {3, 2}}));
  EXPECT_EQ(g.tokenOf, (std::vector<int64_t>{0, 1, 2, 3, 3}));
  EXPECT_EQ(g.rows.flags, ref::kFlagRowsPastA | ref::kFlagRowsClamped |
                              ref::kFlagRowIndexClamped);
  // T = 0: every group empty; one that had routed rows raises bit 0.
  g = ref::readGatheredRows({0, 2, 2}, {0, 0, 0}, 0);
  EXPECT_EQ(pairs(g.rows), (Pairs{{0, 0}, {0, 0}, {2, 0}}));
  EXPECT_EQ(g.rows.flags, ref::kFlagRowsPastA);
  EXPECT_EQ(g.tokenOf, (std::vector<int64_t>{-1, -1, -1}));
  g = ref::readGatheredRows({0, 0}, {5}, 0);
  EXPECT_EQ(g.rows.flags, 0);
}

// The offsets problem of the gathered rows: each group's A and SFA are
// the token rows its routed rows read, B and SFB untouched; the token rows
// nobody reads get filler with NaN scales.
TEST(RowArrays, GatherProblem) {
  const int64_t k = 32, rowBytes = k / 2, scaleBytes = k / 16;
  ref::Problem tokens = ref::generateProblem({{4, 16, k}}, 5, false);
  std::vector<uint8_t> a = tokens.groups[0].a, sfa = tokens.groups[0].sfa;
  ref::Problem problem =
      ref::generateProblem({{0, 16, k}, {0, 16, k}}, 6, true);
  std::vector<uint8_t> b1 = problem.groups[1].b;
  float alpha1 = problem.groups[1].alpha;
  // Group 0 owns routed row 0 (token 2), group 1 rows 1-3 (tokens 3, 2,
  // and 9 clamped to 3); token rows 0 and 1 are read by nobody.
  ref::GatheredRows g = ref::readGatheredRows({1, 4}, {2, 3, 2, 9, 0}, 4);
  ASSERT_EQ(g.rows.flags, ref::kFlagRowIndexClamped);
  ASSERT_EQ(ref::gatherProblem(a, sfa, 4, g, problem), "");
  ASSERT_EQ(problem.groups[0].m, 1);
  ASSERT_EQ(problem.groups[1].m, 3);
  auto row = [&](const std::vector<uint8_t> &data, int64_t r, int64_t bytes) {
    return std::vector<uint8_t>(data.begin() + r * bytes,
                                data.begin() + (r + 1) * bytes);
  };
  EXPECT_EQ(problem.groups[0].a, row(a, 2, rowBytes));
  EXPECT_EQ(problem.groups[0].sfa, row(sfa, 2, scaleBytes));
  for (auto [i, token] : {std::pair{0, 3}, std::pair{1, 2}, std::pair{2, 3}}) {
    EXPECT_EQ(row(problem.groups[1].a, i, rowBytes), row(a, token, rowBytes));
    EXPECT_EQ(row(problem.groups[1].sfa, i, scaleBytes),
              row(sfa, token, scaleBytes));
  }
  EXPECT_EQ(problem.groups[1].b, b1);
  EXPECT_EQ(problem.groups[1].alpha, alpha1);

  std::vector<uint8_t> filledA = a, filledSfa = sfa;
  ref::fillUnreadTokenRows(g, 4, k, 7, filledA, filledSfa);
  for (int64_t t : {0, 1}) {
    EXPECT_EQ(row(filledSfa, t, scaleBytes),
              std::vector<uint8_t>(scaleBytes, 0x7F));
    EXPECT_NE(row(filledA, t, rowBytes), row(a, t, rowBytes));
  }
  for (int64_t t : {2, 3}) {
    EXPECT_EQ(row(filledA, t, rowBytes), row(a, t, rowBytes));
    EXPECT_EQ(row(filledSfa, t, scaleBytes), row(sfa, t, scaleBytes));
  }

  // A token matrix of the wrong size, and offsets of another group count.
  EXPECT_EQ(ref::gatherProblem(a, sfa, 5, g, problem),
            "the token matrix is not 5 rows of K = 32 (group 0)");
  g = ref::readGatheredRows({1, 2, 3}, {0, 0, 0}, 4);
  EXPECT_EQ(ref::gatherProblem(a, sfa, 4, g, problem),
            "the offsets have 3 groups; the problem 2");
}

TEST(RowArrays, NpyFiles) {
  std::string dir = ::testing::TempDir() + "/ggemm-rows-npy";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::vector<int32_t> array;
  bool found = true;
  // No file: the array follows from the files' rows.
  ASSERT_EQ(ref::readGroupRowsNpy(dir, RowLayout::Offsets, 3, array, found),
            "");
  EXPECT_FALSE(found);
  EXPECT_TRUE(array.empty());

  ASSERT_EQ(ref::writeGroupRowsNpy(dir, RowLayout::Offsets, {5, 2, -9}), "");
  ASSERT_TRUE(std::filesystem::exists(dir + "/group_offsets.npy"));
  ASSERT_EQ(ref::readGroupRowsNpy(dir, RowLayout::Offsets, 3, array, found),
            "");
  EXPECT_TRUE(found);
  EXPECT_EQ(array, (std::vector<int32_t>{5, 2, -9}));
  // group_counts.npy is another file.
  ASSERT_EQ(ref::readGroupRowsNpy(dir, RowLayout::Masked, 3, array, found), "");
  EXPECT_FALSE(found);

  // The wrong length or dtype, named with the file.
  EXPECT_EQ(ref::readGroupRowsNpy(dir, RowLayout::Offsets, 4, array, found),
            dir + "/group_offsets.npy: expected int32 of shape (4,), one "
                  "entry per group; found <i4 of shape (3,)");
  ref::NpyArray floats{"<f4", {2}, std::vector<uint8_t>(8, 0)};
  ASSERT_EQ(ref::writeNpy(dir + "/group_counts.npy", floats), "");
  EXPECT_EQ(ref::readGroupRowsNpy(dir, RowLayout::Masked, 2, array, found),
            dir + "/group_counts.npy: expected int32 of shape (2,), one "
                  "entry per group; found <f4 of shape (2,)");
  // A truncated file is the reader's message, never a crash.
  {
    std::ofstream out(dir + "/group_counts.npy", std::ios::binary);
    out << "\x93NUMPY";
  }
  EXPECT_NE(ref::readGroupRowsNpy(dir, RowLayout::Masked, 2, array, found), "");
  EXPECT_NE(ref::readGroupRowsNpy(dir, RowLayout::Contiguous, 2, array, found),
            "");
  std::filesystem::remove_all(dir);
}

} // namespace
