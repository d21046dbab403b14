//===- Launch.cpp - loading, binding and launching ggemm kernels ----------===//
//
// The kernel ABI of docs/kernel-abi.md on the driver side: load the cubin,
// encode the manifest's tensor maps once per problem into one device array,
// build the pointer arrays (and, for a kernel that decodes its tokens, the
// token workspace), launch with cuLaunchKernelEx, and capture that launch
// into a CUDA graph.
//
//===----------------------------------------------------------------------===//

#include "ggemm/Runtime/Runtime.h"

#include <limits>

#include "Check.h"
#include "ReadFile.h"

namespace ggemm::rt {

//===----------------------------------------------------------------------===//
// Kernel
//===----------------------------------------------------------------------===//

std::string Kernel::load(const Context &context, Manifest manifest,
                         Kernel &out) {
  out = Kernel();
  const DeviceInfo &device = context.info();
  if (manifest.dynamicSharedMemory > device.maxDynamicSharedMemory)
    return "kernel " + manifest.kernel + " needs " +
           std::to_string(manifest.dynamicSharedMemory) +
           " bytes of dynamic shared memory; " + device.name + " allows " +
           std::to_string(device.maxDynamicSharedMemory) + " per block";

  // Kernels are kilobytes to a few megabytes; the bound only keeps a
  // wrong path (a device, a data file) from being read whole.
  std::string image;
  if (std::string err =
          readFileBounded(manifest.cubinPath, 256 << 20, "cubin", image);
      !err.empty())
    return err;
  // cuModuleLoadData also takes PTX, which must end in a NUL (std::string
  // keeps one past its size); a cubin ignores the extra byte.

  CUmodule module;
  if (emulated())
    setEmuModuleName(manifest.cubinPath); // names its lines in reports
  CUresult loaded = GGEMM_CU(cuModuleLoadData(&module, image.data()));
  if (loaded != CUDA_SUCCESS) {
    // The usual cause is a cubin for another chip: say which is which.
    std::string message =
        manifest.cubinPath + ": " + cuError(loaded, "cuModuleLoadData");
    if (!manifest.chip.empty())
      message += " (kernel built for " + manifest.chip + "; device is sm_" +
                 std::to_string(device.major) + std::to_string(device.minor) +
                 ")";
    return message;
  }
  out.module.reset(module);
  GGEMM_CU_CHECK_IN(
      "kernel " + manifest.kernel + " in " + manifest.cubinPath,
      cuModuleGetFunction(&out.fn, module, manifest.kernel.c_str()));
  // Above 48 KiB the launch fails unless the function opts in first.
  GGEMM_CU_CHECK_IN("kernel " + manifest.kernel,
                    cuFuncSetAttribute(
                        out.fn, CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES,
                        int(manifest.dynamicSharedMemory)));
  if (!manifest.setupKernel.empty())
    GGEMM_CU_CHECK_IN("setup kernel " + manifest.setupKernel + " in " +
                          manifest.cubinPath,
                      cuModuleGetFunction(&out.setup, module,
                                          manifest.setupKernel.c_str()));
  if (manifest.decodesTokens())
    GGEMM_CU_CHECK_IN("token decode kernel " + manifest.tokens.kernel + " in " +
                          manifest.cubinPath,
                      cuModuleGetFunction(&out.tokens, module,
                                          manifest.tokens.kernel.c_str()));
  out.info = std::move(manifest);
  return "";
}

//===----------------------------------------------------------------------===//
// Launch
//===----------------------------------------------------------------------===//

void pointerArrays(const Operands &operands, std::vector<uint64_t> &cPointers,
                   std::vector<uint64_t> &scalePointers) {
  cPointers.clear();
  scalePointers.clear();
  for (size_t g = 0; g < operands.c.size(); ++g) {
    cPointers.push_back(operands.c[g]);
    scalePointers.push_back(operands.sfa[g]);
    scalePointers.push_back(operands.sfb[g]);
  }
}

LaunchShape launchShapeOf(const Manifest &manifest) {
  LaunchShape shape;
  shape.grid = manifest.grid;
  shape.block = manifest.block;
  shape.cluster = manifest.cluster;
  shape.dynamicSharedMemory = manifest.dynamicSharedMemory;
  // The CTAs of a split-K kernel wait for each other at the grid barrier:
  // the driver must make them all resident, or refuse the launch.
  shape.cooperative = manifest.splitK > 1;
  return shape;
}

std::string encodeTensorMaps(const Manifest &manifest, const Operands &operands,
                             std::vector<CUtensorMap> &maps,
                             CUdeviceptr tokenWorkspace) {
  return encodeTensorMaps(
      manifest, operands, maps, tokenWorkspace,
      tokenRegions(manifest, operands.contiguousRows, operands.tokenRows));
}

std::string encodeTensorMaps(const Manifest &manifest, const Operands &operands,
                             std::vector<CUtensorMap> &maps,
                             CUdeviceptr tokenWorkspace,
                             const std::vector<TokenRegion> &regions) {
  static_assert(sizeof(CUtensorMap) == 128, "the ABI has 128-byte maps");
  maps.assign(manifest.tensorMaps.size(), CUtensorMap{});
  bool oneSet = manifest.oneOperandSet();
  for (size_t i = 0; i < maps.size(); ++i) {
    const TensorMapSpec &spec = manifest.tensorMaps[i];
    ResolvedTensorMap shape;
    if (std::string err =
            resolveTensorMap(manifest, i, operands.contiguousRows, shape,
                             operands.tokenRows);
        !err.empty())
      return err;
    size_t slot = oneSet ? 0 : size_t(spec.group);
    // The decoded tokens lie in the set's region of the token workspace;
    // the other operands in the caller's buffers.
    CUdeviceptr base;
    if (spec.operand == Operand::Tokens) {
      if (!tokenWorkspace || slot >= regions.size())
        return "tensor map " + std::to_string(i) +
               " (tokens): no token workspace to map (rt::Launch allocates "
               "one; enqueueOnStream takes Operands::tokenWorkspace)";
      base = tokenWorkspace + CUdeviceptr(regions[slot].offset);
    } else {
      const std::vector<CUdeviceptr> *buffers[] = {
          &operands.a, &operands.b, &operands.sfa, &operands.sfb};
      base = (*buffers[size_t(spec.operand)])[slot];
    }
    const cuuint64_t dims[2] = {shape.dims[0], shape.dims[1]};
    const cuuint64_t strides[1] = {shape.rowStride};
    const cuuint32_t box[2] = {shape.box[0], shape.box[1]};
    const cuuint32_t elementStrides[2] = {1, 1};
    std::string what =
        "tensor map " + std::to_string(i) + " (dims [" +
        std::to_string(dims[0]) + ", " + std::to_string(dims[1]) +
        "], row stride " + std::to_string(strides[0]) + ", box [" +
        std::to_string(box[0]) + ", " + std::to_string(box[1]) + "])";
    GGEMM_CU_CHECK_IN(
        what, cuTensorMapEncodeTiled(&maps[i], CU_TENSOR_MAP_DATA_TYPE_UINT8, 2,
                                     reinterpret_cast<void *>(base), dims,
                                     strides, box, elementStrides,
                                     CU_TENSOR_MAP_INTERLEAVE_NONE,
                                     shape.swizzle128B
                                         ? CU_TENSOR_MAP_SWIZZLE_128B
                                         : CU_TENSOR_MAP_SWIZZLE_NONE,
                                     CU_TENSOR_MAP_L2_PROMOTION_L2_128B,
                                     CU_TENSOR_MAP_FLOAT_OOB_FILL_NONE));
  }
  return "";
}

std::vector<uint64_t> tokenTableOf(const std::vector<TokenRegion> &regions,
                                   const Operands &operands,
                                   CUdeviceptr tokenWorkspace) {
  // Rows and K fit an int32: checkOperands bounded the rows, parseManifest
  // K.
  std::vector<uint64_t> table;
  for (size_t set = 0; set < regions.size(); ++set) {
    uint64_t sizes = uint64_t(uint32_t(regions[set].rows)) |
                     uint64_t(uint32_t(regions[set].k)) << 32;
    table.insert(table.end(),
                 {uint64_t(tokenWorkspace + CUdeviceptr(regions[set].offset)),
                  uint64_t(operands.a[set]), uint64_t(operands.sfa[set]),
                  sizes});
  }
  return table;
}

std::string enqueueTokenDecode(const Kernel &kernel, CUdeviceptr table,
                               CUstream stream) {
  const Manifest &manifest = kernel.manifest();
  LaunchShape shape;
  shape.grid = manifest.tokens.grid;
  shape.block = manifest.tokens.block;
  void *args[] = {&table};
  if (std::string err =
          launchKernel(kernel.tokensFunction(), shape, stream, args);
      !err.empty())
    return "token decode kernel " + manifest.tokens.kernel + ": " + err;
  return "";
}

/// Copies `values` into a new device array.
template <typename T>
static std::string makeArray(const std::vector<T> &values, DeviceBuffer &out) {
  if (std::string err = DeviceBuffer::allocate(values.size() * sizeof(T), out);
      !err.empty())
    return err;
  return out.upload(values.data(), values.size() * sizeof(T));
}

std::string Launch::create(const Kernel &kernel, const Operands &operands,
                           Launch &out) {
  out = Launch();
  const Manifest &manifest = kernel.manifest();
  if (std::string err = checkOperands(manifest, operands); !err.empty())
    return err;
  bool oneSet = manifest.oneOperandSet();
  // The rows of the one A / SFA / C: the caller's (contiguous, offsets), or
  // G x max_m (masked, static); in gathered form R, the rows of C (A has
  // T). status[0] carries them to the kernel.
  int64_t rowsOfA = manifest.rows == RowsForm::Masked
                        ? manifest.contiguousCapacity()
                        : operands.contiguousRows;
  if (rowsOfA > std::numeric_limits<int32_t>::max())
    return std::string(manifest.rows == RowsForm::Masked
                           ? "masked rows: G x max_m = "
                           : "operands: contiguousRows ") +
           std::to_string(rowsOfA) + " exceeds 2^31 - 1";

  // A kernel with "tokens": the token workspace, which its decode kernel
  // fills and its tokens maps read (docs/kernel-abi.md, "Decoded
  // tokens"), one region per operand set. Nothing in it is read before
  // the decode kernel wrote it, so it is not cleared.
  CUdeviceptr tokenWorkspace = 0;
  std::vector<TokenRegion> regions =
      tokenRegions(manifest, operands.contiguousRows, operands.tokenRows);
  if (!regions.empty()) {
    if (std::string err = DeviceBuffer::allocate(
            size_t(tokenWorkspaceBytes(regions)), out.tokenWorkspace);
        !err.empty())
      return "the token workspace: " + err;
    tokenWorkspace = out.tokenWorkspace.address();
    if (std::string err = makeArray(
            tokenTableOf(regions, operands, tokenWorkspace), out.tokenTable);
        !err.empty())
      return "the token decode table: " + err;
  }

  // Tensor maps, in manifest order. CUtensorMap is 128 bytes and 128-byte
  // aligned on the host, so the vector's storage is the device array's
  // image; cuMemAlloc's 256-byte alignment covers the ABI's 64.
  std::vector<CUtensorMap> maps;
  if (std::string err =
          encodeTensorMaps(manifest, operands, maps, tokenWorkspace, regions);
      !err.empty())
    return err;

  std::vector<uint64_t> cPointers, scalePointers;
  pointerArrays(operands, cPointers, scalePointers);
  for (std::string err :
       {makeArray(maps, out.tensorMaps), makeArray(cPointers, out.cPointers),
        makeArray(scalePointers, out.scalePointers)})
    if (!err.empty())
      return err;

  // group_sizes (sizes, offsets or counts) and alpha: the caller's device
  // arrays, else ours, else 0 as the ABI asks when the kernel does not take
  // them.
  CUdeviceptr groupSizes = 0, alpha = 0;
  if (oneSet) {
    groupSizes = operands.groupSizes;
    if (!groupSizes) {
      if (std::string err = makeArray(operands.groupSizeValues, out.groupSizes);
          !err.empty())
        return err;
      groupSizes = out.groupSizes.address();
    }
  }
  if (manifest.alpha) {
    alpha = operands.alpha;
    if (!alpha) {
      if (std::string err = makeArray(operands.alphaValues, out.alpha);
          !err.empty())
        return err;
      alpha = out.alpha.address();
    }
  }

  // Gathered: the row indices, the caller's device array or ours, and T.
  if (manifest.gathered()) {
    out.rowIndexArray = operands.rowIndices;
    if (!out.rowIndexArray) {
      if (std::string err = makeArray(operands.rowIndexValues,
                                      out.rowIndexValues);
          !err.empty())
        return err;
      out.rowIndexArray = out.rowIndexValues.address();
    }
    out.tokens = int32_t(operands.tokenRows); // checkOperands bounded it
    out.tokenMatrixAddress = operands.a.front();
  }

  // status: {rows of A, error flags}, the flags cleared here (rowsOfA was
  // bounded above).
  std::vector<int32_t> statusValues = {oneSet ? int32_t(rowsOfA) : 0, 0};
  if (std::string err = makeArray(statusValues, out.status); !err.empty())
    return err;

  // Split-K: the workspace (docs/kernel-abi.md, "Split-K workspace"), its
  // header zeroed once; every launch leaves it so.
  CUdeviceptr workspace = 0;
  if (manifest.splitK > 1) {
    std::vector<uint8_t> image(size_t(kWorkspaceHeaderBytes), 0);
    if (std::string err = DeviceBuffer::allocate(
            size_t(workspaceBytes(manifest, operands.contiguousRows)),
            out.workspace);
        !err.empty())
      return err;
    if (std::string err = out.workspace.upload(image.data(), image.size());
        !err.empty())
      return err;
    workspace = out.workspace.address();
  }

  out.kernel = &kernel;
  out.parameters = {maps.empty() ? 0 : out.tensorMaps.address(),
                    out.cPointers.address(),
                    out.scalePointers.address(),
                    groupSizes,
                    alpha,
                    out.status.address(),
                    workspace};
  return "";
}

std::string Launch::errorFlags(int32_t &flags) const {
  if (!kernel)
    return "launch: not created";
  int32_t values[2] = {0, 0};
  if (std::string err = status.download(values, sizeof(values)); !err.empty())
    return err;
  flags = values[1];
  return "";
}

std::string Launch::enqueue(CUstream stream,
                            const LaunchOptions &options) const {
  if (!kernel)
    return "launch: not created";
  const Manifest &manifest = kernel->manifest();
  LaunchShape shape = launchShapeOf(manifest);

  // A kernel with "tokens": its decode kernel first, one launch for all
  // operand sets, on the same stream (so the kernel, and a graph capturing
  // this launch, see the tokens of this launch).
  if (manifest.decodesTokens())
    if (std::string err =
            enqueueTokenDecode(*kernel, tokenTable.address(), stream);
        !err.empty())
      return err;

  // The driver copies the parameter values at enqueue time, so pointing
  // into this object is safe even if it moves afterwards. A gathered
  // kernel's row indices, T (an int32 by value) and A's address come last.
  std::array<void *, std::tuple_size_v<decltype(parameters)> + 3> args{};
  size_t numParams = parameters.size() - (manifest.splitK > 1 ? 0 : 1);
  for (size_t i = 0; i < numParams; ++i)
    args[i] = const_cast<CUdeviceptr *>(&parameters[i]);
  if (manifest.gathered()) {
    args[numParams++] = const_cast<CUdeviceptr *>(&rowIndexArray);
    args[numParams++] = const_cast<int32_t *>(&tokens);
    args[numParams++] = const_cast<CUdeviceptr *>(&tokenMatrixAddress);
  }
  if (std::string err = launchKernel(kernel->function(), shape, stream,
                                     args.data(), options);
      !err.empty())
    return "kernel " + manifest.kernel + ": " + err;
  return "";
}

//===----------------------------------------------------------------------===//
// Graph
//===----------------------------------------------------------------------===//

std::string Graph::capture(const Launch &launch, CUstream stream, Graph &out,
                           const LaunchOptions &options) {
  out = Graph();
  // Thread-local mode: other threads' unrelated driver calls do not
  // invalidate this capture.
  GGEMM_CU_CHECK(
      cuStreamBeginCapture(stream, CU_STREAM_CAPTURE_MODE_THREAD_LOCAL));
  std::string launched = launch.enqueue(stream, options);
  // End the capture even after a failed launch, or the stream stays in
  // capture mode and every later use of it fails.
  CUgraph graph = nullptr;
  CUresult ended = GGEMM_CU(cuStreamEndCapture(stream, &graph));
  out.graph.reset(graph);
  if (!launched.empty())
    return "while capturing a graph: " + launched;
  if (std::string err = cuError(ended, "cuStreamEndCapture(stream, &graph)");
      !err.empty())
    return err;
  CUgraphExec exec;
  GGEMM_CU_CHECK(cuGraphInstantiate(&exec, graph, 0));
  out.exec.reset(exec);
  return "";
}

std::string Graph::replay(CUstream stream) const {
  if (!exec.get())
    return "graph: not captured";
  GGEMM_CU_CHECK(cuGraphLaunch(exec.get(), stream));
  return "";
}

} // namespace ggemm::rt

