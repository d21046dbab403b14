//===- GGemmOps.td - ggemm operations ----------------------*- tablegen -*-===//
//
// Operations of the `ggemm` dialect.
//
//===----------------------------------------------------------------------===//

#ifndef GGEMM_OPS_TD
#define GGEMM_OPS_TD

include "GGemm/GGemmDialect.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/Interfaces/ControlFlowInterfaces.td"
include "mlir/Interfaces/DestinationStyleOpInterface.td"
include "mlir/IR/OpBase.td"

//===----------------------------------------------------------------------===//
// The grouped operands, shared by every op that reads or writes the problem
//===----------------------------------------------------------------------===//

defvar GGemm_GroupedArgs = (ins
    GGemm_RowsAttr:$rows,
    GGemm_ScaleLayoutAttr:$scale_layout,
    Variadic<AnyMemRef>:$a,
    Variadic<AnyMemRef>:$sfa,
    Variadic<AnyMemRef>:$b,
    Variadic<AnyMemRef>:$sfb,
    Variadic<AnyMemRef>:$c,
    Optional<AnyMemRef>:$group_sizes,
    Optional<AnyMemRef>:$row_indices,
    Optional<AnyMemRef>:$alpha);

defvar GGemm_GroupedFormat = [{
    `rows` `` $rows `scales` `` $scale_layout
    `a` `(` $a `:` type($a) `)`
    `sfa` `(` $sfa `:` type($sfa) `)`
    `b` `(` $b `:` type($b) `)`
    `sfb` `(` $sfb `:` type($sfb) `)`
    `c` `(` $c `:` type($c) `)`
    `` custom<GroupRows>(ref($rows), $group_sizes, type($group_sizes))
    (`row_indices` `(` $row_indices^ `:` type($row_indices) `)`)?
    (`alpha` `(` $alpha^ `:` type($alpha) `)`)?
}];

/// Accessors every op with the grouped operands has.
defvar GGemm_GroupedDecls = [{
    /// The grouped operands as one view (see GroupedOperands).
    GroupedOperands getProblem() { return GroupedOperands::of(*this); }
    int64_t getNumGroups() { return getProblem().getNumGroups(); }
    bool isListForm() { return getRows() == RowsKind::list; }
    GroupShape getGroupShape(int64_t g) { return getProblem().getGroupShape(g); }
}];

/// An operand of ggemm.grouped_matmul: a memref (memref form) or a ranked
/// tensor (tensor form); the verifier requires one kind for all operands.
def GGemm_TensorOrMemRef : AnyTypeOf<[AnyRankedTensor, AnyMemRef],
                                     "ranked tensor or memref">;

