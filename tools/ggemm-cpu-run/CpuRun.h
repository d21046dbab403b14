//===- CpuRun.h - ggemm-cpu-run's pieces ------------------------*- C++ -*-===//
//
// Shared by ggemm-cpu-run's files: the host buffers passed to the
// JIT-compiled function, the function and its op (Function.cpp), a
// rows<gathered> op's problem (Gathered.cpp) and the check of its outputs
// (Check.cpp).
//
//===----------------------------------------------------------------------===//

#ifndef GGEMM_TOOLS_GGEMM_CPU_RUN_CPURUN_H
#define GGEMM_TOOLS_GGEMM_CPU_RUN_CPURUN_H

#include "GGemm/GGemmOps.h"
#include "ggemm/Reference/Gathered.h"
#include "ggemm/Reference/Problem.h"
#include "ggemm/Reference/Rows.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/Twine.h"

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ggemm::cpurun {

namespace ref = ::ggemm::ref;

/// An f16 NaN no reference produces: C is filled with it first.
constexpr uint16_t kPoison = 0xFFFF;

/// Prints "ggemm-cpu-run: <message>" to stderr; returns exit code 2.
int fail(const llvm::Twine &message);

/// A host buffer passed to the JIT-compiled function as a memref descriptor.
struct Buffer {
  std::vector<uint8_t> bytes;
  std::vector<int64_t> shape; // storage shape (f4: innermost halved)
  int64_t elementSize;
  std::vector<int64_t> descriptor; // {alloc, aligned, offset, sizes, strides}

  void *makeDescriptor();
};

inline Buffer bytesBuffer(std::vector<uint8_t> bytes,
                          std::vector<int64_t> shape) {
  return {std::move(bytes), std::move(shape), 1, {}};
}

template <typename T>
Buffer typedBuffer(const std::vector<T> &values, std::vector<int64_t> shape) {
  std::vector<uint8_t> bytes(values.size() * sizeof(T));
  // An empty group (M = 0) has no C: data() may be null, and memcpy must
  // not be given a null pointer even for 0 bytes.
  if (!bytes.empty())
    std::memcpy(bytes.data(), values.data(), bytes.size());
  return {std::move(bytes), std::move(shape), sizeof(T), {}};
}

/// Role of a function argument in the ggemm op, and its group.
enum class Role { A, SFA, B, SFB, C, GroupSizes, RowIndices, Alpha };
using ArgumentRoles = std::vector<std::pair<Role, int64_t>>;

/// The function that is called and the one op it holds.
struct Target {
  mlir::func::FuncOp fn;
  mlir::ggemm::GroupedMatmulOp op;
  /// The op's offsets or counts when the program holds them as a constant
  /// (a memref.get_global of a constant memref.global, as ggemm-raise
  /// makes for a batched matmul) rather than taking them as an argument.
  std::optional<std::vector<int32_t>> constantRows;
};

/// Finds the function to run (`funcName`, or the first holding a ggemm op):
/// a top-level func.func without results holding exactly one op in memref
/// form, whose operands are the function's arguments (or a constant row
/// array). Returns 0, or 2 after saying why (a located diagnostic).
int findTarget(mlir::ModuleOp module, llvm::StringRef funcName, Target &out);

/// The role of each of `fn`'s arguments in `op`; each must be used exactly
/// once. Returns an error message or "".
std::string argumentRoles(mlir::func::FuncOp fn,
                          mlir::ggemm::GroupedMatmulOp op, ArgumentRoles &out);

/// What the host buffers are made of.
struct HostData {
  const ref::Problem *problem = nullptr;
  std::vector<ref::Shape> shapes;
  bool listForm = false, masked = false, blocked = false;
  /// rows<offsets>, rows<masked>: A and SFA laid out with filler.
  const ref::OneBuffer *one = nullptr;
  /// rows<gathered>: A and SFA are the token matrix; the row indices.
  const ref::GatheredInputs *gathered = nullptr;
  int64_t numGroups = 0, maxM = 0;
  /// Every form but list: the rows of the one A / SFA / C (rows<gathered>:
  /// of C, the routed rows).
  int64_t totalRows = 0;
  /// Every form but list: the group_sizes / group_offsets / group_counts
  /// argument.
  std::vector<int32_t> groupSizes;
};

/// The buffers of the function's arguments, in the op's physical layout,
/// C poisoned. Returns an error message or "".
std::string makeBuffers(const ArgumentRoles &roles, const HostData &data,
                        std::vector<Buffer> &out);

/// Lowers the module (`passes`, then ggemm-cpu-pipeline) after erasing
/// every function but `fn`, JIT-compiles it and calls `fn` with `buffers`.
/// A failed cf.assert in the lowered code aborts the process here. Returns
/// an error message or "".
std::string lowerAndCall(mlir::ModuleOp module, mlir::func::FuncOp fn,
                         llvm::StringRef passes, std::vector<Buffer> &buffers);

/// rows<gathered>: the problem's R, T and row indices for an op whose A
/// has `staticTokenRows` rows and C `staticRoutedRows` (-1: dynamic),
/// chosen by ref::chooseGathered from `choice` (--token-rows,
/// --row-indices), with `loadDir` its files, else seeded. A static T or R
/// is the default when nothing else gives it; another one is refused.
/// `check` runs once R and T are known, before anything sized by them.
/// Returns an error message or "".
std::string chooseGatheredRows(int64_t staticTokenRows,
                               int64_t staticRoutedRows,
                               const std::vector<int32_t> &offsets, int64_t k,
                               ref::GatheredChoice choice, uint64_t seed,
                               const std::string &loadDir,
                               const ref::GatheredSizeCheck &check,
                               ref::GatheredInputs &out);

/// What a row array's error flags (Rows.h) say, for the line that
/// announces the run's cf.assert stop (`tokenRows`: T of rows<gathered>).
std::string describeRowFlags(int32_t flags, ref::RowLayout layout,
                             int64_t tokenRows);

/// Compares each group's output in `buffers` (the C arguments; in the
/// forms with one C each group's `owned` rows, every other row of its
/// `totalRows` must keep the poison) with `expected`, prints the summary
/// line, and returns whether the check passes. `outputs` gets each group's
/// M x N output.
bool checkOutputs(llvm::StringRef name, const ArgumentRoles &roles,
                  const std::vector<Buffer> &buffers,
                  const std::vector<ref::Shape> &shapes, bool listForm,
                  const std::vector<ref::OwnedRows> &owned, int64_t totalRows,
                  const std::vector<ref::GroupResult> &expected, bool exact,
                  std::vector<std::vector<uint16_t>> &outputs);

/// Writes the inputs into `dir` (as --load reads them), the outputs
/// DIR/c<g>.npy and the reference DIR/ref<g>.npy. Returns an error message
/// or "".
std::string saveProblem(const std::string &dir, const ref::Problem &problem,
                        const std::vector<std::vector<uint16_t>> &outputs,
                        const std::vector<ref::GroupResult> &expected);

} // namespace ggemm::cpurun

#endif // GGEMM_TOOLS_GGEMM_CPU_RUN_CPURUN_H
