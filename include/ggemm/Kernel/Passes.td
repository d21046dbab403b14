//===- Passes.td - ggemm kernel-level passes ---------------*- tablegen -*-===//
//
// From the persistent level to outlined GPU kernels, and the kernels out to
// files (docs/architecture.md, section 3).
//
//===----------------------------------------------------------------------===//

#ifndef GGEMM_KERNEL_PASSES_TD
#define GGEMM_KERNEL_PASSES_TD

include "mlir/Pass/PassBase.td"

def GGemmOutlineKernel : Pass<"ggemm-outline-kernel", "ModuleOp"> {
  let summary = "Outline each persistent loop into a gpu.module/gpu.func";
  let description = [{
    Turns every `ggemm.persistent` (from `ggemm-fuse-persistent`) into a
    `gpu.module @ggemm_<func>` holding one `gpu.func` kernel whose
    parameters follow docs/kernel-abi.md (tensor maps, C pointers, scale
    pointers, group sizes, alpha). Inside, `%cta` is `gpu.block_id x`,
    `%num_ctas` is `gpu.grid_dim x`, the scheduler ops stay, and every
    `ggemm.mma_tile` becomes a `ggemm.tile` that reads its operands through
    the parameters. The kernel carries `ggemm.problem`
    (`#ggemm.kernel_problem`) and `ggemm.plan` (`#ggemm.kernel_plan`), its
    `gpu.module` the chip's `#nvvm.target`, the host function
    `ggemm.launch` (`#ggemm.launch`: launch shape, plan, tensor maps), and
    the persistent op goes.

    The kernel is planned here, once, by the chip its schedule names
    (`target`, set by `ggemm-tile`; include/ggemm/Target/TargetInfo.h): a
    schedule, scale layout or resource use the chip's kernel cannot take is
    refused with the reason. Later passes read the plan. Also
    refused: a ggemm op that was not fused into a persistent loop, and,
    without `host-operands`, a second ggemm op in one function, operands
    that are not arguments of the function, and (the manifest's host: ggemm's
    runtime launches the kernel, not the function), a function that does
    anything besides its ggemm op (an op with side effects), which would
    otherwise compile into code that runs without the product.

    Split-K (a `ggemm.grid_barrier` between the phases): the kernel takes
    the workspace as a seventh parameter (docs/kernel-abi.md), each tile
    carries `split(..) work(..)`, the barrier stays in the kernel body and
    each `ggemm.reduce_tile` becomes a `ggemm.reduce_partials`; the host's
    workspace allocation goes. The grid must not exceed the chip's SM
    count (the CTAs wait for each other, so all must be resident).

    Beside each kernel its module holds the kernel's setup kernel,
    `<kernel>_setup`, which writes the parameter block of a launch on a
    caller's stream (docs/kernel-abi.md, "On a caller's stream").

    `host-operands=true` (the function launches the kernel itself,
    `ggemm-pipeline{host=launch|stream}`) leaves a `ggemm.launch_kernel`
    carrying the launch where each ggemm op stood, on its operands, which
    may then be any memrefs of the function (arguments, device
    allocations, results of other ops), and the function may hold several;
    `ggemm-lower-launch` builds the launches there. Without it, the
    operands must be the function's arguments (ggemm's runtime passes the
    buffers) and the launch is the function's `ggemm.launch`.
  }];
  let options = [
    Option<"hostOperands", "host-operands", "bool", /*default=*/"false",
           "leave a ggemm.launch_kernel on the ggemm op's operands, where "
           "it stood, for ggemm-lower-launch">,
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::gpu::GPUDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::NVVM::NVVMDialect",
    "::mlir::scf::SCFDialect",
  ];
}

def GGemmPipelineLoads
    : Pass<"ggemm-pipeline-loads", "::mlir::gpu::GPUModuleOp"> {
  let summary = "Split each tile into TMA loads and MMAs joined by a ring";
  let description = [{
    In every outlined ggemm kernel: creates the load pipeline's ring
    (`ggemm.ring : !ggemm.ring<stages>`: shared-memory stage buffers and
    their full/empty mbarriers) at the start, and replaces each
    `ggemm.tile` by a `ggemm.load_tile` (producer: every K tile into the
    next free stage by TMA) and a `ggemm.compute_tile` (consumer: MMAs over
    the stages in the same order, then the epilogue) of the same tile.
    The ring has the schedule's `stages` (chosen by `ggemm-tile`, planned
    by `ggemm-outline-kernel`).
  }];
}

