//===- SM90Consumer.cpp - the MMA loop of the sm_90a kernel ---------------===//
//
// The consumer warpgroups' part of one tile (ggemm.compute_tile, see
// SM90Kernel.h and docs/sm90-kernel.md): the loop over the tile's K
// tiles, which waits for each stage, decodes it step by step
// (SM90Decode.cpp) into the decode buffers, issues wgmma m64nMk16 (M: the
// tile's tokens) on them and releases the stage; then it hands the
// accumulators to the epilogue (SM90Epilogue.cpp).
// At 16 and 32 tokens (sm90WeightsInRegisters) only the tokens go through
// the buffers: each thread decodes its weights straight into wgmma's A
// registers (decodeFragmentPairs, wgmmaRegisterA in SM90Wgmma.cpp). With
// predecoded tokens the weights go the same way and wgmma reads the tokens
// from the token ring's slots, which TMA filled with f16.
//
// Operands are swapped: wgmma's M side is the weights (B, 64 rows per
// warpgroup), its N side the tokens (A, the tile's 16 to 256 rows), so the
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

#include "ggemm/Target/Launch.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace mlir::ggemm;
using namespace mlir::ggemm::sm90;

/// This warp is done with the ring's stage `stage`: once all its lanes'
/// reads are done (bar.warp.sync), lane 0 gives one of the empty barrier's
/// arrivals; the producer refills it after all eight.
void SM90KernelBuilder::releaseStage(Value stage) {
  NVVM::SyncWarpOp::create(b, loc, i32(-1));
  scf::IfOp::create(
      b, loc,
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, lane, idx(0)),
      [&](OpBuilder &, Location) {
        NVVM::MBarrierArriveOp::create(b, loc, Type(), emptyBarrier(stage),
                                       Value());
        scf::YieldOp::create(b, loc);
      });
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
  // At 16 and 32 tokens (sm90WeightsInRegisters) the weights go to wgmma
  // in registers: this thread decodes the A fragments of weight rows
  // 16 warp + lane / 4 and 8 below it (wgmma's layout), both pieces of each
  // per step, and keeps the pair t = lane % 4 of each word
  // (decodeFragmentPairs).
  bool weightRegs = sm90WeightsInRegisters(problem);
  Value fragRows[2], fragSelect, fragShift, fragPiece0;
  if (weightRegs) {
    fragRows[0] = arith::AddIOp::create(
        b, loc, arith::MulIOp::create(b, loc, warp, idx(16)),
        arith::DivUIOp::create(b, loc, lane, idx(4)));
    fragRows[1] = arith::AddIOp::create(b, loc, fragRows[0], idx(8));
    Value quad = arith::RemUIOp::create(b, loc, lane, idx(4));
    auto toI32 = [&](Value v) {
      return arith::IndexCastUIOp::create(b, loc, b.getI32Type(), v);
    };
    // Bytes 0-1 of both words (t even) or bytes 2-3 (t odd); high nibbles
    // for t >= 2.
    Value odd = arith::RemUIOp::create(b, loc, quad, idx(2));
    fragSelect = toI32(arith::AddIOp::create(
        b, loc, idx(0x5410), arith::MulIOp::create(b, loc, odd, idx(0x2222))));
    fragShift = toI32(arith::MulIOp::create(
        b, loc, arith::DivUIOp::create(b, loc, quad, idx(2)), idx(4)));
    // Predecoded: piece r8 of fragment row 0, in its stage (the pieces
    // of a step are found from it by bit flips, see pieces()).
    if (predecoded)
      fragPiece0 = arith::AddIOp::create(
          b, loc, arith::MulIOp::create(b, loc, fragRows[0], idx(tileK / 2)),
          arith::MulIOp::create(
              b, loc, arith::RemUIOp::create(b, loc, fragRows[0], idx(8)),
              idx(kPieceBytes)));
  }
  // The token codes this thread decodes each step: tile M / 4 of them
  // (the step's tile M x 64 codes over 256 threads), all in the same
  // straight-line code as its weight piece, so that the compiler can
  // interleave the two. With 128 tokens it is the piece of the weight row's
  // token row. With fewer, it is a unit of a piece: half a piece (one scale
  // block, 64 tokens), one 32-bit word (8 codes, 32 tokens) or half of a
  // word (the four codes of its low or high nibbles, 16 tokens). Eight
  // consecutive lanes still take eight consecutive rows of one unit; above
  // that, thread group tid / 8 counts the units of a piece first, then the
  // piece, then the row group.
  int64_t tokenCodes = tileM * kSM90DecodeK / kSM90ConsumerThreads;
  bool tokenUnits = tokenCodes < 2 * kPieceBytes;
  // At 256 tokens the thread decodes the same piece of two token rows, its
  // weight row's and the one 128 below.
  // Predecoded tokens: none (TMA brings them decoded).
  int64_t tokenRowsPerThread =
      predecoded ? 0 : (tokenUnits ? 1 : tileM / 128);
  Value tokenRow = row, tokenRow8 = row8, tokenPiece = piece;
  // The unit's byte in its piece (in the ring); its offset from the
  // piece's place in a decode buffer; the bit of its first scale byte,
  // counted from the step's two; for half words, which nibbles (0 or 4).
  Value unitByte = idx(0), unitDst, unitScaleBit, nibbleShift;
  if (tokenUnits) {
    int64_t unitsPerPiece = 2 * kPieceBytes / tokenCodes;
    Value unit = arith::DivUIOp::create(b, loc, tid, idx(8));
    Value sub = arith::RemUIOp::create(b, loc, unit, idx(unitsPerPiece));
    tokenPiece = arith::RemUIOp::create(
        b, loc, arith::DivUIOp::create(b, loc, unit, idx(unitsPerPiece)),
        idx(2));
    tokenRow8 = arith::RemUIOp::create(b, loc, lane, idx(8));
    tokenRow = arith::AddIOp::create(
        b, loc,
        arith::MulIOp::create(
            b, loc,
            arith::DivUIOp::create(b, loc, unit, idx(2 * unitsPerPiece)),
            idx(8)),
        tokenRow8);
    // A unit of codes c = sub x tokenCodes starts at byte c / 2 of the
    // piece (for half words, the word's byte) and is scaled by block c / 16.
    // In the buffer each word of the piece is a K core (128 bytes), and the
    // high nibbles of a word fill the second 8 bytes of its f16 row.
    Value code = arith::MulIOp::create(b, loc, sub, idx(tokenCodes));
    Value word = arith::DivUIOp::create(b, loc, code, idx(8));
    unitDst = arith::MulIOp::create(b, loc, word, idx(kCoreBytes));
    if (tokenCodes < 8) {
      unitByte = arith::MulIOp::create(b, loc, word, idx(4));
      Value high = arith::RemUIOp::create(b, loc, sub, idx(2));
      nibbleShift = arith::IndexCastUIOp::create(
          b, loc, b.getI32Type(), arith::MulIOp::create(b, loc, high, idx(4)));
      unitDst = arith::AddIOp::create(
          b, loc, unitDst, arith::MulIOp::create(b, loc, high, idx(8)));
    } else {
      unitByte = arith::DivUIOp::create(b, loc, code, idx(2));
    }
    unitScaleBit = arith::IndexCastUIOp::create(
        b, loc, b.getI64Type(),
        arith::MulIOp::create(
            b, loc, arith::DivUIOp::create(b, loc, code, idx(16)), idx(8)));
  }
  // The unit's bytes in the ring (half words read their whole word).
  int64_t tokenLoadBytes = std::max<int64_t>(tokenCodes / 2, 4);

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
  Value tokenLimit = emitGroupRowEnd(b, loc, g, rowBase);
  if (g.rowsA)
    tokenLimit = arith::MaxUIOp::create(b, loc, tokenLimit, idx(1));
  auto tokenScaleRowOf = [&](Value tokenRow) -> Value {
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
      return arith::IndexCastUIOp::create(
          b, loc, b.getI64Type(),
          arith::MulIOp::create(b, loc, token.getResult(0), kBlocks));
    }
    return scaleRow(g.sfa, arith::AddIOp::create(b, loc, rowBase, m0),
                    tokenLimit, tokenRow);
  };
  // `v` + `offset`, with no add for 0.
  auto plus = [&](Value v, int64_t offset) -> Value {
    return offset ? arith::AddIOp::create(b, loc, v, idx(offset)).getResult()
                  : v;
  };
  SmallVector<Value, 2> tokenScaleRows;
  for (int64_t i = 0; i < tokenRowsPerThread; ++i)
    tokenScaleRows.push_back(tokenScaleRowOf(plus(tokenRow, 128 * i)));
  auto weightScaleRow = [&](Value row) {
    return scaleRow(g.sfb, arith::AddIOp::create(b, loc, g.bRowBase, n0),
                    arith::AddIOp::create(b, loc, g.bRowBase, g.n), row);
  };
  SmallVector<Value, 2> weightScaleRows;
  if (weightRegs)
    weightScaleRows = {weightScaleRow(fragRows[0]),
                       weightScaleRow(fragRows[1])};
  else
    weightScaleRows = {weightScaleRow(row)};
  // The scale bytes of the tile's K tile `i` (K tile kFirst + i) this
  // thread needs, 8 per piece: the token pieces' (one per token row), then
  // the weight piece's, or with weights in registers both pieces of each
  // fragment row (row 0's pieces 0 and 1, then row 1's).
  auto tileScales = [&](Value i) -> SmallVector<Value> {
    Value kt = arith::AddIOp::create(b, loc, g.kFirst, i);
    Value tile =
        arith::MulIOp::create(b, loc, kt, idx(tileK / kScaleBlock));
    auto block = [&](Value piece) {
      return arith::AddIOp::create(b, loc, tile,
                                   arith::MulIOp::create(b, loc, piece,
                                                         idx(8)));
    };
    SmallVector<Value> scales;
    for (Value r : tokenScaleRows)
      scales.push_back(loadScales(g.sfa, r, block(tokenPiece), kBlocks));
    if (!weightRegs) {
      scales.push_back(loadScales(g.sfb, weightScaleRows[0], block(piece),
                                  kBlocks));
      return scales;
    }
    for (Value r : weightScaleRows)
      for (int64_t p = 0; p < 2; ++p)
        scales.push_back(loadScales(g.sfb, r, block(idx(p)), kBlocks));
    return scales;
  };

  int64_t accCount = kWgmmaM * tileM / 128;
  Type f32 = b.getF32Type();
  auto accType = LLVM::LLVMStructType::getLiteral(
      ctx, SmallVector<Type>(accCount, f32));
  Value zero = LLVM::ZeroOp::create(b, loc, accType);
  SmallVector<Value> initial = {zero};
  llvm::append_range(initial, tileScales(idx(0)));
  int64_t tokenBytes = tileM * kSM90DecodeK * 2;
  // Where a piece of `row` goes in a decode buffer: row group, first K
  // core (4 per piece), row in the core.
  auto placeInBuffer = [&](Value row, Value row8, Value piece) {
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
  Value dstInBuffer = placeInBuffer(row, row8, piece);
  Value tokenDstInBuffer =
      tokenUnits ? arith::AddIOp::create(
                       b, loc, placeInBuffer(tokenRow, tokenRow8, tokenPiece),
                       unitDst)
                       .getResult()
                 : dstInBuffer;
  Value weightRows = arith::MulIOp::create(
      b, loc, warpgroup, idx(kWgmmaM / 8 * kRowGroupBytes));

  auto kLoop = scf::ForOp::create(
      b, loc, idx(0), g.kTiles, idx(1),
      initial,
      [&](OpBuilder &, Location, Value kt, ValueRange carried) {
        // kt counts the tile's K tiles (from its split's first).
        Value acc = carried[0];
        RingPosition at = emitRingPosition(
            b, loc, arith::AddIOp::create(b, loc, first, kt), stages);
        // The next K tile's scales, loaded while this one is decoded.
        Value nextKt = arith::MinUIOp::create(
            b, loc, arith::AddIOp::create(b, loc, kt, idx(1)),
            arith::SubIOp::create(b, loc, g.kTiles, idx(1)));
        SmallVector<Value> nextScales;
        if (!predecoded)
          nextScales = tileScales(nextKt);
        // (Relayed tokens: the wait for the stage is the first step's.)
        if (!relayed)
          emitWaitParity(b, loc, fullBarrier(at.index), at.phase);
        Value tokenTile = stageOffset(at.index);
        // (With predecoded tokens the stage holds the weights only.)
        Value weightTile =
            predecoded ? tokenTile
                       : arith::AddIOp::create(b, loc, tokenTile,
                                               idx(tileM * tileK / 2))
                             .getResult();
        Value rowStart = arith::MulIOp::create(b, loc, row, idx(tileK / 2));
        Value tokenRowStart =
            tokenUnits
                ? arith::MulIOp::create(b, loc, tokenRow, idx(tileK / 2))
                      .getResult()
                : rowStart;

        // Piece step + 4 * piece of a row; TMA's 128-byte swizzle put
        // 16-byte piece p of row r at p ^ (r % 8).
        auto source = [&](Value rowStart, Value row8, Value piece,
                          int64_t step) {
          Value p = arith::AddIOp::create(
              b, loc, arith::MulIOp::create(b, loc, piece, idx(steps)),
              idx(step));
          return arith::AddIOp::create(
              b, loc, rowStart,
              arith::MulIOp::create(b, loc,
                                    arith::XOrIOp::create(b, loc, p, row8),
                                    idx(kPieceBytes)));
        };
        // A step's codes: the token piece or unit, then the weight piece,
        // or with weights in registers both pieces of each fragment row.
        auto pieces = [&](int64_t step) -> SmallVector<Value> {
          auto weights = [&](Value start, Value row8, Value piece) {
            return loadCodes(
                arith::AddIOp::create(b, loc, weightTile,
                                      source(start, row8, piece, step)),
                kPieceBytes);
          };
          // With weights in registers: both pieces of each fragment row.
          // Derived here, in every step, on purpose: the same values
          // derived once before the K loop (17 fewer PTX lines) made the
          // 16-token kernel 7-13% slower on an H100 (bench/RESULTS.md,
          // 2026-12-06, "Decode warps", call 7).
          auto fragmentPieces = [&](SmallVector<Value> &codes) {
            for (Value r : fragRows) {
              Value start = arith::MulIOp::create(b, loc, r, idx(tileK / 2));
              Value r8 = arith::RemUIOp::create(b, loc, r, idx(8));
              for (int64_t p = 0; p < 2; ++p)
                codes.push_back(weights(start, r8, idx(p)));
            }
          };
          if (predecoded) {
            // One address a step: the stage is 1024-aligned and a row 128
            // bytes, so piece (4 p + step) ^ r8 of a row is the row's piece
            // r8 with bits 4-6 of its address flipped by 16 step + 64 p,
            // and fragment row 1 (row 0 + 8, the same r8) is 1024 bytes on.
            // (Flipped after adding the stage's offset, so that the
            // compiler cannot hoist each step's address out of the K loop
            // and keep it live.)
            Value at = arith::XOrIOp::create(
                b, loc, arith::AddIOp::create(b, loc, weightTile, fragPiece0),
                idx(16 * step));
            Value other = arith::XOrIOp::create(b, loc, at, idx(64));
            SmallVector<Value> codes;
            for (int64_t r = 0; r < 2; ++r)
              for (Value piece : {at, other})
                codes.push_back(
                    loadCodes(plus(piece, r * 8 * tileK / 2), kPieceBytes));
            return codes;
          }
          if (!tokenUnits) {
            // Rows 128 apart share their row % 8.
            SmallVector<Value> codes;
            for (int64_t i = 0; i < tokenRowsPerThread; ++i) {
              Value src = source(plus(rowStart, 128 * i * tileK / 2), row8,
                                 piece, step);
              codes.push_back(loadCodes(
                  arith::AddIOp::create(b, loc, tokenTile, src), kPieceBytes));
            }
            codes.push_back(weights(rowStart, row8, piece));
            return codes;
          }
          SmallVector<Value> codes = {Value()};
          if (!weightRegs)
            codes.push_back(weights(rowStart, row8, piece));
          else
            fragmentPieces(codes);
          Value tokenSrc = arith::AddIOp::create(
              b, loc, source(tokenRowStart, tokenRow8, tokenPiece, step),
              unitByte);
          codes[0] = loadCodes(
              arith::AddIOp::create(b, loc, tokenTile, tokenSrc),
              tokenLoadBytes);
          return codes;
        };
        if (predecoded) {
          acc = emitPredecodedSteps(acc, ValueRange(carried).slice(1, 4),
                                    arith::AddIOp::create(b, loc, first, kt),
                                    kt, at.index, pieces, fragSelect,
                                    fragShift,
                                    [&] { return tileScales(nextKt); },
                                    nextScales);
          SmallVector<Value> yielded = {acc};
          llvm::append_range(yielded, nextScales);
          scf::YieldOp::create(b, loc, yielded);
          return;
        }
        // Each step's pieces are loaded one step ahead (the barriers keep
        // the compiler from hoisting the loads itself).
        SmallVector<Value> next = pieces(0);
        for (int64_t step = 0; step < steps; ++step) {
          Value buffer = idx(kSM90DecodeOffset + (step % 2) * bufferBytes);
          // The buffer was last read by the wgmmas two steps ago: this
          // warpgroup's are done after wait_group 1, the other's after the
          // barrier.
          NVVM::WgmmaWaitGroupSyncOp::create(b, loc, b.getI64IntegerAttr(1));
          consumerBarrier();
          SmallVector<Value> current = next;
          if (step + 1 < steps)
            next = pieces(step + 1);
          auto shift = [&] {
            return arith::ConstantOp::create(b, loc,
                                             b.getI64IntegerAttr(16 * step))
                .getResult();
          };
          // Token rows past the group are decoded too (their outputs are
          // never stored): skipping them measured slower, the branch costs
          // more than the work.
          Value tokenShift =
              tokenUnits
                  ? arith::AddIOp::create(b, loc, shift(), unitScaleBit)
                        .getResult()
                  : shift();
          // current[i] and carried[1 + i]: token row i's codes and scales;
          // the weights' follow.
          int64_t w = tokenRowsPerThread;
          for (int64_t i = 0; i < tokenRowsPerThread; ++i) {
            Value tokenDst = arith::AddIOp::create(
                b, loc, buffer,
                plus(tokenDstInBuffer, 128 / 8 * i * kRowGroupBytes));
            if (nibbleShift)
              decodeHalfWord(current[i], nibbleShift, tokenDst, carried[1 + i],
                             tokenShift);
            else
              decodeChunk(current[i], tokenDst, carried[1 + i], tokenShift);
          }
          // pairs[2 r + p]: the four f16 pairs of fragment row r's piece p.
          SmallVector<SmallVector<Value, 4>> pairs;
          if (weightRegs) {
            for (int64_t i = 0; i < 4; ++i)
              pairs.push_back(decodeFragmentPairs(current[w + i], fragSelect,
                                                  fragShift,
                                                  carried[1 + w + i],
                                                  shift()));
          } else {
            Value dst = arith::AddIOp::create(b, loc, buffer, dstInBuffer);
            decodeChunk(current[w],
                        arith::AddIOp::create(b, loc, dst, idx(tokenBytes)),
                        carried[1 + w], shift());
          }
          if (step == steps - 1)
            releaseStage(at.index);
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
            if (weightRegs) {
              acc = wgmmaRegisterA(
                  acc, fragmentOf(pairs, ks),
                  descriptor(arith::AddIOp::create(b, loc, buffer, kOffset)));
              continue;
            }
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
        SmallVector<Value> yielded = {acc};
        llvm::append_range(yielded, nextScales);
        scf::YieldOp::create(b, loc, yielded);
      });
  NVVM::WgmmaWaitGroupSyncOp::create(b, loc, b.getI64IntegerAttr(0));
  Value end = arith::AddIOp::create(b, loc, first, g.kTiles);
  if (predecoded) {
    // The tile's last two token slots.
    Value endStep = tokenStep(end, 0);
    for (int64_t i = 2; i >= 1; --i)
      releaseTokenSlot(arith::SubIOp::create(b, loc, endStep, idx(i)));
  }
  memref::StoreOp::create(b, loc, end, consumeIter, idx(0));

  emitEpilogue(g, kLoop.getResult(0), rowBase, m0, n0, warp, warpgroup,
               work ? emitPartialSlot(b, loc, problem, group, rowBase, m0, n0,
                                      split, work)
                    : Value());
}
