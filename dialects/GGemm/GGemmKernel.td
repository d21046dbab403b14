//===- GGemmKernel.td - the kernel level of ggemm ----------*- tablegen -*-===//
//
// Attributes and ops of the kernel level (docs/architecture.md, section 2):
// what a persistent kernel is specialised for, the host side's launch
// description, and the ops that live inside an outlined `gpu.func` where
// upstream (gpu, nvgpu, nvvm) has no equivalent.
//
//===----------------------------------------------------------------------===//

#ifndef GGEMM_KERNEL_TD
#define GGEMM_KERNEL_TD

include "GGemm/GGemmDialect.td"
include "mlir/IR/OpBase.td"

//===----------------------------------------------------------------------===//
// Attributes
//===----------------------------------------------------------------------===//

def GGemm_KernelProblemAttr : AttrDef<GGemm_Dialect, "KernelProblem"> {
  let mnemonic = "kernel_problem";
  let summary = "the problem facts one persistent kernel is specialised for";
  let description = [{
    Set by `ggemm-outline-kernel` on the `gpu.func` it creates and copied
    into the host side's `#ggemm.launch`. `groups` holds `(m, n, k)` per
    group, flattened; `m` is -1 where group sizes are read at run time
    (`rows<contiguous>`, `rows<offsets>`) and max_m in `rows<masked>`. The schedule's `target` is the chip every later
    pass reads (include/ggemm/Target/TargetInfo.h).

    ```mlir
    #ggemm.kernel_problem<rows = list, scales = row_major,
      alpha = false, groups = [96, 128, 512, 128, 256, 512],
      schedule = #ggemm.schedule<target = sm_90a, tile = [128, 128, 256],
                                 raster = along_m, split_k = 1, grid = 132,
                                 stages = 4>>
    ```
  }];
  let parameters = (ins "RowsKind":$rows,
                        "ScaleLayout":$scales, "bool":$alpha,
                        ArrayRefParameter<"int64_t">:$groups,
                        "ScheduleAttr":$schedule);
  let assemblyFormat = [{
    `<` `rows` `=` $rows `,` `scales` `=` $scales `,`
    `alpha` `=` $alpha `,` `groups` `=` `[` $groups `]` `,`
    `schedule` `=` $schedule `>`
  }];
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    int64_t getNumGroups() const { return getGroups().size() / 3; }
    /// Shape of group `g` (m is ShapedType::kDynamic for run-time sizes).
    GroupShape getGroupShape(int64_t g) const;
    bool isListForm() const { return getRows() == RowsKind::list; }
    /// The chip the kernel is for (its schedule's target).
    Chip getChip() const { return getSchedule().getTarget(); }
  }];
}

def GGemm_TensorMapAttr : AttrDef<GGemm_Dialect, "TensorMap"> {
  let mnemonic = "tensor_map";
  let summary = "one CUtensorMap the runtime builds before the launch";
  let description = [{
    A 2-D byte tensor map over one operand (`a`, `b`, `sfa` or `sfb`) of
    group `group` (of the one operand set in `rows<contiguous>`): `dims` =
    [row bytes, rows] (rows = -1: the runtime fills in the rows of A it is
    given), `strides` = [row bytes], `box` = [box bytes, box rows] and the
    swizzle mode (`none` or `128B`). docs/kernel-abi.md has the ABI.
  }];
  let parameters = (ins "int64_t":$group, StringRefParameter<>:$operand,
                        ArrayRefParameter<"int64_t">:$dims,
                        ArrayRefParameter<"int64_t">:$strides,
                        ArrayRefParameter<"int64_t">:$box,
                        StringRefParameter<>:$swizzle);
  let assemblyFormat = [{
    `<` `group` `=` $group `,` `operand` `=` $operand `,`
    `dims` `=` `[` $dims `]` `,` `strides` `=` `[` $strides `]` `,`
    `box` `=` `[` $box `]` `,` `swizzle` `=` $swizzle `>`
  }];
}