def GGemm_GroupedMatmulOp : GGemm_Op<"grouped_matmul",
    [AttrSizedOperandSegments,
     DeclareOpInterfaceMethods<MemoryEffectsOpInterface>,
     DestinationStyleOpInterface]> {
  let summary = "grouped NVFP4 block-scaled matrix product (TN, f16 output)";
  let description = [{
    Computes `G` independent products `C_g = alpha_g * (A_g * SFA_g) (B_g *
    SFB_g)^T` (docs/architecture.md section 1): A_g `M_g x K`, B_g `N x K` (both
    K-major, "TN"), one `f8E4M3FN` scale per 16 consecutive K elements of a
    row, f32 accumulation, f16 result rounded to nearest even.

    `rows<...>` says how the groups' rows are passed:

    * `list`: one buffer per group and operand. M, N and K are static and may
      differ per group; `M_g = 0` is valid.
    * `contiguous`: the rows of all groups back to back in one `A`
      (`M_total x K`), `SFA` and `C` (`M_total x N`); `B` is `G x N x K`
      and `SFB` is `G x N x K/16`. The group sizes live in the device buffer
      `group_sizes` (`memref<G x i32>`) and are read at run time: group `g`
      owns rows `[sum_{h<g} size_h, sum_{h<=g} size_h)`. `M_total` may be
      dynamic; rows past the sum of the sizes are left untouched.
    * `offsets`: as `contiguous`, with the device buffer `group_offsets`
      (`memref<G x i32>`) holding each group's cumulative end row (torch's
      `offs`): group `g` owns rows `[offs[g-1], offs[g])`, `offs[-1] = 0`.
    * `masked`: `A` is `G x max_m x K`, `SFA` `G x max_m x K/16`, `C`
      `G x max_m x N` (static), `B` and `SFB` as in `contiguous`; the device
      buffer `group_counts` (`memref<G x i32>`) says how many of a group's
      `max_m` rows are real. Rows past a group's count are left untouched.
    * `gathered`: `A` is the token matrix `T x K` (`SFA` `T x K/16`), read
      through the device buffer `row_indices` (`memref<R x i32>`): row `r`
      of the routed rows is token row `row_indices[r]`, so top-k routing
      needs no permuted copy of A. `group_offsets` holds the cumulative end
      of each group among the `R` routed rows, as in `offsets`, and `C`
      (`R x N`) is written in that routed order (group order). `T` and `R`
      may be dynamic; B and SFB as in `contiguous`.

    The sizes, offsets or counts are all held by the one optional operand
    `group_sizes` (printed `group_sizes`, `group_offsets` or `group_counts`
    after the layout). Offsets out of order, counts outside `[0, max_m]`
    and row indices outside `[0, T)` are clamped (dialects/GGemm/GGemm.md, "Row layouts").

    `scales<...>` is the physical layout of SFA and SFB:

    * `row_major`: a plain `R x K/16` matrix (`R` = M_g or N).
    * `blocked_128x4`: the tensor-core atom layout (`to_blocked` of the
      reference): rows padded to 128, scale columns padded to 4, stored as
      `memref<ceil(R/128) x ceil(K/64) x 32 x 16 x f8E4M3FN>`; scale `(r, c)`
      lives at `[r / 128, c / 4, r % 32, (r % 128) / 32 * 4 + c % 4]`.
      Only with `rows<list>`.

    `alpha(...)`, when present, is a `memref<G x f32>` of per-group factors.

    Example (two groups, M = 96 and 128):

    ```mlir
    ggemm.grouped_matmul rows<list> scales<row_major>
        a(%a0, %a1 : memref<96x128xf4E2M1FN>, memref<128x512xf4E2M1FN>)
        sfa(%sa0, %sa1 : memref<96x8xf8E4M3FN>, memref<128x32xf8E4M3FN>)
        b(%b0, %b1 : memref<128x128xf4E2M1FN>, memref<256x512xf4E2M1FN>)
        sfb(%sb0, %sb1 : memref<128x8xf8E4M3FN>, memref<256x32xf8E4M3FN>)
        c(%c0, %c1 : memref<96x128xf16>, memref<128x256xf16>)
    ```

    `schedule`, when present, is the scheduled level of docs/architecture.md:
    set by `ggemm-tile` and `ggemm-split-k`, consumed by
    `ggemm-fuse-persistent`.

    Tensor form: with ranked tensors in place of every memref, the op is in
    destination-passing style. The `c` operands are the initial values of
    the results, one result per `c` operand and of its type; the op has no
    side effects. In `rows<contiguous>` the rows past the sum of the group
    sizes carry the init's values into the result. `one-shot-bufferize`
    turns it into the memref form (BufferizableOpInterface):

    ```mlir
    %c:2 = ggemm.grouped_matmul rows<list> scales<row_major>
        a(%a0, %a1 : tensor<96x128xf4E2M1FN>, tensor<128x512xf4E2M1FN>)
        ...
        c(%i0, %i1 : tensor<96x128xf16>, tensor<128x256xf16>)
        -> tensor<96x128xf16>, tensor<128x256xf16>
    ```
  }];

  let arguments = (ins
      GGemm_RowsAttr:$rows,
      GGemm_ScaleLayoutAttr:$scale_layout,
      Variadic<GGemm_TensorOrMemRef>:$a,
      Variadic<GGemm_TensorOrMemRef>:$sfa,
      Variadic<GGemm_TensorOrMemRef>:$b,
      Variadic<GGemm_TensorOrMemRef>:$sfb,
      Variadic<GGemm_TensorOrMemRef>:$c,
      Optional<GGemm_TensorOrMemRef>:$group_sizes,
      Optional<GGemm_TensorOrMemRef>:$row_indices,
      Optional<GGemm_TensorOrMemRef>:$alpha,
      OptionalAttr<GGemm_ScheduleAttr>:$schedule);
  let results = (outs Variadic<AnyRankedTensor>:$results);
  let assemblyFormat = !strconcat(GGemm_GroupedFormat, [{
      (`schedule` $schedule^)? attr-dict (`->` type($results)^)?
  }]);
  let hasVerifier = 1;
  let extraClassDeclaration = !strconcat(GGemm_GroupedDecls, [{
    /// The tensor form: the operands are tensors (the verifier rejects a
    /// mix of tensors and memrefs).
    bool hasTensorSemantics() {
      return llvm::any_of(getOperandTypes(),
                          [](Type t) { return isa<TensorType>(t); });
    }
    /// DestinationStyleOpInterface: the C operands are the inits.
    MutableOperandRange getDpsInitsMutable() { return getCMutable(); }
  }]);
}


