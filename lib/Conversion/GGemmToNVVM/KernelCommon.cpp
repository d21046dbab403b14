//===- KernelCommon.cpp - what both GPU lowerings share -------------------===//

#include "KernelCommon.h"

#include "ggemm/Conversion/TileSpaceToArith.h"
#include "ggemm/IR/Builders.h"
#include "ggemm/Target/Launch.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"

using namespace mlir;
using namespace mlir::ggemm;

void mlir::ggemm::emitOrStatusFlag(OpBuilder &b, Location loc, Value status,
                                   int32_t flag) {
  memref::AtomicRMWOp::create(
      b, loc, arith::AtomicRMWKind::ori,
      arith::ConstantOp::create(b, loc, b.getI32IntegerAttr(flag)), status,
      ValueRange{indexConstant(b, loc, 1)});
}

GroupFacts mlir::ggemm::emitGroupFacts(OpBuilder &b, Location loc,
                                       const KernelProblem &p,
                                       ValueRange params, Value group,
                                       Value rowBase) {
  // A per-group constant: itself when every group has the same value; else
  // chosen by a chain of selects on the group index for a few groups, or
  // loaded from a table of (m, n, k) per group for many, where a chain at
  // every use of every role made the IR O(G) per tile op (and its
  // canonicalization superlinear).
  bool byTable = p.groups.size() > kMaxSelectChainGroups;
  Value table;
  auto select = [&](int64_t column, auto field) {
    bool uniform = llvm::all_of(p.groups, [&](const GroupShape &s) {
      return field(s) == field(p.groups[0]);
    });
    if (uniform)
      return indexConstant(b, loc, field(p.groups[0]));
    if (byTable) {
      if (!table) {
        SmallVector<int64_t> values;
        for (const GroupShape &s : p.groups)
          values.append({s.m, s.n, s.k});
        // Anchored at the kernel (the owner of `params`): the insertion
        // point may be in a region whose op is still being built (the
        // prefetch's scf.if), which has no parent yet.
        Operation *kernel = params.front().getParentBlock()->getParentOp();
        table = getConstantIndexTable(b, loc, kernel, "ggemm_group_shapes",
                                      values);
      }
      Value row =
          arith::MulIOp::create(b, loc, group, indexConstant(b, loc, 3));
      Value at =
          arith::AddIOp::create(b, loc, row, indexConstant(b, loc, column));
      return memref::LoadOp::create(b, loc, table, at).getResult();
    }
    Value v = indexConstant(b, loc, field(p.groups[0]));
    for (size_t g = 1; g < p.groups.size(); ++g) {
      Value is = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, group,
                                       indexConstant(b, loc, g));
      v = arith::SelectOp::create(b, loc, is,
                                  indexConstant(b, loc, field(p.groups[g])), v);
    }
    return v;
  };
  auto loadI64 = [&](Value memref, Value i) {
    return memref::LoadOp::create(b, loc, memref, i).getResult();
  };
  GroupFacts f;
  f.n = select(1, [](const GroupShape &s) { return s.n; });
  f.k = select(2, [](const GroupShape &s) { return s.k; });
  f.kTiles = arith::CeilDivUIOp::create(
      b, loc, f.k, indexConstant(b, loc, p.schedule.getTileK()));
  f.kFirst = indexConstant(b, loc, 0);
  Value cPtrs = params[1], scalePtrs = params[2];
  // The operand set's tensor maps: a, b (, sfa, sfb) of the group in list
  // form, of the one set in contiguous form.
  Value set = p.isListForm() ? group : indexConstant(b, loc, 0);
  Value firstMap =
      arith::MulIOp::create(b, loc, set, indexConstant(b, loc, p.mapsPerSet()));
  f.mapA = firstMap;
  f.mapB = arith::AddIOp::create(b, loc, firstMap, indexConstant(b, loc, 1));
  if (p.scaleMaps) {
    f.mapSfa =
        arith::AddIOp::create(b, loc, firstMap, indexConstant(b, loc, 2));
    f.mapSfb =
        arith::AddIOp::create(b, loc, firstMap, indexConstant(b, loc, 3));
  }
  Value twice = arith::MulIOp::create(b, loc, set, indexConstant(b, loc, 2));
  f.c = loadI64(cPtrs, set);
  f.sfa = loadI64(scalePtrs, twice);
  f.sfb = loadI64(scalePtrs, arith::AddIOp::create(b, loc, twice,
                                                   indexConstant(b, loc, 1)));
  if (p.isListForm()) {
    f.m = select(0, [](const GroupShape &s) { return s.m; });
    f.bRowBase = indexConstant(b, loc, 0);
  } else if (p.rows == RowsKind::masked) {
    // Counts outside [0, max_m] are clamped (num_tiles flags them); the
    // group's rows never leave its max_m.
    f.m = emitGroupRows(b, loc,
                        {p.rows, params[3], p.groups[0].m}, group, rowBase)
              .rows;
    f.bRowBase = arith::MulIOp::create(b, loc, group, f.n);
    f.rowsA = indexConstant(b, loc, int64_t(p.groups.size()) * p.groups[0].m);
  } else {
    // A negative size, or an offset below the group's row base (the end of
    // the groups before it), gives no rows; num_tiles flags it.
    f.m = emitGroupRows(b, loc, {p.rows, params[3]}, group, rowBase).rows;
    f.bRowBase = arith::MulIOp::create(b, loc, group, f.n);
    if (rowBase) {
      // The rows of A (and C) left from rowBase; sizes that pass them are
      // clamped and flagged (docs/kernel-abi.md, parameter 5).
      Value status = params[kStatusParam];
      Value rows = arith::IndexCastOp::create(
          b, loc, b.getIndexType(),
          memref::LoadOp::create(b, loc, status, indexConstant(b, loc, 0)));
      if (p.rows == RowsKind::gathered) {
        // The groups own routed rows (status[0]), each reading a row of A:
        // with no rows in A, none can be computed.
        unsigned at = rowIndicesParam(p);
        f.rowIndices = params[at];
        f.tokenRows = arith::IndexCastOp::create(b, loc, b.getIndexType(),
                                                 params[at + 1]);
        f.tokenMatrix = params[at + 2];
        Value noTokens = arith::CmpIOp::create(
            b, loc, arith::CmpIPredicate::eq, f.tokenRows,
            indexConstant(b, loc, 0));
        rows = arith::SelectOp::create(b, loc, noTokens,
                                       indexConstant(b, loc, 0), rows);
      }
      f.rowsA = rows;
      Value room = arith::SelectOp::create(
          b, loc,
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ugt, rows,
                                rowBase),
          arith::SubIOp::create(b, loc, rows, rowBase),
          indexConstant(b, loc, 0));
      Value over =
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ugt, f.m, room);
      scf::IfOp::create(b, loc, over, [&](OpBuilder &, Location) {
        // Or'ed in: num_tiles may also have raised bit 1.
        emitOrStatusFlag(b, loc, status, kStatusRowsPastA);
        scf::YieldOp::create(b, loc);
      });
      f.m = arith::SelectOp::create(b, loc, over, room, f.m);
    }
  }
  if (p.hasAlpha)
    f.alpha = memref::LoadOp::create(b, loc, params[4], group);
  return f;
}

