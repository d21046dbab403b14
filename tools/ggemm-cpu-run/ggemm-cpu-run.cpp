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
// directly with memref descriptors over host buffers (Function.cpp).
//
// Checks (all must hold, else exit code 1; Check.cpp):
//   * f16 bits equal the reference's f16 rounding of its f32 K-order sum
//     (both add the same exact products in the same order);
//   * the reference f32 sum is within 1e-5 norm-relative error of the double
//     sum, and the f16 output within 1e-3 (f16 has an 11-bit significand);
//   * C is poisoned first: every element must be written, and in
//     rows<contiguous>, rows<offsets>, rows<masked> and rows<gathered> the
//     rows no group owns (past the groups, past a masked group's count, the
//     routed rows past the last offset) must stay poisoned;
//   * a row array with bad data (Rows.h: what a kernel clamps and flags)
//     must stop the run on the CPU lowering's cf.assert.
//
//===----------------------------------------------------------------------===//

#include "CpuRun.h"

#include "GGemm/GGemmDialect.h"
#include "ggemm/Reference/Npy.h"
#include "ggemm/Transforms/Passes.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/TargetSelect.h"

#include <cmath>
#include <filesystem>
#include <limits>

using namespace mlir;
using namespace mlir::ggemm;
using namespace ::ggemm::cpurun;
namespace cl = llvm::cl;

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
    cl::desc("rows<offsets> and rows<gathered>: the group_offsets buffer, "
             "each group's cumulative end row (torch's offs; gathered: among "
             "the routed rows, the rows of C); any int32, so that bad data "
             "(out of order, negative, past the rows) reaches the run-time "
             "check (default: DIR/group_offsets.npy with --load if it exists "
             "(gathered: it must), else the running sums of the files' rows; "
             "else seeded skewed rows: empty, 1, 300, one group up to 700)"),
    cl::value_desc("e0,e1,..."), cl::cat(toolCategory));
static cl::list<int32_t> groupCounts(
    "group-counts", cl::CommaSeparated,
    cl::desc("rows<masked>: the group_counts buffer, each group's real rows "
             "of its max_m; any int32 (default: DIR/group_counts.npy with "
             "--load if it exists, else the files' rows; else seeded skewed "
             "counts in [0, max_m])"),
    cl::value_desc("c0,c1,..."), cl::cat(toolCategory));
static cl::opt<int64_t> tokenRows(
    "token-rows",
    cl::desc("rows<gathered>: T, the token rows of A and SFA (default: A's "
             "static rows, or token_a.npy's rows with --load, else max(1, "
             "R / 2))"),
    cl::init(-1), cl::value_desc("T"), cl::cat(toolCategory));
static cl::list<int32_t> rowIndices(
    "row-indices", cl::CommaSeparated,
    cl::desc("rows<gathered>: the row_indices buffer, the token row of each "
             "routed row; their count is R, the rows of C. Any int32: an "
             "index outside [0, T) of a routed row some group owns is bad "
             "data on which the run stops (cf.assert); one of a routed row "
             "no group owns is never read (default: DIR/row_indices.npy with "
             "--load, else R = C's static rows or the last offset + 3 spare "
             "routed rows, indices seeded uniform in [0, T))"),
    cl::value_desc("i0,i1,..."), cl::cat(toolCategory));
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
             "group); rows<gathered> reads DIR/token_a.npy, token_sfa.npy "
             "(uint8, T x K/2 and T x K/16), row_indices.npy (int32, R), "
             "group_offsets.npy, b<g>.npy, sfb<g>.npy and alpha.npy, as "
             "gemm-run --save writes them"),
    cl::value_desc("DIR"), cl::cat(toolCategory));
