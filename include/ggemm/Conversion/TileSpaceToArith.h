//===- TileSpaceToArith.h - the scheduler as index arithmetic ---*- C++ -*-===//
//
// Lowering of the tile-space ops (ggemm.num_tiles, ggemm.tile_coords) that
// the CPU and GPU lowerings share.
//
//===----------------------------------------------------------------------===//

#ifndef GGEMM_CONVERSION_TILESPACETOARITH_H
#define GGEMM_CONVERSION_TILESPACETOARITH_H

#include "mlir/Transforms/DialectConversion.h"

namespace mlir::ggemm {

/// group_sizes[group] as an index, after a cf.assert that it is >= 0.
Value loadGroupSize(OpBuilder &b, Location loc, Value sizes, Value group);

/// Patterns lowering ggemm.num_tiles and ggemm.tile_coords (the scheduler)
/// to index arithmetic.
void populateTileSpaceToArithPatterns(const TypeConverter &converter,
                                      RewritePatternSet &patterns);

} // namespace mlir::ggemm

#endif // GGEMM_CONVERSION_TILESPACETOARITH_H
