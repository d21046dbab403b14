//===- SM90Kernel.h - the sm_90a tile code (private) ------------*- C++ -*-===//
//
// Emits the body of ggemm.mma_tile for Hopper: TMA loads of packed A/B into
// a ring of shared-memory stages, exact NVFP4 -> bf16 dequantization in
// registers, mma.sync m16n8k16 bf16 with f32 accumulators, f16 epilogue.
//
//===----------------------------------------------------------------------===//

#ifndef GGEMM_LIB_CONVERSION_GGEMMTONVVM_SM90KERNEL_H
#define GGEMM_LIB_CONVERSION_GGEMMTONVVM_SM90KERNEL_H

#include "KernelCommon.h"
#include "ggemm/Target/SM90/KernelPlan.h"

#include "mlir/IR/Builders.h"

namespace mlir::ggemm {

/// Builds the per-CTA state (shared-memory views, decode tables, mbarriers)
/// at the start of the kernel, then emits tiles on request.
class SM90KernelBuilder {
public:
  /// `params`: the kernel arguments (tensor maps, C pointers, scale
  /// pointers, group sizes, alpha), as in docs/kernel-abi.md.
  SM90KernelBuilder(OpBuilder &b, Location loc, const KernelProblem &problem,
                    ValueRange params);

  /// Emits the prologue at the current insertion point.
  void emitPrologue();
  /// Emits one output tile (the body of one ggemm.mma_tile).
  void emitTile(Value group, Value rowBase, Value m0, Value n0);
  /// Emits `body` for the one thread that issues TMA (thread 0).
  void ifLeader(function_ref<void()> body);

private:
  void issueLoads(const GroupFacts &g, Value rowA, Value rowB, Value kTile,
                  Value iteration);
  Value stageView(Value stage, int64_t offset, int64_t rows, int64_t cols);
  Value sharedPtr(Value byteOffset);
  Value barrier(Value stage);
  Value loadScale(Value base, Value row, Value rowLimit, Value kb,
                  Value kbLimit, Value ld);
  Value idx(int64_t v);
  Value i32(int64_t v);

  OpBuilder &b;
  Location loc;
  const KernelProblem &problem;
  SmallVector<Value> params;
  int64_t tileM, tileN, tileK, stages, stageBytes;
  Value tid, lane, warpM, warpN, smem, smemBase, pairTable, scaleTable,
      counter;
};

} // namespace mlir::ggemm

#endif // GGEMM_LIB_CONVERSION_GGEMMTONVVM_SM90KERNEL_H
