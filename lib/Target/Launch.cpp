//===- Launch.cpp - the host side's launch description --------------------===//
//
// #ggemm.launch from the target's plan, and the JSON manifest written from
// it (see ggemm/Target/Launch.h).
//
//===----------------------------------------------------------------------===//

#include "ggemm/Target/Launch.h"

#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"

#include <algorithm>

using namespace mlir;
using namespace mlir::ggemm;

LaunchAttr mlir::ggemm::buildLaunch(MLIRContext *ctx, SymbolRefAttr kernel,
                                    const KernelProblem &p,
                                    KernelPlanAttr plan) {
  ScheduleAttr s = p.schedule;
  SmallVector<TensorMapAttr> maps;
  // One map per A and B (and SFA, SFB when the kernel loads row-major
  // scales with TMA): the whole operand, box = one tile x tile_k.
  auto addMaps = [&](int64_t g, int64_t rowsA, int64_t rowsB, int64_t k) {
    auto add = [&](StringRef operand, int64_t rows, int64_t rowBytes,
                   int64_t boxBytes, int64_t boxRows, StringRef swizzle) {
      maps.push_back(TensorMapAttr::get(ctx, g, operand, {rowBytes, rows},
                                        {rowBytes}, {boxBytes, boxRows},
                                        swizzle));
    };
    int64_t tileK = s.getTileK();
    // rows<gathered>: each routed row is its own copy of one token row.
    int64_t boxRowsA = p.rows == RowsKind::gathered ? 1 : s.getTileM();
    if (s.getPredecode()) {
      // The decoded tokens in the token workspace (f16, rows of 2 Kp
      // bytes); a box is one decode step (64 f16, 128 bytes) of the tile's
      // rows, 128B-swizzled: wgmma's K-major layout of 128-byte rows.
      add("tokens", rowsA, tokenRowBytes(k, tileK), kTokenStepBytes,
          s.getTileM(), "128B");
    } else {
      add("a", rowsA, k / 2, tileK / 2, boxRowsA, plan.getSwizzle());
    }
    add("b", rowsB, k / 2, tileK / 2, s.getTileN(), plan.getSwizzle());
    if (!p.scaleMaps)
      return;
    add("sfa", rowsA, k / kScaleBlock, tileK / kScaleBlock, s.getTileM(),
        "none");
    add("sfb", rowsB, k / kScaleBlock, tileK / kScaleBlock, s.getTileN(),
        "none");
  };
  if (p.isListForm()) {
    for (auto [g, shape] : llvm::enumerate(p.groups))
      addMaps(g, shape.m, shape.n, shape.k);
  } else {
    // One operand set: A's rows are known at run time (the runtime fills
    // in dims[1]), or G x max_m (masked); B stacks the groups.
    int64_t groups = p.groups.size();
    int64_t rowsA = p.rows == RowsKind::masked ? groups * p.groups[0].m : -1;
    addMaps(0, rowsA, groups * p.groups[0].n, p.groups[0].k);
  }
  return LaunchAttr::get(ctx, kernel, {s.getGrid(), 1, 1}, {1, 1, 1}, plan,
                         p.toAttr(ctx), maps);
}

SmallVector<Type> mlir::ggemm::getKernelParamTypes(MLIRContext *ctx,
                                                   const KernelProblem &p) {
  auto global = IntegerAttr::get(IntegerType::get(ctx, 64), 1);
  auto buffer = [&](int64_t size, Type element, ArrayRef<int64_t> inner = {}) {
    SmallVector<int64_t> shape{std::max<int64_t>(size, 1)};
    llvm::append_range(shape, inner);
    return MemRefType::get(shape, element, MemRefLayoutAttrInterface{},
                           global);
  };
  Type i8 = IntegerType::get(ctx, 8), i32 = IntegerType::get(ctx, 32),
       i64 = IntegerType::get(ctx, 64), f32 = Float32Type::get(ctx);
  int64_t groups = p.groups.size(), sets = p.isListForm() ? groups : 1;
  SmallVector<Type> params = {buffer(p.mapsPerSet() * sets, i8, {128}),
                              buffer(sets, i64),
                              buffer(2 * sets, i64),
                              buffer(groups, i32),
                              buffer(groups, f32),
                              buffer(2, i32)};
  // Split-K: the workspace (its header; the partials follow).
  if (p.schedule.getSplitK() > 1)
    params.push_back(buffer(kWorkspaceHeaderBytes / 4, i32));
  // rows<gathered>: row_indices, token_rows and token_matrix (A's device
  // address, which the kernel's cp.async row copies read from).
  if (p.rows == RowsKind::gathered)
    params.append({buffer(1, i32), i32, i64});
  return params;
}

unsigned mlir::ggemm::rowIndicesParam(const KernelProblem &p) {
  return p.schedule.getSplitK() > 1 ? 7 : 6;
}

LaunchBlock mlir::ggemm::getLaunchBlock(LaunchAttr launch) {
  KernelProblemAttr problem = launch.getProblem();
  int64_t sets = problem.isListForm() ? problem.getNumGroups() : 1;
  return LaunchBlock{int64_t(launch.getTensorMaps().size()), sets,
                     problem.getSchedule().getPredecode() ? sets : 0};
}

std::string mlir::ggemm::setupKernelName(StringRef kernel) {
  return (kernel + "_setup").str();
}

