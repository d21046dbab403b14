//===- GGemmOps.td - ggemm operations ----------------------*- tablegen -*-===//
//
// Operations of the `ggemm` dialect.
//
//===----------------------------------------------------------------------===//

#ifndef GGEMM_OPS_TD
#define GGEMM_OPS_TD

include "GGemm/GGemmDialect.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def GGemm_GroupedMatmulOp : GGemm_Op<"grouped_matmul",
    [AttrSizedOperandSegments,
     DeclareOpInterfaceMethods<MemoryEffectsOpInterface>]> {
  let summary = "grouped NVFP4 block-scaled matrix product (TN, f16 output)";
  let description = [{
    Computes `G` independent products `C_g = alpha_g * (A_g * SFA_g) (B_g *
    SFB_g)^T` (DESIGN.md section 1): A_g is `M_g x K`, B_g is `N x K` (both
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
  }];

  let arguments = (ins
    GGemm_RowsAttr:$rows,
    GGemm_ScaleLayoutAttr:$scale_layout,
    Variadic<AnyMemRef>:$a,
    Variadic<AnyMemRef>:$sfa,
    Variadic<AnyMemRef>:$b,
    Variadic<AnyMemRef>:$sfb,
    Variadic<AnyMemRef>:$c,
    Optional<AnyMemRef>:$group_sizes,
    Optional<AnyMemRef>:$alpha);

  let assemblyFormat = [{
    `rows` `` $rows `scales` `` $scale_layout
    `a` `(` $a `:` type($a) `)`
    `sfa` `(` $sfa `:` type($sfa) `)`
    `b` `(` $b `:` type($b) `)`
    `sfb` `(` $sfb `:` type($sfb) `)`
    `c` `(` $c `:` type($c) `)`
    (`group_sizes` `(` $group_sizes^ `:` type($group_sizes) `)`)?
    (`alpha` `(` $alpha^ `:` type($alpha) `)`)?
    attr-dict
  }];

  let hasVerifier = 1;

  let extraClassDeclaration = [{
    /// Number of groups G.
    int64_t getNumGroups();
    /// True for `rows<list>`.
    bool isListForm() { return getRows() == RowsKind::list; }
    /// Static shape of group `g` in the list form.
    GroupShape getGroupShape(int64_t g);
  }];
}

#endif // GGEMM_OPS_TD
