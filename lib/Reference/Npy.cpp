//===- Npy.cpp - reading and writing .npy files ---------------------------===//
//
// The .npy v1.0 layout: magic "\x93NUMPY", version 1.0, a little-endian
// uint16 header length, then an ASCII Python dict padded with spaces and a
// newline so that the data starts at a multiple of 64 bytes.
//
//===----------------------------------------------------------------------===//

#include "ggemm/Reference/Npy.h"
#include "ggemm/Reference/NVFP4.h"

#include <cstring>
#include <fstream>
#include <sstream>

namespace ggemm::ref {

int64_t NpyArray::elementSize(const std::string &dtype) {
  if (dtype == "|u1" || dtype == "|i1")
    return 1;
  if (dtype == "<f2")
    return 2;
  if (dtype == "<f4" || dtype == "<i4")
    return 4;
  return 0;
}

int64_t NpyArray::numElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

std::string writeNpy(const std::string &path, const NpyArray &array) {
  if (!NpyArray::elementSize(array.dtype))
    return path + ": unsupported dtype " + array.dtype;
  if (int64_t(array.data.size()) !=
      array.numElements() * NpyArray::elementSize(array.dtype))
    return path + ": data size does not match shape";
  std::ostringstream dict;
  dict << "{'descr': '" << array.dtype << "', 'fortran_order': False, "
       << "'shape': (";
  for (int64_t d : array.shape)
    dict << d << ", ";
  dict << "), }";
  std::string header = dict.str();
  size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header.push_back('\n');
  std::ofstream out(path, std::ios::binary);
  if (!out)
    return "cannot open " + path + " for writing";
  uint16_t len = header.size();
  out.write("\x93NUMPY\x01\x00", 8);
  out.put(char(len & 0xFF));
  out.put(char(len >> 8));
  out << header;
  out.write(reinterpret_cast<const char *>(array.data.data()),
            array.data.size());
  return out ? "" : "write to " + path + " failed";
}

/// "0x8a": a byte as two hex digits, for messages.
static std::string hexByte(uint8_t byte) {
  const char *digits = "0123456789abcdef";
  return std::string("0x") + digits[byte >> 4] + digits[byte & 0xF];
}

/// Returns the text after `'key':` in a .npy header dict.
static std::string field(const std::string &dict, const std::string &key) {
  size_t pos = dict.find("'" + key + "'");
  if (pos == std::string::npos)
    return "";
  pos = dict.find(':', pos);
  return pos == std::string::npos ? "" : dict.substr(pos + 1);
}

std::string readNpy(const std::string &path, NpyArray &array) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return "cannot open " + path;
  char magic[8];
  if (!in.read(magic, 8) || std::string(magic, 6) != "\x93NUMPY")
    return path + " is not a .npy file";
  size_t len;
  if (magic[6] == 1) {
    unsigned char l[2];
    in.read(reinterpret_cast<char *>(l), 2);
    len = l[0] | (l[1] << 8);
  } else {
    unsigned char l[4];
    in.read(reinterpret_cast<char *>(l), 4);
    len = l[0] | (l[1] << 8) | (l[2] << 16) | (size_t(l[3]) << 24);
  }
  std::string dict(len, '\0');
  if (!in.read(dict.data(), len))
    return path + ": truncated header";

  std::string descr = field(dict, "descr");
  size_t q1 = descr.find('\''), q2 = descr.find('\'', q1 + 1);
  if (q1 == std::string::npos || q2 == std::string::npos)
    return path + ": no descr in header";
  array.dtype = descr.substr(q1 + 1, q2 - q1 - 1);
  if (array.dtype == "<u1" || array.dtype == "|b1")
    array.dtype = "|u1";
  if (!NpyArray::elementSize(array.dtype))
    return path + ": unsupported dtype " + array.dtype;
  if (field(dict, "fortran_order").find("False") != 0 &&
      field(dict, "fortran_order").find(" False") != 0)
    return path + ": Fortran order is not supported";

  std::string shape = field(dict, "shape");
  size_t open = shape.find('('), close = shape.find(')');
  if (open == std::string::npos || close == std::string::npos)
    return path + ": no shape in header";
  array.shape.clear();
  std::istringstream dims(shape.substr(open + 1, close - open - 1));
  std::string tok;
  while (std::getline(dims, tok, ','))
    if (tok.find_first_not_of(' ') != std::string::npos)
      array.shape.push_back(std::stoll(tok));

