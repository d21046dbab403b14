//===- GGemmDialect.td - ggemm dialect definition ----------*- tablegen -*-===//
//
// The `ggemm` dialect: the problem level of ggemm (DESIGN.md section 2).
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
}

//===----------------------------------------------------------------------===//
// Enumerations
//===----------------------------------------------------------------------===//

def GGemm_RowsList : I32EnumAttrCase<"list", 0>;
def GGemm_RowsContiguous : I32EnumAttrCase<"contiguous", 1>;
def GGemm_RowsKind : I32EnumAttr<"RowsKind",
    "how the groups' rows of A and C are laid out",
    [GGemm_RowsList, GGemm_RowsContiguous]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::mlir::ggemm";
}
def GGemm_RowsAttr : EnumAttr<GGemm_Dialect, GGemm_RowsKind, "rows"> {
  let assemblyFormat = "`<` $value `>`";
  let summary = "row layout of the groups: `list` or `contiguous`";
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

class GGemm_Op<string mnemonic, list<Trait> traits = []>
    : Op<GGemm_Dialect, mnemonic, traits>;

#endif // GGEMM_DIALECT_TD
