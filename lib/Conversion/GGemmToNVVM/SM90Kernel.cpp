//===- SM90Kernel.cpp - the sm_90a tile code ------------------------------===//
//
// Hopper lowering of one output tile (see SM90Kernel.h). Exactness: an e2m1
// value times an e4m3 scale has at most 6 significant bits and lies in
// [2^-10, 2688], so it is exact in bf16; bf16 x bf16 products are exact in
// the f32 accumulators; only the order of the f32 additions differs from
// the CPU reference.
//
// Layout of one CTA (128 threads): warp w computes rows (w % 2) * 64 and
// columns (w / 2) * 64 of the 128 x 128 tile as 4 x 8 mma.sync m16n8k16
// tiles. In an m16n8k16 fragment, lane l holds K elements 2 * (l % 4) + {0, 1}
// (and + 8) of row or column l / 4: two consecutive K elements, i.e. one
// packed byte, which one 256-entry table turns into a bf16 pair.
//
//===----------------------------------------------------------------------===//

#include "SM90Kernel.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace mlir::ggemm;

namespace {
// Shared memory: see kSM90TableBytes in ggemm/Target/SM90/KernelPlan.h.
constexpr int64_t kWarpTile = 64;     // rows and columns per warp
constexpr int64_t kMmaM = 16, kMmaN = 8, kMmaK = 16;
constexpr int64_t kFragsM = kWarpTile / kMmaM, kFragsN = kWarpTile / kMmaN;
} // namespace

SM90KernelBuilder::SM90KernelBuilder(OpBuilder &b, Location loc,
                                     const KernelProblem &problem,
                                     ValueRange params, SM90KernelState &state)
    : b(b), loc(loc), problem(problem), params(params), tid(state.tid),
      lane(state.lane), warpM(state.warpM), warpN(state.warpN),
      smem(state.smem), smemBase(state.smemBase), pairTable(state.pairTable),
      scaleTable(state.scaleTable), loadIter(state.loadIter),
      consumeIter(state.consumeIter) {
  ScheduleAttr s = problem.schedule;
  tileM = s.getTileM();
  tileN = s.getTileN();
  tileK = s.getTileK();
  stages = s.getStages();
  stageBytes = (tileM + tileN) * tileK / 2;
}

Value SM90KernelBuilder::idx(int64_t v) {
  return arith::ConstantIndexOp::create(b, loc, v);
}
Value SM90KernelBuilder::i32(int64_t v) {
  return arith::ConstantOp::create(b, loc, b.getI32IntegerAttr(v));
}

//===----------------------------------------------------------------------===//
// Prologue: shared memory, decode tables, mbarriers
//===----------------------------------------------------------------------===//

/// bf16 bits (in an i32) of the e2m1 code in the low 4 bits of `code`:
/// magnitude in halves is m (e = 0) or (2 + m) << (e - 1).
static Value e2m1ToBF16Bits(OpBuilder &b, Location loc, Value code) {
  auto c = [&](int64_t v) {
    return arith::ConstantOp::create(b, loc, b.getI32IntegerAttr(v));
  };
  Value e = arith::AndIOp::create(b, loc,
                                  arith::ShRUIOp::create(b, loc, code, c(1)),
                                  c(3));
  Value m = arith::AndIOp::create(b, loc, code, c(1));
  Value sign = arith::AndIOp::create(b, loc, code, c(8));
  Value normal = arith::ShLIOp::create(
      b, loc, arith::AddIOp::create(b, loc, m, c(2)),
      arith::SubIOp::create(b, loc, e, c(1)));
  Value isSub =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, e, c(0));
  Value halves = arith::SelectOp::create(b, loc, isSub, m, normal);
  Value mag = arith::MulFOp::create(
      b, loc, arith::UIToFPOp::create(b, loc, b.getF32Type(), halves),
      arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0.5f)));
  Value isNeg =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, sign, c(0));
  Value value = arith::SelectOp::create(
      b, loc, isNeg, arith::NegFOp::create(b, loc, mag), mag);
  Value bf = arith::TruncFOp::create(b, loc, b.getBF16Type(), value);
  Value bits = arith::BitcastOp::create(b, loc, b.getI16Type(), bf);
  return arith::ExtUIOp::create(b, loc, b.getI32Type(), bits);
}

