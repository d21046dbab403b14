//===- NpyTest.cpp - the .npy reader on hostile files ---------------------===//
//
// readNpy and readProblemNpy read files from outside: every malformed,
// negative, fractional, huge or inconsistent header must come back as a
// message naming the file and the problem, never as an abort, an
// exception or an allocation sized by the header.
//
//===----------------------------------------------------------------------===//

#include "ggemm/Reference/Npy.h"
#include "ggemm/Reference/Problem.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

using namespace ggemm::ref;

namespace {

std::string tempPath(const std::string &name) {
  return ::testing::TempDir() + "/ggemm_npytest_" + name;
}

void writeBytes(const std::string &path, const std::string &bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), std::streamsize(bytes.size()));
}

/// A v1.0 file with the header dict `dict` (padded as numpy pads it) and
/// `dataBytes` zero bytes of data.
std::string npyV1(const std::string &dict, size_t dataBytes) {
  std::string header = dict;
  header.append((64 - (10 + header.size() + 1) % 64) % 64, ' ');
  header += '\n';
  std::string file = "\x93NUMPY\x01";
  file += '\0';
  file += char(header.size() & 0xFF);
  file += char(header.size() >> 8);
  return file + header + std::string(dataBytes, '\0');
}

std::string dictFor(const std::string &shape,
                    const std::string &descr = "'|u1'") {
  return "{'descr': " + descr + ", 'fortran_order': False, 'shape': " + shape +
         ", }";
}

/// readNpy's message for a file holding `bytes`; "" if it was accepted.
std::string readError(const std::string &name, const std::string &bytes,
                      NpyArray *array = nullptr) {
  std::string path = tempPath(name);
  writeBytes(path, bytes);
  NpyArray local;
  std::string err = readNpy(path, array ? *array : local);
  // Every refusal names the file.
  if (!err.empty()) {
    EXPECT_NE(err.find(path), std::string::npos) << err;
  }
  return err;
}

#define EXPECT_CONTAINS(text, part)                                            \
  EXPECT_NE(std::string(text).find(part), std::string::npos)                   \
      << "'" << (text) << "' lacks '" << (part) << "'"

} // namespace

TEST(NpyReader, ShapeDimensionsMustBeNonNegativeIntegers) {
  EXPECT_CONTAINS(readError("neg", npyV1(dictFor("(-1, 4)"), 0)),
                  "shape dimension '-1' is negative");
  // Once read as (1, 128): a fraction is not a size.
  EXPECT_CONTAINS(readError("frac", npyV1(dictFor("(1.9, 128.7)"), 128)),
                  "shape dimension '1.9' is not a non-negative integer");
  EXPECT_CONTAINS(readError("word", npyV1(dictFor("(abc,)"), 0)),
                  "shape dimension 'abc' is not a non-negative integer");
  EXPECT_CONTAINS(readError("plus", npyV1(dictFor("(+3,)"), 3)),
                  "shape dimension '+3' is not a non-negative integer");
  EXPECT_CONTAINS(readError("hex", npyV1(dictFor("(0x10,)"), 16)),
                  "not a non-negative integer");
  EXPECT_CONTAINS(
      readError("big", npyV1(dictFor("(99999999999999999999, 1)"), 0)),
      "shape dimension '99999999999999999999' does not fit in 64 bits");
  EXPECT_CONTAINS(readError("empty-dim", npyV1(dictFor("(3,, 4)"), 0)),
                  "a shape dimension expected");
  EXPECT_CONTAINS(readError("list", npyV1(dictFor("[3, 4]"), 12)),
                  "'shape' must be a tuple");
}

