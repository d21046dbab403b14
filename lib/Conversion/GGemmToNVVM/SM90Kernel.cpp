//===- SM90Kernel.cpp - the sm_90a tile code ------------------------------===//
//
// Hopper lowering of one output tile (see SM90Kernel.h and
// docs/sm90-kernel.md).
//
// Operands are swapped: wgmma's M side is the weights (B, 64 rows per
// warpgroup), its N side the tokens (A, the tile's 128 rows), so the
// accumulators hold C transposed and no token row is padded to 64.
//
// Exactness. Each packed e2m1 code e.m (3 magnitude bits) is moved into an
// f16's exponent/mantissa bits (code << 9), which is the e2m1 value times
// 2^-14 (subnormals included); times the e4m3 scale (converted exactly by
// cvt.f16x2.e4m3x2) it is a multiple of 2^-24 with at most 6 significant
// bits, so the f16 product is exact. wgmma multiplies two of them exactly
// into f32 (value x 2^-28) and accumulates in f32; the epilogue multiplies by
// 2^28. Only the order of the f32 additions differs from the CPU reference.
//
// K order. Within a decode step the K elements may sit in any order that
// both operands share: each 32-bit word of 8 codes n0..n7 becomes the f16
// row n0 n2 n4 n6 n1 n3 n5 n7 (byte arithmetic on four codes at once, then
// byte permutes), and the K tile's 16-byte pieces are taken j, j + 4 in
// step j, so that every thread's 8 scale bytes per K tile are contiguous.
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
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace mlir::ggemm;

namespace {
constexpr int64_t kWgmmaM = 64, kWgmmaK = 16;
// A core matrix of wgmma's no-swizzle layout: 8 rows of 16 bytes.
constexpr int64_t kCoreBytes = 128;
// Bytes of one 8-row group of a decode buffer (kSM90DecodeK f16 per row):
// the descriptor's stride byte offset; adjacent K cores are kCoreBytes apart
// (its leading byte offset).
constexpr int64_t kRowGroupBytes = kSM90DecodeK / 8 * kCoreBytes;
// Bytes of one piece a thread decodes (32 codes).
constexpr int64_t kPieceBytes = 16;
// Each decoded operand is its value times 2^-14 (see the file comment), so
// a product in the accumulators is times 2^-28; the epilogue undoes it.
constexpr double kDecodeScale = 268435456.0; // 2^28
// Named barrier of the two consumer warpgroups (0 is the CTA barrier).
constexpr int64_t kConsumerBarrier = 1;
} // namespace

SM90KernelBuilder::SM90KernelBuilder(OpBuilder &b, Location loc,
                                     const KernelProblem &problem,
                                     ValueRange params, SM90KernelState &state)
    : b(b), loc(loc), problem(problem), params(params), tid(state.tid),
      lane(state.lane), smem(state.smem), smemBase(state.smemBase),
      loadIter(state.loadIter), consumeIter(state.consumeIter) {
  ScheduleAttr s = problem.schedule;
  tileM = s.getTileM();
  tileN = s.getTileN();
  tileK = s.getTileK();
  stages = s.getStages();
  stageBytes = (tileM + tileN) * tileK / 2;
  bufferBytes = sm90DecodeBufferBytes(problem);
  ringOffset = sm90RingOffset(problem);
}

Value SM90KernelBuilder::idx(int64_t v) {
  return arith::ConstantIndexOp::create(b, loc, v);
}
Value SM90KernelBuilder::i32(int64_t v) {
  return arith::ConstantOp::create(b, loc, b.getI32IntegerAttr(v));
}