std::string mlir::ggemm::tokensKernelName(StringRef kernel) {
  return (kernel + "_tokens").str();
}

std::array<int64_t, 3> mlir::ggemm::tokensKernelGrid(int64_t sets,
                                                     int64_t kernelGrid) {
  int64_t x = std::clamp<int64_t>(
      (4 * kernelGrid + sets - 1) / std::max<int64_t>(sets, 1), 1,
      std::max<int64_t>(kernelGrid, 1));
  return {x, sets, 1};
}

std::string mlir::ggemm::buildManifest(LaunchAttr launch,
                                       StringRef imageFile) {
  KernelProblemAttr problem = launch.getProblem();
  KernelPlanAttr plan = launch.getPlan();
  ScheduleAttr s = problem.getSchedule();
  auto array = [](ArrayRef<int64_t> values) {
    llvm::json::Array a;
    for (int64_t v : values)
      a.push_back(v);
    return a;
  };
  llvm::json::Array groups, maps;
  for (int64_t g = 0, e = problem.getNumGroups(); g < e; ++g) {
    GroupShape shape = problem.getGroupShape(g);
    groups.push_back(llvm::json::Object{
        {"m", ShapedType::isDynamic(shape.m) ? int64_t(-1) : shape.m},
        {"n", shape.n},
        {"k", shape.k}});
  }
  for (TensorMapAttr map : launch.getTensorMaps())
    maps.push_back(llvm::json::Object{{"group", map.getGroup()},
                                      {"operand", map.getOperand()},
                                      {"dims", array(map.getDims())},
                                      {"strides", array(map.getStrides())},
                                      {"box", array(map.getBox())},
                                      {"swizzle", map.getSwizzle()}});
  // What the kernel's instructions need of each operand's base address
  // (the runtime checks it before a launch).
  llvm::json::Object alignment;
  for (auto [operand, bytes] :
       llvm::zip(KernelPlanAttr::kAlignedOperands, plan.getAlignment()))
    alignment[operand] = bytes;
  llvm::json::Array params{"tensor_maps",  "c_pointers", "scale_pointers",
                           "group_sizes", "alpha",      "status"};
  if (s.getSplitK() > 1)
    params.push_back("workspace");
  if (problem.getRows() == RowsKind::gathered) {
    params.push_back("row_indices");
    params.push_back("token_rows");
    params.push_back("token_matrix");
  }
  llvm::json::Object manifest{
      {"format", "ggemm-manifest-1"},
      {"chip", stringifyChip(problem.getChip())},
      {"kernel", launch.getKernel().getLeafReference().getValue()},
      {"cubin", imageFile.str()},
      {"grid", array(launch.getGrid())},
      {"block", llvm::json::Array{plan.getThreads(), 1, 1}},
      {"cluster", array(launch.getCluster())},
      {"dynamic_shared_memory", plan.getSharedMemory()},
      {"rows", stringifyRowsKind(problem.getRows())},
      {"scales", problem.getScales() == ScaleLayout::row_major
                     ? "row_major"
                     : "blocked_128x4"},
      {"alpha", problem.getAlpha()},
      {"tile", llvm::json::Array{s.getTileM(), s.getTileN(), s.getTileK()}},
      {"split_k", s.getSplitK()},
      {"groups", std::move(groups)},
      {"params", std::move(params)},
      {"tensor_maps", std::move(maps)},
      {"alignment", std::move(alignment)}};
  if (plan.getTensorMemoryColumns())
    manifest["tensor_memory_columns"] = plan.getTensorMemoryColumns();
  // The setup kernel beside it (ggemm-outline-kernel makes one for every
  // kernel): what a launch on a caller's stream runs first.
  LaunchBlock block = getLaunchBlock(launch);
  manifest["setup"] = llvm::json::Object{
      {"kernel",
       setupKernelName(launch.getKernel().getLeafReference().getValue())},
      {"chunk_words", block.chunkWords()}};
  // Predecoded tokens: the decode kernel the runtime launches once before
  // the kernel, over the table of every operand set, into the token
  // workspace the "tokens" maps read.
  if (s.getPredecode()) {
    std::array<int64_t, 3> grid = tokensKernelGrid(block.tokenSets, s.getGrid());
    manifest["tokens"] = llvm::json::Object{
        {"kernel",
         tokensKernelName(launch.getKernel().getLeafReference().getValue())},
        {"grid", llvm::json::Array{grid[0], grid[1], grid[2]}},
        {"block", llvm::json::Array{kTokensKernelThreads, 1, 1}},
        {"params", llvm::json::Array{"table"}}};
  }
  std::string text;
  llvm::raw_string_ostream os(text);
  os << llvm::formatv("{0:2}", llvm::json::Value(std::move(manifest)));
  return text;
}

std::string mlir::ggemm::toIdentifier(StringRef name) {
  std::string id = name.str();
  for (char &c : id)
    if (!llvm::isAlnum(c) && c != '_')
      c = '_';
  return id;
}

bool mlir::ggemm::isPtxIdentifier(StringRef name) {
  return !name.empty() && !llvm::isDigit(name.front()) &&
         llvm::all_of(name, [](char c) {
           return llvm::isAlnum(c) || c == '_' || c == '$';
         });
}
