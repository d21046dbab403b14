//===- Npy.h - reading and writing .npy files -------------------*- C++ -*-===//
//
// NumPy's .npy format (version 1.0, C order, little endian), so that PyTorch
// users can produce inputs and read results: `numpy.load` / `numpy.save`.
// Packed f4 data is stored as uint8 pairs, scales as uint8 bit patterns,
// f16 as float16.
//
//===----------------------------------------------------------------------===//

#ifndef GGEMM_REFERENCE_NPY_H
#define GGEMM_REFERENCE_NPY_H

#include "ggemm/Reference/Problem.h"
#include "ggemm/Reference/Rows.h"

#include <cstdint>
#include <string>
#include <vector>

namespace ggemm::ref {

struct NpyArray {
  std::string dtype;          // numpy descr: "|u1", "<f2", "<f4", "<i4"
  std::vector<int64_t> shape; // C order
  std::vector<uint8_t> data;  // raw little-endian bytes

  int64_t numElements() const;
  /// Bytes per element of `dtype`, or 0 if unsupported.
  static int64_t elementSize(const std::string &dtype);
};

/// Writes `array` to `path`; returns an error message or "".
std::string writeNpy(const std::string &path, const NpyArray &array);
/// Reads `path` into `array`; returns an error message or "".
std::string readNpy(const std::string &path, NpyArray &array);

/// "(3, 5)", "(7,)": an array shape as numpy prints it, for messages.
std::string shapeText(const std::vector<int64_t> &shape);

/// Reads `path` as uint8 of shape (rows, cols) into `out`: a packed e2m1
/// matrix or, with `scales`, a scale matrix, whose bytes must be UE4M3 (bit
/// 7 clear; the first that is not is named). `rows` < 0 takes the file's
/// rows (at most 2^31 - 1) and sets `rows`. Returns an error message or "".
std::string readBytesNpy(const std::string &path, int64_t &rows, int64_t cols,
                         bool scales, std::vector<uint8_t> &out);

/// Reads a problem's logical inputs: DIR/{a,b,sfa,sfb}<g>.npy (uint8,
/// row-major, A/B packed M x K/2, scales M x K/16) and, with `withAlpha`,
/// DIR/alpha.npy (float32, one per group). A shape with m = -1 takes its M
/// from a<g>.npy. Scale bytes must be UE4M3 (bit 7 clear): a file with one
/// that is not is refused, naming the file and the first such index.
/// Returns an error message or "".
std::string readProblemNpy(const std::string &dir, std::vector<Shape> &shapes,
                           bool withAlpha, Problem &out);

/// Writes what readProblemNpy reads: DIR/{a,b,sfa,sfb}<g>.npy and, when the
/// problem has alpha, DIR/alpha.npy. DIR must exist. Returns an error
/// message or "".
std::string writeProblemNpy(const std::string &dir, const Problem &problem);

/// DIR/group_offsets.npy (rows<offsets>) or DIR/group_counts.npy
/// (rows<masked>): int32 of shape (G,), the run-time row array as the
/// kernel reads it, bad entries included (Rows.h reads them). `found` is
/// false, and `array` empty, when the file does not exist: the array then
/// follows from the rows of the a<g>.npy files. rows<contiguous> has no
/// such file (its sizes are the files' rows). Returns an error message or
/// "".
std::string readGroupRowsNpy(const std::string &dir, RowLayout layout,
                             int64_t groups, std::vector<int32_t> &array,
                             bool &found);

/// Writes what readGroupRowsNpy reads. DIR must exist. Returns an error
/// message or "".
std::string writeGroupRowsNpy(const std::string &dir, RowLayout layout,
                              const std::vector<int32_t> &array);

} // namespace ggemm::ref

#endif // GGEMM_REFERENCE_NPY_H
