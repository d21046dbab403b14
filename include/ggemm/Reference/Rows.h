//===- Rows.h - the rows each group owns in one A / C buffer ----*- C++ -*-===//
//
// rows<contiguous>, rows<offsets> and rows<masked> keep every group's rows
// in one A / SFA / C buffer and say at run time, in an int32 array (the
// kernel ABI's parameter 3), which rows each group owns. rows<gathered>
// reads its offsets over the routed rows (the rows of C) and takes each
// routed row's A and SFA from the token row a second array names. This is
// the host's reading of those arrays, written from the op's definition
// (dialects/GGemm/GGemm.md, docs/kernel-abi.md) and not from the compiler:
// the rows a reference computes and a check compares, the rows no group
// owns (which must keep their poison), and the error flags a kernel must
// raise. Bad arrays are read the way the kernels clamp them, so that a
// test can check a kernel on them too.
// Plain C++ (no MLIR): gemm-run builds it where no LLVM exists.
//
//===----------------------------------------------------------------------===//

#ifndef GGEMM_REFERENCE_ROWS_H
#define GGEMM_REFERENCE_ROWS_H

#include "ggemm/Reference/Problem.h"

#include <cstdint>
#include <string>
#include <vector>

namespace ggemm::ref {

/// The layouts with one A / SFA / C buffer and a run-time row array.
enum class RowLayout {
  Contiguous, ///< the array holds each group's size; rows back to back
  Offsets,    ///< cumulative end rows (torch._grouped_mm's `offs`)
  Masked,     ///< A is G x max_m rows; the array holds each group's count
  /// As Offsets over the R routed rows (the rows of C); routed row r
  /// reads token row row_indices[r] of the T x K A (and SFA).
  Gathered,
};

/// "contiguous", "offsets", "masked", "gathered": the op's rows<...> and
/// the manifest's "rows".
const char *rowLayoutName(RowLayout layout);

/// The array's keyword in the op's syntax, also the stem of its .npy file:
/// "group_sizes", "group_offsets" (offsets and gathered), "group_counts".
const char *groupRowsArrayName(RowLayout layout);

/// Bits of a kernel's error flags (status[1], docs/kernel-abi.md): the
/// array passed the rows of A (contiguous, offsets) ...
constexpr int32_t kFlagRowsPastA = 1;
/// ... or held a negative size, an offset below the end of the groups
/// before it (a negative one included) or a count outside [0, max_m].
constexpr int32_t kFlagRowsClamped = 2;
/// ... or (gathered) a routed row of a group read a row index outside
/// [0, T): it reads token row 0 or T - 1 instead.
constexpr int32_t kFlagRowIndexClamped = 4;

/// Rows [begin, begin + rows) of the one buffer.
struct OwnedRows {
  int64_t begin = 0, rows = 0;
};

/// What an array says, read as the kernels read it.
struct GroupRows {
  std::vector<OwnedRows> groups;
  /// kFlagRowsPastA | kFlagRowsClamped: what a kernel raises for it (the
  /// CPU lowering stops on a cf.assert instead).
  int32_t flags = 0;
  /// Where the last group ends before the clamp to the buffer's rows
  /// (contiguous, offsets; >= 0), or G x max_m (masked): the rows a buffer
  /// needs to hold every group without clamping.
  int64_t end = 0;
};

/// Reads `array` (one entry per group) for a buffer of `bufferRows` rows
/// (< 0: as many as the array asks; nothing is clamped to them) with, in
/// masked, `maxRows` rows of room per group:
/// - contiguous: group g owns [e_{g-1}, e_g), e_g = e_{g-1} + size_g,
///   e_{-1} = 0; a negative size gives an empty group and kFlagRowsClamped;
/// - offsets: e_g = max(e_{g-1}, offs_g): an offset below the previous end
///   (out of order, or negative) gives an empty group and
///   kFlagRowsClamped;
/// - contiguous and offsets: rows past `bufferRows` are cut off, and a
///   group that loses rows so raises kFlagRowsPastA;
/// - masked: group g owns [g max_m, g max_m + clamp(count_g, 0, max_m));
///   a count outside [0, max_m] raises kFlagRowsClamped;
/// - gathered: as offsets, `bufferRows` being the routed rows R.
GroupRows readGroupRows(RowLayout layout, const std::vector<int32_t> &array,
                        int64_t bufferRows, int64_t maxRows);

/// The array of a well-formed problem whose groups have `rows` rows: the
/// sizes (contiguous), their running sums (offsets) or the counts
/// (masked). Refuses a negative row count and offsets past 2^31 - 1;
/// returns an error message or "".
std::string groupRowsArray(RowLayout layout, const std::vector<int64_t> &rows,
                           std::vector<int32_t> &out);

/// Clamps `index` into [0, tokenRows) as a gathered kernel does: below 0
/// reads row 0, T or more row T - 1 (row 0 when T = 0, where no row
/// exists). Returns kFlagRowIndexClamped when `index` was outside
/// [0, T), else 0.
int32_t clampRowIndex(int64_t index, int64_t tokenRows, int64_t &row);

/// clampRowIndex over every entry of `indices` (`rows` gets the token rows
/// read; all 0 when tokenRows <= 0): the flag if any entry was clamped.
int32_t clampRowIndices(const std::vector<int32_t> &indices,
                        int64_t tokenRows, std::vector<int64_t> &rows);

/// What rows<gathered>'s two arrays say, read as the kernels read them.
struct GatheredRows {
  /// The groups' routed rows (rows of C), `offsets` read as Offsets over
  /// the R = indices.size() routed rows; `flags` also holds
  /// kFlagRowIndexClamped when an owned routed row's index was clamped.
  GroupRows rows;
  /// Per routed row: the token row it reads (clamped), or -1 for a
  /// routed row no group owns (its index is never read, whatever it is).
  std::vector<int64_t> tokenOf;
};

/// Reads a gathered kernel's `offsets` (one per group) and `indices` (one
/// per routed row) for a token matrix of `tokenRows` rows: the groups as
/// readGroupRows(Offsets, offsets, R) gives them, each owned routed row's
/// index clamped into [0, T) (kFlagRowIndexClamped). With T = 0 there is
/// no row to read: every group is empty, and one that had routed rows
/// raises kFlagRowsPastA (its rows passed the rows of A).
GatheredRows readGatheredRows(const std::vector<int32_t> &offsets,
                              const std::vector<int32_t> &indices,
                              int64_t tokenRows);

/// The token rows no owned routed row reads, as a kernel must leave them:
/// true where `tokenOf` never names the row.
std::vector<bool> unreadTokenRows(const GatheredRows &gathered,
                                  int64_t tokenRows);

/// The problem a gathered one computes, the rows<offsets> problem of its
/// routed rows: each group of `problem` (B, SFB, alpha, N and K kept) gets
/// M = its owned routed rows and, as A and SFA, the token rows they read
/// from `tokenA` (T x K/2 bytes) and `tokenSfa` (T x K/16). Returns an
/// error message or "".
std::string gatherProblem(const std::vector<uint8_t> &tokenA,
                          const std::vector<uint8_t> &tokenSfa,
                          int64_t tokenRows, const GatheredRows &gathered,
                          Problem &problem);

/// Fills the token rows no owned routed row reads with seeded filler, as
/// layOutOneBuffer fills the rows of no group: uniform e2m1 bytes and NaN
/// scales (0x7F), so that a kernel reading a wrong token row poisons its
/// output.
void fillUnreadTokenRows(const GatheredRows &gathered, int64_t tokenRows,
                         int64_t k, uint64_t fillerSeed,
                         std::vector<uint8_t> &tokenA,
                         std::vector<uint8_t> &tokenSfa);

/// Seeded, skewed rows per group for rows<offsets> and rows<masked>: each
/// group is empty (1 in 4), one row (1 in 8), exactly `maxRows` (1 in 8)
/// or uniform in [0, maxRows]; with `hugeRows` > `maxRows`, one group
/// (drawn too) has uniform in (maxRows, hugeRows] instead: one large
/// group among small ones, as MoE routing makes. Drawn apart from the
/// data's stream (and from randomGroupSizes'): one seed names one problem
/// in gemm-run and ggemm-cpu-run.
std::vector<int64_t> skewedGroupRows(uint64_t seed, int64_t groups,
                                     int64_t maxRows, int64_t hugeRows = 0);

/// The one A and SFA buffer of a problem in a layout with one buffer:
/// `bufferRows` rows of K/2 and K/16 bytes, group g's rows of `problem`
/// (its M rows) at `owned[g].begin`. Rows no group owns hold zeros, or,
/// with `fillerSeed` != 0, seeded filler: uniform e2m1 bytes and NaN
/// scales (0x7F), which poison any output that reads them (as a group's
/// rows it must not read). Every group has the same K. Returns an error
/// message or "" (a group that does not fit the buffer).
struct OneBuffer {
  std::vector<uint8_t> a, sfa;
};
std::string layOutOneBuffer(const Problem &problem,
                            const std::vector<OwnedRows> &owned,
                            int64_t bufferRows, uint64_t fillerSeed,
                            OneBuffer &out);

} // namespace ggemm::ref

#endif // GGEMM_REFERENCE_ROWS_H
