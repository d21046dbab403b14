//===- Parser.cpp - PTX text -> decoded program -----------------------------===//
//
// A small recursive parser for the PTX subset that LLVM's NVPTX backend
// emits for ggemm kernels plus inline-asm scopes: module directives,
// global and shared declarations, kernel entries and parameters, register
// scopes, labels and operands. Each instruction is decoded once into an
// Inst by Parser::parseInst (Opcodes.cpp).
//
//===----------------------------------------------------------------------===//

#include "ParserImpl.h"

#include <cctype>
#include <cstdlib>
#include <cstring>

namespace ggemm::emu {
namespace ptx {

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
    if (startsWith(t, ".shared") || startsWith(t, ".extern .shared") ||
        startsWith(t, ".visible .shared")) {
      moduleShared.push_back(s); // declared again in every later kernel
      continue;
    }
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
    if (sym.dynamic && !unsized && !isExtern)
      k->dynamicBaseBytes +=
          (uint32_t)((sym.size + sym.align - 1) / sym.align * sym.align);
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
  for (const Stmt &d : moduleShared)
    if (auto e = parseData(d, true); !e.empty())
      return e;
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
      int64_t imm;
      if ((in.op == Op::St || in.op == Op::MovPack) && parseInt(r, imm)) {
        // an immediate element of a source vector: slot -2 - its index
        in.vecImm.push_back(imm);
        in.vec.push_back(-1 - (int32_t)in.vecImm.size());
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

} // namespace ptx

std::string parseModule(const std::string &text, const std::string &name,
                        Module &out) {
  ptx::Parser p(name, out);
  return p.run(text);
}

} // namespace ggemm::emu
