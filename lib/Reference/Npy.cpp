//===- Npy.cpp - reading and writing .npy files ---------------------------===//
//
// The .npy v1.0 layout: magic "\x93NUMPY", version 1.0, a little-endian
// uint16 header length, then an ASCII Python dict padded with spaces and a
// newline so that the data starts at a multiple of 64 bytes.
//
//===----------------------------------------------------------------------===//

#include "ggemm/Reference/Npy.h"
#include "ggemm/Reference/NVFP4.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <tuple>

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
  // A read array's product was checked; a zero anywhere makes it empty
  // whatever the other dimensions hold.
  int64_t n = 1;
  for (int64_t d : shape)
    if (d == 0)
      return 0;
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

namespace {

/// The header dict of a .npy file: a Python literal with the keys 'descr'
/// (a string), 'fortran_order' (True or False) and 'shape' (a tuple of
/// non-negative integers). Parsed by a strict recursive descent, since the
/// file comes from outside: every malformed, negative, fractional or
/// overflowing entry is a message, never an exception or a wrapped value.
class HeaderParser {
public:
  explicit HeaderParser(const std::string &text) : text(text) {}

  /// Fills `dtype`, `fortran` and `shape`; returns "" or the problem.
  std::string parse(std::string &dtype, bool &fortran,
                    std::vector<int64_t> &shape) {
    bool haveDescr = false, haveOrder = false, haveShape = false;
    skipSpace();
    if (!eat('{'))
      return problem("the header is not a dict ('{' expected)");
    skipSpace();
    while (!eat('}')) {
      std::string key;
      if (!parseString(key))
        return problem("a quoted key expected");
      skipSpace();
      if (!eat(':'))
        return problem("':' expected after '" + key + "'");
      skipSpace();
      bool *seen = key == "descr"           ? &haveDescr
                   : key == "fortran_order" ? &haveOrder
                   : key == "shape"         ? &haveShape
                                            : nullptr;
      if (!seen)
        return problem("unexpected key '" + printable(key) + "'");
      if (*seen)
        return problem("key '" + key + "' given twice");
      *seen = true;
      std::string err = key == "descr"           ? parseDescr(dtype)
                        : key == "fortran_order" ? parseBool(fortran)
                                                 : parseShape(shape);
      if (!err.empty())
        return err;
      skipSpace();
      if (eat(','))
        skipSpace();
      else if (peek() != '}')
        return problem("',' or '}' expected");
    }
    skipSpace();
    if (pos != text.size())
      return problem("text after the header dict");
    if (!haveDescr || !haveOrder || !haveShape)
      return "the header lacks '" +
             std::string(!haveDescr   ? "descr"
                         : !haveOrder ? "fortran_order"
                                      : "shape") +
             "'";
    return "";
  }

private:
  const std::string &text;
  size_t pos = 0;

  char peek() const { return pos < text.size() ? text[pos] : '\0'; }
  bool eat(char c) {
    if (peek() != c)
      return false;
    ++pos;
    return true;
  }
  void skipSpace() {
    while (peek() == ' ' || peek() == '\n' || peek() == '\t' || peek() == '\r')
      ++pos;
  }
  std::string problem(const std::string &what) const {
    return "malformed header at byte " + std::to_string(pos) + ": " + what;
  }
  /// `raw` with anything but printable ASCII as '?', for messages.
  static std::string printable(std::string raw) {
    if (raw.size() > 40)
      raw = raw.substr(0, 40) + "...";
    for (char &c : raw)
      if (c < 0x20 || c > 0x7E)
        c = '?';
    return raw;
  }

  /// A Python string literal in ' or " quotes, without escapes (numpy
  /// writes none in the three keys and the dtypes read here).
  bool parseString(std::string &out) {
    char quote = peek();
    if (quote != '\'' && quote != '"')
      return false;
    size_t end = text.find(quote, pos + 1);
    if (end == std::string::npos || text.find('\\', pos + 1) < end)
      return false;
    out = text.substr(pos + 1, end - pos - 1);
    pos = end + 1;
    return true;
  }

