//===- MGPUTensorMaps.cpp - mgpu* entry points over memref descriptors ----===//
//
// The entry points of MGPU.cpp that read memref descriptors or encode
// tensor maps: mgpuMemHostRegisterMemRef (gpu-to-llvm), the tensor map of
// nvgpu.tma.create.descriptor (convert-nvgpu-to-nvvm) and
// ggemmTensorMapEncode, which ggemm-lower-launch's host code calls.
//
//===----------------------------------------------------------------------===//

#include "MGPUCommon.h"

using namespace ggemm::mgpu;

namespace {

/// Bytes of one element of a tensor map's data type, 0 if unknown.
int64_t tensorMapElementBytes(int64_t dataType) {
  switch (dataType) {
  case CU_TENSOR_MAP_DATA_TYPE_UINT8:
    return 1;
  case CU_TENSOR_MAP_DATA_TYPE_UINT16:
  case CU_TENSOR_MAP_DATA_TYPE_FLOAT16:
  case CU_TENSOR_MAP_DATA_TYPE_BFLOAT16:
    return 2;
  case CU_TENSOR_MAP_DATA_TYPE_UINT32:
  case CU_TENSOR_MAP_DATA_TYPE_INT32:
  case CU_TENSOR_MAP_DATA_TYPE_FLOAT32:
  case CU_TENSOR_MAP_DATA_TYPE_FLOAT32_FTZ:
  case CU_TENSOR_MAP_DATA_TYPE_TFLOAT32:
  case CU_TENSOR_MAP_DATA_TYPE_TFLOAT32_FTZ:
    return 4;
  case CU_TENSOR_MAP_DATA_TYPE_UINT64:
  case CU_TENSOR_MAP_DATA_TYPE_INT64:
  case CU_TENSOR_MAP_DATA_TYPE_FLOAT64:
    return 8;
  default:
    return 0;
  }
}

/// The fields of a ranked memref descriptor ({allocated, aligned, offset,
/// sizes[rank], strides[rank]}) that the entry points read.
struct MemRefView {
  char *aligned;
  int64_t offset;
  const int64_t *sizes, *strides;
};

MemRefView viewOf(const void *descriptor, int64_t rank) {
  auto *pointers = static_cast<char *const *>(descriptor);
  auto *fields = reinterpret_cast<const int64_t *>(
      static_cast<const char *>(descriptor) + 2 * sizeof(char *));
  return {pointers[1], fields[0], fields + 1, fields + 1 + rank};
}

} // namespace

