//===- ExportKernels.cpp - the ggemm-export-kernels pass ------------------===//
//
// Writes the kernel images and manifests the CUDA-driver runtime loads, so
// that the GPU machine needs no LLVM/MLIR (docs/kernel-abi.md).
//
//===----------------------------------------------------------------------===//

#include "ggemm/Kernel/Passes.h"
#include "ggemm/Target/Launch.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/CompilationInterfaces.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#define DEBUG_TYPE "ggemm-export-kernels"

namespace mlir::ggemm {
#define GEN_PASS_DEF_GGEMMEXPORTKERNELS
#include "ggemm/Kernel/Passes.h.inc"
} // namespace mlir::ggemm

using namespace mlir;
using namespace mlir::ggemm;

namespace {

LogicalResult writeFile(Operation *op, StringRef path, StringRef bytes) {
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec, llvm::sys::fs::OF_None);
  if (ec)
    return op->emitError() << "cannot write " << path << ": " << ec.message();
  os << bytes;
  return success();
}

struct GGemmExportKernels final
    : public ggemm::impl::GGemmExportKernelsBase<GGemmExportKernels> {
  using GGemmExportKernelsBase::GGemmExportKernelsBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (dir.empty()) {
      // Option errors name the option, not the IR: no location, no dump.
      mlir::emitError(UnknownLoc::get(&getContext()))
          << "ggemm-export-kernels needs dir=<output directory>";
      return signalPassFailure();
    }
    if (std::error_code ec = llvm::sys::fs::create_directories(dir)) {
      mlir::emitError(UnknownLoc::get(&getContext()))
          << "ggemm-export-kernels: cannot create dir=" << dir << ": "
          << ec.message();
      return signalPassFailure();
    }
    // Each launch: a function's #ggemm.launch (the manifest's host), or
    // each ggemm.launch_kernel's (host-operands), named <func> for the
    // first of a function and <func>_<i> for the i-th after it.
    SmallVector<std::tuple<Operation *, LaunchAttr, std::string>> launches;
    module.walk([&](func::FuncOp fn) {
      std::string stem = toIdentifier(fn.getName());
      if (auto launch = fn->getAttrOfType<LaunchAttr>(kLaunchAttrName))
        launches.emplace_back(fn, launch, stem);
      int i = 0;
      fn.walk([&](LaunchKernelOp op) {
        launches.emplace_back(op, op.getLaunch(),
                              i ? stem + "_" + std::to_string(i) : stem);
        ++i;
      });
    });
    for (auto &[op, launch, stem] : launches) {
      if (failed(verifyLaunchPlan(op, launch)))
        return signalPassFailure();
      SymbolRefAttr kernel = launch.getKernel();
      auto binary =
          module.lookupSymbol<gpu::BinaryOp>(kernel.getRootReference());
      if (!binary || binary.getObjects().empty()) {
        op->emitOpError() << "has kernel " << kernel.getRootReference()
                          << " but no gpu.binary of it; run "
                             "gpu-module-to-binary first";
        return signalPassFailure();
      }
      auto object = cast<gpu::ObjectAttr>(binary.getObjects()[0]);
      bool isPtx = object.getFormat() == gpu::CompilationTarget::Assembly;
      if (!isPtx && object.getFormat() != gpu::CompilationTarget::Binary) {
        op->emitOpError("exports format bin (cubin) or isa (PTX) only");
        return signalPassFailure();
      }
      std::string image = stem + (isPtx ? ".ptx" : ".cubin");
      SmallString<128> imagePath(dir), jsonPath(dir);
      llvm::sys::path::append(imagePath, image);
      llvm::sys::path::append(jsonPath, stem + ".json");
      // The manifest names the image actually written.
      std::string text = buildManifest(launch, image) + "\n";
      if (failed(writeFile(op, imagePath, object.getObject().getValue())) ||
          failed(writeFile(op, jsonPath, text)))
        return signalPassFailure();
    }
    markAllAnalysesPreserved();
  }
};

} // namespace
