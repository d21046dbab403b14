//===- OpcodesTcgen05.cpp - decoding tcgen05 instructions -------------------===//
//
// decodeTcgen05 for Parser::parseInst (Opcodes.cpp): the tcgen05.* forms
// the emulator runs, each mapped to its Op and operands' meaning.
//
//===----------------------------------------------------------------------===//

#include "ParserImpl.h"

#include <cctype>
#include <cstdlib>

namespace ggemm::emu {
namespace ptx {

/// tcgen05.* (PTX ISA 9.7.16): the forms ggemm's sm_100a kernels use. Any
/// other form is refused at load with what is emulated, never guessed.
std::string decodeTcgen05(const std::string &opc,
                          const std::vector<std::string> &mods,
                          const std::vector<Ty> &types, Inst &in) {
  auto has = [&](const char *x) {
    for (auto &m : mods)
      if (m == x)
        return true;
    return false;
  };
  auto refuse = [&](const std::string &why) {
    return "unsupported instruction '" + opc + "': " + why;
  };
  bool group1 = has("cta_group::1");
  if (has("cta_group::2"))
    return refuse(".cta_group::2 (2-CTA MMAs) is not emulated");
  if (has("fence::before_thread_sync")) {
    in.op = Op::Tc05FenceBefore;
  } else if (has("fence::after_thread_sync")) {
    in.op = Op::Tc05FenceAfter;
  } else if (has("alloc")) {
    if (!group1 || !has("shared::cta"))
      return refuse("only tcgen05.alloc.cta_group::1.sync.aligned"
                    ".shared::cta.b32 is emulated");
    in.op = Op::Tc05Alloc;
    in.space = Space::Shared;
  } else if (has("dealloc")) {
    if (!group1)
      return refuse("only .cta_group::1 is emulated");
    in.op = Op::Tc05Dealloc;
  } else if (has("relinquish_alloc_permit")) {
    in.op = Op::Tc05Relinquish;
  } else if (has("cp")) {
    if (!group1 || !has("32x128b") || !has("warpx4"))
      return refuse("only tcgen05.cp.cta_group::1.32x128b.warpx4 is "
                    "emulated");
    for (auto &m : mods)
      if (m.find("b6x16") != std::string::npos ||
          m.find("b4x16") != std::string::npos)
        return refuse("decompressing copies are not emulated");
    in.op = Op::Tc05Cp;
  } else if (has("mma")) {
    if (!group1 || !has("kind::mxf4nvf4") || !has("block_scale") ||
        !(has("block16") || has("scale_vec::4X")))
      return refuse("only tcgen05.mma.cta_group::1.kind::mxf4nvf4"
                    ".block_scale.block16 (scale_vec::4X) is emulated");
    for (auto &m : mods)
      if (m.rfind("collector::", 0) == 0 && m != "collector::a::discard")
        return refuse("only the A collector mode ::discard is emulated "
                      "(the default); ::fill/::use/::lastuse are not");
    if (has("ws") || has("sp"))
      return refuse(".ws and sparse MMAs are not emulated");
    in.op = Op::Tc05Mma;
  } else if (has("commit")) {
    if (!group1 || !has("mbarrier::arrive::one") || has("multicast::cluster"))
      return refuse("only tcgen05.commit.cta_group::1.mbarrier::arrive::one"
                    "[.shared::cluster].b64 is emulated");
    in.op = Op::Tc05Commit;
  } else if (has("wait::ld")) {
    in.op = Op::Tc05WaitLd;
  } else if (has("wait::st")) {
    in.op = Op::Tc05WaitSt;
  } else if (has("ld") || has("st")) {
    bool ld = has("ld");
    if (!has("32x32b") || types.empty() || types[0].bits != 32 ||
        has("pack::16b") || has("unpack::16b"))
      return refuse(ld ? "only tcgen05.ld.sync.aligned.32x32b.xN.b32 is "
                         "emulated"
                       : "only tcgen05.st.sync.aligned.32x32b.xN.b32 is "
                         "emulated");
    for (auto &m : mods)
      if (m.size() > 1 && m[0] == 'x' && std::isdigit((unsigned char)m[1]))
        in.aux = std::atoi(m.c_str() + 1);
    if (in.aux < 1 || in.aux > 128 || (in.aux & (in.aux - 1)))
      return refuse("the .num qualifier must be .x1 .. .x128");
    in.op = ld ? Op::Tc05Ld : Op::Tc05St;
  } else {
    return refuse("this tcgen05 instruction is not emulated");
  }
  return "";
}

} // namespace ptx
} // namespace ggemm::emu
