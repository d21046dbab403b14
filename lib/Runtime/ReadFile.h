//===- ReadFile.h - reading a whole input file, bounded ---------*- C++ -*-===//
//
// Private to the runtime: manifests and cubins are named from outside, so
// a path to a folder, a device or a huge file must be refused with a
// message rather than read until memory runs out.
//
//===----------------------------------------------------------------------===//

#ifndef GGEMM_LIB_RUNTIME_READFILE_H
#define GGEMM_LIB_RUNTIME_READFILE_H

#include <cstdint>
#include <string>

namespace ggemm::rt {

/// Reads the regular file `path` into `out` if it holds at most `maxBytes`.
/// `what` names the file in messages ("manifest", "cubin"). Returns "" or
/// a message that names the path.
std::string readFileBounded(const std::string &path, uint64_t maxBytes,
                            const char *what, std::string &out);

} // namespace ggemm::rt

#endif // GGEMM_LIB_RUNTIME_READFILE_H
