//===- ggemm-capi-test.c - ggemm driven from C ----------------------------===//
//
// A C host (compiled as C, linked only against libGGemm-C.so) that does what
// another compiler would: registers the dialect, parses a problem, runs ggemm
// pipelines by name and reads the result, and sees bad input refused.
//
//===----------------------------------------------------------------------===//

// RUN: ggemm-capi-test 2>&1 | FileCheck %s

#include "ggemm-c/Dialects.h"
#include "ggemm-c/Passes.h"

#include "mlir-c/Diagnostics.h"
#include "mlir-c/Dialect/Func.h"
#include "mlir-c/IR.h"
#include "mlir-c/Pass.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// Two groups of different shapes (examples/test_00.mlir).
static const char *kProblem =
    "func.func @two_groups(\n"
    "    %a0: memref<96x128xf4E2M1FN>, %a1: memref<128x512xf4E2M1FN>,\n"
    "    %sfa0: memref<96x8xf8E4M3FN>, %sfa1: memref<128x32xf8E4M3FN>,\n"
    "    %b0: memref<128x128xf4E2M1FN>, %b1: memref<256x512xf4E2M1FN>,\n"
    "    %sfb0: memref<128x8xf8E4M3FN>, %sfb1: memref<256x32xf8E4M3FN>,\n"
    "    %c0: memref<96x128xf16>, %c1: memref<128x256xf16>) {\n"
    "  ggemm.grouped_matmul rows<list> scales<row_major>\n"
    "      a(%a0, %a1 : memref<96x128xf4E2M1FN>, memref<128x512xf4E2M1FN>)\n"
    "      sfa(%sfa0, %sfa1 : memref<96x8xf8E4M3FN>, memref<128x32xf8E4M3FN>)\n"
    "      b(%b0, %b1 : memref<128x128xf4E2M1FN>, memref<256x512xf4E2M1FN>)\n"
    "      sfb(%sfb0, %sfb1 : memref<128x8xf8E4M3FN>,\n"
    "                         memref<256x32xf8E4M3FN>)\n"
    "      c(%c0, %c1 : memref<96x128xf16>, memref<128x256xf16>)\n"
    "  return\n"
    "}\n";

// A's element type is e4m3 instead of e2m1: the verifier refuses it.
static const char *kBadProblem =
    "func.func @bad(%a: memref<128x64xf8E4M3FN>, %sa: memref<128x4xf8E4M3FN>,\n"
    "    %b: memref<8x64xf4E2M1FN>, %sb: memref<8x4xf8E4M3FN>,\n"
    "    %c: memref<128x8xf16>) {\n"
    "  ggemm.grouped_matmul rows<list> scales<row_major>\n"
    "      a(%a : memref<128x64xf8E4M3FN>) sfa(%sa : memref<128x4xf8E4M3FN>)\n"
    "      b(%b : memref<8x64xf4E2M1FN>) sfb(%sb : memref<8x4xf8E4M3FN>)\n"
    "      c(%c : memref<128x8xf16>)\n"
    "  return\n"
    "}\n";

static void printToStdout(MlirStringRef str, void *userData) {
  (void)userData;
  fwrite(str.data, 1, str.length, stdout);
}

/// Every diagnostic goes to stdout, so that FileCheck sees it in order with
/// the rest of the output.
static MlirLogicalResult printDiagnostic(MlirDiagnostic diagnostic,
                                         void *userData) {
  (void)userData;
  printf("diagnostic: ");
  mlirDiagnosticPrint(diagnostic, printToStdout, NULL);
  printf("\n");
  return mlirLogicalResultSuccess();
}

/// A growing string, for checking printed IR that is too long to print.
typedef struct {
  char *data;
  size_t size;
} Buffer;

static void appendToBuffer(MlirStringRef str, void *userData) {
  Buffer *buffer = (Buffer *)userData;
  buffer->data = realloc(buffer->data, buffer->size + str.length + 1);
  memcpy(buffer->data + buffer->size, str.data, str.length);
  buffer->size += str.length;
  buffer->data[buffer->size] = '\0';
}

