//===- LaunchChecks.cpp - what a #ggemm.launch must hold ------------------===//
//
// See LaunchHost.h: the checks ggemm-lower-launch makes of a launch's
// shape and tensor maps before it builds host code from them.
//
//===----------------------------------------------------------------------===//

#include "LaunchHost.h"

#include "GGemm/GGemmOps.h"

#include <cstdint>

using namespace mlir;
using namespace mlir::ggemm;

LogicalResult mlir::ggemm::checkLaunchShape(Operation *at, LaunchAttr launch) {
  auto check = [&](StringRef name, ArrayRef<int64_t> dims) -> LogicalResult {
    if (dims.size() == 3 && llvm::all_of(dims, [](int64_t d) {
          return d >= 1 && d <= INT32_MAX;
        }))
      return success();
    return at->emitOpError() << "has " << name << " = [" << dims
                            << "] in its #ggemm.launch; expected three "
                               "sizes from 1 to 2^31 - 1";
  };
  KernelPlanAttr plan = launch.getPlan();
  if (failed(check("grid", launch.getGrid())) ||
      failed(check("block", {plan.getThreads(), 1, 1})) ||
      failed(check("cluster", launch.getCluster())))
    return failure();
  if (launch.getCluster() != ArrayRef<int64_t>{1, 1, 1})
    return at->emitOpError()
           << "has a cluster launch (cluster = [" << launch.getCluster()
           << "]); ggemm-lower-launch launches without clusters";
  int64_t smem = plan.getSharedMemory();
  if (smem < 0 || smem > INT32_MAX)
    return at->emitOpError() << "has shared_memory = " << smem
                            << " in its #ggemm.launch; expected 0 to "
                               "2^31 - 1 bytes";
  return success();
}

/// Tensor map `i` of a launch of `sets` operand sets (`list`: one per
/// group): a dense rank-2 byte map of A (the token workspace's "tokens"
/// when `predecoded`), B, SFA or SFB of a set the problem has, whose rows
/// are known (or -1, the run-time rows of A and SFA of a one-buffer
/// problem), with a box TMA takes and a swizzle the kernels use; else an
/// error at `at`.
static LogicalResult checkLaunchTensorMap(Operation *at, size_t i,
                                          TensorMapAttr map, bool list,
                                          int64_t sets, bool predecoded) {
  ArrayRef<int64_t> dims = map.getDims(), box = map.getBox();
  if (dims.size() != 2 || box.size() != 2 || map.getStrides().size() != 1 ||
      dims[0] <= 0 || map.getStrides()[0] != dims[0])
    return at->emitOpError()
           << "tensor map " << i
           << " is not a dense rank-2 byte map (dims = [" << dims
           << "], strides = [" << map.getStrides() << "])";
  int64_t set = list ? map.getGroup() : 0;
  if (map.getGroup() < 0 || set >= sets)
    return at->emitOpError()
           << "tensor map " << i << " is of group " << map.getGroup()
           << "; the problem has " << sets << " operand set(s)";
  StringRef operand = map.getOperand();
  // Predecoded tokens: the kernel reads A decoded, through "tokens" maps of
  // the token workspace, in A's place.
  StringRef first = predecoded ? "tokens" : "a";
  if (operand != first && operand != "b" && operand != "sfa" &&
      operand != "sfb")
    return at->emitOpError() << "tensor map " << i << " is of operand '"
                            << operand << "'; expected " << first
                            << ", b, sfa or sfb"
                            << (predecoded ? " (the schedule predecodes the "
                                             "tokens)"
                                           : "");
  bool runTimeRows =
      !list && (operand == "a" || operand == "tokens" || operand == "sfa");
  if (dims[1] < 0 && !(dims[1] == -1 && runTimeRows))
    return at->emitOpError()
           << "tensor map " << i << " has " << dims[1]
           << " rows; only A and SFA of rows<contiguous> have rows known "
              "at run time (-1)";
  if (box[0] < 1 || box[0] > 256 || box[1] < 1 || box[1] > 256)
    return at->emitOpError() << "tensor map " << i << " has box = [" << box
                            << "]; TMA boxes are 1 to 256 elements a side";
  if (map.getSwizzle() != "128B" && map.getSwizzle() != "none")
    return at->emitOpError() << "tensor map " << i << " has swizzle '"
                            << map.getSwizzle() << "'; expected 128B or none";
  return success();
}

LogicalResult mlir::ggemm::checkPredecodedHost(Operation *at,
                                            LaunchAttr launch,
                                            bool callerStream) {
  // A decode kernel fills a token workspace of rows x K f16 first. A
  // self-contained launch allocates it beside its workspace; on a caller's
  // stream its size would grow with the rows, which the fixed-size
  // workspace argument does not.
  if (!callerStream || !launch.getProblem().getSchedule().getPredecode())
    return success();
  return at->emitOpError()
         << "launches a kernel with predecoded tokens on a caller's "
            "stream (host=stream): its decode kernel ("
         << tokensKernelName(launch.getKernel().getLeafReference().getValue())
         << ") writes a token workspace of rows x K f16, which grows "
            "with the rows and so does not fit the fixed-size "
            "workspace argument; use host=launch, or the manifest and "
            "ggemm's runtime (rt::enqueueOnStream takes a token "
            "workspace)";
}

LogicalResult mlir::ggemm::checkLaunchTensorMaps(Operation *at,
                                              LaunchAttr launch,
                                              KernelProblem &problem) {
  bool list = problem.isListForm();
  int64_t sets = list ? int64_t(problem.groups.size()) : 1;
  ArrayRef<TensorMapAttr> maps = launch.getTensorMaps();
  int64_t numMaps = maps.size();
  if (numMaps != 2 * sets && numMaps != 4 * sets)
    return at->emitOpError()
           << "has " << numMaps << " tensor maps for " << sets
           << " operand set(s); expected 2 or 4 per set";
  problem.scaleMaps = numMaps == 4 * sets;
  ScheduleAttr s = problem.schedule;
  for (auto [i, map] : llvm::enumerate(maps)) {
    if (failed(checkLaunchTensorMap(at, i, map, list, sets,
                                    s.getPredecode())))
      return failure();
    // A "tokens" map's rows are what the decode kernel writes into the
    // set's region.
    if (map.getOperand() != "tokens")
      continue;
    int64_t k = problem.groups[list ? map.getGroup() : 0].k;
    int64_t rowBytes = tokenRowBytes(k, s.getTileK());
    if (map.getDims()[0] != rowBytes)
      return at->emitOpError()
             << "tensor map " << i << " (tokens) has rows of "
             << map.getDims()[0] << " bytes; the decode kernel writes "
             << rowBytes << " (K = " << k
             << " rounded up to the K tile, as f16)";
  }
  return success();
}