//===----------------------------------------------------------------------===//
// Prologue: shared memory, mbarriers
//===----------------------------------------------------------------------===//

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
  smem = gpu::DynamicSharedMemoryOp::create(
      b, loc,
      MemRefType::get({ShapedType::kDynamic}, b.getI8Type(),
                      MemRefLayoutAttrInterface{}, workgroup));

  // The shared-window address of the region, for the NVVM ops that take
  // shared pointers (mbarriers, TMA destinations, wgmma descriptors),
  // rounded up to 1024 bytes: the ring's 128B-swizzled TMA destinations and
  // the decode's swizzled reads assume the swizzle pattern's alignment, and
  // the ISA aligns dynamic shared memory to 16 bytes only (a run on the
  // emulator, which places it so, failed before this).
  Value base = memref::ExtractAlignedPointerAsIndexOp::create(b, loc, smem);
  Value raw = arith::IndexCastUIOp::create(b, loc, b.getI64Type(), base);
  auto c64 = [&](int64_t v) {
    return arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(v));
  };
  Value base64 = arith::AndIOp::create(
      b, loc, arith::AddIOp::create(b, loc, raw, c64(1023)),
      c64(~int64_t(1023)));
  smemBase = LLVM::IntToPtrOp::create(
      b, loc, LLVM::LLVMPointerType::get(b.getContext(), 3), base64);
  Value isLeader =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, tid, idx(0));
  // full[s]: the producer's expect_tx (TMA bytes); empty[s]: each
  // consumer warp once it decoded the stage.
  scf::IfOp::create(b, loc, isLeader, [&](OpBuilder &, Location) {
    for (int64_t s = 0; s < stages; ++s) {
      NVVM::MBarrierInitOp::create(b, loc, fullBarrier(idx(s)), i32(1),
                                   Value());
      NVVM::MBarrierInitOp::create(b, loc, emptyBarrier(idx(s)),
                                   i32(kSM90ConsumerThreads / 32), Value());
    }
    scf::YieldOp::create(b, loc);
  });
  // The tensor maps, acquired by lane 0 of each warp (the producer warp's
  // lane 0 issues every TMA).
  ifProducerLeader([&] { emitTensorMapAcquire(b, loc, problem, params[0]); });
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

Value SM90KernelBuilder::stageOffset(Value stage) {
  return arith::AddIOp::create(
      b, loc, arith::MulIOp::create(b, loc, stage, idx(stageBytes)),
      idx(ringOffset));
}

