//===- SM100Scales.cpp - scale factors into the atoms ---------------------===//
//
// The scale warp of the tcgen05 kernel (row-major scale factors): moved
// from the TMA staging area the producer filled, or gathered with plain
// loads, into the 512-byte atoms tcgen05.cp copies into Tensor Memory (see
// SM100Kernel.h). The producer never waits for these loads: it waits only
// for free stages, and the scale warp's arrival completes a stage's full
// barrier together with the producer's TMA bytes.
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
using namespace mlir::ggemm::sm100kernel;

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

/// After the scale warp wrote atoms with generic-proxy stores, which
/// tcgen05.cp (async proxy) reads: fence, then the warp's arrival (the
/// second, after the producer's) on the stage's full barrier. The fence
/// also orders the warp's reads of the staging area before the TMA that
/// refills it once the stage comes round again.
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

/// The scale warp's part of one output tile: for each K tile, in the ring
/// order the producer and the MMA warp use, the tile's scale factors into
/// the stage's atoms. Nothing for blocked_128x4 scales (the producer
/// copies those atoms itself).
void SM100KernelBuilder::emitScaleTile(const GroupFacts &g, Value rowBase,
                                       Value m0, Value n0) {
  if (plan.blockedScales)
    return;
  Value first = loadCounter(loadIter);
  forEachKTile(g, first,
               [&](Value kt, Value, Value stage, Value phase,
                   Value validSteps) {
                 if (plan.scaleTma)
                   return emitScaleTranspose(stage, phase);
                 // The atoms are free once the MMAs of the stage's previous
                 // round completed (the producer waits for the same).
                 waitReleased(emptyBarrier(stage), phase);
                 emitScaleGather(g, kt, stage, rowBase, m0, n0);
               });
  storeCounter(loadIter, arith::AddIOp::create(b, loc, first, g.kTiles));
}

/// Row-major scale factors loaded by TMA (every K a multiple of 256): the
/// stage's staging area holds the tile's rows of SFA and SFB, 16 bytes
/// each, the word of MMA i at byte 4 i. TMA cannot write the atom layout
/// itself (an atom row interleaves rows r, r + 32, r + 64, r + 96), so once
/// the bytes landed (scaleFull[stage] completes once per round of the
/// stage, with the round's parity `phase`, like full[stage]), lane l moves
/// row 32 q + l's words into the stage's atoms. The producer armed
/// scaleFull[stage] only after the stage's previous MMAs completed, so the
/// atoms are free. Rows past the tensor arrive as zeros (TMA fill), and
/// atom rows past the tile get zeros: scale 0, never a NaN code.
void SM100KernelBuilder::emitScaleTranspose(Value stage, Value phase) {
  waitParity(scaleFullBarrier(stage), phase);
  Value staging = stagingOffset(stage);
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
              b, loc, arith::AddIOp::create(b, loc, staging, idx(from)),
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
/// rows are not 16-byte aligned for TMA): the scale warp gathers them with
/// plain loads, lane l the word of each MMA of row 32 q + l. Rows outside
/// the group and K blocks past K read as 0 (scale 0, never NaN).
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
// Pattern
//===----------------------------------------------------------------------===//

void mlir::ggemm::populateSM100ScalePatterns(RewritePatternSet &patterns,
                                             const SM100Lowering &lowering) {
  patterns.add<SM100RolePattern<LoadTileOp>>(
      patterns.getContext(), lowering, WarpRole::scales,
      [](SM100KernelBuilder &b, LoadTileOp op, const GroupFacts &g) {
        b.emitScaleTile(g, op.getRowBase(), op.getM0(), op.getN0());
      });
}
