//===- ParserImpl.h - the PTX parser, shared by its files -------------------===//
//
// Private to lib/Emulator. The statements the lexer produces and the
// token helpers (Lexer.cpp), and class Parser: module structure,
// declarations, kernel bodies and operands in Parser.cpp, and the decoding
// of one instruction's opcode and modifiers into an Inst in Opcodes.cpp.
//
//===----------------------------------------------------------------------===//

#ifndef GGEMM_LIB_EMULATOR_PARSERIMPL_H
#define GGEMM_LIB_EMULATOR_PARSERIMPL_H

#include "Program.h"

#include <string>
#include <unordered_map>
#include <vector>

namespace ggemm::emu {
namespace ptx {

struct Stmt {
  std::string text;
  uint32_t line = 0;
  enum Kind { Plain, Open, Close, Label } kind = Plain;
};

/// Trims blanks at both ends.
std::string trim(const std::string &s);
/// Collapses runs of blanks to one space (the text an Inst keeps).
std::string collapse(const std::string &s);
bool isIdentChar(char c);
bool startsWith(const std::string &s, const char *p);
/// Splits the text into statements.
void lex(const std::string &src, std::vector<Stmt> &out);
/// A PTX type suffix (".u32", ".f16x2", ...) without the dot.
bool parseTypeName(const std::string &s, Ty &t);
/// A PTX integer literal, or a 0fXXXXXXXX / 0dXXXXXXXXXXXXXXXX float bit
/// pattern.
bool parseInt(const std::string &s, int64_t &v);
/// Splits on `sep` outside brackets and braces.
std::vector<std::string> splitTop(const std::string &s, char sep);
/// The dot-separated parts of an opcode ("ld.global.u32" -> ld, global, u32).
std::vector<std::string> splitDots(const std::string &s);
/// Special register names (%tid.x, ...) -> SR_* ids.
const std::unordered_map<std::string, uint8_t> &specialRegs();
/// Whether the modifier list `m` holds `s`.
bool has(const std::vector<std::string> &m, const char *s);

/// tcgen05.* (OpcodesTcgen05.cpp): fills `in` for the forms ggemm's
/// sm_100a kernels use; else the reason it is refused.
std::string decodeTcgen05(const std::string &opc,
                          const std::vector<std::string> &mods,
                          const std::vector<Ty> &types, Inst &in);

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
  /// Module-scope .shared declarations: every kernel declared after them
  /// gets them as its own shared symbols.
  std::vector<Stmt> moduleShared;
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

} // namespace ptx
} // namespace ggemm::emu

#endif // GGEMM_LIB_EMULATOR_PARSERIMPL_H