def GGemm_WarpRoleProducer : I32EnumAttrCase<"producer", 0>;
def GGemm_WarpRoleConsumer : I32EnumAttrCase<"consumer", 1>;
def GGemm_WarpRoleMma : I32EnumAttrCase<"mma", 2>;
def GGemm_WarpRoleEpilogue : I32EnumAttrCase<"epilogue", 3>;
def GGemm_WarpRoleScales : I32EnumAttrCase<"scales", 4>;
def GGemm_WarpRole : I32EnumAttr<"WarpRole",
    "what the warps of one role of a warp-specialized kernel do",
    [GGemm_WarpRoleProducer, GGemm_WarpRoleConsumer, GGemm_WarpRoleMma,
     GGemm_WarpRoleEpilogue, GGemm_WarpRoleScales]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::mlir::ggemm";
}

def GGemm_RoleAttr : AttrDef<GGemm_Dialect, "Role"> {
  let mnemonic = "role";
  let summary = "one warp role of a warp-specialized kernel";
  let description = [{
    The warps `[first_warp, first_warp + num_warps)` of the CTA run the
    role's region of `ggemm.warp_specialize`. `max_registers`, when not 0,
    is the register budget the role sets for itself with `setmaxnreg`
    (only for roles made of whole warpgroups: 4 warps starting at a
    multiple of 4). The role is one of:

    * `producer`: loads each tile's operands into the ring (TMA);
    * `scales` (sm_100a): moves row-major scale factors into the layout the
      MMA reads;
    * `consumer` (sm_90a): decode, MMA and epilogue;
    * `mma` (sm_100a): issues the MMAs into Tensor Memory;
    * `epilogue` (sm_100a): moves the accumulators out to C.

    ```mlir
    #ggemm.role<producer, first_warp = 0, num_warps = 1, max_registers = 0>
    ```
  }];
  let parameters = (ins "WarpRole":$role, "int64_t":$first_warp,
                        "int64_t":$num_warps, "int64_t":$max_registers);
  let assemblyFormat = [{
    `<` $role `,` `first_warp` `=` $first_warp `,` `num_warps` `=` $num_warps
    `,` `max_registers` `=` $max_registers `>`
  }];
  let extraClassDeclaration = [{
    /// Whether the role loads (producer, scales) rather than computes.
    bool loads() const {
      return getRole() == WarpRole::producer || getRole() == WarpRole::scales;
    }
  }];
}

def GGemm_KernelPlanAttr : AttrDef<GGemm_Dialect, "KernelPlan"> {
  let mnemonic = "kernel_plan";
  let summary = "what the target decided for one kernel, once";
  let description = [{
    Made by `ggemm-outline-kernel` from the target's description
    (include/ggemm/Target/TargetInfo.h) when it creates the kernel, stored
    as `ggemm.plan` on the `gpu.func` and in the host side's
    `#ggemm.launch`; the later passes read it and never plan again. A plan
    that differs from what the kernel's chip plans for its problem (edited
    by hand) is refused by the first pass that reads it.

    * `threads`: the block size (32 per warp of the roles);
    * `shared_memory`: dynamic shared memory, in bytes;
    * `tensor_memory_columns`: Tensor Memory columns allocated per CTA
      (sm_100a; 0 otherwise);
    * `swizzle`: of the A and B tensor maps (`none` or `128B`);
    * `scale_maps`: whether row-major SFA and SFB are also read by TMA
      (four tensor maps per operand set instead of two);
    * `alignment`: the byte alignment the kernel needs of the base address
      of A, B, SFA, SFB and C, in that order (written to the manifest for
      the runtime to check);
    * `roles`: the warp roles, in the order `ggemm-warp-specialize` creates
      their regions.

    ```mlir
    #ggemm.kernel_plan<threads = 288, shared_memory = 198656,
      tensor_memory_columns = 0, swizzle = "128B", scale_maps = false,
      alignment = [16, 16, 8, 8, 16],
      roles = [<producer, first_warp = 8, num_warps = 1, max_registers = 0>,
               <consumer, first_warp = 0, num_warps = 8, max_registers = 0>]>
    ```
  }];
  let parameters = (ins "int64_t":$threads, "int64_t":$shared_memory,
                        "int64_t":$tensor_memory_columns,
                        StringRefParameter<>:$swizzle, "bool":$scale_maps,
                        ArrayRefParameter<"int64_t">:$alignment,
                        ArrayRefParameter<"RoleAttr">:$roles);
  let assemblyFormat = [{
    `<` `threads` `=` $threads `,` `shared_memory` `=` $shared_memory `,`
    `tensor_memory_columns` `=` $tensor_memory_columns `,`
    `swizzle` `=` $swizzle `,` `scale_maps` `=` $scale_maps `,`
    `alignment` `=` `[` $alignment `]` `,` `roles` `=` `[` $roles `]` `>`
  }];
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// The operands `alignment` lists, in its order.
    static constexpr llvm::StringLiteral kAlignedOperands[] = {
        "a", "b", "sfa", "sfb", "c"};
  }];
}

