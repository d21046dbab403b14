//===- Launch.h - the host side's launch description ------------*- C++ -*-===//
//
// Builds the #ggemm.launch attribute of a kernel from the target's plan, and
// writes the JSON manifest the CUDA-driver runtime reads from it
// (docs/kernel-abi.md).
//
//===----------------------------------------------------------------------===//

#ifndef GGEMM_TARGET_LAUNCH_H
#define GGEMM_TARGET_LAUNCH_H

#include "ggemm/Target/TargetInfo.h"

namespace mlir::ggemm {

/// The launch of kernel `kernel` for `problem` as planned by
/// TargetInfo::planKernel (`plan`).
LaunchAttr buildLaunch(MLIRContext *ctx, SymbolRefAttr kernel,
                       const KernelProblem &problem, KernelPlanAttr plan);

/// `name` with every character other than a letter, a digit or `_` made
/// `_`: a PTX identifier (when it does not start with a digit) and a file
/// stem that stays inside its directory. Kernel names
/// (`ggemm_<function>`) and exported file names are made with it.
std::string toIdentifier(StringRef name);

/// Whether the NVPTX backend can print `name` as a symbol: letters,
/// digits, `_` and `$`, not starting with a digit (PTX ISA, "Identifiers").
bool isPtxIdentifier(StringRef name);

/// Bytes of a split-K workspace before its first partial: the grid
/// barrier's word and padding (docs/kernel-abi.md, "Split-K workspace";
/// the runtime has its own copy, rt::kWorkspaceHeaderBytes).
inline constexpr int64_t kWorkspaceHeaderBytes = 128;

/// The parameter types of the kernel for `problem` (docs/kernel-abi.md):
/// tensor maps (128 bytes each), C pointers, SFA/SFB pointers, group sizes,
/// alpha, status (rows of A in, error flags out), and with split_k > 1 the
/// workspace (typed as its header), all in the global memory space. ggemm-outline-kernel makes the
/// kernel's signature from it; convert-ggemm-to-nvvm checks it.
SmallVector<Type> getKernelParamTypes(MLIRContext *ctx,
                                      const KernelProblem &problem);

/// The manifest of docs/kernel-abi.md for `launch`, naming `imageFile`
/// (the cubin or PTX written beside it).
std::string buildManifest(LaunchAttr launch, StringRef imageFile);

} // namespace mlir::ggemm

#endif // GGEMM_TARGET_LAUNCH_H
