//===- ggemm-cpu-run.cpp - execute ggemm IR on the host and check it ------===//
//
// Runs one function holding a `ggemm.grouped_matmul` on the CPU: generates
// (or loads from .npy) inputs, lowers the function with ggemm-cpu-pipeline,
// JIT-compiles it with MLIR's ExecutionEngine, calls it, and compares every
// output element with the independent C++ reference (lib/Reference).
//
// Why the ExecutionEngine and not mlir-runner: the inputs come from a seeded
// generator or from .npy files and the check needs the C++ reference in the
// same process; mlir-runner only calls a `main` with no arguments, so the
// data would have to be written as IR. Here the lowered function is called
// directly with memref descriptors over host buffers.
//
// Checks (all must hold, else exit code 1):
//   * f16 bits equal the reference's f16 rounding of its f32 K-order sum
//     (both add the same exact products in the same order);
//   * the reference f32 sum is within 1e-5 norm-relative error of the double
//     sum, and the f16 output within 1e-3 (f16 has an 11-bit significand);
//   * C is poisoned first: every element must be written, and in
//     rows<contiguous>, rows<offsets> and rows<masked> the rows no group
//     owns (past the groups, past a masked group's count) must stay
//     poisoned.
//
//===----------------------------------------------------------------------===//

#include "GGemm/GGemmDialect.h"
#include "GGemm/GGemmOps.h"
#include "ggemm/Pipelines/Pipelines.h"
#include "ggemm/Transforms/Passes.h"
#include "ggemm/Reference/NVFP4.h"
#include "ggemm/Reference/Npy.h"
#include "ggemm/Reference/Problem.h"
#include "ggemm/Reference/Rows.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/TargetSelect.h"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <limits>

using namespace mlir;
using namespace mlir::ggemm;
namespace cl = llvm::cl;
namespace ref = ::ggemm::ref;

// --help lists these and LLVM's generic options (--help, --version) only:
// libLLVM registers hundreds of backend options that are no concern here.
static cl::OptionCategory toolCategory("ggemm-cpu-run options");

static cl::opt<std::string> inputFile(cl::Positional, cl::desc("<input.mlir>"),
                                      cl::Required, cl::cat(toolCategory));
static cl::opt<std::string> funcName("func",
                                     cl::desc("function to run (default: the "
                                              "only one with a ggemm op)"),
                                     cl::value_desc("name"),
                                     cl::cat(toolCategory));
static cl::opt<uint64_t> seed("seed", cl::desc("generator seed"), cl::init(1),
                              cl::value_desc("n"), cl::cat(toolCategory));
static cl::list<int64_t>
    groupSizes("group-sizes", cl::CommaSeparated,
               cl::desc("rows per group for rows<contiguous> (default: the "
                        "files' rows with --load, else seeded random sizes "
                        "in [0, 300]); an error for rows<list>"),
               cl::value_desc("m0,m1,..."), cl::cat(toolCategory));
static cl::list<int32_t> groupOffsets(
    "group-offsets", cl::CommaSeparated,
    cl::desc("rows<offsets>: the group_offsets buffer, each group's "
             "cumulative end row (torch's offs); any int32, so that bad "
             "data (out of order, negative) reaches the run-time check "
             "(default: DIR/group_offsets.npy with --load if it exists, else "
             "the running sums of the files' rows; else seeded skewed rows: "
             "empty, 1, 300, one group up to 700)"),
    cl::value_desc("e0,e1,..."), cl::cat(toolCategory));
static cl::list<int32_t> groupCounts(
    "group-counts", cl::CommaSeparated,
    cl::desc("rows<masked>: the group_counts buffer, each group's real rows "
             "of its max_m; any int32 (default: DIR/group_counts.npy with "
             "--load if it exists, else the files' rows; else seeded skewed "
             "counts in [0, max_m])"),
    cl::value_desc("c0,c1,..."), cl::cat(toolCategory));
static cl::list<int32_t> deviceGroupSizes(
    "device-group-sizes", cl::CommaSeparated,
    cl::desc("values to put in the group_sizes (group_offsets, "
             "group_counts) buffer instead of the real ones, to exercise the "
             "kernel's run-time checks"),
    cl::cat(toolCategory));
