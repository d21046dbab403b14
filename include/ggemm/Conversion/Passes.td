//===- Passes.td - ggemm conversion passes -----------------*- tablegen -*-===//
//
// Lowerings out of the ggemm dialect.
//
//===----------------------------------------------------------------------===//

#ifndef GGEMM_CONVERSION_PASSES_TD
#define GGEMM_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertGGemmToLoops : Pass<"convert-ggemm-to-loops", "ModuleOp"> {
  let summary = "Lower ggemm ops to scf/arith/memref loops (the CPU oracle)";
  let description = [{
    Lowers `ggemm.grouped_matmul` (both row forms, both scale layouts) to
    plain loops that compute docs/architecture.md section 1 exactly:

    * e2m1 and e4m3 codes are decoded through 16- and 256-entry f32 tables
      (`memref.global`s built from MLIR's own float semantics, so every code,
      e4m3 subnormals, negative zero and NaN included, decodes exactly);
    * the even element of a packed byte is its lower nibble;
    * each product is exact in f32; products are added in increasing K into
      an f32 accumulator, multiplied by alpha, and rounded to f16 (nearest
      even).

    NVFP4 operands are rewritten to their storage form, bytes:
    `memref<R x K x f4E2M1FN>` becomes `memref<R x K/2 x i8>` and
    `memref<... x f8E4M3FN>` becomes `memref<... x i8>`, in the op, in
    function signatures, calls and returns. Other ops that use such memrefs
    are refused with a diagnostic.

    In `rows<contiguous>`, the group sizes are read at run time; a negative
    size, or sizes whose sum exceeds the rows of A, fail a `cf.assert`.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::cf::ControlFlowDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect",
  ];
}

