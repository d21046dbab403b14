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

/// cf.assert that rows up to `end` exist in A (the forms with one A
/// buffer; in rows<gathered> in C, whose rows are the routed rows), naming
/// the array of layout `rows`.
void assertRowsFit(OpBuilder &b, Location loc, Value end,
                   const BlockOperands &ops, RowsKind rows);

/// cf.assert that no group's rows were clamped (`bad`, an i1 from
/// emitGroupRows or num_tiles) in rows<offsets> or rows<masked>.
void assertRowsInRange(OpBuilder &b, Location loc, RowsKind rows, Value bad);

/// The run-time row layout of an op with the grouped operands (not
/// rows<list>), over its converted group-rows operand `array`.
RowLayout getRowLayout(GroupedOperands problem, Value array);

/// A masked operand (G x max_m x ...) as the 2-D G * max_m x ... buffer
/// the loops index by global row; other operands unchanged.
Value flattenGroups(OpBuilder &b, Location loc, Value operand);

/// Patterns for num_tiles, tile_coords, mma_tile and reduce_tile.
void populatePersistentToLoopsPatterns(
    const NVFP4StorageTypeConverter &converter, RewritePatternSet &patterns);

} // namespace mlir::ggemm

#endif // GGEMM_LIB_CONVERSION_GGEMMTOLOOPS_PATTERNS_H