  array.data.resize(array.numElements() * NpyArray::elementSize(array.dtype));
  if (!in.read(reinterpret_cast<char *>(array.data.data()), array.data.size()))
    return path + ": truncated data";
  return "";
}

std::string readProblemNpy(const std::string &dir, std::vector<Shape> &shapes,
                           bool withAlpha, Problem &out) {
  out = Problem();
  out.hasAlpha = withAlpha;
  for (size_t g = 0; g < shapes.size(); ++g) {
    Shape &shape = shapes[g];
    auto read = [&](const char *name, int64_t rows, int64_t cols,
                    std::vector<uint8_t> &data) -> std::string {
      std::string path = dir + "/" + name + std::to_string(g) + ".npy";
      NpyArray array;
      if (std::string err = readNpy(path, array); !err.empty())
        return err;
      if (rows < 0 && array.shape.size() == 2)
        rows = shape.m = array.shape[0]; // contiguous M from the file
      if (array.dtype != "|u1" ||
          array.shape != std::vector<int64_t>{rows, cols})
        return path + ": expected uint8 of shape (" + std::to_string(rows) +
               ", " + std::to_string(cols) + ")";
      data = std::move(array.data);
      return "";
    };
    Group group;
    int64_t k = shape.k;
    // A first: in contiguous form it fixes M for SFA.
    if (std::string err = read("a", shape.m, k / 2, group.a); !err.empty())
      return err;
    for (std::string err : {read("sfa", shape.m, k / 16, group.sfa),
                            read("b", shape.n, k / 2, group.b),
                            read("sfb", shape.n, k / 16, group.sfb)})
      if (!err.empty())
        return err;
    // Scale bytes are UE4M3: targets read a set bit 7 differently (as a
    // sign, or not at all), so no check could say which result is right.
    for (auto [name, codes] :
         {std::pair{"sfa", &group.sfa}, std::pair{"sfb", &group.sfb}}) {
      int64_t cols = k / 16;
      for (size_t i = 0; i < codes->size(); ++i)
        if (!isUE4M3((*codes)[i]))
          return dir + "/" + name + std::to_string(g) + ".npy: scale byte " +
                 hexByte((*codes)[i]) + " at index (" +
                 std::to_string(int64_t(i) / cols) + ", " +
                 std::to_string(int64_t(i) % cols) +
                 ") has bit 7 set; scale factors are unsigned E4M3 (UE4M3)";
    }
    group.m = shape.m, group.n = shape.n, group.k = k;
    out.groups.push_back(std::move(group));
  }
  if (withAlpha) {
    NpyArray array;
    std::string path = dir + "/alpha.npy";
    if (std::string err = readNpy(path, array); !err.empty())
      return err;
    if (array.dtype != "<f4" || array.numElements() != int64_t(shapes.size()))
      return path + ": expected float32 with one value per group";
    for (size_t g = 0; g < shapes.size(); ++g)
      std::memcpy(&out.groups[g].alpha, &array.data[4 * g], 4);
  }
  return "";
}

std::string writeProblemNpy(const std::string &dir, const Problem &problem) {
  auto save = [&](const std::string &name, const char *dtype,
                  std::vector<int64_t> shape, const void *data, size_t bytes) {
    NpyArray array{dtype, std::move(shape), {}};
    array.data.assign(static_cast<const uint8_t *>(data),
                      static_cast<const uint8_t *>(data) + bytes);
    return writeNpy(dir + "/" + name, array);
  };
  std::vector<float> alphas;
  for (size_t g = 0; g < problem.groups.size(); ++g) {
    const Group &gr = problem.groups[g];
    std::string s = std::to_string(g);
    int64_t m = gr.m, n = gr.n, k = gr.k;
    for (const std::string &err :
         {save("a" + s + ".npy", "|u1", {m, k / 2}, gr.a.data(), gr.a.size()),
          save("b" + s + ".npy", "|u1", {n, k / 2}, gr.b.data(), gr.b.size()),
          save("sfa" + s + ".npy", "|u1", {m, k / 16}, gr.sfa.data(),
               gr.sfa.size()),
          save("sfb" + s + ".npy", "|u1", {n, k / 16}, gr.sfb.data(),
               gr.sfb.size())})
      if (!err.empty())
        return err;
    alphas.push_back(gr.alpha);
  }
  if (problem.hasAlpha)
    return save("alpha.npy", "<f4", {int64_t(alphas.size())}, alphas.data(),
                4 * alphas.size());
  return "";
}

} // namespace ggemm::ref
