//===- DecodeTablesTest.cpp - the compiler's tables vs the reference ------===//
//
// convert-ggemm-to-loops decodes through tables built from llvm::APFloat;
// lib/Reference decodes from the bit fields. Every code must agree.
//
//===----------------------------------------------------------------------===//

#include "ggemm/Conversion/GGemmToLoops.h"
#include "ggemm/Reference/NVFP4.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace mlir;

static std::vector<float> table(ModuleOp module, StringRef name) {
  auto global = module.lookupSymbol<memref::GlobalOp>(name);
  EXPECT_TRUE(global) << name.str();
  auto values = cast<DenseElementsAttr>(*global.getInitialValue());
  return {values.getValues<float>().begin(), values.getValues<float>().end()};
}

TEST(DecodeTables, MatchReferenceForEveryCode) {
  MLIRContext ctx;
  ctx.loadDialect<memref::MemRefDialect>();
  OwningOpRef<ModuleOp> module = ModuleOp::create(UnknownLoc::get(&ctx));
  mlir::ggemm::addDecodeTables(*module);
  mlir::ggemm::addDecodeTables(*module); // idempotent

  std::vector<float> e2m1 = table(*module, mlir::ggemm::kE2M1TableName);
  ASSERT_EQ(e2m1.size(), 16u);
  for (int code = 0; code < 16; ++code) {
    double want = ::ggemm::ref::decodeE2M1(code);
    EXPECT_EQ(e2m1[code], want) << "e2m1 code " << code;
    EXPECT_EQ(std::signbit(e2m1[code]), std::signbit(want));
  }
  std::vector<float> e4m3 = table(*module, mlir::ggemm::kE4M3TableName);
  ASSERT_EQ(e4m3.size(), 256u);
  for (int code = 0; code < 256; ++code) {
    double want = ::ggemm::ref::decodeE4M3(code);
    if (std::isnan(want)) {
      EXPECT_TRUE(std::isnan(e4m3[code])) << "e4m3 code " << code;
      continue;
    }
    EXPECT_EQ(e4m3[code], want) << "e4m3 code " << code;
    EXPECT_EQ(std::signbit(e4m3[code]), std::signbit(want));
  }
  int globals = 0;
  module->walk([&](memref::GlobalOp) { ++globals; });
  EXPECT_EQ(globals, 2);
}
