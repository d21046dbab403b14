//===- Launch.h - the host side's launch description ------------*- C++ -*-===//
//
// Builds the #ggemm.launch attribute of a kernel from the target's plan, and
// writes the JSON manifest the CUDA-driver runtime reads from it
// (docs/kernel-abi.md).
//
//===----------------------------------------------------------------------===//

#ifndef GGEMM_TARGET_LAUNCH_H
#define GGEMM_TARGET_LAUNCH_H

#include "ggemm/Target/TargetInfo.h"

#include "llvm/Support/MathExtras.h"

#include <array>

namespace mlir::ggemm {

/// The launch of kernel `kernel` for `problem` as planned by
/// TargetInfo::planKernel (`plan`).
LaunchAttr buildLaunch(MLIRContext *ctx, SymbolRefAttr kernel,
                       const KernelProblem &problem, KernelPlanAttr plan);

/// `name` with every character other than a letter, a digit or `_` made
/// `_`: a PTX identifier (when it does not start with a digit) and a file
/// stem that stays inside its directory. Kernel names
/// (`ggemm_<function>`) and exported file names are made with it.
std::string toIdentifier(StringRef name);

/// Whether the NVPTX backend can print `name` as a symbol: letters,
/// digits, `_` and `$`, not starting with a digit (PTX ISA, "Identifiers").
bool isPtxIdentifier(StringRef name);

/// Bytes of a split-K workspace before its first partial: the grid
/// barrier's word and padding (docs/kernel-abi.md, "Split-K workspace";
/// the runtime has its own copy, rt::kWorkspaceHeaderBytes).
inline constexpr int64_t kWorkspaceHeaderBytes = 128;

/// The parameter types of the kernel for `problem` (docs/kernel-abi.md):
/// tensor maps (128 bytes each), C pointers, SFA/SFB pointers, group sizes,
/// alpha, status (rows of A in, error flags out), and with split_k > 1 the
/// workspace (typed as its header), all in the global memory space. ggemm-outline-kernel makes the
/// kernel's signature from it; convert-ggemm-to-nvvm checks it.
SmallVector<Type> getKernelParamTypes(MLIRContext *ctx,
                                      const KernelProblem &problem);

/// rows<gathered>: the index of the `row_indices` parameter (an int32
/// array of one token row per routed row); `token_rows` (the rows of A, an
/// i32 by value) follows it. They come last, after the workspace.
unsigned rowIndicesParam(const KernelProblem &problem);

/// The most operand sets a decode kernel takes: its grid's y (one CTA row
/// a set) is at most 65535.
inline constexpr int64_t kMaxTokenSets = 65535;

/// One entry of the decode kernel's table, in 64-bit words: the set's
/// region of the token workspace, its A, its SFA (device addresses), and
/// its rows of A (low 32 bits) and K (high 32 bits), both int32.
inline constexpr int64_t kTokenTableEntryWords = 4;

/// The most 64-bit words one launch of a setup kernel takes as parameters
/// (3,840 bytes, within the 4 KiB every CUDA driver allows).
inline constexpr int64_t kSetupChunkWords = 480;

/// The parameter block of one in-place launch (ggemm-lower-launch,
/// docs/aot-host.md "The workspace"): the kernel's tensor maps, C pointers
/// and SFA/SFB pointers as 64-bit words, then, for a kernel with
/// predecoded tokens, the decode kernel's table (kTokenTableEntryWords
/// words a set), which the setup kernel (`<kernel>_setup`) copies from its
/// parameters into the workspace, in chunks of chunkWords() words.
struct LaunchBlock {
  int64_t maps = 0; ///< 128-byte tensor maps (16 words each)
  int64_t sets = 0; ///< operand sets: one C and one SFA/SFB pair each
  /// Operand sets the decode kernel's table has (0 without predecoded
  /// tokens, else `sets`).
  int64_t tokenSets = 0;

  int64_t words() const {
    return 16 * maps + 3 * sets + kTokenTableEntryWords * tokenSets;
  }
  int64_t chunkWords() const { return std::min(words(), kSetupChunkWords); }
  int64_t chunks() const {
    return (words() + chunkWords() - 1) / chunkWords();
  }
  /// First word of the C pointers, of the scale pointers and of the decode
  /// kernel's table.
  int64_t cPointersWord() const { return 16 * maps; }
  int64_t scalePointersWord() const { return 16 * maps + sets; }
  int64_t tokenTableWord() const { return 16 * maps + 3 * sets; }
  /// Bytes the block takes in the workspace: whole chunks, rounded up to
  /// 128 so that the next block's maps keep the 64-byte alignment TMA
  /// needs.
  int64_t bytes() const {
    return (chunks() * chunkWords() * 8 + 127) / 128 * 128;
  }
};
LaunchBlock getLaunchBlock(LaunchAttr launch);

/// The setup kernel of kernel `kernel`: `<kernel>_setup`.
std::string setupKernelName(StringRef kernel);

/// The decode kernel of a kernel with predecoded tokens (the schedule's
/// predecode): `<kernel>_tokens`, one launch for all operand sets
/// (docs/kernel-abi.md, "Decoded tokens"). Its one parameter is its table,
/// one entry a set; CTA (x, y) decodes a share of set y's rows in a
/// grid-stride loop of this many threads a block over grid x.
std::string tokensKernelName(StringRef kernel);
/// Bytes of one row of a set's decoded tokens (its "tokens" map's rows):
/// K rounded up to the K tile, as f16.
inline int64_t tokenRowBytes(int64_t k, int64_t tileK) {
  return 2 * llvm::alignTo(k, tileK);
}
/// The grid of the decode kernel of `sets` operand sets beside a kernel of
/// `kernelGrid` CTAs (one an SM): {x, sets, 1}, x = ceil(4 kernelGrid /
/// sets) clamped to [1, kernelGrid], so that about four decode CTAs run on
/// each SM when there are many sets, and one set alone keeps the grid.
std::array<int64_t, 3> tokensKernelGrid(int64_t sets, int64_t kernelGrid);
inline constexpr int64_t kTokensKernelThreads = 256;
/// Bytes of one decode step's tokens in a row (64 f16): a "tokens" map's
/// box is {kTokenStepBytes, tile M}.
inline constexpr int64_t kTokenStepBytes = 128;

/// The manifest of docs/kernel-abi.md for `launch`, naming `imageFile`
/// (the cubin or PTX written beside it).
std::string buildManifest(LaunchAttr launch, StringRef imageFile);

} // namespace mlir::ggemm

#endif // GGEMM_TARGET_LAUNCH_H
