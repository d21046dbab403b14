//===- JSON.cpp - a small JSON reader for kernel manifests ----------------===//
//
// A recursive-descent parser over the RFC 8259 grammar, with a depth limit
// so that a hostile file cannot overflow the stack.
//
//===----------------------------------------------------------------------===//

#include "JSON.h"

#include <cmath>
#include <cstdlib>

namespace ggemm::rt::json {

const Value *Value::get(const std::string &key) const {
  if (kind != Kind::Object)
    return nullptr;
  for (const auto &member : object)
    if (member.first == key)
      return &member.second;
  return nullptr;
}

bool Value::getInteger(int64_t &out) const {
  // [-2^63, 2^63) keeps the cast defined (-2^63 is how a naive writer
  // spells MLIR's dynamic size).
  if (kind != Kind::Number || number != std::floor(number) ||
      number < -9223372036854775808.0 || number >= 9223372036854775808.0)
    return false;
  out = static_cast<int64_t>(number);
  return true;
}

const char *describe(Value::Kind kind) {
  switch (kind) {
  case Value::Kind::Null:
    return "null";
  case Value::Kind::Bool:
    return "a boolean";
  case Value::Kind::Number:
    return "a number";
  case Value::Kind::String:
    return "a string";
  case Value::Kind::Array:
    return "an array";
  case Value::Kind::Object:
    return "an object";
  }
  return "a value";
}

namespace {

class Parser {
public:
  explicit Parser(const std::string &text) : text(text) {}

  std::string parseDocument(Value &out) {
    skipSpace();
    if (!parseValue(out, 0))
      return error;
    skipSpace();
    if (pos != text.size())
      fail("trailing characters after the JSON value");
    return error;
  }

private:
  // Deeper nesting than any manifest needs; bounds the recursion.
  static constexpr int kMaxDepth = 64;

  const std::string &text;
  size_t pos = 0;
  std::string error;

  bool atEnd() const { return pos >= text.size(); }
  char peek() const { return atEnd() ? '\0' : text[pos]; }

  bool fail(const std::string &message) {
    if (!error.empty())
      return false;
    size_t line = 1, column = 1;
    for (size_t i = 0; i < pos && i < text.size(); ++i, ++column)
      if (text[i] == '\n')
        ++line, column = 0;
    error = "JSON line " + std::to_string(line) + ", column " +
            std::to_string(column) + ": " + message;
    return false;
  }

  void skipSpace() {
    while (!atEnd() && (text[pos] == ' ' || text[pos] == '\t' ||
                        text[pos] == '\n' || text[pos] == '\r'))
      ++pos;
  }

  bool expectWord(const char *word) {
    for (const char *c = word; *c; ++c, ++pos)
      if (peek() != *c)
        return fail(std::string("expected '") + word + "'");
    return true;
  }

  bool parseValue(Value &out, int depth) {
    if (depth > kMaxDepth)
      return fail("nesting deeper than " + std::to_string(kMaxDepth));
    switch (peek()) {
    case '{':
      return parseObject(out, depth);
    case '[':
      return parseArray(out, depth);
    case '"':
      out.kind = Value::Kind::String;
      return parseString(out.string);
    case 't':
      out.kind = Value::Kind::Bool;
      out.boolean = true;
      return expectWord("true");
    case 'f':
      out.kind = Value::Kind::Bool;
      out.boolean = false;
      return expectWord("false");
    case 'n':
      out.kind = Value::Kind::Null;
      return expectWord("null");
    default:
      if (peek() == '-' || (peek() >= '0' && peek() <= '9'))
        return parseNumber(out);
      return fail(atEnd() ? "unexpected end of input" : "unexpected character");
    }
  }

  bool parseObject(Value &out, int depth) {
    out.kind = Value::Kind::Object;
    ++pos; // '{'
    skipSpace();
    if (peek() == '}')
      return ++pos, true;
    while (true) {
      skipSpace();
      if (peek() != '"')
        return fail("expected a string key");
      std::string key;
      if (!parseString(key))
        return false;
      if (out.get(key))
        return fail("duplicate key \"" + key + "\"");
      skipSpace();
      if (peek() != ':')
        return fail("expected ':'");
      ++pos;
      skipSpace();
      Value member;
      if (!parseValue(member, depth + 1))
        return false;
      out.object.emplace_back(std::move(key), std::move(member));
      skipSpace();
      if (peek() == ',') {
        ++pos;
        continue;
      }
      if (peek() == '}')
        return ++pos, true;
      return fail("expected ',' or '}'");
    }
  }