/// bf16 of the e4m3 code `code` (i32): m * 2^-9 (e = 0) or
/// (8 + m) * 2^(e - 10); S.1111.111 is NaN.
static Value e4m3ToBF16(OpBuilder &b, Location loc, Value code) {
  auto c = [&](int64_t v) {
    return arith::ConstantOp::create(b, loc, b.getI32IntegerAttr(v));
  };
  Value e = arith::AndIOp::create(b, loc,
                                  arith::ShRUIOp::create(b, loc, code, c(3)),
                                  c(15));
  Value m = arith::AndIOp::create(b, loc, code, c(7));
  Value isSub =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, e, c(0));
  Value units = arith::SelectOp::create(
      b, loc, isSub, m, arith::AddIOp::create(b, loc, m, c(8)));
  // 2^(max(e, 1) - 10) as f32 bits: (max(e, 1) - 10 + 127) << 23.
  Value exp = arith::MaxUIOp::create(b, loc, e, c(1));
  Value pow2Bits = arith::ShLIOp::create(
      b, loc, arith::AddIOp::create(b, loc, exp, c(117)), c(23));
  Value pow2 = arith::BitcastOp::create(b, loc, b.getF32Type(), pow2Bits);
  Value mag = arith::MulFOp::create(
      b, loc, arith::UIToFPOp::create(b, loc, b.getF32Type(), units), pow2);
  Value isNeg = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne,
                                      arith::AndIOp::create(b, loc, code, c(128)),
                                      c(0));
  Value value = arith::SelectOp::create(
      b, loc, isNeg, arith::NegFOp::create(b, loc, mag), mag);
  Value isNaN = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                      arith::AndIOp::create(b, loc, code, c(127)),
                                      c(127));
  Value nan = arith::ConstantOp::create(
      b, loc, b.getF32FloatAttr(std::numeric_limits<float>::quiet_NaN()));
  value = arith::SelectOp::create(b, loc, isNaN, nan, value);
  return arith::TruncFOp::create(b, loc, b.getBF16Type(), value);
}

void SM90KernelBuilder::emitPrologue() {
  auto workgroup = gpu::AddressSpaceAttr::get(b.getContext(),
                                              gpu::AddressSpace::Workgroup);
  // K tiles each role moved through the ring so far (producer: loaded;
  // consumers: consumed): they pick the stage and the barrier phase across
  // the tiles of the persistent loop.
  for (Value *counter : {&loadIter, &consumeIter}) {
    *counter = memref::AllocaOp::create(
        b, loc, MemRefType::get({1}, b.getIndexType()));
    memref::StoreOp::create(b, loc, idx(0), *counter, idx(0));
  }
  tid = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
  lane = arith::RemUIOp::create(b, loc, tid, idx(32));
  Value warp = arith::DivUIOp::create(b, loc, tid, idx(32));
  warpM = arith::RemUIOp::create(b, loc, warp, idx(2));
  warpN = arith::DivUIOp::create(b, loc, warp, idx(2));
  smem = gpu::DynamicSharedMemoryOp::create(
      b, loc,
      MemRefType::get({ShapedType::kDynamic}, b.getI8Type(),
                      MemRefLayoutAttrInterface{}, workgroup));
  auto view = [&](int64_t offset, int64_t size, Type element) {
    return memref::ViewOp::create(
        b, loc, MemRefType::get({size}, element, MemRefLayoutAttrInterface{},
                                workgroup),
        smem, idx(offset), ValueRange{});
  };
  pairTable = view(0, 256, b.getI32Type());
  scaleTable = view(1024, 256, b.getBF16Type());

  // Each consumer thread fills two entries of each 256-entry table.
  Value isConsumer = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult,
                                           tid, idx(kSM90ConsumerThreads));
  scf::IfOp::create(b, loc, isConsumer, [&](OpBuilder &, Location) {
    for (int64_t half = 0; half < 2; ++half) {
      Value entry = arith::AddIOp::create(b, loc, tid,
                                          idx(half * kSM90ConsumerThreads));
      Value code = arith::IndexCastUIOp::create(b, loc, b.getI32Type(), entry);
      Value lo = e2m1ToBF16Bits(b, loc,
                                arith::AndIOp::create(b, loc, code, i32(15)));
      Value hi = e2m1ToBF16Bits(b, loc,
                                arith::ShRUIOp::create(b, loc, code, i32(4)));
      Value pair = arith::OrIOp::create(
          b, loc, lo, arith::ShLIOp::create(b, loc, hi, i32(16)));
      memref::StoreOp::create(b, loc, pair, pairTable, entry);
      memref::StoreOp::create(b, loc, e4m3ToBF16(b, loc, code), scaleTable,
                              entry);
    }
    scf::YieldOp::create(b, loc);
  });

  // The shared-window address of the region, for the NVVM ops that take
  // shared pointers (mbarriers, TMA destinations).
  Value base = memref::ExtractAlignedPointerAsIndexOp::create(b, loc, smem);
  Value base64 = arith::IndexCastUIOp::create(b, loc, b.getI64Type(), base);
  smemBase = LLVM::IntToPtrOp::create(
      b, loc, LLVM::LLVMPointerType::get(b.getContext(), 3), base64);
  Value isLeader =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, tid, idx(0));
  // full[s]: the producer's expect_tx (TMA bytes); empty[s]: each
  // consumer warp once it read the stage.
  scf::IfOp::create(b, loc, isLeader, [&](OpBuilder &, Location) {
    for (int64_t s = 0; s < stages; ++s) {
      NVVM::MBarrierInitOp::create(b, loc, fullBarrier(idx(s)), i32(1),
                                   Value());
      NVVM::MBarrierInitOp::create(b, loc, emptyBarrier(idx(s)),
                                   i32(kSM90ConsumerThreads / 32), Value());
    }
    scf::YieldOp::create(b, loc);
  });
  gpu::BarrierOp::create(b, loc);
}