/// A context knowing func and ggemm, and with `withExtensions` what the GPU
/// pipeline reaches through interfaces.
static MlirContext createContext(int withExtensions) {
  MlirContext ctx = mlirContextCreate();
  MlirDialectRegistry registry = mlirDialectRegistryCreate();
  mlirDialectHandleInsertDialect(mlirGetDialectHandle__func__(), registry);
  mlirDialectHandleInsertDialect(mlirGetDialectHandle__ggemm__(), registry);
  if (withExtensions)
    mlirGGemmRegisterPipelineExtensions(registry);
  mlirContextAppendDialectRegistry(ctx, registry);
  mlirDialectRegistryDestroy(registry);
  mlirContextAttachDiagnosticHandler(ctx, printDiagnostic, NULL, NULL);
  return ctx;
}

static MlirModule parse(MlirContext ctx, const char *source) {
  return mlirModuleCreateParse(ctx, mlirStringRefCreateFromCString(source));
}

/// Runs `pipeline` (a full `builtin.module(...)` pipeline) on `module`.
static int runPipeline(MlirContext ctx, MlirModule module,
                       const char *pipeline) {
  MlirPassManager pm = mlirPassManagerCreate(ctx);
  MlirOpPassManager opm = mlirPassManagerGetAsOpPassManager(pm);
  int ok = mlirLogicalResultIsSuccess(mlirParsePassPipeline(
      opm, mlirStringRefCreateFromCString(pipeline), printToStdout, NULL));
  if (!ok)
    printf("\n"); // The parser's message has no final newline.
  else
    ok = mlirLogicalResultIsSuccess(
        mlirPassManagerRunOnOp(pm, mlirModuleGetOperation(module)));
  mlirPassManagerDestroy(pm);
  return ok;
}

// The ggemm passes are unknown until registered.
// CHECK-LABEL: unregistered
// CHECK: 'ggemm-tile' does not refer to a registered pass or pass pipeline
// CHECK: result: failure
static void testUnregistered(void) {
  printf("unregistered\n");
  MlirContext ctx = createContext(0);
  MlirModule module = parse(ctx, kProblem);
  int ok = runPipeline(ctx, module, "builtin.module(ggemm-tile)");
  printf("result: %s\n", ok ? "success" : "failure");
  mlirModuleDestroy(module);
  mlirContextDestroy(ctx);
}

// The dialect handle names the dialect; parsing keeps the op.
// CHECK-LABEL: parse
// CHECK: namespace: ggemm
// CHECK: func.func @two_groups(
// CHECK: ggemm.grouped_matmul rows<list> scales<row_major>
static void testParse(void) {
  printf("parse\n");
  MlirStringRef ns =
      mlirDialectHandleGetNamespace(mlirGetDialectHandle__ggemm__());
  printf("namespace: %.*s\n", (int)ns.length, ns.data);
  MlirContext ctx = createContext(0);
  MlirModule module = parse(ctx, kProblem);
  if (mlirModuleIsNull(module)) {
    printf("parse failed\n");
    exit(1);
  }
  mlirOperationPrint(mlirModuleGetOperation(module), printToStdout, NULL);
  printf("\n");
  mlirModuleDestroy(module);
  mlirContextDestroy(ctx);
}

// Tile and fuse by name: all groups in one persistent loop. First through a
// whole textual pipeline, then as elements added to a pass manager on the
// module; pass options reach the pass (the grid is the chip's SM count).
// CHECK-LABEL: tile-and-fuse
// CHECK-NOT: ggemm.grouped_matmul
// CHECK: ggemm.persistent schedule <{{.*}}grid = 148
// CHECK-LABEL: add-pipeline
// CHECK-NOT: ggemm.grouped_matmul
// CHECK: ggemm.persistent schedule <{{.*}}grid = 132
static void testTileAndFuse(void) {
  printf("tile-and-fuse\n");
  MlirContext ctx = createContext(0);
  MlirModule module = parse(ctx, kProblem);
  if (!runPipeline(
          ctx, module,
          "builtin.module(ggemm-tile{chip=sm_100a},ggemm-fuse-persistent)")) {
    printf("pipeline failed\n");
    exit(1);
  }
  mlirOperationPrint(mlirModuleGetOperation(module), printToStdout, NULL);
  printf("\n");
  mlirModuleDestroy(module);

  printf("add-pipeline\n");
  module = parse(ctx, kProblem);
  MlirPassManager pm = mlirPassManagerCreate(ctx);
  MlirOpPassManager opm = mlirPassManagerGetAsOpPassManager(pm);
  MlirLogicalResult added = mlirOpPassManagerAddPipeline(
      opm,
      mlirStringRefCreateFromCString(
          "ggemm-tile{chip=sm_90a},ggemm-fuse-persistent"),
      printToStdout, NULL);
  if (mlirLogicalResultIsFailure(added) ||
      mlirLogicalResultIsFailure(
          mlirPassManagerRunOnOp(pm, mlirModuleGetOperation(module)))) {
    printf("pipeline failed\n");
    exit(1);
  }
  mlirOperationPrint(mlirModuleGetOperation(module), printToStdout, NULL);
  printf("\n");
  mlirPassManagerDestroy(pm);
  mlirModuleDestroy(module);
  mlirContextDestroy(ctx);
}

