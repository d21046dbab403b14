//===- Function.cpp - the function ggemm-cpu-run calls, and its buffers ---===//
//
// Which function is run (a top-level func.func holding one ggemm op whose
// operands are its arguments), the host buffers each argument gets, and
// the lowering, JIT compilation and call through MLIR's ExecutionEngine
// with memref descriptors over those buffers.
//
//===----------------------------------------------------------------------===//

#include "CpuRun.h"

#include "GGemm/GGemmDialect.h"
#include "ggemm/Pipelines/Pipelines.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdio>
#include <functional>

using namespace mlir;
using namespace mlir::ggemm;

namespace ggemm::cpurun {

int fail(const llvm::Twine &message) {
  llvm::errs() << "ggemm-cpu-run: " << message << "\n";
  return 2;
}

void *Buffer::makeDescriptor() {
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

int findTarget(ModuleOp module, StringRef funcName, Target &out) {
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
  if (fn->getParentOp() != module.getOperation()) {
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
                op.getRows() == RowsKind::masked ||
                op.getRows() == RowsKind::gathered)) {
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
  out = {fn, op, std::move(constantRows)};
  return 0;
}

std::string argumentRoles(func::FuncOp fn, GroupedMatmulOp op,
                          ArgumentRoles &out) {
  out.clear();
  for (BlockArgument arg : fn.getArguments()) {
    auto find = [&](OperandRange range, Role role) {
      for (auto [i, v] : llvm::enumerate(range))
        if (v == arg)
          out.push_back({role, int64_t(i)});
    };
    size_t before = out.size();
    find(op.getA(), Role::A), find(op.getSfa(), Role::SFA);
    find(op.getB(), Role::B), find(op.getSfb(), Role::SFB);
    find(op.getC(), Role::C);
    if (arg == op.getGroupSizes())
      out.push_back({Role::GroupSizes, 0});
    if (arg == op.getRowIndices())
      out.push_back({Role::RowIndices, 0});
    if (arg == op.getAlpha())
      out.push_back({Role::Alpha, 0});
    if (out.size() != before + 1)
      return ("argument " + llvm::Twine(arg.getArgNumber()) + " of @" +
              fn.getName() + " must be used exactly once by the ggemm op")
          .str();
  }
  return "";
}

std::string makeBuffers(const ArgumentRoles &roles, const HostData &data,
                        std::vector<Buffer> &out) {
  out.clear();
  const ref::Problem &problem = *data.problem;
  auto scaleBuffer = [&](const std::vector<uint8_t> &codes, int64_t rows,
                         int64_t k) {
    if (!data.blocked)
      return bytesBuffer(codes, {rows, k / 16});
    SmallVector<int64_t, 4> shape = getBlockedScaleShape(rows, k);
    return bytesBuffer(ref::toBlocked(codes, rows, k / 16),
                       {shape.begin(), shape.end()});
  };
  int64_t numGroups = data.numGroups, totalRows = data.totalRows;
  for (auto [role, g] : roles) {
    const ref::Group *gr = &problem.groups[g];
    if (data.listForm) {
      switch (role) {
      case Role::A:
        out.push_back(bytesBuffer(gr->a, {gr->m, gr->k / 2}));
        break;
      case Role::B:
        out.push_back(bytesBuffer(gr->b, {gr->n, gr->k / 2}));
        break;
      case Role::SFA:
        out.push_back(scaleBuffer(gr->sfa, gr->m, gr->k));
        break;
      case Role::SFB:
        out.push_back(scaleBuffer(gr->sfb, gr->n, gr->k));
        break;
      case Role::C:
        out.push_back(typedBuffer(
            std::vector<uint16_t>(gr->m * gr->n, kPoison), {gr->m, gr->n}));
        break;
      default:
        break;
      }
    } else {
      // Rows of all groups back to back; B and SFB stacked over groups.
      auto concat = [&](auto member, int64_t rowBytes, bool padRows) {
        std::vector<uint8_t> bytes;
        for (const ref::Group &h : problem.groups)
          llvm::append_range(bytes, h.*member);
        if (padRows)
          bytes.resize(totalRows * rowBytes, 0);
        return bytes;
      };
      int64_t n = data.shapes[0].n, k = data.shapes[0].k;
      // A, SFA and C: totalRows rows, as G x max_m x ... in rows<masked>.
      auto rowShape = [&](int64_t cols) {
        return data.masked ? std::vector<int64_t>{numGroups, data.maxM, cols}
                           : std::vector<int64_t>{totalRows, cols};
      };
      const ref::GatheredInputs *tokens = data.gathered;
      switch (role) {
      case Role::A:
        out.push_back(
            tokens ? bytesBuffer(tokens->tokenA, {tokens->tokenRows, k / 2})
            : data.one
                ? bytesBuffer(data.one->a, rowShape(k / 2))
                : bytesBuffer(concat(&ref::Group::a, k / 2, true),
                              {totalRows, k / 2}));
        break;
      case Role::SFA:
        out.push_back(
            tokens
                ? bytesBuffer(tokens->tokenSfa, {tokens->tokenRows, k / 16})
            : data.one
                ? bytesBuffer(data.one->sfa, rowShape(k / 16))
                : bytesBuffer(concat(&ref::Group::sfa, k / 16, true),
                              {totalRows, k / 16}));
        break;
      case Role::B:
        out.push_back(bytesBuffer(concat(&ref::Group::b, 0, false),
                                  {numGroups, n, k / 2}));
        break;
      case Role::SFB:
        out.push_back(bytesBuffer(concat(&ref::Group::sfb, 0, false),
                                  {numGroups, n, k / 16}));
        break;
      case Role::C:
        out.push_back(typedBuffer(
            std::vector<uint16_t>(totalRows * n, kPoison), rowShape(n)));
        break;
      case Role::GroupSizes:
        if (int64_t(data.groupSizes.size()) != numGroups)
          return "--device-group-sizes needs one value per group";
        out.push_back(typedBuffer(data.groupSizes, {numGroups}));
        break;
      case Role::RowIndices:
        if (!tokens)
          return "row_indices without a gathered problem";
        out.push_back(typedBuffer(tokens->indices,
                                  {int64_t(tokens->indices.size())}));
        break;
      default:
        break;
      }
    }
    if (role == Role::Alpha) {
      std::vector<float> alphas;
      for (const ref::Group &h : problem.groups)
        alphas.push_back(h.alpha);
      out.push_back(typedBuffer(alphas, {numGroups}));
    }
  }
  return "";
}

std::string lowerAndCall(ModuleOp module, func::FuncOp fn, StringRef passes,
                         std::vector<Buffer> &buffers) {
  // Lower and JIT-compile; call through the C interface with descriptors.
  MLIRContext *context = module.getContext();
  std::string name = fn.getName().str();
  for (func::FuncOp other : llvm::to_vector(module.getOps<func::FuncOp>()))
    if (other != fn)
      other.erase();
  fn->setAttr(LLVM::LLVMDialect::getEmitCWrapperAttrName(),
              UnitAttr::get(context));
  // A private function (as drop-equivalent-buffer-results needs them) is
  // called too: the JIT looks its wrapper up by name.
  fn.setPublic();
  PassManager pm(context);
  if (!passes.empty() && failed(parsePassPipeline(passes, pm)))
    return ("bad --passes pipeline: " + passes).str();
  buildCPUPipeline(pm, CPUPipelineOptions());
  if (failed(pm.run(module)))
    return "lowering with ggemm-cpu-pipeline failed";
  // ExecutionEngineOptions holds a function_ref: the std::function behind
  // it must outlive the engine (a temporary would dangle once the
  // statement ends).
  std::function<llvm::Error(llvm::Module *)> transformer =
      makeOptimizingTransformer(2, 0, nullptr);
  ExecutionEngineOptions engineOptions;
  engineOptions.transformer = transformer;
  auto engine = ExecutionEngine::create(module, engineOptions);
  if (!engine)
    return "JIT: " + llvm::toString(engine.takeError());
  std::vector<void *> descriptors, args;
  for (Buffer &buffer : buffers)
    descriptors.push_back(buffer.makeDescriptor());
  for (void *&d : descriptors)
    args.push_back(&d);
  // A failed run-time check (cf.assert) prints with puts and aborts: keep
  // stdout unbuffered so that its message is not lost.
  llvm::outs().flush();
  std::setvbuf(stdout, nullptr, _IONBF, 0);
  if (llvm::Error err = (*engine)->invokePacked("_mlir_ciface_" + name, args))
    return "call: " + llvm::toString(std::move(err));
  return "";
}

} // namespace ggemm::cpurun
