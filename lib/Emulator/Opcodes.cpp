//===- Opcodes.cpp - decoding one PTX instruction ---------------------------===//
//
// Parser::parseInst: the guard, the opcode and its modifiers (state
// space, types, comparison, rounding, .ftz/.sat, vector width) mapped to
// an Op and its flags, and the operands in the order the interpreter
// reads them. An opcode or form that is not emulated is refused here.
//
//===----------------------------------------------------------------------===//

#include "ParserImpl.h"

#include <cctype>
#include <cstdlib>
#include <cstring>

namespace ggemm::emu {
namespace ptx {

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
  // the opcode ends at a blank, or where the operands start without one
  // (nvcc writes `tcgen05.ld...b32{%r1},[%r2]`)
  size_t sp = t.find_first_of(" {[");
  std::string opc = sp == std::string::npos ? t : t.substr(0, sp);
  std::string rest = sp == std::string::npos
                         ? ""
                         : trim(t.substr(t[sp] == ' ' ? sp + 1 : sp));
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
    if (modHas("relaxed") || modHas("acquire") || modHas("release") ||
        modHas("volatile"))
      in.flags |= F_Strong;
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
    // bar.* is barrier.*.aligned: the whole warp at one instruction.
    in.aux = base == "bar" || modHas("aligned");
  } else if (base == "elect" && modHas("sync")) {
    in.op = Op::ElectSync;
  } else if (base == "setmaxnreg") {
    in.op = Op::SetMaxNReg;
  } else if (base == "mbarrier") {
    spaceOf(in.space);
    if (modHas("noComplete"))
      return err(s.line, "unsupported instruction '" + opc +
                             "': mbarrier.arrive.noComplete is not emulated "
                             "(an arrival that must not complete the phase)");
    if (modHas("init"))
      in.op = Op::MbarInit;
    else if (modHas("complete_tx"))
      in.op = Op::MbarCompleteTx; // PTX 8.0, sm_90
    else if (modHas("arrive") && modHas("expect_tx"))
      in.op = Op::MbarArrive, in.aux = 1;
    else if (modHas("arrive"))
      in.op = Op::MbarArrive;
    else if (modHas("expect_tx"))
      in.op = Op::MbarExpectTx;
    else if (modHas("try_wait") || modHas("test_wait")) {
      in.op = Op::MbarTryWait;
      in.aux = modHas("parity") ? 1 : 0;
      if (modHas("test_wait"))
        in.flags |= F_TestWait;
    } else if (modHas("inval"))
      in.op = Op::MbarInval;
    else
      return unknown();
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
    else {
      in.op = Op::FenceOther;
      if ((base == "fence" && (modHas("gpu") || modHas("sys")) &&
           (modHas("acq_rel") || modHas("sc"))) ||
          (base == "membar" && (modHas("gl") || modHas("sys"))))
        in.flags |= F_Strong;
    }
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
  } else if (base == "cp" && modHas("async") && !modHas("bulk")) {
    // Non-bulk cp.async: the copy into shared memory and the arrive-on
    // that tracks it; async-groups (commit_group, wait_group) are not
    // emulated.
    if (modHas("mbarrier") && modHas("arrive")) {
      spaceOf(in.space);
      in.op = Op::CpAsyncArrive;
      in.aux = modHas("noinc") ? 1 : 0;
    } else if ((modHas("ca") || modHas("cg")) &&
               (modHas("shared") || modHas("shared::cta")) &&
               modHas("global") && !modHas("mbarrier")) {
      in.op = Op::CpAsync;
      in.space = Space::Shared;
      in.aux = modHas("cg") ? 1 : 0;
    } else {
      return err(s.line, "unsupported instruction '" + opc +
                             "' (of cp.async, only the shared-from-global "
                             "copy and cp.async.mbarrier.arrive are "
                             "emulated)");
    }
  } else if (base == "cp" && modHas("async") && modHas("bulk")) {
    if (modHas("tensor")) {
      if (!modHas("tile") && opc.find("im2col") != std::string::npos)
        return unknown();
      if (modHas("prefetch")) {
        // cp.async.bulk.prefetch.tensor.Nd.L2.global[.tile] [map, {coords}]
        if (opc.find(".L2.global") == std::string::npos)
          return unknown();
        in.op = Op::TmaPrefetch;
      } else {
        if (opc.find(".global.shared::cta") != std::string::npos)
          return err(s.line, "unsupported instruction '" + opc +
                                 "' (TMA stores are not emulated yet)");
        if (opc.find("shared::cluster.global") == std::string::npos ||
            opc.find("mbarrier::complete_tx::bytes") == std::string::npos ||
            opc.find("multicast") != std::string::npos)
          return unknown();
        in.op = Op::TmaLoad;
      }
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
    } else if (opc.find(".shared::cluster.global.mbarrier::complete_tx::bytes") !=
                   std::string::npos &&
               opc.find("multicast") == std::string::npos) {
      in.op = Op::BulkLoad; // [dst], [src], size, [mbar]
    } else
      return unknown();
  } else if (base == "prefetch" && modHas("tensormap")) {
    in.op = Op::PrefetchTensormap;
  } else if (base == "prefetch" && modHas("global") &&
             (modHas("L1") || modHas("L2"))) {
    in.op = Op::PrefetchGlobal;
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
    if (auto e = decodeTcgen05(opc, mods, types, in); !e.empty())
      return err(s.line, e);
  } else {
    return unknown();
  }
  if ((in.type.kind == TF32x2 || in.type2.kind == TF32x2) &&
      in.op != Op::Add && in.op != Op::Sub && in.op != Op::Mul &&
      in.op != Op::Fma)
    return err(s.line, "unsupported instruction '" + opc +
                           "': .f32x2 is emulated for add, sub, mul and fma "
                           "only");
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
  case Op::Tc05Alloc: case Op::Tc05Dealloc: case Op::Tc05Cp: case Op::Tc05Ld:
    e = need(2);
    if (e.empty() && in.op == Op::Tc05Ld &&
        (in.o[0].kind != OpdKind::Vec || in.o[0].count != in.aux ||
         in.o[1].kind != OpdKind::Addr))
      e = err(s.line, "tcgen05.ld: expects {" + std::to_string(in.aux) +
                          " registers}, [taddr]");
    break;
  case Op::Tc05St:
    e = need(2);
    if (e.empty() &&
        (in.o[1].kind != OpdKind::Vec || in.o[1].count != in.aux ||
         in.o[0].kind != OpdKind::Addr))
      e = err(s.line, "tcgen05.st: expects [taddr], {" +
                          std::to_string(in.aux) + " registers}");
    break;
  case Op::Tc05Mma:
    if (in.nOpd != 7 || in.o[0].kind != OpdKind::Addr ||
        in.o[4].kind != OpdKind::Addr || in.o[5].kind != OpdKind::Addr)
      e = err(s.line, "tcgen05.mma block_scale: expects [d_tmem], a_desc, "
                      "b_desc, idesc, [scale_a_tmem], [scale_b_tmem], "
                      "enable_input_d (disable-output-lane forms are not "
                      "emulated)");
    break;
  case Op::Tc05Commit:
    e = need(1);
    break;
  case Op::Tc05Relinquish: case Op::Tc05WaitLd: case Op::Tc05WaitSt:
  case Op::Tc05FenceBefore:
  case Op::Tc05FenceAfter:
    e = need(0);
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

} // namespace ptx
} // namespace ggemm::emu
