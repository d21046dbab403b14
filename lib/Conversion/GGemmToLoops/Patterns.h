//===- Patterns.h - GGemmToLoops internals (private) ------------*- C++ -*-===//
//
// Helpers and pattern sets shared by the files of this conversion.
//
//===----------------------------------------------------------------------===//

#ifndef GGEMM_LIB_CONVERSION_GGEMMTOLOOPS_PATTERNS_H
#define GGEMM_LIB_CONVERSION_GGEMMTOLOOPS_PATTERNS_H

#include "ggemm/Conversion/GGemmToLoops.h"
#include "ggemm/Conversion/TileSpaceToArith.h"

namespace mlir::ggemm {

/// cf.assert that rows up to `end` exist in A (rows<contiguous>).
void assertRowsFit(OpBuilder &b, Location loc, Value end, Value a);

/// Patterns for num_tiles, tile_coords, mma_tile and reduce_tile.
void populatePersistentToLoopsPatterns(
    const NVFP4StorageTypeConverter &converter, RewritePatternSet &patterns);

} // namespace mlir::ggemm

#endif // GGEMM_LIB_CONVERSION_GGEMMTOLOOPS_PATTERNS_H
