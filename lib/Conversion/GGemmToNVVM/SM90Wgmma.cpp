//===- SM90Wgmma.cpp - the MMA loop of the sm_90a kernel ------------------===//
//
// The consumer warpgroups' part of one tile (ggemm.compute_tile, see
// SM90Kernel.h and docs/sm90-kernel.md): wgmma's shared-memory
// descriptors and the loop over the tile's K tiles, which waits for each
// stage, decodes it step by step (SM90Decode.cpp) into the decode buffers,
// issues wgmma m64nMk16 (M: the tile's tokens) on them and releases the
// stage; then it hands the accumulators to the epilogue (SM90Epilogue.cpp).
//
// Operands are swapped: wgmma's M side is the weights (B, 64 rows per
// warpgroup), its N side the tokens (A, the tile's 16 to 128 rows), so the
// accumulators hold C transposed and no token row is padded to 64.
//
// Buffers. Step s of a K tile decodes into buffer s % 2 once both
// warpgroups' step s - 2 wgmmas are done (wgmma.wait_group 1, then a
// barrier of the two warpgroups), then a second barrier, then its wgmmas:
// step s's decode overlaps step s - 1's wgmmas. (Three buffers with one
// barrier per step measured slower: the extra 32 KiB of shared memory and
// the registers of a rotating index cost more than the barrier.)
//
//===----------------------------------------------------------------------===//

#include "SM90Kernel.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace mlir::ggemm;
using namespace mlir::ggemm::sm90;

/// The wgmma shared-memory descriptor of the K-major, unswizzled operand at
/// shared byte `byteOffset`: start address, leading byte offset (adjacent
/// core matrices in K), stride byte offset (adjacent 8-row groups), all in
/// 16-byte units.
Value SM90KernelBuilder::descriptor(Value byteOffset) {
  Value addr = LLVM::PtrToIntOp::create(b, loc, b.getI64Type(),
                                        sharedPtr(byteOffset));
  auto c64 = [&](int64_t v) {
    return arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(v));
  };
  Value start = arith::ShRUIOp::create(
      b, loc, arith::AndIOp::create(b, loc, addr, c64(0x3FFFF)), c64(4));
  int64_t fixed = ((kCoreBytes >> 4) << 16) | ((kRowGroupBytes >> 4) << 32);
  return arith::OrIOp::create(b, loc, start, c64(fixed));
}

//===----------------------------------------------------------------------===//
// One tile
//===----------------------------------------------------------------------===//

