//===- SM100Kernel.cpp - the sm_100a tcgen05 kernel -----------------------===//
//
// Blackwell lowering of the persistent level (see SM100Kernel.h). The bit
// formats (instruction descriptor, shared-memory descriptors, Tensor Memory
// columns, scale-factor atoms) come from the encoders of
// include/ggemm/Target/SM100/Encodings.h, which are unit-tested against the
// PTX ISA tables; this file only places them.
//
// mbarriers (all in the dynamic shared-memory region):
//   full[s]      producer -> MMA: stage s holds K tile data. Arrivals: the
//                producer's arrive.expect_tx (TMA bytes), plus, with
//                row-major scales, one more once it wrote the scale atoms.
//   empty[s]     MMA -> producer: tcgen05.commit after the MMAs reading s.
//   accFull[b]   MMA -> epilogue: tcgen05.commit after a tile's last MMA.
//   accEmpty[b]  epilogue -> MMA: every epilogue thread arrives after its
//                tcgen05.ld of accumulator b completed.
//   scale        producer -> producer: TMA of the tile's row-major scale
//                rows landed in the staging area (only where every K is a
//                multiple of 256).
// Each role counts what it consumed (K tiles, output tiles) in a private
// counter; the counter picks the buffer and the phase parity to wait for.
//
//===----------------------------------------------------------------------===//

#include "SM100Kernel.h"

#include "ggemm/Target/SM100/Encodings.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace mlir::ggemm;
namespace sm100 = ::ggemm::sm100;

namespace {
constexpr int64_t kMmaK = sm100::kBlock16MmaK;      // 64 elements
constexpr int64_t kMmaKBytes = kMmaK / 2;           // 32 packed bytes
constexpr int64_t kAtomBytes = sm100::kSfAtomBytes; // 512
constexpr int64_t kSwizzleBytes = 128;              // one swizzled row
constexpr int64_t kMaxSharedMemory = 227 * 1024;    // sm_100a opt-in
constexpr int64_t kMaxRegisters = 255;              // per thread
// Registers of an epilogue thread besides its accumulator row: group
// facts, addresses, loop state (ptxas reports the real count; see the
// pipeline test, which asserts no spills).
constexpr int64_t kEpilogueOverhead = 40;
constexpr int64_t kProducerWarp = 0, kMmaWarp = 1, kFirstEpilogueWarp = 2;
constexpr int64_t kEpilogueThreads = 128;
} // namespace

std::string mlir::ggemm::planSM100Kernel(const KernelProblem &p,
                                         SM100Plan &plan) {
  ScheduleAttr s = p.schedule;
  auto str = [](int64_t v) { return std::to_string(v); };
  plan.tileM = s.getTileM();
  plan.tileN = s.getTileN();
  plan.tileK = s.getTileK();
  plan.stages = s.getStages();
  plan.blockedScales = p.scales == ScaleLayout::blocked_128x4;
  plan.kTail = llvm::any_of(
      p.groups, [&](const GroupShape &g) { return g.k % plan.tileK != 0; });
  if (plan.tileM != 128)
    return "tcgen05.mma with cta_group::1 computes M = 128 rows; the "
           "schedule has tile M " +
           str(plan.tileM);
  if (plan.tileK != 256)
    return "the kernel takes tile K = 256 (one 128-byte swizzled row of "
           "packed e2m1 per row, 4 MMAs of K = 64); the schedule has " +
           str(plan.tileK);
  if (plan.tileN % 16 != 0)
    return "tile N " + str(plan.tileN) + " must be a multiple of 16";
  sm100::InstrDescBlockScaled desc;
  desc.m = plan.tileM;
  desc.n = plan.tileN;
  if (std::string why = sm100::verifyInstrDescBlockScaled(desc); !why.empty())
    return "no tcgen05.mma block_scale for tile N " + str(plan.tileN) + ": " +
           why;
  plan.instrDesc = desc.encode();
  if (plan.blockedScales && plan.tileN != 128)
    return "blocked_128x4 scales are copied as one whole 128-row atom per "
           "tile and K step, so tile N must be 128; the schedule has " +
           str(plan.tileN);
  if (s.getSplitK() != 1)
    return "split-K is not lowered for sm_100a yet; schedule split_k = 1";
  int64_t bRows = p.listForm ? 0 : int64_t(p.groups.size()) * p.groups[0].n;
  if (bRows >= (int64_t{1} << 31))
    return "B has " + str(bRows) +
           " rows (G x N); TMA coordinates must stay below 2^31";

  // Tensor Memory: two accumulators, then one scale-factor slot per stage.
  plan.sfbAtoms =
      sm100::block16SfbColumnsPerMma(plan.tileN) / sm100::kSfAtomColumns;
  plan.sfColumnsPerStage = sm100::block16SfColumns(plan.tileN, plan.tileK);
  plan.tmemColumnsUsed = 2 * plan.tileN + plan.stages * plan.sfColumnsPerStage;
  plan.tmemAllocColumns = sm100::tmemAllocColumnsFor(plan.tmemColumnsUsed);
  if (plan.tmemAllocColumns == 0)
    return "needs " + str(plan.tmemColumnsUsed) +
           " Tensor Memory columns (2 accumulators of " + str(plan.tileN) +
           " + " + str(plan.stages) + " stages x " +
           str(plan.sfColumnsPerStage) +
           " scale-factor columns); sm_100a has " + str(sm100::kTmemColumns);

  // Shared memory.
  plan.aBytes = plan.tileM * plan.tileK / 2;
  plan.bBytes = plan.tileN * plan.tileK / 2;
  int64_t mmas = plan.tileK / kMmaK;
  plan.sfaBytes = mmas * kAtomBytes;
  plan.sfbBytes = mmas * plan.sfbAtoms * kAtomBytes;
  plan.scaleTma = !plan.blockedScales && !plan.kTail;
  plan.stageBytes = llvm::alignTo(
      plan.aBytes + plan.bBytes + plan.sfaBytes + plan.sfbBytes, 1024);
  // One staging area for TMA of row-major scale rows: the producer moves
  // them into the stage's atoms before it issues the next K tile's loads.
  plan.stagingOffset = plan.stages * plan.stageBytes;
  if (plan.scaleTma) {
    plan.rawSfaBytes = plan.tileM * plan.tileK / kScaleBlock;
    plan.rawSfbBytes = plan.tileN * plan.tileK / kScaleBlock;
  }
  plan.barrierOffset = plan.stagingOffset + plan.rawSfaBytes + plan.rawSfbBytes;
  // full[S], empty[S], accFull[2], accEmpty[2] (, scale).
  int64_t barriers = 2 * plan.stages + 4 + (plan.scaleTma ? 1 : 0);
  plan.tmemSlotOffset = plan.barrierOffset + 8 * barriers;
  plan.sharedBytes = plan.tmemSlotOffset + 16 + 1024;
  if (plan.sharedBytes > kMaxSharedMemory)
    return str(plan.stages) + " stages of " + str(plan.stageBytes) +
           " bytes need " + str(plan.sharedBytes) +
           " bytes of shared memory; sm_100a has " + str(kMaxSharedMemory);

  // Registers: the epilogue role holds one accumulator row (tile N f32) of
  // its TMEM lane at once, so that a single tcgen05.wait::ld frees the
  // accumulator for the next tile; the producer and MMA roles hold only
  // addresses and counters.
  plan.epilogueRegisters = plan.tileN + kEpilogueOverhead;
  if (plan.epilogueRegisters > kMaxRegisters)
    return "the epilogue role holds a " + str(plan.tileN) +
           "-column accumulator row per thread: about " +
           str(plan.epilogueRegisters) + " registers, above the " +
           str(kMaxRegisters) + " a thread can have";
  return "";
}

