//===- Passes.td - ggemm scheduling passes -----------------*- tablegen -*-===//
//
// Target-independent passes from the problem level to the persistent level.
//
//===----------------------------------------------------------------------===//

#ifndef GGEMM_TRANSFORMS_PASSES_TD
#define GGEMM_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def GGemmRaise : Pass<"ggemm-raise", "ModuleOp"> {
  let summary = "Raise dequantized NVFP4 linalg matmuls into ggemm.grouped_matmul";
  let description = [{
    Recognizes, on tensors, the grouped NVFP4 matmul that front ends write
    with linalg and arith, and rewrites it into the tensor form of
    `ggemm.grouped_matmul`. One group is:

    ```mlir
    // A: M x K codes (f4E2M1FN), SFA: M x K/16 scales (f8E4M3FN); B likewise N x K
    %a = linalg.generic {indexing_maps = [(m, k) -> (m, k),
                                          (m, k) -> (m, k floordiv 16),
                                          (m, k) -> (m, k)], parallel x 2}
        ins(%A, %SFA) outs(...) { extf, extf, mulf, yield }   // to f32, f16 or bf16
    %b = ... the same for B and SFB ...
    %z = linalg.fill ins(%zero : f32) outs(...)                 // %zero = +0.0
    %p = linalg.matmul indexing_maps = [(m, n, k) -> (m, k), (m, n, k) -> (n, k),
                                        (m, n, k) -> (m, n)]
        ins(%a, %b) outs(%z) -> tensor<M x N x f32>
      // or a plain linalg.matmul of %a and linalg.transpose(%b, [1, 0]),
      // or of %a and a dequantization writing B^T (K x N) from N x K codes
    %c = arith.truncf %p : tensor<M x N x f32> to tensor<M x N x f16>
      // or an elementwise linalg.generic whose body is that truncf, or the
      // truncf of an arith.mulf by an f32 scalar (the op's alpha)
    ```

    Every group of a block whose results are not used before the last
    group's truncation becomes one `rows<list>` op. A batched matmul of G
    groups (3-D dequantizations of G x M x K and G x N x K codes, a
    `linalg.batch_matmul`, or a batched contract or contraction generic,
    with the batch dimension first, and the same fill and truncation)
    becomes its own `rows<masked>` op whose `group_counts` are the constant
    `dense<M> : tensor<G x i32>`: every row of every group is computed.
    Either program computes the op's exact bits (docs/raising.md says why,
    and lists what is refused). Anything else is left as it is; with
    `explain`, each contraction that is not raised gets a remark saying
    why, and each raised one a remark naming its op and group.
  }];
  let options = [
    Option<"explain", "explain", "bool", /*default=*/"false",
           "emit a remark for every contraction: why it was not raised, "
           "or which op and group it became">,
  ];
  let dependentDialects = ["::mlir::ggemm::GGemmDialect",
                           "::mlir::tensor::TensorDialect"];
}

def GGemmExpandE4M3ExtF : Pass<"ggemm-expand-e4m3-extf"> {
  let summary = "Expand arith.extf from f8E4M3FN into exact integer arithmetic";
  let description = [{
    Rewrites each scalar `arith.extf` from `f8E4M3FN` into integer and f32
    arithmetic that decodes the byte exactly (normals by placing exponent
    and mantissa into an f32, subnormals as `m * 2^-9`, `0x7F`/`0xFF` as NaN,
    the sign from bit 7), then converts to the result type (exact: every
    e4m3 value is an f16, bf16 and f32 value). Upstream's `arith-expand`
    does this for `f4E2M1FN` and `f8E8M0FNU` but not for `f8E4M3FN`, which
    the LLVM dialect has no type for; with this pass a grouped NVFP4 matmul
    written with linalg and arith (what `ggemm-raise` raises) runs on the
    CPU through upstream lowerings, so its bits can be compared with the
    raised op's.
  }];
}

