//===- GGemmOps.h - ggemm operations ----------------------------*- C++ -*-===//
//
// Operations and attributes of the `ggemm` dialect.
//
//===----------------------------------------------------------------------===//

#ifndef GGEMM_DIALECT_GGEMMOPS_H
#define GGEMM_DIALECT_GGEMMOPS_H

#include "GGemm/GGemmDialect.h"
#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/DestinationStyleOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "GGemm/GGemmEnums.h.inc"

namespace mlir::ggemm {
/// Sizes of one group. `m` is ShapedType::kDynamic in rows<contiguous>,
/// rows<offsets> and rows<gathered>, where group sizes are only known at run time, and each
/// group's room (max_m) in rows<masked>.
struct GroupShape {
  int64_t m, n, k;
};
} // namespace mlir::ggemm

#define GET_ATTRDEF_CLASSES
#include "GGemm/GGemmAttrs.h.inc"

#define GET_TYPEDEF_CLASSES
#include "GGemm/GGemmTypes.h.inc"

namespace mlir::ggemm {

/// The attribute names of the kernel level: `ggemm.problem`
/// (#ggemm.kernel_problem) and `ggemm.plan` (#ggemm.kernel_plan) on an
/// outlined kernel, `ggemm.launch` (#ggemm.launch) on the host function
/// that launches it.
inline constexpr llvm::StringLiteral kProblemAttrName = "ggemm.problem";
inline constexpr llvm::StringLiteral kPlanAttrName = "ggemm.plan";
inline constexpr llvm::StringLiteral kLaunchAttrName = "ggemm.launch";

/// Elements per scale factor along K (NVFP4: one e4m3 scale per 16 values).
constexpr int64_t kScaleBlock = 16;
/// K granularity of the problem level: one block-scaled MMA step covers
/// four scale blocks (64 K elements).
constexpr int64_t kKGranularity = 64;
/// N granularity: rows of the f16 output are whole 16-byte vectors.
constexpr int64_t kNGranularity = 8;
/// Largest size the problem level accepts: kernels index rows and columns
/// with 32-bit integers.
constexpr int64_t kMaxDim = (int64_t{1} << 31) - 1;
/// Shape of one blocked scale-factor atom: 128 rows x 4 scale columns
/// stored as 32 x 16 bytes.
constexpr int64_t kAtomRows = 128, kAtomCols = 4;

/// Why a schedule for `chip` cannot predecode its tokens (empty: it can).
/// Only the Hopper kernel has a decode kernel for its tokens. The schedule
/// attribute's verifier, ggemm-tile and the cost model's family all ask.
std::string predecodeRefusal(Chip chip);

/// The keyword of the group-rows operand in the op's syntax:
/// `group_sizes` (rows<contiguous>), `group_offsets` (rows<offsets>) or
/// `group_counts` (rows<masked>); rows<gathered> takes `group_offsets`.
StringRef getGroupRowsKeyword(RowsKind rows);

/// Whether the group-rows array of `rows` holds cumulative end rows
/// (rows<offsets>, and rows<gathered> over its routed rows): the tile
/// space, the group rows and their flags are those of rows<offsets>.
inline bool hasGroupOffsets(RowsKind rows) {
  return rows == RowsKind::offsets || rows == RowsKind::gathered;
}

/// Shape of the blocked_128x4 scale buffer for an `rows x k` operand.
SmallVector<int64_t, 4> getBlockedScaleShape(int64_t rows, int64_t k);

/// The grouped operands of an op (grouped_matmul, mma_tile, reduce_tile):
/// one view so that verification and shape queries exist once.
struct GroupedOperands {
  Operation *op;
  RowsKind rows;
  ScaleLayout scaleLayout;
  OperandRange a, sfa, b, sfb, c;
  Value groupSizes, rowIndices, alpha;

  template <typename OpTy>
  static GroupedOperands of(OpTy op) {
    return {op.getOperation(), op.getRows(), op.getScaleLayout(),
            op.getA(),         op.getSfa(),  op.getB(),
            op.getSfb(),       op.getC(),    op.getGroupSizes(),
            op.getRowIndices(), op.getAlpha()};
  }

  bool isListForm() const { return rows == RowsKind::list; }
  /// Number of groups G.
  int64_t getNumGroups() const;
  /// Shape of group `g` (M is dynamic in rows<contiguous> and
  /// rows<offsets>, max_m in rows<masked>).
  GroupShape getGroupShape(int64_t g) const;
  /// Checks every shape and type rule (docs/architecture.md section 1).
  LogicalResult verify() const;
};

/// The #ggemm.kernel_problem (`ggemm.problem`) of the function around
/// `op`, or null outside an outlined kernel.
KernelProblemAttr getEnclosingKernelProblem(Operation *op);

} // namespace mlir::ggemm

#define GET_OP_CLASSES
#include "GGemm/GGemmOps.h.inc"

#endif // GGEMM_DIALECT_GGEMMOPS_H
