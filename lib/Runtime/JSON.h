//===- JSON.h - a small JSON reader for kernel manifests --------*- C++ -*-===//
//
// Reads RFC 8259 JSON into a value tree: just enough for the manifests that
// ggemm-pipeline writes. Private to the runtime, which must build without
// LLVM (llvm/Support/JSON.h) or any third-party library.
//
//===----------------------------------------------------------------------===//

#ifndef GGEMM_LIB_RUNTIME_JSON_H
#define GGEMM_LIB_RUNTIME_JSON_H

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace ggemm::rt::json {

/// One JSON value. Objects keep their members in file order (a manifest is
/// small, so lookup is a linear scan); a repeated key is a parse error.
struct Value {
  enum class Kind { Null, Bool, Number, String, Array, Object };

  Kind kind = Kind::Null;
  bool boolean = false;
  double number = 0;
  std::string string;
  std::vector<Value> array;
  std::vector<std::pair<std::string, Value>> object;

  /// The member `key` of an object, or null if absent or not an object.
  const Value *get(const std::string &key) const;
  /// True and `out` set if this is a number with an integral value that an
  /// int64_t holds exactly (manifest sizes are far below 2^53).
  bool getInteger(int64_t &out) const;
};

/// Short name of a kind for messages: "null", "a number", ...
const char *describe(Value::Kind kind);

/// Parses `text` (one value, surrounded only by whitespace) into `out`.
/// Returns "" or a message with the line and column of the error.
std::string parse(const std::string &text, Value &out);

} // namespace ggemm::rt::json

#endif // GGEMM_LIB_RUNTIME_JSON_H
