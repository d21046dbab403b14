//===- TMAPrefetch.h - ggemm.prefetch_tile to NVVM (private) ----*- C++ -*-===//
//
// The lowering of ggemm.prefetch_tile, shared by both chips' kernels.
//
//===----------------------------------------------------------------------===//

#ifndef GGEMM_LIB_CONVERSION_GGEMMTONVVM_TMAPREFETCH_H
#define GGEMM_LIB_CONVERSION_GGEMMTONVVM_TMAPREFETCH_H

#include "KernelCommon.h"

#include "mlir/IR/PatternMatch.h"

namespace mlir::ggemm {

/// Emits `op` at the builder's insertion point for the one thread that
/// issues TMA (the caller guards it): prefetch.tensormap of the next
/// group's maps when the group changes, then cp.async.bulk.prefetch.tensor
/// of the first K tiles of the tile's A and B. `g` are the facts of the
/// op's group, `params` the kernel's.
void emitTilePrefetch(OpBuilder &b, const KernelProblem &problem,
                      ValueRange params, PrefetchTileOp op,
                      const GroupFacts &g);

/// Where the kernel loads row-major scales with plain loads (sm_90a):
/// prefetch.global.L2 of the scale bytes of the same first K tiles of the
/// tile's rows of SFA (not with gathered rows) and SFB, for every lane of
/// the warp (`lane`: rows 32 apart). Rows past the group, and past A's
/// rows at run time, are left out.
void emitScalePrefetch(OpBuilder &b, const KernelProblem &problem,
                       PrefetchTileOp op, const GroupFacts &g, Value lane);

/// The pattern lowering ggemm.prefetch_tile (in the producer role) to the
/// above: the tile by lane 0 of the producer warp, the scales by its
/// lanes.
void populateTMAPrefetchPatterns(RewritePatternSet &patterns,
                                 const KernelProblem &problem,
                                 ValueRange params);

} // namespace mlir::ggemm

#endif // GGEMM_LIB_CONVERSION_GGEMMTONVVM_TMAPREFETCH_H