static cl::opt<std::string> passes(
    "passes",
    cl::desc("pass pipeline to run before ggemm-cpu-pipeline, e.g. "
             "'ggemm-tile,ggemm-fuse-persistent'"),
    cl::value_desc("pipeline"), cl::cat(toolCategory));
static cl::opt<bool> exact(
    "exact", cl::init(true),
    cl::desc("require identical f16 bits (default); with --exact=false each "
             "element must be within the error of any f32 summation order "
             "(split-K reassociates the K sum)"),
    cl::cat(toolCategory));
static cl::opt<std::string> loadDir(
    "load",
    cl::desc("read inputs from DIR/{a,b,sfa,sfb}<g>.npy (logical "
             "row-major uint8 data, each group's own rows; scales UE4M3, "
             "bit 7 clear), DIR/alpha.npy and, if present, "
             "DIR/group_offsets.npy or DIR/group_counts.npy (int32, one per "
             "group)"),
    cl::value_desc("DIR"), cl::cat(toolCategory));
static cl::opt<std::string>
    saveDir("save",
            cl::desc("write inputs (with group_offsets.npy or "
                     "group_counts.npy), DIR/c<g>.npy (f16 output) and "
                     "DIR/ref<g>.npy (f16 reference); creates DIR"),
            cl::value_desc("DIR"), cl::cat(toolCategory));

namespace {

/// Role of a function argument in the ggemm op.
enum class Role { A, SFA, B, SFB, C, GroupSizes, Alpha };

/// A host buffer passed to the JIT-compiled function as a memref descriptor.
struct Buffer {
  std::vector<uint8_t> bytes;
  std::vector<int64_t> shape; // storage shape (f4: innermost halved)
  int64_t elementSize;
  std::vector<int64_t> descriptor; // {alloc, aligned, offset, sizes, strides}