Value mlir::ggemm::emitGroupRowEnd(OpBuilder &b, Location loc,
                                   const GroupFacts &f, Value rowBase) {
  Value end = arith::AddIOp::create(b, loc, rowBase, f.m);
  if (f.rowsA)
    end = arith::MinUIOp::create(b, loc, end, f.rowsA);
  return end;
}

Value mlir::ggemm::emitGatheredRow(OpBuilder &b, Location loc,
                                   const GroupFacts &f, ValueRange params,
                                   Value routed, bool flag) {
  Value token = arith::IndexCastOp::create(
      b, loc, b.getIndexType(),
      memref::LoadOp::create(b, loc, f.rowIndices, routed));
  // Signed: a negative index goes to row 0, one past T to row T - 1.
  Value last = arith::SubIOp::create(b, loc, f.tokenRows,
                                     indexConstant(b, loc, 1));
  Value clamped = arith::MinSIOp::create(
      b, loc, arith::MaxSIOp::create(b, loc, token, indexConstant(b, loc, 0)),
      last);
  if (flag) {
    Value bad = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne,
                                      clamped, token);
    scf::IfOp::create(b, loc, bad, [&](OpBuilder &, Location) {
      emitOrStatusFlag(b, loc, params[kStatusParam], kStatusRowIndexClamped);
      scf::YieldOp::create(b, loc);
    });
  }
  return clamped;
}

Value mlir::ggemm::emitTensorMapPtr(OpBuilder &b, Location loc,
                                    Value tensorMaps, Value index) {
  Value base =
      memref::ExtractAlignedPointerAsIndexOp::create(b, loc, tensorMaps);
  Value addr = arith::AddIOp::create(
      b, loc, base,
      arith::MulIOp::create(b, loc, index, indexConstant(b, loc, 128)));
  Value addr64 = arith::IndexCastUIOp::create(b, loc, b.getI64Type(), addr);
  return LLVM::IntToPtrOp::create(
      b, loc, LLVM::LLVMPointerType::get(b.getContext()), addr64);
}