SM100KernelBuilder::SM100KernelBuilder(OpBuilder &b, Location loc,
                                       const KernelProblem &problem,
                                       const SM100Plan &plan, ValueRange params)
    : b(b), loc(loc), problem(problem), plan(plan), params(params) {
  // K-major operand tiles with 128B swizzling: rows of 128 bytes, 8-row
  // groups 1024 bytes apart; LBO is unused for swizzled K-major layouts
  // (section 9.7.16.3.1) and set to 16 bytes ("assumed 1").
  sm100::SmemDesc operand;
  operand.leadingByteOffset = 16;
  operand.strideByteOffset = 8 * kSwizzleBytes;
  operand.swizzle = sm100::SmemSwizzle::B128;
  operandDescBits = operand.encode();
  sfDescBits = sm100::sfAtomCopySmemDesc(0).encode();
}

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

Value SM100KernelBuilder::idx(int64_t v) {
  return arith::ConstantIndexOp::create(b, loc, v);
}
Value SM100KernelBuilder::i32(int64_t v) {
  return arith::ConstantOp::create(b, loc, b.getI32IntegerAttr(v));
}
Value SM100KernelBuilder::toI32(Value index) {
  return arith::IndexCastUIOp::create(b, loc, b.getI32Type(), index);
}
Value SM100KernelBuilder::loadCounter(Value counter) {
  return memref::LoadOp::create(b, loc, counter, idx(0));
}
void SM100KernelBuilder::storeCounter(Value counter, Value v) {
  memref::StoreOp::create(b, loc, v, counter, idx(0));
}
void SM100KernelBuilder::ifThen(Value cond, function_ref<void()> body) {
  scf::IfOp::create(b, loc, cond, [&](OpBuilder &, Location) {
    body();
    scf::YieldOp::create(b, loc);
  });
}

Value SM100KernelBuilder::sharedPtr(Value byteOffset) {
  return emitSharedGEP(b, loc, smemBase, byteOffset);
}

Value SM100KernelBuilder::sharedAddress(Value byteOffset) {
  return arith::AddIOp::create(
      b, loc, smemBase64,
      arith::IndexCastUIOp::create(b, loc, b.getI64Type(), byteOffset));
}

/// Offset of `part` (A, B, SFA, SFB: byte offsets inside a stage) of stage
/// `stage`.
Value SM100KernelBuilder::stageOffset(Value stage, int64_t part) {
  return arith::AddIOp::create(
      b, loc, arith::MulIOp::create(b, loc, stage, idx(plan.stageBytes)),
      idx(part));
}

Value SM100KernelBuilder::barrierAt(Value index) {
  return sharedPtr(arith::AddIOp::create(
      b, loc, arith::MulIOp::create(b, loc, index, idx(8)),
      idx(plan.barrierOffset)));
}
Value SM100KernelBuilder::fullBarrier(Value stage) { return barrierAt(stage); }
Value SM100KernelBuilder::emptyBarrier(Value stage) {
  return barrierAt(arith::AddIOp::create(b, loc, stage, idx(plan.stages)));
}
Value SM100KernelBuilder::accFullBarrier(Value buffer) {
  return barrierAt(arith::AddIOp::create(b, loc, buffer, idx(2 * plan.stages)));
}
Value SM100KernelBuilder::accEmptyBarrier(Value buffer) {
  return barrierAt(
      arith::AddIOp::create(b, loc, buffer, idx(2 * plan.stages + 2)));
}
Value SM100KernelBuilder::scaleBarrier() {
  return barrierAt(idx(2 * plan.stages + 4));
}

