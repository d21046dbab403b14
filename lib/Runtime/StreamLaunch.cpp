//===- StreamLaunch.cpp - a launch on a caller's stream, allocation-free --===//
//
// The launch path of a framework (Runtime.h, enqueueOnStream): the tensor
// maps encoded on the host, the kernel's setup kernel writing them and the
// pointer arrays into a caller's workspace from its kernel parameters, then
// the kernel. The same parameter block and workspace layout as the host
// code of ggemm-lower-launch{caller-stream} (docs/aot-host.md).
//
//===----------------------------------------------------------------------===//

#include "ggemm/Runtime/Runtime.h"

#include <algorithm>
#include <cstring>
#include <limits>

#include "Check.h"

namespace ggemm::rt {

namespace {

/// Bytes of the status pairs before the parameter block.
constexpr int64_t kStatusBytes = 128;

int64_t chunkWordsOf(const Manifest &manifest) {
  return manifest.setupChunkWords
             ? manifest.setupChunkWords
             : std::min(manifest.parameterBlockWords(), kMaxSetupChunkWords);
}

} // namespace

int64_t streamWorkspaceBytes(const Manifest &manifest) {
  int64_t words = manifest.parameterBlockWords(), chunk = chunkWordsOf(manifest);
  int64_t chunks = (words + chunk - 1) / chunk;
  return kStatusBytes + (chunks * chunk * 8 + 127) / 128 * 128;
}

std::string enqueueOnStream(const Kernel &kernel, const Operands &operands,
                            CUstream stream, CUdeviceptr workspace,
                            const LaunchOptions &options) {
  const Manifest &manifest = kernel.manifest();
  std::string where = "kernel " + manifest.kernel + " on a caller's stream";
  if (!kernel.setupFunction())
    return where + ": its manifest names no setup kernel (\"setup\"); "
                   "compile it again with this ggemm";
  if (manifest.splitK > 1)
    return where + ": split_k = " + std::to_string(manifest.splitK) +
           " needs a cooperative launch and a split-K workspace; launch it "
           "with rt::Launch";
  // The token workspace grows with the rows (rows x K f16 a set), so the
  // caller passes it apart from the workspace, with its size.
  std::vector<TokenRegion> regions =
      tokenRegions(manifest, operands.contiguousRows, operands.tokenRows);
  if (manifest.decodesTokens()) {
    int64_t needed = tokenWorkspaceBytes(regions);
    if (!operands.tokenWorkspace || operands.tokenWorkspace % 256 != 0)
      return where + ": it decodes its tokens (" + manifest.tokens.kernel +
             ") into a token workspace of rows x K f16: Operands::"
             "tokenWorkspace must be a 256-byte aligned device address of "
             "tokenWorkspaceBytes";
    if (operands.tokenWorkspaceSize < needed)
      return where + ": its token workspace has " +
             std::to_string(operands.tokenWorkspaceSize) +
             " bytes, fewer than the tokenWorkspaceBytes of these rows (" +
             std::to_string(needed) + ")";
  }
  if (!workspace || workspace % 64 != 0)
    return where + ": the workspace must be a 64-byte aligned device "
                   "address";
  if (manifest.oneOperandSet() && !operands.groupSizes)
    return where + ": the row array must be on the device "
                   "(Operands::groupSizes); nothing is copied per launch";
  if (manifest.alpha && !operands.alpha)
    return where + ": alpha must be on the device (Operands::alpha); "
                   "nothing is copied per launch";
  if (manifest.gathered() && !operands.rowIndices)
    return where + ": the row indices must be on the device "
                   "(Operands::rowIndices); nothing is copied per launch";
  if (std::string err = checkOperands(manifest, operands); !err.empty())
    return err;
  // status[0]: the rows of the one A, or R (the rows of C) when gathered.
  int64_t rows = manifest.rows == RowsForm::Masked ? manifest.contiguousCapacity()
                 : manifest.oneOperandSet()         ? operands.contiguousRows
                                                    : 0;
  if (rows < 0 || rows > std::numeric_limits<int32_t>::max())
    return where + (manifest.gathered() ? ": the routed rows are "
                                        : ": the one A buffer has ") +
           std::to_string(rows) + " rows; the kernel takes 0 to 2^31 - 1";

  // The parameter block: the maps, the C pointers, the SFA/SFB pointers
  // and with "tokens" the decode kernel's table, padded to whole chunks.
  std::vector<CUtensorMap> maps;
  if (std::string err =
          encodeTensorMaps(manifest, operands, maps, operands.tokenWorkspace,
                           regions);
      !err.empty())
    return err;
  int64_t chunk = chunkWordsOf(manifest);
  int64_t words = manifest.parameterBlockWords();
  std::vector<uint64_t> block((words + chunk - 1) / chunk * chunk, 0);
  std::memcpy(block.data(), maps.data(), maps.size() * sizeof(CUtensorMap));
  std::vector<uint64_t> cPointers, scalePointers;
  pointerArrays(operands, cPointers, scalePointers);
  size_t w = maps.size() * 16, sets = cPointers.size();
  std::copy(cPointers.begin(), cPointers.end(), block.begin() + w);
  std::copy(scalePointers.begin(), scalePointers.end(),
            block.begin() + w + sets);
  std::vector<uint64_t> table =
      tokenTableOf(regions, operands, operands.tokenWorkspace);
  std::copy(table.begin(), table.end(),
            block.begin() + manifest.tokenTableWord());

  // The setup kernel, once per chunk; the driver copies the parameter
  // values at enqueue time.
  CUdeviceptr status = workspace, blockAddress = workspace + kStatusBytes;
  int32_t rows32 = int32_t(rows);
  LaunchShape single;
  for (int64_t c = 0; c * chunk < int64_t(block.size()); ++c) {
    CUdeviceptr dst = blockAddress + CUdeviceptr(8 * chunk * c);
    std::vector<void *> args = {&dst, &status, &rows32};
    for (int64_t i = 0; i < chunk; ++i)
      args.push_back(&block[size_t(c * chunk + i)]);
    if (std::string err =
            launchKernel(kernel.setupFunction(), single, stream, args.data());
        !err.empty())
      return "setup kernel " + manifest.setupKernel + ": " + err;
  }

  // A kernel with "tokens": its decode kernel, once for all operand sets,
  // over the table in the block, into the token workspace the tokens maps
  // point to.
  if (manifest.decodesTokens())
    if (std::string err = enqueueTokenDecode(
            kernel, blockAddress + CUdeviceptr(8 * manifest.tokenTableWord()),
            stream);
        !err.empty())
      return err;

  // The kernel, on the block (not cooperative: split_k is 1); a gathered
  // one takes its row indices, T (an int32 by value, checkOperands
  // bounded it) and A's address last.
  LaunchShape shape = launchShapeOf(manifest);
  std::array<CUdeviceptr, 7> params = {
      blockAddress, blockAddress + CUdeviceptr(8 * w),
      blockAddress + CUdeviceptr(8 * (w + sets)), operands.groupSizes,
      manifest.alpha ? operands.alpha : 0, status, operands.rowIndices};
  int32_t tokenRows = int32_t(operands.tokenRows);
  CUdeviceptr tokenMatrix = manifest.gathered() ? operands.a.front() : 0;
  std::array<void *, 9> args{};
  for (size_t i = 0; i < 6; ++i)
    args[i] = &params[i];
  if (manifest.gathered()) {
    args[6] = &params[6];
    args[7] = &tokenRows;
    args[8] = &tokenMatrix;
  }
  if (std::string err = launchKernel(kernel.function(), shape, stream,
                                     args.data(), options);
      !err.empty())
    return "kernel " + manifest.kernel + ": " + err;
  return "";
}

std::string streamErrorFlags(CUdeviceptr workspace, int32_t &flags) {
  GGEMM_CU_CHECK(cuMemcpyDtoH(&flags, workspace + 4, sizeof(flags)));
  return "";
}

} // namespace ggemm::rt
