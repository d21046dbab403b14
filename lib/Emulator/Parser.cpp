//===- Parser.cpp - PTX text -> decoded program ---------------------------===//
//
// A small recursive parser for the PTX subset that LLVM's NVPTX backend
// emits for ggemm kernels plus inline-asm scopes. Statements are split on
// ';', '{', '}' and labels; each instruction is decoded once into an Inst.
//
//===----------------------------------------------------------------------===//

#include "Program.h"

#include <cctype>
#include <cstdlib>
#include <cstring>
#include <unordered_map>

namespace ggemm::emu {
namespace {

struct Stmt {
  std::string text;
  uint32_t line = 0;
  enum Kind { Plain, Open, Close, Label } kind = Plain;
};

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
        else {
          // vector operand: copy to the matching brace
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
        continue;
      }
      if (!t.empty() && t.find('.') != std::string::npos &&
          (t[0] != '.' || startsWith(t, ".reg"))) {
        // an instruction operand vector: `mov.b32 {%rs3, %rs4}, %r55`
        int d = 1;
        cur += c;
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
             {"e2m1x2", TE2M1x2, 8}};
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

struct Scope {
  std::unordered_map<std::string, int32_t> regs;
  std::unordered_map<std::string, uint32_t> labels;
  struct Ref {
    uint32_t inst;
    int opd;
    std::string name;
    uint32_t line;
  };
  std::vector<Ref> refs;
  std::unordered_map<std::string, int> callParams;
};

class Parser {
public:
  Parser(const std::string &name, Module &m) : name(name), mod(m) {}
  std::string run(const std::string &text);

private:
  std::string err(uint32_t line, const std::string &msg) {
    return locate(name, line) + ": " + msg;
  }
  std::string parseData(const Stmt &s, bool inKernel);
  std::string parseEntry(const Stmt &s);
  std::string parseBody(const std::vector<Stmt> &st, size_t &i);
  std::string parseInst(const Stmt &s);
  std::string parseOperand(const std::string &tok, Inst &in, Operand &o,
                           uint32_t line, bool labelOk, int opdIndex);
  int32_t lookupReg(const std::string &n) {
    for (size_t i = scopes.size(); i-- > 0;) {
      auto it = scopes[i].regs.find(n);
      if (it != scopes[i].regs.end())
        return it->second;
    }
    return -1;
  }
  bool isCallParam(const std::string &n) {
    for (size_t i = scopes.size(); i-- > 0;)
      if (scopes[i].callParams.count(n))
        return true;
    return false;
  }
  int findSymbol(const std::string &n, bool &shared) {
    for (size_t i = 0; i < k->syms.size(); ++i)
      if (k->syms[i].name == n) {
        shared = true;
        return (int)i;
      }
    for (size_t i = 0; i < mod.globals.size(); ++i)
      if (mod.globals[i].name == n) {
        shared = false;
        return (int)i;
      }
    return -1;
  }
  std::string closeScope(uint32_t line);