  std::string parseDescr(std::string &dtype) {
    if (!parseString(dtype))
      return problem("'descr' must be a quoted dtype string");
    return "";
  }

  std::string parseBool(bool &out) {
    for (const char *word : {"True", "False"})
      if (text.compare(pos, std::strlen(word), word) == 0) {
        pos += std::strlen(word);
        out = word[0] == 'T';
        return "";
      }
    return problem("'fortran_order' must be True or False");
  }

  /// '(' [dim {',' dim} [',']] ')' with each dim a decimal integer.
  std::string parseShape(std::vector<int64_t> &shape) {
    shape.clear();
    if (!eat('('))
      return problem("'shape' must be a tuple");
    skipSpace();
    while (!eat(')')) {
      size_t begin = pos;
      while (std::isalnum(static_cast<unsigned char>(peek())) ||
             peek() == '-' || peek() == '+' || peek() == '.')
        ++pos;
      std::string token = text.substr(begin, pos - begin);
      int64_t value = 0;
      if (std::string err = parseDimension(token, value); !err.empty())
        return err;
      if (shape.size() == 32)
        return "the shape has more than 32 dimensions";
      shape.push_back(value);
      skipSpace();
      if (eat(','))
        skipSpace();
      else if (peek() != ')')
        return problem("',' or ')' expected in the shape");
    }
    return "";
  }

  std::string parseDimension(const std::string &token, int64_t &out) {
    if (token.empty())
      return problem("a shape dimension expected");
    std::string what = "shape dimension '" + printable(token) + "'";
    if (token[0] == '-')
      return what + " is negative";
    for (char c : token)
      if (c < '0' || c > '9')
        return what + " is not a non-negative integer";
    out = 0;
    for (char c : token) {
      if (out > (std::numeric_limits<int64_t>::max() - (c - '0')) / 10)
        return what + " does not fit in 64 bits";
      out = out * 10 + (c - '0');
    }
    return "";
  }
};


} // namespace

std::string shapeText(const std::vector<int64_t> &shape) {
  std::string text = "(";
  for (size_t i = 0; i < shape.size(); ++i)
    text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + (shape.size() == 1 ? ",)" : ")");
}