void SM100KernelBuilder::waitParity(Value barrier, Value parity) {
  NVVM::MBarrierTryWaitParityOp::create(b, loc, barrier, toI32(parity),
                                        i32(10000000));
}

void SM100KernelBuilder::waitReleased(Value barrier, Value phase) {
  waitParity(barrier, arith::XOrIOp::create(b, loc, phase, idx(1)));
}

SM100KernelBuilder::RingPosition
SM100KernelBuilder::ringPosition(Value count, int64_t size) {
  Value round = arith::DivUIOp::create(b, loc, count, idx(size));
  return {arith::RemUIOp::create(b, loc, count, idx(size)),
          arith::RemUIOp::create(b, loc, round, idx(2))};
}

/// A shared-memory descriptor: the fixed fields of `fixedBits` with the
/// start address `address` (i64 shared-window address), encoded as
/// (address & 0x3FFFF) >> 4 in bits 0-13 (Table 40).
Value SM100KernelBuilder::smemDescriptor(uint64_t fixedBits, Value address) {
  auto c64 = [&](uint64_t v) {
    return arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(v));
  };
  Value start = arith::ShRUIOp::create(
      b, loc, arith::AndIOp::create(b, loc, address, c64(0x3FFFF)), c64(4));
  return arith::OrIOp::create(b, loc, start, c64(fixedBits));
}

/// A Tensor Memory pointer from a 32-bit TMEM address (lane << 16 | col).
Value SM100KernelBuilder::tmemPtr(Value address) {
  return LLVM::IntToPtrOp::create(
      b, loc, LLVM::LLVMPointerType::get(b.getContext(), 6), address);
}

//===----------------------------------------------------------------------===//
// Prologue and teardown
//===----------------------------------------------------------------------===//

void SM100KernelBuilder::emitPrologue() {
  MLIRContext *ctx = b.getContext();
  auto workgroup =
      gpu::AddressSpaceAttr::get(ctx, gpu::AddressSpace::Workgroup);
  // Per-role progress: K tiles loaded (producer) and consumed (MMA), output
  // tiles through the accumulators (MMA and epilogue). First in the entry
  // block, where LLVM promotes allocas to registers.
  auto counter = [&] {
    Value c = memref::AllocaOp::create(b, loc,
                                       MemRefType::get({1}, b.getIndexType()));
    storeCounter(c, idx(0));
    return c;
  };
  loadIter = counter();
  mmaIter = counter();
  tileIter = counter();
  tid = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
  warp = arith::DivUIOp::create(b, loc, tid, idx(32));
  lane = arith::RemUIOp::create(b, loc, tid, idx(32));

  // The dynamic region, its base rounded up to 1024 bytes (128B-swizzled
  // TMA destinations and the descriptors' base offset 0 need that).
  Value smem = gpu::DynamicSharedMemoryOp::create(
      b, loc,
      MemRefType::get({ShapedType::kDynamic}, b.getI8Type(),
                      MemRefLayoutAttrInterface{}, workgroup));
  Value raw = arith::IndexCastUIOp::create(
      b, loc, b.getI64Type(),
      memref::ExtractAlignedPointerAsIndexOp::create(b, loc, smem));
  auto c64 = [&](int64_t v) {
    return arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(v));
  };
  smemBase64 = arith::AndIOp::create(
      b, loc, arith::AddIOp::create(b, loc, raw, c64(1023)),
      c64(~int64_t(1023)));
  smemBase = LLVM::IntToPtrOp::create(
      b, loc, LLVM::LLVMPointerType::get(ctx, 3), smemBase64);

  Value isThread0 =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, tid, idx(0));
  ifThen(isThread0, [&] {
    int64_t fullArrivals = plan.blockedScales ? 1 : 2;
    for (int64_t s = 0; s < plan.stages; ++s) {
      NVVM::MBarrierInitOp::create(b, loc, fullBarrier(idx(s)),
                                   i32(fullArrivals), Value());
      NVVM::MBarrierInitOp::create(b, loc, emptyBarrier(idx(s)), i32(1),
                                   Value());
    }
    if (plan.scaleTma)
      NVVM::MBarrierInitOp::create(b, loc, scaleBarrier(), i32(1), Value());
    for (int64_t buf = 0; buf < 2; ++buf) {
      NVVM::MBarrierInitOp::create(b, loc, accFullBarrier(idx(buf)), i32(1),
                                   Value());
      NVVM::MBarrierInitOp::create(b, loc, accEmptyBarrier(idx(buf)),
                                   i32(kEpilogueThreads), Value());
    }
    // Make the initialised barriers visible to the async proxy (TMA
    // complete_tx, tcgen05.commit).
    NVVM::FenceMbarrierInitOp::create(b, loc);
  });

  // Warp 1 allocates Tensor Memory (a warp-wide instruction) and writes its
  // address into shared memory for everyone.
  Value slot = sharedPtr(idx(plan.tmemSlotOffset));
  Value isMmaWarp = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                          warp, idx(kMmaWarp));
  ifThen(isMmaWarp, [&] {
    NVVM::Tcgen05AllocOp::create(b, loc, slot, i32(plan.tmemAllocColumns));
    NVVM::Tcgen05RelinquishAllocPermitOp::create(b, loc);
  });
  NVVM::Tcgen05FenceOp::create(b, loc,
                               NVVM::Tcgen05FenceKind::BEFORE_THREAD_SYNC);
  gpu::BarrierOp::create(b, loc);
  NVVM::Tcgen05FenceOp::create(b, loc,
                               NVVM::Tcgen05FenceKind::AFTER_THREAD_SYNC);
  tmemBase = LLVM::LoadOp::create(b, loc, b.getI32Type(), slot);
}

