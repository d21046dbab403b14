//===- GatheredTest.cpp - the inputs of rows<gathered> problems -----------===//
//
// ggemm/Reference/Gathered.h, which gemm-run and ggemm-cpu-run share: R, T
// and the row indices chosen (given, seeded, or from .npy files), the size
// check before anything sized by them, the problem of the gathered rows,
// and the files round trip.
//
//===----------------------------------------------------------------------===//

#include "ggemm/Reference/Gathered.h"
#include "ggemm/Reference/Npy.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace ref = ggemm::ref;

namespace {

// Seeded: R = where the offsets end + 3 spare routed rows, T = R / 2, the
// indices uniform in [0, T) and the same for one seed; the size check sees
// R and T before the indices are drawn, and its refusal is the answer.
TEST(Gathered, SeededDefaults) {
  ref::GatheredInputs a, b;
  int64_t seenR = -1, seenT = -1;
  auto check = [&](int64_t r, int64_t t) {
    seenR = r, seenT = t;
    return std::string();
  };
  ASSERT_EQ(ref::chooseGathered({3, 3, 10}, 64, {}, 7, "", a, check), "");
  EXPECT_EQ(seenR, 13);
  EXPECT_EQ(seenT, 6);
  EXPECT_EQ(a.tokenRows, 6);
  ASSERT_EQ(a.indices.size(), 13u);
  for (int32_t index : a.indices)
    EXPECT_TRUE(index >= 0 && index < 6);
  EXPECT_EQ(a.read.rows.flags, 0);
  ASSERT_EQ(ref::chooseGathered({3, 3, 10}, 64, {}, 7, "", b), "");
  EXPECT_EQ(a.indices, b.indices);

  // Given R and T; T = 0 gives no row to read, and the indices all 0.
  ref::GatheredChoice choice;
  choice.routedRows = 4;
  choice.tokenRows = 0;
  ASSERT_EQ(ref::chooseGathered({0, 0}, 64, choice, 7, "", a), "");
  EXPECT_EQ(a.indices, (std::vector<int32_t>{0, 0, 0, 0}));
  EXPECT_EQ(a.read.rows.flags, 0);

  auto refuse = [](int64_t, int64_t) { return std::string("too large"); };
  EXPECT_EQ(ref::chooseGathered({3}, 64, {}, 7, "", a, refuse), "too large");
  EXPECT_EQ(ref::chooseGathered({0, 2147483647}, 64, {}, 7, "", a),
            "the groups end at row 2147483647; with 3 spare rows, C would "
            "pass 2^31 - 1 routed rows");
}

// Given indices fix R; bad ones are read as the kernels read them.
TEST(Gathered, GivenIndices) {
  ref::GatheredChoice choice;
  choice.tokenRows = 4;
  choice.indices = {3, 0, 3, 1, 2, -9, 99};
  ref::GatheredInputs g;
  ASSERT_EQ(ref::chooseGathered({1, 1, 3, 5}, 64, choice, 1, "", g), "");
  EXPECT_EQ(g.indices, (std::vector<int32_t>{3, 0, 3, 1, 2, -9, 99}));
  EXPECT_EQ(g.read.rows.flags, 0); // the bad ones are owned by nobody
  EXPECT_EQ(ref::describeGathered(g),
            "gathered: 4 token rows, row_indices = [3, 0, 3, 1, 2, -9, 99] "
            "(7 routed rows); 0 token rows no group reads");
  choice.indices = {4, 0};
  ASSERT_EQ(ref::chooseGathered({2}, 64, choice, 1, "", g), "");
  EXPECT_EQ(g.read.rows.flags, ref::kFlagRowIndexClamped);
  choice.indices = {int64_t(1) << 31};
  EXPECT_EQ(ref::chooseGathered({1}, 64, choice, 1, "", g),
            "row index 2147483648 does not fit int32");
}

// The problem (generated), its files, and the same problem read back:
// token matrix, indices, B, alpha; each group's A the token rows it reads.
TEST(Gathered, FilesRoundTrip) {
  std::string dir = ::testing::TempDir() + "/ggemm-gathered-npy";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const int64_t k = 64;
  std::vector<int32_t> offsets = {2, 2, 5};
  ref::GatheredInputs g;
  ASSERT_EQ(ref::chooseGathered(offsets, k, {}, 3, "", g), "");
  std::vector<ref::Shape> shapes;
  for (const ref::OwnedRows &rows : g.read.rows.groups)
    shapes.push_back({rows.rows, 16, k});
  ref::Problem problem;
  ASSERT_EQ(ref::gatheredProblem(shapes, true, 3, 7, "", g, problem), "");
  ASSERT_EQ(g.tokenA.size(), size_t(g.tokenRows * k / 2));
  for (size_t i = 0; i < shapes.size(); ++i)
    ASSERT_EQ(problem.groups[i].m, shapes[i].m);

  ASSERT_EQ(ref::writeProblemNpy(dir, problem), "");
  ASSERT_EQ(ref::writeGroupRowsNpy(dir, ref::RowLayout::Gathered, offsets),
            "");
  ASSERT_EQ(ref::writeGatheredNpy(dir, g, k), "");
  ref::GatheredInputs loaded;
  ASSERT_EQ(ref::chooseGathered(offsets, k, {}, 99, dir, loaded), "");
  EXPECT_EQ(loaded.tokenRows, g.tokenRows);
  EXPECT_EQ(loaded.indices, g.indices);
  EXPECT_EQ(loaded.tokenA, g.tokenA);
  EXPECT_EQ(loaded.tokenSfa, g.tokenSfa);
  ref::Problem again;
  ASSERT_EQ(ref::gatheredProblem(shapes, true, 99, 1, dir, loaded, again), "");
  for (size_t i = 0; i < shapes.size(); ++i) {
    EXPECT_EQ(again.groups[i].a, problem.groups[i].a);
    EXPECT_EQ(again.groups[i].sfa, problem.groups[i].sfa);
    EXPECT_EQ(again.groups[i].b, problem.groups[i].b);
    EXPECT_EQ(again.groups[i].sfb, problem.groups[i].sfb);
    EXPECT_EQ(again.groups[i].alpha, problem.groups[i].alpha);
  }

  // --token-rows must agree with the file; a scale byte with bit 7 set is
  // named.
  ref::GatheredChoice choice;
  choice.tokenRows = g.tokenRows + 1;
  EXPECT_EQ(ref::chooseGathered(offsets, k, choice, 1, dir, loaded),
            "--token-rows " + std::to_string(g.tokenRows + 1) + ": " + dir +
                "/token_a.npy has " + std::to_string(g.tokenRows) +
                " token rows");
  ref::GatheredInputs bad = g;
  bad.tokenSfa[5] = 0x80;
  ASSERT_EQ(ref::writeGatheredNpy(dir, bad, k), "");
  EXPECT_EQ(ref::chooseGathered(offsets, k, {}, 1, dir, loaded),
            dir + "/token_sfa.npy: scale byte 0x80 at index (1, 1) has bit 7 "
                  "set; scale factors are unsigned E4M3 (UE4M3)");
  std::filesystem::remove(dir + "/row_indices.npy");
  EXPECT_NE(ref::chooseGathered(offsets, k, {}, 1, dir, loaded).find(
                "row_indices.npy"),
            std::string::npos);
}

} // namespace
