//===- LoopEmitter.h - loops of one group or tile (private) -----*- C++ -*-===//
//
// Shared by the grouped_matmul pattern and the persistent-level patterns:
// builds the scf loops that compute a block of C (or a split-K partial) of
// one group over storage-typed (byte) operands.
//
//===----------------------------------------------------------------------===//

#ifndef GGEMM_LIB_CONVERSION_GGEMMTOLOOPS_LOOPEMITTER_H
#define GGEMM_LIB_CONVERSION_GGEMMTOLOOPS_LOOPEMITTER_H

#include "mlir/IR/Builders.h"

namespace mlir::ggemm {

/// One block of work: rows [rowBegin, rowEnd) of A, SFA and C, columns
/// [colBegin, colEnd), K scale blocks [kbBegin, kbEnd) (16 elements each).
struct BlockOperands {
  Value a, sfa, b, sfb, c; // A: R x K/2 i8; B/SFB may have a group dim
  Value group;             // index into B/SFB's leading dim, or null
  Value alpha;             // f32 or null
  bool blocked;            // scales<blocked_128x4>
  Value rowBegin, rowEnd, colBegin, colEnd, kbBegin, kbEnd;
  /// If set: store the f32 sum (no alpha) at
  /// workspace[work, i - rowBegin, j - colBegin] instead of f16 into C.
  Value workspace, work;
  /// rows<gathered>: row i of C reads row rowIndices[i] of A and SFA
  /// (memref<R x i32>; a row outside A stops on a cf.assert). Null: row i.
  Value rowIndices = {};
};

class LoopEmitter {
public:
  LoopEmitter(OpBuilder &b, Location loc);

  /// C = f16(alpha * sum_k ...) over the block, K added in increasing order.
  void emitBlock(const BlockOperands &ops);

  /// C[i, j] = f16(alpha * (((ws[work, i', j'] + ws[work + 1, i', j']) + ...)
  /// for `split` partials, rows/cols as in `ops` (K fields unused).
  void emitReduce(const BlockOperands &ops, int64_t split);

  Value index(int64_t v);

private:
  /// Loops over rows [rowBegin, rowEnd) and columns [colBegin, colEnd),
  /// calling `body` inside with the row and column.
  void forEachElement(const BlockOperands &ops,
                      function_ref<void(Value i, Value j)> body);
  Value emitKLoop(const BlockOperands &ops, Value i, Value j);
  /// The row of A and SFA that row i of C reads.
  Value rowOfA(const BlockOperands &ops, Value i);
  Value emitScaleBlock(const BlockOperands &ops, Value i, Value j, Value kb,
                       Value scale, Value acc);
  Value nibble(Value byte, bool odd);
  Value decodeE2M1(Value code);
  Value decodeE4M3(Value byte);
  Value loadScale(Value buffer, Value group, Value row, Value kb, bool blocked);
  void storeResult(const BlockOperands &ops, Value acc, Value i, Value j);

  OpBuilder &b;
  Location loc;
  Value e2m1Table, e4m3Table;
};

} // namespace mlir::ggemm

#endif // GGEMM_LIB_CONVERSION_GGEMMTOLOOPS_LOOPEMITTER_H
