//===- Tcgen05Mma.cpp - the MMA warp of the sm_100a kernel ----------------===//
//
// tcgen05.cp of the scale factors into Tensor Memory and tcgen05.mma
// block_scale kind::mxf4nvf4 block16 into double-buffered TMEM
// accumulators, committed to mbarriers (see SM100Kernel.h).
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
      g, first,
      [&](Value, Value i, Value stage, Value phase, Value validSteps) {
        waitParity(fullBarrier(stage), phase);
        // The Tensor Memory slot of this K tile's scale factors (the
        // stage's own, unless fewer slots than stages fit: then wait until
        // the MMAs of K tile j - slots, the slot's last readers, completed;
        // their commit arrived on that tile's empty barrier).
        Value slot = stage;
        if (plan.sfSlots < plan.stages) {
          Value j = arith::AddIOp::create(b, loc, first, i);
          slot = arith::RemUIOp::create(b, loc, j, idx(plan.sfSlots));
          ifThen(arith::CmpIOp::create(b, loc, arith::CmpIPredicate::uge, j,
                                       idx(plan.sfSlots)),
                 [&] {
                   RingPosition reader = ringPosition(
                       arith::SubIOp::create(b, loc, j, idx(plan.sfSlots)),
                       plan.stages);
                   waitParity(emptyBarrier(reader.index), reader.phase);
                 });
        }
        NVVM::Tcgen05FenceOp::create(b, loc,
                                     NVVM::Tcgen05FenceKind::AFTER_THREAD_SYNC);
        Value elected =
            NVVM::ElectSyncOp::create(b, loc, b.getI1Type(), Value());
        ifThen(elected, [&] {
          Value sfColumn = arith::AddIOp::create(
              b, loc, tmemBase,
              toI32(arith::AddIOp::create(
                  b, loc, idx(2 * plan.tileN),
                  arith::MulIOp::create(b, loc, slot,
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
          for (int64_t step = 0; step < mmas; ++step) {
            copyAtom(sm100::block16SfaAtomColumn(sf, step),
                     sfa + step * kAtomBytes);
            for (int64_t a = 0; a < plan.sfbAtoms; ++a)
              copyAtom(sm100::block16SfbAtomColumn(sf, step, a),
                       sfb + (a * mmas + step) * kAtomBytes);
          }
          // The MMAs: K step s reads bytes 32 s .. 32 s + 31 of every
          // swizzled 128-byte row (the descriptor start advances inside
          // the swizzle atom; the base offset stays 0). The tile's first
          // MMA overwrites the accumulator.
          for (int64_t step = 0; step < mmas; ++step) {
            auto issue = [&] {
              Value accumulate =
                  step == 0
                      ? arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne,
                                              i, idx(0))
                            .getResult()
                      : arith::ConstantOp::create(b, loc, b.getBoolAttr(true))
                            .getResult();
              sm100::Block16MmaScaleOperands scales =
                  sm100::block16MmaScaleOperands(sf, step);
              NVVM::Tcgen05MMABlockScaleOp::create(
                  b, loc, NVVM::MMABlockScaleKind::MXF4NVF4,
                  NVVM::CTAGroupKind::CTA_1,
                  NVVM::Tcgen05MMABlockScale::BLOCK16,
                  NVVM::Tcgen05MMACollectorOp::DISCARD, acc,
                  at(operandBase, step * kMmaKBytes),
                  at(operandBase, plan.aBytes + step * kMmaKBytes), idesc,
                  accumulate, column(scales.sfaTmemAddress),
                  column(scales.sfbTmemAddress));
            };
            // Every K tile has its first K step; the others only where
            // some group's K is not a multiple of the tile.
            if (step == 0 || !plan.kTail) {
              issue();
              continue;
            }
            ifThen(arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult,
                                         idx(step), validSteps),
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
// Pattern
//===----------------------------------------------------------------------===//

void mlir::ggemm::populateTcgen05MmaPatterns(RewritePatternSet &patterns,
                     const SM100Lowering &lowering) {
  patterns.add<SM100RolePattern<ComputeTileOp>>(
      patterns.getContext(), lowering, WarpRole::mma,
      [](SM100KernelBuilder &b, ComputeTileOp, const GroupFacts &g) {
        b.emitMmaTile(g);
      });
}