void SM90KernelBuilder::ifProducerLeader(function_ref<void()> body) {
  Value isLeader = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                         lane, idx(0));
  scf::IfOp::create(b, loc, isLeader, [&](OpBuilder &, Location) {
    body();
    scf::YieldOp::create(b, loc);
  });
}

void SM90KernelBuilder::emitDrain() {
  Value next = memref::LoadOp::create(b, loc, loadIter, idx(0));
  for (int64_t i = 0; i < stages; ++i) {
    RingPosition slot = emitRingPosition(
        b, loc, arith::AddIOp::create(b, loc, next, idx(i)), stages);
    emitWaitReleased(b, loc, emptyBarrier(slot.index), slot.phase);
  }
}

//===----------------------------------------------------------------------===//
// Loads
//===----------------------------------------------------------------------===//

Value SM90KernelBuilder::sharedPtr(Value byteOffset) {
  return emitSharedGEP(b, loc, smemBase, byteOffset);
}

Value SM90KernelBuilder::fullBarrier(Value stage) {
  return sharedPtr(arith::AddIOp::create(
      b, loc, arith::MulIOp::create(b, loc, stage, idx(8)),
      idx(kSM90BarrierOffset)));
}

Value SM90KernelBuilder::emptyBarrier(Value stage) {
  return fullBarrier(arith::AddIOp::create(b, loc, stage, idx(stages)));
}

Value SM90KernelBuilder::stageView(Value stage, int64_t offset, int64_t rows,
                                   int64_t cols) {
  auto workgroup = gpu::AddressSpaceAttr::get(b.getContext(),
                                              gpu::AddressSpace::Workgroup);
  Value shift = arith::AddIOp::create(
      b, loc, arith::MulIOp::create(b, loc, stage, idx(stageBytes)),
      idx(kSM90TableBytes + offset));
  return memref::ViewOp::create(
      b, loc,
      MemRefType::get({rows, cols}, b.getI8Type(), MemRefLayoutAttrInterface{},
                      workgroup),
      smem, shift, ValueRange{});
}