  bool parseArray(Value &out, int depth) {
    out.kind = Value::Kind::Array;
    ++pos; // '['
    skipSpace();
    if (peek() == ']')
      return ++pos, true;
    while (true) {
      skipSpace();
      Value element;
      if (!parseValue(element, depth + 1))
        return false;
      out.array.push_back(std::move(element));
      skipSpace();
      if (peek() == ',') {
        ++pos;
        continue;
      }
      if (peek() == ']')
        return ++pos, true;
      return fail("expected ',' or ']'");
    }
  }

  /// Checks the number grammar itself (strtod alone would accept "0x1p3",
  /// "inf" or "+1"), then converts the validated characters.
  bool parseNumber(Value &out) {
    size_t begin = pos;
    auto digits = [&] {
      size_t start = pos;
      while (peek() >= '0' && peek() <= '9')
        ++pos;
      return pos > start;
    };
    if (peek() == '-')
      ++pos;
    if (peek() == '0')
      ++pos;
    else if (!digits())
      return fail("expected digits");
    if (peek() == '.') {
      ++pos;
      if (!digits())
        return fail("expected digits after '.'");
    }
    if (peek() == 'e' || peek() == 'E') {
      ++pos;
      if (peek() == '+' || peek() == '-')
        ++pos;
      if (!digits())
        return fail("expected exponent digits");
    }
    std::string literal = text.substr(begin, pos - begin);
    out.kind = Value::Kind::Number;
    out.number = std::strtod(literal.c_str(), nullptr);
    if (!std::isfinite(out.number))
      return fail("number out of range");
    return true;
  }

  static void appendUtf8(std::string &out, uint32_t cp) {
    if (cp < 0x80) {
      out += char(cp);
    } else if (cp < 0x800) {
      out += char(0xC0 | (cp >> 6));
      out += char(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += char(0xE0 | (cp >> 12));
      out += char(0x80 | ((cp >> 6) & 0x3F));
      out += char(0x80 | (cp & 0x3F));
    } else {
      out += char(0xF0 | (cp >> 18));
      out += char(0x80 | ((cp >> 12) & 0x3F));
      out += char(0x80 | ((cp >> 6) & 0x3F));
      out += char(0x80 | (cp & 0x3F));
    }
  }

  bool parseHex4(uint32_t &out) {
    out = 0;
    for (int i = 0; i < 4; ++i, ++pos) {
      char c = peek();
      uint32_t digit;
      if (c >= '0' && c <= '9')
        digit = c - '0';
      else if (c >= 'a' && c <= 'f')
        digit = c - 'a' + 10;
      else if (c >= 'A' && c <= 'F')
        digit = c - 'A' + 10;
      else
        return fail("expected 4 hex digits after \\u");
      out = out * 16 + digit;
    }
    return true;
  }

  bool parseString(std::string &out) {
    ++pos; // '"'
    while (true) {
      if (atEnd())
        return fail("unterminated string");
      char c = text[pos++];
      if (c == '"')
        return true;
      if (static_cast<unsigned char>(c) < 0x20)
        return fail("control character in string");
      if (c != '\\') {
        out += c;
        continue;
      }
      char escape = peek();
      ++pos;
      switch (escape) {
      case '"':
      case '\\':
      case '/':
        out += escape;
        break;
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 't':
        out += '\t';
        break;
      case 'u': {
        uint32_t cp;
        if (!parseHex4(cp))
          return false;
        // A high surrogate must be followed by an escaped low surrogate.
        if (cp >= 0xD800 && cp < 0xDC00) {
          uint32_t low;
          if (peek() != '\\' || (++pos, peek() != 'u'))
            return fail("unpaired surrogate in \\u escape");
          ++pos;
          if (!parseHex4(low))
            return false;
          if (low < 0xDC00 || low >= 0xE000)
            return fail("unpaired surrogate in \\u escape");
          cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
        } else if (cp >= 0xDC00 && cp < 0xE000) {
          return fail("unpaired surrogate in \\u escape");
        }
        appendUtf8(out, cp);
        break;
      }
      default:
        --pos;
        return fail("invalid escape");
      }
    }
  }
};

} // namespace

std::string parse(const std::string &text, Value &out) {
  out = Value();
  return Parser(text).parseDocument(out);
}

} // namespace ggemm::rt::json
