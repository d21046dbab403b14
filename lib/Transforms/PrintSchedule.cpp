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

#define DEBUG_TYPE "ggemm-print-schedule"

namespace mlir::ggemm {
#define GEN_PASS_DEF_GGEMMPRINTSCHEDULE
#include "ggemm/Transforms/Passes.h.inc"
} // namespace mlir::ggemm

using namespace mlir;
using namespace mlir::ggemm;

namespace {

void printReport(GroupedMatmulOp op, raw_ostream &os) {
  ScheduleAttr s = op.getScheduleAttr();
  GroupedOperands problem = op.getProblem();
  TileSpace space = TileSpace::get(problem, s);
  auto fn = op->getParentOfType<FunctionOpInterface>();
  os << "schedule of @" << (fn ? fn.getName() : "?") << ": tile "
     << s.getTileM() << "x" << s.getTileN() << "x" << s.getTileK()
     << ", raster " << stringifyRaster(s.getRaster()) << ", split_k "
     << s.getSplitK() << ", grid " << s.getGrid() << "\n";
  for (int64_t g = 0, e = problem.getNumGroups(); g < e; ++g) {
    GroupShape shape = problem.getGroupShape(g);
    os << "  group " << g << ": M";
    if (ShapedType::isDynamic(shape.m))
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
/// (CostModel.h), cheapest first.
void printCandidates(GroupedMatmulOp op, int64_t rowsHint, raw_ostream &os) {
  ScheduleAttr s = op.getScheduleAttr();
  const TargetInfo &target = TargetInfo::get(s.getTarget());
  GroupedOperands operands = op.getProblem();
  KernelProblem problem = KernelProblem::fromOperands(operands, s);
  int64_t hint = defaultRowsHint(operands, rowsHint);
  os << "  candidates on " << target.name()
     << " (predicted us = max(compute, memory, feed) + split + launch";
  if (!operands.isListForm())
    os << "; rows per group assumed: "
       << (hint > 0 ? hint : kDefaultRowsHint);
  os << "):\n";
  for (const ScheduleCandidate &c : listScheduleCandidates(
           op.getContext(), target, problem, s, hint)) {
    ScheduleAttr t = c.schedule;
    os << "    tile " << t.getTileM() << "x" << t.getTileN() << "x"
       << t.getTileK() << " stages " << t.getStages() << " split_k "
       << t.getSplitK() << ": ";
    if (!c.refused.empty()) {
      os << "refused: " << c.refused << "\n";
      continue;
    }
    const CostEstimate &e = c.cost;
    os << llvm::format("%.1f us (compute %.1f, memory %.1f, feed %.1f, "
                       "split %.1f, launch %.1f; %s-bound)",
                       e.us, e.computeUs, e.memoryUs, e.feedUs, e.splitUs,
                       e.launchUs, e.bound.str().c_str());
    if (t.getTileM() == s.getTileM() && t.getTileN() == s.getTileN() &&
        t.getTileK() == s.getTileK() && t.getStages() == s.getStages() &&
        t.getSplitK() == s.getSplitK())
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
    getOperation().walk([&](GroupedMatmulOp op) {
      if (op.getSchedule()) {
        printReport(op, llvm::outs());
        if (candidates)
          printCandidates(op, rowsHint, llvm::outs());
      }
      else
        op.emitRemark("no schedule to report; run ggemm-tile first");
    });
    markAllAnalysesPreserved();
  }
};

} // namespace
