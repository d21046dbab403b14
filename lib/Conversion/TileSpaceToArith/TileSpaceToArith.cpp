//===- TileSpaceToArith.cpp - the group-aware scheduler as arithmetic -----===//
//
// ggemm.num_tiles and ggemm.tile_coords become index arithmetic: prefix
// sums of the groups' work counts (constants for static M, loaded from
// group_sizes otherwise), then split, then raster order. Shared by the CPU
// and GPU lowerings, which must agree on the tile sequence.
//
// With static M and more than kMaxSelectChainGroups groups, the prefix sums
// are a constant table and the group is found by a binary search over it,
// so each tile_coords op is O(log G) IR instead of O(G). With run-time M
// (group_sizes) and as many groups, the same running sums and selects as
// the unrolled form are an scf.for over the groups: O(1) IR, the same
// O(G) work at run time.
//
//===----------------------------------------------------------------------===//

#include "ggemm/Conversion/TileSpaceToArith.h"
#include "ggemm/IR/Builders.h"

#include "GGemm/GGemmOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/SymbolTable.h"

using namespace mlir;
using namespace mlir::ggemm;

GroupRowsValues mlir::ggemm::emitGroupRows(OpBuilder &b, Location loc,
                                           const RowLayout &layout, Value g,
                                           Value end) {
  switch (layout.kind) {
  case RowsKind::offsets:
  case RowsKind::gathered: {
    // Signed: a negative offset is out of order like any offset below end.
    Value offset = arith::IndexCastOp::create(
        b, loc, b.getIndexType(),
        memref::LoadOp::create(b, loc, layout.array, g));
    Value inOrder =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge, offset, end);
    Value rows = arith::SelectOp::create(
        b, loc, inOrder, arith::SubIOp::create(b, loc, offset, end),
        indexConstant(b, loc, 0));
    Value bad = arith::XOrIOp::create(
        b, loc, inOrder,
        arith::ConstantOp::create(b, loc, b.getBoolAttr(true)));
    return {rows, end, bad};
  }
  case RowsKind::masked: {
    Value count = arith::IndexCastOp::create(
        b, loc, b.getIndexType(),
        memref::LoadOp::create(b, loc, layout.array, g));
    Value zero = indexConstant(b, loc, 0);
    Value room = indexConstant(b, loc, layout.maxRows);
    Value rows = arith::MinSIOp::create(
        b, loc, arith::MaxSIOp::create(b, loc, count, zero), room);
    Value bad =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, rows, count);
    Value base = arith::MulIOp::create(b, loc, g, room);
    return {rows, base, bad};
  }
  case RowsKind::list:
  case RowsKind::contiguous: {
    // A negative size gives an empty group (and is reported), as an
    // offset out of order does.
    Value size = arith::IndexCastOp::create(
        b, loc, b.getIndexType(),
        memref::LoadOp::create(b, loc, layout.array, g));
    Value zero = indexConstant(b, loc, 0);
    Value bad =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, size, zero);
    return {arith::MaxSIOp::create(b, loc, size, zero), end, bad};
  }
  }
  llvm_unreachable("a row layout without a case");
}

KRangeValues mlir::ggemm::emitSplitKRange(OpBuilder &b, Location loc,
                                          Value kTiles, int64_t splitK,
                                          Value split) {
  Value perSplit =
      arith::CeilDivUIOp::create(b, loc, kTiles, indexConstant(b, loc, splitK));
  Value first = arith::MinUIOp::create(
      b, loc, arith::MulIOp::create(b, loc, split, perSplit), kTiles);
  Value end = arith::MinUIOp::create(
      b, loc, kTiles, arith::AddIOp::create(b, loc, first, perSplit));
  return {first, arith::SubIOp::create(b, loc, end, first)};
}