def GGemm_LaunchAttr : AttrDef<GGemm_Dialect, "Launch"> {
  let mnemonic = "launch";
  let summary = "the host side's launch description of one kernel";
  let description = [{
    Set by `ggemm-outline-kernel` on the host function whose ggemm op became
    the kernel `kernel` (the manifest's host), or, with `host-operands`, on
    the `ggemm.launch_kernel` left where the ggemm op stood: grid and cluster shape, the kernel's plan (block
    size, dynamic shared memory, Tensor Memory columns, operand alignment),
    the problem the kernel is specialised for and the tensor maps to build,
    in kernel-parameter order. The JSON manifest the runtime reads
    (docs/kernel-abi.md) is written from this attribute.
  }];
  let parameters = (ins "SymbolRefAttr":$kernel,
                        ArrayRefParameter<"int64_t">:$grid,
                        ArrayRefParameter<"int64_t">:$cluster,
                        "KernelPlanAttr":$plan,
                        "KernelProblemAttr":$problem,
                        ArrayRefParameter<"TensorMapAttr">:$tensor_maps);
  let assemblyFormat = [{
    `<` `kernel` `=` $kernel `,` `grid` `=` `[` $grid `]` `,`
    `cluster` `=` `[` $cluster `]` `,` `plan` `=` $plan `,`
    `problem` `=` $problem `,` `tensor_maps` `=` `[` $tensor_maps `]` `>`
  }];
}

//===----------------------------------------------------------------------===//
// Types
//===----------------------------------------------------------------------===//

def GGemm_RingType : TypeDef<GGemm_Dialect, "Ring"> {
  let mnemonic = "ring";
  let summary = "a ring of shared-memory stage buffers with their mbarriers";
  let description = [{
    The value of `ggemm.ring`: `stages` buffers, each holding one K tile of
    a tile's operands, and per buffer a `full` mbarrier (the producer's
    loads landed) and an `empty` mbarrier (the consumer released it). The
    byte layout of a stage is the target's (its kernel plan).
  }];
  let parameters = (ins "int64_t":$stages);
  let assemblyFormat = "`<` $stages `>`";
}

//===----------------------------------------------------------------------===//
// Ops inside an outlined kernel
//===----------------------------------------------------------------------===//

/// The coordinates of one output tile, shared by the kernel-level tile ops.
defvar GGemm_KernelTileArgs = (ins Index:$group, Index:$row_base, Index:$m0,
                                   Index:$n0);
defvar GGemm_KernelTileFormat = [{
  `group` `(` $group `)` `row_base` `(` $row_base `)`
  `at` `(` $m0 `,` $n0 `)`
}];

/// With split_k > 1 in the kernel's problem: the tile's K split and its
/// work item (which give the slot of its f32 partial in the workspace
/// parameter).
defvar GGemm_KernelSplitArgs = (ins Optional<Index>:$split,
                                    Optional<Index>:$work);
defvar GGemm_KernelSplitFormat = [{
  (`split` `(` $split^ `)` `work` `(` $work `)`)?
}];