  void *makeDescriptor() {
    descriptor.assign(3 + 2 * shape.size(), 0);
    uint8_t *base = bytes.data();
    std::memcpy(&descriptor[0], &base, sizeof(void *));
    std::memcpy(&descriptor[1], &base, sizeof(void *));
    int64_t stride = 1;
    for (int64_t d = shape.size() - 1; d >= 0; --d) {
      descriptor[3 + d] = shape[d];
      descriptor[3 + shape.size() + d] = stride;
      stride *= shape[d];
    }
    return descriptor.data();
  }
};

Buffer bytesBuffer(std::vector<uint8_t> bytes, std::vector<int64_t> shape) {
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

constexpr uint16_t kPoison = 0xFFFF; // an f16 NaN no reference produces

int fail(const llvm::Twine &message) {
  llvm::errs() << "ggemm-cpu-run: " << message << "\n";
  return 2;
}

/// Writes the inputs (as --load reads them), the outputs DIR/c<g>.npy and
/// the reference DIR/ref<g>.npy.
std::string saveProblem(const ref::Problem &problem,
                        const std::vector<std::vector<uint16_t>> &outputs,
                        const std::vector<ref::GroupResult> &expected) {
  if (std::string err = ref::writeProblemNpy(saveDir, problem); !err.empty())
    return err;
  auto saveF16 = [&](const std::string &name, const ref::Group &g,
                     const std::vector<uint16_t> &values) {
    ref::NpyArray array{"<f2", {g.m, g.n}, {}};
    const auto *bytes = reinterpret_cast<const uint8_t *>(values.data());
    array.data.assign(bytes, bytes + 2 * values.size());
    return ref::writeNpy(saveDir + "/" + name, array);
  };
  for (size_t g = 0; g < problem.groups.size(); ++g) {
    std::string s = std::to_string(g);
    for (const std::string &err :
         {saveF16("c" + s + ".npy", problem.groups[g], outputs[g]),
          saveF16("ref" + s + ".npy", problem.groups[g], expected[g].f16)})
      if (!err.empty())
        return err;
  }
  return "";
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  mlir::ggemm::registerGGemmTransformsPasses();
  cl::HideUnrelatedOptions(toolCategory);
  cl::ParseCommandLineOptions(argc, argv, "ggemm CPU execution and check\n");
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();

  DialectRegistry registry;
  registry.insert<GGemmDialect>();
  registerAllDialects(registry);
  registerAllExtensions(registry);
  registerBuiltinDialectTranslation(registry);
  registerLLVMDialectTranslation(registry);
  MLIRContext context(registry);
  context.printOpOnDiagnostic(false); // the source line says enough

  // Diagnostics as "file:line:col: error: ..." with the source line.
  llvm::SourceMgr sourceMgr;
  SourceMgrDiagnosticHandler diagnostics(sourceMgr, &context);
  OwningOpRef<ModuleOp> module =
      parseSourceFile<ModuleOp>(inputFile, sourceMgr, &context);
  if (!module)
    return fail("cannot parse " + inputFile);

  // Find the function and its ggemm op. The function is what gets called:
  // a top-level func.func without results whose arguments are exactly the
  // op's operands (each becomes a host buffer), holding only this op.
  func::FuncOp fn;
  GroupedMatmulOp op;
  WalkResult walk = module->walk([&](GroupedMatmulOp candidate) {
    auto parent = candidate->getParentOfType<func::FuncOp>();
    if (!parent) {
      candidate->emitError("is not inside a func.func; ggemm-cpu-run calls "
                           "the function that holds the op");
      return WalkResult::interrupt();
    }
    if (!fn && (funcName.empty() || parent.getName() == funcName)) {
      fn = parent;
      op = candidate;
    }
    return WalkResult::advance();
  });
  if (walk.wasInterrupted())
    return 2;
  if (!op)
    return fail("no function with a ggemm.grouped_matmul" +
                (funcName.empty() ? "" : " named " + funcName));
  if (op.hasTensorSemantics()) {
    op.emitError("is in tensor form; ggemm-cpu-run passes host buffers to the "
                 "memref form (bufferize first: one-shot-bufferize with "
                 "bufferize-function-boundaries and "
                 "function-boundary-type-conversion=identity-layout-map, then "
                 "drop-equivalent-buffer-results)");
    return 2;
  }
  if (fn->getParentOp() != module->getOperation()) {
    fn.emitError("holds the ggemm op but is not a top-level function of the "
                 "module; ggemm-cpu-run calls top-level functions");
    return 2;
  }
  if (fn.getNumResults() != 0) {
    fn.emitError("returns values; ggemm-cpu-run calls functions that return "
                 "nothing");
    return 2;
  }
  int64_t opsInFn = 0;
  fn.walk([&](GroupedMatmulOp) { ++opsInFn; });
  if (opsInFn != 1) {
    fn.emitError() << "holds " << opsInFn
                   << " ggemm.grouped_matmul ops; ggemm-cpu-run checks a "
                      "function with one";
    return 2;
  }
  // The offsets or counts may also be a constant the program holds (a
  // memref.get_global of a constant memref.global, as ggemm-raise makes
  // for a batched matmul): the run reads them from there.
  std::optional<std::vector<int32_t>> constantRows;
  if (Value array = op.getGroupSizes();
      array && (op.getRows() == RowsKind::offsets ||
                op.getRows() == RowsKind::masked)) {
    if (auto get = array.getDefiningOp<memref::GetGlobalOp>()) {
      auto global = SymbolTable::lookupNearestSymbolFrom<memref::GlobalOp>(
          get, get.getNameAttr());
      auto values = global && global.getConstant()
                        ? dyn_cast_or_null<DenseIntElementsAttr>(
                              global.getInitialValueAttr())
                        : DenseIntElementsAttr();
      if (!values) {
        get.emitError("is the ggemm op's row array but not a constant "
                      "memref.global with a dense i32 value; ggemm-cpu-run "
                      "reads a constant array, or takes it as an argument");
        return 2;
      }
      constantRows.emplace();
      for (const APInt &v : values.getValues<APInt>())
        constantRows->push_back(int32_t(v.getSExtValue()));
    }
  }
  for (OpOperand &operand : op->getOpOperands()) {
    if (constantRows && operand.get() == op.getGroupSizes())
      continue;
    auto arg = dyn_cast<BlockArgument>(operand.get());
    if (!arg || arg.getOwner() != &fn.getBody().front()) {
      op->emitError() << "operand #" << operand.getOperandNumber()
                      << " is not an argument of @" << fn.getName()
                      << "; ggemm-cpu-run passes every operand as a host "
                         "buffer and checks the outputs it wrote";
      return 2;
    }
  }

  // The problem: static shapes, or run-time sizes for rows<contiguous>
  // (--group-sizes, else the files' rows with --load, else seeded sizes).
  // (Lowering erases `op`: read everything needed from it up front.)
  int64_t numGroups = op.getNumGroups();
  bool listForm = op.isListForm();
  RowsKind rowsKind = op.getRows();
  std::string form = ("rows<" + stringifyRowsKind(rowsKind) + ">").str();
  // rows<offsets> and rows<masked>: the groups' rows come from a run-time
  // array of their own (offsets or counts), read as the kernels read it
  // (ggemm/Reference/Rows.h).
  bool masked = rowsKind == RowsKind::masked;
  bool rowArrayForm = rowsKind == RowsKind::offsets || masked;
  ref::RowLayout layout =
      masked ? ref::RowLayout::Masked : ref::RowLayout::Offsets;
  int64_t maxM = masked ? op.getGroupShape(0).m : 0;
  std::vector<ref::Shape> shapes;
  std::vector<int64_t> seeded = ref::randomGroupSizes(seed, numGroups);
  if (listForm && !groupSizes.empty())
    return fail("--group-sizes applies to rows<contiguous>; the group sizes "
                "of this rows<list> op are static");
  if (rowArrayForm && !groupSizes.empty())
    return fail("--group-sizes applies to rows<contiguous>; this op has " +
                form + " (give " +
                (masked ? "--group-counts" : "--group-offsets") + ")");
  if (!groupOffsets.empty() && rowsKind != RowsKind::offsets)
    return fail("--group-offsets applies to rows<offsets>; this op has " +
                form);
  if (!groupCounts.empty() && !masked)
    return fail("--group-counts applies to rows<masked>; this op has " + form);
  if (!listForm && !groupSizes.empty() &&
      int64_t(groupSizes.size()) != numGroups)
    return fail("--group-sizes needs " + llvm::Twine(numGroups) + " values");
  for (int64_t size : groupSizes)
    if (size < 0 || size > std::numeric_limits<int32_t>::max())
      return fail("--group-sizes must be in [0, 2^31 - 1] (group_sizes "
                  "holds i32), not " +
                  llvm::Twine(size));
  for (int64_t g = 0; g < numGroups; ++g) {
    GroupShape s = op.getGroupShape(g);
    if (rowArrayForm)
      s.m = -1; // from the array (resolveRows)
    else if (!listForm)
      s.m = !groupSizes.empty() ? groupSizes[g]
            : loadDir.empty()   ? seeded[g]
                                : -1;
    shapes.push_back({s.m, s.n, s.k});
  }
  // rows<contiguous>: the rows of A, SFA and C are A's static row count, or
  // the group sizes plus 3 spare rows that must stay untouched. The same
  // for rows<offsets>, where the groups end at the last offset; G x max_m
  // in rows<masked>.
  int64_t capacity =
      listForm ? 0
      : masked ? numGroups * maxM
               : cast<MemRefType>(op.getA()[0].getType()).getDimSize(0);
  int64_t totalRows = 0;
  // rows<offsets> and rows<masked>: the array (--group-offsets /
  // --group-counts, else the --load file, else seeded skewed rows), or
  // unknown until --load has read the files' rows.
  std::vector<int32_t> rowValues;
  bool arrayKnown = false;
  ref::GroupRows owned;
  if (rowArrayForm) {
    const cl::list<int32_t> &given = masked ? groupCounts : groupOffsets;
    if (constantRows) {
      if (!given.empty())
        return fail(std::string("the op's ") +
                    (masked ? "group_counts" : "group_offsets") +
                    " is a constant of the program; " +
                    (masked ? "--group-counts" : "--group-offsets") +
                    " cannot change it");
      rowValues = *constantRows;
      arrayKnown = true;
    } else if (!given.empty()) {
      if (int64_t(given.size()) != numGroups)
        return fail((masked ? "--group-counts needs " : "--group-offsets needs ") +
                    llvm::Twine(numGroups) + " values");
      rowValues.assign(given.begin(), given.end());
      arrayKnown = true;
    } else if (!loadDir.empty()) {
      if (std::string err = ref::readGroupRowsNpy(loadDir, layout, numGroups,
                                                  rowValues, arrayKnown);
          !err.empty())
        return fail(err);
    } else {
      std::vector<int64_t> rows =
          masked ? ref::skewedGroupRows(seed, numGroups, maxM)
                 : ref::skewedGroupRows(seed, numGroups, 300, 700);
      if (std::string err = ref::groupRowsArray(layout, rows, rowValues);
          !err.empty())
        return fail(err);
      arrayKnown = true;
    }
  }
  // Reads the array: the rows of A (static, or where the groups end plus 3
  // spare rows), each group's rows (bad entries clamped as the kernels
  // clamp them: the run then stops on the lowering's cf.assert).
  auto resolveRows = [&]() -> std::string {
    int64_t end = ref::readGroupRows(layout, rowValues, -1, maxM).end;
    totalRows = !ShapedType::isDynamic(capacity) ? capacity : end + 3;
    if (totalRows > std::numeric_limits<int32_t>::max())
      return "the groups end at row " + std::to_string(end) +
             "; with 3 spare rows, A would pass 2^31 - 1 rows";
    owned = ref::readGroupRows(layout, rowValues, totalRows, maxM);
    for (int64_t g = 0; g < numGroups; ++g)
      shapes[g].m = owned.groups[g].rows;
    return "";
  };
  if (arrayKnown)
    if (std::string err = resolveRows(); !err.empty())
      return fail(err);
  // Checks the sizes against A and the host memory the run will take, so
  // that a huge problem is a message, not a failed allocation; once before
  // generating or loading, and again when --load has read the sizes.
  auto checkSizes = [&]() -> std::string {
    double bytes = ref::problemHostBytes(shapes);
    if (rowArrayForm) {
      // totalRows from resolveRows (0 while the files' rows are unknown);
      // A and SFA are laid out once (ref::layOutOneBuffer) before their
      // buffers copy them.
      const ref::Shape &s = shapes.front();
      bytes +=
          double(totalRows) * (2 * double(s.k) * (0.5 + 1.0 / 16) + 2 * s.n);
    } else {
      totalRows = 0;
      for (const ref::Shape &s : shapes)
        totalRows += std::max<int64_t>(s.m, 0); // each below 2^31: no overflow
    }
    if (!listForm && !rowArrayForm) {
      if (!ShapedType::isDynamic(capacity)) {
        if (capacity < totalRows)
          return "group sizes add up to " + std::to_string(totalRows) +
                 " rows; A has " + std::to_string(capacity);
        totalRows = capacity;
      } else {
        totalRows += 3;
        if (totalRows > std::numeric_limits<int32_t>::max())
          return "group sizes add up to " + std::to_string(totalRows - 3) +
                 " rows; with 3 spare rows, A would pass 2^31 - 1 rows";
      }
      const ref::Shape &s = shapes.front();
      bytes += double(totalRows) * (double(s.k) * (0.5 + 1.0 / 16) + 2 * s.n);
    }
    // The buffers passed to the function: inputs again (list form) and C.
    for (const ref::Shape &s : shapes)
      bytes += listForm ? double(s.m + s.n) * s.k * (0.5 + 1.0 / 16) +
                              2.0 * s.m * s.n
                        : double(s.n) * s.k * (0.5 + 1.0 / 16);
    constexpr double kMaxBytes = 8.0 * (1ull << 30);
    if (bytes > kMaxBytes)
      return "the problem needs about " +
             std::to_string(int64_t(std::ceil(bytes / (1 << 30)))) +
             " GiB of host memory; ggemm-cpu-run takes at most 8 GiB";
    return "";
  };
  if (std::string err = checkSizes(); !err.empty())
    return fail(err);
  // --save DIR: created up front, so that a bad path fails before the run.
  if (!saveDir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(saveDir.getValue(), ec);
    if (ec)
      return fail("cannot create " + saveDir + ": " + ec.message());
  }
  bool withAlpha = bool(op.getAlpha());
  ref::Problem problem;
  if (!loadDir.empty()) {
    if (std::string err =
            ref::readProblemNpy(loadDir, shapes, withAlpha, problem);
        !err.empty())
      return fail(err);
    if (rowArrayForm && !arrayKnown) {
      // The array of the files' rows: running sums, or the counts, which
      // must fit each group's max_m.
      std::vector<int64_t> rows;
      for (const ref::Shape &s : shapes)
        rows.push_back(s.m);
      if (std::string err = ref::groupRowsArray(layout, rows, rowValues);
          !err.empty())
        return fail(loadDir + ": " + err);
      if (std::string err = resolveRows(); !err.empty())
        return fail(loadDir + ": " + err);
      for (int64_t g = 0; g < numGroups; ++g)
        if (shapes[g].m != rows[g])
          return fail(loadDir + "/a" + llvm::Twine(g) + ".npy: " +
                      llvm::Twine(rows[g]) + " rows; the groups of " + form +
                      " have room for max_m = " + llvm::Twine(maxM));
    }
    if (std::string err = checkSizes(); !err.empty())
      return fail(loadDir + ": " + err);
  } else {
    problem = ref::generateProblem(shapes, seed, withAlpha);
  }
  // The one A and SFA of rows<offsets> and rows<masked>: each group's rows
  // where the array puts them, filler (NaN scales) in the rows of nobody.
  ref::OneBuffer one;
  std::vector<ref::OwnedRows> ownedRows; // every form but rows<list>
  if (rowArrayForm) {
    if (std::string err = ref::layOutOneBuffer(problem, owned.groups,
                                               totalRows, seed * 2 + 1, one);
        !err.empty())
      return fail(err);
    ownedRows = owned.groups;
    llvm::outs() << "rows: " << ref::rowLayoutName(layout) << " "
                 << ref::groupRowsArrayName(layout) << " = [";
    llvm::interleaveComma(rowValues, llvm::outs());
    llvm::outs() << "], " << totalRows << " rows of A; the groups own";
    for (const ref::OwnedRows &rows : ownedRows)
      llvm::outs() << " [" << rows.begin << ", " << rows.begin + rows.rows
                   << ")";
    llvm::outs() << "\n";
    // A failed cf.assert aborts: let this line out first.
    llvm::outs().flush();
  } else if (!listForm) {
    int64_t row = 0;
    for (const ref::Shape &s : shapes) {
      ownedRows.push_back({row, s.m});
      row += s.m;
    }
  }
  // The fast reference: bit-identical to the plain loops (unit-tested),
  // and quick enough for the benchmark shapes.
  std::vector<ref::GroupResult> expected = ref::referenceProductFast(problem);

  // Host buffers in the op's physical layout.
  bool blocked = op.getScaleLayout() == ScaleLayout::blocked_128x4;
  auto scaleBuffer = [&](const std::vector<uint8_t> &codes, int64_t rows,
                         int64_t k) {
    if (!blocked)
      return bytesBuffer(codes, {rows, k / 16});
    SmallVector<int64_t, 4> shape = getBlockedScaleShape(rows, k);
    return bytesBuffer(ref::toBlocked(codes, rows, k / 16),
                       {shape.begin(), shape.end()});
  };
  std::vector<std::pair<Role, int64_t>> roles; // per function argument
  for (BlockArgument arg : fn.getArguments()) {
    auto find = [&](OperandRange range, Role role) {
      for (auto [i, v] : llvm::enumerate(range))
        if (v == arg)
          roles.push_back({role, int64_t(i)});
    };
    size_t before = roles.size();
    find(op.getA(), Role::A), find(op.getSfa(), Role::SFA);
    find(op.getB(), Role::B), find(op.getSfb(), Role::SFB);
    find(op.getC(), Role::C);
    if (arg == op.getGroupSizes())
      roles.push_back({Role::GroupSizes, 0});
    if (arg == op.getAlpha())
      roles.push_back({Role::Alpha, 0});
    if (roles.size() != before + 1)
      return fail("argument " + llvm::Twine(arg.getArgNumber()) + " of @" +
                  fn.getName() + " must be used exactly once by the ggemm op");
  }

  std::vector<Buffer> buffers;
  for (auto [role, g] : roles) {
    const ref::Group *gr = &problem.groups[g];
    if (listForm) {
      switch (role) {
      case Role::A:
        buffers.push_back(bytesBuffer(gr->a, {gr->m, gr->k / 2}));
        break;
      case Role::B:
        buffers.push_back(bytesBuffer(gr->b, {gr->n, gr->k / 2}));
        break;
      case Role::SFA:
        buffers.push_back(scaleBuffer(gr->sfa, gr->m, gr->k));
        break;
      case Role::SFB:
        buffers.push_back(scaleBuffer(gr->sfb, gr->n, gr->k));
        break;
      case Role::C:
        buffers.push_back(typedBuffer(
            std::vector<uint16_t>(gr->m * gr->n, kPoison), {gr->m, gr->n}));
        break;
      default:
        break;
      }
    } else {
      // Rows of all groups back to back; B and SFB stacked over groups.
      auto concat = [&](auto member, int64_t rowBytes, bool padRows) {
        std::vector<uint8_t> out;
        for (const ref::Group &h : problem.groups)
          llvm::append_range(out, h.*member);
        if (padRows)
          out.resize(totalRows * rowBytes, 0);
        return out;
      };
      int64_t n = shapes[0].n, k = shapes[0].k;
      // A, SFA and C: totalRows rows, as G x max_m x ... in rows<masked>.
      auto rowShape = [&](int64_t cols) {
        return masked ? std::vector<int64_t>{numGroups, maxM, cols}
                      : std::vector<int64_t>{totalRows, cols};
      };
      switch (role) {
      case Role::A:
        buffers.push_back(
            rowArrayForm
                ? bytesBuffer(one.a, rowShape(k / 2))
                : bytesBuffer(concat(&ref::Group::a, k / 2, true),
                              {totalRows, k / 2}));
        break;
      case Role::SFA:
        buffers.push_back(
            rowArrayForm
                ? bytesBuffer(one.sfa, rowShape(k / 16))
                : bytesBuffer(concat(&ref::Group::sfa, k / 16, true),
                              {totalRows, k / 16}));
        break;
      case Role::B:
        buffers.push_back(bytesBuffer(concat(&ref::Group::b, 0, false),
                                      {numGroups, n, k / 2}));
        break;
      case Role::SFB:
        buffers.push_back(bytesBuffer(concat(&ref::Group::sfb, 0, false),
                                      {numGroups, n, k / 16}));
        break;
      case Role::C:
        buffers.push_back(typedBuffer(
            std::vector<uint16_t>(totalRows * n, kPoison), rowShape(n)));
        break;
      case Role::GroupSizes: {
        std::vector<int32_t> sizes = rowValues;
        if (!rowArrayForm)
          for (const ref::Shape &s : shapes)
            sizes.push_back(s.m);
        if (!deviceGroupSizes.empty())
          sizes.assign(deviceGroupSizes.begin(), deviceGroupSizes.end());
        if (int64_t(sizes.size()) != numGroups)
          return fail("--device-group-sizes needs one value per group");
        buffers.push_back(typedBuffer(sizes, {numGroups}));
        break;
      }
      default:
        break;
      }
    }
    if (role == Role::Alpha) {
      std::vector<float> alphas;
      for (const ref::Group &h : problem.groups)
        alphas.push_back(h.alpha);
      buffers.push_back(typedBuffer(alphas, {numGroups}));
    }
  }

  // Lower and JIT-compile; call through the C interface with descriptors.
  std::string name = fn.getName().str();
  for (func::FuncOp other : llvm::to_vector(module->getOps<func::FuncOp>()))
    if (other != fn)
      other.erase();
  fn->setAttr(LLVM::LLVMDialect::getEmitCWrapperAttrName(),
              UnitAttr::get(&context));
  // A private function (as drop-equivalent-buffer-results needs them) is
  // called too: the JIT looks its wrapper up by name.
  fn.setPublic();
  PassManager pm(&context);
  if (!passes.empty() && failed(parsePassPipeline(passes, pm)))
    return fail("bad --passes pipeline: " + passes);
  buildCPUPipeline(pm, CPUPipelineOptions());
  if (failed(pm.run(*module)))
    return fail("lowering with ggemm-cpu-pipeline failed");
  // ExecutionEngineOptions holds a function_ref: the std::function behind
  // it must outlive the engine (a temporary would dangle once the
  // statement ends).
  std::function<llvm::Error(llvm::Module *)> transformer =
      makeOptimizingTransformer(2, 0, nullptr);
  ExecutionEngineOptions engineOptions;
  engineOptions.transformer = transformer;
  auto engine = ExecutionEngine::create(*module, engineOptions);
  if (!engine)
    return fail("JIT: " + llvm::toString(engine.takeError()));
  std::vector<void *> descriptors, args;
  for (Buffer &buffer : buffers)
    descriptors.push_back(buffer.makeDescriptor());
  for (void *&d : descriptors)
    args.push_back(&d);
  // A failed run-time check (cf.assert) prints with puts and aborts: keep
  // stdout unbuffered so that its message is not lost.
  std::setvbuf(stdout, nullptr, _IONBF, 0);
  if (llvm::Error err = (*engine)->invokePacked("_mlir_ciface_" + name, args))
    return fail("call: " + llvm::toString(std::move(err)));

  // Check every element.
  std::vector<std::vector<uint16_t>> outputs(numGroups);
  int64_t untouchedBad = 0;
  for (auto [i, role] : llvm::enumerate(roles)) {
    if (role.first != Role::C)
      continue;
    const auto *c = reinterpret_cast<const uint16_t *>(buffers[i].bytes.data());
    if (listForm) {
      outputs[role.second].assign(c, c + shapes[role.second].m *
                                             shapes[role.second].n);
      continue;
    }
    // Each group's own rows; every other row (past the groups, past a
    // masked group's count) belongs to nobody and must keep the poison.
    int64_t n = shapes[0].n;
    std::vector<bool> mine(totalRows, false);
    for (int64_t g = 0; g < numGroups; ++g) {
      const ref::OwnedRows &rows = ownedRows[g];
      outputs[g].assign(c + rows.begin * n, c + (rows.begin + rows.rows) * n);
      std::fill(mine.begin() + rows.begin,
                mine.begin() + rows.begin + rows.rows, true);
    }
    for (int64_t e = 0; e < totalRows * n; ++e)
      untouchedBad += !mine[e / n] && c[e] != kPoison;
  }

  int64_t elements = 0, mismatches = 0, beyondBound = 0;
  double errF32 = 0, errF16 = 0, norm = 0;
  for (int64_t g = 0; g < numGroups; ++g) {
    for (size_t e = 0; e < outputs[g].size(); ++e) {
      uint16_t got = outputs[g][e], want = expected[g].f16[e];
      if (got != want) {
        double err = std::fabs(ref::halfBitsToFloat(got) - expected[g].exact[e]);
        beyondBound += !(err <= ref::reassociationTolerance(
                                    expected[g].exact[e], expected[g].absSum[e],
                                    shapes[g].k));
        if (mismatches < 5)
          llvm::errs() << "group " << g << " element (" << e / shapes[g].n
                       << ", " << e % shapes[g].n << "): got f16 0x"
                       << llvm::format_hex_no_prefix(got, 4) << " ("
                       << ref::halfBitsToFloat(got) << "), expected 0x"
                       << llvm::format_hex_no_prefix(want, 4) << " ("
                       << ref::halfBitsToFloat(want) << ")\n";
        ++mismatches;
      }
      double exact = expected[g].exact[e];
      if (!std::isinf(ref::halfBitsToFloat(want))) {
        errF32 += std::pow(expected[g].f32[e] - exact, 2);
        errF16 += std::pow(ref::halfBitsToFloat(got) - exact, 2);
        norm += exact * exact;
      }
    }
    elements += outputs[g].size();
  }
  double relF32 = norm > 0 ? std::sqrt(errF32 / norm) : 0;
  double relF16 = norm > 0 ? std::sqrt(errF16 / norm) : 0;
  bool ok = (exact ? mismatches == 0 : beyondBound == 0) && untouchedBad == 0 &&
            relF32 < 1e-5 && relF16 < 1e-3 && !std::isnan(relF16);

  llvm::outs() << name << ": " << numGroups << " groups, M = [";
  llvm::interleaveComma(shapes, llvm::outs(),
                        [](const ref::Shape &s) { llvm::outs() << s.m; });
  llvm::outs() << "], " << elements << " elements, f16 mismatches "
               << mismatches;
  if (!exact)
    llvm::outs() << " (" << beyondBound << " beyond the reassociation bound)";
  llvm::outs() << ", untouched rows overwritten " << untouchedBad
               << ", rel err f32-vs-double " << llvm::format("%.2e", relF32)
               << ", f16-vs-double " << llvm::format("%.2e", relF16) << "\n";
  if (!saveDir.empty()) {
    if (std::string err = saveProblem(problem, outputs, expected); !err.empty())
      return fail(err);
    if (rowArrayForm)
      if (std::string err = ref::writeGroupRowsNpy(saveDir, layout, rowValues);
          !err.empty())
        return fail(err);
  }
  llvm::outs() << (ok ? "PASS" : "FAIL") << "\n";
  return ok ? 0 : 1;
}