// A module the verifier refuses does not parse; a pass refusing its input
// fails the pipeline; both say why.
// CHECK-LABEL: bad-module
// CHECK: diagnostic: 'ggemm.grouped_matmul' op A of group 0 has element type 'f8E4M3FN'; expected 'f4E2M1FN'
// CHECK: module: null
// CHECK-LABEL: bad-pass
// CHECK: diagnostic: 'ggemm.grouped_matmul' op cannot be tiled for sm_90a
// CHECK: result: failure
static void testBadInput(void) {
  printf("bad-module\n");
  MlirContext ctx = createContext(0);
  MlirModule module = parse(ctx, kBadProblem);
  printf("module: %s\n", mlirModuleIsNull(module) ? "null" : "parsed");
  if (!mlirModuleIsNull(module))
    mlirModuleDestroy(module);

  printf("bad-pass\n");
  module = parse(ctx, kProblem);
  printf("result: %s\n",
         runPipeline(ctx, module,
                     "builtin.module(ggemm-tile{chip=sm_90a tile-m=256})")
             ? "success"
             : "failure");
  mlirModuleDestroy(module);
  mlirContextDestroy(ctx);
}

// The GPU pipeline to PTX, in a context whose only registrations are func,
// ggemm and mlirGGemmRegisterPipelineExtensions: what those add is all the
// pipeline needs.
// CHECK-LABEL: gpu-pipeline
// CHECK: gpu.binary: 1
// CHECK: .target sm_90a: 1
// CHECK: entry ggemm_two_groups: 1
static void testGPUPipeline(void) {
  printf("gpu-pipeline\n");
  MlirContext ctx = createContext(1);
  MlirModule module = parse(ctx, kProblem);
  if (!runPipeline(ctx, module,
                   "builtin.module(ggemm-pipeline{chip=sm_90a format=isa})")) {
    printf("pipeline failed\n");
    exit(1);
  }
  Buffer ir = {NULL, 0};
  mlirOperationPrint(mlirModuleGetOperation(module), appendToBuffer, &ir);
  printf("gpu.binary: %d\n", strstr(ir.data, "gpu.binary @") != NULL);
  printf(".target sm_90a: %d\n", strstr(ir.data, ".target sm_90a") != NULL);
  printf("entry ggemm_two_groups: %d\n",
         strstr(ir.data, ".entry ggemm_two_groups(") != NULL);
  free(ir.data);
  mlirModuleDestroy(module);
  mlirContextDestroy(ctx);
}

// A linalg program on tensors, as a frontend writes it (dequantize, a
// contraction generic, truncate; outputs from tensor.empty), in a context
// whose registrations are func, ggemm, mlirGGemmRegisterInputDialects and
// mlirGGemmRegisterPipelineExtensions: raised, bufferized and compiled to
// PTX.
/// `%OUT = CODES * SCALES` in f32, one 128 x 256 operand (a
/// dequantization linalg.generic, as ggemm-raise expects it).
#define DEQUANTIZE(OUT, CODES, SCALES)                                         \
  "  %" OUT "0 = tensor.empty() : tensor<128x256xf32>\n"                        \
  "  %" OUT " = linalg.generic {indexing_maps = [#id, #sc, #id],\n"            \
  "      iterator_types = [\"parallel\", \"parallel\"]}\n"                     \
  "      ins(" CODES ", " SCALES                                               \
  " : tensor<128x256xf4E2M1FN>, tensor<128x16xf8E4M3FN>)\n"                    \
  "      outs(%" OUT "0 : tensor<128x256xf32>) {\n"                            \
  "  ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f32):\n"                             \
  "    %xf = arith.extf %x : f4E2M1FN to f32\n"                                \
  "    %sf = arith.extf %s : f8E4M3FN to f32\n"                                \
  "    %p = arith.mulf %xf, %sf : f32\n"                                       \
  "    linalg.yield %p : f32\n"                                                \
  "  } -> tensor<128x256xf32>\n"