Value SM100KernelBuilder::isRole(Role role) {
  switch (role) {
  case Role::Producer:
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, warp,
                                 idx(kProducerWarp));
  case Role::Mma:
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, warp,
                                 idx(kMmaWarp));
  case Role::Epilogue:
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::uge, warp,
                                 idx(kFirstEpilogueWarp));
  }
  llvm_unreachable("unknown role");
}

void SM100KernelBuilder::emitRoleEnd(Role role) {
  if (role != Role::Producer)
    return;
  // The next round of the ring: wait for each stage's last release (the
  // parity a producer would wait for before reusing it).
  Value next = loadCounter(loadIter);
  for (int64_t i = 0; i < plan.stages; ++i) {
    RingPosition slot =
        ringPosition(arith::AddIOp::create(b, loc, next, idx(i)), plan.stages);
    waitReleased(emptyBarrier(slot.index), slot.phase);
  }
}

void SM100KernelBuilder::emitTeardown() {
  NVVM::Tcgen05FenceOp::create(b, loc,
                               NVVM::Tcgen05FenceKind::BEFORE_THREAD_SYNC);
  gpu::BarrierOp::create(b, loc);
  NVVM::Tcgen05FenceOp::create(b, loc,
                               NVVM::Tcgen05FenceKind::AFTER_THREAD_SYNC);
  ifThen(isRole(Role::Mma), [&] {
    NVVM::Tcgen05DeallocOp::create(b, loc, tmemPtr(tmemBase),
                                   i32(plan.tmemAllocColumns));
  });
}

void SM100KernelBuilder::emitTile(Role role, Value group, Value rowBase,
                                  Value m0, Value n0) {
  GroupFacts g = emitGroupFacts(b, loc, problem, params, group);
  switch (role) {
  case Role::Producer:
    return emitProducerTile(g, rowBase, m0, n0);
  case Role::Mma:
    return emitMmaTile(g);
  case Role::Epilogue:
    return emitEpilogueTile(g, rowBase, m0, n0);
  }
}

/// The K-tile loop of a role: K tile kt is the role's (first + kt)-th,
/// which selects stage (first + kt) % stages and the barrier phase parity
/// of that stage's round; validSteps is how many of the tile's 64-wide K
/// steps lie inside K.
void SM100KernelBuilder::forEachKTile(
    const GroupFacts &g, Value first,
    function_ref<void(Value kt, Value stage, Value phase, Value validSteps)>
        body) {
  int64_t mmas = plan.tileK / kMmaK;
  Value kSteps = arith::DivUIOp::create(b, loc, g.k, idx(kMmaK));
  scf::ForOp::create(
      b, loc, idx(0), g.kTiles, idx(1), ValueRange{},
      [&](OpBuilder &, Location, Value kt, ValueRange) {
        RingPosition slot =
            ringPosition(arith::AddIOp::create(b, loc, first, kt), plan.stages);
        Value validSteps = arith::MinUIOp::create(
            b, loc, idx(mmas),
            arith::SubIOp::create(
                b, loc, kSteps, arith::MulIOp::create(b, loc, kt, idx(mmas))));
        body(kt, slot.index, slot.phase, validSteps);
        scf::YieldOp::create(b, loc);
      });
}

//===----------------------------------------------------------------------===//
// Producer (warp 0)
//===----------------------------------------------------------------------===//

