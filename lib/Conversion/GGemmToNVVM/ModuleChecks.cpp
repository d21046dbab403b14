//===- ModuleChecks.cpp - what the GPU lowering cannot take ---------------===//
//
// See GPUModuleChecks.h: refusals, with locations, of gpu.module contents
// that would crash upstream's GPU lowering or the NVPTX backend instead of
// failing with a diagnostic.
//
//===----------------------------------------------------------------------===//

#include "ggemm/Conversion/GPUModuleChecks.h"
#include "ggemm/Target/Launch.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/Interfaces/FunctionInterfaces.h"

using namespace mlir;
using namespace mlir::ggemm;

/// The upstream GPU lowerings turn a memref's integer memory
/// space into an LLVM address space, which has 24 bits; a space outside
/// [0, 2^24) (`memref<4xi8, -1>` parses) crashes LLVM IR translation.
/// Refuses such memrefs anywhere in a gpu.module, with their location.
static LogicalResult checkAddressSpaces(Operation *root) {
  constexpr int64_t kAddressSpaces = int64_t{1} << 24;
  auto bad = [&](Type type) {
    bool found = false;
    type.walk([&](MemRefType memref) {
      if (auto space =
              dyn_cast_or_null<IntegerAttr>(memref.getMemorySpace())) {
        int64_t v = space.getValue().getSExtValue();
        found |= v < 0 || v >= kAddressSpaces;
      }
    });
    return found;
  };
  WalkResult result = root->walk([&](gpu::GPUModuleOp gpuModule) {
    return gpuModule.walk([&](Operation *op) {
      auto report = [&](Type type) {
        op->emitOpError() << "uses " << type
                          << ", whose memory space is not an LLVM address "
                             "space (0 to 2^24 - 1); the GPU lowering "
                             "cannot translate it";
        return WalkResult::interrupt();
      };
      for (Type t : op->getResultTypes())
        if (bad(t))
          return report(t);
      for (Type t : op->getOperandTypes())
        if (bad(t))
          return report(t);
      for (Region &region : op->getRegions())
        for (Block &block : region)
          for (BlockArgument arg : block.getArguments())
            if (bad(arg.getType()))
              return report(arg.getType());
      if (auto fn = dyn_cast<FunctionOpInterface>(op))
        if (bad(fn.getFunctionType()))
          return report(fn.getFunctionType());
      return WalkResult::advance();
    });
  });
  return failure(result.wasInterrupted());
}

/// The NVPTX backend aborts on a symbol it cannot print ("Symbol name
/// with unsupported characters"): refuses any symbol in a gpu.module
/// that is not a PTX identifier, with its location. ggemm-outline-kernel
/// never makes one; kernel-level input written by hand can.
static LogicalResult checkSymbolNames(Operation *root) {
  WalkResult result = root->walk([&](gpu::GPUModuleOp gpuModule) {
    return gpuModule.walk([&](SymbolOpInterface symbol) {
      if (symbol.getOperation() == gpuModule.getOperation() ||
          isPtxIdentifier(symbol.getName()))
        return WalkResult::advance();
      symbol->emitOpError()
          << "is named '" << symbol.getName()
          << "', which is not a PTX identifier (letters, digits, '_' and "
             "'$', not starting with a digit): the NVPTX backend cannot "
             "print it; rename it (ggemm-outline-kernel names kernels "
             "ggemm_<function>, other characters made '_')";
      return WalkResult::interrupt();
    });
  });
  return failure(result.wasInterrupted());
}

LogicalResult mlir::ggemm::checkGPUModulesLowerable(Operation *root) {
  return failure(failed(checkAddressSpaces(root)) ||
                 failed(checkSymbolNames(root)));
}
