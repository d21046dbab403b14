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
    plain loops that compute DESIGN.md section 1 exactly:

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

#endif // GGEMM_CONVERSION_PASSES_TD