  std::string name;
  Module &mod;
  Kernel *k = nullptr;
  std::vector<Scope> scopes;
  std::unordered_map<std::string, uint32_t> params; // name -> offset
};

std::string Parser::run(const std::string &text) {
  std::vector<Stmt> st;
  lex(text, st);
  mod.name = name;
  for (size_t i = 0; i < st.size(); ++i) {
    const Stmt &s = st[i];
    if (s.kind == Stmt::Label)
      return err(s.line, "label outside a function");
    if (s.kind == Stmt::Close)
      return err(s.line, "unbalanced '}'");
    if (s.kind == Stmt::Open)
      return err(s.line, "unexpected '{'");
    const std::string &t = s.text;
    if (t.empty() || startsWith(t, ".version") || startsWith(t, ".target") ||
        startsWith(t, ".address_size") || startsWith(t, ".file") ||
        startsWith(t, ".loc") || startsWith(t, ".pragma"))
      continue;
    if (startsWith(t, ".extern .func") || startsWith(t, ".weak .func"))
      continue; // declarations of called functions (__assertfail)
    if (t.find(".entry") != std::string::npos) {
      if (auto e = parseEntry(s); !e.empty())
        return e;
      if (i + 1 >= st.size() || st[i + 1].kind != Stmt::Open)
        return err(s.line, "expected '{' after the kernel header");
      i += 2;
      if (auto e = parseBody(st, i); !e.empty())
        return e;
      continue;
    }
    if (t.find(".func") != std::string::npos)
      return err(s.line, "device functions (.func) are not supported");
    if (startsWith(t, ".global") || startsWith(t, ".const") ||
        startsWith(t, ".visible .global") || startsWith(t, ".visible .const") ||
        startsWith(t, ".extern .global")) {
      if (auto e = parseData(s, false); !e.empty())
        return e;
      continue;
    }
    return err(s.line, "unknown directive '" + collapse(t).substr(0, 40) + "'");
  }
  return "";
}

std::string Parser::parseData(const Stmt &s, bool inKernel) {
  // [.visible|.extern] .space [.align N] .type name[[N]] [= {..}|= v]
  std::string t = s.text;
  std::string init;
  size_t eq = t.find('=');
  if (eq != std::string::npos) {
    init = trim(t.substr(eq + 1));
    t = t.substr(0, eq);
  }
  std::vector<std::string> toks;
  {
    std::string cur;
    for (char c : t) {
      if (std::isspace((unsigned char)c)) {
        if (!cur.empty())
          toks.push_back(cur);
        cur.clear();
      } else
        cur += c;
    }
    if (!cur.empty())
      toks.push_back(cur);
  }
  Symbol sym;
  Ty ty;
  bool isExtern = false, haveType = false;
  std::string decl;
  for (size_t i = 0; i < toks.size(); ++i) {
    const std::string &w = toks[i];
    if (w == ".extern")
      isExtern = true;
    else if (w == ".visible" || w == ".weak" || w == ".common")
      ;
    else if (w == ".global" || w == ".const")
      sym.space = SymSpace::Global;
    else if (w == ".shared")
      sym.space = SymSpace::Shared;
    else if (w == ".align" && i + 1 < toks.size()) {
      int64_t a;
      if (!parseInt(toks[++i], a))
        return err(s.line, "bad .align");
      sym.align = (uint32_t)a;
    } else if (w[0] == '.' && parseTypeName(w.substr(1), ty))
      haveType = true;
    else if (w[0] == '.')
      return err(s.line, "unsupported data directive '" + w + "'");
    else
      decl += w;
  }
  if (!haveType || decl.empty())
    return err(s.line, "malformed data declaration");
  uint32_t esz = ty.bits == 1 ? 1 : ty.bits / 8;
  uint64_t count = 1;
  size_t br = decl.find('[');
  sym.name = decl.substr(0, br);
  bool unsized = false;
  while (br != std::string::npos) {
    size_t e = decl.find(']', br);
    if (e == std::string::npos)
      return err(s.line, "malformed array");
    std::string n = decl.substr(br + 1, e - br - 1);
    int64_t v;
    if (n.empty())
      unsized = true;
    else if (!parseInt(n, v))
      return err(s.line, "bad array size");
    else
      count *= (uint64_t)v;
    br = decl.find('[', e);
  }
  sym.size = unsized ? 0 : count * esz;
  if (sym.space == SymSpace::Shared) {
    if (!inKernel)
      return err(s.line, "module-level .shared variables are not supported");
    sym.dynamic = unsized || isExtern ||
                  startsWith(sym.name, "__dynamic_shmem");
    if (sym.dynamic)
      sym.size = 0;
    k->syms.push_back(sym);
    return "";
  }
  if (inKernel)
    return err(s.line, "kernel-local .global/.const data is not supported");
  sym.init.assign(sym.size ? sym.size : 1, 0);
  if (!init.empty()) {
    std::string body = init;
    if (body[0] == '{') {
      body = body.substr(1);
      size_t e = body.rfind('}');
      body = body.substr(0, e);
    }
    // nested braces of multi-dimensional arrays: flatten
    for (char &c : body)
      if (c == '{' || c == '}')
        c = ' ';
    std::vector<std::string> vals = splitTop(body, ',');
    size_t idx = 0;
    for (auto &v : vals) {
      if (v.empty())
        continue;
      int64_t x;
      if (!parseInt(v, x))
        return err(s.line, "unsupported initializer '" + v + "'");
      if ((idx + 1) * esz > sym.init.size())
        return err(s.line, "too many initializers");
      std::memcpy(&sym.init[idx * esz], &x, esz);
      ++idx;
    }
  }
  mod.globals.push_back(sym);
  return "";
}

std::string Parser::parseEntry(const Stmt &s) {
  const std::string &t = s.text;
  size_t e = t.find(".entry");
  size_t lp = t.find('(', e);
  std::string nm = trim(t.substr(e + 6, (lp == std::string::npos ? t.size() : lp) - e - 6));
  // strip trailing directives if no params
  size_t sp = nm.find_first_of(" \t");
  if (sp != std::string::npos)
    nm = nm.substr(0, sp);
  mod.kernels.emplace_back();
  k = &mod.kernels.back();
  k->name = nm;
  params.clear();
  if (lp != std::string::npos) {
    size_t rp = t.find(')', lp);
    if (rp == std::string::npos)
      return err(s.line, "malformed parameter list");
    std::string plist = t.substr(lp + 1, rp - lp - 1);
    uint32_t off = 0;
    for (auto &p : splitTop(plist, ',')) {
      if (p.empty())
        continue;
      std::vector<std::string> w;
      std::string cur;
      for (char c : p) {
        if (std::isspace((unsigned char)c)) {
          if (!cur.empty())
            w.push_back(cur);
          cur.clear();
        } else
          cur += c;
      }
      if (!cur.empty())
        w.push_back(cur);
      uint32_t size = 0, align = 0;
      std::string pname;
      for (size_t i = 0; i < w.size(); ++i) {
        Ty ty;
        if (w[i] == ".align" && i + 1 < w.size()) {
          int64_t a;
          parseInt(w[++i], a);
          align = (uint32_t)a;
        } else if (w[i][0] == '.' && parseTypeName(w[i].substr(1), ty)) {
          size = ty.bits / 8;
        } else if (w[i][0] != '.')
          pname = w[i];
      }
      uint64_t count = 1;
      size_t br = pname.find('[');
      if (br != std::string::npos) {
        int64_t c;
        if (!parseInt(pname.substr(br + 1, pname.find(']') - br - 1), c))
          return err(s.line, "bad parameter array");
        count = (uint64_t)c;
        pname = pname.substr(0, br);
      }
      if (!size || pname.empty())
        return err(s.line, "malformed parameter '" + p + "'");
      // Kernel parameters of a .ptr .align 1 u64 still sit at their natural
      // alignment in the param buffer (cuLaunchKernel packs them so).
      uint32_t al = size;
      if (align > al && br != std::string::npos)
        al = align;
      off = (off + al - 1) / al * al;
      params[pname] = off;
      k->paramOffsets.push_back(off);
      k->paramBytes.push_back(size * (uint32_t)count);
      off += size * (uint32_t)count;
    }
    k->paramTotal = off;
  }
  return "";
}

std::string Parser::closeScope(uint32_t line) {
  Scope sc = std::move(scopes.back());
  scopes.pop_back();
  for (auto &r : sc.refs) {
    auto it = sc.labels.find(r.name);
    if (it != sc.labels.end()) {
      k->code[r.inst].o[r.opd].imm = it->second;
      continue;
    }
    if (scopes.empty())
      return err(r.line, "undefined label '" + r.name + "'");
    scopes.back().refs.push_back(r);
  }
  (void)line;
  return "";
}

std::string Parser::parseBody(const std::vector<Stmt> &st, size_t &i) {
  scopes.clear();
  scopes.emplace_back();
  for (; i < st.size(); ++i) {
    const Stmt &s = st[i];
    if (s.kind == Stmt::Open) {
      scopes.emplace_back();
      continue;
    }
    if (s.kind == Stmt::Close) {
      if (auto e = closeScope(s.line); !e.empty())
        return e;
      if (scopes.empty()) {
        // end of the kernel: make falling off the end an exit
        Inst x;
        x.op = Op::Exit;
        x.line = s.line;
        x.text = "}";
        k->code.push_back(x);
        uint32_t total = 0;
        for (auto &sym : k->syms)
          if (!sym.dynamic) {
            total = (total + sym.align - 1) / sym.align * sym.align;
            sym.address = total;
            total += (uint32_t)sym.size;
          }
        k->staticShared = total;
        return "";
      }
      continue;
    }
    if (s.kind == Stmt::Label) {
      scopes.back().labels[s.text] = (uint32_t)k->code.size();
      continue;
    }
    const std::string &t = s.text;
    if (t.empty())
      continue;
    if (startsWith(t, ".reg")) {
      std::string rest = trim(t.substr(4));
      size_t sp = rest.find_first_of(" \t");
      Ty ty;
      if (rest.empty() || rest[0] != '.' || sp == std::string::npos ||
          !parseTypeName(rest.substr(1, sp - 1), ty)) {
        // .reg .v2 etc. not supported
        return err(s.line, "unsupported register declaration");
      }
      for (auto &nm : splitTop(rest.substr(sp), ',')) {
        size_t lt = nm.find('<');
        if (lt != std::string::npos) {
          int64_t cnt;
          if (!parseInt(nm.substr(lt + 1, nm.find('>') - lt - 1), cnt))
            return err(s.line, "bad register count");
          std::string base = nm.substr(0, lt);
          for (int64_t r = 0; r < cnt; ++r) {
            scopes.back().regs[base + std::to_string(r)] = (int32_t)k->numSlots++;
            k->slotBits.push_back(ty.bits);
          }
        } else {
          scopes.back().regs[nm] = (int32_t)k->numSlots++;
          k->slotBits.push_back(ty.bits);
        }
      }
      continue;
    }
    if (startsWith(t, ".shared") || startsWith(t, ".extern .shared")) {
      if (auto e = parseData(s, true); !e.empty())
        return e;
      continue;
    }
    if (startsWith(t, ".param")) { // call-site parameters
      std::string nm = t.substr(t.find_last_of(" \t") + 1);
      size_t br = nm.find('[');
      if (br != std::string::npos)
        nm = nm.substr(0, br);
      scopes.back().callParams[nm] = 1;
      continue;
    }
    if (startsWith(t, ".local"))
      return err(s.line, "local memory (.local) is not supported");
    if (t[0] == '.') {
      if (startsWith(t, ".pragma") || startsWith(t, ".loc"))
        continue;
      return err(s.line, "unsupported directive '" + collapse(t).substr(0, 40) + "'");
    }
    if (auto e = parseInst(s); !e.empty())
      return e;
  }
  return err(st.empty() ? 0 : st.back().line, "unterminated kernel body");
}

std::string Parser::parseOperand(const std::string &tok0, Inst &in, Operand &o,
                                 uint32_t line, bool labelOk, int opdIndex) {
  std::string tok = trim(tok0);
  if (tok.empty())
    return err(line, "empty operand");
  if (tok[0] == '[') {
    if (tok.back() != ']')
      return err(line, "malformed address '" + tok + "'");
    std::string inner = trim(tok.substr(1, tok.size() - 2));
    o.kind = OpdKind::Addr;
    std::vector<std::string> parts = splitTop(inner, ',');
    if (parts.size() == 2) {
      // [tensorMap, {c0, c1, ..}]
      Operand v;
      if (auto e = parseOperand(parts[1], in, v, line, false, opdIndex); !e.empty())
        return e;
      if (v.kind != OpdKind::Vec)
        return err(line, "expected a coordinate vector in '" + tok + "'");
      o.vec2 = (int32_t)v.vec;
      o.vec2Count = v.count;
      inner = parts[0];
    } else if (parts.size() != 1)
      return err(line, "malformed address '" + tok + "'");
    // base [+|- offset]
    std::string base = inner, off;
    size_t plus = inner.find_first_of("+-", 1);
    if (plus != std::string::npos) {
      base = trim(inner.substr(0, plus));
      off = trim(inner.substr(plus));
      if (off[0] == '+')
        off = trim(off.substr(1));
    }
    int64_t offv = 0;
    if (!off.empty() && !parseInt(off, offv))
      return err(line, "bad address offset in '" + tok + "'");
    int64_t v;
    if (parseInt(base, v)) {
      o.imm = v + offv;
      return "";
    }
    o.imm = offv;
    if (base[0] == '%') {
      o.reg = lookupReg(base);
      if (o.reg < 0)
        return err(line, "unknown register '" + base + "'");
      return "";
    }
    auto pit = params.find(base);
    if (pit != params.end()) {
      o.imm += pit->second;
      o.sym = -100; // kernel parameter
      return "";
    }
    if (isCallParam(base)) {
      o.sym = -101; // call-site parameter
      return "";
    }
    bool shared;
    int si = findSymbol(base, shared);
    if (si < 0)
      return err(line, "unknown symbol '" + base + "'");
    o.sym = (int16_t)(shared ? -2 - si : si);
    return "";
  }
  if (tok[0] == '{') {
    size_t e = tok.rfind('}');
    std::string inner = tok.substr(1, e - 1);
    o.kind = OpdKind::Vec;
    o.vec = (uint32_t)in.vec.size();
    for (auto &r : splitTop(inner, ',')) {
      if (r == "_") {
        in.vec.push_back(-1);
        continue;
      }
      int32_t slot = lookupReg(r);
      if (slot < 0)
        return err(line, "unknown register '" + r + "' in a vector");
      in.vec.push_back(slot);
    }
    o.count = (uint8_t)(in.vec.size() - o.vec);
    return "";
  }
  if (tok == "_") {
    o.kind = OpdKind::None; // sink
    return "";
  }
  int64_t v;
  if (parseInt(tok, v)) {
    o.kind = OpdKind::Imm;
    o.imm = v;
    return "";
  }
  if (tok[0] == '%' || std::isalpha((unsigned char)tok[0]) || tok[0] == '_' ||
      tok[0] == '$') {
    int32_t slot = lookupReg(tok);
    if (slot >= 0) {
      o.kind = OpdKind::Reg;
      o.reg = slot;
      return "";
    }
    auto &sp = specialRegs();
    auto it = sp.find(tok);
    if (it != sp.end()) {
      o.kind = OpdKind::Special;
      o.imm = it->second;
      return "";
    }
    if (tok[0] == '%')
      return err(line, "unknown register '" + tok + "'");
    if (labelOk) {
      o.kind = OpdKind::Label;
      scopes.back().refs.push_back(
          {(uint32_t)k->code.size() - 1, opdIndex, tok, line});
      return "";
    }
    bool shared;
    int si = findSymbol(tok, shared);
    if (si >= 0) {
      o.kind = OpdKind::Imm;
      o.sym = (int16_t)(shared ? -2 - si : si);
      return "";
    }
    return err(line, "unknown operand '" + tok + "'");
  }
  return err(line, "malformed operand '" + tok + "'");
}

bool has(const std::vector<std::string> &m, const char *s) {
  for (auto &x : m)
    if (x == s)
      return true;
  return false;
}

std::string Parser::parseInst(const Stmt &s) {
  Inst in;
  in.line = s.line;
  in.text = collapse(s.text);
  std::string t = in.text;
  if (t[0] == '@') {
    size_t sp = t.find(' ');
    if (sp == std::string::npos)
      return err(s.line, "malformed guard");
    std::string g = t.substr(1, sp - 1);
    if (g[0] == '!') {
      in.guardNeg = 1;
      g = g.substr(1);
    }
    in.guard = lookupReg(g);
    if (in.guard < 0)
      return err(s.line, "unknown predicate '" + g + "'");
    t = trim(t.substr(sp + 1));
  }
  size_t sp = t.find(' ');
  std::string opc = sp == std::string::npos ? t : t.substr(0, sp);
  std::string rest = sp == std::string::npos ? "" : trim(t.substr(sp + 1));
  std::vector<std::string> parts = splitDots(opc);
  std::string base = parts[0];
  std::vector<std::string> mods;
  std::vector<Ty> types;
  for (size_t i = 1; i < parts.size(); ++i) {
    Ty ty;
    if (parseTypeName(parts[i], ty))
      types.push_back(ty);
    else
      mods.push_back(parts[i]);
  }
  if (!types.empty())
    in.type = types[0];
  if (types.size() > 1)
    in.type2 = types[1];
  auto unknown = [&]() {
    return err(s.line, "unknown instruction '" + opc + "'");
  };
  auto modHas = [&](const char *x) { return has(mods, x); };
  auto spaceOf = [&](Space &sp) {
    sp = Space::Generic;
    for (auto &m : mods) {
      if (m == "global")
        sp = Space::Global;
      else if (m == "shared" || m == "shared::cta")
        sp = Space::Shared;
      else if (m == "shared::cluster")
        sp = Space::SharedCluster;
      else if (m == "param")
        sp = Space::Param;
      else if (m == "const")
        sp = Space::Const;
      else if (m == "local")
        sp = Space::Local;
    }
  };
  bool labelOps = false;
  // --- decode the opcode
  if (base == "mov") {
    in.op = Op::Mov;
    if (rest.size() && rest[0] == '{')
      in.op = Op::MovUnpack;
    else if (rest.find('{') != std::string::npos)
      in.op = Op::MovPack;
  } else if (base == "add" || base == "sub" || base == "min" ||
             base == "max" || base == "neg" || base == "abs" ||
             base == "and" || base == "or" || base == "xor" ||
             base == "not" || base == "shl" || base == "shr" ||
             base == "bfe" || base == "bfi" || base == "selp" ||
             base == "div" || base == "rem" || base == "popc" ||
             base == "clz" || base == "brev" || base == "prmt") {
    static const std::pair<const char *, Op> tab[] = {
        {"add", Op::Add}, {"sub", Op::Sub}, {"min", Op::Min},
        {"max", Op::Max}, {"neg", Op::Neg}, {"abs", Op::Abs},
        {"and", Op::And}, {"or", Op::Or},   {"xor", Op::Xor},
        {"not", Op::Not}, {"shl", Op::Shl}, {"shr", Op::Shr},
        {"bfe", Op::Bfe}, {"bfi", Op::Bfi}, {"selp", Op::Selp},
        {"div", Op::Div}, {"rem", Op::Rem}, {"popc", Op::Popc},
        {"clz", Op::Clz}, {"brev", Op::Brev}, {"prmt", Op::Prmt}};
    for (auto &e : tab)
      if (base == e.first)
        in.op = e.second;
    if (modHas("ftz"))
      in.flags |= F_Ftz;
    if (modHas("sat") || modHas("cc") || modHas("relu"))
      return unknown();
    if (in.op == Op::Prmt) {
      static const char *pm[] = {"f4e", "b4e", "rc8", "ecl", "ecr", "rc16"};
      for (int i = 0; i < 6; ++i)
        if (modHas(pm[i]))
          in.cmp = (uint8_t)(i + 1);
    }
    if ((in.type.kind == TF || in.type.kind == TF16x2) &&
        (in.op == Op::And || in.op == Op::Or || in.op == Op::Xor))
      return unknown();
  } else if (base == "mul" || base == "mad" || base == "fma") {
    bool wide = modHas("wide"), hi = modHas("hi");
    if (base == "mul")
      in.op = wide ? Op::MulWide : hi ? Op::MulHi : Op::Mul;
    else if (base == "mad")
      in.op = wide ? Op::MadWide : hi ? Op::MadHi : Op::Mad;
    else
      in.op = Op::Fma;
    if (modHas("ftz"))
      in.flags |= F_Ftz;
    if (modHas("sat") || modHas("cc") || modHas("rz") || modHas("rm") ||
        modHas("rp"))
      return unknown();
    if (base == "mad" && in.type.kind == TF)
      in.op = Op::Fma;
  } else if (base == "setp") {
    in.op = Op::Setp;
    static const char *cn[] = {"eq", "ne", "lt", "le", "gt", "ge", "lo", "ls",
                               "hi", "hs", "equ", "neu", "ltu", "leu", "gtu",
                               "geu", "num", "nan"};
    bool found = false;
    for (int i = 0; i < 18; ++i)
      if (modHas(cn[i])) {
        in.cmp = (uint8_t)i;
        found = true;
      }
    if (!found || modHas("and") || modHas("or") || modHas("xor"))
      return unknown();
    if (modHas("ftz"))
      in.flags |= F_Ftz;
  } else if (base == "cvt") {
    in.op = Op::Cvt;
    if (types.size() != 2)
      return unknown();
    for (auto &m : mods) {
      if (m == "sat")
        in.flags |= F_Sat;
      else if (m == "ftz")
        in.flags |= F_Ftz;
      else if (m == "rn" || m == "rz" || m == "rm" || m == "rp" ||
               m == "rni" || m == "rzi" || m == "rmi" || m == "rpi") {
        in.flags |= F_CvtRound;
        static const char *rn[] = {"rn", "rz", "rm", "rp",
                                   "rni", "rzi", "rmi", "rpi"};
        for (int i = 0; i < 8; ++i)
          if (m == rn[i])
            in.cmp = (uint8_t)i;
      } else if (m == "relu" || m == "satfinite")
        return unknown();
    }
  } else if (base == "cvta") {
    in.op = modHas("to") ? Op::CvtaTo : Op::Cvta;
    spaceOf(in.space);
  } else if (base == "ld" || base == "st") {
    in.op = base == "ld" ? Op::Ld : Op::St;
    spaceOf(in.space);
    if (modHas("v2"))
      in.vecN = 2;
    if (modHas("v4"))
      in.vecN = 4;
    if (modHas("v8"))
      in.vecN = 8;
    for (auto &m : mods)
      if (m == "nc" || m == "ca" || m == "cg" || m == "cs" || m == "lu" ||
          m == "cv" || m == "wb" || m == "wt" || m == "v2" || m == "v4" ||
          m == "v8" || m == "global" || m == "shared" || m == "shared::cta" ||
          m == "shared::cluster" || m == "param" || m == "const" ||
          m == "acquire" || m == "relaxed" || m == "release" ||
          m == "volatile" || m == "weak" || m == "gpu" || m == "cta" ||
          m == "sys" || m == "cluster" || startsWith(m, "L1::") ||
          startsWith(m, "L2::"))
        continue;
      else
        return unknown();
    if (in.space == Space::Local)
      return unknown();
    if (in.vecN > 1 && in.type.bits > 64)
      return unknown();
  } else if (base == "bra") {
    in.op = Op::Bra;
    if (modHas("uni"))
      in.flags |= F_Uni;
    labelOps = true;
  } else if (base == "ret") {
    in.op = Op::Ret;
  } else if (base == "exit") {
    in.op = Op::Exit;
  } else if (base == "trap") {
    in.op = Op::Trap;
  } else if (base == "call") {
    if (rest.find("__assertfail") == std::string::npos)
      return err(s.line, "call of an unknown function: only __assertfail is "
                         "supported");
    in.op = Op::CallAssert;
    rest.clear();
  } else if (base == "bar" || base == "barrier") {
    if (modHas("warp") && modHas("sync"))
      in.op = Op::BarWarpSync;
    else if (modHas("sync") || (base == "barrier" && mods.empty()) ||
             (base == "barrier" && modHas("aligned") && !modHas("arrive")) ||
             (base == "bar" && mods.empty()))
      in.op = Op::BarSync;
    else if (modHas("arrive"))
      in.op = Op::BarArrive;
    else
      return unknown();
    if (modHas("red") || modHas("cluster"))
      return unknown();
  } else if (base == "elect" && modHas("sync")) {
    in.op = Op::ElectSync;
  } else if (base == "setmaxnreg") {
    in.op = Op::SetMaxNReg;
  } else if (base == "mbarrier") {
    spaceOf(in.space);
    if (modHas("init"))
      in.op = Op::MbarInit;
    else if (modHas("arrive") && modHas("expect_tx"))
      in.op = Op::MbarArrive, in.flags |= F_NoComplete, in.aux = 1;
    else if (modHas("arrive"))
      in.op = Op::MbarArrive;
    else if (modHas("expect_tx"))
      in.op = Op::MbarExpectTx;
    else if (modHas("try_wait") || modHas("test_wait")) {
      in.op = Op::MbarTryWait;
      in.aux = modHas("parity") ? 1 : 0;
    } else if (modHas("inval"))
      in.op = Op::MbarInval;
    else
      return unknown();
    if (modHas("noComplete"))
      return unknown();
    if (in.op == Op::MbarArrive && in.aux == 0)
      in.flags &= ~F_NoComplete;
  } else if (base == "fence" || base == "membar") {
    if (base == "fence" && modHas("proxy") && modHas("async"))
      in.op = Op::FenceProxyAsync;
    else if (base == "fence" && modHas("proxy") &&
             opc.find("tensormap::generic") != std::string::npos &&
             modHas("acquire"))
      in.op = Op::FenceTensormapAcquire;
    else if (base == "fence" && modHas("proxy") &&
             opc.find("tensormap::generic") != std::string::npos)
      in.op = Op::FenceOther; // release: a no-op for the emulator
    else if (base == "fence" && modHas("proxy"))
      return unknown();
    else
      in.op = Op::FenceOther;
  } else if (base == "atom" || base == "red") {
    in.op = base == "atom" ? Op::Atom : Op::Red;
    spaceOf(in.space);
    static const char *an[] = {"add", "min", "max", "exch", "cas",
                               "and", "or",  "xor", "inc",  "dec"};
    bool found = false;
    for (int i = 0; i < 10; ++i)
      if (modHas(an[i])) {
        in.cmp = (uint8_t)i;
        found = true;
      }
    if (!found || in.type.kind == TF || in.type.kind == TF16x2 ||
        modHas("v2") || modHas("v4"))
      return unknown();
  } else if (base == "cp" && modHas("async") && modHas("bulk")) {
    if (modHas("tensor")) {
      if (!modHas("tile") && opc.find("im2col") != std::string::npos)
        return unknown();
      if (opc.find(".global.shared::cta") != std::string::npos)
        return err(s.line, "unsupported instruction '" + opc +
                               "' (TMA stores are not emulated yet)");
      if (opc.find("shared::cluster.global") == std::string::npos ||
          opc.find("mbarrier::complete_tx::bytes") == std::string::npos ||
          opc.find("multicast") != std::string::npos)
        return unknown();
      in.op = Op::TmaLoad;
      for (auto &m : mods)
        if (m.size() == 2 && m[1] == 'd' && m[0] >= '1' && m[0] <= '5')
          in.aux = m[0] - '0';
      if (!in.aux)
        return unknown();
    } else if (modHas("commit_group")) {
      in.op = Op::BulkCommit;
    } else if (modHas("wait_group")) {
      in.op = Op::BulkWait;
      if (modHas("read"))
        in.flags |= F_Read;
    } else if (opc.find("global.shared::cta.bulk_group") != std::string::npos) {
      in.op = Op::BulkStore;
    } else
      return unknown();
  } else if (base == "prefetch" && modHas("tensormap")) {
    in.op = Op::PrefetchTensormap;
  } else if (base == "wgmma") {
    if (modHas("fence"))
      in.op = Op::WgmmaFence;
    else if (modHas("commit_group"))
      in.op = Op::WgmmaCommit;
    else if (modHas("wait_group"))
      in.op = Op::WgmmaWait;
    else if (modHas("mma_async")) {
      in.op = Op::WgmmaMma;
      // m64nNk16.f32.{f16,bf16}.{f16,bf16}
      int n = 0;
      for (auto &m : mods)
        if (startsWith(m, "m64n") && m.size() > 7 &&
            m.compare(m.size() - 3, 3, "k16") == 0)
          n = std::atoi(m.c_str() + 4);
      if (!n || types.size() != 3 || types[0].kind != TF ||
          types[0].bits != 32 ||
          !((types[1].kind == TF && types[1].bits == 16 &&
             types[2].kind == TF && types[2].bits == 16) ||
            (types[1].kind == TBF16 && types[2].kind == TBF16)))
        return err(s.line, "unsupported instruction '" + opc +
                               "' (only wgmma m64nNk16.f32.f16.f16 / "
                               ".f32.bf16.bf16 are emulated)");
      in.aux = n;
      if (types[1].kind == TBF16)
        in.flags |= F_Shared; // reuse: bf16 inputs
    } else
      return unknown();
  } else if (base == "tcgen05") {
    in.op = Op::Unsupported;
    rest.clear();
  } else {
    return unknown();
  }
  // --- operands
  std::vector<std::string> ops0 = rest.empty() ? std::vector<std::string>{}
                                               : splitTop(rest, ',');
  // `d|p` destinations (elect.sync) become two operands
  std::vector<std::string> ops;
  for (auto &o : ops0) {
    size_t bar = o.find('|');
    if (bar != std::string::npos && o.find('[') == std::string::npos &&
        o.find('{') == std::string::npos) {
      if (in.op != Op::ElectSync)
        return err(s.line, "'" + opc + "': a second destination (d|p) is "
                                       "not supported");
      ops.push_back(trim(o.substr(0, bar)));
      ops.push_back(trim(o.substr(bar + 1)));
    } else
      ops.push_back(o);
  }
  if (ops.size() > 8)
    return err(s.line, "too many operands");
  in.nOpd = (uint8_t)ops.size();
  k->code.push_back(Inst());
  for (size_t i = 0; i < ops.size(); ++i) {
    std::string tok = ops[i];
    bool neg = false;
    if (!tok.empty() && tok[0] == '!') {
      neg = true;
      tok = tok.substr(1);
    }
    if (auto e = parseOperand(tok, in, in.o[i], s.line, labelOps, (int)i);
        !e.empty()) {
      k->code.pop_back();
      return e;
    }
    if (neg) {
      // selp/and.pred with a negated predicate: encode by bit in count
      in.o[i].count = 0x80;
    }
  }
  // call-site parameter stores are no-ops (only __assertfail is called)
  if ((in.op == Op::St || in.op == Op::Ld) && in.space == Space::Param) {
    for (int i = 0; i < in.nOpd; ++i)
      if (in.o[i].kind == OpdKind::Addr && in.o[i].sym == -101)
        in.op = Op::Nop;
  }
  // sanity: operand counts for the common ops
  auto need = [&](int n) -> std::string {
    if (in.nOpd != n)
      return err(s.line, "'" + opc + "' expects " + std::to_string(n) +
                             " operands");
    return "";
  };
  std::string e;
  switch (in.op) {
  case Op::Add: case Op::Sub: case Op::Mul: case Op::MulHi: case Op::MulWide:
  case Op::Min: case Op::Max: case Op::Div: case Op::Rem: case Op::And:
  case Op::Or: case Op::Xor: case Op::Shl: case Op::Shr:
    e = need(3);
    break;
  case Op::Mad: case Op::MadHi: case Op::MadWide: case Op::Fma: case Op::Selp:
  case Op::Bfe: case Op::Prmt:
    e = need(4);
    break;
  case Op::Bfi:
    e = need(5);
    break;
  case Op::Mov: case Op::MovPack: case Op::MovUnpack: case Op::Neg:
  case Op::Abs: case Op::Not: case Op::Cvta: case Op::CvtaTo:
  case Op::Popc: case Op::Clz: case Op::Brev:
    e = need(2);
    break;
  case Op::Setp:
    e = need(3);
    break;
  case Op::Bra:
    e = need(1);
    break;
  case Op::WgmmaMma:
    if (in.nOpd < 5)
      e = err(s.line, "malformed wgmma.mma_async");
    break;
  default:
    break;
  }
  if (!e.empty()) {
    k->code.pop_back();
    return e;
  }
  k->code.back() = std::move(in);
  return "";
}

} // namespace

std::string parseModule(const std::string &text, const std::string &name,
                        Module &out) {
  Parser p(name, out);
  return p.run(text);
}

} // namespace ggemm::emu