void SM90KernelBuilder::emitProducerTile(Value group, Value rowBase,
                                         Value m0, Value n0) {
  GroupFacts g = emitGroupFacts(b, loc, problem, params, group);
  Value rowA = arith::AddIOp::create(b, loc, rowBase, m0);
  Value rowB = arith::AddIOp::create(b, loc, g.bRowBase, n0);
  Value first = memref::LoadOp::create(b, loc, loadIter, idx(0));
  emitRingLoop(b, loc, first, g.kTiles, stages, [&](Value kt, RingPosition at) {
    // Wait until the consumers released the stage's previous round.
    emitWaitReleased(b, loc, emptyBarrier(at.index), at.phase);
    ifProducerLeader([&] {
      Value full = fullBarrier(at.index);
      NVVM::MBarrierArriveExpectTxOp::create(b, loc, Type(), full,
                                             i32(stageBytes),
                                             NVVM::MemScopeKind::CTA,
                                             /*relaxed=*/false, Value());
      Value x = arith::MulIOp::create(b, loc, kt, idx(tileK / 2));
      Value stageStart = arith::AddIOp::create(
          b, loc, arith::MulIOp::create(b, loc, at.index, idx(stageBytes)),
          idx(kSM90TableBytes));
      emitTmaLoad(b, loc, sharedPtr(stageStart),
                  emitTensorMapPtr(b, loc, params[0], g.mapA), x, rowA, full);
      emitTmaLoad(b, loc,
                  sharedPtr(arith::AddIOp::create(b, loc, stageStart,
                                                  idx(tileM * tileK / 2))),
                  emitTensorMapPtr(b, loc, params[0], g.mapB), x, rowB, full);
    });
  });
  memref::StoreOp::create(b, loc,
                          arith::AddIOp::create(b, loc, first, g.kTiles),
                          loadIter, idx(0));
}

/// The scale code at (row, kb) of a row-major `? x ld` byte matrix at device
/// address `base`, as bf16. Rows and blocks past the limits are clamped: the
/// data they would scale is zero (TMA fill) or never stored.
Value SM90KernelBuilder::loadScale(Value base, Value row, Value rowLimit,
                                   Value kb, Value kbLimit, Value ld) {
  Value r = arith::MinUIOp::create(
      b, loc, row, arith::SubIOp::create(b, loc, rowLimit, idx(1)));
  Value k = arith::MinUIOp::create(
      b, loc, kb, arith::SubIOp::create(b, loc, kbLimit, idx(1)));
  Value offset = arith::AddIOp::create(
      b, loc, arith::MulIOp::create(b, loc, r, ld), k);
  Value addr = arith::AddIOp::create(
      b, loc, base, arith::IndexCastUIOp::create(b, loc, b.getI64Type(), offset));
  auto global = LLVM::LLVMPointerType::get(b.getContext(), 1);
  Value ptr = LLVM::IntToPtrOp::create(b, loc, global, addr);
  Value code = LLVM::LoadOp::create(b, loc, b.getI8Type(), ptr);
  Value entry = arith::IndexCastUIOp::create(
      b, loc, b.getIndexType(),
      arith::ExtUIOp::create(b, loc, b.getI32Type(), code));
  return memref::LoadOp::create(b, loc, scaleTable, entry);
}

//===----------------------------------------------------------------------===//
// One tile
//===----------------------------------------------------------------------===//