void SM100KernelBuilder::emitProducerTile(const GroupFacts &g, Value rowBase,
                                          Value m0, Value n0) {
  MLIRContext *ctx = b.getContext();
  Value rowA = arith::AddIOp::create(b, loc, rowBase, m0);
  Value rowB = arith::AddIOp::create(b, loc, g.bRowBase, n0);
  Value isLeader =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, lane, idx(0));
  Value first = loadCounter(loadIter);
  int64_t mmas = plan.tileK / kMmaK;

  forEachKTile(
      g, first, [&](Value kt, Value stage, Value phase, Value validSteps) {
        // Wait until the MMAs of the stage's previous round released it.
        waitReleased(emptyBarrier(stage), phase);
        ifThen(isLeader, [&] {
          Value full = fullBarrier(stage);
          Value bytes = idx(plan.aBytes + plan.bBytes);
          if (plan.blockedScales)
            bytes = arith::AddIOp::create(
                b, loc, bytes,
                arith::MulIOp::create(b, loc, validSteps, idx(2 * kAtomBytes)));
          NVVM::MBarrierArriveExpectTxOp::create(
              b, loc, Type(), full, toI32(bytes), NVVM::MemScopeKind::CTA,
              /*relaxed=*/false, Value());
          // TMA of one box (x = byte column, then row) to byte `offset` of
          // the region, completing on `bar`.
          auto tma = [&](Value map, Value x, Value row, Value offset,
                         Value bar) {
            NVVM::CpAsyncBulkTensorGlobalToSharedClusterOp::create(
                b, loc, emitClusterPtr(b, loc, sharedPtr(offset)),
                emitTensorMapPtr(b, loc, params[0], map),
                ValueRange{toI32(x), toI32(row)}, bar, ValueRange{}, Value(),
                Value(), NVVM::TMALoadMode::TILE, /*isCTAOnly=*/false,
                NVVM::CTAGroupKindAttr(), Value());
          };
          Value x = arith::MulIOp::create(b, loc, kt, idx(plan.tileK / 2));
          tma(g.mapA, x, rowA, stageOffset(stage, 0), full);
          tma(g.mapB, x, rowB, stageOffset(stage, plan.aBytes), full);
          if (plan.scaleTma) {
            // The tile's rows of row-major SFA and SFB: 16 bytes a row.
            Value scales = scaleBarrier();
            NVVM::MBarrierArriveExpectTxOp::create(
                b, loc, Type(), scales,
                i32(plan.rawSfaBytes + plan.rawSfbBytes),
                NVVM::MemScopeKind::CTA, /*relaxed=*/false, Value());
            Value xs = arith::MulIOp::create(b, loc, kt,
                                             idx(plan.tileK / kScaleBlock));
            tma(g.mapSfa, xs, rowA, idx(plan.stagingOffset), scales);
            tma(g.mapSfb, xs, rowB, idx(plan.stagingOffset + plan.rawSfaBytes),
                scales);
          }
          if (!plan.blockedScales)
            return;
          // blocked_128x4: the atoms of K blocks 16 kt .. 16 kt + 15 of the
          // tile's 128 rows are contiguous: one bulk copy per operand.
          auto global = LLVM::LLVMPointerType::get(ctx, 1);
          Value kAtoms = arith::DivUIOp::create(b, loc, g.k, idx(kMmaK));
          auto atoms = [&](Value base, Value row0, int64_t part) {
            Value atom = arith::AddIOp::create(
                b, loc,
                arith::MulIOp::create(
                    b, loc,
                    arith::DivUIOp::create(b, loc, row0,
                                           idx(sm100::kSfAtomRows)),
                    kAtoms),
                arith::MulIOp::create(b, loc, kt, idx(mmas)));
            Value src = arith::AddIOp::create(
                b, loc, base,
                arith::IndexCastUIOp::create(
                    b, loc, b.getI64Type(),
                    arith::MulIOp::create(b, loc, atom, idx(kAtomBytes))));
            NVVM::CpAsyncBulkGlobalToSharedClusterOp::create(
                b, loc,
                emitClusterPtr(b, loc, sharedPtr(stageOffset(stage, part))),
                LLVM::IntToPtrOp::create(b, loc, global, src), full,
                toI32(
                    arith::MulIOp::create(b, loc, validSteps, idx(kAtomBytes))),
                Value(), Value());
          };
          atoms(g.sfa, m0, plan.aBytes + plan.bBytes);
          atoms(g.sfb, n0, plan.aBytes + plan.bBytes + plan.sfaBytes);
        });
        if (plan.scaleTma)
          emitScaleTranspose(stage, arith::AddIOp::create(b, loc, first, kt));
        else if (!plan.blockedScales)
          emitScaleGather(g, kt, stage, rowBase, m0, n0);
      });
  storeCounter(loadIter, arith::AddIOp::create(b, loc, first, g.kTiles));
}

/// Stores `word`, the 4 factors of MMA `mma` of row 32 q + lane of the
/// tile, where the atom at `part` of the stage keeps them (Encodings.h,
/// sfAtomPosition: row r at byte (r % 32) * 16 + (r % 128) / 32 * 4).
void SM100KernelBuilder::storeScaleWord(Value word, Value stage, int64_t part,
                                        int64_t q, int64_t mma) {
  int64_t mmas = plan.tileK / kMmaK, atom = q / 4, quarter = q % 4;
  Value offset = arith::AddIOp::create(
      b, loc,
      stageOffset(stage, part + (atom * mmas + mma) * kAtomBytes + quarter * 4),
      arith::MulIOp::create(b, loc, lane, idx(16)));
  LLVM::StoreOp::create(b, loc, word, sharedPtr(offset), /*alignment=*/4);
}

/// After the producer warp wrote atoms with generic-proxy stores, which
/// tcgen05.cp (async proxy) reads: fence, then the warp's second arrival
/// on the full barrier.
void SM100KernelBuilder::publishScales(Value stage) {
  NVVM::FenceProxyOp::create(
      b, loc, NVVM::ProxyKind::async_shared,
      NVVM::SharedSpaceAttr::get(b.getContext(),
                                 NVVM::SharedSpace::shared_cta));
  NVVM::SyncWarpOp::create(b, loc, i32(-1));
  ifThen(arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, lane, idx(0)),
         [&] {
           NVVM::MBarrierArriveOp::create(b, loc, Type(), fullBarrier(stage),
                                          Value());
         });
}

