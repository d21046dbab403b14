//===- GGemmKernel.cpp - the kernel level of ggemm ------------------------===//
//
// Verifiers of the kernel-level attributes and ops (GGemmKernel.td).
//
//===----------------------------------------------------------------------===//

#include "GGemm/GGemmOps.h"

#include "mlir/Interfaces/FunctionInterfaces.h"

using namespace mlir;
using namespace mlir::ggemm;

GroupShape KernelProblemAttr::getGroupShape(int64_t g) const {
  ArrayRef<int64_t> v = getGroups();
  int64_t m = v[3 * g];
  return {m < 0 ? ShapedType::kDynamic : m, v[3 * g + 1], v[3 * g + 2]};
}

LogicalResult
KernelProblemAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                          RowsKind rows, ScaleLayout scales,
                          bool alpha, ArrayRef<int64_t> groups,
                          ScheduleAttr schedule) {
  if (groups.empty() || groups.size() % 3 != 0)
    return emitError() << "groups must list (m, n, k) of at least one group; "
                          "it has "
                       << groups.size() << " values";
  // The rules of the problem level (GGemmOps.cpp), so that a kernel written
  // by hand cannot describe a shape ggemm.grouped_matmul refuses.
  for (size_t i = 0; i < groups.size(); i += 3) {
    int64_t m = groups[i], n = groups[i + 1], k = groups[i + 2];
    bool dynamicM = m == -1;
    if ((m < 0 && !dynamicM) || n <= 0 || k <= 0)
      return emitError() << "group " << i / 3 << " has (m, n, k) = (" << m
                         << ", " << n << ", " << k
                         << "); expected m >= 0 (or -1: run time), n, k > 0";
    if (m > kMaxDim || n > kMaxDim || k > kMaxDim)
      return emitError() << "group " << i / 3 << " has (m, n, k) = (" << m
                         << ", " << n << ", " << k
                         << "); sizes must be below 2^31 (32-bit indexing)";
    if (k % kKGranularity != 0)
      return emitError() << "group " << i / 3 << " has K = " << k
                         << "; K must be a multiple of " << kKGranularity;
    if (n % kNGranularity != 0)
      return emitError() << "group " << i / 3 << " has N = " << n
                         << "; N must be a multiple of " << kNGranularity;
    bool runTimeRows = rows == RowsKind::contiguous ||
                       rows == RowsKind::offsets ||
                       rows == RowsKind::gathered;
    if (dynamicM != runTimeRows)
      return emitError() << "group " << i / 3
                         << (dynamicM ? " has a run-time M (-1) but rows are "
                                        "rows<"
                                      : " has a static M but rows are rows<")
                         << stringifyRowsKind(rows)
                         << (dynamicM ? ">" : "> (sizes at run time)");
    if (rows == RowsKind::masked && m != groups[0])
      return emitError() << "group " << i / 3 << " has room for " << m
                         << " rows; in rows<masked> every group has max_m = "
                         << groups[0];
  }
  return success();
}

KernelProblemAttr mlir::ggemm::getEnclosingKernelProblem(Operation *op) {
  auto fn = op->getParentOfType<FunctionOpInterface>();
  return fn ? fn->getAttrOfType<KernelProblemAttr>(kProblemAttrName) : nullptr;
}

/// The `ggemm.problem` of the kernel around `op`, or a diagnostic.
static FailureOr<KernelProblemAttr> getKernelProblem(Operation *op) {
  KernelProblemAttr problem = getEnclosingKernelProblem(op);
  if (!problem)
    return op->emitOpError()
           << "must be inside an outlined kernel: a function with a '"
           << kProblemAttrName << "' #ggemm.kernel_problem attribute "
           << "(run ggemm-outline-kernel)";
  return problem;
}

/// A kernel tile op carries `split(..) work(..)` exactly when its kernel's
/// problem has split_k > 1.
template <typename OpTy>
static LogicalResult verifySplit(OpTy op) {
  FailureOr<KernelProblemAttr> problem = getKernelProblem(op);
  if (failed(problem))
    return failure();
  int64_t splitK = problem->getSchedule().getSplitK();
  bool hasSplit = bool(op.getSplit());
  if (hasSplit != bool(op.getWork()))
    return op.emitOpError("takes split and work together");
  if (hasSplit && splitK == 1)
    return op.emitOpError("has a K split, but its kernel's schedule has "
                          "split_k = 1");
  if (!hasSplit && splitK > 1)
    return op.emitOpError() << "needs split(..) work(..): its kernel's "
                               "schedule has split_k = "
                            << splitK;
  return success();
}

LogicalResult TileOp::verify() { return verifySplit(*this); }
LogicalResult LoadTileOp::verify() { return verifySplit(*this); }
LogicalResult ComputeTileOp::verify() { return verifySplit(*this); }

LogicalResult DecodeTokensOp::verify() {
  // A K tile is whole decode steps of 64 (two 32-code pieces each).
  int64_t tileK = getTileK();
  if (tileK < 64 || tileK > 1024 || tileK % 64 != 0)
    return emitOpError() << "tile_k = " << tileK
                         << " must be a multiple of 64 in [64, 1024]";
  if (!(*this)->getParentOfType<FunctionOpInterface>())
    return emitOpError("is the body of a decode kernel; it must be inside a "
                       "function");
  return success();
}

