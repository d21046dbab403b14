//===- TargetInfo.cpp - the chips and what all of them share -------------===//
//
// The registry of chips (one description per value of the Chip enum, each
// defined in its chip's folder), the checks every chip's kernel shares
// (tile table, split-K residency), and the kernel plan as an attribute:
// made once by planKernel, checked by verifyPlan wherever it is read.
//
//===----------------------------------------------------------------------===//

#include "ggemm/Target/TargetInfo.h"
#include "Chips.h"
#include "ggemm/Target/SM100/Encodings.h"

#include "mlir/Interfaces/FunctionInterfaces.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/MathExtras.h"

#include <algorithm>

using namespace mlir;
using namespace mlir::ggemm;

TargetInfo::~TargetInfo() = default;

const TargetInfo &TargetInfo::get(Chip chip) {
  switch (chip) {
  case Chip::sm_90a:
    return getSM90Target();
  case Chip::sm_100a:
    return getSM100Target();
  }
  llvm_unreachable("every Chip has a TargetInfo");
}

static ArrayRef<Chip> allChips() {
  static const Chip chips[] = {Chip::sm_90a, Chip::sm_100a};
  return chips;
}

std::string TargetInfo::knownChips() {
  return llvm::join(llvm::map_range(allChips(),
                                    [](Chip c) {
                                      return stringifyChip(c).str();
                                    }),
                    ", ");
}

FailureOr<Chip> TargetInfo::parseChip(StringRef name, std::string &why) {
  if (std::optional<Chip> chip = symbolizeChip(name))
    return *chip;
  why = "unknown chip '" + name.str() + "' (known: " + knownChips() + ")";
  // The arch-specific feature set is what ggemm's kernels need (wgmma,
  // setmaxnreg, tcgen05): "sm_100" or "sm_90" most likely meant it.
  for (Chip chip : allChips())
    if (stringifyChip(chip) == (name + "a").str())
      why += "; did you mean " + stringifyChip(chip).str() +
             "? ggemm's kernels use instructions only the arch-specific "
             "target has";
  return failure();
}

static std::string joined(ArrayRef<int64_t> values) {
  return llvm::join(llvm::map_range(values,
                                    [](int64_t v) { return std::to_string(v); }),
                    ", ");
}

