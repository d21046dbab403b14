//===- TileSpaceToArith.h - the scheduler as index arithmetic ---*- C++ -*-===//
//
// Lowering of the tile-space ops (ggemm.num_tiles, ggemm.tile_coords) and
// the K range of a split, which the CPU and GPU lowerings share.
//
//===----------------------------------------------------------------------===//

#ifndef GGEMM_CONVERSION_TILESPACETOARITH_H
#define GGEMM_CONVERSION_TILESPACETOARITH_H

#include "GGemm/GGemmOps.h"

#include "mlir/Transforms/DialectConversion.h"

#include <functional>

namespace mlir::ggemm {

/// How a run-time row layout gives each group's rows: the layout
/// (contiguous, offsets or masked), its device array (sizes, cumulative end
/// offsets or counts, memref<G x i32>) and, for rows<masked>, the rows each
/// group has room for.
struct RowLayout {
  RowsKind kind;
  Value array;
  int64_t maxRows = 0;
};

/// Group `g`'s rows of a run-time row layout, given `end`, the running end
/// of the groups before it (0 for group 0):
/// - contiguous: rows = max(sizes[g], 0), base = end: a negative size
///   gives an empty group;
/// - offsets: rows = max(offs[g] - end, 0), base = end: an offset below the
///   previous end (out of order) gives an empty group;
/// - masked: rows = clamp(counts[g], 0, maxRows), base = g * maxRows.
/// `bad` (i1) says that the entry was clamped. The next group's `end` is
/// base + rows.
struct GroupRowsValues {
  Value rows, base, bad;
};
GroupRowsValues emitGroupRows(OpBuilder &b, Location loc,
                              const RowLayout &layout, Value g, Value end);

/// K tiles [first, first + count) of a split, as index values.
struct KRangeValues {
  Value first, count;
};
/// The K tiles of split `split` of `kTiles` K tiles cut into `splitK`
/// splits, in IR: q = ceil(kTiles / splitK), first = min(split * q, kTiles),
/// count = min(kTiles, first + q) - first. The same formula as splitKRange
/// (ggemm/Transforms/Schedule.h), for a `kTiles` known at run time or a
/// constant one.
KRangeValues emitSplitKRange(OpBuilder &b, Location loc, Value kTiles,
                             int64_t splitK, Value split);

/// Groups up to which per-group constants are picked by a chain of selects
/// on the group index. Beyond it they come from a constant table in memory
/// (and tile_coords finds the group by a binary search over it): a chain is
/// O(G) IR at every use, and canonicalizing many such chains grew faster
/// than G (a 1024-group kernel took minutes), while for a few groups the
/// chain, all in registers, costs less at run time than the table's loads.
constexpr size_t kMaxSelectChainGroups = 16;

/// A `memref<N x index>` holding `values`: a private constant memref.global
/// in the symbol table around `anchor` (the gpu.module of a kernel, the
/// module of a CPU function), shared by every use with the same values,
/// and its memref.get_global at `b`'s insertion point.
Value getConstantIndexTable(OpBuilder &b, Location loc, Operation *anchor,
                            StringRef namePrefix, ArrayRef<int64_t> values);

/// What a lowering does where num_tiles finds that it clamped the group
/// rows of a run-time layout (a negative size, an offset below the previous
/// end, a count outside [0, max_rows]): `anyBad` is an i1 computed at `b`'s
/// insertion point, inside the function of `numTiles`. The CPU lowering
/// asserts; the GPU kernels raise a flag in their status word.
using BadRowsHandler = std::function<void(OpBuilder &b, Location loc,
                                          Operation *numTiles, Value anyBad)>;

/// Patterns lowering ggemm.num_tiles and ggemm.tile_coords (the scheduler)
/// to index arithmetic.
void populateTileSpaceToArithPatterns(const TypeConverter &converter,
                                      RewritePatternSet &patterns,
                                      BadRowsHandler onBadRows);

/// Rewrites the tile_coords ops of many groups with run-time sizes that sit
/// in a loop over increasing work items (the GPU kernels' persistent loops)
/// into a forward walk from a cursor the loop carries: O(G + tiles) work per
/// loop instead of O(G) per tile. Other tile_coords ops are left to the
/// patterns above.
void useTileSpaceCursors(Operation *root);

} // namespace mlir::ggemm

#endif // GGEMM_CONVERSION_TILESPACETOARITH_H