void SM90KernelBuilder::emitProducerTile(Value group, Value rowBase,
                                         Value m0, Value n0, Value split) {
  GroupFacts g = emitGroupFacts(b, loc, problem, params, group, rowBase);
  if (split)
    emitSplitRange(b, loc, problem, g, split);
  Value rowA = arith::AddIOp::create(b, loc, rowBase, m0);
  Value rowB = arith::AddIOp::create(b, loc, g.bRowBase, n0);
  Value first = memref::LoadOp::create(b, loc, loadIter, idx(0));
  emitRingLoop(b, loc, first, g.kTiles, stages, [&](Value i, RingPosition at) {
    Value kt = arith::AddIOp::create(b, loc, g.kFirst, i);
    // Wait until the consumers released the stage's previous round.
    emitWaitReleased(b, loc, emptyBarrier(at.index), at.phase);
    ifProducerLeader([&] {
      Value full = fullBarrier(at.index);
      NVVM::MBarrierArriveExpectTxOp::create(b, loc, Type(), full,
                                             i32(stageBytes),
                                             NVVM::MemScopeKind::CTA,
                                             /*relaxed=*/false, Value());
      Value x = arith::MulIOp::create(b, loc, kt, idx(tileK / 2));
      Value stageStart = stageOffset(at.index);
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

//===----------------------------------------------------------------------===//
// Decode
//===----------------------------------------------------------------------===//

/// The eight scale bytes of blocks [block, block + 8) of the scale row
/// starting at byte `row` of the matrix at global address `base`, as one
/// little-endian i64. With every K a multiple of 128 the rows are 8-byte
/// aligned and this is one load (blocks past the row clamped to its last
/// eight); otherwise eight byte loads, each clamped to the row's last
/// block. Clamped blocks only scale TMA's zero fill past K.
Value SM90KernelBuilder::loadScales(Value base, Value row, Value block,
                                    Value kBlocks) {
  auto global = LLVM::LLVMPointerType::get(b.getContext(), 1);
  auto at = [&](Value blockIndex) {
    Value offset =
        arith::IndexCastUIOp::create(b, loc, b.getI64Type(), blockIndex);
    Value addr = arith::AddIOp::create(
        b, loc, base, arith::AddIOp::create(b, loc, row, offset));
    return LLVM::IntToPtrOp::create(b, loc, global, addr).getResult();
  };
  bool aligned = llvm::all_of(problem.groups, [](const GroupShape &s) {
    return s.k % (8 * kScaleBlock) == 0;
  });
  if (aligned) {
    Value first = arith::MinUIOp::create(
        b, loc, block, arith::SubIOp::create(b, loc, kBlocks, idx(8)));
    return LLVM::LoadOp::create(b, loc, b.getI64Type(), at(first),
                                /*alignment=*/8);
  }
  Value last = arith::SubIOp::create(b, loc, kBlocks, idx(1));
  Value bytes = arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(0));
  for (int64_t i = 0; i < 8; ++i) {
    Value blockIndex = arith::MinUIOp::create(
        b, loc, arith::AddIOp::create(b, loc, block, idx(i)), last);
    Value byte = LLVM::LoadOp::create(b, loc, b.getI8Type(), at(blockIndex));
    Value wide = arith::ShLIOp::create(
        b, loc, arith::ExtUIOp::create(b, loc, b.getI64Type(), byte),
        arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(8 * i)));
    bytes = arith::OrIOp::create(b, loc, bytes, wide);
  }
  return bytes;
}

/// Decodes one 16-byte piece (32 e2m1 codes of one row) at shared byte
/// `src` into four 16-byte f16 core-matrix rows at `dst`, `dst` + 128, ...;
/// bytes 2 `step` and 2 `step` + 1 of `scales` scale its two 16-element
/// blocks.
Value SM90KernelBuilder::loadPiece(Value src) {
  return LLVM::LoadOp::create(b, loc, VectorType::get({4}, b.getI32Type()),
                              sharedPtr(src), /*alignment=*/16);
}

void SM90KernelBuilder::decodeChunk(Value packed, Value dst, Value scales,
                                    int64_t step) {
  MLIRContext *ctx = b.getContext();
  auto words = VectorType::get({4}, b.getI32Type());
  auto halves = VectorType::get({2}, b.getF16Type());
  Value pairBits = arith::TruncIOp::create(
      b, loc, b.getI16Type(),
      arith::ShRUIOp::create(
          b, loc, scales,
          arith::ConstantOp::create(b, loc,
                                    b.getI64IntegerAttr(16 * step))));
  Value pair = LLVM::BitcastOp::create(
      b, loc, VectorType::get({2}, b.getI8Type()), pairBits);
  Value scale2 = NVVM::ConvertF8x2ToF16x2Op::create(
      b, loc, halves, pair, b.getBoolAttr(false),
      TypeAttr::get(Float8E4M3FNType::get(ctx)));
  Value scaleOf[2] = {
      vector::ShuffleOp::create(b, loc, scale2, scale2,
                                ArrayRef<int64_t>{0, 0}),
      vector::ShuffleOp::create(b, loc, scale2, scale2,
                                ArrayRef<int64_t>{1, 1})};
  // Each byte of a word holds codes 2 i (low nibble) and 2 i + 1. The f16
  // of code s.eem is (s << 15) | (eem << 9): its low byte is zero and its
  // high byte is 2 n + 14 (n & 8) for the nibble n, computed for four codes
  // at once (no carries cross bytes); byte permutes put each beside a zero
  // byte. The row of eight f16 is codes 0 2 4 6 1 3 5 7 of the word.
  Value zero = i32(0);
  for (int64_t w = 0; w < 4; ++w) {
    Value word = vector::ExtractOp::create(b, loc, packed, w);
    SmallVector<Value> out;
    for (int64_t high = 0; high < 2; ++high) {
      Value codes = arith::AndIOp::create(
          b, loc,
          high ? arith::ShRUIOp::create(b, loc, word, i32(4)).getResult()
               : word,
          i32(0x0F0F0F0F));
      Value signs = arith::AndIOp::create(b, loc, codes, i32(0x08080808));
      Value bytes = arith::AddIOp::create(
          b, loc, arith::ShLIOp::create(b, loc, codes, i32(1)),
          arith::MulIOp::create(b, loc, signs, i32(14)));
      for (int64_t selector : {0x1404, 0x3424}) {
        Value bits = NVVM::PermuteOp::create(
            b, loc, b.getI32Type(), bytes, zero, i32(selector),
            NVVM::PermuteModeAttr::get(ctx, NVVM::PermuteMode::DEFAULT));
        Value values = LLVM::BitcastOp::create(b, loc, halves, bits);
        Value scaled = arith::MulFOp::create(b, loc, values, scaleOf[w / 2]);
        out.push_back(LLVM::BitcastOp::create(b, loc, b.getI32Type(), scaled));
      }
    }
    Value row = vector::FromElementsOp::create(b, loc, words, out);
    LLVM::StoreOp::create(
        b, loc, row,
        sharedPtr(arith::AddIOp::create(b, loc, dst, idx(w * kCoreBytes))),
        /*alignment=*/16);
  }
}

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

void SM90KernelBuilder::consumerBarrier() {
  NVVM::BarrierOp::create(b, loc, Type(), i32(kConsumerBarrier),
                          i32(kSM90ConsumerThreads),
                          NVVM::BarrierReductionAttr(), Value());
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

  // This thread's rows of the scale matrices (rows past the group are
  // clamped: the outputs they feed are never stored).
  auto scaleRow = [&](Value base, Value first, Value limit) {
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
  Value tokenScaleRow = scaleRow(
      g.sfa, arith::AddIOp::create(b, loc, rowBase, m0),
      tokenLimit);
  Value weightScaleRow = scaleRow(
      g.sfb, arith::AddIOp::create(b, loc, g.bRowBase, n0),
      arith::AddIOp::create(b, loc, g.bRowBase, g.n));
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
  Value dstInBuffer = arith::AddIOp::create(
      b, loc,
      arith::AddIOp::create(
          b, loc,
          arith::MulIOp::create(b, loc,
                                arith::DivUIOp::create(b, loc, row, idx(8)),
                                idx(kRowGroupBytes)),
          arith::MulIOp::create(b, loc, piece, idx(4 * kCoreBytes))),
      arith::MulIOp::create(b, loc, row8, idx(16)));
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

        // Piece step + 4 * piece of the row; TMA's 128-byte swizzle put
        // 16-byte piece p of row r at p ^ (r % 8).
        auto pieces = [&](int64_t step) -> std::pair<Value, Value> {
          Value p = arith::AddIOp::create(
              b, loc, arith::MulIOp::create(b, loc, piece, idx(steps)),
              idx(step));
          Value src = arith::AddIOp::create(
              b, loc, rowStart,
              arith::MulIOp::create(b, loc,
                                    arith::XOrIOp::create(b, loc, p, row8),
                                    idx(kPieceBytes)));
          return {loadPiece(arith::AddIOp::create(b, loc, tokenTile, src)),
                  loadPiece(arith::AddIOp::create(b, loc, weightTile, src))};
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
          // Token rows past the group are decoded too (their outputs are
          // never stored): skipping them measured slower, the branch costs
          // more than the work.
          decodeChunk(current.first, dst, carried[1], step);
          decodeChunk(current.second,
                      arith::AddIOp::create(b, loc, dst, idx(tokenBytes)),
                      carried[2], step);
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

/// Accumulator 4 j + e of a thread holds weight row 16 (warp % 4) +
/// lane / 4 + 8 (e / 2) of its warpgroup's 64 and token 8 j + 2 (lane % 4) +
/// e % 2: C transposed. When every group's N is a multiple of 8, the tile
/// goes through shared memory (the decode buffers, free once both
/// warpgroups' wgmmas are done) as f16 rows of C, and leaves in 16-byte
/// stores, 16 lanes per row; otherwise one f16 per store.
void SM90KernelBuilder::emitEpilogue(const GroupFacts &g, Value result,
                                     Value rowBase, Value m0, Value n0,
                                     Value warp, Value warpgroup,
                                     Value slot) {
  Type f32 = b.getF32Type();
  Value weightRow = arith::AddIOp::create(
      b, loc,
      arith::AddIOp::create(
          b, loc, arith::MulIOp::create(b, loc, warpgroup, idx(kWgmmaM)),
          arith::MulIOp::create(
              b, loc, arith::RemUIOp::create(b, loc, warp, idx(4)), idx(16))),
      arith::DivUIOp::create(b, loc, lane, idx(4)));
  Value token = arith::MulIOp::create(
      b, loc, arith::RemUIOp::create(b, loc, lane, idx(4)), idx(2));
  Value scale = arith::ConstantOp::create(
      b, loc, b.getF32FloatAttr(static_cast<float>(kDecodeScale)));
  auto accumulator = [&](int64_t i) {
    Value v = arith::MulFOp::create(
        b, loc, LLVM::ExtractValueOp::create(b, loc, result, i), scale);
    return g.alpha ? arith::MulFOp::create(b, loc, v, g.alpha).getResult() : v;
  };
  // Each accumulator 4 j + e of the thread, with its token row and column
  // in the tile and whether that element lies inside the group.
  auto forEachAccumulator =
      [&](function_ref<void(int64_t j, int64_t e, Value tokenRow, Value col,
                            Value inside)>
              body) {
        for (int64_t j = 0; j < tileM / 8; ++j)
          for (int64_t e = 0; e < 4; ++e) {
            Value col =
                arith::AddIOp::create(b, loc, weightRow, idx(8 * (e / 2)));
            Value tokenRow =
                arith::AddIOp::create(b, loc, token, idx(8 * j + e % 2));
            Value inside = arith::AndIOp::create(
                b, loc,
                arith::CmpIOp::create(
                    b, loc, arith::CmpIPredicate::ult,
                    arith::AddIOp::create(b, loc, m0, tokenRow), g.m),
                arith::CmpIOp::create(
                    b, loc, arith::CmpIPredicate::ult,
                    arith::AddIOp::create(b, loc, n0, col), g.n));
            body(j, e, tokenRow, col, inside);
          }
      };
  // C's element (token, column) of this tile.
  auto element = [&](Value tokenRow, Value col) {
    return arith::AddIOp::create(
        b, loc,
        arith::MulIOp::create(
            b, loc,
            arith::AddIOp::create(b, loc, rowBase,
                                  arith::AddIOp::create(b, loc, m0, tokenRow)),
            g.n),
        arith::AddIOp::create(b, loc, n0, col));
  };

  if (slot) {
    // Split-K: the f32 partial (decode scale applied, no alpha) of the
    // tile's elements inside the group into its workspace slot, for the
    // reduction after the grid barrier.
    Value stored =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, slot,
                              emitWorkspaceTiles(b, loc, problem, g));
    // The thread's first element (token row `token`, column `weightRow`):
    // its others are constant offsets from it, 8 columns = 2 column quads
    // and one row = 16 bytes apart.
    Value quadStart = arith::MulIOp::create(
        b, loc, arith::DivUIOp::create(b, loc, weightRow, idx(4)), idx(4));
    Value threadBase = arith::AddIOp::create(
        b, loc,
        emitPartialAddress(b, loc, problem, emitWorkspaceBase(b, loc, params),
                           slot, token, quadStart),
        arith::IndexCastUIOp::create(
            b, loc, b.getI64Type(),
            arith::MulIOp::create(
                b, loc, arith::RemUIOp::create(b, loc, weightRow, idx(4)),
                idx(4))));
    forEachAccumulator([&](int64_t j, int64_t e, Value, Value, Value inside) {
      Value value = arith::MulFOp::create(
          b, loc, LLVM::ExtractValueOp::create(b, loc, result, 4 * j + e),
          scale);
      Value ok = arith::AndIOp::create(b, loc, stored, inside);
      scf::IfOp::create(b, loc, ok, [&](OpBuilder &, Location) {
        int64_t offset = ((e / 2) * 2 * tileM + 8 * j + e % 2) * 16;
        Value address = arith::AddIOp::create(
            b, loc, threadBase,
            arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(offset)));
        LLVM::StoreOp::create(
            b, loc, value,
            LLVM::IntToPtrOp::create(
                b, loc, LLVM::LLVMPointerType::get(b.getContext(), 1), address),
            /*alignment=*/4);
        scf::YieldOp::create(b, loc);
      });
    });
    return;
  }

  bool staged = llvm::all_of(problem.groups, [](const GroupShape &s) {
    return s.n % 8 == 0;
  });
  if (!staged) {
    GroupFacts unscaled = g;
    unscaled.alpha = Value();
    forEachAccumulator([&](int64_t j, int64_t e, Value tokenRow, Value col,
                           Value inside) {
      Value value = accumulator(4 * j + e);
      scf::IfOp::create(b, loc, inside, [&](OpBuilder &, Location) {
        emitF16Store(b, loc, unscaled,
                     vector::FromElementsOp::create(
                         b, loc, VectorType::get({1}, f32), ValueRange{value}),
                     element(tokenRow, col), /*alignment=*/2);
        scf::YieldOp::create(b, loc);
      });
    });
    return;
  }

  // Rows of the staged tile: tileN f16 and 16 bytes of padding, so that the
  // four token rows one store instruction writes fall in different banks.
  int64_t pitch = tileN * 2 + 16;
  consumerBarrier();
  for (int64_t j = 0; j < tileM / 8; ++j)
    for (int64_t e = 0; e < 4; ++e) {
      Value tokenRow = arith::AddIOp::create(b, loc, token, idx(8 * j + e % 2));
      Value col = arith::AddIOp::create(b, loc, weightRow, idx(8 * (e / 2)));
      Value offset = arith::AddIOp::create(
          b, loc,
          arith::AddIOp::create(
              b, loc, arith::MulIOp::create(b, loc, tokenRow, idx(pitch)),
              arith::MulIOp::create(b, loc, col, idx(2))),
          idx(kSM90DecodeOffset));
      Value half = arith::TruncFOp::create(b, loc, b.getF16Type(),
                                           accumulator(4 * j + e));
      LLVM::StoreOp::create(b, loc, half, sharedPtr(offset), /*alignment=*/2);
    }
  consumerBarrier();
  // 16 lanes per token row (tileN = 128 columns of 8), 16 rows per pass.
  Value chunk = arith::RemUIOp::create(b, loc, tid, idx(tileN / 8));
  Value firstRow = arith::DivUIOp::create(b, loc, tid, idx(tileN / 8));
  Value col = arith::MulIOp::create(b, loc, chunk, idx(8));
  Value colInside = arith::CmpIOp::create(
      b, loc, arith::CmpIPredicate::ult, arith::AddIOp::create(b, loc, n0, col),
      g.n);
  int64_t rowsPerPass = kSM90ConsumerThreads / (tileN / 8);
  auto global = LLVM::LLVMPointerType::get(b.getContext(), 1);
  for (int64_t pass = 0; pass < tileM / rowsPerPass; ++pass) {
    Value tokenRow = arith::AddIOp::create(b, loc, firstRow,
                                           idx(pass * rowsPerPass));
    Value values = LLVM::LoadOp::create(
        b, loc, VectorType::get({4}, b.getI32Type()),
        sharedPtr(arith::AddIOp::create(
            b, loc,
            arith::AddIOp::create(
                b, loc, arith::MulIOp::create(b, loc, tokenRow, idx(pitch)),
                arith::MulIOp::create(b, loc, chunk, idx(16))),
            idx(kSM90DecodeOffset))),
        /*alignment=*/16);
    Value inside = arith::AndIOp::create(
        b, loc, colInside,
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult,
                              arith::AddIOp::create(b, loc, m0, tokenRow),
                              g.m));
    scf::IfOp::create(b, loc, inside, [&](OpBuilder &, Location) {
      Value bytes = arith::MulIOp::create(b, loc, element(tokenRow, col),
                                          idx(2));
      Value addr = arith::AddIOp::create(
          b, loc, g.c,
          arith::IndexCastUIOp::create(b, loc, b.getI64Type(), bytes));
      LLVM::StoreOp::create(b, loc, values,
                            LLVM::IntToPtrOp::create(b, loc, global, addr),
                            /*alignment=*/16);
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
                               op.getN0(), op.getSplit());
    else if constexpr (std::is_same_v<OpTy, ComputeTileOp>)
      builder.emitConsumerTile(op.getGroup(), op.getRowBase(), op.getM0(),
                               op.getN0(), op.getSplit(), op.getWork());
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
