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

} // namespace ggemm::ref

#endif // GGEMM_REFERENCE_NPY_H
