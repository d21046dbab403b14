//===- PrintSchedule.cpp - the ggemm-print-schedule pass ------------------===//
//
// A report for a person reading why a schedule was chosen: tile counts,
// waves over the grid, CTA load and imbalance, split-K costs, and on
// request every candidate schedule with its predicted time.
//
//===----------------------------------------------------------------------===//

#include "GGemm/GGemmOps.h"
#include "ggemm/Target/CostModel.h"
#include "ggemm/Transforms/Passes.h"
#include "ggemm/Transforms/Schedule.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/Support/Format.h"

#include <algorithm>
#include <limits>
#include <optional>

#define DEBUG_TYPE "ggemm-print-schedule"

namespace mlir::ggemm {
#define GEN_PASS_DEF_GGEMMPRINTSCHEDULE
#include "ggemm/Transforms/Passes.h.inc"
} // namespace mlir::ggemm

using namespace mlir;
using namespace mlir::ggemm;

namespace {

/// Rows [begin, begin + rows) of the one A buffer that a group owns.
struct OwnedRows {
  int64_t begin = 0, rows = 0;
};

/// The rows each group of a run-time layout owns for the array `values`,
/// as the kernels read it (emitGroupRows, TileSpaceToArith.h): offsets out
/// of order give empty groups, counts are clamped to [0, max_m]; `clamped`
/// says whether an entry was. (Rows past a static A are the kernel's to
/// cut; the report shows what the array asks for.)
SmallVector<OwnedRows> readRows(const GroupedOperands &problem,
                                ArrayRef<int64_t> values, bool &clamped) {
  SmallVector<OwnedRows> out;
  int64_t end = 0, room = problem.getGroupShape(0).m;
  clamped = false;
  for (auto [g, v] : llvm::enumerate(values)) {
    OwnedRows r;
    if (problem.rows == RowsKind::masked) {
      r = {int64_t(g) * room, std::clamp<int64_t>(v, 0, room)};
      clamped |= r.rows != v;
    } else if (hasGroupOffsets(problem.rows)) {
      r = {end, std::max<int64_t>(v - end, 0)};
      clamped |= v < end;
    } else {
      r = {end, std::max<int64_t>(v, 0)}; // a negative size: empty
      clamped |= v < 0;
    }
    end = r.begin + r.rows;
    out.push_back(r);
  }
  return out;
}

/// `groupRows`: the run-time row array to report the tiles of (empty: M
/// unknown).
void printReport(GroupedMatmulOp op, ArrayRef<int64_t> groupRows,
                 raw_ostream &os) {
  ScheduleAttr s = op.getScheduleAttr();
  GroupedOperands problem = op.getProblem();
  TileSpace space = TileSpace::get(problem, s);
  std::optional<SmallVector<OwnedRows>> rows;
  bool clamped = false;
  if (!groupRows.empty()) {
    rows = readRows(problem, groupRows, clamped);
    for (const OwnedRows &owned : *rows)
      space.tilesM.push_back(llvm::divideCeil(owned.rows, s.getTileM()));
  }
  auto fn = op->getParentOfType<FunctionOpInterface>();
  os << "schedule of @" << (fn ? fn.getName() : "?") << ": tile "
     << s.getTileM() << "x" << s.getTileN() << "x" << s.getTileK()
     << ", raster " << stringifyRaster(s.getRaster()) << ", split_k "
     << s.getSplitK() << ", grid " << s.getGrid() << "\n";
  for (int64_t g = 0, e = problem.getNumGroups(); g < e; ++g) {
    GroupShape shape = problem.getGroupShape(g);
    os << "  group " << g << ": M";
    if (rows)
      os << "=" << (*rows)[g].rows << " (rows [" << (*rows)[g].begin << ", "
         << (*rows)[g].begin + (*rows)[g].rows << "))";
    else if (ShapedType::isDynamic(shape.m))
      os << "=?";
    else if (problem.rows == RowsKind::masked)
      os << "<=" << shape.m; // a count of at most max_m rows
    else
      os << "=" << shape.m;
    os << " N=" << shape.n << " K=" << shape.k << " -> tiles ";
    if (space.tilesM.empty())
      os << "ceil(M/" << s.getTileM() << ")";
    else
      os << space.tilesM[g];
    os << " x " << space.tilesN[g];
    if (!space.tilesM.empty())
      os << " = " << space.tilesM[g] * space.tilesN[g];
    os << ", " << space.kTiles[g] << " K tiles each\n";
  }
  if (clamped)
    os << "  the array has entries the kernel clamps (negative sizes, "
          "offsets out of order, counts outside [0, max_m])\n";
  if (space.tilesM.empty()) {
    os << "  M is read at run time (" << getGroupRowsKeyword(problem.rows)
       << "): tile counts, waves and load depend on it\n";
    return;
  }
  int64_t outputs = space.outputTiles(), work = outputs * s.getSplitK();
  os << "  total: " << outputs << " output tiles, " << work
     << " work items, " << llvm::format("%.2f", double(work) / s.getGrid())
     << " waves over " << s.getGrid() << " CTAs\n";
  SmallVector<int64_t> loads = ctaLoads(space);
  int64_t maxLoad = *llvm::max_element(loads),
          minLoad = *llvm::min_element(loads), sum = 0, idle = 0;
  for (int64_t l : loads) {
    sum += l;
    idle += l == 0;
  }
  double mean = double(sum) / loads.size();
  os << "  CTA load (K tiles): max " << maxLoad << ", min " << minLoad
     << ", mean " << llvm::format("%.1f", mean) << ", imbalance max/mean "
     << llvm::format("%.2f", mean > 0 ? maxLoad / mean : 0.0) << ", idle CTAs "
     << idle << "\n";
  os << "  split-K cost (K-tile units):";
  for (int64_t split : {1, 2, 3, 4, 8})
    if (split <= std::max<int64_t>(1, space.maxKTiles()))
      os << " S=" << split << ": "
         << llvm::format("%.1f", splitKCost(space, split));
  os << "; rule picks " << chooseSplitK(space) << "\n";
}

/// Every schedule of the chip's family with the cost model's prediction
/// (CostModel.h), cheapest first; with `bothPredecodes`, each with and
/// without predecoded tokens.
void printCandidates(GroupedMatmulOp op, int64_t rowsHint,
                     bool bothPredecodes, raw_ostream &os) {
  ScheduleAttr s = op.getScheduleAttr();
  const TargetInfo &target = TargetInfo::get(s.getTarget());
  GroupedOperands operands = op.getProblem();
  KernelProblem problem = KernelProblem::fromOperands(operands, s);
  int64_t hint = defaultRowsHint(operands, rowsHint);
  os << "  candidates on " << target.name()
     << " (predicted us = max(compute, memory, feed) + split + launch"
     << (s.getPredecode() ||
                 (bothPredecodes && predecodeRefusal(target.chip).empty())
             ? ", + the decode kernel if predecoded"
             : "");
  if (!operands.isListForm())
    os << "; rows per group assumed: "
       << (hint > 0 ? hint : kDefaultRowsHint);
  os << "):\n";
  for (const ScheduleCandidate &c : listScheduleCandidates(
           op.getContext(), target, problem, s, hint, /*depths=*/{},
           bothPredecodes)) {
    ScheduleAttr t = c.schedule;
    os << "    tile " << t.getTileM() << "x" << t.getTileN() << "x"
       << t.getTileK() << " stages " << t.getStages() << " split_k "
       << t.getSplitK() << (t.getPredecode() ? " predecode" : "") << ": ";
    if (!c.refused.empty()) {
      os << "refused: " << c.refused << "\n";
      continue;
    }
    const CostEstimate &e = c.cost;
    os << llvm::format("%.1f us (compute %.1f, memory %.1f, feed %.1f, "
                       "split %.1f, launch %.1f; %s-bound)",
                       e.us, e.computeUs, e.memoryUs, e.feedUs, e.splitUs,
                       e.launchUs, e.bound.str().c_str());
    if (t.getPredecode())
      os << llvm::format(" (decode kernel %.1f us)", e.tokensUs);
    // (Candidates take the op's chip, raster and grid: equal attributes are
    // the same schedule.)
    if (t == s)
      os << " <- this schedule";
    os << "\n";
  }
}

struct GGemmPrintSchedule final
    : public ggemm::impl::GGemmPrintScheduleBase<GGemmPrintSchedule> {
  using GGemmPrintScheduleBase::GGemmPrintScheduleBase;

  void runOnOperation() override {
    if (rowsHint < 0) {
      getOperation().emitError() << "ggemm-print-schedule: rows-hint = "
                                 << int64_t(rowsHint)
                                 << " must be at least 0 (0: no hint)";
      return signalPassFailure();
    }
    WalkResult walk = getOperation().walk([&](GroupedMatmulOp op) {
      if (!groupRows.empty() &&
          (op.isListForm() || int64_t(groupRows.size()) != op.getNumGroups() ||
           llvm::any_of(groupRows, [](int64_t v) {
             return v < std::numeric_limits<int32_t>::min() ||
                    v > std::numeric_limits<int32_t>::max();
           }))) {
        op.emitError() << "ggemm-print-schedule: group-rows needs one i32 "
                          "per group of an op with run-time rows ("
                       << (op.isListForm() ? "this one is rows<list>"
                                           : "this one has " +
                                                 Twine(op.getNumGroups()) +
                                                 " groups")
                       << "); got " << groupRows.size() << " values";
        return WalkResult::interrupt();
      }
      if (op.getSchedule()) {
        printReport(op, groupRows, llvm::outs());
        if (candidates || bothPredecodes)
          printCandidates(op, rowsHint, bothPredecodes, llvm::outs());
      }
      else
        op.emitRemark("no schedule to report; run ggemm-tile first");
      return WalkResult::advance();
    });
    if (walk.wasInterrupted())
      return signalPassFailure();
    markAllAnalysesPreserved();
  }
};

} // namespace