//===----------------------------------------------------------------------===//
// Persistent level
//===----------------------------------------------------------------------===//

def GGemm_PersistentOp : GGemm_Op<"persistent",
    [SingleBlockImplicitTerminator<"YieldOp">, RecursiveMemoryEffects]> {
  let summary = "the body of one persistent kernel, run by every CTA";
  let description = [{
    The kernel level before any target (docs/architecture.md, level 3): the
    region runs once per CTA `%cta` in `[0, %num_ctas)`, where `%num_ctas` is
    the schedule's grid. `ggemm.grid_barrier` splits the body into phases: every
    CTA finishes a phase before any CTA starts the next. Values defined above
    are captured (like `gpu.launch`).

    On the CPU the grid becomes an outer loop per phase; on a GPU the region
    becomes the body of one `gpu.func` with `%cta = blockIdx.x`.

    ```mlir
    ggemm.persistent schedule #ggemm.schedule<...> {
    ^bb0(%cta: index, %num_ctas: index):
      %n = ggemm.num_tiles ...
      scf.for %t = %cta to %n step %num_ctas {
        %g, %row0, %m0, %n0, %ks = ggemm.tile_coords %t ...
        ggemm.mma_tile ...
      }
    }
    ```
  }];
  let arguments = (ins GGemm_ScheduleAttr:$schedule);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = "`schedule` $schedule $body attr-dict";
  let hasVerifier = 1;
}

def GGemm_YieldOp : GGemm_Op<"yield",
    [Pure, Terminator, ParentOneOf<["PersistentOp", "WarpSpecializeOp"]>]> {
  let summary = "terminates ggemm.persistent and each role of ggemm.warp_specialize";
  let assemblyFormat = "attr-dict";
}

def GGemm_GridBarrierOp : GGemm_Op<"grid_barrier"> {
  let summary = "all CTAs finish what precedes before any CTA goes on";
  let description = [{
    Splits a `ggemm.persistent` body into phases (e.g. split-K partial
    products, then their reduction). Only directly in the persistent body,
    or, after `ggemm-outline-kernel`, directly in the body of an outlined
    kernel whose problem has split_k > 1 (the GPU lowering synchronises the
    CTAs through the workspace parameter's barrier word; the kernel is
    launched cooperatively so that every CTA is resident).
  }];
  let assemblyFormat = "attr-dict";
  let hasVerifier = 1;
}

/// Attributes describing the linear tile space, shared by num_tiles and
/// tile_coords: tiles along M and N per group (tiles_m is empty when the
/// group sizes are read at run time from group_sizes).
defvar GGemm_TileSpaceArgs = (ins
    DenseI64ArrayAttr:$tiles_m,
    DenseI64ArrayAttr:$tiles_n,
    Optional<AnyMemRef>:$group_sizes,
    OptionalAttr<GGemm_RowsAttr>:$rows,
    OptionalAttr<I64Attr>:$max_rows,
    GGemm_ScheduleAttr:$schedule);
defvar GGemm_TileSpaceFormat = [{
    `tiles_m` $tiles_m `tiles_n` $tiles_n
    (`group_sizes` `(` $group_sizes^ `:` type($group_sizes) `)`)?
    (`rows` `` $rows^)? (`max_rows` $max_rows^)?
    `schedule` $schedule
}];

def GGemm_NumTilesOp : GGemm_Op<"num_tiles",
    [DeclareOpInterfaceMethods<MemoryEffectsOpInterface>]> {
  let summary = "number of work items of the linear tile space";
  let description = [{
    `sum_g tiles_m[g] * tiles_n[g] * split_k`: every output tile of every
    group, times the K splits. With `group_sizes`, `tiles_m[g]` is
    `ceil(rows_g / tile_m)`, read at run time, where `rows_g` is
    `group_sizes[g]` (`rows<contiguous>`, the default), `max(0, offs[g] -
    end_{g-1})` with `end` the running end of the groups before
    (`rows<offsets>`: an offset below the previous end gives an empty
    group), or `clamp(counts[g], 0, max_rows)` (`rows<masked>`).
  }];
  let arguments = GGemm_TileSpaceArgs;
  let results = (outs Index:$count);
  let assemblyFormat = !strconcat(GGemm_TileSpaceFormat, "attr-dict");
  let hasVerifier = 1;
}

