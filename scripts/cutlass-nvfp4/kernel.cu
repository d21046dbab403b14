//===- kernel.cu - CUTLASS's sm_100 block-scaled tutorial kernel, NVFP4 --===//
//
// Instantiates the kernel of CUTLASS's
// examples/cute/tutorial/blackwell/mxfp8/01_mma_sm100_mxfp8.cu (its
// SharedStorage and gemm_device, in kernel_body.inc, which is not part of
// ggemm: run.sh makes it from a CUTLASS checkout) for NVFP4: E2M1 x E2M1
// with UE4M3 scale factors per 16 elements, SM100_MMA_MXF4_SS, one
// 128 x N tile, K = KK. nvcc --ptx gives the PTX the emulator runs
// (harness.cu).
//
//===----------------------------------------------------------------------===//
#include <cstdio>
#include <type_traits>
#include <cutlass/half.h>
#include <cutlass/float8.h>
#include <cutlass/float_subbyte.h>
#include <cutlass/arch/barrier.h>
#include <cutlass/detail/sm100_blockscaled_layout.hpp>
#include <cutlass/detail/sm100_tmem_helper.hpp>
#include <cute/tensor.hpp>
#include <cute/arch/cluster_sm90.hpp>
#include <cute/numeric/integral_constant.hpp>
#include <cute/algorithm/cooperative_copy.hpp>
#include <cute/arch/tmem_allocator_sm100.hpp>
#include <cute/atom/copy_traits_sm100.hpp>
using namespace cute;
#include "kernel_body.inc"
#include "problem.inc"
#if defined(CUTLASS_ARCH_MMA_SM100_SUPPORTED)
template <int GM, int GN, int GK>
void* instantiate() {
  using P = Problem<GM, GN, GK>;
  auto tiled_mma = P::mma();
  auto mma_tiler = P::tiler();
  using S = SharedStorageOf<GM, GN, GK>;
  auto mA = make_tensor(make_gmem_ptr((TypeA const*)nullptr), P::layoutA());
  auto mB = make_tensor(make_gmem_ptr((TypeA const*)nullptr), P::layoutB());
  auto mC = make_tensor(make_gmem_ptr((float const*)nullptr), P::layoutC());
  auto mD = make_tensor(make_gmem_ptr((float*)nullptr), P::layoutC());
  auto mSFA = make_tensor(make_gmem_ptr((TypeSF const*)nullptr), P::layoutSFA());
  auto mSFB = make_tensor(make_gmem_ptr((TypeSF const*)nullptr), P::layoutSFB());
  auto cluster_shape = make_shape(Int<1>{}, Int<1>{}, Int<1>{});
  printf("smem=%d\n", int(sizeof(S)));
  return (void*)&gemm_device<S, decltype(mA), decltype(mB), decltype(mC), decltype(mD),
                             decltype(mSFA), decltype(mSFB), decltype(mma_tiler),
                             decltype(tiled_mma), decltype(cluster_shape), float, float>;
}
template void* instantiate<128, KN, KK>();
#endif