TEST(NpyReader, SizesAreCheckedAgainstOverflowAndTheFile) {
  // 2^32 x 2^32 bytes: the product overflows int64.
  EXPECT_CONTAINS(
      readError("overflow", npyV1(dictFor("(4294967296, 4294967296)"), 0)),
      "has more bytes than 64 bits count");
  // 3 x 2^62 elements of 4 bytes: the byte count overflows, not the count.
  EXPECT_CONTAINS(
      readError("overflow-bytes",
                npyV1(dictFor("(4611686018427387904,)", "'<f4'"), 0)),
      "has more bytes than 64 bits count");
  // A terabyte promised, 8 bytes present: refused before any allocation.
  EXPECT_CONTAINS(readError("huge", npyV1(dictFor("(1000000, 1000000)"), 8)),
                  "shape (1000000, 1000000) of |u1 needs 1000000000000 data "
                  "bytes; the file has 8");
  EXPECT_CONTAINS(readError("short", npyV1(dictFor("(3, 5)", "'<f2'"), 29)),
                  "needs 30 data bytes; the file has 29");
  EXPECT_CONTAINS(readError("long", npyV1(dictFor("(3, 5)", "'<f2'"), 31)),
                  "needs 30 data bytes; the file has 31");
  // A zero dimension empties the array whatever the others say.
  NpyArray array;
  EXPECT_EQ(readError("zero", npyV1(dictFor("(0, 99999999999)"), 0), &array),
            "");
  EXPECT_EQ(array.numElements(), 0);
  EXPECT_TRUE(array.data.empty());
  // A scalar has one element.
  EXPECT_EQ(readError("scalar", npyV1(dictFor("()", "'<f4'"), 4), &array), "");
  EXPECT_EQ(array.numElements(), 1);
}

TEST(NpyReader, PrefixAndHeaderLength) {
  EXPECT_CONTAINS(readError("nothing", ""), "not a .npy file");
  EXPECT_CONTAINS(readError("magic", "\x93NUMPX\x01" + std::string(40, ' ')),
                  "not a .npy file");
  EXPECT_CONTAINS(
      readError("version", npyV1(dictFor("(1,)"), 1).replace(6, 1, "\x07")),
      ".npy version 7.0 is not 1.0, 2.0 or 3.0");
  // v1.0: a 2-byte length past the end of the file.
  std::string file = npyV1(dictFor("(1,)"), 1);
  file[8] = char(0xFF), file[9] = char(0xFF);
  EXPECT_CONTAINS(readError("v1-length", file),
                  "the header length 65535 runs past the end of the file");
  // v2.0: a 4-byte length of 4 GiB - 1 in a tiny file.
  std::string v2 = "\x93NUMPY\x02";
  v2 += '\0';
  v2 += "\xFF\xFF\xFF\xFF{}";
  EXPECT_CONTAINS(readError("v2-length", v2),
                  "the header length 4294967295 runs past the end");
  // v2.0 with a well-formed header is read.
  std::string dict = dictFor("(2,)");
  std::string good = "\x93NUMPY\x02";
  good += '\0';
  good += char(dict.size() + 1);
  good += std::string(3, '\0') + dict + "\n" + "ab";
  NpyArray array;
  EXPECT_EQ(readError("v2-good", good, &array), "");
  EXPECT_EQ(array.data, (std::vector<uint8_t>{'a', 'b'}));
}

TEST(NpyReader, HeaderDict) {
  EXPECT_CONTAINS(readError("no-dict", npyV1("('descr', '|u1')", 0)),
                  "the header is not a dict");
  EXPECT_CONTAINS(
      readError("no-shape",
                npyV1("{'descr': '|u1', 'fortran_order': False}", 0)),
      "the header lacks 'shape'");
  EXPECT_CONTAINS(
      readError("twice", npyV1("{'descr': '|u1', 'descr': '|u1', "
                               "'fortran_order': False, 'shape': (1,)}",
                               1)),
      "key 'descr' given twice");
  EXPECT_CONTAINS(
      readError("extra", npyV1("{'descr': '|u1', 'fortran_order': False, "
                               "'shape': (1,), 'x\x01': 1}",
                               1)),
      "unexpected key 'x?'");
  EXPECT_CONTAINS(readError("unterminated-key", npyV1("{'descr", 0)),
                  "a quoted key expected");
  EXPECT_CONTAINS(readError("unterminated", npyV1("{'descr': '|u1", 0)),
                  "'descr' must be a quoted dtype string");
  EXPECT_CONTAINS(readError("order", npyV1("{'descr': '|u1', 'fortran_order':"
                                           " 0, 'shape': (1,)}",
                                           1)),
                  "'fortran_order' must be True or False");
  EXPECT_CONTAINS(
      readError("fortran", npyV1("{'descr': '|u1', 'fortran_order': True, "
                                 "'shape': (1, 1)}",
                                 1)),
      "Fortran order is not supported");
  EXPECT_CONTAINS(readError("f8", npyV1(dictFor("(1,)", "'<f8'"), 8)),
                  "unsupported dtype '<f8'");
  EXPECT_CONTAINS(
      readError("structured", npyV1(dictFor("(1,)", "[('a', '<f4')]"), 4)),
      "'descr' must be a quoted dtype string");
  EXPECT_CONTAINS(readError("after", npyV1(dictFor("(1,)") + " x", 1)),
                  "text after the header dict");
  // Double quotes, no trailing comma: still numpy's format.
  NpyArray array;
  EXPECT_EQ(readError("quotes",
                      npyV1("{\"descr\": \"<f2\", \"fortran_order\": False, "
                            "\"shape\": (2, 1)}",
                            4),
                      &array),
            "");
  EXPECT_EQ(array.shape, (std::vector<int64_t>{2, 1}));
}