std::string ggemm::rt::launchKernel(CUfunction function,
                                    const LaunchShape &shape, CUstream stream,
                                    void **args,
                                    const LaunchOptions &options) {
  CUlaunchConfig config = {};
  config.gridDimX = shape.grid[0];
  config.gridDimY = shape.grid[1];
  config.gridDimZ = shape.grid[2];
  config.blockDimX = shape.block[0];
  config.blockDimY = shape.block[1];
  config.blockDimZ = shape.block[2];
  config.sharedMemBytes = shape.dynamicSharedMemory;
  config.hStream = stream;
  CUlaunchAttribute attributes[3] = {};
  unsigned count = 0;
  if (shape.cooperative) {
    CUlaunchAttribute &cooperative = attributes[count++];
    cooperative.id = CU_LAUNCH_ATTRIBUTE_COOPERATIVE;
    cooperative.value.cooperative = 1;
  }
  if (shape.cluster != std::array<uint32_t, 3>{1, 1, 1}) {
    CUlaunchAttribute &cluster = attributes[count++];
    cluster.id = CU_LAUNCH_ATTRIBUTE_CLUSTER_DIMENSION;
    cluster.value.clusterDim.x = shape.cluster[0];
    cluster.value.clusterDim.y = shape.cluster[1];
    cluster.value.clusterDim.z = shape.cluster[2];
  }
  if (options.programmaticStreamSerialization) {
    CUlaunchAttribute &pdl = attributes[count++];
    pdl.id = CU_LAUNCH_ATTRIBUTE_PROGRAMMATIC_STREAM_SERIALIZATION;
    pdl.value.programmaticStreamSerializationAllowed = 1;
  }
  config.attrs = count ? attributes : nullptr;
  config.numAttrs = count;
  return cuError(GGEMM_CU(cuLaunchKernelEx(&config, function, args, nullptr)),
                 "cuLaunchKernelEx");
}
