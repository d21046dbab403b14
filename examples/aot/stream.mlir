// The expert layer a framework calls, compiled with
// ggemm-pipeline{host=stream} (docs/aot-host.md, "host=stream: on the
// caller's stream"): the gate and up projections of 3 experts (N = 256,
// K = 512) on the same routed tokens, their rows back to back in A and in
// each output, the token counts and alpha in device buffers. Two ggemm ops
// in one function: two kernels, each launched in place. The compiled
// function takes two more arguments, the caller's CUstream and a
// workspace of gate_up_workspace_bytes() bytes, and only enqueues.
func.func @gate_up(
    %a: memref<?x512xf4E2M1FN>, %sfa: memref<?x32xf8E4M3FN>,
    %w1: memref<3x256x512xf4E2M1FN>, %sfw1: memref<3x256x32xf8E4M3FN>,
    %w3: memref<3x256x512xf4E2M1FN>, %sfw3: memref<3x256x32xf8E4M3FN>,
    %gate: memref<?x256xf16>, %up: memref<?x256xf16>,
    %counts: memref<3xi32>, %alpha: memref<3xf32>) {
  ggemm.grouped_matmul rows<contiguous> scales<row_major>
      a(%a : memref<?x512xf4E2M1FN>) sfa(%sfa : memref<?x32xf8E4M3FN>)
      b(%w1 : memref<3x256x512xf4E2M1FN>) sfb(%sfw1 : memref<3x256x32xf8E4M3FN>)
      c(%gate : memref<?x256xf16>)
      group_sizes(%counts : memref<3xi32>) alpha(%alpha : memref<3xf32>)
  ggemm.grouped_matmul rows<contiguous> scales<row_major>
      a(%a : memref<?x512xf4E2M1FN>) sfa(%sfa : memref<?x32xf8E4M3FN>)
      b(%w3 : memref<3x256x512xf4E2M1FN>) sfb(%sfw3 : memref<3x256x32xf8E4M3FN>)
      c(%up : memref<?x256xf16>)
      group_sizes(%counts : memref<3xi32>) alpha(%alpha : memref<3xf32>)
  return
}

// The gate projection alone: one ggemm op, the unit the host-time budget
// of a call is about (aot-stream times both functions).
func.func @gate(
    %a: memref<?x512xf4E2M1FN>, %sfa: memref<?x32xf8E4M3FN>,
    %w1: memref<3x256x512xf4E2M1FN>, %sfw1: memref<3x256x32xf8E4M3FN>,
    %gate: memref<?x256xf16>, %counts: memref<3xi32>,
    %alpha: memref<3xf32>) {
  ggemm.grouped_matmul rows<contiguous> scales<row_major>
      a(%a : memref<?x512xf4E2M1FN>) sfa(%sfa : memref<?x32xf8E4M3FN>)
      b(%w1 : memref<3x256x512xf4E2M1FN>) sfb(%sfw1 : memref<3x256x32xf8E4M3FN>)
      c(%gate : memref<?x256xf16>)
      group_sizes(%counts : memref<3xi32>) alpha(%alpha : memref<3xf32>)
  return
}
