//===- Lexer.cpp - PTX statements and tokens --------------------------------===//
//
// Splitting PTX text into statements (on ';', '{', '}' and labels, with
// comments removed and line numbers kept) and the token helpers of the
// parser: type names, integer literals, top-level splitting, special
// register names.
//
//===----------------------------------------------------------------------===//

#include "ParserImpl.h"

#include <cctype>
#include <cstdlib>
#include <cstring>

namespace ggemm::emu {
namespace ptx {

std::string trim(const std::string &s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace((unsigned char)s[b]))
    ++b;
  while (e > b && std::isspace((unsigned char)s[e - 1]))
    --e;
  return s.substr(b, e - b);
}

std::string collapse(const std::string &s) {
  std::string r;
  bool sp = false;
  for (char c : s) {
    if (std::isspace((unsigned char)c)) {
      sp = true;
      continue;
    }
    if (sp && !r.empty())
      r += ' ';
    sp = false;
    r += c;
  }
  return r;
}

bool isIdentChar(char c) {
  return std::isalnum((unsigned char)c) || c == '_' || c == '$' || c == '%';
}

bool startsWith(const std::string &s, const char *p) {
  return s.compare(0, std::strlen(p), p) == 0;
}

/// Appends src[i+1 ..] up to and including the brace that closes the one
/// already open (nested braces counted; newlines become spaces and are
/// counted in `line`); leaves i on the closing brace.
static void copyToMatchingBrace(const std::string &src, size_t &i,
                                std::string &cur, uint32_t &line) {
  size_t n = src.size();
  int d = 1;
  while (++i < n && d > 0) {
    if (src[i] == '{')
      ++d;
    else if (src[i] == '}')
      --d;
    if (src[i] == '\n') {
      ++line;
      cur += ' ';
    } else
      cur += src[i];
  }
  --i;
}

/// Splits the text into statements.
void lex(const std::string &src, std::vector<Stmt> &out) {
  std::string cur;
  uint32_t line = 1, curLine = 0;
  int initDepth = 0; // braces inside a data initializer
  size_t n = src.size();
  auto emit = [&](Stmt::Kind k) {
    std::string t = trim(cur);
    if (!t.empty() || k != Stmt::Plain) {
      Stmt s;
      s.text = t;
      s.line = curLine ? curLine : line;
      s.kind = k;
      out.push_back(s);
    }
    cur.clear();
    curLine = 0;
  };
  for (size_t i = 0; i < n; ++i) {
    char c = src[i];
    if (c == '/' && i + 1 < n && src[i + 1] == '/') {
      while (i < n && src[i] != '\n')
        ++i;
      --i;
      continue;
    }
    if (c == '/' && i + 1 < n && src[i + 1] == '*') {
      i += 2;
      while (i + 1 < n && !(src[i] == '*' && src[i + 1] == '/')) {
        if (src[i] == '\n')
          ++line;
        ++i;
      }
      ++i;
      continue;
    }
    if (c == '\n') {
      std::string t = trim(cur);
      if (startsWith(t, ".version") || startsWith(t, ".target") ||
          startsWith(t, ".address_size") || startsWith(t, ".file") ||
          startsWith(t, ".loc") || startsWith(t, ".pragma"))
        emit(Stmt::Plain);
      ++line;
      cur += ' ';
      continue;
    }
    if (!curLine && !std::isspace((unsigned char)c))
      curLine = line;
    if (initDepth > 0) {
      cur += c;
      if (c == '{')
        ++initDepth;
      else if (c == '}')
        --initDepth;
      continue;
    }
    if (c == ';') {
      emit(Stmt::Plain);
      continue;
    }
    if (c == '{') {
      std::string t = trim(cur);
      if (!t.empty() && (t.back() == '=' || t.back() == ',' ||
                         (t.find('[') != std::string::npos &&
                          t.find(']') == std::string::npos))) {
        // initializer or a vector operand inside an address
        cur += c;
        if (t.back() == '=')
          initDepth = 1;
        else // vector operand: copy to the matching brace
          copyToMatchingBrace(src, i, cur, line);
        continue;
      }
      if (!t.empty() && t.find('.') != std::string::npos &&
          (t[0] != '.' || startsWith(t, ".reg"))) {
        // an instruction operand vector: `mov.b32 {%rs3, %rs4}, %r55`
        cur += c;
        copyToMatchingBrace(src, i, cur, line);
        continue;
      }
      emit(Stmt::Plain);
      curLine = line;
      emit(Stmt::Open);
      continue;
    }
    if (c == '}') {
      emit(Stmt::Plain);
      curLine = line;
      emit(Stmt::Close);
      continue;
    }
    if (c == ':' && !(i + 1 < n && src[i + 1] == ':') &&
        !(i > 0 && src[i - 1] == ':')) {
      std::string t = trim(cur);
      bool ident = !t.empty();
      for (char d : t)
        if (!isIdentChar(d))
          ident = false;
      if (ident) {
        cur = t;
        emit(Stmt::Label);
        continue;
      }
    }
    cur += c;
  }
  emit(Stmt::Plain);
}

bool parseTypeName(const std::string &s, Ty &t) {
  static const struct {
    const char *n;
    uint8_t k, b;
  } tab[] = {{"b8", TB, 8},      {"b16", TB, 16},     {"b32", TB, 32},
             {"b64", TB, 64},    {"b128", TB, 128},   {"u8", TU, 8},
             {"u16", TU, 16},    {"u32", TU, 32},     {"u64", TU, 64},
             {"s8", TS, 8},      {"s16", TS, 16},     {"s32", TS, 32},
             {"s64", TS, 64},    {"f16", TF, 16},     {"f32", TF, 32},
             {"f64", TF, 64},    {"pred", TPred, 1},  {"f16x2", TF16x2, 32},
             {"bf16", TBF16, 16}, {"bf16x2", TBF16x2, 32},
             {"e4m3x2", TE4M3x2, 16}, {"e5m2x2", TE5M2x2, 16},
             {"e2m1x2", TE2M1x2, 8}, {"f32x2", TF32x2, 64}};
  for (auto &e : tab)
    if (s == e.n) {
      t.kind = e.k;
      t.bits = e.b;
      return true;
    }
  return false;
}

bool parseInt(const std::string &s0, int64_t &v) {
  std::string s = trim(s0);
  if (s.empty())
    return false;
  bool neg = false;
  size_t i = 0;
  if (s[0] == '-' || s[0] == '+') {
    neg = s[0] == '-';
    i = 1;
  }
  if (i >= s.size())
    return false;
  if (s.size() - i > 2 && s[i] == '0' && (s[i + 1] == 'f' || s[i + 1] == 'F') &&
      s.size() - i == 10) {
    v = (int64_t)std::strtoull(s.c_str() + i + 2, nullptr, 16);
    return true;
  }
  if (s.size() - i > 2 && s[i] == '0' && (s[i + 1] == 'd' || s[i + 1] == 'D') &&
      s.size() - i == 18) {
    v = (int64_t)std::strtoull(s.c_str() + i + 2, nullptr, 16);
    return true;
  }
  if (!std::isdigit((unsigned char)s[i]))
    return false;
  char *end = nullptr;
  uint64_t u;
  if (s.size() - i > 2 && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X'))
    u = std::strtoull(s.c_str() + i + 2, &end, 16);
  else if (s.size() - i > 1 && s[i] == '0' && std::isdigit((unsigned char)s[i + 1]))
    u = std::strtoull(s.c_str() + i, &end, 8);
  else
    u = std::strtoull(s.c_str() + i, &end, 10);
  if (*end == 'U' || *end == 'u')
    ++end;
  if (*end)
    return false;
  v = neg ? -(int64_t)u : (int64_t)u;
  return true;
}

std::vector<std::string> splitTop(const std::string &s, char sep) {
  std::vector<std::string> r;
  int d = 0;
  std::string cur;
  for (char c : s) {
    if (c == '{' || c == '[' || c == '(')
      ++d;
    else if (c == '}' || c == ']' || c == ')')
      --d;
    if (c == sep && d == 0) {
      r.push_back(trim(cur));
      cur.clear();
      continue;
    }
    cur += c;
  }
  if (!trim(cur).empty() || !r.empty())
    r.push_back(trim(cur));
  return r;
}

std::vector<std::string> splitDots(const std::string &s) {
  std::vector<std::string> r;
  std::string cur;
  for (char c : s) {
    if (c == '.') {
      r.push_back(cur);
      cur.clear();
    } else
      cur += c;
  }
  r.push_back(cur);
  return r;
}

const std::unordered_map<std::string, uint8_t> &specialRegs() {
  static const std::unordered_map<std::string, uint8_t> m = {
      {"%tid.x", SR_TidX},           {"%tid.y", SR_TidY},
      {"%tid.z", SR_TidZ},           {"%ntid.x", SR_NTidX},
      {"%ntid.y", SR_NTidY},         {"%ntid.z", SR_NTidZ},
      {"%ctaid.x", SR_CtaidX},       {"%ctaid.y", SR_CtaidY},
      {"%ctaid.z", SR_CtaidZ},       {"%nctaid.x", SR_NCtaidX},
      {"%nctaid.y", SR_NCtaidY},     {"%nctaid.z", SR_NCtaidZ},
      {"%laneid", SR_LaneId},        {"%warpid", SR_WarpId},
      {"%nwarpid", SR_NWarpId},      {"%smid", SR_SmId},
      {"%nsmid", SR_NSmId},          {"%clusterid.x", SR_ClusterIdX},
      {"%clusterid.y", SR_ClusterIdY}, {"%clusterid.z", SR_ClusterIdZ},
      {"%nclusterid.x", SR_NClusterIdX}, {"%nclusterid.y", SR_NClusterIdY},
      {"%nclusterid.z", SR_NClusterIdZ},
      {"%cluster_ctaid.x", SR_ClusterCtaIdX},
      {"%cluster_ctaid.y", SR_ClusterCtaIdY},
      {"%cluster_ctaid.z", SR_ClusterCtaIdZ},
      {"%cluster_nctaid.x", SR_ClusterNCtaIdX},
      {"%cluster_nctaid.y", SR_ClusterNCtaIdY},
      {"%cluster_nctaid.z", SR_ClusterNCtaIdZ},
      {"%cluster_ctarank", SR_ClusterCtaRank},
      {"%cluster_nctarank", SR_ClusterNCtaRank},
      {"%is_explicit_cluster", SR_IsExplicitCluster},
      {"%clock", SR_Clock},          {"%clock64", SR_Clock64},
      {"%globaltimer", SR_GlobalTimer}, {"%lanemask_eq", SR_LaneMaskEq},
      {"%lanemask_lt", SR_LaneMaskLt}, {"%lanemask_le", SR_LaneMaskLe},
      {"%lanemask_gt", SR_LaneMaskGt}, {"%lanemask_ge", SR_LaneMaskGe},
      {"%dynamic_smem_size", SR_DynSmemSize},
      {"%total_smem_size", SR_TotalSmemSize},
  };
  return m;
}

bool has(const std::vector<std::string> &m, const char *s) {
  for (auto &x : m)
    if (x == s)
      return true;
  return false;
}

} // namespace ptx
} // namespace ggemm::emu