static cl::opt<std::string>
    saveDir("save",
            cl::desc("write inputs (with group_offsets.npy or "
                     "group_counts.npy; rows<gathered>: the token matrix "
                     "and row_indices.npy too, and the gathered rows as "
                     "a<g>.npy, sfa<g>.npy), DIR/c<g>.npy (f16 output) and "
                     "DIR/ref<g>.npy (f16 reference); creates DIR"),
            cl::value_desc("DIR"), cl::cat(toolCategory));

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

  // The function that is called and its op (Function.cpp).
  Target target;
  if (int rc = findTarget(*module, funcName, target))
    return rc;
  func::FuncOp fn = target.fn;
  GroupedMatmulOp op = target.op;
  std::optional<std::vector<int32_t>> &constantRows = target.constantRows;

  // The problem: static shapes, or run-time sizes for rows<contiguous>
  // (--group-sizes, else the files' rows with --load, else seeded sizes).
  // (Lowering erases `op`: read everything needed from it up front.)
  int64_t numGroups = op.getNumGroups();
  bool listForm = op.isListForm();
  RowsKind rowsKind = op.getRows();
  std::string form = ("rows<" + stringifyRowsKind(rowsKind) + ">").str();
  // rows<offsets>, rows<masked> and rows<gathered>: the groups' rows come
  // from a run-time array of their own (offsets or counts), read as the
  // kernels read it (ggemm/Reference/Rows.h); rows<gathered> reads A
  // through row indices too (Gathered.cpp).
  bool masked = rowsKind == RowsKind::masked;
  bool gathered = rowsKind == RowsKind::gathered;
  bool rowArrayForm = rowsKind == RowsKind::offsets || masked || gathered;
  ref::RowLayout layout = masked     ? ref::RowLayout::Masked
                          : gathered ? ref::RowLayout::Gathered
                                     : ref::RowLayout::Offsets;
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
  if (!groupOffsets.empty() && rowsKind != RowsKind::offsets && !gathered)
    return fail("--group-offsets applies to rows<offsets>; this op has " +
                form + " (rows<gathered> takes it too)");
  if (!groupCounts.empty() && !masked)
    return fail("--group-counts applies to rows<masked>; this op has " + form);
  if (!gathered && (tokenRows.getNumOccurrences() || !rowIndices.empty()))
    return fail("--token-rows and --row-indices apply to rows<gathered>; "
                "this op has " +
                form);
  if (tokenRows.getNumOccurrences() &&
      (tokenRows < 0 || tokenRows > std::numeric_limits<int32_t>::max()))
    return fail("--token-rows needs an integer in [0, 2^31 - 1], not " +
                llvm::Twine(tokenRows.getValue()));
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
  // in rows<masked>. rows<gathered>: A's rows are T, C's R (either may be
  // static).
  auto staticRows = [](Value v) {
    int64_t rows = cast<MemRefType>(v.getType()).getDimSize(0);
    return ShapedType::isDynamic(rows) ? int64_t(-1) : rows;
  };
  int64_t capacity =
      listForm ? 0
      : masked ? numGroups * maxM
               : cast<MemRefType>(op.getA()[0].getType()).getDimSize(0);
  int64_t totalRows = 0;
  // rows<offsets>, rows<masked> and rows<gathered>: the array
  // (--group-offsets / --group-counts, else the --load file, else seeded
  // skewed rows), or unknown until --load has read the files' rows (not
  // rows<gathered>, whose folder holds its offsets).
  std::vector<int32_t> rowValues;
  bool arrayKnown = false;
  ref::GroupRows owned;
  ref::GatheredInputs tokens; // rows<gathered>: T, the indices, A and SFA
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
      if (gathered && !arrayKnown)
        return fail(loadDir + "/group_offsets.npy: a rows<gathered> op's "
                              "--load needs its offsets");
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
  // Checks the sizes against A and the host memory the run will take, so
  // that a huge problem is a message, not a failed allocation; once before
  // generating or loading, and again when --load has read the sizes.
  auto checkSizes = [&]() -> std::string {
    double bytes = ref::problemHostBytes(shapes);
    // Every group has group 0's N and K in the forms with one A.
    double n = shapes.empty() ? 0 : double(shapes.front().n);
    double rowBytes =
        shapes.empty() ? 0 : double(shapes.front().k) * (0.5 + 1.0 / 16);
    if (gathered) {
      // C and the indices (and the rows each reads) over the R routed
      // rows; the token matrix generated, kept and in its buffer.
      bytes += double(totalRows) * (2 * n + 12) +
               3.0 * double(tokens.tokenRows) * rowBytes;
    } else if (rowArrayForm) {
      // totalRows from resolveRows (0 while the files' rows are unknown);
      // A and SFA are laid out once (ref::layOutOneBuffer) before their
      // buffers copy them.
      bytes += double(totalRows) * (2 * rowBytes + 2 * n);
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
      bytes += double(totalRows) * (rowBytes + 2 * n);
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
  // Reads the array: the rows of A (static, or where the groups end plus 3
  // spare rows), each group's rows (bad entries clamped as the kernels
  // clamp them: the run then stops on the lowering's cf.assert).
  // rows<gathered>: R, T and the row indices first (Gathered.cpp), the
  // memory checked before anything sized by them.
  auto resolveRows = [&]() -> std::string {
    if (gathered) {
      ref::GatheredChoice choice;
      choice.tokenRows = tokenRows;
      choice.indices.assign(rowIndices.begin(), rowIndices.end());
      auto sizes = [&](int64_t routed, int64_t t) {
        totalRows = routed;
        tokens.tokenRows = t;
        return checkSizes();
      };
      if (std::string err = chooseGatheredRows(
              staticRows(op.getA()[0]), staticRows(op.getC()[0]), rowValues,
              shapes.front().k, choice, seed, loadDir, sizes, tokens);
          !err.empty())
        return err;
      totalRows = int64_t(tokens.indices.size());
      owned = tokens.read.rows;
    } else {
      int64_t end = ref::readGroupRows(layout, rowValues, -1, maxM).end;
      totalRows = !ShapedType::isDynamic(capacity) ? capacity : end + 3;
      if (totalRows > std::numeric_limits<int32_t>::max())
        return "the groups end at row " + std::to_string(end) +
               "; with 3 spare rows, A would pass 2^31 - 1 rows";
      owned = ref::readGroupRows(layout, rowValues, totalRows, maxM);
    }
    for (int64_t g = 0; g < numGroups; ++g)
      shapes[g].m = owned.groups[g].rows;
    return "";
  };
  if (arrayKnown)
    if (std::string err = resolveRows(); !err.empty())
      return fail(err);
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
  if (gathered) {
    // B and the token matrix (generated or --load), A gathered from it:
    // the seeds gemm-run uses, so that one seed is one problem in both.
    if (std::string err = ref::gatheredProblem(
            shapes, withAlpha, seed, seed * 2 + 1, loadDir, tokens, problem);
        !err.empty())
      return fail(err);
  } else if (!loadDir.empty()) {
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
  // rows<gathered>: the token matrix, filler in the token rows nobody
  // reads (ref::gatheredProblem).
  ref::OneBuffer one;
  std::vector<ref::OwnedRows> ownedRows; // every form but rows<list>
  // Bad data in the array the function gets: the run must stop.
  bool mustStop = rowArrayForm && owned.flags && deviceGroupSizes.empty();
  if (rowArrayForm) {
    if (!gathered)
      if (std::string err = ref::layOutOneBuffer(problem, owned.groups,
                                                 totalRows, seed * 2 + 1, one);
          !err.empty())
        return fail(err);
    ownedRows = owned.groups;
    llvm::outs() << "rows: " << ref::rowLayoutName(layout) << " "
                 << ref::groupRowsArrayName(layout) << " = [";
    llvm::interleaveComma(rowValues, llvm::outs());
    llvm::outs() << "], " << totalRows
                 << (gathered ? " routed rows (rows of C)" : " rows of A")
                 << "; the groups own";
    for (const ref::OwnedRows &rows : ownedRows)
      llvm::outs() << " [" << rows.begin << ", " << rows.begin + rows.rows
                   << ")";
    llvm::outs() << "\n";
    if (gathered)
      llvm::outs() << ref::describeGathered(tokens) << "\n";
    if (mustStop)
      llvm::outs() << "rows: bad data (flags "
                   << llvm::format_hex(owned.flags, 3) << ": "
                   << describeRowFlags(owned.flags, layout, tokens.tokenRows)
                   << "): the run must stop on the CPU lowering's "
                      "cf.assert\n";
    // A failed cf.assert aborts: let these lines out first.
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

  // Host buffers in the op's physical layout (Function.cpp).
  ArgumentRoles roles; // per function argument
  if (std::string err = argumentRoles(fn, op, roles); !err.empty())
    return fail(err);
  HostData data;
  data.problem = &problem;
  data.shapes = shapes;
  data.listForm = listForm;
  data.masked = masked;
  data.blocked = op.getScaleLayout() == ScaleLayout::blocked_128x4;
  data.one = rowArrayForm && !gathered ? &one : nullptr;
  data.gathered = gathered ? &tokens : nullptr;
  data.numGroups = numGroups;
  data.maxM = maxM;
  data.totalRows = totalRows;
  data.groupSizes = rowValues;
  if (!rowArrayForm)
    for (const ref::Shape &s : shapes)
      data.groupSizes.push_back(s.m);
  if (!deviceGroupSizes.empty())
    data.groupSizes.assign(deviceGroupSizes.begin(), deviceGroupSizes.end());
  std::vector<Buffer> buffers;
  if (std::string err = makeBuffers(roles, data, buffers); !err.empty())
    return fail(err);

  // Lower, JIT-compile and call (erases `op`).
  std::string name = fn.getName().str();
  if (std::string err = lowerAndCall(*module, fn, passes, buffers);
      !err.empty())
    return fail(err);
  if (mustStop) {
    llvm::outs() << name << ": the run did not stop on bad data (flags "
                 << llvm::format_hex(owned.flags, 3) << ")\nFAIL\n";
    return 1;
  }

  // Check every element (Check.cpp).
  std::vector<std::vector<uint16_t>> outputs;
  bool ok = checkOutputs(name, roles, buffers, shapes, listForm, ownedRows,
                         totalRows, expected, exact, outputs);
  if (!saveDir.empty()) {
    if (std::string err = saveProblem(saveDir, problem, outputs, expected);
        !err.empty())
      return fail(err);
    if (rowArrayForm)
      if (std::string err = ref::writeGroupRowsNpy(saveDir, layout, rowValues);
          !err.empty())
        return fail(err);
    if (gathered)
      if (std::string err =
              ref::writeGatheredNpy(saveDir, tokens, shapes.front().k);
          !err.empty())
        return fail(err);
  }
  llvm::outs() << (ok ? "PASS" : "FAIL") << "\n";
  return ok ? 0 : 1;
}
