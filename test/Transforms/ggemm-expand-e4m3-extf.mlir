// ggemm-expand-e4m3-extf rewrites scalar arith.extf from f8E4M3FN into
// integer arithmetic on the byte; other extf ops are left alone.
// (test/Execution/expand-e4m3-extf.mlir runs it on all 256 codes.)
// RUN: gemm-opt %s --ggemm-expand-e4m3-extf | FileCheck %s

// CHECK-LABEL: func.func @to_f32(
// CHECK-SAME: %[[X:.*]]: f8E4M3FN) -> f32
// CHECK: %[[BYTE:.*]] = arith.bitcast %[[X]] : f8E4M3FN to i8
// CHECK: %[[BITS:.*]] = arith.extui %[[BYTE]] : i8 to i32
// CHECK-DAG: arith.uitofp
// CHECK-DAG: arith.bitcast %{{.*}} : i32 to f32
// CHECK: %[[MAG:.*]] = arith.select
// CHECK: %[[NEG:.*]] = arith.negf
// CHECK: %[[R:.*]] = arith.select %{{.*}}, %[[NEG]], %{{.*}} : f32
// CHECK-NOT: arith.extf
// CHECK: return %[[R]]
func.func @to_f32(%x: f8E4M3FN) -> f32 {
  %f = arith.extf %x : f8E4M3FN to f32
  return %f : f32
}

// Narrower and wider results go through f32 (every e4m3 value is an f16,
// bf16 and f32 value).
// CHECK-LABEL: func.func @other_types(
// CHECK: %[[H:.*]] = arith.truncf %{{.*}} : f32 to f16
// CHECK: %[[B:.*]] = arith.truncf %{{.*}} : f32 to bf16
// CHECK: %[[D:.*]] = arith.extf %{{.*}} : f32 to f64
// CHECK: return %[[H]], %[[B]], %[[D]]
func.func @other_types(%x: f8E4M3FN) -> (f16, bf16, f64) {
  %h = arith.extf %x : f8E4M3FN to f16
  %b = arith.extf %x : f8E4M3FN to bf16
  %d = arith.extf %x : f8E4M3FN to f64
  return %h, %b, %d : f16, bf16, f64
}

// Not scalar f8E4M3FN: unchanged (arith-expand covers f4E2M1FN; vectors and
// tensors are lowered to scalars first).
// CHECK-LABEL: func.func @untouched(
// CHECK: arith.extf %{{.*}} : f4E2M1FN to f32
// CHECK: arith.extf %{{.*}} : vector<4xf8E4M3FN> to vector<4xf32>
// CHECK: arith.extf %{{.*}} : f8E5M2 to f32
func.func @untouched(%x: f4E2M1FN, %v: vector<4xf8E4M3FN>, %y: f8E5M2) -> (f32, vector<4xf32>, f32) {
  %a = arith.extf %x : f4E2M1FN to f32
  %b = arith.extf %v : vector<4xf8E4M3FN> to vector<4xf32>
  %c = arith.extf %y : f8E5M2 to f32
  return %a, %b, %c : f32, vector<4xf32>, f32
}
