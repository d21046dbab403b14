//===- BufferizableOpInterfaceImpl.h - bufferization of ggemm ---*- C++ -*-===//
//
// The BufferizableOpInterface of the tensor form of ggemm.grouped_matmul, so
// that one-shot-bufferize turns it into the memref form.
//
//===----------------------------------------------------------------------===//

#ifndef GGEMM_DIALECT_BUFFERIZABLEOPINTERFACEIMPL_H
#define GGEMM_DIALECT_BUFFERIZABLEOPINTERFACEIMPL_H

namespace mlir {
class MLIRContext;

namespace ggemm {
/// Attaches the BufferizableOpInterface model to ggemm.grouped_matmul. The
/// dialect does so when it is loaded, so every host that loads it can
/// bufferize the tensor form.
void attachBufferizableOpInterface(MLIRContext *context);
} // namespace ggemm
} // namespace mlir

#endif // GGEMM_DIALECT_BUFFERIZABLEOPINTERFACEIMPL_H
