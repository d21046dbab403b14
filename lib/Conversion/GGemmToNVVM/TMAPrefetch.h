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
/// of the first K tiles of the tile's A and B. `params` are the kernel's.
void emitTilePrefetch(OpBuilder &b, const KernelProblem &problem,
                      ValueRange params, PrefetchTileOp op);

/// The pattern lowering ggemm.prefetch_tile (in the producer role) to the
/// above, issued by lane 0 of the producer warp.
void populateTMAPrefetchPatterns(RewritePatternSet &patterns,
                                 const KernelProblem &problem,
                                 ValueRange params);

} // namespace mlir::ggemm

#endif // GGEMM_LIB_CONVERSION_GGEMMTONVVM_TMAPREFETCH_H
