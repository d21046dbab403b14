//===- ManifestTestUtil.h - manifest text for runtime unit tests -*- C++ -*-===//
//
// What the manifest tests share: a manifest parsed from text as if it lay
// in /kernels, a manifest text with one substring replaced (the test
// fails when the substring is not there, so a changed fixture cannot turn
// a test into a no-op), and the addresses of one operand set.
//
//===----------------------------------------------------------------------===//

#ifndef GGEMM_TEST_UNIT_MANIFESTTESTUTIL_H
#define GGEMM_TEST_UNIT_MANIFESTTESTUTIL_H

#include "ggemm/Runtime/Runtime.h"

#include <gtest/gtest.h>

#include <string>

namespace ggemm::test {

inline std::string replaced(std::string text, const std::string &from,
                            const std::string &to) {
  size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos)
    text.replace(at, from.size(), to);
  return text;
}

inline std::string parse(const std::string &text, rt::Manifest &out) {
  return rt::parseManifest(text, "/kernels", out);
}

/// One operand set (the one-buffer row layouts) at distinct addresses.
inline rt::Operands oneSet() {
  rt::Operands ops;
  ops.a = {0x10000};
  ops.b = {0x20000};
  ops.sfa = {0x30000};
  ops.sfb = {0x40000};
  ops.c = {0x50000};
  return ops;
}

} // namespace ggemm::test

#endif // GGEMM_TEST_UNIT_MANIFESTTESTUTIL_H