void SM90KernelBuilder::emitConsumerTile(Value group, Value rowBase,
                                         Value m0, Value n0) {
  GroupFacts g = emitGroupFacts(b, loc, problem, params, group);
  Value kBlocks = arith::DivUIOp::create(b, loc, g.k, idx(kScaleBlock));
  Value first = memref::LoadOp::create(b, loc, consumeIter, idx(0));

  // Four f32 accumulators per m16n8 fragment: (row q, cols 2c, 2c + 1) and
  // (row q + 8, same cols), q = lane / 4, c = lane % 4.
  constexpr int64_t kAccPerFrag = 4;
  Value zero = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0));
  SmallVector<Value> init(kFragsM * kFragsN * kAccPerFrag, zero);
  Value rowQ = arith::DivUIOp::create(b, loc, lane, idx(4));
  Value colQ = arith::RemUIOp::create(b, loc, lane, idx(4));
  Value warpRow = arith::MulIOp::create(b, loc, warpM, idx(kWarpTile));
  Value warpCol = arith::MulIOp::create(b, loc, warpN, idx(kWarpTile));

  auto kLoop = scf::ForOp::create(
      b, loc, idx(0), g.kTiles, idx(1), init,
      [&](OpBuilder &, Location, Value kt, ValueRange accIn) {
        RingPosition at = emitRingPosition(
            b, loc, arith::AddIOp::create(b, loc, first, kt), stages);
        Value stage = at.index;
        emitWaitParity(b, loc, fullBarrier(stage), at.phase);
        Value tileA = stageView(stage, 0, tileM, tileK / 2);
        Value tileB = stageView(stage, tileM * tileK / 2, tileN, tileK / 2);

        auto steps = scf::ForOp::create(
            b, loc, idx(0), idx(tileK / kMmaK), idx(1), accIn,
            [&](OpBuilder &, Location, Value ks, ValueRange acc) {
              Value kb = arith::AddIOp::create(
                  b, loc, arith::MulIOp::create(b, loc, kt, idx(tileK / kMmaK)),
                  ks);
              Value byteLo = arith::AddIOp::create(
                  b, loc, arith::MulIOp::create(b, loc, ks, idx(kMmaK / 2)),
                  colQ);
              Value byteHi = arith::AddIOp::create(b, loc, byteLo, idx(4));
              // A pair of bf16: decoded byte times the row's scale.
              auto pair = [&](Value tile, Value row, Value byte, Value scale) {
                Value raw = memref::LoadOp::create(b, loc, tile,
                                                   ValueRange{row, byte});
                Value entry = arith::IndexCastUIOp::create(
                    b, loc, b.getIndexType(),
                    arith::ExtUIOp::create(b, loc, b.getI32Type(), raw));
                Value bits = memref::LoadOp::create(b, loc, pairTable, entry);
                auto v2 = VectorType::get({2}, b.getBF16Type());
                Value values = vector::BitCastOp::create(
                    b, loc, v2,
                    vector::BroadcastOp::create(
                        b, loc, VectorType::get({1}, b.getI32Type()), bits));
                Value s = vector::BroadcastOp::create(b, loc, v2, scale);
                Value scaled = arith::MulFOp::create(b, loc, values, s);
                // The mma operand register: the bf16 pair as one b32.
                return vector::ExtractOp::create(
                           b, loc,
                           vector::BitCastOp::create(
                               b, loc, VectorType::get({1}, b.getI32Type()),
                               scaled),
                           0)
                    .getResult();
              };
              auto assemble = [](ArrayRef<Value> regs) {
                return SmallVector<Value>(regs);
              };
              SmallVector<SmallVector<Value>> aFrags, bFrags;
              for (int64_t i = 0; i < kFragsM; ++i) {
                Value r0 = arith::AddIOp::create(
                    b, loc, arith::AddIOp::create(b, loc, warpRow, idx(i * kMmaM)),
                    rowQ);
                Value r1 = arith::AddIOp::create(b, loc, r0, idx(8));
                auto scaleOf = [&](Value r) {
                  return loadScale(g.sfa,
                                   arith::AddIOp::create(b, loc, rowBase,
                                                         arith::AddIOp::create(b, loc, m0, r)),
                                   arith::AddIOp::create(b, loc, rowBase, g.m),
                                   kb, kBlocks, kBlocks);
                };
                Value s0 = scaleOf(r0), s1 = scaleOf(r1);
                aFrags.push_back(assemble({pair(tileA, r0, byteLo, s0),
                                           pair(tileA, r1, byteLo, s1),
                                           pair(tileA, r0, byteHi, s0),
                                           pair(tileA, r1, byteHi, s1)}));
              }
              for (int64_t j = 0; j < kFragsN; ++j) {
                Value c = arith::AddIOp::create(
                    b, loc, arith::AddIOp::create(b, loc, warpCol, idx(j * kMmaN)),
                    rowQ);
                Value s = loadScale(
                    g.sfb,
                    arith::AddIOp::create(b, loc, g.bRowBase,
                                          arith::AddIOp::create(b, loc, n0, c)),
                    arith::AddIOp::create(b, loc, g.bRowBase, g.n), kb, kBlocks,
                    kBlocks);
                bFrags.push_back(assemble({pair(tileB, c, byteLo, s),
                                           pair(tileB, c, byteHi, s)}));
              }
              SmallVector<Value> out;
              Type f32 = b.getF32Type();
              auto resultType = LLVM::LLVMStructType::getLiteral(
                  b.getContext(), {f32, f32, f32, f32});
              for (int64_t i = 0; i < kFragsM; ++i)
                for (int64_t j = 0; j < kFragsN; ++j) {
                  ValueRange c =
                      acc.slice((i * kFragsN + j) * kAccPerFrag, kAccPerFrag);
                  Value d = NVVM::MmaOp::create(
                      b, loc, resultType, aFrags[i], bFrags[j], c,
                      ArrayRef<int64_t>{kMmaM, kMmaN, kMmaK}, std::nullopt,
                      std::nullopt,
                      std::array<NVVM::MMATypes, 2>{NVVM::MMATypes::bf16,
                                                    NVVM::MMATypes::bf16},
                      std::array<NVVM::MMALayout, 2>{NVVM::MMALayout::row,
                                                     NVVM::MMALayout::col});
                  for (int64_t e = 0; e < kAccPerFrag; ++e)
                    out.push_back(LLVM::ExtractValueOp::create(b, loc, d, e));
                }
              scf::YieldOp::create(b, loc, out);
            });

        // This warp is done with the stage: once all its lanes' reads are
        // done (bar.warp.sync), lane 0 gives one of the empty barrier's
        // four arrivals; the producer refills the stage after all four.
        NVVM::SyncWarpOp::create(b, loc, i32(-1));
        scf::IfOp::create(
            b, loc,
            arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, lane,
                                  idx(0)),
            [&](OpBuilder &, Location) {
              NVVM::MBarrierArriveOp::create(b, loc, Type(),
                                             emptyBarrier(stage), Value());
              scf::YieldOp::create(b, loc);
            });
        scf::YieldOp::create(b, loc, steps.getResults());
      });
  memref::StoreOp::create(b, loc,
                          arith::AddIOp::create(b, loc, first, g.kTiles),
                          consumeIter, idx(0));

  // Epilogue: alpha, round to f16, store the pairs inside the group.
  for (int64_t i = 0; i < kFragsM; ++i)
    for (int64_t j = 0; j < kFragsN; ++j)
      for (int64_t h = 0; h < 2; ++h) {
        Value row = arith::AddIOp::create(
            b, loc, m0,
            arith::AddIOp::create(
                b, loc, warpRow,
                arith::AddIOp::create(b, loc, rowQ, idx(i * kMmaM + h * 8))));
        Value col = arith::AddIOp::create(
            b, loc, n0,
            arith::AddIOp::create(
                b, loc, warpCol,
                arith::AddIOp::create(
                    b, loc, idx(j * kMmaN),
                    arith::MulIOp::create(b, loc, colQ, idx(2)))));
        Value inside = arith::AndIOp::create(
            b, loc,
            arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, row, g.m),
            arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, col, g.n));
        int64_t slot = (i * kFragsN + j) * kAccPerFrag + 2 * h;
        Value pairAcc = vector::FromElementsOp::create(
            b, loc, VectorType::get({2}, b.getF32Type()),
            ValueRange{kLoop.getResult(slot), kLoop.getResult(slot + 1)});
        scf::IfOp::create(b, loc, inside, [&](OpBuilder &, Location) {
          Value element = arith::AddIOp::create(
              b, loc,
              arith::MulIOp::create(
                  b, loc, arith::AddIOp::create(b, loc, rowBase, row), g.n),
              col);
          emitF16Store(b, loc, g, pairAcc, element, /*alignment=*/4);
          scf::YieldOp::create(b, loc);
        });
      }
}