def GGemmTile : Pass<"ggemm-tile", "ModuleOp"> {
  let summary = "Attach a schedule (tile shape, raster, grid) to ggemm ops";
  let description = [{
    Gives every `ggemm.grouped_matmul` without one a
    `#ggemm.schedule<target = chip, tile = [M, N, K], raster = ...,
    split_k = S, grid = ..., stages = ...>` (S: the `split-k` option, 1 by
    default; ggemm-pipeline passes its own). This is where the chip enters
    the IR: every later pass reads it from the schedule's `target`, and an
    unknown chip is refused here (with the likely one meant: `sm_100` is
    `sm_100a`).
    Partial tiles at the M, N and K ends (M_g not a multiple of tile M,
    M_g = 0, K not a multiple of tile K) are masked, so every shape the
    problem level accepts can be tiled. The tile and the whole problem
    (scale layout, shared memory, Tensor Memory, registers) must fit the
    chip's kernel: `ggemm-tile` asks the same target description
    (include/ggemm/Target/TargetInfo.h) as the lowerings, so a schedule it
    accepts is one they take. `chip` sets those rules and the default grid
    (its SM count):

    | chip | tile M | tile N | tile K | grid |
    | --- | --- | --- | --- | --- |
    | sm_100a (tcgen05, cta_group::1) | 128 | 64, 128, 192 or 256 (docs/sm100-encodings.md, "Tile N") | 256 | 148 |
    | sm_90a (two consumer warpgroups of wgmma m64nMk16) | 16, 32, 64, 128 or 256 | 128 | 256 | 132 |

    `tile-m=0` or `stages=0` lets the chip's cost model choose them
    (include/ggemm/Target/CostModel.h, docs/cost-model.md): among the
    schedules of the chip's family that fix the options given and have
    split_k = S, the one with the least predicted time. Where M is known
    only at run time (rows<contiguous>) the model assumes `rows-hint` rows per
    group (0: the rows of A over the groups where A's rows are static, else
    128). `ggemm-print-schedule{candidates}` lists every
    candidate with its prediction.
  }];
  let options = [
    Option<"chip", "chip", "std::string",
           /*default=*/"stringifyChip(kDefaultChip).str()",
           "target chip: sm_90a or sm_100a">,
    Option<"tileM", "tile-m", "int64_t", /*default=*/"128",
           "tile rows (tokens; 0: chosen by the cost model)">,
    Option<"tileN", "tile-n", "int64_t", /*default=*/"128", "tile columns">,
    Option<"tileK", "tile-k", "int64_t", /*default=*/"256",
           "K elements per pipeline step">,
    Option<"raster", "raster", "std::string", /*default=*/"\"along_m\"",
           "tile order inside a group: along_m (share B tiles) or along_n">,
    Option<"grid", "grid", "int64_t", /*default=*/"0",
           "persistent CTAs (0: the chip's SM count; more than the SM "
           "count keeps ceil(grid / SMs) CTAs resident on each SM)">,
    Option<"stages", "stages", "int64_t", /*default=*/"4",
           "shared-memory pipeline stages (0: chosen by the cost model)">,
    Option<"rowsHint", "rows-hint", "int64_t", /*default=*/"0",
           "rows per group the cost model assumes where M is dynamic "
           "(0: rows of A / groups if static, else 128)">,
    Option<"splitK", "split-k", "int64_t", /*default=*/"1",
           "split-K factor the schedule takes (ggemm-pipeline's split-k): "
           "the tile is chosen among those the kernel takes with it">,
    Option<"predecode", "predecode", "::mlir::ggemm::PredecodeMode",
           /*default=*/"::mlir::ggemm::PredecodeMode::off",
           "decode the tokens to f16 once per problem in a kernel of their "
           "own (sm_90a; the schedule's predecode): 0 (never), 1 (always) "
           "or auto (where the cost model predicts it faster)",
           [{::mlir::ggemm::predecodeModeValues()}]>,
  ];
}

