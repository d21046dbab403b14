//===- Gathered.h - the inputs of rows<gathered> problems -------*- C++ -*-===//
//
// A rows<gathered> problem reads A and SFA through row indices: T token
// rows, R routed rows (the rows of C, in group order) split into groups by
// offsets as rows<offsets> splits the rows of A, routed row r reading
// token row row_indices[r] (docs/kernel-abi.md). Here, shared by gemm-run
// and ggemm-cpu-run so that one seed or one --save folder names one
// problem in both: choosing T, R and the indices (given, from .npy files,
// or seeded), the token matrix (seeded or from .npy) with filler in the
// rows nobody reads, the rows<offsets> problem of the gathered rows that
// the reference computes, and the files that hold it.
// Plain C++ (no MLIR): gemm-run builds it where no LLVM exists.
//
//===----------------------------------------------------------------------===//

#ifndef GGEMM_REFERENCE_GATHERED_H
#define GGEMM_REFERENCE_GATHERED_H

#include "ggemm/Reference/Problem.h"
#include "ggemm/Reference/Rows.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace ggemm::ref {

/// How a tool's options choose a gathered problem (--token-rows,
/// --row-indices); -1 / empty: from the --load folder, else seeded.
struct GatheredChoice {
  int64_t tokenRows = -1;  ///< T
  int64_t routedRows = -1; ///< R, when no indices are given or loaded
  std::vector<int64_t> indices;
};

/// A gathered problem's token matrix and row indices, as a kernel reads
/// them.
struct GatheredInputs {
  int64_t tokenRows = 0;        ///< T, the rows of A and SFA
  std::vector<int32_t> indices; ///< R of them, bad ones too
  /// T x K/2 and T x K/16 bytes: generated ones hold filler (NaN scales)
  /// in the token rows no owned routed row reads; loaded ones are kept as
  /// read.
  std::vector<uint8_t> tokenA, tokenSfa;
  GatheredRows read; ///< the offsets and indices as the kernels read them
};

/// Called by chooseGathered once R and T are known, before anything sized
/// by them is generated: returns an error message (a problem too large for
/// the host, a T the kernel was not compiled for) or "".
using GatheredSizeCheck =
    std::function<std::string(int64_t routedRows, int64_t tokenRows)>;

/// Chooses R, T and the row indices of the gathered problem with
/// `offsets` (one per group) and K = `k`: the indices `choice` gives, else
/// with `loadDir` DIR/row_indices.npy (int32 of shape (R,)), else R =
/// choice.routedRows or where the offsets end plus 3 spare routed rows
/// (which no group owns) and indices seeded uniform in [0, T) from `seed`;
/// T = choice.tokenRows, or with `loadDir` the rows of DIR/token_a.npy
/// (which it must equal when given), else max(1, R / 2) so that tokens
/// repeat as top-k routing makes them. With `loadDir` the token matrix
/// (token_a.npy, token_sfa.npy: uint8, T x K/2 and T x K/16) is read too.
/// Reads the arrays as the kernels do (readGatheredRows) into `out.read`.
/// Returns an error message or "".
std::string chooseGathered(const std::vector<int32_t> &offsets, int64_t k,
                           const GatheredChoice &choice, uint64_t seed,
                           const std::string &loadDir, GatheredInputs &out,
                           const GatheredSizeCheck &check = nullptr);

/// The rows<offsets> problem the gathered one computes, for `shapes` (M =
/// each group's owned routed rows, chooseGathered's): B, SFB and (with
/// `withAlpha`) alpha generated from `seed`, or read from DIR/b<g>.npy,
/// sfb<g>.npy, alpha.npy with `loadDir`; a generated token matrix (the
/// stream of seed ^ 0x70CE5EED) with the rows nobody reads filled from
/// `fillerSeed`; each group's A and SFA the token rows its routed rows
/// read (gatherProblem). Returns an error message or "".
std::string gatheredProblem(const std::vector<Shape> &shapes, bool withAlpha,
                            uint64_t seed, uint64_t fillerSeed,
                            const std::string &loadDir, GatheredInputs &inputs,
                            Problem &problem);

/// Reads DIR/row_indices.npy: int32 of shape (R,). Returns an error
/// message or "".
std::string readRowIndicesNpy(const std::string &dir,
                              std::vector<int32_t> &out);

/// Writes DIR/token_a.npy, token_sfa.npy (uint8) and row_indices.npy
/// (int32), what chooseGathered reads beside group_offsets.npy (which
/// writeGroupRowsNpy writes). DIR must exist. Returns an error message or
/// "".
std::string writeGatheredNpy(const std::string &dir,
                             const GatheredInputs &inputs, int64_t k);

/// "gathered: T token rows, row_indices = [i, j, ...] (R routed rows); U
/// token rows no group reads" (the first 16 indices), without a newline.
std::string describeGathered(const GatheredInputs &inputs);

} // namespace ggemm::ref

#endif // GGEMM_REFERENCE_GATHERED_H