std::string TargetInfo::checkTile(int64_t m, int64_t n, int64_t k) const {
  auto check = [&](const char *what, int64_t v, ArrayRef<int64_t> ok,
                   StringRef reason = "") {
    if (llvm::is_contained(ok, v))
      return std::string();
    std::string why = std::string("the ") + name().str() +
                      " kernel takes tile " + what + " in {" + joined(ok) +
                      "}";
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
           name().str();
  return "";
}

// What one SM holds, the same on sm_90a and sm_100a: 228 KiB of shared
// memory (1 KiB of it reserved per CTA) and 64 K 32-bit registers; and on
// sm_100a the columns of Tensor Memory (ggemm::sm100::kTmemColumns).
static constexpr int64_t kSharedMemoryPerSM = 228 * 1024;
static constexpr int64_t kReservedSharedPerCTA = 1024;
static constexpr int64_t kRegistersPerSM = 64 * 1024;
// Below this many registers per thread the kernels spill heavily.
static constexpr int64_t kMinRegistersPerThread = 64;

int64_t TargetInfo::ctasPerSM(ScheduleAttr s) const {
  return std::max<int64_t>(1, llvm::divideCeil(s.getGrid(), numSMs));
}

std::string TargetInfo::checkResidency(int64_t ctas,
                                       const KernelResources &r) const {
  if (ctas == 1)
    return "";
  std::string grid = std::to_string(ctas) + " CTAs on each SM (a grid of " +
                     "more than the " + std::to_string(numSMs) + " SMs of " +
                     name().str() + ")";
  int64_t shared = ctas * (r.sharedBytes + kReservedSharedPerCTA);
  if (shared > kSharedMemoryPerSM)
    return grid + " need " + std::to_string(shared) +
           " bytes of shared memory (" + std::to_string(r.sharedBytes) +
           " + 1024 reserved each); an SM has " +
           std::to_string(kSharedMemoryPerSM) +
           ": use fewer stages or a smaller tile";
  int64_t registers = kRegistersPerSM / (ctas * r.threads) / 8 * 8;
  if (registers < kMinRegistersPerThread)
    return grid + " of " + std::to_string(r.threads) + " threads leave " +
           std::to_string(registers) + " registers per thread; the kernel " +
           "needs at least " + std::to_string(kMinRegistersPerThread);
  if (ctas * r.tensorMemoryColumns > int64_t(::ggemm::sm100::kTmemColumns))
    return grid + " need " + std::to_string(ctas * r.tensorMemoryColumns) +
           " columns of Tensor Memory; an SM has " +
           std::to_string(::ggemm::sm100::kTmemColumns);
  return "";
}

std::string TargetInfo::planKernel(MLIRContext *ctx, KernelProblem &p,
                                   KernelPlanAttr &plan) const {
  ScheduleAttr s = p.schedule;
  if (p.chip() != chip)
    return "the schedule is for " + stringifyChip(p.chip()).str() + ", not " +
           name().str();
  if (std::string why = checkTile(s.getTileM(), s.getTileN(), s.getTileK());
      !why.empty())
    return why;
  if (std::string why = checkSplitK(p); !why.empty())
    return why;
  KernelResources r;
  if (std::string why = planResources(p, r); !why.empty())
    return why;
  if (std::string why = checkResidency(ctasPerSM(s), r); !why.empty())
    return why;
  p.scaleMaps = r.scaleMaps;
  SmallVector<RoleAttr> roleAttrs;
  for (const RoleSpec &spec : r.roles.empty() ? roles : r.roles)
    roleAttrs.push_back(RoleAttr::get(ctx, spec.role, spec.firstWarp,
                                      spec.numWarps, spec.maxRegisters));
  plan = KernelPlanAttr::get(ctx, r.threads, r.sharedBytes,
                             r.tensorMemoryColumns, r.swizzle, r.scaleMaps,
                             r.alignment, roleAttrs);
  return "";
}

std::string TargetInfo::verifyPlan(const KernelProblem &problem,
                                   KernelPlanAttr plan) const {
  KernelProblem p = problem;
  KernelPlanAttr expected;
  if (std::string why = planKernel(plan.getContext(), p, expected);
      !why.empty())
    return "its problem has no plan on " + name().str() + ": " + why;
  if (plan == expected)
    return "";
  // The fields in the attribute's order, each printed as in the IR.
  auto text = [](auto value) {
    std::string out;
    llvm::raw_string_ostream os(out);
    if constexpr (std::is_convertible_v<decltype(value), StringRef> ||
                  std::is_arithmetic_v<decltype(value)>)
      os << value;
    else {
      os << "[";
      llvm::interleaveComma(value, os);
      os << "]";
    }
    return out;
  };
  auto fields = [&](KernelPlanAttr a) {
    return SmallVector<std::pair<StringRef, std::string>>{
        {"threads", text(a.getThreads())},
        {"shared_memory", text(a.getSharedMemory())},
        {"tensor_memory_columns", text(a.getTensorMemoryColumns())},
        {"swizzle", text(a.getSwizzle())},
        {"scale_maps", a.getScaleMaps() ? "true" : "false"},
        {"alignment", text(a.getAlignment())},
        {"roles", text(a.getRoles())}};
  };
  for (auto [got, want] : llvm::zip(fields(plan), fields(expected)))
    if (got.second != want.second)
      return "its plan has " + got.first.str() + " = " + got.second +
             "; the " + name().str() + " kernel of its problem has " +
             want.second;
  return "its plan differs from the " + name().str() +
         " kernel's for its problem";
}

FailureOr<OutlinedKernel> mlir::ggemm::readOutlinedKernel(Operation *kernel) {
  auto problem = kernel->getAttrOfType<KernelProblemAttr>(kProblemAttrName);
  auto plan = kernel->getAttrOfType<KernelPlanAttr>(kPlanAttrName);
  if (!problem)
    return kernel->emitOpError()
           << "needs '" << kProblemAttrName << "' (#ggemm.kernel_problem) and '"
           << kPlanAttrName
           << "' (#ggemm.kernel_plan): ggemm-outline-kernel sets both";
  KernelProblem p = KernelProblem::fromAttr(problem);
  const TargetInfo &target = TargetInfo::get(p.chip());
  if (!plan) {
    // Kernels written by hand: say what the plan would be.
    InFlightDiagnostic diag = kernel->emitOpError()
                              << "needs '" << kPlanAttrName
                              << "' (#ggemm.kernel_plan), which "
                                 "ggemm-outline-kernel sets";
    KernelProblem planned = p;
    KernelPlanAttr expected;
    if (std::string why =
            target.planKernel(kernel->getContext(), planned, expected);
        !why.empty())
      diag << "; its problem has no plan on " << target.name() << ": "
           << why;
    else
      diag << "; for its problem on " << target.name() << " it is "
           << expected;
    return diag;
  }
  if (std::string why = target.verifyPlan(p, plan); !why.empty())
    return kernel->emitOpError() << "has a plan that is not its chip's: "
                                 << why;
  return OutlinedKernel{p.withPlan(plan), plan, &target};
}

LogicalResult mlir::ggemm::verifyLaunchPlan(Operation *host,
                                            LaunchAttr launch) {
  KernelProblem p = KernelProblem::fromAttr(launch.getProblem());
  const TargetInfo &target = TargetInfo::get(p.chip());
  if (std::string why = target.verifyPlan(p, launch.getPlan()); !why.empty())
    return host->emitOpError()
           << "has a " << kLaunchAttrName
           << " whose plan is not its chip's: " << why;
  return success();
}

KernelProblem KernelProblem::fromAttr(KernelProblemAttr attr) {
  KernelProblem p;
  p.rows = attr.getRows();
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
  p.rows = operands.rows;
  p.hasAlpha = bool(operands.alpha);
  p.scales = operands.scaleLayout;
  p.schedule = schedule;
  for (int64_t g = 0, e = operands.getNumGroups(); g < e; ++g)
    p.groups.push_back(operands.getGroupShape(g));
  return p;
}

KernelProblem KernelProblem::withPlan(KernelPlanAttr plan) const {
  KernelProblem p = *this;
  p.scaleMaps = plan.getScaleMaps();
  return p;
}

KernelProblemAttr KernelProblem::toAttr(MLIRContext *ctx) const {
  SmallVector<int64_t> flat;
  for (const GroupShape &g : groups)
    flat.append({ShapedType::isDynamic(g.m) ? int64_t(-1) : g.m, g.n, g.k});
  return KernelProblemAttr::get(
      ctx, rows, scales, hasAlpha,
      flat, schedule);
}
