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

LogicalResult mlir::ggemm::checkLaunchTensorMap(Operation *at, size_t i,
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