Value mlir::ggemm::getConstantIndexTable(OpBuilder &b, Location loc,
                                         Operation *anchor,
                                         StringRef namePrefix,
                                         ArrayRef<int64_t> values) {
  Operation *symbols = SymbolTable::getNearestSymbolTable(anchor);
  assert(symbols && "no symbol table around a ggemm op");
  auto type = MemRefType::get({int64_t(values.size())}, b.getIndexType());
  auto init = DenseElementsAttr::get(
      RankedTensorType::get(type.getShape(), b.getIndexType()), values);
  Block &body = symbols->getRegion(0).front();
  // Attributes are uniqued, so equal tables have the same `init`: the
  // roles of a kernel and the phases of a CPU function share one global.
  memref::GlobalOp global;
  unsigned taken = 0;
  for (auto existing : body.getOps<memref::GlobalOp>()) {
    if (!existing.getSymName().starts_with(namePrefix))
      continue;
    ++taken;
    if (existing.getConstant() && existing.getInitialValueAttr() == init &&
        existing.getType() == type)
      global = existing;
  }
  if (!global) {
    std::string name = (namePrefix + "_" + Twine(taken)).str();
    while (SymbolTable::lookupSymbolIn(symbols, name))
      name = (namePrefix + "_" + Twine(++taken)).str();
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(&body);
    global = memref::GlobalOp::create(b, loc, name, b.getStringAttr("private"),
                                      type, init, /*constant=*/true,
                                      /*alignment=*/nullptr);
  }
  return memref::GetGlobalOp::create(b, loc, type, global.getSymName());
}

namespace {

//===----------------------------------------------------------------------===//
// Tile space
//===----------------------------------------------------------------------===//

/// Per-group tile and work counts of a num_tiles / tile_coords op.
struct GroupTiles {
  SmallVector<Value> tilesM, tilesN, work, rows, bases, bad;
};

bool isUniform(ArrayRef<int64_t> values) {
  return llvm::all_equal(values);
}

/// The run-time row layout of a tile-space op whose group_sizes operand
/// (converted: `groupSizes`) is set.
template <typename OpTy>
RowLayout rowLayoutOf(OpTy op, Value groupSizes) {
  return {op.getRows().value_or(RowsKind::contiguous), groupSizes,
          static_cast<int64_t>(op.getMaxRows().value_or(0))};
}

template <typename OpTy>
GroupTiles getGroupTiles(OpBuilder &b, Location loc, OpTy op,
                         Value groupSizes) {
  ScheduleAttr s = op.getSchedule();
  GroupTiles t;
  Value end = indexConstant(b, loc, 0);
  for (auto [g, tilesN] : llvm::enumerate(op.getTilesN())) {
    Value tm;
    if (groupSizes) {
      RowLayout layout = rowLayoutOf(op, groupSizes);
      GroupRowsValues r =
          emitGroupRows(b, loc, layout, indexConstant(b, loc, g), end);
      Value rows = r.rows;
      t.rows.push_back(rows);
      t.bad.push_back(r.bad);
      // rows<contiguous>: the row bases are the running sums of t.rows,
      // which tile_coords adds up itself.
      if (layout.kind != RowsKind::contiguous) {
        t.bases.push_back(r.base);
        end = arith::AddIOp::create(b, loc, r.base, rows);
      }
      tm = arith::CeilDivUIOp::create(b, loc, rows,
                                      indexConstant(b, loc, s.getTileM()));
    } else {
      tm = indexConstant(b, loc, op.getTilesM()[g]);
    }
    t.tilesM.push_back(tm);
    t.tilesN.push_back(indexConstant(b, loc, tilesN));
    Value tiles =
        arith::MulIOp::create(b, loc, tm, indexConstant(b, loc, tilesN));
    t.work.push_back(arith::MulIOp::create(
        b, loc, tiles, indexConstant(b, loc, s.getSplitK())));
  }
  return t;
}

struct NumTilesToArith final : public OpConversionPattern<NumTilesOp> {
  NumTilesToArith(const TypeConverter &converter, MLIRContext *ctx,
                  BadRowsHandler onBadRows)
      : OpConversionPattern(converter, ctx), onBadRows(std::move(onBadRows)) {}
  BadRowsHandler onBadRows;