def GGemm_TileOp : GGemm_Op<"tile", [AttrSizedOperandSegments]> {
  let summary = "one output tile of the enclosing persistent kernel";
  let description = [{
    Computes rows `[m0, m0 + tile_m)` and columns `[n0, n0 + tile_n)` of
    group `%group` (clipped to the group; rows offset by `%row_base` in A,
    SFA and C) over all of K, reading the operands through the kernel's
    parameters (docs/kernel-abi.md). The kernel-level form of
    `ggemm.mma_tile` after `ggemm-outline-kernel`: it lives in a `gpu.func`
    that carries a `ggemm.problem` (`#ggemm.kernel_problem`).

    With `split_k` > 1 in the problem the tile carries its K split and work
    item: it covers only the split's K tiles (as `ggemm.mma_tile`) and
    stores its f32 partial, without alpha, in its slot of the workspace
    parameter, for `ggemm.reduce_partials`: slot `%work` with `rows<list>`,
    and with `rows<contiguous>` a slot numbered from the tile's rows, group,
    column and split (docs/kernel-abi.md, "Split-K workspace").

    ```mlir
    ggemm.tile group(%g) row_base(%rb) at(%m0, %n0)
    ggemm.tile group(%g) row_base(%rb) at(%m0, %n0) split(%s) work(%w)
    ```
  }];
  let arguments = !con(GGemm_KernelTileArgs, GGemm_KernelSplitArgs);
  let assemblyFormat = !strconcat(GGemm_KernelTileFormat,
                                  GGemm_KernelSplitFormat, "attr-dict");
  let hasVerifier = 1;
}

def GGemm_PrefetchTileOp : GGemm_Op<"prefetch_tile"> {
  let summary = "warm the caches for a tile the kernel will compute next";
  let description = [{
    A hint, inserted by `ggemm-insert-tma-prefetch` for the next work item
    of the persistent loop: when `%group` differs from `%current_group`,
    fetch the group's tensor maps into the descriptor cache
    (`prefetch.tensormap`); then fetch the first `k_tiles` K tiles of the
    tile's A and B into L2 (`cp.async.bulk.prefetch.tensor`). It changes no
    result, only when the bytes arrive.

    ```mlir
    ggemm.prefetch_tile group(%g) row_base(%rb) at(%m0, %n0)
        current_group(%g0) k_tiles 2
    ```
  }];
  let arguments = !con(GGemm_KernelTileArgs,
                       (ins Index:$current_group,
                            ConfinedAttr<I64Attr, [IntMinValue<0>]>:$k_tiles));
  let assemblyFormat = !strconcat(GGemm_KernelTileFormat, [{
    `current_group` `(` $current_group `)` `k_tiles` $k_tiles attr-dict
  }]);
  let hasVerifier = 1;
}

def GGemm_RingOp : GGemm_Op<"ring"> {
  let summary = "allocate the load pipeline's ring (ggemm-pipeline-loads)";
  let description = [{
    At the start of an outlined kernel: the shared-memory stages and the
    full/empty mbarriers of the load pipeline. Every thread of the CTA
    runs it (it initialises the barriers before any role starts).

    ```mlir
    %ring = ggemm.ring : !ggemm.ring<4>
    ```
  }];
  let results = (outs GGemm_RingType:$ring);
  let assemblyFormat = "attr-dict `:` type($ring)";
  let hasVerifier = 1;
}

