//===- ManifestReader.h - typed members of a manifest's objects -*- C++ -*-===//
//
// ObjectReader reads the typed members of one JSON object of a kernel
// manifest (Manifest.cpp), keeping the first error with the key path that
// caused it. Private to the runtime.
//
//===----------------------------------------------------------------------===//

#ifndef GGEMM_LIB_RUNTIME_MANIFESTREADER_H
#define GGEMM_LIB_RUNTIME_MANIFESTREADER_H

#include "JSON.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>

namespace ggemm::rt {

/// Reads typed members of one JSON object, keeping the first error. Each
/// message names the key path ("tensor_maps[3].box"), so a wrong manifest
/// is fixed without reading the runtime.
class ObjectReader {
public:
  using Value = json::Value;

  ObjectReader(const Value &object, std::string path, std::string &error)
      : object(object), path(std::move(path)), error(error) {}

  std::string keyPath(const char *key) const {
    return path.empty() ? std::string(key) : path + "." + key;
  }

  const Value *member(const char *key, bool required) {
    const Value *value = object.get(key);
    if (!value && required)
      fail("missing key \"" + keyPath(key) + "\"");
    return value;
  }

  bool fail(const std::string &message) {
    if (error.empty())
      error = "manifest: " + message;
    return false;
  }

  bool expectKind(const char *key, const Value &value, Value::Kind kind) {
    if (value.kind == kind)
      return true;
    return fail("\"" + keyPath(key) + "\" must be " + json::describe(kind) +
                ", not " + json::describe(value.kind));
  }

  bool getString(const char *key, std::string &out, bool required = true) {
    const Value *value = member(key, required);
    if (!value || !expectKind(key, *value, Value::Kind::String))
      return false;
    out = value->string;
    return true;
  }

  bool getBool(const char *key, bool &out, bool required = true) {
    const Value *value = member(key, required);
    if (!value || !expectKind(key, *value, Value::Kind::Bool))
      return false;
    out = value->boolean;
    return true;
  }

  bool getInteger(const char *key, int64_t &out, int64_t min, int64_t max,
                  bool required = true) {
    const Value *value = member(key, required);
    if (!value)
      return false;
    if (!value->getInteger(out) || out < min || out > max)
      return fail("\"" + keyPath(key) + "\" must be an integer in [" +
                  std::to_string(min) + ", " + std::to_string(max) + "]");
    return true;
  }

  /// An array of exactly `size` integers in [min, max].
  template <typename T, size_t N>
  bool getIntegers(const char *key, std::array<T, N> &out, int64_t min,
                   int64_t max, bool required = true) {
    const Value *value = member(key, required);
    if (!value)
      return false;
    std::string rule = "\"" + keyPath(key) + "\" must be an array of " +
                       std::to_string(N) + " integers in [" +
                       std::to_string(min) + ", " + std::to_string(max) + "]";
    if (value->kind != Value::Kind::Array || value->array.size() != N)
      return fail(rule);
    for (size_t i = 0; i < N; ++i) {
      int64_t x;
      if (!value->array[i].getInteger(x) || x < min || x > max)
        return fail(rule);
      out[i] = static_cast<T>(x);
    }
    return true;
  }

private:
  const Value &object;
  std::string path;
  std::string &error;
};

} // namespace ggemm::rt

#endif // GGEMM_LIB_RUNTIME_MANIFESTREADER_H