  LogicalResult
  matchAndRewrite(NumTilesOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    if (!adaptor.getGroupSizes()) {
      // Static M: the sum is known here; summing it in IR would leave
      // O(G) arithmetic for the canonicalizer in every role of a kernel.
      int64_t total = 0;
      for (auto [tm, tn] : llvm::zip(op.getTilesM(), op.getTilesN()))
        total += tm * tn * op.getSchedule().getSplitK();
      rewriter.replaceOp(op, indexConstant(rewriter, loc, total));
      return success();
    }
    if (op.getTilesN().size() > kMaxSelectChainGroups &&
        isUniform(op.getTilesN())) {
      // Run-time M, many groups: the sum as a loop over the groups.
      OpBuilder &b = rewriter;
      ScheduleAttr s = op.getSchedule();
      Value perTileM = indexConstant(b, loc, op.getTilesN()[0] * s.getSplitK());
      RowLayout layout = rowLayoutOf(op, adaptor.getGroupSizes());
      SmallVector<Value> init{
          indexConstant(b, loc, 0), indexConstant(b, loc, 0),
          arith::ConstantOp::create(b, loc, b.getBoolAttr(false))};
      auto loop = scf::ForOp::create(
          b, loc, indexConstant(b, loc, 0),
          indexConstant(b, loc, op.getTilesN().size()),
          indexConstant(b, loc, 1), init,
          [&](OpBuilder &, Location, Value g, ValueRange sums) {
            // sums: the work items so far, the rows' end and whether an
            // entry was clamped.
            GroupRowsValues r = emitGroupRows(b, loc, layout, g, sums[1]);
            Value tm = arith::CeilDivUIOp::create(
                b, loc, r.rows, indexConstant(b, loc, s.getTileM()));
            Value work = arith::MulIOp::create(b, loc, tm, perTileM);
            scf::YieldOp::create(
                b, loc,
                ValueRange{arith::AddIOp::create(b, loc, sums[0], work),
                           arith::AddIOp::create(b, loc, r.base, r.rows),
                           arith::OrIOp::create(b, loc, sums[2], r.bad)});
          });
      onBadRows(b, loc, op, loop.getResult(2));
      rewriter.replaceOp(op, loop.getResult(0));
      return success();
    }
    GroupTiles t = getGroupTiles(rewriter, loc, op, adaptor.getGroupSizes());
    Value total = indexConstant(rewriter, loc, 0);
    for (Value w : t.work)
      total = arith::AddIOp::create(rewriter, loc, total, w);
    if (!t.bad.empty()) {
      Value anyBad = t.bad[0];
      for (Value bad : ArrayRef<Value>(t.bad).drop_front())
        anyBad = arith::OrIOp::create(rewriter, loc, anyBad, bad);
      onBadRows(rewriter, loc, op, anyBad);
    }
    rewriter.replaceOp(op, total);
    return success();
  }
};

/// tile_coords' results once the group holding `work` is known: its index,
/// first work item and row base, and its tiles along M and N; then split,
/// then raster order.
SmallVector<Value> tileCoordsOf(OpBuilder &b, Location loc, ScheduleAttr s,
                                Value work, Value group, Value base,
                                Value rowBase, Value tilesM, Value tilesN) {
  Value local = arith::SubIOp::create(b, loc, work, base);
  Value split = arith::RemUIOp::create(b, loc, local,
                                       indexConstant(b, loc, s.getSplitK()));
  Value tile = arith::DivUIOp::create(b, loc, local,
                                      indexConstant(b, loc, s.getSplitK()));
  bool alongM = s.getRaster() == Raster::along_m;
  Value fast = alongM ? tilesM : tilesN;
  Value inner = arith::RemUIOp::create(b, loc, tile, fast);
  Value outer = arith::DivUIOp::create(b, loc, tile, fast);
  Value tm = alongM ? inner : outer;
  Value tn = alongM ? outer : inner;
  Value m0 =
      arith::MulIOp::create(b, loc, tm, indexConstant(b, loc, s.getTileM()));
  Value n0 =
      arith::MulIOp::create(b, loc, tn, indexConstant(b, loc, s.getTileN()));
  return {group, rowBase, m0, n0, split};
}

/// tileCoordsOf for a group found by a search that ends at `end` (the
/// group's last work item + 1) with `rows` rows: when `work` is past it (no
/// group holds `work`: past the last tile), 1 x 1 tiles, as the select
/// chain gives.
SmallVector<Value> tileCoordsOfFound(OpBuilder &b, Location loc,
                                     ScheduleAttr s, Value work, Value end,
                                     Value group, Value base, Value rowBase,
                                     Value rows, Value tilesN) {
  Value one = indexConstant(b, loc, 1);
  Value found =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, work, end);
  Value tilesM = arith::SelectOp::create(
      b, loc, found,
      arith::CeilDivUIOp::create(b, loc, rows,
                                 indexConstant(b, loc, s.getTileM())),
      one);
  Value fastN = arith::SelectOp::create(b, loc, found, tilesN, one);
  return tileCoordsOf(b, loc, s, work, group, base, rowBase, tilesM, fastN);
}