def GGemmPackNVFP4MemRefs : Pass<"ggemm-pack-nvfp4-memrefs", "ModuleOp"> {
  let summary = "Rewrite a program's own NVFP4 memref accesses onto ggemm's packed storage";
  let description = [{
    ggemm stores `f4E2M1FN` memrefs packed, two codes per byte with the
    even element in the low nibble (as PTX, TMA and torch's
    `float4_e2m1fn_x2` do); `f8E4M3FN` memrefs hold one byte per element.
    Upstream's LLVM lowering gives each `f4E2M1FN` element a byte of its
    own, so host code that reads or writes such a memref (a quantization
    written in linalg and lowered to loops, around a ggemm op) would not
    agree with the kernels about where code `i` is. This pass rewrites the
    host side of a program, after `ggemm-pipeline{host=launch}` or
    `{host=stream}` and `convert-linalg-to-loops`, onto the byte storage:
    `memref<... x K x f4E2M1FN>` becomes `memref<... x K/2 x i8>` and
    `memref<... x f8E4M3FN>` becomes `memref<... x i8>`; a load of a code
    reads its byte and picks the nibble, a store merges it; constant-index
    `memref.dim`, `memref.expand_shape` and `memref.collapse_shape`, the
    allocations, copies, casts, `memref.extract_aligned_pointer_as_index`,
    `gpu.alloc`/`dealloc`/`memcpy`/`launch_func`, functions, calls, returns
    and scf loops change type. Kernels (`gpu.module`) are left alone. An op
    it cannot rewrite that carries an NVFP4 memref, and an `f4E2M1FN`
    memref without a static, even innermost dimension and the identity
    layout, are refused with a diagnostic. `convert-ggemm-to-loops` applies
    the same rewrite on the CPU path. docs/whole-program.md.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::memref::MemRefDialect",
  ];
}

def GGemmLowerProgramKernels
    : Pass<"ggemm-lower-program-kernels", "ModuleOp"> {
  let summary = "Lower a program's own GPU kernels beside ggemm's";
  let description = [{
    A whole program handed to `ggemm-pipeline` may hold GPU kernels of its
    own: the elementwise work around the matmuls, mapped to the GPU by
    upstream passes (`convert-linalg-to-parallel-loops`,
    `gpu-map-parallel-loops`, `convert-parallel-loops-to-gpu`,
    `gpu-kernel-outlining`). This pass lowers every `gpu.module` that holds
    a `gpu.func` and none of ggemm's kernels (`#ggemm.kernel_problem`) to
    the LLVM and NVVM dialects, with upstream's conventions, for the chip
    `chip` (an `#nvvm.target` with its PTX features is attached where the
    module has no target), so that `gpu-module-to-binary` compiles it with
    ggemm's kernels and the host's launches of it follow upstream's memref
    convention (descriptors; ggemm's own launches pass plain pointers
    under either):

    * NVFP4 memrefs move to ggemm's packed storage, as
      `ggemm-pack-nvfp4-memrefs` does on the host (run it there too): the
      `gpu.func` signatures halve an `f4E2M1FN` memref's innermost
      dimension, and a store of a code is an atomic read-modify-write of
      its byte (`memref.generic_atomic_rmw`), since the byte's other code
      may be another thread's;
    * `arith.extf` from `f8E4M3FN` (`ggemm-expand-e4m3-extf`) and the
      e2m1 conversions (`arith-expand{include-f4e2m1}`) become integer
      arithmetic, affine ops and scf loops are lowered;
    * upstream `convert-gpu-to-nvvm` (memref descriptors; math functions
      as libdevice calls, which `gpu-module-to-binary` links from CUDA's
      libdevice) and `reconcile-unrealized-casts`.

    Modules that hold no `gpu.func` (already lowered) and ggemm's own are
    left alone. An NVFP4 memref the storage rewrite cannot take is refused
    with the op named, and an unknown chip with the chips ggemm knows.
    `ggemm-pipeline` runs it first. docs/whole-program.md.
  }];
  let options = [
    Option<"chip", "chip", "std::string", /*default=*/"\"sm_90a\"",
           "the chip the kernels are compiled for, where a module names "
           "none: sm_90a or sm_100a">,
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::cf::ControlFlowDialect",
    "::mlir::gpu::GPUDialect",
    "::mlir::LLVM::LLVMDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::NVVM::NVVMDialect",
  ];
}

def ConvertGGemmToNVVM : Pass<"convert-ggemm-to-nvvm", "ModuleOp"> {
  let summary = "Lower the kernel-level ggemm ops of outlined kernels to NVVM";
  let description = [{
    Lowers every kernel that `ggemm-outline-kernel` made (a `gpu.func` with
    `#ggemm.kernel_problem`), after `ggemm-pipeline-loads` and
    `ggemm-warp-specialize`: `ggemm.ring` becomes the chip's prologue
    (shared memory, the ring's mbarriers, the tensor maps' acquire fence,
    Tensor Memory on sm_100a), each role of `ggemm.warp_specialize` an
    `scf.if` on the warp index, and `ggemm.load_tile`,
    `ggemm.compute_tile`, `ggemm.drain_ring` and `ggemm.prefetch_tile` the
    chip's instructions, in upstream gpu, NVVM, LLVM, memref and scf ops;
    the tile-space ops become arithmetic shared with the CPU path. The
    kernel's ABI and manifest are in docs/kernel-abi.md. Symbols in a
    `gpu.module` that are not PTX identifiers, and memrefs whose memory
    space is not an LLVM address space, are refused.

    Each kernel is lowered for the chip its schedule names, by the plan
    `ggemm-outline-kernel` made (`ggemm.plan`, checked against the chip
    here).

    sm_90a: a persistent, warp-specialized kernel of 288 threads
    (docs/sm90-kernel.md): a producer warp (TMA of 128B-swizzled packed A/B
    into a ring of `stages` shared-memory buffers with mbarriers) and two
    consumer warpgroups that decode NVFP4 exactly to f16 (e2m1 x e4m3 is
    exact in f16) into shared memory (at 16 and 32 tokens the weights into
    wgmma's A registers) and multiply with `wgmma` m64nMk16 f16 -> f32
    (weights on wgmma's M side, the tile's M tokens on N), then alpha and an
    f16 epilogue masked to each group. Takes tiles of 16, 32, 64, 128 or
    256 tokens x 128 x 256 (at 256, 384 threads: the producer is a
    warpgroup that gives the consumers registers with setmaxnreg) and
    row-major scales; anything else is refused with a diagnostic.

    sm_100a: a persistent, warp-specialized tcgen05 kernel of 224
    threads (docs/sm100-kernel.md): a producer warp (TMA of 128B-swizzled
    packed A/B; scale factors by bulk copy of blocked_128x4 atoms, or by
    TMA of row-major rows), a scale warp (row-major rows moved into atoms in
    shared memory), an MMA warp (TMEM
    allocation, tcgen05.cp of the scale factors, 4 tcgen05.mma block_scale
    kind::mxf4nvf4 block16 per 256-wide K tile, tcgen05.commit to mbarriers,
    two TMEM accumulators) and four epilogue warps (tcgen05.ld, alpha, f16).
    Tensor Memory columns, shared memory and the epilogue's registers are
    checked against sm_100a at compile time; tile M 128 and tile K 256 are
    required.

    Split-K kernels (both chips): each tile covers its split's K tiles and
    stores its f32 partial in its workspace slot; `ggemm.grid_barrier`
    becomes a CTA barrier around one thread's arrival on the workspace's
    barrier word (fences at GPU scope); `ggemm.reduce_partials` sums a
    tile's partials in split order in every thread, then alpha and f16.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::gpu::GPUDialect",
    "::mlir::LLVM::LLVMDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::NVVM::NVVMDialect",
    "::mlir::nvgpu::NVGPUDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::vector::VectorDialect",
  ];
}

#endif // GGEMM_CONVERSION_PASSES_TD