/// Row-major scale factors loaded by TMA (every K a multiple of 256): the
/// staging area holds the tile's rows of SFA and SFB, 16 bytes each, the
/// word of MMA i at byte 4 i. TMA cannot write the atom layout itself (an
/// atom row interleaves rows r, r + 32, r + 64, r + 96), so once the bytes
/// landed (the scale barrier completes once per K tile the producer loaded:
/// the `loaded`-th completion has parity loaded % 2), lane l moves row
/// 32 q + l's words into the stage's atoms. Rows past the tensor arrive as
/// zeros (TMA fill), and atom rows past the tile get zeros: scale 0, never
/// a NaN code.
void SM100KernelBuilder::emitScaleTranspose(Value stage, Value loaded) {
  waitParity(scaleBarrier(), arith::RemUIOp::create(b, loc, loaded, idx(2)));
  int64_t mmas = plan.tileK / kMmaK;
  auto v4 = VectorType::get({mmas}, b.getI32Type());
  // Per 128-row atom: lane l loads its rows l, l + 32, l + 64, l + 96
  // (16 bytes each, zeros past the tile), then writes, for each MMA i, the
  // 16 bytes of atom row l: word i of each of the four rows.
  auto transpose = [&](int64_t from, int64_t rows, int64_t to) {
    Value zero = arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(v4, b.getI32IntegerAttr(0)));
    for (int64_t atom = 0; atom < (rows + 127) / 128; ++atom) {
      SmallVector<Value> quarters;
      for (int64_t q = 4 * atom; q < 4 * atom + 4; ++q) {
        Value row = arith::AddIOp::create(b, loc, lane, idx(32 * q));
        auto load = [&] {
          Value src = arith::AddIOp::create(
              b, loc, idx(plan.stagingOffset + from),
              arith::MulIOp::create(b, loc, row,
                                    idx(plan.tileK / kScaleBlock)));
          return LLVM::LoadOp::create(b, loc, v4, sharedPtr(src),
                                      /*alignment=*/16)
              .getResult();
        };
        if (32 * (q + 1) <= rows) {
          quarters.push_back(load());
        } else if (32 * q >= rows) {
          quarters.push_back(zero);
        } else {
          auto inside = scf::IfOp::create(
              b, loc,
              arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, row,
                                    idx(rows)),
              [&](OpBuilder &, Location) {
                scf::YieldOp::create(b, loc, load());
              },
              [&](OpBuilder &, Location) {
                scf::YieldOp::create(b, loc, zero);
              });
          quarters.push_back(inside.getResult(0));
        }
      }
      for (int64_t i = 0; i < mmas; ++i) {
        SmallVector<Value> words;
        for (Value quarter : quarters)
          words.push_back(vector::ExtractOp::create(b, loc, quarter, i));
        Value atomRow = vector::FromElementsOp::create(b, loc, v4, words);
        Value offset = arith::AddIOp::create(
            b, loc, stageOffset(stage, to + (atom * mmas + i) * kAtomBytes),
            arith::MulIOp::create(b, loc, lane, idx(16)));
        LLVM::StoreOp::create(b, loc, atomRow, sharedPtr(offset),
                              /*alignment=*/16);
      }
    }
  };
  transpose(0, plan.tileM, plan.aBytes + plan.bBytes);
  transpose(plan.rawSfaBytes, plan.tileN,
            plan.aBytes + plan.bBytes + plan.sfaBytes);
  publishScales(stage);
}

/// Row-major scale factors where some K is not a multiple of 256 (their
/// rows are not 16-byte aligned for TMA): the producer warp gathers them
/// with plain loads, lane l the word of each MMA of row 32 q + l. Rows
/// outside the group and K blocks past K read as 0 (scale 0, never NaN).
void SM100KernelBuilder::emitScaleGather(const GroupFacts &g, Value kt,
                                         Value stage, Value rowBase, Value m0,
                                         Value n0) {
  auto global = LLVM::LLVMPointerType::get(b.getContext(), 1);
  int64_t mmas = plan.tileK / kMmaK;
  Value kBlocks = arith::DivUIOp::create(b, loc, g.k, idx(kScaleBlock));
  auto gather = [&](Value base, Value globalRow0, Value tileRow0, Value limit,
                    int64_t rows, int64_t part) {
    for (int64_t q = 0; q < (rows + 31) / 32; ++q) {
      Value r = arith::AddIOp::create(b, loc, lane, idx(32 * q));
      Value valid = arith::CmpIOp::create(
          b, loc, arith::CmpIPredicate::ult,
          arith::AddIOp::create(b, loc, tileRow0, r), limit);
      if (rows % 32 != 0)
        valid = arith::AndIOp::create(
            b, loc, valid,
            arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, r,
                                  idx(rows)));
      Value rowStart = arith::MulIOp::create(
          b, loc, arith::AddIOp::create(b, loc, globalRow0, r), kBlocks);
      Value kb0 =
          arith::MulIOp::create(b, loc, kt, idx(plan.tileK / kScaleBlock));
      for (int64_t i = 0; i < mmas; ++i) {
        Value kb = arith::AddIOp::create(b, loc, kb0, idx(4 * i));
        Value ok = arith::AndIOp::create(
            b, loc, valid,
            arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, kb,
                                  kBlocks));
        auto load = scf::IfOp::create(
            b, loc, ok,
            [&](OpBuilder &, Location) {
              Value addr = arith::AddIOp::create(
                  b, loc, base,
                  arith::IndexCastUIOp::create(
                      b, loc, b.getI64Type(),
                      arith::AddIOp::create(b, loc, rowStart, kb)));
              Value word = LLVM::LoadOp::create(
                  b, loc, b.getI32Type(),
                  LLVM::IntToPtrOp::create(b, loc, global, addr),
                  /*alignment=*/4);
              scf::YieldOp::create(b, loc, word);
            },
            [&](OpBuilder &, Location) {
              scf::YieldOp::create(b, loc, i32(0));
            });
        storeScaleWord(load.getResult(0), stage, part, q, i);
      }
    }
  };
  gather(g.sfa, arith::AddIOp::create(b, loc, rowBase, m0), m0, g.m, plan.tileM,
         plan.aBytes + plan.bBytes);
  gather(g.sfb, arith::AddIOp::create(b, loc, g.bRowBase, n0), n0, g.n,
         plan.tileN, plan.aBytes + plan.bBytes + plan.sfaBytes);
  publishScales(stage);
}