def GGemmWarpSpecialize
    : Pass<"ggemm-warp-specialize", "::mlir::gpu::GPUModuleOp"> {
  let summary = "Give producer, MMA and epilogue work to their own warps";
  let description = [{
    In every kernel with a ring (from `ggemm-pipeline-loads`): everything
    after the ring becomes a `ggemm.warp_specialize` with one region per
    warp role of the kernel's plan (`ggemm.plan`), each with
    its own copy of the persistent tile loop holding only its role's ops:

    * `producer` (one warp, or a warpgroup whose first warp does the
      work): `ggemm.load_tile` and `ggemm.prefetch_tile`, then
      `ggemm.drain_ring`;
    * sm_100a `scales` (one warp): `ggemm.load_tile` too; the lowering
      emits its part of the load, moving the tile's row-major scale factors
      into the layout the MMA reads (docs/sm100-kernel.md);
    * sm_100a `mma` (one warp) and `epilogue` (four warps), sm_90a
      `consumer` (eight warps): `ggemm.compute_tile` (the lowering emits
      the role's part of it).

    A role made of whole warpgroups may carry a `setmaxnreg` budget
    (`max_registers`): the sm_90a kernel of 256 tokens gives its producer
    warpgroup 24 registers a thread and its consumers 240.
  }];
}

def GGemmInsertTMAPrefetch
    : Pass<"ggemm-insert-tma-prefetch", "::mlir::gpu::GPUModuleOp"> {
  let summary = "Prefetch the next tile's tensor maps and first K tiles";
  let description = [{
    In every outlined ggemm kernel, before each `ggemm.tile` (or, after
    `ggemm-pipeline-loads`, each producer `ggemm.load_tile`) of the
    persistent loop `scf.for %t = %cta to %n step %num_ctas`, inserts a
    `ggemm.prefetch_tile` for the CTA's next work item `%t + %num_ctas`
    (when there is one): the lowering turns it into `prefetch.tensormap` of
    the next group's tensor maps when the group changes, and
    `cp.async.bulk.prefetch.tensor` of the next tile's first `distance` K
    tiles of A and B into L2, so that they are on chip while the current
    tile computes and its epilogue drains. `distance = 0` inserts nothing.

    Default distance: 2 K tiles (half of the four default stages: the
    first loads of the next tile, without evicting what the ring holds).
    `ggemm-pipeline` runs the pass only with `prefetch-distance > 0`: on
    the H200 the sm_90a kernel is bound by shared memory, not DRAM (ncu:
    DRAM throughput under 2%), and its producer warp already runs ahead
    into the next tile through the ring, so the prefetch did not pay
    (bench/RESULTS.md, distances 0, 1, 2 and 4 in one run).
  }];
  let options = [
    Option<"distance", "distance", "int64_t", /*default=*/"2",
           "K tiles of the next tile to prefetch into L2 (0: none)">,
  ];
}

def GGemmLowerLaunch : Pass<"ggemm-lower-launch", "ModuleOp"> {
  let summary = "Build the launch of each kernel in its host function";
  let description = [{
    Replaces every `ggemm.launch_kernel` (`ggemm-outline-kernel{host-operands=true}`
    leaves one where each ggemm op stood, with its `#ggemm.launch`), in
    place among the function's other ops, by host code in upstream ops that
    launches the kernel on the op's operands (docs/aot-host.md):

    * each tensor map encoded on the host into 128 bytes of a
      `memref.alloca` by a call of `ggemmTensorMapEncode` (libGGemmMGPU,
      `cuTensorMapEncodeTiled`, no device work), a failure caught by a
      `cf.assert`;
    * the launch's parameter block (the maps, the C pointers, the SFA/SFB
      pointers) and its status word pair written into a device workspace
      by the kernel's setup kernel (`<kernel>_setup`, added by
      ggemm-outline-kernel), which takes them as kernel parameters, in
      chunks of at most 480 words;
    * `gpu.launch_func` of the kernel on that block, after the setup
      kernel on the same stream; `group_sizes` and `alpha` are the
      function's own buffers or null.

    Without `caller-stream` each launch is self-contained: it creates a
    stream (`gpu.wait async`), allocates its workspace (`gpu.alloc`),
    reads the error flags back, frees the workspace and waits for the
    stream; with run-time rows a nonzero flag fails a `cf.assert`.

    With `caller-stream=true` (`ggemm-pipeline{host=stream}`) every
    function holding launches gets two more arguments, `!llvm.ptr` (the
    caller's `CUstream`) and `memref<?xi8>` (a device workspace of at least
    `<func>_workspace_bytes()` bytes, 64-byte aligned, made as a new
    function), and its launches only enqueue on that stream: no
    allocation, copy or synchronization per call, so the call can be
    captured into a CUDA graph. The status words of launch i (in the
    function's order) are the two i32 at byte 8 i of the workspace.

    The operands must hold device addresses (function arguments the caller
    fills with device buffers, or `gpu.alloc` results). Without
    `caller-stream`, a `memref.alloc` of the function that a launch uses
    (bufferization's `tensor.empty`) becomes managed memory
    (`gpu.alloc host_shared`, its `memref.dealloc` a `gpu.dealloc`); with
    it, and for a `memref.alloca`, host memory is refused. Memrefs over an address, which
    upstream has no op to build, are LLVM-dialect memref descriptors cast
    to memrefs with `builtin.unrealized_conversion_cast`, which upstream
    `gpu-to-llvm`/`finalize-memref-to-llvm` and `reconcile-unrealized-casts`
    fold away. The kernel takes bare pointers, which its launch passes as
    `!llvm.ptr<1>` device addresses once the kernel is a `gpu.binary`, so
    upstream `gpu-to-llvm` lowers the host with either memref convention
    (its default suits the program's own kernels); a kernel still in its
    `gpu.module` gets memrefs of its parameter types, as its `gpu.func`
    declares them.

    The ops are consumed. Refused, with the reason: a function carrying a
    `#ggemm.launch` (the manifest's host), operands that do not fit the
    problem (counts, element types, shapes, layouts, memory spaces) or live
    in host memory, a kernel that is neither a `gpu.module` nor a
    `gpu.binary` of the module, a cluster or split-K launch, and, with
    `caller-stream`, a function that is called in the module or has no
    body. `ggemm-pipeline{host=launch|stream}` runs it last.
  }];
  let options = [
    Option<"callerStream", "caller-stream", "bool", /*default=*/"false",
           "launch on a stream and into a workspace the caller passes as "
           "two new trailing arguments, without synchronizing">,
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::cf::ControlFlowDialect",
    "::mlir::func::FuncDialect",
    "::mlir::gpu::GPUDialect",
    "::mlir::LLVM::LLVMDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect",
  ];
}

def GGemmExportKernels : Pass<"ggemm-export-kernels", "ModuleOp"> {
  let summary = "Write each kernel's binary and manifest to a directory";
  let description = [{
    For every function carrying `ggemm.launch`, and every
    `ggemm.launch_kernel` (which carries its own), whose kernel module
    became a `gpu.binary` (upstream `gpu-module-to-binary`), writes
    `DIR/<func>.cubin` (format bin) or `DIR/<func>.ptx` (format isa) and
    `DIR/<func>.json`, the manifest of docs/kernel-abi.md written from the
    launch attribute; the i-th launch after a function's first is named
    `<func>_<i>`. Characters of the function name other than letters,
    digits and `_` become `_` in the file names, so every file stays inside
    DIR. The IR is unchanged.
  }];
  let options = [
    Option<"dir", "dir", "std::string", /*default=*/"\"\"",
           "output directory (created if missing)">,
  ];
}

#endif // GGEMM_KERNEL_PASSES_TD
