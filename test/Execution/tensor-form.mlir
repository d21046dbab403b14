// The tensor form, bufferized by upstream one-shot-bufferize (in place into
// the function's arguments; drop-equivalent-buffer-results then removes the
// results, which are those arguments, from the private functions), lowered with ggemm-cpu-pipeline, run and checked bit for
// bit against the reference by ggemm-cpu-run.
// RUN: gemm-opt %s --one-shot-bufferize="bufferize-function-boundaries function-boundary-type-conversion=identity-layout-map" --drop-equivalent-buffer-results -o %t.mlir
// RUN: FileCheck %s --input-file=%t.mlir --check-prefix=IR
// RUN: ggemm-cpu-run %t.mlir --func=list --seed %seed | FileCheck %s --check-prefix=LIST
// RUN: ggemm-cpu-run %t.mlir --func=cont --group-sizes=5,0,130 | FileCheck %s --check-prefix=CONT
//
// ggemm-cpu-run passes host buffers: it refuses the tensor form itself.
// RUN: not ggemm-cpu-run %s --func=list 2>&1 | FileCheck %s --check-prefix=TENSOR

// IR-LABEL: func.func private @list(
// IR-NOT: memref.alloc
// IR: ggemm.grouped_matmul rows<list>
// IR-NEXT: return{{$}}
// IR-LABEL: func.func private @cont(
// IR-NOT: memref.alloc
// IR: ggemm.grouped_matmul rows<contiguous>
// IR-NEXT: return{{$}}

// LIST: list: 2 groups, M = [0, 200], 27200 elements, f16 mismatches 0, untouched rows overwritten 0
// LIST-NEXT: PASS
// CONT: cont: 3 groups, M = [5, 0, 130], 17280 elements, f16 mismatches 0, untouched rows overwritten 0
// CONT-NEXT: PASS
// TENSOR: error: is in tensor form; ggemm-cpu-run passes host buffers to the memref form

func.func private @list(%a0: tensor<0x320xf4E2M1FN>, %a1: tensor<200x320xf4E2M1FN>,
    %sa0: tensor<0x5x32x16xf8E4M3FN>, %sa1: tensor<2x5x32x16xf8E4M3FN>,
    %b0: tensor<64x320xf4E2M1FN>, %b1: tensor<136x320xf4E2M1FN>,
    %sb0: tensor<1x5x32x16xf8E4M3FN>, %sb1: tensor<2x5x32x16xf8E4M3FN>,
    %c0: tensor<0x64xf16>, %c1: tensor<200x136xf16>)
    -> (tensor<0x64xf16>, tensor<200x136xf16>) {
  %r:2 = ggemm.grouped_matmul rows<list> scales<blocked_128x4>
      a(%a0, %a1 : tensor<0x320xf4E2M1FN>, tensor<200x320xf4E2M1FN>)
      sfa(%sa0, %sa1 : tensor<0x5x32x16xf8E4M3FN>, tensor<2x5x32x16xf8E4M3FN>)
      b(%b0, %b1 : tensor<64x320xf4E2M1FN>, tensor<136x320xf4E2M1FN>)
      sfb(%sb0, %sb1 : tensor<1x5x32x16xf8E4M3FN>, tensor<2x5x32x16xf8E4M3FN>)
      c(%c0, %c1 : tensor<0x64xf16>, tensor<200x136xf16>)
      -> tensor<0x64xf16>, tensor<200x136xf16>
  return %r#0, %r#1 : tensor<0x64xf16>, tensor<200x136xf16>
}

// Rows past the group sizes keep the init's values (ggemm-cpu-run checks
// that they stay poisoned).
func.func private @cont(%a: tensor<?x256xf4E2M1FN>, %sa: tensor<?x16xf8E4M3FN>,
    %b: tensor<3x128x256xf4E2M1FN>, %sb: tensor<3x128x16xf8E4M3FN>,
    %c: tensor<?x128xf16>, %sizes: tensor<3xi32>, %alpha: tensor<3xf32>)
    -> tensor<?x128xf16> {
  %r = ggemm.grouped_matmul rows<contiguous> scales<row_major>
      a(%a : tensor<?x256xf4E2M1FN>) sfa(%sa : tensor<?x16xf8E4M3FN>)
      b(%b : tensor<3x128x256xf4E2M1FN>) sfb(%sb : tensor<3x128x16xf8E4M3FN>)
      c(%c : tensor<?x128xf16>)
      group_sizes(%sizes : tensor<3xi32>) alpha(%alpha : tensor<3xf32>)
      -> tensor<?x128xf16>
  return %r : tensor<?x128xf16>
}
