//===- Plan.cpp - compile-time layout of the sm_90a kernel ----------------===//
//
// Shared memory of the Hopper kernel and the problems it cannot take.
//
//===----------------------------------------------------------------------===//

#include "ggemm/Target/SM90/KernelPlan.h"
#include "ggemm/Target/Launch.h"

#include "llvm/Support/MathExtras.h"

#include <algorithm>

using namespace mlir;
using namespace mlir::ggemm;

bool mlir::ggemm::sm90Predecoded(const KernelProblem &p) {
  return p.schedule.getPredecode();
}

bool mlir::ggemm::sm90WeightsInRegisters(const KernelProblem &p) {
  // With predecoded tokens the consumers decode nothing else, and the
  // fragments fit beside 256 tokens' accumulators.
  if (sm90Predecoded(p))
    return true;
  // Measured on an H100 (bench/RESULTS.md, 2026-12-06): 3-10% faster at 16
  // and 32 tokens; mixed at 64, where the 32 more accumulators make ptxas
  // spill. Two CTAs per SM leave 96 registers a thread: the fragments
  // spill there, and the kernel ran 1.3-2x slower.
  return p.schedule.getTileM() <= 32 &&
         TargetInfo::get(Chip::sm_90a).ctasPerSM(p.schedule) == 1;
}

bool mlir::ggemm::sm90ProducerWarpgroup(const KernelProblem &p) {
  return p.schedule.getTileM() > 128 || sm90Predecoded(p);
}

int64_t mlir::ggemm::sm90Threads(const KernelProblem &p) {
  return kSM90ConsumerThreads + (sm90ProducerWarpgroup(p) ? 128 : 32);
}

int64_t mlir::ggemm::sm90DecodeBufferBytes(const KernelProblem &p) {
  ScheduleAttr s = p.schedule;
  if (sm90Predecoded(p))
    return 0;
  int64_t rows = s.getTileM() + (sm90WeightsInRegisters(p) ? 0 : s.getTileN());
  return rows * kSM90DecodeK * 2;
}

int64_t mlir::ggemm::sm90EpilogueTokens(const KernelProblem &p) {
  // Predecoded tokens: 64 rows at a time leave the token ring room for
  // more slots at 256 tokens (5 with 2 stages, 4 with 3 or 4; 3 with the
  // whole tile staged) and so a relay lag of 3 or 2, not 1.
  int64_t tileM = p.schedule.getTileM();
  return sm90Predecoded(p) ? std::min<int64_t>(tileM, 64) : tileM;
}

int64_t mlir::ggemm::sm90DecodeRegionBytes(const KernelProblem &p) {
  ScheduleAttr s = p.schedule;
  return std::max(kSM90DecodeBuffers * sm90DecodeBufferBytes(p),
                  sm90EpilogueTokens(p) * (s.getTileN() * 2 + 16));
}

int64_t mlir::ggemm::sm90RingOffset(const KernelProblem &p) {
  return llvm::alignTo(kSM90DecodeOffset + sm90DecodeRegionBytes(p), 1024);
}

int64_t mlir::ggemm::sm90StageBytes(const KernelProblem &p) {
  ScheduleAttr s = p.schedule;
  int64_t rows = s.getTileN() + (sm90Predecoded(p) ? 0 : s.getTileM());
  return rows * s.getTileK() / 2;
}

int64_t mlir::ggemm::sm90TokenSlotBytes(const KernelProblem &p) {
  return p.schedule.getTileM() * kSM90DecodeK * 2;
}

int64_t mlir::ggemm::sm90TokenRingOffset(const KernelProblem &p) {
  return llvm::alignTo(sm90RingOffset(p) +
                           p.schedule.getStages() * sm90StageBytes(p),
                       1024);
}

int64_t mlir::ggemm::sm90TokenSlots(const KernelProblem &p) {
  if (!sm90Predecoded(p))
    return 0;
  int64_t room = kMaxDynamicSharedMemory - 1024 - sm90TokenRingOffset(p);
  return std::clamp<int64_t>(room / sm90TokenSlotBytes(p), 0,
                             kSM90MaxTokenSlots);
}

/// Decode steps (kSM90DecodeK wide) of a K tile.
static int64_t decodeSteps(const KernelProblem &p) {
  return p.schedule.getTileK() / kSM90DecodeK;
}

bool mlir::ggemm::sm90RelayedTokens(const KernelProblem &p) {
  return sm90Predecoded(p) && sm90TokenSlots(p) < decodeSteps(p) + 2;
}

int64_t mlir::ggemm::sm90RelayLag(const KernelProblem &p) {
  // The producer relays step c - lag once it has loaded step c, which
  // waited for the consumers to give back step c - slots; they give back
  // step c - lag - 2 before they wait for step c - lag (wgmma.wait_group 1
  // at its top), so lag <= slots - 2 keeps the two from waiting on each
  // other. And before a K tile's first step the producer loads its weights
  // into the stage of the K tile `stages` earlier, given back at that
  // tile's last step: lag <= steps x (stages - 1).
  return std::min(sm90TokenSlots(p) - 2,
                  decodeSteps(p) * (p.schedule.getStages() - 1));
}