//===----------------------------------------------------------------------===//
// Patterns: the roles' ops
//===----------------------------------------------------------------------===//

namespace {

/// Lowers one kernel op of the sm_90a roles with a builder on the rewriter.
template <typename OpTy>
struct SM90RolePattern : public OpRewritePattern<OpTy> {
  SM90RolePattern(MLIRContext *ctx, const KernelProblem &problem,
                  ValueRange params, SM90KernelState &state)
      : OpRewritePattern<OpTy>(ctx), problem(problem), params(params),
        state(state) {}

  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    SM90KernelBuilder builder(rewriter, op.getLoc(), problem, params, state);
    if constexpr (std::is_same_v<OpTy, LoadTileOp>)
      builder.emitProducerTile(op.getGroup(), op.getRowBase(), op.getM0(),
                               op.getN0());
    else if constexpr (std::is_same_v<OpTy, ComputeTileOp>)
      builder.emitConsumerTile(op.getGroup(), op.getRowBase(), op.getM0(),
                               op.getN0());
    else
      builder.emitDrain();
    rewriter.eraseOp(op);
    return success();
  }

  const KernelProblem &problem;
  ValueRange params;
  SM90KernelState &state;
};

} // namespace

void mlir::ggemm::populateSM90KernelPatterns(RewritePatternSet &patterns,
                                             const KernelProblem &problem,
                                             ValueRange params,
                                             SM90KernelState &state) {
  patterns.add<SM90RolePattern<LoadTileOp>, SM90RolePattern<ComputeTileOp>,
               SM90RolePattern<DrainRingOp>>(patterns.getContext(), problem,
                                             params, state);
}
