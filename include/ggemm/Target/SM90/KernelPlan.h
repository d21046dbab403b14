//===- KernelPlan.h - compile-time layout of the sm_90a kernel --*- C++ -*-===//
//
// Shared-memory layout and limits of the Hopper kernel, read by the target
// description and by the lowering (docs/sm90-kernel.md).
//
//===----------------------------------------------------------------------===//

#ifndef GGEMM_TARGET_SM90_KERNELPLAN_H
#define GGEMM_TARGET_SM90_KERNELPLAN_H

#include "ggemm/Target/TargetInfo.h"

namespace mlir::ggemm {

/// Consumer threads of one CTA: two warpgroups (decode + wgmma; warpgroup
/// w computes weight rows [64 w, 64 w + 64) of the tile against all of its
/// tokens). A TMA producer warp (or warpgroup: sm90ProducerWarpgroup)
/// follows them; sm90Threads counts the CTA.
constexpr int64_t kSM90ConsumerThreads = 256;

/// At 256 tokens a consumer thread holds 128 f32 accumulators, more than
/// the 168 registers ptxas gives each of 288 threads (an SM's scheduler
/// holds 16 K registers and three of the nine warps). The producer is then
/// a whole warpgroup (its first warp loads, the other three only wait),
/// which gives registers back with setmaxnreg so that the consumers get
/// more: 256 x 240 + 128 x 24 is what the CTA starts with, 384 x 168.
/// (With 232 ptxas spilled 28 bytes of test_03's kernel; 24 is
/// setmaxnreg's least.)
///
/// Predecoded tokens take the warpgroup at every tile size: each consumer
/// thread holds two steps of wgmma A fragments (32 registers) beside its
/// accumulators, and at 168 registers ptxas spilled 72-96 bytes of the
/// 128-token kernels of bench/problems.json's compute-bound shapes. Their
/// producer loads the token ring as well, and spills at 24 registers, so
/// they split 232 + 40 (no spill at 64 and 128 tokens).
bool sm90ProducerWarpgroup(const KernelProblem &problem);
constexpr int64_t kSM90ConsumerRegisters = 240;
constexpr int64_t kSM90ProducerRegisters = 24;
constexpr int64_t kSM90PredecodedConsumerRegisters = 232;
constexpr int64_t kSM90PredecodedProducerRegisters = 40;
/// Threads of one CTA: 288, or 384 with a producer warpgroup.
int64_t sm90Threads(const KernelProblem &problem);

/// The consumers decode each K tile in steps of this many K elements into
/// f16 operand buffers that wgmma reads.
constexpr int64_t kSM90DecodeK = 64;
/// How many such buffers alternate (see SM90Kernel.cpp).
constexpr int64_t kSM90DecodeBuffers = 2;

/// Dynamic shared memory, in order:
///   [0, 1024)      the 8-byte mbarriers: the ring's full[s] at 8 s and
///                  empty[s] at 8 (stages + s); with predecoded tokens the
///                  token slots' full[t] at 8 (2 stages + t) and empty[t] at
///                  8 (2 stages + slots + t);
///   [1024, ...)    two f16 operand buffers, each the tile's tokens then its
///                  weights (tokens only with weights in registers, none
///                  with predecoded tokens), kSM90DecodeK wide, in wgmma's
///                  K-major no-swizzle layout; after the K loop, the staged
///                  output tile;
///   ring offset    the stages (1024-aligned: TMA writes them 128B-swizzled),
///                  each the packed e2m1 token tile then the weight tile
///                  (the weight tile only with predecoded tokens);
///   token ring     with predecoded tokens: the slots (1024-aligned), each
///                  one decode step's f16 tokens (tile M rows of
///                  kSM90DecodeK, 128 bytes) as TMA lands them,
///                  128B-swizzled.
/// Everything lives in the one dynamic region: the kernel declares no static
/// shared memory whose placement relative to it would be up to ptxas.
constexpr int64_t kSM90BarrierOffset = 0;
constexpr int64_t kSM90DecodeOffset = 1024;

/// Whether the tokens come predecoded (the schedule's predecode): a decode
/// kernel writes them as f16 to a workspace once per problem, the producer
/// loads each decode step's tokens into a slot of the token ring by TMA,
/// and the consumers decode only the weights, into registers.
bool sm90Predecoded(const KernelProblem &problem);
/// Whether the consumers decode the weights straight into wgmma's A
/// register fragments (token tiles up to 32, one CTA per SM, or predecoded
/// tokens): then the f16 operand buffers hold only the tokens, and wgmma
/// reads the weights from registers.
bool sm90WeightsInRegisters(const KernelProblem &problem);
/// Token rows of the C tile the epilogue stages in shared memory at a time
/// (the decode region holds that many rows of C).
int64_t sm90EpilogueTokens(const KernelProblem &problem);
/// Bytes of one stage of the ring: the packed token and weight tiles, or
/// with predecoded tokens the weight tile only.
int64_t sm90StageBytes(const KernelProblem &problem);
/// With predecoded tokens: the token ring's slots (as many as fit beside
/// the stages, at most kSM90MaxTokenSlots), the bytes of one, and the
/// offset of slot 0.
constexpr int64_t kSM90MaxTokenSlots = 8;
int64_t sm90TokenSlots(const KernelProblem &problem);
int64_t sm90TokenSlotBytes(const KernelProblem &problem);
int64_t sm90TokenRingOffset(const KernelProblem &problem);
/// With predecoded tokens and fewer slots than a K tile's steps + 2 (256
/// tokens): the producer warp passes each slot's arrival (and at a
/// K tile's first step its stage's) on to the consumers through a named
/// barrier of the slot (kSM90TokenSlotBarrier + slot), for which they wait
/// with bar.sync instead of spinning on the mbarrier (docs/sm90-kernel.md,
/// "Predecoded tokens"). It does so `sm90RelayLag` steps after loading them.
bool sm90RelayedTokens(const KernelProblem &problem);
int64_t sm90RelayLag(const KernelProblem &problem);
constexpr int64_t kSM90TokenSlotBarrier = 2;
/// Bytes of one f16 operand buffer (the tokens of one decode step, then,
/// unless sm90WeightsInRegisters, its weights).
int64_t sm90DecodeBufferBytes(const KernelProblem &problem);
/// Bytes of the decode region: the operand buffers, and after the K loop the
/// staged output tile (sm90EpilogueTokens rows of tile N f16 and 16 bytes of
/// padding each).
int64_t sm90DecodeRegionBytes(const KernelProblem &problem);
/// Offset of stage 0 of the ring.
int64_t sm90RingOffset(const KernelProblem &problem);
/// Dynamic shared memory the kernel needs (barriers, buffers, stages, and
/// up to 1024 bytes before them: the offsets here count from the region's
/// base rounded up to 1024).
int64_t sm90SharedMemoryBytes(const KernelProblem &problem);

/// Why the sm_90a lowering cannot take this problem, or "" if it can.
std::string sm90Unsupported(const KernelProblem &problem);

} // namespace mlir::ggemm

#endif // GGEMM_TARGET_SM90_KERNELPLAN_H