TEST(NpyReader, NotAFile) {
  std::string dir = tempPath("a-folder.npy");
  std::filesystem::create_directories(dir);
  NpyArray array;
  EXPECT_CONTAINS(readNpy(dir, array), dir + ": not a regular file");
  EXPECT_CONTAINS(readNpy(tempPath("absent.npy"), array), "cannot open");
}

TEST(NpyReader, ProblemFilesOfTheWrongShape) {
  std::vector<Shape> shapes = {{4, 8, 64}};
  Problem p = generateProblem(shapes, 5, true);
  std::string dir = tempPath("problem");
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  ASSERT_EQ(writeProblemNpy(dir, p), "");
  Problem in;
  ASSERT_EQ(readProblemNpy(dir, shapes, true, in), "");

  // B with a fractional row count: refused by the header parser.
  writeBytes(dir + "/b0.npy", npyV1(dictFor("(8.5, 32)"), 8 * 32));
  EXPECT_CONTAINS(
      readProblemNpy(dir, shapes, true, in),
      "b0.npy: shape dimension '8.5' is not a non-negative integer");
  // B of 7 rows where the problem has N = 8.
  writeBytes(dir + "/b0.npy", npyV1(dictFor("(7, 32)"), 7 * 32));
  EXPECT_CONTAINS(readProblemNpy(dir, shapes, true, in),
                  "b0.npy: expected uint8 of shape (8, 32), found |u1 of "
                  "shape (7, 32)");
  ASSERT_EQ(writeProblemNpy(dir, p), "");
  // Contiguous M from the files: a 3-D A names "M" in the message.
  std::vector<Shape> fromFiles = {{-1, 8, 64}};
  writeBytes(dir + "/a0.npy", npyV1(dictFor("(4, 32, 1)"), 128));
  EXPECT_CONTAINS(readProblemNpy(dir, fromFiles, true, in),
                  "a0.npy: expected uint8 of shape (M, 32), found |u1 of shape "
                  "(4, 32, 1)");
  ASSERT_EQ(writeProblemNpy(dir, p), "");
  fromFiles = {{-1, 8, 64}};
  ASSERT_EQ(readProblemNpy(dir, fromFiles, true, in), "");
  EXPECT_EQ(fromFiles[0].m, 4);
  // alpha must be one float32 per group, shaped (G,).
  writeBytes(dir + "/alpha.npy", npyV1(dictFor("(1, 1)", "'<f4'"), 4));
  EXPECT_CONTAINS(readProblemNpy(dir, shapes, true, in),
                  "alpha.npy: expected float32 of shape (1,), one value per "
                  "group; found <f4 of shape (1, 1)");
  // A shape no problem has is refused before any file is opened.
  std::vector<Shape> bad = {{4, 8, 24}};
  EXPECT_CONTAINS(readProblemNpy(dir, bad, false, in),
                  "group 0: no problem has M = 4, N = 8, K = 24");
}