extern "C" {

void mgpuMemHostRegisterMemRef(int64_t rank, void *descriptor,
                               int64_t elementBytes) {
  MemRefView view = viewOf(descriptor, rank);
  // The span from the first to one past the last element.
  int64_t bytes = elementBytes;
  for (int64_t d = 0; d < rank; ++d) {
    if (view.sizes[d] == 0)
      return; // nothing to register
    bytes += (view.sizes[d] - 1) * view.strides[d] * elementBytes;
  }
  mgpuMemHostRegister(view.aligned + view.offset * elementBytes,
                      uint64_t(bytes));
}

void mgpuMemHostUnregisterMemRef(int64_t rank, void *descriptor,
                                 int64_t elementBytes) {
  MemRefView view = viewOf(descriptor, rank);
  mgpuMemHostUnregister(view.aligned + view.offset * elementBytes);
}

//===----------------------------------------------------------------------===//
// Tensor maps
//===----------------------------------------------------------------------===//

void *mgpuTensorMapEncodeTiledMemref(int64_t rank, void *descriptor,
                                     int64_t dataType, int64_t interleave,
                                     int64_t swizzle, int64_t l2Promotion,
                                     int64_t oobFill, int64_t *boxDims) {
  constexpr int64_t kMaxRank = 5;
  if (rank < 1 || rank > kMaxRank) {
    fail(__func__, "tensor maps have rank 1 to 5");
    return nullptr;
  }
  int64_t elementBytes = tensorMapElementBytes(dataType);
  if (elementBytes == 0) {
    fail(__func__, "unknown tensor map data type");
    return nullptr;
  }
  // The memref lists dimensions outermost first; the driver innermost first.
  MemRefView view = viewOf(descriptor, rank);
  cuuint64_t dims[kMaxRank], strides[kMaxRank];
  cuuint32_t box[kMaxRank], elementStrides[kMaxRank];
  for (int64_t i = 0; i < rank; ++i) {
    dims[i] = cuuint64_t(view.sizes[rank - 1 - i]);
    box[i] = cuuint32_t(boxDims[rank - 1 - i]);
    elementStrides[i] = 1;
  }
  for (int64_t i = 0; i + 1 < rank; ++i)
    strides[i] = cuuint64_t(view.strides[rank - 2 - i] * elementBytes);
  void *address = view.aligned + view.offset * elementBytes;

  ScopedContext scope;
  CUtensorMap map;
  std::memset(&map, 0, sizeof(map));
  if (!CU_CHECK(cuTensorMapEncodeTiled, &map, CUtensorMapDataType(dataType),
                cuuint32_t(rank), address, dims, strides, box, elementStrides,
                CUtensorMapInterleave(interleave), CUtensorMapSwizzle(swizzle),
                CUtensorMapL2promotion(l2Promotion),
                CUtensorMapFloatOOBfill(oobFill))) {
    std::fprintf(stderr, "ggemm mgpu: (rank %d, address %p, dims [", int(rank),
                 address);
    for (int64_t i = 0; i < rank; ++i)
      std::fprintf(stderr, "%s%llu", i ? ", " : "",
                   (unsigned long long)dims[i]);
    std::fprintf(stderr, "], box [");
    for (int64_t i = 0; i < rank; ++i)
      std::fprintf(stderr, "%s%u", i ? ", " : "", unsigned(box[i]));
    std::fprintf(stderr, "])\n");
    return nullptr;
  }
  // The map lives in device memory, where a kernel parameter can point.
  CUdeviceptr device = 0;
  if (!CU_CHECK(cuMemAlloc, &device, sizeof(map)))
    return nullptr;
  if (!CU_CHECK(cuMemcpyHtoD, device, &map, sizeof(map))) {
    CU(cuMemFree)(device);
    return nullptr;
  }
  return reinterpret_cast<void *>(device);
}

int32_t ggemmTensorMapEncode(void *map, void *address, int64_t rowBytes,
                             int64_t rows, int64_t rowStride, int64_t boxBytes,
                             int64_t boxRows, int32_t swizzle128B) {
  // The driver must be initialized, and a context current: without one,
  // cuTensorMapEncodeTiled fails with CUDA_ERROR_INVALID_CONTEXT (driver
  // 580 on the H200, 2026-12-05, for device and managed memory alike).
  static const CUresult init = initDriver();
  if (!check(init, __func__, "cuInit(0)"))
    return int32_t(init);
  ScopedContext scope;
  cuuint64_t dims[2] = {cuuint64_t(rowBytes), cuuint64_t(rows)};
  cuuint64_t strides[1] = {cuuint64_t(rowStride)};
  cuuint32_t box[2] = {cuuint32_t(boxBytes), cuuint32_t(boxRows)};
  cuuint32_t elementStrides[2] = {1, 1};
  CUresult result = CU(cuTensorMapEncodeTiled)(
      static_cast<CUtensorMap *>(map), CU_TENSOR_MAP_DATA_TYPE_UINT8, 2,
      address, dims, strides, box, elementStrides,
      CU_TENSOR_MAP_INTERLEAVE_NONE,
      swizzle128B ? CU_TENSOR_MAP_SWIZZLE_128B : CU_TENSOR_MAP_SWIZZLE_NONE,
      CU_TENSOR_MAP_L2_PROMOTION_L2_128B, CU_TENSOR_MAP_FLOAT_OOB_FILL_NONE);
  if (!check(result, __func__, "cuTensorMapEncodeTiled")) {
    std::fprintf(stderr,
                 "ggemm mgpu: (address %p, dims [%lld, %lld], stride %lld, "
                 "box [%lld, %lld])\n",
                 address, (long long)rowBytes, (long long)rows,
                 (long long)rowStride, (long long)boxBytes,
                 (long long)boxRows);
    return int32_t(result);
  }
  return 0;
}

} // extern "C"