void SM90KernelBuilder::emitConsumerTile(Value group, Value rowBase,
                                         Value m0, Value n0, Value split,
                                         Value work) {
  MLIRContext *ctx = b.getContext();
  GroupFacts g = emitGroupFacts(b, loc, problem, params, group, rowBase);
  if (split)
    emitSplitRange(b, loc, problem, g, split);
  Value kBlocks = arith::DivUIOp::create(b, loc, g.k, idx(kScaleBlock));
  Value first = memref::LoadOp::create(b, loc, consumeIter, idx(0));

  // The row (token and weight) and piece this thread decodes: 8 lanes take
  // 8 consecutive rows of one piece, so their f16 stores hit 8 different
  // bank groups and, through TMA's 128-byte swizzle, so do their loads.
  Value warp = arith::DivUIOp::create(b, loc, tid, idx(32));
  Value warpgroup = arith::DivUIOp::create(b, loc, tid, idx(128));
  Value row = arith::AddIOp::create(
      b, loc,
      arith::AddIOp::create(
          b, loc, arith::RemUIOp::create(b, loc, lane, idx(8)),
          arith::MulIOp::create(
              b, loc, arith::DivUIOp::create(b, loc, lane, idx(16)), idx(8))),
      arith::MulIOp::create(b, loc, warp, idx(16)));
  Value piece = arith::RemUIOp::create(
      b, loc, arith::DivUIOp::create(b, loc, lane, idx(8)), idx(2));
  Value row8 = arith::RemUIOp::create(b, loc, row, idx(8));
  // The token row this thread decodes. With 128 tokens per tile it is the
  // weight row. With fewer, the token pieces are split in halves (8 bytes,
  // one scale block each) over the first tileM / 8 warps: warps 2 j and
  // 2 j + 1 take the two halves of the pieces of token rows [16 j, 16 j +
  // 16), so the busiest thread decodes one and a half pieces a step rather
  // than two. The condition is uniform across each warp.
  bool halves = tileM < kSM90ConsumerThreads / 2;
  Value tokenRow = row, tokenRow8 = row8, half, hasTokens;
  if (halves) {
    hasTokens = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, warp,
                                      idx(tileM / 8));
    half = arith::RemUIOp::create(b, loc, warp, idx(2));
    tokenRow = arith::SubIOp::create(
        b, loc, row,
        arith::MulIOp::create(
            b, loc, arith::SubIOp::create(b, loc, warp,
                                          arith::DivUIOp::create(
                                              b, loc, warp, idx(2))),
            idx(16)));
    tokenRow8 = arith::RemUIOp::create(b, loc, tokenRow, idx(8));
  }

  // This thread's rows of the scale matrices (rows past the group are
  // clamped: the outputs they feed are never stored).
  auto scaleRow = [&](Value base, Value first, Value limit, Value row) {
    Value r = arith::MinUIOp::create(
        b, loc, arith::AddIOp::create(b, loc, first, row),
        arith::SubIOp::create(b, loc, limit, idx(1)));
    return arith::IndexCastUIOp::create(
        b, loc, b.getI64Type(), arith::MulIOp::create(b, loc, r, kBlocks));
  };
  // The rows of A this group may read: to its end, and never past the
  // buffer when run-time sizes overrun it (g.m is then clamped, possibly to
  // 0: the last row read is the buffer's).
  Value tokenLimit = arith::AddIOp::create(b, loc, rowBase, g.m);
  if (g.rowsA)
    tokenLimit = arith::MaxUIOp::create(
        b, loc, arith::MinUIOp::create(b, loc, tokenLimit, g.rowsA), idx(1));
  Value tokenScaleRow;
  if (problem.rows == RowsKind::gathered) {
    // The routed row's token row, for a routed row of the group (row 0
    // otherwise: its outputs are never stored).
    Value routed = arith::AddIOp::create(
        b, loc, arith::AddIOp::create(b, loc, rowBase, m0), tokenRow);
    Value inside = arith::CmpIOp::create(
        b, loc, arith::CmpIPredicate::ult, routed,
        arith::AddIOp::create(b, loc, rowBase, g.m));
    auto token = scf::IfOp::create(
        b, loc, inside,
        [&](OpBuilder &, Location) {
          scf::YieldOp::create(
              b, loc, emitGatheredRow(b, loc, g, params, routed, false));
        },
        [&](OpBuilder &, Location) { scf::YieldOp::create(b, loc, idx(0)); });
    tokenScaleRow = arith::IndexCastUIOp::create(
        b, loc, b.getI64Type(),
        arith::MulIOp::create(b, loc, token.getResult(0), kBlocks));
  } else {
    tokenScaleRow = scaleRow(g.sfa, arith::AddIOp::create(b, loc, rowBase, m0),
                             tokenLimit, tokenRow);
  }
  Value weightScaleRow = scaleRow(
      g.sfb, arith::AddIOp::create(b, loc, g.bRowBase, n0),
      arith::AddIOp::create(b, loc, g.bRowBase, g.n), row);
  // The 8 scale bytes of the tile's K tile `i` (K tile kFirst + i) this
  // thread needs.
  auto tileScales = [&](Value i) -> std::pair<Value, Value> {
    Value kt = arith::AddIOp::create(b, loc, g.kFirst, i);
    Value block = arith::AddIOp::create(
        b, loc, arith::MulIOp::create(b, loc, kt, idx(tileK / kScaleBlock)),
        arith::MulIOp::create(b, loc, piece, idx(8)));
    return {loadScales(g.sfa, tokenScaleRow, block, kBlocks),
            loadScales(g.sfb, weightScaleRow, block, kBlocks)};
  };

  int64_t accCount = kWgmmaM * tileM / 128;
  Type f32 = b.getF32Type();
  auto accType = LLVM::LLVMStructType::getLiteral(
      ctx, SmallVector<Type>(accCount, f32));
  Value zero = LLVM::ZeroOp::create(b, loc, accType);
  auto [scalesA0, scalesB0] = tileScales(idx(0));
  int64_t steps = tileK / kSM90DecodeK;
  int64_t tokenBytes = tileM * kSM90DecodeK * 2;
  // Where this thread's piece goes in a decode buffer: row group, first K
  // core (4 per piece), row in the core.
  auto placeInBuffer = [&](Value row, Value row8) {
    return arith::AddIOp::create(
        b, loc,
        arith::AddIOp::create(
            b, loc,
            arith::MulIOp::create(b, loc,
                                  arith::DivUIOp::create(b, loc, row, idx(8)),
                                  idx(kRowGroupBytes)),
            arith::MulIOp::create(b, loc, piece, idx(4 * kCoreBytes))),
        arith::MulIOp::create(b, loc, row8, idx(16)));
  };
  Value dstInBuffer = placeInBuffer(row, row8);
  // A half piece's two K cores follow the first half's.
  Value tokenDstInBuffer =
      halves ? arith::AddIOp::create(
                   b, loc, placeInBuffer(tokenRow, tokenRow8),
                   arith::MulIOp::create(b, loc, half, idx(2 * kCoreBytes)))
                   .getResult()
             : dstInBuffer;
  Value weightRows = arith::MulIOp::create(
      b, loc, warpgroup, idx(kWgmmaM / 8 * kRowGroupBytes));

  auto kLoop = scf::ForOp::create(
      b, loc, idx(0), g.kTiles, idx(1),
      ValueRange{zero, scalesA0, scalesB0},
      [&](OpBuilder &, Location, Value kt, ValueRange carried) {
        // kt counts the tile's K tiles (from its split's first).
        Value acc = carried[0];
        RingPosition at = emitRingPosition(
            b, loc, arith::AddIOp::create(b, loc, first, kt), stages);
        // The next K tile's scales, loaded while this one is decoded.
        Value nextKt = arith::MinUIOp::create(
            b, loc, arith::AddIOp::create(b, loc, kt, idx(1)),
            arith::SubIOp::create(b, loc, g.kTiles, idx(1)));
        auto [nextA, nextB] = tileScales(nextKt);
        emitWaitParity(b, loc, fullBarrier(at.index), at.phase);
        Value tokenTile = stageOffset(at.index);
        Value weightTile =
            arith::AddIOp::create(b, loc, tokenTile, idx(tileM * tileK / 2));
        Value rowStart = arith::MulIOp::create(b, loc, row, idx(tileK / 2));
        Value tokenRowStart =
            halves ? arith::MulIOp::create(b, loc, tokenRow, idx(tileK / 2))
                         .getResult()
                   : rowStart;

        // Piece step + 4 * piece of a row; TMA's 128-byte swizzle put
        // 16-byte piece p of row r at p ^ (r % 8).
        auto source = [&](Value rowStart, Value row8, int64_t step) {
          Value p = arith::AddIOp::create(
              b, loc, arith::MulIOp::create(b, loc, piece, idx(steps)),
              idx(step));
          return arith::AddIOp::create(
              b, loc, rowStart,
              arith::MulIOp::create(b, loc,
                                    arith::XOrIOp::create(b, loc, p, row8),
                                    idx(kPieceBytes)));
        };
        auto pieces = [&](int64_t step) -> std::pair<Value, Value> {
          Value src = source(rowStart, row8, step);
          if (!halves)
            return {loadPiece(arith::AddIOp::create(b, loc, tokenTile, src)),
                    loadPiece(arith::AddIOp::create(b, loc, weightTile, src))};
          Value weights =
              loadPiece(arith::AddIOp::create(b, loc, weightTile, src));
          auto load = scf::IfOp::create(
              b, loc, hasTokens,
              [&](OpBuilder &, Location) {
                Value at = arith::AddIOp::create(
                    b, loc,
                    arith::AddIOp::create(b, loc, tokenTile,
                                          source(tokenRowStart, tokenRow8,
                                                 step)),
                    arith::MulIOp::create(b, loc, half, idx(kPieceBytes / 2)));
                scf::YieldOp::create(b, loc, loadHalfPiece(at));
              },
              [&](OpBuilder &, Location) {
                scf::YieldOp::create(
                    b, loc,
                    LLVM::ZeroOp::create(
                        b, loc, VectorType::get({2}, b.getI32Type()))
                        .getResult());
              });
          return {load.getResult(0), weights};
        };
        // Each step's pieces are loaded one step ahead (the barriers keep
        // the compiler from hoisting the loads itself).
        std::pair<Value, Value> next = pieces(0);
        for (int64_t step = 0; step < steps; ++step) {
          Value buffer = idx(kSM90DecodeOffset + (step % 2) * bufferBytes);
          // The buffer was last read by the wgmmas two steps ago: this
          // warpgroup's are done after wait_group 1, the other's after the
          // barrier.
          NVVM::WgmmaWaitGroupSyncOp::create(b, loc, b.getI64IntegerAttr(1));
          consumerBarrier();
          std::pair<Value, Value> current = next;
          if (step + 1 < steps)
            next = pieces(step + 1);
          Value dst = arith::AddIOp::create(b, loc, buffer, dstInBuffer);
          auto shift = [&] {
            return arith::ConstantOp::create(b, loc,
                                             b.getI64IntegerAttr(16 * step))
                .getResult();
          };
          // Token rows past the group are decoded too (their outputs are
          // never stored): skipping them measured slower, the branch costs
          // more than the work.
          if (halves)
            scf::IfOp::create(b, loc, hasTokens, [&](OpBuilder &, Location) {
              // The half's scale byte: byte 2 step + half.
              Value halfShift = arith::AddIOp::create(
                  b, loc, shift(),
                  arith::IndexCastUIOp::create(
                      b, loc, b.getI64Type(),
                      arith::MulIOp::create(b, loc, half, idx(8))));
              decodeChunk(current.first,
                          arith::AddIOp::create(b, loc, buffer,
                                                tokenDstInBuffer),
                          carried[1], halfShift);
              scf::YieldOp::create(b, loc);
            });
          else
            decodeChunk(current.first, dst, carried[1], shift());
          decodeChunk(current.second,
                      arith::AddIOp::create(b, loc, dst, idx(tokenBytes)),
                      carried[2], shift());
          if (step == steps - 1) {
            // This warp is done with the stage: once all its lanes' reads
            // are done (bar.warp.sync), lane 0 gives one of the empty
            // barrier's arrivals; the producer refills it after all eight.
            NVVM::SyncWarpOp::create(b, loc, i32(-1));
            scf::IfOp::create(
                b, loc,
                arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, lane,
                                      idx(0)),
                [&](OpBuilder &, Location) {
                  NVVM::MBarrierArriveOp::create(b, loc, Type(),
                                                 emptyBarrier(at.index),
                                                 Value());
                  scf::YieldOp::create(b, loc);
                });
          }
          // The decoded operands are written by the generic proxy and read
          // by wgmma through the async proxy.
          NVVM::FenceProxyOp::create(
              b, loc,
              NVVM::ProxyKindAttr::get(ctx, NVVM::ProxyKind::async_shared),
              NVVM::SharedSpaceAttr::get(ctx, NVVM::SharedSpace::shared_cta));
          consumerBarrier();
          NVVM::WgmmaFenceAlignedOp::create(b, loc);
          for (int64_t ks = 0; ks < kSM90DecodeK / kWgmmaK; ++ks) {
            Value kOffset = idx(ks * 2 * kCoreBytes);
            Value descA = descriptor(arith::AddIOp::create(
                b, loc,
                arith::AddIOp::create(b, loc, buffer, idx(tokenBytes)),
                arith::AddIOp::create(b, loc, weightRows, kOffset)));
            Value descB = descriptor(arith::AddIOp::create(b, loc, buffer,
                                                           kOffset));
            acc = NVVM::WgmmaMmaAsyncOp::create(
                b, loc, accType, acc, descA, descB,
                NVVM::MMAShapeAttr::get(ctx, kWgmmaM, tileM, kWgmmaK),
                NVVM::WGMMATypesAttr::get(ctx, NVVM::WGMMATypes::f16),
                NVVM::WGMMATypesAttr::get(ctx, NVVM::WGMMATypes::f16),
                NVVM::WGMMATypesAttr::get(ctx, NVVM::WGMMATypes::f32),
                NVVM::WGMMAScaleOutAttr::get(ctx, NVVM::WGMMAScaleOut::one),
                NVVM::WGMMAScaleInAttr::get(ctx, NVVM::WGMMAScaleIn::one),
                NVVM::WGMMAScaleInAttr::get(ctx, NVVM::WGMMAScaleIn::one),
                NVVM::MMALayoutAttr::get(ctx, NVVM::MMALayout::row),
                NVVM::MMALayoutAttr::get(ctx, NVVM::MMALayout::col),
                NVVM::MMAIntOverflowAttr());
          }
          NVVM::WgmmaGroupSyncAlignedOp::create(b, loc);
        }
        scf::YieldOp::create(b, loc, ValueRange{acc, nextA, nextB});
      });
  NVVM::WgmmaWaitGroupSyncOp::create(b, loc, b.getI64IntegerAttr(0));
  memref::StoreOp::create(b, loc,
                          arith::AddIOp::create(b, loc, first, g.kTiles),
                          consumeIter, idx(0));

  emitEpilogue(g, kLoop.getResult(0), rowBase, m0, n0, warp, warpgroup,
               work ? emitPartialSlot(b, loc, problem, group, rowBase, m0, n0,
                                      split, work)
                    : Value());
}