void mlir::ggemm::emitTensorMapAcquire(OpBuilder &b, Location loc,
                                       const KernelProblem &p,
                                       Value tensorMaps) {
  int64_t sets = p.isListForm() ? int64_t(p.groups.size()) : 1;
  Value size = arith::ConstantOp::create(b, loc, b.getI32IntegerAttr(128));
  scf::ForOp::create(
      b, loc, indexConstant(b, loc, 0),
      indexConstant(b, loc, sets * p.mapsPerSet()), indexConstant(b, loc, 1),
      ValueRange{}, [&](OpBuilder &, Location, Value map, ValueRange) {
        NVVM::FenceProxyAcquireOp::create(
            b, loc, NVVM::MemScopeKind::GPU,
            emitTensorMapPtr(b, loc, tensorMaps, map), size);
        scf::YieldOp::create(b, loc);
      });
}

SharedRegion mlir::ggemm::emitSharedRegion(OpBuilder &b, Location loc) {
  auto workgroup = gpu::AddressSpaceAttr::get(b.getContext(),
                                              gpu::AddressSpace::Workgroup);
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
  Value address = arith::AndIOp::create(
      b, loc, arith::AddIOp::create(b, loc, raw, c64(1023)),
      c64(~int64_t(1023)));
  Value pointer = LLVM::IntToPtrOp::create(
      b, loc, LLVM::LLVMPointerType::get(b.getContext(), 3), address);
  return {address, pointer};
}

Value mlir::ggemm::emitSharedGEP(OpBuilder &b, Location loc, Value base,
                                 Value byteOffset) {
  Value offset =
      arith::IndexCastUIOp::create(b, loc, b.getI64Type(), byteOffset);
  return LLVM::GEPOp::create(b, loc, base.getType(), b.getI8Type(), base,
                             ValueRange{offset});
}

Value mlir::ggemm::emitClusterPtr(OpBuilder &b, Location loc, Value sharedPtr) {
  return LLVM::AddrSpaceCastOp::create(
      b, loc, LLVM::LLVMPointerType::get(b.getContext(), 7), sharedPtr);
}

RingPosition mlir::ggemm::emitRingPosition(OpBuilder &b, Location loc,
                                           Value count, int64_t size) {
  Value n = indexConstant(b, loc, size);
  Value round = arith::DivUIOp::create(b, loc, count, n);
  return {arith::RemUIOp::create(b, loc, count, n),
          arith::RemUIOp::create(b, loc, round, indexConstant(b, loc, 2))};
}

void mlir::ggemm::emitWaitParity(OpBuilder &b, Location loc, Value barrier,
                                 Value parity) {
  Value p = arith::IndexCastUIOp::create(b, loc, b.getI32Type(), parity);
  NVVM::MBarrierTryWaitParityOp::create(
      b, loc, barrier, p,
      arith::ConstantOp::create(b, loc, b.getI32IntegerAttr(10000000)));
}

void mlir::ggemm::emitWaitReleased(OpBuilder &b, Location loc, Value barrier,
                                   Value phase) {
  emitWaitParity(
      b, loc, barrier,
      arith::XOrIOp::create(b, loc, phase, indexConstant(b, loc, 1)));
}

void mlir::ggemm::emitRingLoop(
    OpBuilder &b, Location loc, Value first, Value count, int64_t stages,
    function_ref<void(Value i, RingPosition position)> body) {
  scf::ForOp::create(
      b, loc, indexConstant(b, loc, 0), count, indexConstant(b, loc, 1),
      ValueRange{}, [&](OpBuilder &, Location, Value i, ValueRange) {
        body(i, emitRingPosition(b, loc, arith::AddIOp::create(b, loc, first, i),
                                 stages));
        scf::YieldOp::create(b, loc);
      });
}

void mlir::ggemm::emitTmaLoad(OpBuilder &b, Location loc, Value dst,
                              Value mapPtr, Value x, Value row, Value bar) {
  emitTmaLoad(b, loc, dst, mapPtr, ValueRange{x, row}, bar);
}

void mlir::ggemm::emitTmaLoad(OpBuilder &b, Location loc, Value dst,
                              Value mapPtr, ValueRange coords, Value bar) {
  SmallVector<Value, 5> i32Coords;
  for (Value v : coords)
    i32Coords.push_back(
        arith::IndexCastUIOp::create(b, loc, b.getI32Type(), v));
  NVVM::CpAsyncBulkTensorGlobalToSharedClusterOp::create(
      b, loc, emitClusterPtr(b, loc, dst), mapPtr, i32Coords, bar,
      ValueRange{}, Value(), Value(), NVVM::TMALoadMode::TILE,
      /*isCTAOnly=*/false, NVVM::CTAGroupKindAttr(), Value());
}

Value mlir::ggemm::packRingState(OpBuilder &b, Location loc, RingType type,
                                 ValueRange state) {
  return UnrealizedConversionCastOp::create(b, loc, TypeRange{type}, state)
      .getResult(0);
}

ValueRange mlir::ggemm::unpackRingState(Value ring) {
  if (auto cast = ring.getDefiningOp<UnrealizedConversionCastOp>())
    return cast.getInputs();
  return {};
}