int64_t mlir::ggemm::sm90SharedMemoryBytes(const KernelProblem &p) {
  // + 1024: the kernel rounds the region's base up to 1024 bytes (the
  // 128-byte swizzle's pattern repeats on 1024 bytes of address; the ISA
  // aligns dynamic shared memory to 16 bytes only).
  if (sm90Predecoded(p))
    return sm90TokenRingOffset(p) +
           std::max<int64_t>(sm90TokenSlots(p), 1) * sm90TokenSlotBytes(p) +
           1024;
  return sm90RingOffset(p) + p.schedule.getStages() * sm90StageBytes(p) +
         1024;
}

std::string mlir::ggemm::sm90Unsupported(const KernelProblem &p) {
  ScheduleAttr s = p.schedule;
  bool tokens = s.getTileM() >= 16 && s.getTileM() <= 256 &&
                llvm::isPowerOf2_64(s.getTileM());
  if (!tokens || s.getTileN() != 128 || s.getTileK() != 256)
    return "the sm_90a lowering takes tiles of 16, 32, 64, 128 or 256 tokens "
           "x 128 x 256 (two warpgroups of 64 weight rows x the tile's "
           "tokens, one 128-byte swizzled row of packed e2m1 per K tile); the "
           "schedule has " +
           std::to_string(s.getTileM()) + " x " +
           std::to_string(s.getTileN()) + " x " + std::to_string(s.getTileK());
  int64_t ctas = TargetInfo::get(Chip::sm_90a).ctasPerSM(s);
  if (sm90Predecoded(p)) {
    if (s.getSplitK() > 1)
      return "predecoded tokens take split_k = 1 (the decode kernel's "
             "workspace and a split-K workspace are not combined); the "
             "schedule has split_k = " +
             std::to_string(s.getSplitK());
    if (p.rows == RowsKind::gathered)
      return "predecoded tokens are not taken with rows<gathered> (the "
             "decode kernel writes the token rows, not the routed rows)";
    // The decode kernel runs one CTA row per operand set.
    int64_t sets = p.isListForm() ? int64_t(p.groups.size()) : 1;
    if (sets > kMaxTokenSets)
      return "predecoded tokens take at most " +
             std::to_string(kMaxTokenSets) +
             " operand sets (the decode kernel's grid has one CTA row per "
             "set); the problem has " +
             std::to_string(sets) + " groups in rows<list>";
    if (ctas > 1)
      return "predecoded tokens run one CTA per SM (the weights' fragments "
             "take the consumers' registers, 232 a thread with setmaxnreg); "
             "the schedule's grid of " +
             std::to_string(s.getGrid()) + " puts " + std::to_string(ctas) +
             " on each SM";
    // A slot is free once the wgmmas two steps later have waited for its
    // own (wgmma.wait_group 1): fewer than three slots let the producer
    // run no step ahead.
    if (sm90TokenSlots(p) < 3)
      return std::to_string(s.getStages()) + " stages leave room for " +
             std::to_string(sm90TokenSlots(p)) +
             " token slots of " + std::to_string(sm90TokenSlotBytes(p)) +
             " bytes; predecoded tokens need 3";
  }
  // The producer warpgroup's setmaxnreg budgets assume one CTA per SM, and
  // after a split-K kernel's grid barrier every thread would run the
  // reduction on the budget of its role.
  if (sm90ProducerWarpgroup(p) && s.getSplitK() > 1)
    return "the 256-token kernel takes split_k = 1 (its roles set their "
           "registers with setmaxnreg, and every thread runs a split-K "
           "reduction after them); the schedule has split_k = " +
           std::to_string(s.getSplitK());
  if (sm90ProducerWarpgroup(p) && ctas > 1)
    return "the 256-token kernel runs one CTA per SM (its consumers take 240 "
           "registers a thread with setmaxnreg); the schedule's grid of " +
           std::to_string(s.getGrid()) + " puts " + std::to_string(ctas) +
           " on each SM";
  if (s.getStages() > 32)
    return "the sm_90a kernel has room for 32 stages' barriers; the schedule "
           "has " +
           std::to_string(s.getStages());
  // TMA coordinates are 32-bit: B's rows in rows<contiguous> are G x N.
  int64_t bRows = p.isListForm() ? 0 : int64_t(p.groups.size()) * p.groups[0].n;
  if (bRows >= (int64_t{1} << 31))
    return "B has " + std::to_string(bRows) +
           " rows (G x N); TMA coordinates must stay below 2^31";
  if (sm90SharedMemoryBytes(p) > kMaxDynamicSharedMemory)
    return std::to_string(s.getStages()) + " stages of tile K " +
           std::to_string(s.getTileK()) + " need " +
           std::to_string(sm90SharedMemoryBytes(p)) +
           " bytes of shared memory; sm_90a has " +
           std::to_string(kMaxDynamicSharedMemory);
  return "";
}
