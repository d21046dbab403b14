//===- Emulator.h - a checked PTX emulator for ggemm's kernels --*- C++ -*-===//
//
// Runs the PTX that ggemm emits (and small hand-written probe kernels) on
// the CPU: every thread of every CTA of a launch, warps interleaved in an
// order drawn from a seed, the asynchronous units (TMA, bulk copies, wgmma)
// completing after seeded delays, and the protocol checked as it runs
// (deadlock, mbarrier counts and phases, async-proxy fences, tensor-map
// fences, bounds, pending bulk stores at exit). See docs/emulator.md.
//
// No LLVM, no MLIR, no CUDA: plain C++17. The runtime's `emu` device
// (lib/Runtime) puts the CUDA driver API the runtime uses on top of it.
//
// Errors are returned as messages: every fallible function returns a
// std::string that is empty on success. A launch that stops on a checker
// event returns the report (thread, warp, CTA, PTX line, short history).
//
//===----------------------------------------------------------------------===//

#ifndef GGEMM_EMULATOR_EMULATOR_H
#define GGEMM_EMULATOR_EMULATOR_H

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace ggemm::emu {

/// How one launch runs.
struct Options {
  /// Draws the warp interleaving and every asynchronous delay.
  uint64_t seed = 1;
  /// Stops the launch (as an error) after this many executed instructions
  /// in all threads together; 0: no limit.
  uint64_t maxInstructions = 0;
  /// Instructions of the faulting thread shown in a report.
  unsigned historyLength = 8;
  /// The checks of fences, waits and tcgen05 operand lifetimes: missing
  /// fence.proxy.async, the tcgen05 fence rule, tcgen05.wait::ld and
  /// tcgen05.wait::st before a thread sync, tcgen05 operands overwritten
  /// before their commit arrived. false only for a kernel run
  /// to calibrate data layouts and arithmetic: CUTLASS's sm_100 tutorial
  /// kernels omit fences and waits and issue tcgen05.cp from every lane of
  /// a warp but commit from one (docs/emulator.md, "Independent
  /// calibration").
  bool fenceChecks = true;
  /// Also stop when a destination register of a tcgen05.ld is read or
  /// written before the thread's tcgen05.wait::ld. Off by default: the
  /// register dependency orders those uses (CUTLASS's sm_100 epilogue
  /// reads tcgen05.ld registers without the wait and waits only before it
  /// releases the accumulator, as ggemm's does); what is always checked
  /// is the wait before a thread sync (docs/emulator.md, "Findings").
  bool tcgen05LdRegistersNeedWait = false;
};

/// A launch's shape, as cuLaunchKernelEx takes it.
struct LaunchConfig {
  std::array<uint32_t, 3> grid{1, 1, 1};
  std::array<uint32_t, 3> block{1, 1, 1};
  std::array<uint32_t, 3> cluster{1, 1, 1};
  uint32_t dynamicSharedBytes = 0;
  /// Cooperative launch: every CTA is resident at once (grid barriers).
  bool cooperative = false;
};

/// What a finished launch did.
struct LaunchStats {
  uint64_t instructions = 0; ///< PTX instructions executed, all threads
  double seconds = 0;        ///< host wall time of the launch

  /// "N instructions in S s (R instructions/s)": what the tools print.
  std::string summary() const;
};

/// A kernel entry of a loaded module.
struct KernelInfo {
  std::string name;
  std::vector<uint32_t> paramBytes; ///< size of each .param, in order
  uint32_t staticSharedBytes = 0;
};

/// Emulated device memory and loaded modules. Device addresses are plain
/// 64-bit numbers, not host pointers (except those of allocateMapped's
/// allocations); 0 is never a valid address.
class Machine {
public:
  Machine();
  ~Machine();
  Machine(const Machine &) = delete;
  Machine &operator=(const Machine &) = delete;

  //--- Global memory ------------------------------------------------------//
  /// Allocates `bytes` (>= 1) of global memory, 256-byte aligned.
  [[nodiscard]] std::string allocate(size_t bytes, uint64_t &address);
  /// Allocates `bytes` (>= 1) of global memory that the host addresses
  /// too, as managed memory is (cuMemAllocManaged): its emulated address
  /// IS the host address of its storage, which the Machine maps and owns
  /// (zero-filled, page-aligned, an inaccessible page after it), so that
  /// kernels and host code read and write the same bytes. It is placed at
  /// `hint` (page-aligned) if nonzero and free, else where the Machine
  /// chooses. Refused if its range would overlap the emulated global
  /// addresses or the shared-memory generic window, where the same number
  /// would mean other bytes. Host code writes it without write(): a tensor
  /// map in it always counts as written by the host (see write()).
  [[nodiscard]] std::string allocateMapped(size_t bytes, uint64_t &address,
                                           uint64_t hint = 0);
  /// Frees an allocation made by allocate or allocateMapped (its base
  /// address).
  [[nodiscard]] std::string release(uint64_t address);
  /// Whether `address` lies inside an allocation (of either kind).
  bool contains(uint64_t address) const;
  /// Host -> device copy. The bytes count as written by the host (generic
  /// proxy) since the last launch: a tensor map among them needs
  /// fence.proxy.tensormap::generic.acquire before a kernel uses it.
  [[nodiscard]] std::string write(uint64_t address, const void *host,
                                  size_t bytes);
  /// Device -> host copy.
  [[nodiscard]] std::string read(uint64_t address, void *host,
                                 size_t bytes) const;
  /// Total and free bytes of the emulated memory.
  void memoryInfo(size_t &freeBytes, size_t &totalBytes) const;

  //--- Modules and launches -----------------------------------------------//
  /// Parses PTX text; `name` labels its lines in reports. An instruction
  /// the emulator does not know is refused here, with its line.
  [[nodiscard]] std::string loadModule(const std::string &ptx,
                                       const std::string &name, int &module);
  [[nodiscard]] std::string unloadModule(int module);
  [[nodiscard]] std::string findKernel(int module, const std::string &kernel,
                                       KernelInfo &out) const;
  /// Runs `kernel` to completion. `params` holds each parameter's bytes in
  /// order (sizes as KernelInfo::paramBytes).
  [[nodiscard]] std::string launch(int module, const std::string &kernel,
                                   const LaunchConfig &config,
                                   const std::vector<std::vector<uint8_t>> &params,
                                   const Options &options,
                                   LaunchStats *stats = nullptr);

  struct Impl;

private:
  std::unique_ptr<Impl> impl;
};

//===----------------------------------------------------------------------===//
// Tensor maps
//===----------------------------------------------------------------------===//

/// The subset of CUtensorMapDataType the emulator knows (same numbering as
/// cuda.h's CU_TENSOR_MAP_DATA_TYPE_*).
enum class MapDataType : uint32_t {
  UInt8 = 0, UInt16 = 1, UInt32 = 2, Int32 = 3, UInt64 = 4, Int64 = 5,
  Float16 = 6, Float32 = 7, Float64 = 8, BFloat16 = 9,
};
/// cuda.h's CU_TENSOR_MAP_SWIZZLE_* (none, 32B, 64B, 128B).
enum class MapSwizzle : uint32_t { None = 0, B32 = 1, B64 = 2, B128 = 3 };
/// cuda.h's CU_TENSOR_MAP_INTERLEAVE_*.
enum class MapInterleave : uint32_t { None = 0, B16 = 1, B32 = 2 };

/// What cuTensorMapEncodeTiled takes, with cuda.h's meaning and units:
/// dims and box innermost first, strides in bytes for dims 1..rank-1.
struct TiledMapSpec {
  MapDataType dataType = MapDataType::UInt8;
  uint32_t rank = 2;
  uint64_t globalAddress = 0;
  std::array<uint64_t, 5> globalDim{};
  std::array<uint64_t, 4> globalStrides{}; ///< bytes, for dims 1..rank-1
  std::array<uint32_t, 5> boxDim{};
  std::array<uint32_t, 5> elementStrides{1, 1, 1, 1, 1};
  MapInterleave interleave = MapInterleave::None;
  MapSwizzle swizzle = MapSwizzle::None;
  uint32_t l2Promotion = 0;
  uint32_t oobFill = 0; ///< 0: zeros; 1: NaN request zero FMA (refused)
};

/// Checks `spec` against cuTensorMapEncodeTiled's documented rules and, if
/// it passes, writes the emulator's encoding into the 128 opaque bytes of
/// a CUtensorMap (64-byte aligned in the caller's memory). On refusal the
/// message names the rule (the driver would return
/// CUDA_ERROR_INVALID_VALUE).
[[nodiscard]] std::string encodeTiledMap(const TiledMapSpec &spec,
                                         uint8_t (&out)[128]);
/// Reads back what encodeTiledMap wrote; false if `bytes` hold none.
bool decodeTiledMap(const uint8_t *bytes, TiledMapSpec &out);

} // namespace ggemm::emu

#endif // GGEMM_EMULATOR_EMULATOR_H