//===----------------------------------------------------------------------===//
// MMA (warp 1)
//===----------------------------------------------------------------------===//

void SM100KernelBuilder::emitMmaTile(const GroupFacts &g) {
  int64_t mmas = plan.tileK / kMmaK;
  Value t = loadCounter(tileIter);
  RingPosition accumulator = ringPosition(t, 2);
  Value buffer = accumulator.index;
  // Wait until the epilogue drained this accumulator (tile t - 2).
  waitReleased(accEmptyBarrier(buffer), accumulator.phase);
  NVVM::Tcgen05FenceOp::create(b, loc,
                               NVVM::Tcgen05FenceKind::AFTER_THREAD_SYNC);
  Value accColumn =
      toI32(arith::MulIOp::create(b, loc, buffer, idx(plan.tileN)));
  Value acc = tmemPtr(arith::AddIOp::create(b, loc, tmemBase, accColumn));
  Value idesc = i32(plan.instrDesc);
  Value first = loadCounter(mmaIter);

  // Column offsets of one stage's scale factors (Encodings.h).
  sm100::Block16SfLayout sf;
  sf.n = plan.tileN;
  sf.kTile = plan.tileK;
  sf.sfaBaseColumn = 0;
  sf.sfbBaseColumn = mmas * sm100::kBlock16SfaColumnsPerMma;

  forEachKTile(
      g, first, [&](Value kt, Value stage, Value phase, Value validSteps) {
        waitParity(fullBarrier(stage), phase);
        NVVM::Tcgen05FenceOp::create(b, loc,
                                     NVVM::Tcgen05FenceKind::AFTER_THREAD_SYNC);
        Value elected =
            NVVM::ElectSyncOp::create(b, loc, b.getI1Type(), Value());
        ifThen(elected, [&] {
          Value sfColumn = arith::AddIOp::create(
              b, loc, tmemBase,
              toI32(arith::AddIOp::create(
                  b, loc, idx(2 * plan.tileN),
                  arith::MulIOp::create(b, loc, stage,
                                        idx(plan.sfColumnsPerStage)))));
          auto column = [&](uint32_t offset) {
            return tmemPtr(
                arith::AddIOp::create(b, loc, sfColumn, i32(offset)));
          };
          // Descriptors of the stage's parts: the start-address field of
          // the stage base plus part / 16 (shared addresses stay below
          // 2^18, so the 14-bit field does not carry).
          Value stageAddress = sharedAddress(stageOffset(stage, 0));
          Value operandBase = smemDescriptor(operandDescBits, stageAddress);
          Value sfBase = smemDescriptor(sfDescBits, stageAddress);
          auto at = [&](Value base, int64_t part) {
            return arith::AddIOp::create(
                b, loc, base,
                arith::ConstantOp::create(b, loc,
                                          b.getI64IntegerAttr(part >> 4)));
          };
          // Scale factors: shared memory -> Tensor Memory, one
          // 32x128b.warpx4 copy per 128-row atom (every lane quarter gets
          // a copy, as the MMA expects).
          int64_t sfa = plan.aBytes + plan.bBytes, sfb = sfa + plan.sfaBytes;
          auto copyAtom = [&](uint32_t tmemColumn, int64_t part) {
            NVVM::Tcgen05CpOp::create(
                b, loc, NVVM::Tcgen05CpShape::SHAPE_32x128b,
                NVVM::CTAGroupKind::CTA_1, NVVM::Tcgen05CpMulticast::WARPX4,
                NVVM::Tcgen05CpSrcFormatAttr(), column(tmemColumn),
                at(sfBase, part));
          };
          for (int64_t i = 0; i < mmas; ++i) {
            copyAtom(sm100::block16SfaAtomColumn(sf, i), sfa + i * kAtomBytes);
            for (int64_t a = 0; a < plan.sfbAtoms; ++a)
              copyAtom(sm100::block16SfbAtomColumn(sf, i, a),
                       sfb + (a * mmas + i) * kAtomBytes);
          }
          // The MMAs: K step i reads bytes 32 i .. 32 i + 31 of every
          // swizzled 128-byte row (the descriptor start advances inside
          // the swizzle atom; the base offset stays 0).
          for (int64_t i = 0; i < mmas; ++i) {
            auto issue = [&] {
              Value accumulate =
                  i == 0
                      ? arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne,
                                              kt, idx(0))
                            .getResult()
                      : arith::ConstantOp::create(b, loc, b.getBoolAttr(true))
                            .getResult();
              sm100::Block16MmaScaleOperands scales =
                  sm100::block16MmaScaleOperands(sf, i);
              NVVM::Tcgen05MMABlockScaleOp::create(
                  b, loc, NVVM::MMABlockScaleKind::MXF4NVF4,
                  NVVM::CTAGroupKind::CTA_1,
                  NVVM::Tcgen05MMABlockScale::BLOCK16,
                  NVVM::Tcgen05MMACollectorOp::DISCARD, acc,
                  at(operandBase, i * kMmaKBytes),
                  at(operandBase, plan.aBytes + i * kMmaKBytes), idesc,
                  accumulate, column(scales.sfaTmemAddress),
                  column(scales.sfbTmemAddress));
            };
            // Every K tile has its first K step; the others only where
            // some group's K is not a multiple of the tile.
            if (i == 0 || !plan.kTail) {
              issue();
              continue;
            }
            ifThen(arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult,
                                         idx(i), validSteps),
                   issue);
          }
          // Release the stage once these MMAs (and copies) completed.
          NVVM::Tcgen05CommitOp::create(b, loc, emptyBarrier(stage), Value());
        });
      });
  storeCounter(mmaIter, arith::AddIOp::create(b, loc, first, g.kTiles));
  Value elected = NVVM::ElectSyncOp::create(b, loc, b.getI1Type(), Value());
  ifThen(elected, [&] {
    NVVM::Tcgen05CommitOp::create(b, loc, accFullBarrier(buffer), Value());
  });
  storeCounter(tileIter, arith::AddIOp::create(b, loc, t, idx(1)));
}