LogicalResult ReducePartialsOp::verify() {
  FailureOr<KernelProblemAttr> problem = getKernelProblem(*this);
  if (failed(problem))
    return failure();
  if (problem->getSchedule().getSplitK() == 1)
    return emitOpError("reduces split-K partials, but its kernel's schedule "
                       "has split_k = 1");
  if ((*this)->getParentOfType<WarpSpecializeOp>())
    return emitOpError("runs in every thread of the CTA; it must not be "
                       "inside ggemm.warp_specialize");
  return success();
}

LogicalResult GridBarrierOp::verify() {
  Operation *parent = (*this)->getParentOp();
  if (isa_and_nonnull<PersistentOp>(parent))
    return success();
  KernelProblemAttr problem = isa_and_nonnull<FunctionOpInterface>(parent)
                                  ? getEnclosingKernelProblem(*this)
                                  : nullptr;
  if (!problem)
    return emitOpError("must be directly in a ggemm.persistent body or in "
                       "the body of an outlined kernel");
  if (problem.getSchedule().getSplitK() == 1)
    return emitOpError("is in a kernel whose schedule has split_k = 1; only "
                       "split-K kernels have a workspace to synchronise on");
  return success();
}

LogicalResult PrefetchTileOp::verify() {
  FailureOr<KernelProblemAttr> problem = getKernelProblem(*this);
  if (failed(problem))
    return failure();
  if (int64_t(getKTiles()) > problem->getSchedule().getStages())
    return emitOpError() << "prefetches " << getKTiles()
                         << " K tiles; at most the schedule's "
                         << problem->getSchedule().getStages()
                         << " stages are useful";
  return success();
}

LogicalResult RingOp::verify() {
  int64_t stages = getRing().getType().getStages();
  if (stages < 1)
    return emitOpError("needs at least one stage");
  FailureOr<KernelProblemAttr> problem = getKernelProblem(*this);
  if (failed(problem))
    return failure();
  // The shared-memory plan of the kernel is sized for the schedule's stages.
  if (stages != problem->getSchedule().getStages())
    return emitOpError() << "has " << stages << " stages; the kernel's "
                         << "schedule has " << problem->getSchedule().getStages();
  return success();
}

LogicalResult
KernelPlanAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                       int64_t threads, int64_t sharedMemory,
                       int64_t tensorMemoryColumns, StringRef swizzle,
                       bool scaleMaps, ArrayRef<int64_t> alignment,
                       ArrayRef<RoleAttr> roles) {
  // The rules any plan obeys; whether it is the plan of its problem on its
  // chip is the target's to say (TargetInfo::verifyPlan).
  if (swizzle != "none" && swizzle != "128B")
    return emitError() << "swizzle must be \"none\" or \"128B\"; got \""
                       << swizzle << "\"";
  if (alignment.size() != std::size(kAlignedOperands))
    return emitError() << "alignment lists " << alignment.size()
                       << " values; it needs one for each of a, b, sfa, sfb, "
                          "c";
  for (auto [operand, bytes] : llvm::zip(kAlignedOperands, alignment))
    if (bytes < 1 || bytes > 256 || !llvm::isPowerOf2_64(bytes))
      return emitError() << "alignment of " << operand << " is " << bytes
                         << "; it must be a power of two in [1, 256]";
  if (roles.empty())
    return emitError() << "has no warp roles";
  int64_t warps = 0;
  for (RoleAttr role : roles)
    warps = std::max(warps, role.getFirstWarp() + role.getNumWarps());
  if (threads != 32 * warps)
    return emitError() << "has " << threads << " threads; its roles occupy "
                       << warps << " warps (" << 32 * warps << " threads)";
  if (sharedMemory < 0 || tensorMemoryColumns < 0)
    return emitError() << "shared_memory and tensor_memory_columns must not "
                          "be negative";
  return success();
}

LogicalResult LaunchKernelOp::verify() {
  if (getLaunch().getKernel() != getKernel())
    return emitOpError() << "launches " << getKernel()
                         << ", but its launch describes "
                         << getLaunch().getKernel();
  return getProblem().verify();
}

RoleAttr WarpSpecializeOp::getRoleOf(Operation *op) {
  for (Region *region = op->getParentRegion(); region;
       region = region->getParentRegion()) {
    auto ws = dyn_cast<WarpSpecializeOp>(region->getParentOp());
    if (ws)
      return cast<RoleAttr>(ws.getRoles()[region->getRegionNumber()]);
  }
  return nullptr;
}

LogicalResult WarpSpecializeOp::verify() {
  if (getRoles().size() != getBodies().size())
    return emitOpError() << "has " << getRoles().size() << " roles but "
                         << getBodies().size() << " regions";
  SmallVector<std::pair<int64_t, int64_t>> ranges;
  for (Attribute a : getRoles()) {
    auto role = cast<RoleAttr>(a);
    int64_t first = role.getFirstWarp(), count = role.getNumWarps();
    if (first < 0 || count < 1)
      return emitOpError() << "role '" << stringifyWarpRole(role.getRole())
                           << "' has no warps (first_warp " << first
                           << ", num_warps " << count << ")";
    for (auto [f, c] : ranges)
      if (first < f + c && f < first + count)
        return emitOpError() << "role '" << stringifyWarpRole(role.getRole())
                             << "' overlaps another role's warps";
    ranges.push_back({first, count});
    int64_t regs = role.getMaxRegisters();
    if (regs != 0 && (first % 4 != 0 || count % 4 != 0 || regs < 24 ||
                      regs > 256 || regs % 8 != 0))
      return emitOpError()
             << "role '" << stringifyWarpRole(role.getRole()) << "' sets "
             << regs
             << " registers; setmaxnreg takes a multiple of 8 in [24, 256] "
                "for whole warpgroups (4 warps from a multiple of 4)";
  }
  return success();
}
