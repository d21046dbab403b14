#!/usr/bin/env python3
"""Makes kernel_body.inc from CUTLASS's
examples/cute/tutorial/blackwell/mxfp8/01_mma_sm100_mxfp8.cu: its
SharedStorage and gemm_device, with two changes for NVFP4, each asserted
to apply:
 1. A and B are copied into shared memory as bytes (cooperative_copy does
    not copy 4-bit elements), into the same 128B-swizzled arrangement;
 2. one lane issues the scale factors' tcgen05.cp, as one lane issues the
    MMAs and the commit that tracks them (the tutorial issues the copies
    from every lane of the warp).
  make_body.py TUTORIAL.cu OUT.inc"""
import sys

src = open(sys.argv[1]).read()
start = src.index("#if defined(CUTLASS_ARCH_MMA_SM100_SUPPORTED)")
end = src.index("template <class TypeA, class LayoutA,")
body = src[start:end] + "#endif\n"

COPY_AB = """    cooperative_copy<128>(threadIdx.x, tCgA(_,_,_,k_tile), tCsA);
    cooperative_copy<128>(threadIdx.x, tCgB(_,_,_,k_tile), tCsB);"""
COPY_AB_BYTES = """    {
      constexpr int KB = decltype(size<2>(mma_tiler))::value / 2; // bytes
      constexpr int BM = decltype(size<0>(mma_tiler))::value;
      constexpr int BN = decltype(size<1>(mma_tiler))::value;
      constexpr int GKB = decltype(size<1>(mA))::value / 2;
      auto bA = reinterpret_cast<uint8_t const*>(raw_pointer_cast(mA.data()));
      auto bB = reinterpret_cast<uint8_t const*>(raw_pointer_cast(mB.data()));
      Tensor gAb = make_tensor(make_gmem_ptr(bA + blockIdx.x * BM * GKB + k_tile * KB),
          make_layout(make_shape(Int<BM>{}, Int<KB>{}), make_stride(Int<GKB>{}, _1{})));
      Tensor gBb = make_tensor(make_gmem_ptr(bB + blockIdx.y * BN * GKB + k_tile * KB),
          make_layout(make_shape(Int<BN>{}, Int<KB>{}), make_stride(Int<GKB>{}, _1{})));
      Tensor sAb = make_tensor(make_smem_ptr(reinterpret_cast<uint8_t*>(&shared_storage.A)),
          tile_to_shape(UMMA::Layout_K_SW128_Atom<uint8_t>{}, make_shape(Int<BM>{}, Int<KB>{})));
      Tensor sBb = make_tensor(make_smem_ptr(reinterpret_cast<uint8_t*>(&shared_storage.B)),
          tile_to_shape(UMMA::Layout_K_SW128_Atom<uint8_t>{}, make_shape(Int<BN>{}, Int<KB>{})));
      cooperative_copy<128>(threadIdx.x, gAb, sAb);
      cooperative_copy<128>(threadIdx.x, gBb, sBb);
    }"""
COPY_SF = """      copy(tiled_copy_s2t_SFA, thr_tCsSFA_s2t, thr_tCtSFA_s2t);
      copy(tiled_copy_s2t_SFB, thr_tCsSFB_s2t, thr_tCtSFB_s2t);"""
COPY_SF_ONE = """      if (elect_one_thr) {
        copy(tiled_copy_s2t_SFA, thr_tCsSFA_s2t, thr_tCtSFA_s2t);
        copy(tiled_copy_s2t_SFB, thr_tCsSFB_s2t, thr_tCtSFB_s2t);
      }"""
for old, new in ((COPY_AB, COPY_AB_BYTES), (COPY_SF, COPY_SF_ONE)):
    if body.count(old) != 1:
        sys.exit("make_body.py: the tutorial changed; not found once:\n" + old)
    body = body.replace(old, new)
open(sys.argv[2], "w").write(
    "// Made by make_body.py from CUTLASS's 01_mma_sm100_mxfp8.cu "
    "(BSD-3-Clause, NVIDIA).\n" + body)