std::string readNpy(const std::string &path, NpyArray &array) {
  array = NpyArray();
  // The file size bounds every allocation below: the header and the data
  // are checked against it before anything is read into memory.
  std::error_code ec;
  std::filesystem::file_status status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status))
    return "cannot open " + path;
  if (!std::filesystem::is_regular_file(status))
    return path + ": not a regular file";
  uintmax_t fileSize = std::filesystem::file_size(path, ec);
  std::ifstream in(path, std::ios::binary);
  if (ec || !in)
    return "cannot open " + path;

  // Magic, version, header length: 10 bytes (v1) or 12 (v2, v3).
  unsigned char prefix[12] = {};
  size_t prefixBytes = std::min<uintmax_t>(fileSize, 12);
  if (!in.read(reinterpret_cast<char *>(prefix), prefixBytes) ||
      prefixBytes < 10 || std::memcmp(prefix, "\x93NUMPY", 6) != 0)
    return path + ": not a .npy file (no \\x93NUMPY magic)";
  int major = prefix[6], minor = prefix[7];
  if (major < 1 || major > 3)
    return path + ": .npy version " + std::to_string(major) + "." +
           std::to_string(minor) + " is not 1.0, 2.0 or 3.0";
  size_t headerStart = major == 1 ? 10 : 12;
  if (fileSize < headerStart)
    return path + ": truncated .npy prefix";
  uint64_t headerBytes =
      major == 1 ? uint64_t(prefix[8]) | uint64_t(prefix[9]) << 8
                 : uint64_t(prefix[8]) | uint64_t(prefix[9]) << 8 |
                       uint64_t(prefix[10]) << 16 | uint64_t(prefix[11]) << 24;
  if (headerBytes > fileSize - headerStart)
    return path + ": the header length " + std::to_string(headerBytes) +
           " runs past the end of the file (" + std::to_string(fileSize) +
           " bytes)";
  // numpy's own reader refuses headers past 10000 bytes by default; a
  // generous bound keeps a hostile length from costing memory.
  constexpr uint64_t kMaxHeaderBytes = 1 << 20;
  if (headerBytes > kMaxHeaderBytes)
    return path + ": the header length " + std::to_string(headerBytes) +
           " exceeds 1 MiB";
  std::string header(headerBytes, '\0');
  in.seekg(std::streamoff(headerStart));
  if (!in.read(header.data(), std::streamsize(headerBytes)))
    return path + ": cannot read the header";

  std::string dtype;
  bool fortran = false;
  std::vector<int64_t> shape;
  if (std::string err = HeaderParser(header).parse(dtype, fortran, shape);
      !err.empty())
    return path + ": " + err;
  if (dtype == "<u1" || dtype == "|b1")
    dtype = "|u1";
  int64_t elementSize = NpyArray::elementSize(dtype);
  if (!elementSize)
    return path + ": unsupported dtype '" + dtype +
           "' (reads |u1, |i1, <f2, <f4, <i4)";
  if (fortran)
    return path + ": Fortran order is not supported";

  // Elements and bytes, refusing any product that overflows: a huge
  // shape must fail here, not in the allocation.
  bool empty = false;
  for (int64_t d : shape)
    empty |= d == 0;
  uint64_t bytes = empty ? 0 : uint64_t(elementSize);
  for (int64_t d : shape)
    if (!empty) {
      if (bytes > std::numeric_limits<int64_t>::max() / uint64_t(d))
        return path + ": shape " + shapeText(shape) +
               " has more bytes than 64 bits count";
      bytes *= uint64_t(d);
    }
  uint64_t dataBytes = fileSize - headerStart - headerBytes;
  if (bytes != dataBytes)
    return path + ": shape " + shapeText(shape) + " of " + dtype + " needs " +
           std::to_string(bytes) + " data bytes; the file has " +
           std::to_string(dataBytes);

  array.dtype = dtype;
  array.shape = std::move(shape);
  array.data.resize(bytes);
  if (bytes && !in.read(reinterpret_cast<char *>(array.data.data()),
                        std::streamsize(bytes)))
    return path + ": cannot read the data";
  return "";
}

std::string readBytesNpy(const std::string &path, int64_t &rows, int64_t cols,
                         bool scales, std::vector<uint8_t> &out) {
  NpyArray array;
  if (std::string err = readNpy(path, array); !err.empty())
    return err;
  if (rows < 0 && array.shape.size() == 2 &&
      array.shape[0] <= std::numeric_limits<int32_t>::max())
    rows = array.shape[0];
  if (array.dtype != "|u1" || array.shape != std::vector<int64_t>{rows, cols})
    return path + ": expected uint8 of shape (" +
           (rows < 0 ? std::string("rows") : std::to_string(rows)) + ", " +
           std::to_string(cols) + "), found " + array.dtype + " of shape " +
           shapeText(array.shape);
  if (scales)
    for (size_t i = 0; i < array.data.size(); ++i)
      if (!isUE4M3(array.data[i]))
        return path + ": scale byte " + hexByte(array.data[i]) +
               " at index (" + std::to_string(int64_t(i) / cols) + ", " +
               std::to_string(int64_t(i) % cols) +
               ") has bit 7 set; scale factors are unsigned E4M3 (UE4M3)";
  out = std::move(array.data);
  return "";
}

