//===- TileSpaceToArith.h - the scheduler as index arithmetic ---*- C++ -*-===//
//
// Lowering of the tile-space ops (ggemm.num_tiles, ggemm.tile_coords) and
// the K range of a split, which the CPU and GPU lowerings share.
//
//===----------------------------------------------------------------------===//

#ifndef GGEMM_CONVERSION_TILESPACETOARITH_H
#define GGEMM_CONVERSION_TILESPACETOARITH_H

#include "mlir/Transforms/DialectConversion.h"

namespace mlir::ggemm {

/// group_sizes[group] as an index, after a cf.assert that it is >= 0.
Value loadGroupSize(OpBuilder &b, Location loc, Value sizes, Value group);

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

/// Patterns lowering ggemm.num_tiles and ggemm.tile_coords (the scheduler)
/// to index arithmetic.
void populateTileSpaceToArithPatterns(const TypeConverter &converter,
                                      RewritePatternSet &patterns);

/// Rewrites the tile_coords ops of many groups with run-time sizes that sit
/// in a loop over increasing work items (the GPU kernels' persistent loops)
/// into a forward walk from a cursor the loop carries: O(G + tiles) work per
/// loop instead of O(G) per tile. Other tile_coords ops are left to the
/// patterns above.
void useTileSpaceCursors(Operation *root);

} // namespace mlir::ggemm

#endif // GGEMM_CONVERSION_TILESPACETOARITH_H