/// The group-aware scheduler: the group whose range of work items holds
/// `work` (prefix sums of the work counts), then split, then raster order.
struct TileCoordsToArith final : public OpConversionPattern<TileCoordsOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(TileCoordsOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    OpBuilder &b = rewriter;
    ScheduleAttr s = op.getSchedule();
    if (!adaptor.getGroupSizes() &&
        op.getTilesN().size() > kMaxSelectChainGroups)
      return lowerByTable(op, adaptor.getWork(), rewriter);
    if (adaptor.getGroupSizes() &&
        op.getTilesN().size() > kMaxSelectChainGroups &&
        isUniform(op.getTilesN()))
      return lowerByLoop(op, adaptor.getWork(),
                         rowLayoutOf(op, adaptor.getGroupSizes()), rewriter);
    GroupTiles t = getGroupTiles(b, loc, op, adaptor.getGroupSizes());
    Value work = adaptor.getWork();
    Value base = indexConstant(b, loc, 0), rowBase = indexConstant(b, loc, 0);
    // Row bases: running sums of t.rows (contiguous), or t.bases.
    Value selGroup = indexConstant(b, loc, 0),
          selBase = indexConstant(b, loc, 0),
          selRowBase = indexConstant(b, loc, 0),
          selTilesM = indexConstant(b, loc, 1),
          selTilesN = indexConstant(b, loc, 1);
    for (size_t g = 0; g < t.work.size(); ++g) {
      Value end = arith::AddIOp::create(b, loc, base, t.work[g]);
      Value afterBase =
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::uge, work, base);
      Value beforeEnd =
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, work, end);
      Value inGroup = arith::AndIOp::create(b, loc, afterBase, beforeEnd);
      auto pick = [&](Value yes, Value &sel) {
        sel = arith::SelectOp::create(b, loc, inGroup, yes, sel);
      };
      pick(indexConstant(b, loc, g), selGroup);
      pick(base, selBase);
      pick(t.bases.empty() ? rowBase : t.bases[g], selRowBase);
      pick(t.tilesM[g], selTilesM);
      pick(t.tilesN[g], selTilesN);
      base = end;
      if (t.bases.empty() && !t.rows.empty())
        rowBase = arith::AddIOp::create(b, loc, rowBase, t.rows[g]);
    }
    rewriter.replaceOp(op, tileCoordsOf(b, loc, s, work, selGroup, selBase,
                                        selRowBase, selTilesM, selTilesN));
    return success();
  }

  /// Run-time M, many groups (rows<contiguous>: N, hence tiles_n, shared):
  /// the select chain of matchAndRewrite as an scf.for over the groups,
  /// carrying the running work and row sums and the selected values.
  LogicalResult lowerByLoop(TileCoordsOp op, Value work,
                            const RowLayout &layout,
                            ConversionPatternRewriter &rewriter) const {
    Location loc = op.getLoc();
    OpBuilder &b = rewriter;
    ScheduleAttr s = op.getSchedule();
    Value tilesN = indexConstant(b, loc, op.getTilesN()[0]);
    // Iteration values: base, rowBase, then the selected group, base and
    // row base (their values when no group holds `work`, as in the chain).
    // The selected group's tiles along M are recomputed after the loop
    // (along N they are the shared tilesN): fewer values live across it.
    SmallVector<Value> init{indexConstant(b, loc, 0), indexConstant(b, loc, 0),
                            indexConstant(b, loc, 0), indexConstant(b, loc, 0),
                            indexConstant(b, loc, 0)};
    // Groups are visited `unroll` at a time in one iteration, so their
    // loads can overlap instead of each waiting for the previous iteration
    // (on a GPU this loop runs once per tile).
    int64_t groups = op.getTilesN().size();
    int64_t unroll = 8;
    while (groups % unroll != 0)
      unroll /= 2;
    auto loop = scf::ForOp::create(
        b, loc, indexConstant(b, loc, 0), indexConstant(b, loc, groups),
        indexConstant(b, loc, unroll), init,
        [&](OpBuilder &, Location, Value first, ValueRange carried) {
          SmallVector<Value> it(carried);
          // Sizes, offsets and counts are clamped, not checked: one group
          // at a time, each from the running end of the one before.
          for (int64_t u = 0; u < unroll; ++u) {
            Value g = arith::AddIOp::create(b, loc, first,
                                            indexConstant(b, loc, u));
            GroupRowsValues r = emitGroupRows(b, loc, layout, g, it[1]);
            it = stepGroup(b, loc, s, work, tilesN, it, g, r.base, r.rows);
          }
          scf::YieldOp::create(b, loc, it);
        });
    Value selGroup = loop.getResult(2);
    Value selRows =
        emitGroupRows(b, loc, layout, selGroup, loop.getResult(4)).rows;
    rewriter.replaceOp(
        op, tileCoordsOfFound(b, loc, s, work, loop.getResult(0), selGroup,
                              loop.getResult(3), loop.getResult(4), selRows,
                              tilesN));
    return success();
  }

  /// One group of lowerByLoop's walk: `it` = (first work item of group g,
  /// running end of the rows, selected group, its first work item, its row
  /// base); g starts at `rowBase` with `rows` rows.
  static SmallVector<Value> stepGroup(OpBuilder &b, Location loc,
                                      ScheduleAttr s, Value work, Value tilesN,
                                      ArrayRef<Value> it, Value g,
                                      Value rowBase, Value rows) {
    Value base = it[0];
    Value tm = arith::CeilDivUIOp::create(b, loc, rows,
                                          indexConstant(b, loc, s.getTileM()));
    Value tiles = arith::MulIOp::create(b, loc, tm, tilesN);
    Value groupWork = arith::MulIOp::create(
        b, loc, tiles, indexConstant(b, loc, s.getSplitK()));
    Value end = arith::AddIOp::create(b, loc, base, groupWork);
    Value afterBase =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::uge, work, base);
    Value beforeEnd =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, work, end);
    Value inGroup = arith::AndIOp::create(b, loc, afterBase, beforeEnd);
    auto pick = [&](Value yes, Value sel) {
      return arith::SelectOp::create(b, loc, inGroup, yes, sel).getResult();
    };
    return {end, arith::AddIOp::create(b, loc, rowBase, rows), pick(g, it[2]),
            pick(base, it[3]), pick(rowBase, it[4])};
  }

  /// Static M, many groups: a constant table of the prefix sums of the work
  /// counts (G + 1 entries) followed by each group's tile count along the
  /// raster's fast dimension (G entries). The group is the last g with
  /// prefix[g] <= work, which is the one whose range [prefix[g],
  /// prefix[g + 1]) holds `work` (groups without work have empty ranges),
  /// the same group the select chain picks; the row base is 0 (list form).
  LogicalResult lowerByTable(TileCoordsOp op, Value work,
                             ConversionPatternRewriter &rewriter) const {
    Location loc = op.getLoc();
    OpBuilder &b = rewriter;
    ScheduleAttr s = op.getSchedule();
    ArrayRef<int64_t> tilesM = op.getTilesM(), tilesN = op.getTilesN();
    int64_t groups = tilesN.size();
    SmallVector<int64_t> table{0};
    for (int64_t g = 0; g < groups; ++g)
      table.push_back(table.back() + tilesM[g] * tilesN[g] * s.getSplitK());
    bool alongM = s.getRaster() == Raster::along_m;
    llvm::append_range(table, alongM ? tilesM : tilesN);
    Value tableRef =
        getConstantIndexTable(b, loc, op, "ggemm_tile_space", table);
    auto load = [&](Value i) {
      return memref::LoadOp::create(b, loc, tableRef, i).getResult();
    };
    // Branch-free binary search over prefix[0, G): ceil(log2 G) steps, each
    // moving `group` up by half of what is left when prefix[candidate] <=
    // work. prefix[0] = 0 <= work, so `group` starts valid.
    Value group = indexConstant(b, loc, 0);
    for (int64_t left = groups; left > 1; left -= left / 2) {
      Value candidate =
          arith::AddIOp::create(b, loc, group, indexConstant(b, loc, left / 2));
      Value reached = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ule,
                                            load(candidate), work);
      group = arith::SelectOp::create(b, loc, reached, candidate, group);
    }
    Value base = load(group);
    // The table holds the tile count along the raster's fast dimension
    // only; tileCoordsOf reads just that one.
    Value fast = load(arith::AddIOp::create(b, loc, group,
                                            indexConstant(b, loc, groups + 1)));
    rewriter.replaceOp(op, tileCoordsOf(b, loc, s, work, group, base,
                                        indexConstant(b, loc, 0), fast, fast));
    return success();
  }
};

} // namespace