static const char *kLinalg =
    "#id = affine_map<(r, k) -> (r, k)>\n"
    "#sc = affine_map<(r, k) -> (r, k floordiv 16)>\n"
    "#mk = affine_map<(m, n, k) -> (m, k)>\n"
    "#nk = affine_map<(m, n, k) -> (n, k)>\n"
    "#mn = affine_map<(m, n, k) -> (m, n)>\n"
    "func.func @layer(%a: tensor<128x256xf4E2M1FN>, %sa: tensor<128x16xf8E4M3FN>,\n"
    "    %b: tensor<128x256xf4E2M1FN>, %sb: tensor<128x16xf8E4M3FN>)\n"
    "    -> tensor<128x128xf16> {\n"
    DEQUANTIZE("qa", "%a", "%sa")
    DEQUANTIZE("qb", "%b", "%sb")
    "  %zero = arith.constant 0.0 : f32\n"
    "  %z0 = tensor.empty() : tensor<128x128xf32>\n"
    "  %z = linalg.fill ins(%zero : f32) outs(%z0 : tensor<128x128xf32>)\n"
    "      -> tensor<128x128xf32>\n"
    "  %p = linalg.generic {indexing_maps = [#mk, #nk, #mn],\n"
    "      iterator_types = [\"parallel\", \"parallel\", \"reduction\"]}\n"
    "      ins(%qa, %qb : tensor<128x256xf32>, tensor<128x256xf32>)\n"
    "      outs(%z : tensor<128x128xf32>) {\n"
    "  ^bb0(%x: f32, %y: f32, %acc: f32):\n"
    "    %m = arith.mulf %x, %y : f32\n"
    "    %s = arith.addf %acc, %m : f32\n"
    "    linalg.yield %s : f32\n"
    "  } -> tensor<128x128xf32>\n"
    "  %r = arith.truncf %p : tensor<128x128xf32> to tensor<128x128xf16>\n"
    "  return %r : tensor<128x128xf16>\n"
    "}\n";

// CHECK-LABEL: linalg-input
// CHECK: raised and bufferized: 1
// CHECK: memref form: 1
static void testLinalgInput(void) {
  printf("linalg-input\n");
  MlirContext ctx = mlirContextCreate();
  MlirDialectRegistry registry = mlirDialectRegistryCreate();
  mlirDialectHandleInsertDialect(mlirGetDialectHandle__func__(), registry);
  mlirDialectHandleInsertDialect(mlirGetDialectHandle__ggemm__(), registry);
  mlirGGemmRegisterInputDialects(registry);
  mlirGGemmRegisterPipelineExtensions(registry);
  mlirContextAppendDialectRegistry(ctx, registry);
  mlirDialectRegistryDestroy(registry);
  mlirContextAttachDiagnosticHandler(ctx, printDiagnostic, NULL, NULL);
  mlirGGemmRegisterInputPasses();
  MlirModule module = parse(ctx, kLinalg);
  if (mlirModuleIsNull(module)) {
    printf("parse failed\n");
    exit(1);
  }
  int ok = runPipeline(ctx, module,
                       "builtin.module(ggemm-raise,one-shot-bufferize{"
                       "bufferize-function-boundaries=true "
                       "function-boundary-type-conversion=identity-layout-map})");
  printf("raised and bufferized: %d\n", ok);
  Buffer ir = {NULL, 0};
  mlirOperationPrint(mlirModuleGetOperation(module), appendToBuffer, &ir);
  printf("memref form: %d\n",
         strstr(ir.data, "ggemm.grouped_matmul") != NULL &&
             strstr(ir.data, "c(%") != NULL &&
             strstr(ir.data, "memref<128x128xf16>") != NULL &&
             strstr(ir.data, "linalg.generic") == NULL);
  free(ir.data);
  mlirModuleDestroy(module);
  mlirContextDestroy(ctx);
}

int main(void) {
  testUnregistered();
  // Twice: registration is idempotent (a host may not know whether a
  // library it loaded registered ggemm already).
  for (int i = 0; i < 2; ++i) {
    mlirGGemmRegisterPasses();
    mlirGGemmRegisterPipelines();
  }
  testParse();
  testTileAndFuse();
  testBadInput();
  testGPUPipeline();
  testLinalgInput();
  return 0;
}