def GGemm_LoadTileOp : GGemm_Op<"load_tile", [AttrSizedOperandSegments]> {
  let summary = "producer: every K tile of one output tile through the ring";
  let description = [{
    For each K tile of the output tile, in order: wait until the next stage
    of `%ring` is empty, then load the K tile of A and B (and what the
    target's MMA needs of the scale factors) into it with TMA, completing
    on the stage's full barrier. Paired with a `ggemm.compute_tile` of the
    same tile, which consumes the stages in the same order.

    With `split(%s) work(%w)` (split_k > 1) only the K tiles of split
    `%s`, as in `ggemm.tile`.

    ```mlir
    ggemm.load_tile %ring group(%g) row_base(%rb) at(%m0, %n0)
        : !ggemm.ring<4>
    ```
  }];
  let arguments = !con((ins GGemm_RingType:$ring), GGemm_KernelTileArgs,
                       GGemm_KernelSplitArgs);
  let assemblyFormat = !strconcat("$ring ", GGemm_KernelTileFormat,
                                  GGemm_KernelSplitFormat,
                                  "attr-dict `:` type($ring)");
  let hasVerifier = 1;
}

def GGemm_ComputeTileOp : GGemm_Op<"compute_tile", [AttrSizedOperandSegments]> {
  let summary = "consumer: the MMAs of one output tile over the ring, and its epilogue";
  let description = [{
    For each K tile: wait until the next stage of `%ring` is full, issue
    the tile's MMAs on it, release it; then alpha, f16 and the masked
    store of the tile. Inside `ggemm.warp_specialize` the role decides
    which part a thread runs (sm_100a: the `mma` role issues the MMAs into
    Tensor Memory, the `epilogue` role stores; sm_90a: the `consumer` role
    does both).

    With `split(%s) work(%w)` (split_k > 1): the K tiles of split `%s`,
    and the f32 partial, without alpha, stored in the tile's workspace slot
    (as for `ggemm.tile`) instead of C.

    ```mlir
    ggemm.compute_tile %ring group(%g) row_base(%rb) at(%m0, %n0)
        : !ggemm.ring<4>
    ```
  }];
  let arguments = !con((ins GGemm_RingType:$ring), GGemm_KernelTileArgs,
                       GGemm_KernelSplitArgs);
  let assemblyFormat = !strconcat("$ring ", GGemm_KernelTileFormat,
                                  GGemm_KernelSplitFormat,
                                  "attr-dict `:` type($ring)");
  let hasVerifier = 1;
}

def GGemm_DrainRingOp : GGemm_Op<"drain_ring"> {
  let summary = "producer: wait until the consumer released every stage";
  let description = [{
    After the producer's last tile: wait for the last release of each
    stage, so that no asynchronous arrival (tcgen05.commit) targets the
    barriers of a CTA that has exited.
  }];
  let arguments = (ins GGemm_RingType:$ring);
  let assemblyFormat = "$ring attr-dict `:` type($ring)";
}

def GGemm_ReducePartialsOp : GGemm_Op<"reduce_partials"> {
  let summary = "every thread of the CTA: C of one output tile from its split-K partials";
  let description = [{
    The kernel-level form of `ggemm.reduce_tile`, after the kernel's
    `ggemm.grid_barrier`: for the output tile whose split-0 work item is
    `%work`, `C = f16(alpha * (((p_0 + p_1) + p_2) + ...))` over the
    `split_k` partials `p_s` in the tile's workspace slots (`%work + s`
    with `rows<list>`; docs/kernel-abi.md), in that fixed order, for rows `< M_g` and columns `< N_g` of the tile. Run by every
    thread of the CTA (outside `ggemm.warp_specialize`).

    ```mlir
    ggemm.reduce_partials group(%g) row_base(%rb) at(%m0, %n0) work(%w)
    ```
  }];
  let arguments = !con(GGemm_KernelTileArgs, (ins Index:$work));
  let assemblyFormat = !strconcat(GGemm_KernelTileFormat,
                                  "`work` `(` $work `)` attr-dict");
  let hasVerifier = 1;
}