std::string readProblemNpy(const std::string &dir, std::vector<Shape> &shapes,
                           bool withAlpha, Problem &out) {
  out = Problem();
  out.hasAlpha = withAlpha;
  for (size_t g = 0; g < shapes.size(); ++g) {
    Shape &shape = shapes[g];
    int64_t k = shape.k;
    if (k <= 0 || k % 16 != 0 || shape.n < 0 || shape.m < -1)
      return "group " + std::to_string(g) +
             ": no problem has M = " + std::to_string(shape.m) +
             ", N = " + std::to_string(shape.n) + ", K = " + std::to_string(k);
    // Reads DIR/<name><g>.npy as uint8 of shape (rows, cols); rows < 0
    // takes the file's rows as the group's M.
    auto read = [&](const char *name, int64_t rows, int64_t cols,
                    std::vector<uint8_t> &data) -> std::string {
      std::string path = dir + "/" + name + std::to_string(g) + ".npy";
      NpyArray array;
      if (std::string err = readNpy(path, array); !err.empty())
        return err;
      if (rows < 0 && array.shape.size() == 2) {
        if (array.shape[0] > std::numeric_limits<int32_t>::max())
          return path + ": " + std::to_string(array.shape[0]) +
                 " rows; a group has at most 2^31 - 1";
        rows = shape.m = array.shape[0]; // contiguous M from the file
      }
      if (array.dtype != "|u1" ||
          array.shape != std::vector<int64_t>{rows, cols})
        return path + ": expected uint8 of shape (" +
               (rows < 0 ? std::string("M") : std::to_string(rows)) + ", " +
               std::to_string(cols) + "), found " + array.dtype + " of shape " +
               shapeText(array.shape);
      data = std::move(array.data);
      return "";
    };
    Group group;
    // A first: in contiguous form it fixes M for SFA.
    for (auto [name, rows, cols, data] :
         {std::tuple{"a", &shape.m, k / 2, &group.a},
          std::tuple{"sfa", &shape.m, k / 16, &group.sfa},
          std::tuple{"b", &shape.n, k / 2, &group.b},
          std::tuple{"sfb", &shape.n, k / 16, &group.sfb}})
      if (std::string err = read(name, *rows, cols, *data); !err.empty())
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
    if (array.dtype != "<f4" ||
        array.shape != std::vector<int64_t>{int64_t(shapes.size())})
      return path + ": expected float32 of shape (" +
             std::to_string(shapes.size()) + ",), one value per group; found " +
             array.dtype + " of shape " + shapeText(array.shape);
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

/// DIR/group_offsets.npy or DIR/group_counts.npy.
static std::string groupRowsPath(const std::string &dir, RowLayout layout) {
  return dir + "/" + groupRowsArrayName(layout) + ".npy";
}

std::string readGroupRowsNpy(const std::string &dir, RowLayout layout,
                             int64_t groups, std::vector<int32_t> &array,
                             bool &found) {
  array.clear();
  found = false;
  if (layout == RowLayout::Contiguous)
    return "rows<contiguous> takes its group sizes from the a<g>.npy files";
  std::string path = groupRowsPath(dir, layout);
  std::error_code ec;
  if (!std::filesystem::exists(path, ec))
    return "";
  found = true;
  NpyArray file;
  if (std::string err = readNpy(path, file); !err.empty())
    return err;
  if (file.dtype != "<i4" || file.shape != std::vector<int64_t>{groups})
    return path + ": expected int32 of shape (" + std::to_string(groups) +
           ",), one entry per group; found " + file.dtype + " of shape " +
           shapeText(file.shape);
  array.resize(size_t(groups));
  if (groups > 0)
    std::memcpy(array.data(), file.data.data(), size_t(groups) * 4);
  return "";
}

std::string writeGroupRowsNpy(const std::string &dir, RowLayout layout,
                              const std::vector<int32_t> &array) {
  if (layout == RowLayout::Contiguous)
    return "rows<contiguous> keeps its group sizes in the a<g>.npy files";
  NpyArray file{"<i4", {int64_t(array.size())}, {}};
  file.data.resize(array.size() * 4);
  if (!array.empty())
    std::memcpy(file.data.data(), array.data(), file.data.size());
  return writeNpy(groupRowsPath(dir, layout), file);
}

} // namespace ggemm::ref