/// Many groups with run-time sizes, inside a loop over increasing work items
/// (`scf.for %w = %first to %total step %grid`, the persistent loop of a
/// role): the loop carries a cursor (group, its first work item, its row
/// base) from one work item to the next, and each tile_coords walks the
/// groups forward from it, so a CTA visits each group once in all instead
/// of all groups on every tile.
void mlir::ggemm::useTileSpaceCursors(Operation *root) {
  SmallVector<TileCoordsOp> ops;
  root->walk([&](TileCoordsOp op) {
    auto loop = dyn_cast<scf::ForOp>(op->getParentOp());
    if (op.getGroupSizes() &&
        op.getTilesN().size() > kMaxSelectChainGroups &&
        isUniform(op.getTilesN()) && loop &&
        op.getWork() == loop.getInductionVar())
      ops.push_back(op);
  });
  for (TileCoordsOp op : ops) {
    auto loop = cast<scf::ForOp>(op->getParentOp());
    Location loc = op.getLoc();
    IRRewriter rewriter(op->getContext());
    rewriter.setInsertionPoint(loop);
    Value zero = indexConstant(rewriter, loc, 0);
    auto yields = [&](OpBuilder &b, Location, ArrayRef<BlockArgument> cursor)
        -> SmallVector<Value> {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPoint(op);
      ScheduleAttr s = op.getSchedule();
      Value work = op.getWork();
      RowLayout layout = rowLayoutOf(op, op.getGroupSizes());
      Value tilesN = indexConstant(b, loc, op.getTilesN()[0]);
      int64_t groups = op.getTilesN().size();
      Type index = b.getIndexType();
      SmallVector<Type> types(5, index);
      // (group, its first work item, its row base) -> advance while the
      // group ends at or before `work` and is not the last.
      auto walk = scf::WhileOp::create(
          b, loc, types,
          ValueRange{cursor[0], cursor[1], cursor[2], zero, zero},
          [&](OpBuilder &, Location, ValueRange it) {
            GroupRowsValues r = emitGroupRows(b, loc, layout, it[0], it[2]);
            Value rows = r.rows;
            Value tm = arith::CeilDivUIOp::create(
                b, loc, rows, indexConstant(b, loc, s.getTileM()));
            Value end = arith::AddIOp::create(
                b, loc, it[1],
                arith::MulIOp::create(b, loc,
                                      arith::MulIOp::create(b, loc, tm, tilesN),
                                      indexConstant(b, loc, s.getSplitK())));
            Value past = arith::CmpIOp::create(
                b, loc, arith::CmpIPredicate::uge, work, end);
            Value notLast =
                arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, it[0],
                                      indexConstant(b, loc, groups - 1));
            scf::ConditionOp::create(
                b, loc, arith::AndIOp::create(b, loc, past, notLast),
                ValueRange{it[0], it[1], r.base, end, rows});
          },
          [&](OpBuilder &, Location, ValueRange it) {
            scf::YieldOp::create(
                b, loc,
                ValueRange{arith::AddIOp::create(b, loc, it[0],
                                                 indexConstant(b, loc, 1)),
                           it[3], arith::AddIOp::create(b, loc, it[2], it[4]),
                           zero, zero});
          });
      Value group = walk.getResult(0), base = walk.getResult(1),
            rowBase = walk.getResult(2);
      SmallVector<Value> results =
          tileCoordsOfFound(b, loc, s, work, walk.getResult(3), group, base,
                            rowBase, walk.getResult(4), tilesN);
      op->replaceAllUsesWith(results);
      return {group, base, rowBase};
    };
    if (failed(loop.replaceWithAdditionalYields(
            rewriter, ValueRange{zero, zero, zero},
            /*replaceInitOperandUsesInLoop=*/false, yields)))
      continue;
    op->erase();
  }
}

void mlir::ggemm::populateTileSpaceToArithPatterns(
    const TypeConverter &converter, RewritePatternSet &patterns,
    BadRowsHandler onBadRows) {
  patterns.add<NumTilesToArith>(converter, patterns.getContext(),
                                std::move(onBadRows));
  patterns.add<TileCoordsToArith>(converter, patterns.getContext());
}
