//===- GGemmDialect.td - ggemm dialect definition ----------*- tablegen -*-===//
//
// The `ggemm` dialect: ggemm's problem level (docs/architecture.md section 2).
//
//===----------------------------------------------------------------------===//

#ifndef GGEMM_DIALECT_TD
#define GGEMM_DIALECT_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"

def GGemm_Dialect : Dialect {
  let name = "ggemm";
  let cppNamespace = "::mlir::ggemm";
  let summary = "Grouped, block-scaled (NVFP4) matrix products";
  let description = [{
    The `ggemm` dialect describes many independent NVFP4 GEMMs as one
    operation, so that later passes can compile all of them into a single
    persistent GPU kernel.

    For each group `g`:

    ```
    C_g[m, n] = alpha_g * sum_k e2m1(A_g[m, k]) * e4m3(SFA_g[m, k / 16])
                              * e2m1(B_g[n, k]) * e4m3(SFB_g[n, k / 16])
    ```

    with f32 accumulation and a round-to-nearest-even f16 result. Operands
    use MLIR's builtin `f4E2M1FN`, `f8E4M3FN` and `f16` element types; a
    `memref<M x K x f4E2M1FN>` is stored packed, two values a byte, the lower
    nibble holding the even element (torch's `float4_e2m1fn_x2`).
  }];
  let useDefaultAttributePrinterParser = 1;
  let useDefaultTypePrinterParser = 1;
}

//===----------------------------------------------------------------------===//
// Enumerations
//===----------------------------------------------------------------------===//

def GGemm_RowsList : I32EnumAttrCase<"list", 0>;
def GGemm_RowsContiguous : I32EnumAttrCase<"contiguous", 1>;
def GGemm_RowsOffsets : I32EnumAttrCase<"offsets", 2>;
def GGemm_RowsMasked : I32EnumAttrCase<"masked", 3>;
def GGemm_RowsGathered : I32EnumAttrCase<"gathered", 4>;
def GGemm_RowsKind : I32EnumAttr<"RowsKind",
    "how the groups' rows of A and C are laid out",
    [GGemm_RowsList, GGemm_RowsContiguous, GGemm_RowsOffsets,
     GGemm_RowsMasked, GGemm_RowsGathered]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::mlir::ggemm";
}
def GGemm_RowsAttr : EnumAttr<GGemm_Dialect, GGemm_RowsKind, "rows"> {
  let assemblyFormat = "`<` $value `>`";
  let summary = "row layout of the groups: `list`, `contiguous`, `offsets`, "
                "`masked` or `gathered`";
}

def GGemm_ScaleRowMajor : I32EnumAttrCase<"row_major", 0>;
def GGemm_ScaleBlocked : I32EnumAttrCase<"blocked_128x4", 1>;
def GGemm_ScaleLayout : I32EnumAttr<"ScaleLayout",
    "physical layout of the f8E4M3FN scale factors",
    [GGemm_ScaleRowMajor, GGemm_ScaleBlocked]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::mlir::ggemm";
}
def GGemm_ScaleLayoutAttr
    : EnumAttr<GGemm_Dialect, GGemm_ScaleLayout, "scale_layout"> {
  let assemblyFormat = "`<` $value `>`";
  let summary = "scale-factor layout: `row_major` or `blocked_128x4`";
}

def GGemm_RasterAlongM : I32EnumAttrCase<"along_m", 0>;
def GGemm_RasterAlongN : I32EnumAttrCase<"along_n", 1>;
def GGemm_Raster : I32EnumAttr<"Raster",
    "order in which a group's output tiles are numbered",
    [GGemm_RasterAlongM, GGemm_RasterAlongN]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::mlir::ggemm";
}
def GGemm_RasterAttr : EnumAttr<GGemm_Dialect, GGemm_Raster, "raster"> {
  let assemblyFormat = "`<` $value `>`";
}

def GGemm_ChipSM90a : I32EnumAttrCase<"sm_90a", 0>;
def GGemm_ChipSM100a : I32EnumAttrCase<"sm_100a", 1>;
def GGemm_Chip : I32EnumAttr<"Chip",
    "the chip a schedule and its kernel are made for",
    [GGemm_ChipSM90a, GGemm_ChipSM100a]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::mlir::ggemm";
}
def GGemm_ChipAttr : EnumAttr<GGemm_Dialect, GGemm_Chip, "chip"> {
  let assemblyFormat = "`<` $value `>`";
  let summary = "target chip: `sm_90a` or `sm_100a`";
}

//===----------------------------------------------------------------------===//
// Schedule
//===----------------------------------------------------------------------===//

def GGemm_ScheduleAttr : AttrDef<GGemm_Dialect, "Schedule"> {
  let mnemonic = "schedule";
  let summary = "how a grouped product is tiled and spread over CTAs";
  let description = [{
    The scheduled level (docs/architecture.md section 2), chosen for one
    chip by `ggemm-tile`; every later pass reads the chip from here:

    * `target`: the chip whose kernel the tile shape, grid and stages fit
      (include/ggemm/Target/TargetInfo.h). The CPU lowering ignores it.
    * `tile = [M, N, K]`: output tile of M x N elements; K is walked in
      steps of K elements (one pipeline stage). Partial tiles at the M, N and
      K ends are masked (rows past M_g, columns past N, K past K_g add
      nothing and are not written).
    * `raster`: within a group, `along_m` numbers tiles down M first (CTAs
      running at once share a B tile: B, the weights, is read once from
      DRAM and then from L2), `along_n` along N first.
    * `split_k`: the K tiles of each output tile are spread over this many
      work items whose f32 partials are reduced once, in split order.
    * `grid`: the number of persistent CTAs (the SM count by default). A
      grid above the SM count keeps ceil(grid / SMs) CTAs on each SM, all
      resident at once: their shared memory must fit one SM together, and
      the kernel asks ptxas (`.minnctapersm`) to fit their registers.
    * `stages`: depth of the shared-memory pipeline on the GPU.
    * `predecode` (optional, printed only when true): the tokens (A) are
      decoded to f16 once per problem by a decode kernel of their own
      (`<kernel>_tokens`) into a workspace, which the GEMM loads by TMA;
      the GEMM's consumers then decode only the weights. sm_90a only.

    Example: `#ggemm.schedule<target = sm_100a, tile = [128, 128, 256],
    raster = along_m, split_k = 1, grid = 148, stages = 4>`.
  }];
  let parameters = (ins "Chip":$target, "int64_t":$tile_m, "int64_t":$tile_n,
                        "int64_t":$tile_k, "Raster":$raster,
                        "int64_t":$split_k, "int64_t":$grid,
                        "int64_t":$stages,
                        DefaultValuedParameter<"bool", "false">:$predecode);
  let assemblyFormat = [{
    `<` `target` `=` $target `,`
    `tile` `=` `[` $tile_m `,` $tile_n `,` $tile_k `]` `,`
    `raster` `=` $raster `,` `split_k` `=` $split_k `,` `grid` `=` $grid `,`
    `stages` `=` $stages (`,` `predecode` `=` $predecode^)? `>`
  }];
  let genVerifyDecl = 1;
}

class GGemm_Op<string mnemonic, list<Trait> traits = []>
    : Op<GGemm_Dialect, mnemonic, traits>;

#endif // GGEMM_DIALECT_TD