def GGemm_TileCoordsOp : GGemm_Op<"tile_coords",
    [DeclareOpInterfaceMethods<MemoryEffectsOpInterface>]> {
  let summary = "group and position of one work item (the group-aware scheduler)";
  let description = [{
    Maps work item `%work` of the linear tile space to its group `%group`
    (found from the prefix sums of the groups' work counts), the group's
    first row in A and C (`%row_base`: 0 in `rows<list>`, the running end
    of the groups before in `rows<contiguous>` and `rows<offsets>`, `g *
    max_rows` in `rows<masked>`), the tile's first row `%m0` inside
    the group and first column `%n0`, and its K split `%split`. Inside a
    group, work items are numbered split-innermost, then in the raster
    order of the schedule.
  }];
  let arguments = !con((ins Index:$work), GGemm_TileSpaceArgs);
  let results = (outs Index:$group, Index:$row_base, Index:$m0, Index:$n0,
                      Index:$split);
  let assemblyFormat = !strconcat("$work ", GGemm_TileSpaceFormat, "attr-dict");
  let hasVerifier = 1;
}

def GGemm_MmaTileOp : GGemm_Op<"mma_tile",
    [AttrSizedOperandSegments,
     DeclareOpInterfaceMethods<MemoryEffectsOpInterface>]> {
  let summary = "one output tile over one K split";
  let description = [{
    Computes rows `[m0, m0 + tile_m)` and columns `[n0, n0 + tile_n)` of
    group `%group` (clipped to M_g and N_g; rows offset by `%row_base` in A,
    SFA and C) over the K tiles of split `%split`: with `q = ceil(ceil(K /
    tile_k) / split_k)` K tiles a split, K range `[split * q * tile_k,
    min((split + 1) * q * tile_k, K))`, added in increasing K.

    Without `workspace` (split_k = 1) the f32 sum times alpha is rounded to
    f16 and stored in C. With it, the f32 partial (no alpha) goes to
    `workspace[%work, i - m0, j - n0]` for `ggemm.reduce_tile`.
  }];
  let arguments = !con((ins Index:$group, Index:$row_base, Index:$m0,
                            Index:$n0, Index:$split, Index:$work),
                       GGemm_GroupedArgs,
                       (ins Optional<AnyMemRef>:$workspace,
                            GGemm_ScheduleAttr:$schedule));
  let assemblyFormat = !strconcat([{
    `group` $group `row_base` $row_base `tile` $m0 `,` $n0 `split` $split
    `work` $work
  }], GGemm_GroupedFormat, [{
    (`workspace` `(` $workspace^ `:` type($workspace) `)`)?
    `schedule` $schedule attr-dict
  }]);
  let hasVerifier = 1;
  let extraClassDeclaration = GGemm_GroupedDecls;
}

def GGemm_ReduceTileOp : GGemm_Op<"reduce_tile",
    [AttrSizedOperandSegments,
     DeclareOpInterfaceMethods<MemoryEffectsOpInterface>]> {
  let summary = "sums the split-K partials of one output tile, in order";
  let description = [{
    For the output tile whose split-0 work item is `%work`: `C = f16(alpha *
    (((p_0 + p_1) + p_2) + ...))` with `p_s = workspace[%work + s]`, a fixed
    order, so the result does not depend on which CTA ran which split.
  }];
  let arguments = !con((ins Index:$group, Index:$row_base, Index:$m0,
                            Index:$n0, Index:$work),
                       GGemm_GroupedArgs,
                       (ins AnyMemRef:$workspace,
                            GGemm_ScheduleAttr:$schedule));
  let assemblyFormat = !strconcat([{
    `group` $group `row_base` $row_base `tile` $m0 `,` $n0 `work` $work
  }], GGemm_GroupedFormat, [{
    `workspace` `(` $workspace `:` type($workspace) `)`
    `schedule` $schedule attr-dict
  }]);
  let hasVerifier = 1;
  let extraClassDeclaration = GGemm_GroupedDecls;
}

include "GGemm/GGemmKernel.td"

#endif // GGEMM_OPS_TD