def GGemm_DecodeTokensOp : GGemm_Op<"decode_tokens"> {
  let summary = "the decode kernel: packed e2m1 tokens to f16, once per problem";
  let description = [{
    The body of `<kernel>_tokens`, the decode kernel of a kernel whose
    schedule has `predecode` (docs/sm90-kernel.md, "Predecoded tokens"),
    for one operand set (the kernel's CTA row y reads set y's operands from
    its table first): every thread of the CTA row, in a grid-stride loop
    over grid x and the 16-byte pieces of A (32 codes, two scale blocks), writes each piece's exact f16 values
    (times 2^-14 and its UE4M3 scale, the sm_90a kernel's representation)
    to the token workspace at `%dst`: row r at byte r x 2 Kp, Kp = `%k`
    rounded up to `tile_k`. Within a K tile of `tile_k` elements piece q
    goes to decode step q mod S (S = tile_k / 64), half q / S, i.e. to bytes
    [128 s + 64 h, 128 s + 64 h + 64) of the tile's 2 tile_k bytes, each of
    its four words as the f16 of codes 0 2 4 6 1 3 5 7: the K order in
    which the kernel's consumers decode the weights. Pieces past `%k` are
    zeros. `%a`, `%sfa`: device addresses of A (`%rows` x `%k` / 2 bytes)
    and of its row-major scales (`%rows` x `%k` / 16 bytes).

    ```mlir
    ggemm.decode_tokens %dst, %a, %sfa, %rows, %k {tile_k = 256}
    ```
  }];
  let arguments = (ins I64:$dst, I64:$a, I64:$sfa, I32:$rows, I32:$k,
                       I64Attr:$tile_k);
  let assemblyFormat = "$dst `,` $a `,` $sfa `,` $rows `,` $k attr-dict";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// The host side of an outlined kernel
//===----------------------------------------------------------------------===//

def GGemm_LaunchKernelOp : GGemm_Op<"launch_kernel",
    [AttrSizedOperandSegments]> {
  let summary = "launch an outlined kernel on the ggemm op's operands, in place";
  let description = [{
    What `ggemm-outline-kernel{host-operands=true}` leaves where the ggemm
    op stood: launch `kernel`, described by `launch` (`#ggemm.launch`, whose
    `kernel` is the same symbol), on these operands, which may be any memrefs of the function (arguments,
    allocations, results of other ops), with the problem's row form and
    scale layout. `ggemm-lower-launch` replaces it by host code in upstream
    ops that builds the parameters and launches the kernel, at this place
    among the function's other ops. Its operands obey the rules of
    `ggemm.grouped_matmul` (memref form).

    ```mlir
    ggemm.launch_kernel @ggemm_f::@ggemm_f rows<list> scales<row_major>
        a(%a : memref<96x128xf4E2M1FN>) sfa(%sa : memref<96x8xf8E4M3FN>)
        b(%b : memref<128x128xf4E2M1FN>) sfb(%sb : memref<128x8xf8E4M3FN>)
        c(%c : memref<96x128xf16>) {launch = #ggemm.launch<...>}
    ```

    A function may hold several: each carries its own launch.
  }];
  let arguments = !con((ins SymbolRefAttr:$kernel, GGemm_LaunchAttr:$launch),
                       GGemm_GroupedArgs);
  let assemblyFormat = !strconcat("$kernel ", GGemm_GroupedFormat,
                                  "attr-dict");
  let extraClassDeclaration = GGemm_GroupedDecls;
  let hasVerifier = 1;
}

def GGemm_WarpSpecializeOp : GGemm_Op<"warp_specialize",
    [RecursiveMemoryEffects]> {
  let summary = "warp roles of a persistent kernel, one region each";
  let description = [{
    Region `i` runs in the warps of `roles[i]` (`#ggemm.role`) and nowhere
    else; the roles talk only through the ring's mbarriers. Like Triton's
    `ttg.warp_specialize`, but every region holds its own copy of the
    persistent tile loop, so the roles agree on the tile sequence without
    communicating it. Values defined above are captured.

    ```mlir
    ggemm.warp_specialize [#ggemm.role<producer, first_warp = 4,
                                       num_warps = 1, max_registers = 0>,
                           #ggemm.role<consumer, first_warp = 0,
                                       num_warps = 4, max_registers = 0>] {
      ... ggemm.load_tile ...
      ggemm.yield
    }, {
      ... ggemm.compute_tile ...
      ggemm.yield
    }
    ```
  }];
  let arguments = (ins TypedArrayAttrBase<GGemm_RoleAttr, "warp roles">:$roles);
  let regions = (region VariadicRegion<SizedRegion<1>>:$bodies);
  let assemblyFormat = "$roles $bodies attr-dict";
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The role of the region holding `op`, or null.
    static RoleAttr getRoleOf(Operation *op);
  }];
}

#endif // GGEMM_KERNEL_TD
