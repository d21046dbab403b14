//===- GGemmDialect.cpp - ggemm dialect registration ----------------------===//
//
// Registers the ops and attributes of the `ggemm` dialect.
//
//===----------------------------------------------------------------------===//

#include "GGemm/GGemmDialect.h"
#include "GGemm/BufferizableOpInterfaceImpl.h"
#include "GGemm/GGemmOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::ggemm;

#include "GGemm/GGemmDialect.cpp.inc"
#include "GGemm/GGemmEnums.cpp.inc"
#define GET_ATTRDEF_CLASSES
#include "GGemm/GGemmAttrs.cpp.inc"
#define GET_TYPEDEF_CLASSES
#include "GGemm/GGemmTypes.cpp.inc"

void GGemmDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "GGemm/GGemmOps.cpp.inc"
      >();
  addAttributes<
#define GET_ATTRDEF_LIST
#include "GGemm/GGemmAttrs.cpp.inc"
      >();
  addTypes<
#define GET_TYPEDEF_LIST
#include "GGemm/GGemmTypes.cpp.inc"
      >();
  // The tensor form bufferizes wherever the dialect is loaded (gemm-opt,
  // the mlir-opt plugin, the C API's dialect handle, installed users).
  attachBufferizableOpInterface(getContext());
}
