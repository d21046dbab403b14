//===- MemRefDescriptor.h - ranked memrefs for a C caller -------*- C++ -*-===//
//
// The ranked memref descriptor the C interface of a lowered function takes
// (llvm.emit_c_interface: `_mlir_ciface_<name>(MemRef<R> *...)`), and a
// dense row-major one over a buffer. Shared by the AOT example's driver and
// the test that links the compiled host code with a recording runtime.
//
//===----------------------------------------------------------------------===//

#ifndef GGEMM_EXAMPLES_AOT_MEMREFDESCRIPTOR_H
#define GGEMM_EXAMPLES_AOT_MEMREFDESCRIPTOR_H

#include <cstdint>

template <int Rank> struct MemRef {
  void *allocated;
  void *aligned;
  int64_t offset;
  int64_t sizes[Rank];
  int64_t strides[Rank];
};

/// A dense row-major memref of shape `sizes` over `data` (offset 0).
template <int Rank>
MemRef<Rank> denseMemRef(void *data, const int64_t (&sizes)[Rank]) {
  MemRef<Rank> m{data, data, 0, {}, {}};
  int64_t stride = 1;
  for (int d = Rank - 1; d >= 0; --d) {
    m.sizes[d] = sizes[d];
    m.strides[d] = stride;
    stride *= sizes[d];
  }
  return m;
}

#endif // GGEMM_EXAMPLES_AOT_MEMREFDESCRIPTOR_H
