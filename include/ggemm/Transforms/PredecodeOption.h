//===- PredecodeOption.h - the `predecode` option of ggemm passes -*- C++ -*-===//
//
// ggemm-tile's and ggemm-pipeline's `predecode`: never, always, or where the
// cost model predicts it faster (docs/cost-model.md, "Choosing").
//
//===----------------------------------------------------------------------===//

#ifndef GGEMM_TRANSFORMS_PREDECODEOPTION_H
#define GGEMM_TRANSFORMS_PREDECODEOPTION_H

#include "llvm/Support/CommandLine.h"

namespace mlir::ggemm {

/// `auto` (chosen): the family then holds both kinds of every schedule.
enum class PredecodeMode { off, on, chosen };

/// The option's values: 0 or false, 1 or true, auto.
inline llvm::cl::ValuesClass predecodeModeValues() {
  return llvm::cl::values(
      clEnumValN(PredecodeMode::off, "0", "never"),
      clEnumValN(PredecodeMode::off, "false", "never"),
      clEnumValN(PredecodeMode::on, "1", "always"),
      clEnumValN(PredecodeMode::on, "true", "always"),
      clEnumValN(PredecodeMode::chosen, "auto",
                 "where the cost model predicts it faster"));
}

} // namespace mlir::ggemm

#endif // GGEMM_TRANSFORMS_PREDECODEOPTION_H
