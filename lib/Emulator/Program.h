//===- Program.h - the decoded form of a PTX module -------------*- C++ -*-===//
//
// loadModule parses PTX text once into this compact form: per kernel a flat
// array of instructions, each an opcode enum with its types, modifiers and
// operands whose registers are resolved to slots of the thread's register
// file and whose branch targets are resolved to instruction indices. The
// interpreter (Machine.cpp) never looks at text on its hot path.
//
//===----------------------------------------------------------------------===//

#ifndef GGEMM_LIB_EMULATOR_PROGRAM_H
#define GGEMM_LIB_EMULATOR_PROGRAM_H

#include <cstdint>
#include <string>
#include <vector>

namespace ggemm::emu {

enum class Op : uint16_t {
  Nop,
  Mov,
  MovPack,   // mov.bN d, {a, b, ..}
  MovUnpack, // mov.bN {a, b, ..}, s
  Add, Sub, Mul, MulHi, MulWide, Mad, MadHi, MadWide, Neg, Abs, Min, Max,
  Div, Rem,
  And, Or, Xor, Not, Shl, Shr, Bfe, Bfi, Popc, Clz, Brev,
  Selp, Setp, Cvt, Cvta, CvtaTo,
  Ld, St, Prmt, Fma,
  Bra, Ret, Exit, Trap, CallAssert,
  BarSync, BarArrive, BarWarpSync, ElectSync, SetMaxNReg,
  MbarInit, MbarArrive, MbarExpectTx, MbarCompleteTx, MbarTryWait, MbarInval,
  FenceProxyAsync, FenceTensormapAcquire, FenceOther,
  Atom, Red,
  TmaLoad, TmaPrefetch, PrefetchTensormap, BulkStore, BulkCommit, BulkWait,
  PrefetchGlobal, // prefetch.global.{L1,L2} [a]: a hint
  BulkLoad, // cp.async.bulk.shared::cluster.global.mbarrier::complete_tx
  CpAsync,        // cp.async.{ca,cg}.shared.global (4, 8 or 16 bytes)
  CpAsyncArrive,  // cp.async.mbarrier.arrive[.noinc] (aux 1: .noinc)
  WgmmaFence, WgmmaCommit, WgmmaWait, WgmmaMma,
  // tcgen05 (sm_100a): Tensor Memory allocation (warp collectives), the
  // asynchronous copy, MMA and commit, loads and the fences
  Tc05Alloc, Tc05Dealloc, Tc05Relinquish, Tc05Cp, Tc05Mma, Tc05Commit,
  Tc05Ld, Tc05WaitLd, Tc05St, Tc05WaitSt, Tc05FenceBefore, Tc05FenceAfter,
  Unsupported, // parsed, refused when executed
};

/// Type kinds of an instruction type.
enum TypeKind : uint8_t { TNone, TB, TU, TS, TF, TPred, TF16x2, TBF16,
                          TBF16x2, TE4M3x2, TE5M2x2, TE2M1x2,
                          TF32x2 /* sm_100: two f32 in a .b64, element 0
                                    in the low half */ };
struct Ty {
  uint8_t kind = TNone;
  uint8_t bits = 0;
};

enum class OpdKind : uint8_t {
  None,
  Reg,     // reg
  Imm,     // imm
  Special, // imm = SpecialReg
  Addr,    // [reg + imm] (reg < 0: [imm]); sym >= 0: imm is relative to symbol
  Vec,     // vec[0..count) in Inst::vec pool (slots; -1 = sink "_")
  Label,   // imm = instruction index
};

enum SpecialReg : uint8_t {
  SR_TidX, SR_TidY, SR_TidZ, SR_NTidX, SR_NTidY, SR_NTidZ,
  SR_CtaidX, SR_CtaidY, SR_CtaidZ, SR_NCtaidX, SR_NCtaidY, SR_NCtaidZ,
  SR_LaneId, SR_WarpId, SR_NWarpId, SR_SmId, SR_NSmId,
  SR_ClusterIdX, SR_ClusterIdY, SR_ClusterIdZ,
  SR_NClusterIdX, SR_NClusterIdY, SR_NClusterIdZ,
  SR_ClusterCtaIdX, SR_ClusterCtaIdY, SR_ClusterCtaIdZ,
  SR_ClusterNCtaIdX, SR_ClusterNCtaIdY, SR_ClusterNCtaIdZ,
  SR_ClusterCtaRank, SR_ClusterNCtaRank, SR_IsExplicitCluster,
  SR_Clock, SR_Clock64, SR_GlobalTimer, SR_LaneMaskEq, SR_LaneMaskLt,
  SR_LaneMaskLe, SR_LaneMaskGt, SR_LaneMaskGe, SR_DynSmemSize,
  SR_TotalSmemSize,
};

/// Where a symbol lives.
enum class SymSpace : uint8_t { Global, Shared, Param };

struct Operand {
  OpdKind kind = OpdKind::None;
  uint8_t count = 0; // Vec: elements
  int16_t sym = -1;  // module/function symbol index for Addr/Imm of a symbol
  int32_t reg = -1;
  int64_t imm = 0;
  uint32_t vec = 0;  // Vec: start in Inst::vec
  int32_t vec2 = -1; // Addr with a coordinate vector (TMA): start in vec
  uint8_t vec2Count = 0;
};

/// State spaces of ld/st/atom/cvta.
enum class Space : uint8_t { Generic, Global, Shared, SharedCluster, Param,
                             Const, Local };

enum Cmp : uint8_t { CEq, CNe, CLt, CLe, CGt, CGe, CLo, CLs, CHi, CHs,
                     CEqu, CNeu, CLtu, CLeu, CGtu, CGeu, CNum, CNan };

enum AtomOp : uint8_t { AAdd, AMin, AMax, AExch, ACas, AAnd, AOr, AXor,
                        AInc, ADec };

struct Inst {
  Op op = Op::Nop;
  Ty type;     // main type (destination type for cvt)
  Ty type2;    // source type (cvt), second type
  uint8_t nOpd = 0;
  uint8_t vecN = 1;         // ld/st vector width
  Space space = Space::Generic;
  uint8_t cmp = 0;          // setp compare; atom op; bar kind
  uint8_t flags = 0;        // per-op flags (see F_*)
  int8_t guardNeg = 0;
  int32_t guard = -1;       // predicate slot, -1 none
  uint32_t line = 0;        // 1-based PTX line
  int32_t aux = 0;          // per-op integer (wgmma N, tma rank, ...)
  Operand o[8];
  std::vector<int32_t> vec; // register lists of Vec operands; -1 is the
                            // sink "_", -2 - i is vecImm[i] (st, mov pack)
  std::vector<int64_t> vecImm;
  std::string text;         // the instruction's text (reports)
};

// Inst::flags
enum : uint8_t {
  F_Sat = 1,       // cvt .sat
  F_Ftz = 2,
  F_CvtRound = 4,  // cvt with a rounding modifier (rni/rzi/rmi/rpi/rn...)
  F_Uni = 8,
  F_Read = 16,     // cp.async.bulk.wait_group.read
  F_Shared = 32,   // a 64-bit/32-bit shared mbarrier address etc.
  F_TestWait = 64, // mbarrier.test_wait (non-blocking), not try_wait
  F_Strong = 128,  // ld/st .relaxed/.acquire/.release/.volatile (a
                   // synchronizing access); fence: gpu or sys scope
                   // (fence.acq_rel/.sc .gpu/.sys, membar.gl/.sys)
};

struct Symbol {
  std::string name;
  SymSpace space = SymSpace::Global;
  uint64_t size = 0;  // bytes (0 for the dynamic shared array)
  uint32_t align = 1;
  bool dynamic = false;  // extern/unsized shared array: dynamic shared memory
  std::vector<uint8_t> init; // global initializer bytes
  uint64_t address = 0;      // global: device address after load; shared:
                             // offset within static shared (see Kernel)
};

struct Kernel {
  std::string name;
  std::vector<uint32_t> paramBytes;
  std::vector<uint32_t> paramOffsets;
  uint32_t paramTotal = 0;
  uint32_t staticShared = 0;
  // Bytes of a sized, non-extern `__dynamic_shmem` declaration (the base
  // MLIR's gpu.dynamic_shared_memory lowers to: `.shared .align 16 .b8
  // __dynamic_shmem__0;`). The emulator places it at the dynamic array, but
  // ptxas counts it as static shared memory, and the driver's opt-in limit
  // counts it too.
  uint32_t dynamicBaseBytes = 0;
  std::vector<Inst> code;
  uint32_t numSlots = 0;
  std::vector<uint8_t> slotBits; // declared width of each register slot
  std::vector<Symbol> syms;      // kernel-local symbols (shared arrays)
};

struct Module {
  std::string name;
  std::vector<Kernel> kernels;
  std::vector<Symbol> globals; // module-level .global/.const arrays
};

/// Parses `text`. On error returns "name:line: message".
std::string parseModule(const std::string &text, const std::string &name,
                        Module &out);

/// An instruction's ISA name for reports: "name:line".
inline std::string locate(const std::string &module, uint32_t line) {
  return module + ":" + std::to_string(line);
}

} // namespace ggemm::emu

#endif // GGEMM_LIB_EMULATOR_PROGRAM_H
