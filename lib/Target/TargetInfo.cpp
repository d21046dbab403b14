//===- TargetInfo.cpp - the one description of each target chip -----------===//
//
// The chips ggemm compiles for and what their kernels can take (see
// ggemm/Target/TargetInfo.h).
//
//===----------------------------------------------------------------------===//

#include "ggemm/Target/TargetInfo.h"
#include "ggemm/Target/SM100/KernelPlan.h"
#include "ggemm/Target/SM90/KernelPlan.h"

#include "llvm/ADT/StringExtras.h"

using namespace mlir;
using namespace mlir::ggemm;

namespace {
// sm_100a: tcgen05.mma cta_group::1 computes 128 rows; one 128-byte
// swizzled row of packed e2m1 per K tile (K = 256). The instruction takes
// N = 8..256 in steps of 8 (PTX ISA Table 39), but the ISA text gives no
// rule for where the block16 scale factors of B sit in Tensor Memory for a
// given N (only Figure 242, an image); the widths below are the ones whose
// placement a reference confirms: CUTLASS's block-scaled sm_100 kernels,
// which take CTA tile N in {64, 128, 192, 256} (docs/sm100-encodings.md,
// "Tile N").
constexpr int64_t kSM100TileM[] = {128};
constexpr int64_t kSM100TileN[] = {64, 128, 192, 256};
constexpr int64_t kSM100TileK[] = {256};
// sm_90a: two warpgroups of wgmma m64n128k16 (64 weight rows x 128 tokens
// each): a 128 x 128 tile; one 128-byte swizzled row of packed e2m1 per K
// tile (K = 256).
constexpr int64_t kSM90TileM[] = {128};
constexpr int64_t kSM90TileN[] = {128};
constexpr int64_t kSM90TileK[] = {256};

// Warp roles. sm_100a: a TMA producer warp, an MMA warp (one elected
// thread issues tcgen05), four epilogue warps (one per TMEM lane quarter),
// and a scale warp that moves row-major scale factors into the atoms
// tcgen05.cp reads, so that the producer never waits on its own loads.
// sm_90a: two consumer warpgroups (decode, wgmma, epilogue) and a TMA
// producer warp. The producer is not a whole warpgroup, so it cannot give
// registers back with setmaxnreg, and neither kernel uses it.
constexpr RoleSpec kSM100Roles[] = {
    {"producer", 0, 1, 0},
    {"mma", 1, 1, 0},
    {"epilogue", 2, 4, 0},
    {"scales", 6, 1, 0}};
constexpr RoleSpec kSM90Roles[] = {{"producer", 8, 1, 0},
                                   {"consumer", 0, 8, 0}};

const TargetInfo kTargets[] = {
    {"sm_100a", 148, 227 * 1024, kSM100TileM, kSM100TileN, kSM100TileK,
     kSM100Roles,
     "the widths whose tcgen05 scale-factor layout in Tensor Memory is "
     "confirmed; docs/sm100-encodings.md"},
    {"sm_90a", 132, 227 * 1024, kSM90TileM, kSM90TileN, kSM90TileK,
     kSM90Roles, ""},
};

std::string joined(ArrayRef<int64_t> values) {
  return llvm::join(llvm::map_range(values,
                                    [](int64_t v) { return std::to_string(v); }),
                    ", ");
}
} // namespace

const TargetInfo *TargetInfo::lookup(StringRef chip) {
  for (const TargetInfo &t : kTargets)
    if (t.chip == chip)
      return &t;
  return nullptr;
}

std::string TargetInfo::knownChips() {
  return llvm::join(llvm::map_range(kTargets,
                                    [](const TargetInfo &t) {
                                      return t.chip.str();
                                    }),
                    ", ");
}

std::string TargetInfo::checkTile(int64_t m, int64_t n, int64_t k) const {
  auto check = [&](const char *what, int64_t v, ArrayRef<int64_t> ok,
                   StringRef reason = "") {
    if (llvm::is_contained(ok, v))
      return std::string();
    std::string why = std::string("the ") + chip.str() + " kernel takes tile " +
                      what + " in {" + joined(ok) + "}";
    if (!reason.empty())
      why += " (" + reason.str() + ")";
    return why + "; got " + std::to_string(v);
  };
  for (std::string why :
       {check("M", m, tileM), check("N", n, tileN, tileNReason),
        check("K", k, tileK)})
    if (!why.empty())
      return why;
  return "";
}

std::string TargetInfo::checkSplitK(const KernelProblem &p) const {
  ScheduleAttr s = p.schedule;
  int64_t splitK = s.getSplitK();
  if (splitK == 1)
    return "";
  // The CTAs meet at a grid barrier between the partials and their
  // reduction: all must be resident at once (one CTA per SM; the runtime
  // launches the kernel cooperatively).
  if (s.getGrid() > numSMs)
    return "split_k = " + std::to_string(splitK) +
           " makes the CTAs wait for each other at a grid barrier, so all " +
           "of them must be resident: grid = " + std::to_string(s.getGrid()) +
           " must be at most the " + std::to_string(numSMs) + " SMs of " +
           chip.str();
  return "";
}

std::string TargetInfo::planKernel(KernelProblem &p,
                                   KernelResources &resources) const {
  ScheduleAttr s = p.schedule;
  if (std::string why = checkTile(s.getTileM(), s.getTileN(), s.getTileK());
      !why.empty())
    return why;
  if (std::string why = checkSplitK(p); !why.empty())
    return why;
  if (chip == "sm_100a") {
    SM100Plan plan;
    if (std::string why = planSM100Kernel(p, plan); !why.empty())
      return why;
    p.scaleMaps = plan.scaleTma;
    resources = {kSM100Threads, plan.sharedBytes, plan.tmemAllocColumns,
                 "128B", plan.scaleTma};
    return "";
  }
  if (p.scales != ScaleLayout::row_major)
    return "the sm_90a kernel takes row-major scales (it reads them with "
           "plain loads); blocked_128x4 is for tcgen05";
  if (std::string why = sm90Unsupported(p); !why.empty())
    return why;
  p.scaleMaps = false;
  resources = {kSM90Threads, sm90SharedMemoryBytes(p), 0, "128B", false};
  return "";
}

KernelProblem KernelProblem::fromAttr(KernelProblemAttr attr) {
  KernelProblem p;
  p.listForm = attr.isListForm();
  p.hasAlpha = attr.getAlpha();
  p.scales = attr.getScales();
  p.schedule = attr.getSchedule();
  for (int64_t g = 0, e = attr.getNumGroups(); g < e; ++g)
    p.groups.push_back(attr.getGroupShape(g));
  return p;
}

KernelProblem KernelProblem::fromOperands(const GroupedOperands &operands,
                                          ScheduleAttr schedule) {
  KernelProblem p;
  p.listForm = operands.isListForm();
  p.hasAlpha = bool(operands.alpha);
  p.scales = operands.scaleLayout;
  p.schedule = schedule;
  for (int64_t g = 0, e = operands.getNumGroups(); g < e; ++g)
    p.groups.push_back(operands.getGroupShape(g));
  return p;
}

KernelProblemAttr KernelProblem::toAttr(MLIRContext *ctx,
                                        StringRef chip) const {
  SmallVector<int64_t> flat;
  for (const GroupShape &g : groups)
    flat.append({ShapedType::isDynamic(g.m) ? int64_t(-1) : g.m, g.n, g.k});
  return KernelProblemAttr::get(ctx, chip,
                                listForm ? RowsKind::list
                                         : RowsKind::contiguous,
                                scales, hasAlpha, flat, schedule);
}