//===----------------------------------------------------------------------===//
// Epilogue (warps 2-5)
//===----------------------------------------------------------------------===//

void SM100KernelBuilder::emitEpilogueTile(const GroupFacts &g, Value rowBase,
                                          Value m0, Value n0) {
  Value t = loadCounter(tileIter);
  RingPosition accumulator = ringPosition(t, 2);
  Value buffer = accumulator.index;
  waitParity(accFullBarrier(buffer), accumulator.phase);
  NVVM::Tcgen05FenceOp::create(b, loc,
                               NVVM::Tcgen05FenceKind::AFTER_THREAD_SYNC);

  // Warp w reaches TMEM lanes 32 (w % 4) .. + 31: its lane l holds row
  // 32 (w % 4) + l of the accumulator, one f32 column per cell.
  Value quarter = arith::RemUIOp::create(b, loc, warp, idx(4));
  Value rowInTile = arith::AddIOp::create(
      b, loc, arith::MulIOp::create(b, loc, quarter, idx(32)), lane);
  Value laneBits = toI32(arith::MulIOp::create(
      b, loc, quarter, idx(32 * 65536))); // lane 32 q in bits 31-16
  Value rowAddr = arith::AddIOp::create(
      b, loc, arith::AddIOp::create(b, loc, tmemBase, laneBits),
      toI32(arith::MulIOp::create(b, loc, buffer, idx(plan.tileN))));
  // The row in power-of-two pieces of at most 128 columns (tcgen05.ld
  // .32x32b.x16 .. .x128).
  SmallVector<std::pair<int64_t, Value>> pieces; // (first column, values)
  for (int64_t col = 0, left = plan.tileN; left > 0;) {
    int64_t width = 128;
    while (width > left)
      width /= 2;
    Value addr = arith::AddIOp::create(b, loc, rowAddr, i32(col));
    Value v = NVVM::Tcgen05LdOp::create(
        b, loc, VectorType::get({width}, b.getI32Type()), /*pack=*/false,
        NVVM::Tcgen05LdStShape::SHAPE_32X32B, tmemPtr(addr), Value());
    pieces.push_back({col, v});
    col += width;
    left -= width;
  }
  NVVM::Tcgen05WaitOp::create(b, loc, NVVM::Tcgen05WaitKind::LOAD);
  NVVM::Tcgen05FenceOp::create(b, loc,
                               NVVM::Tcgen05FenceKind::BEFORE_THREAD_SYNC);
  NVVM::MBarrierArriveOp::create(b, loc, Type(), accEmptyBarrier(buffer),
                                 Value());
  storeCounter(tileIter, arith::AddIOp::create(b, loc, t, idx(1)));

  // alpha, f16, 16-byte stores of 8 columns inside the group.
  Value row = arith::AddIOp::create(b, loc, m0, rowInTile);
  Value rowOk =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, row, g.m);
  auto global = LLVM::LLVMPointerType::get(b.getContext(), 1);
  ifThen(rowOk, [&] {
    Value rowStart = arith::MulIOp::create(
        b, loc, arith::AddIOp::create(b, loc, rowBase, row), g.n);
    for (auto [col0, values] : pieces) {
      int64_t width = cast<VectorType>(values.getType()).getDimSize(0);
      for (int64_t c = 0; c < width; c += 8) {
        Value col = arith::AddIOp::create(b, loc, n0, idx(col0 + c));
        Value colOk =
            arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, col, g.n);
        ifThen(colOk, [&] {
          SmallVector<int32_t> mask;
          for (int64_t e = 0; e < 8; ++e)
            mask.push_back(int32_t(c + e));
          Value words =
              LLVM::ShuffleVectorOp::create(b, loc, values, values, mask);
          Value v = arith::BitcastOp::create(
              b, loc, VectorType::get({8}, b.getF32Type()), words);
          if (g.alpha)
            v = arith::MulFOp::create(
                b, loc, v,
                vector::BroadcastOp::create(
                    b, loc, VectorType::get({8}, b.getF32Type()), g.alpha));
          Value half = arith::TruncFOp::create(
              b, loc, VectorType::get({8}, b.getF16Type()), v);
          Value addr = arith::AddIOp::create(
              b, loc, g.c,
              arith::IndexCastUIOp::create(
                  b, loc, b.getI64Type(),
                  arith::MulIOp::create(
                      b, loc, arith::AddIOp::create(b, loc, rowStart, col),
                      idx(2))));
          LLVM::StoreOp::create(b, loc, half,
                                LLVM::IntToPtrOp::create(b, loc, global, addr),
                                /*alignment=*/16);
        });
      }
    }
  });
}
