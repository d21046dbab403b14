//===- KernelPlan.h - compile-time layout of the sm_90a kernel --*- C++ -*-===//
//
// Shared-memory layout and limits of the Hopper kernel, read by the target
// description and by the lowering.
//
//===----------------------------------------------------------------------===//

#ifndef GGEMM_TARGET_SM90_KERNELPLAN_H
#define GGEMM_TARGET_SM90_KERNELPLAN_H

#include "ggemm/Target/TargetInfo.h"

namespace mlir::ggemm {

// Dynamic shared memory: pair table [0, 1024), scale table [1024, 1536),
// the ring's 8-byte mbarriers from 1536 (full[s] at 1536 + 8 s, empty[s]
// after the full ones; at most 32 stages), stages from 2048. Everything
// lives in the one dynamic region: the kernel declares no static shared
// memory whose placement relative to it would be up to ptxas.
constexpr int64_t kSM90BarrierOffset = 1536;
constexpr int64_t kSM90TableBytes = 2048;

/// Threads of one CTA: 4 consumer warps, each a 64 x 64 quarter of a
/// 128 x 128 tile, and a TMA producer warp.
constexpr int64_t kSM90ConsumerThreads = 128;
constexpr int64_t kSM90Threads = kSM90ConsumerThreads + 32;

/// Dynamic shared memory the kernel needs (decode tables + stages).
int64_t sm90SharedMemoryBytes(const KernelProblem &problem);

/// Why the sm_90a lowering cannot take this problem, or "" if it can.
std::string sm90Unsupported(const KernelProblem &problem);

} // namespace mlir::ggemm

#endif // GGEMM_TARGET_SM90_KERNELPLAN_H
