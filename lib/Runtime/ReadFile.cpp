//===- ReadFile.cpp - reading a whole input file, bounded -----------------===//
//
// The file's size is known before anything is allocated: the bound is
// checked first, then exactly that many bytes are read.
//
//===----------------------------------------------------------------------===//

#include "ReadFile.h"

#include <filesystem>
#include <fstream>

namespace ggemm::rt {

std::string readFileBounded(const std::string &path, uint64_t maxBytes,
                            const char *what, std::string &out) {
  out.clear();
  std::error_code ec;
  std::filesystem::file_status status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status))
    return std::string("cannot open ") + what + " " + path;
  if (!std::filesystem::is_regular_file(status))
    return path + ": not a regular file";
  uintmax_t size = std::filesystem::file_size(path, ec);
  if (ec)
    return std::string("cannot open ") + what + " " + path;
  if (size > maxBytes)
    return path + ": " + std::to_string(size) + " bytes is too large for a " +
           what + " (at most " + std::to_string(maxBytes >> 20) + " MiB)";
  std::ifstream file(path, std::ios::binary);
  if (!file)
    return std::string("cannot open ") + what + " " + path;
  out.resize(size);
  if (!file.read(out.data(), std::streamsize(size)))
    return std::string("cannot read ") + what + " " + path;
  return "";
}

} // namespace ggemm::rt