def GGemmSplitK : Pass<"ggemm-split-k", "ModuleOp"> {
  let summary = "Choose how many CTAs share the K loop of an output tile";
  let description = [{
    Sets `split_k` in the schedule of every scheduled `ggemm.grouped_matmul`.
    With `split = 0` a cost rule picks it: in units of one K tile of MMA
    work, with W output tiles, kt K tiles (the largest group's), G grid CTAs,

        cost(S) = ceil(W * S / G) * (ceil(kt / S) + w(S))   partial products
                + ceil(W / G) * S * r(S)                      reduction

    where w(S) = r(S) = 0.5 for S > 1 (writing and re-reading one f32 tile
    costs about half a K tile of operand loads) and 0 for S = 1. The rule
    takes the smallest S in [1, min(16, kt)] with the least cost. It only
    splits when output tiles leave many CTAs idle (W much below G) and K is
    long; with run-time group sizes (rows<contiguous>) W is unknown and it
    keeps S = 1. `split = N` forces N.
  }];
  let options = [
    Option<"split", "split", "int64_t", /*default=*/"0",
           "split factor (0: the cost rule)">,
  ];
}

def GGemmFusePersistent : Pass<"ggemm-fuse-persistent", "ModuleOp"> {
  let summary = "Fuse all groups' tiles into one persistent loop";
  let description = [{
    Rewrites each scheduled `ggemm.grouped_matmul` into a `ggemm.persistent`
    body: CTA `%cta` runs work items `%cta, %cta + %num_ctas, ...` of one
    linear tile space over all groups; `ggemm.tile_coords` finds each
    item's group from the prefix sums of the groups' tile counts
    (compile-time constants for static M, computed from `group_sizes` at
    run time otherwise) and `ggemm.mma_tile` computes it. With split_k > 1
    the partials go to a workspace (`memref.alloc`), and after a
    `ggemm.grid_barrier` every output tile is reduced once, in split order.
  }];
  let options = [
    Option<"grid", "grid", "int64_t", /*default=*/"0",
           "persistent CTAs (0: the schedule's grid)">,
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::scf::SCFDialect"];
}

def GGemmPrintSchedule : Pass<"ggemm-print-schedule", "ModuleOp"> {
  let summary = "Report tile counts, waves and CTA load of each schedule";
  let description = [{
    For each scheduled `ggemm.grouped_matmul`, prints to stdout the per-group
    tile counts, total tiles and work items, waves over the grid, and how
    the K tiles spread over the CTAs (round-robin, as the persistent loop
    assigns them): the most and least loaded CTA and max/mean imbalance.
    With `candidates`, also lists every schedule of the chip's family
    (CostModel.h) with the cost model's predicted time and its bounds,
    cheapest first, and the ones the kernel refuses with the reason; the
    candidates predecode tokens as the op's schedule does, or with
    `both-predecodes` both ways (the family `ggemm-tile{predecode=auto}`
    chooses from).
    The IR is unchanged.
  }];
  let options = [
    Option<"candidates", "candidates", "bool", /*default=*/"false",
           "list every candidate schedule with its predicted time">,
    Option<"bothPredecodes", "both-predecodes", "bool", /*default=*/"false",
           "list every candidate (as candidates does) with and without "
           "predecoded tokens, as ggemm-tile{predecode=auto} chooses "
           "(where the chip takes them)">,
    Option<"rowsHint", "rows-hint", "int64_t", /*default=*/"0",
           "rows per group the cost model assumes where M is dynamic "
           "(0: rows of A / groups if static, else 128)">,
    ListOption<"groupRows", "group-rows", "int64_t",
               "run-time rows to report the tiles of: the op's array as "
               "the kernel would read it (sizes, end offsets or counts), "
               "one value per group">,
  ];
}

#endif // GGEMM_TRANSFORMS_PASSES_TD
