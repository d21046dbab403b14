//===- CommandLine.h - the command line of ggemm's runtime tools -*- C++ -*-===//
//
// What gemm-run and ggemm-probe share of their command lines (header only:
// the runtime's tools build without LLVM, so they have no llvm::cl): the
// walk over argv with its usage errors, unsigned numbers and lists.
//
//===----------------------------------------------------------------------===//

#ifndef GGEMM_TOOLS_COMMON_COMMANDLINE_H
#define GGEMM_TOOLS_COMMON_COMMANDLINE_H

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <initializer_list>
#include <string>
#include <vector>

namespace ggemm::tools {

/// The fields of `text` between `separator`s, empty ones kept ("a,,b" has
/// three; text without a separator is one field).
inline std::vector<std::string> splitFields(const std::string &text,
                                            char separator) {
  std::vector<std::string> fields;
  for (size_t start = 0;;) {
    size_t at = text.find(separator, start);
    fields.push_back(text.substr(start, at - start));
    if (at == std::string::npos)
      return fields;
    start = at + 1;
  }
}

/// An unsigned integer (decimal, 0x hexadecimal or 0 octal) in [0, max],
/// the whole of `text`.
inline bool parseUnsigned(const std::string &text, uint64_t max,
                          uint64_t &out) {
  if (text.empty() || text[0] == '-')
    return false;
  errno = 0;
  char *end = nullptr;
  unsigned long long value = std::strtoull(text.c_str(), &end, 0);
  if (errno || *end != '\0' || value > max)
    return false;
  out = value;
  return true;
}

/// Walks argv[1..]: an argument not starting with "--" goes to
/// `positional`; a name in `flags` (which takes no value) to `flag`; a name
/// in `options` to `option` with its value, "--name value" or
/// "--name=value". Returns the first usage error (the handlers' own
/// included) or "".
inline std::string scanArguments(
    int argc, char **argv, std::initializer_list<const char *> flags,
    std::initializer_list<const char *> options,
    const std::function<std::string(const std::string &)> &positional,
    const std::function<void(const std::string &)> &flag,
    const std::function<std::string(const std::string &,
                                     const std::string &)> &option) {
  auto named = [](std::initializer_list<const char *> names,
                  const std::string &name) {
    return std::any_of(names.begin(), names.end(),
                       [&](const char *n) { return name == n; });
  };
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.rfind("--", 0) != 0) {
      if (std::string err = positional(arg); !err.empty())
        return err;
      continue;
    }
    std::string name = arg, value;
    bool inlineValue = false;
    if (size_t eq = arg.find('='); eq != std::string::npos) {
      name = arg.substr(0, eq);
      value = arg.substr(eq + 1);
      inlineValue = true;
    }
    if (named(flags, name)) {
      if (inlineValue)
        return name + " takes no value";
      flag(name);
      continue;
    }
    if (!named(options, name))
      return "unknown option " + name;
    if (!inlineValue) {
      if (i + 1 >= argc)
        return name + " needs a value";
      value = argv[++i];
    }
    if (std::string err = option(name, value); !err.empty())
      return err;
  }
  return "";
}

} // namespace ggemm::tools

#endif // GGEMM_TOOLS_COMMON_COMMANDLINE_H
