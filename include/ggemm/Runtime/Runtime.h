//===- Runtime.h - CUDA-driver runtime for ggemm kernels --------*- C++ -*-===//
//
// Loads what `ggemm-pipeline{chip=...}` emits (a manifest and a cubin, see
// docs/kernel-abi.md), builds the kernel's tensor maps and pointer arrays
// once per problem, launches it directly or from a CUDA graph, and times it
// with events. Depends only on the CUDA driver API (cuda.h): GPU machines
// build it without LLVM or MLIR. Every driver call goes through the table
// of Driver.h: libcuda loaded at run time ("gpu", the default), or the PTX
// emulator ("emu"); rt::selectDevice chooses before the first call.
//
// Errors are returned as messages: every fallible function returns a
// std::string that is empty on success and otherwise names the driver call,
// its CUresult name and description. No exceptions are thrown.
//
// Lifetimes: create a Context first and destroy it last; every other object
// here needs its context current on the calling thread.
//
//===----------------------------------------------------------------------===//

#ifndef GGEMM_RUNTIME_RUNTIME_H
#define GGEMM_RUNTIME_RUNTIME_H

#include "ggemm/Runtime/Driver.h"

#include <cuda.h>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace ggemm::rt {

//===----------------------------------------------------------------------===//
// Manifest
//===----------------------------------------------------------------------===//

/// How the groups' rows are stored (manifest key "rows"). Every form but
/// List has one operand set: one A / SFA / C, B and SFB stacked over the
/// groups, and an int32 array (parameter 3, `group_sizes`) that says at
/// run time which rows of A and C each group owns.
enum class RowsForm {
  List,       ///< one A / SFA / B / SFB / C buffer per group; M static
  Contiguous, ///< the array holds sizes; rows back to back
  Offsets,    ///< the array holds cumulative end rows (torch's `offs`)
  Masked,     ///< A / SFA / C are G x max_m rows; the array holds counts
  /// As Offsets over the R routed rows (the rows of C); A and SFA are the
  /// T token rows, routed row r reading token row row_indices[r]. The
  /// kernel takes row_indices (int32_t[R] on the device) and token_rows
  /// (T, an int32 by value) after its other parameters.
  Gathered,
};

/// The manifest's name of `rows` ("list", "contiguous", "offsets",
/// "masked", "gathered").
const char *rowsFormName(RowsForm rows);

/// Layout of the scale-factor buffers (manifest key "scales").
enum class ScaleLayout { RowMajor, Blocked128x4 };

/// The buffer a tensor map describes: packed e2m1 A or B (K/2 bytes a
/// row), or row-major scale factors SFA or SFB (K/16 bytes a row; mapped
/// where the kernel loads them with TMA, as the sm_100a kernel does when
/// every K is a multiple of 256), or the decoded tokens (a kernel whose
/// manifest has "tokens": A decoded to f16 by its decode kernel into the
/// token workspace, which the runtime allocates; the map takes A's place).
enum class Operand { A, B, SFA, SFB, Tokens };

/// The manifest's name of `operand` ("a", "b", "sfa", "sfb", "tokens").
const char *operandName(Operand operand);

/// Per-group sizes in elements; `m` is -1 in contiguous, offsets and
/// gathered form,
/// each group's room (max_m) in masked form.
struct GroupShape {
  int64_t m = 0, n = 0, k = 0;
};

/// One entry of "tensor_maps": a rank-2 uint8 TMA descriptor to encode.
struct TensorMapSpec {
  int64_t group = 0;
  Operand operand = Operand::A;
  /// {bytes per row, rows}, innermost first; a "tokens" map's rows are
  /// 2 KP bytes, KP f16 (K rounded up to a multiple of 256). Rows < 0:
  /// known only at run time (contiguous A over all groups' rows, gathered
  /// A over the T token rows).
  std::array<int64_t, 2> dims{};
  int64_t rowStride = 0; ///< bytes between rows
  std::array<uint32_t, 2> box{};
  /// Shared-memory swizzle of the box, from the entry's "swizzle": none or
  /// 128B. Both kernels' A/B maps and the tokens map are 128B-swizzled
  /// (their wgmma / tcgen05 descriptors expect 128-byte swizzled rows);
  /// scale-factor maps are not.
  bool swizzle128B = false;
};

/// The byte alignment each operand's device addresses must have (manifest
/// key "alignment"): what the kernel's instructions need, written by the
/// compiler. Each is a power of two in [1, 256]; every address of the
/// operand (each group's in list form, the one in contiguous form) must be
/// a multiple of it. The defaults, for a Manifest built by hand rather than
/// parsed, are TMA's 16 bytes.
struct OperandAlignment {
  uint32_t a = 16, b = 16, sfa = 16, sfb = 16, c = 16;
};

/// The most words one launch of a setup kernel takes (the compiler's
/// kSetupChunkWords in ggemm/Target/Launch.h).
constexpr int64_t kMaxSetupChunkWords = 480;

/// The token decode kernel of a manifest with "tokens": launched once
/// before every launch of the kernel, CTA row y decodes operand set y's A
/// and SFA into f16 in the set's region of the token workspace, which the
/// set's "tokens" map reads (docs/kernel-abi.md, "Decoded tokens").
struct TokenDecodeKernel {
  std::string kernel; ///< the entry point in the cubin, "<kernel>_tokens"
  /// grid[1] is the number of operand sets.
  std::array<uint32_t, 3> grid{}, block{};
  /// Its parameters: "table" (u64, the table of kTokenTableEntryWords
  /// words a set); the runtime refuses any other list.
  std::vector<std::string> params;
};

/// Words of one entry of the decode kernel's table: the set's region of
/// the token workspace, A, SFA, and rows | K << 32 (the compiler's
/// kTokenTableEntryWords in ggemm/Target/Launch.h).
constexpr int64_t kTokenTableEntryWords = 4;

/// A parsed kernel manifest ("format": "ggemm-manifest-1").
struct Manifest {
  /// e.g. "sm_90a"; informational (messages only): whatever the runtime
  /// must know about the kernel is a key of its own.
  std::string chip;
  std::string kernel;    ///< the entry point in the cubin
  std::string cubinPath; ///< resolved against the manifest's folder
  std::array<uint32_t, 3> grid{}, block{}, cluster{1, 1, 1};
  uint32_t dynamicSharedMemory = 0;
  RowsForm rows = RowsForm::List;
  ScaleLayout scales = ScaleLayout::RowMajor;
  bool alpha = false;
  std::array<int64_t, 3> tile{}; ///< M, N, K; sizes a split-K workspace
  int64_t splitK = 1; ///< > 1: the kernel takes a workspace (parameter 6)
  /// The names of the kernel's parameters, in order ("params"): the six
  /// of every kernel, "workspace" when split_k > 1, and "row_indices",
  /// "token_rows" in gathered form.
  std::vector<std::string> params;
  std::vector<GroupShape> groups;
  std::vector<TensorMapSpec> tensorMaps;
  OperandAlignment alignment;
  /// The setup kernel ("setup"; empty in older manifests): it writes the
  /// parameter block of a launch on a caller's stream, chunks of
  /// `setupChunkWords` 64-bit words a launch (enqueueOnStream).
  std::string setupKernel;
  int64_t setupChunkWords = 0;
  /// The token decode kernel ("tokens"; kernel empty when the manifest has
  /// none). Present exactly when every operand set maps "tokens" in A's
  /// place.
  TokenDecodeKernel tokens;

  int64_t numGroups() const { return int64_t(groups.size()); }
  /// Operand sets: one A / SFA / C for all groups (every form but list),
  /// else one per group.
  int64_t numOperandSets() const { return oneOperandSet() ? 1 : numGroups(); }
  /// 64-bit words of the parameter block: the tensor maps (16 each), the
  /// C pointers, the SFA/SFB pointers, and with "tokens" the decode
  /// kernel's table (tokenTableWord() on).
  int64_t parameterBlockWords() const {
    return tokenTableWord() +
           (decodesTokens() ? kTokenTableEntryWords * numOperandSets() : 0);
  }
  int64_t tokenTableWord() const {
    return 16 * int64_t(tensorMaps.size()) + 3 * numOperandSets();
  }
  /// One A / SFA / C for all groups (every form but list).
  bool oneOperandSet() const { return rows != RowsForm::List; }
  /// Gathered form: the kernel takes row_indices and token_rows too.
  bool gathered() const { return rows == RowsForm::Gathered; }
  /// The kernel reads A decoded, from the token workspace ("tokens").
  bool decodesTokens() const { return !tokens.kernel.empty(); }
  /// Contiguous and offsets form: the row count of A / SFA / C the kernel
  /// was compiled for, or -1 if it takes any (the A tensor map's rows, or
  /// the tokens map's, are dynamic). Masked form: G x max_m. List form: -1.
  /// Gathered form: -1 (the manifest does not say R, the rows of C;
  /// tokenCapacity says T).
  int64_t contiguousCapacity() const;
  /// Gathered form: the token rows T of A / SFA the kernel was compiled
  /// for (the A or tokens map's static rows), or -1 if it takes any. Else
  /// -1.
  int64_t tokenCapacity() const;
};

/// Parses manifest text; a relative "cubin" is resolved against `baseDir`.
/// Checks everything the runtime relies on (format, parameter order,
/// shapes, tensor-map operands, alignments) and names the offending key on
/// error.
[[nodiscard]] std::string parseManifest(const std::string &text,
                                        const std::string &baseDir,
                                        Manifest &out);
/// Reads and parses the manifest file at `path`.
[[nodiscard]] std::string readManifest(const std::string &path, Manifest &out);

/// The shape a tensor map is encoded with, after the run-time row count
/// is filled in and the manifest is checked against the dense buffers of
/// the problem (or, for a "tokens" map, the token workspace's layout).
/// Pure: usable without a GPU.
struct ResolvedTensorMap {
  std::array<uint64_t, 2> dims{}; ///< {bytes per row, rows}; rows >= 1
  uint64_t rowStride = 0;
  std::array<uint32_t, 2> box{};
  bool swizzle128B = false;
};
/// Resolves `manifest.tensorMaps[index]`. `contiguousRows` is the number
/// of rows of the one A buffer in contiguous and offsets form (ignored in
/// list form, and in masked form, whose A has G x max_m rows). In gathered
/// form A and SFA have `tokenRows` rows (T; contiguousRows, R, is ignored).
/// A group with zero rows (or T = 0) gets a one-row map, since TMA cannot
/// describe an empty tensor: its buffer must still hold one readable row,
/// which the kernel never loads. A "tokens" map has the rows A's map would
/// have had, and must have the token workspace's row layout (rows of
/// 2 KP bytes, KP = K rounded up to a multiple of 256, row stride 2 KP)
/// and boxes of one decode step (128 bytes, 64 f16) 128B-swizzled.
[[nodiscard]] std::string resolveTensorMap(const Manifest &manifest,
                                           size_t index, int64_t contiguousRows,
                                           ResolvedTensorMap &out,
                                           int64_t tokenRows = 0);

//===----------------------------------------------------------------------===//
// Driver objects
//===----------------------------------------------------------------------===//

/// "CALL failed: NAME (code, description)" for a failed driver call, with
/// the name and description from cuGetErrorName / cuGetErrorString; "" for
/// CUDA_SUCCESS.
std::string cuError(CUresult result, const char *call);

namespace detail {
/// Owns one driver handle and frees it with `Release` (errors ignored: a
/// destructor cannot report them). Move-only.
template <typename T, void (*Release)(T)> class UniqueHandle {
public:
  UniqueHandle() = default;
  explicit UniqueHandle(T value) : handle(value) {}
  UniqueHandle(UniqueHandle &&other) noexcept : handle(other.handle) {
    other.handle = T();
  }
  UniqueHandle &operator=(UniqueHandle &&other) noexcept {
    if (this != &other) {
      reset();
      handle = other.handle;
      other.handle = T();
    }
    return *this;
  }
  UniqueHandle(const UniqueHandle &) = delete;
  UniqueHandle &operator=(const UniqueHandle &) = delete;
  ~UniqueHandle() { reset(); }

  void reset(T replacement = T()) {
    if (handle != T())
      Release(handle);
    handle = replacement;
  }
  T get() const { return handle; }

private:
  T handle = T();
};

void releaseMemory(CUdeviceptr address);
void releaseStream(CUstream stream);
void releaseEvent(CUevent event);
void releaseModule(CUmodule module);
void releaseGraph(CUgraph graph);
void releaseGraphExec(CUgraphExec exec);
} // namespace detail

/// What the runtime and its users need to know about the device.
struct DeviceInfo {
  std::string name;
  int major = 0, minor = 0; ///< compute capability
  int multiprocessors = 0;
  int64_t l2CacheBytes = 0;
  int64_t maxDynamicSharedMemory = 0; ///< per block, with the opt-in
  int64_t totalMemoryBytes = 0;
};

/// The primary context of one device, current on the creating thread.
class Context {
public:
  Context() = default;
  Context(Context &&other) noexcept;
  Context &operator=(Context &&other) noexcept;
  Context(const Context &) = delete;
  Context &operator=(const Context &) = delete;
  ~Context();

  /// cuInit, retains device `ordinal`'s primary context, makes it current
  /// and reads the device's attributes.
  [[nodiscard]] static std::string create(int ordinal, Context &out);

  const DeviceInfo &info() const { return deviceInfo; }
  CUdevice device() const { return dev; }
  /// Makes the context current on the calling thread.
  [[nodiscard]] std::string makeCurrent() const;
  [[nodiscard]] std::string synchronize() const;
  /// Free and total device memory in bytes.
  [[nodiscard]] std::string memoryInfo(size_t &freeBytes,
                                       size_t &totalBytes) const;

private:
  void release();

  CUdevice dev = 0;
  CUcontext ctx = nullptr; ///< retained primary context, or null
  DeviceInfo deviceInfo;
};

/// Plain device memory (cuMemAlloc; never managed memory).
class DeviceBuffer {
public:
  /// Allocates `bytes` (at least 1; the driver refuses 0). Addresses are
  /// 256-byte aligned, enough for tensor-map arrays and for any operand
  /// alignment a manifest may ask.
  [[nodiscard]] static std::string allocate(size_t bytes, DeviceBuffer &out);

  CUdeviceptr address() const { return memory.get(); }
  size_t size() const { return bytes; }
  /// Synchronous copies of `count` bytes at byte `offset` of the buffer.
  [[nodiscard]] std::string upload(const void *host, size_t count,
                                   size_t offset = 0) const;
  [[nodiscard]] std::string download(void *host, size_t count,
                                     size_t offset = 0) const;
  /// Sets `count` 16-bit words at byte `offset` (even) to `value`.
  [[nodiscard]] std::string fill16(uint16_t value, size_t count,
                                   size_t offset = 0) const;

private:
  detail::UniqueHandle<CUdeviceptr, detail::releaseMemory> memory;
  size_t bytes = 0;
};

/// A non-blocking stream (the legacy default stream cannot be captured).
class Stream {
public:
  [[nodiscard]] static std::string create(Stream &out);
  CUstream get() const { return stream.get(); }
  [[nodiscard]] std::string synchronize() const;

private:
  detail::UniqueHandle<CUstream, detail::releaseStream> stream;
};

/// A timing event.
class Event {
public:
  [[nodiscard]] static std::string create(Event &out);
  CUevent get() const { return event.get(); }
  [[nodiscard]] std::string record(CUstream stream) const;
  /// Milliseconds between two recorded, completed events. Fails on the
  /// emulator, which times no kernel.
  [[nodiscard]] static std::string elapsedMs(const Event &start,
                                             const Event &stop, float &ms);

private:
  detail::UniqueHandle<CUevent, detail::releaseEvent> event;
};

/// Keeps a stream busy for a while (a one-thread kernel spinning on the
/// global timer), so that the host can queue timed work behind it: events
/// recorded around a launch then time the GPU alone, not the host's
/// submission of the launch. The kernel is PTX, JIT-compiled by the driver,
/// so the runtime still needs no CUDA compiler.
class Delay {
public:
  [[nodiscard]] static std::string create(Delay &out);
  /// Enqueues a spin of `nanoseconds` on `stream`.
  [[nodiscard]] std::string enqueue(CUstream stream,
                                    uint64_t nanoseconds) const;

private:
  detail::UniqueHandle<CUmodule, detail::releaseModule> module;
  CUfunction fn = nullptr;
};

//===----------------------------------------------------------------------===//
// Kernels and launches
//===----------------------------------------------------------------------===//

/// A loaded kernel: its module, function and manifest.
class Kernel {
public:
  /// Reads the manifest's cubin, loads it (cuModuleLoadData), finds the
  /// kernel (and its setup and token decode kernels, when the manifest
  /// names them) and allows its dynamic shared memory.
  [[nodiscard]] static std::string load(const Context &context,
                                        Manifest manifest, Kernel &out);

  const Manifest &manifest() const { return info; }
  CUfunction function() const { return fn; }
  /// The manifest's setup kernel, or null when it names none.
  CUfunction setupFunction() const { return setup; }
  /// The manifest's token decode kernel ("tokens"), or null.
  CUfunction tokensFunction() const { return tokens; }

private:
  Manifest info;
  detail::UniqueHandle<CUmodule, detail::releaseModule> module;
  CUfunction fn = nullptr, setup = nullptr, tokens = nullptr;
};

/// One problem's buffers, in the ABI's layouts. In list form each address
/// vector holds one address per group; in the other forms one address each
/// (B and SFB stacked over groups). Every address must be a multiple of its
/// operand's entry in the manifest's "alignment" (checkOperands).
///
/// group_sizes and alpha come either as device arrays the caller owns (as
/// a MoE router leaves its counts on the device) or as host values that
/// the Launch copies into arrays of its own.
struct Operands {
  std::vector<CUdeviceptr> a, b, sfa, sfb, c;
  /// Every form but list: the run-time row array, int32_t[G] on the
  /// device, or null to use `groupSizeValues`. It holds the group sizes
  /// (contiguous), the cumulative end rows (offsets) or the real rows of
  /// each group's max_m (masked). An array on the device is not checked
  /// here: the kernel clamps what passes `contiguousRows`, offsets out of
  /// order and counts outside [0, max_m], and raises a flag
  /// (Launch::errorFlags). Host values are checked (checkOperands).
  CUdeviceptr groupSizes = 0;
  std::vector<int32_t> groupSizeValues;
  /// When the manifest has alpha: float[G] on the device, or null to use
  /// `alphaValues`.
  CUdeviceptr alpha = 0;
  std::vector<float> alphaValues;
  /// Contiguous and offsets form: rows of the A / SFA / C buffers (at least
  /// the sum of the group sizes, or the last offset; the A tensor map spans
  /// them all). Masked form: 0 or G x max_m (the buffers' rows are static).
  /// Gathered form: R, the routed rows (rows of C and of row_indices; the
  /// offsets end at most there), status[0].
  int64_t contiguousRows = 0;
  /// Gathered form: the token row of each routed row, int32_t[R] on the
  /// device (unchecked: the kernel clamps an index outside [0, T) and
  /// raises kRowIndicesClamped), or null to use `rowIndexValues` (checked:
  /// R values in [0, T), copied by Launch; enqueueOnStream needs the
  /// device array).
  CUdeviceptr rowIndices = 0;
  std::vector<int32_t> rowIndexValues;
  /// Gathered form: T, the rows of A and SFA (the token matrix), passed to
  /// the kernel by value (token_rows). A and SFA must still hold one
  /// readable row when T = 0.
  int64_t tokenRows = 0;
  /// enqueueOnStream with a kernel that decodes its tokens ("tokens"):
  /// the token workspace, 256-byte aligned device memory of
  /// `tokenWorkspaceSize` bytes, at least tokenWorkspaceBytes(manifest,
  /// contiguousRows, tokenRows), which the decode kernel fills at every
  /// launch (launches into one must not overlap). Launch allocates its own
  /// and ignores these; so does enqueueOnStream for other kernels.
  CUdeviceptr tokenWorkspace = 0;
  int64_t tokenWorkspaceSize = 0;
};

/// Checks `operands` against `manifest` before anything is encoded or
/// uploaded: one address per group (list) or one (the other forms) of each
/// operand, none null, each a multiple of the operand's manifest alignment;
/// host group sizes >= 0 that fit in `contiguousRows`, host offsets that
/// never decrease from 0 and end inside `contiguousRows`, host counts in
/// [0, max_m]; alpha when the kernel takes it; in gathered form T in
/// [0, 2^31 - 1] (the A map's rows when static), offsets ending inside R
/// and host row indices, R of them in [0, T). Pure: usable without a GPU.
/// Launch::create calls it first.
[[nodiscard]] std::string checkOperands(const Manifest &manifest,
                                        const Operands &operands);

struct LaunchOptions {
  /// Sets CU_LAUNCH_ATTRIBUTE_PROGRAMMATIC_STREAM_SERIALIZATION, so that
  /// the launch may overlap the previous kernel's tail (PDL). Only for
  /// kernels that wait on griddepcontrol before reading their inputs.
  bool programmaticStreamSerialization = false;
};

/// What cuLaunchKernelEx takes besides the kernel and its parameters.
struct LaunchShape {
  std::array<uint32_t, 3> grid{1, 1, 1}, block{1, 1, 1}, cluster{1, 1, 1};
  uint32_t dynamicSharedMemory = 0;
  /// CU_LAUNCH_ATTRIBUTE_COOPERATIVE: every CTA resident at once, or the
  /// launch is refused (kernels with a grid barrier).
  bool cooperative = false;
};

/// Enqueues `function` with `shape` on `stream` (cuLaunchKernelEx): the
/// cluster, cooperative and PDL attributes as `shape` and `options` ask.
/// `args` as cuLaunchKernelEx takes them (the driver copies the values).
[[nodiscard]] std::string launchKernel(CUfunction function,
                                       const LaunchShape &shape,
                                       CUstream stream, void **args,
                                       const LaunchOptions &options = {});

struct TokenRegion;

/// Encodes the manifest's tensor maps over `operands` on the host
/// (cuTensorMapEncodeTiled; no device work), in manifest order. A "tokens"
/// map's global address is its set's region (tokenRegions) of
/// `tokenWorkspace`, device memory of tokenWorkspaceBytes; a manifest with
/// such maps is refused without one.
[[nodiscard]] std::string encodeTensorMaps(const Manifest &manifest,
                                           const Operands &operands,
                                           std::vector<CUtensorMap> &maps,
                                           CUdeviceptr tokenWorkspace = 0);
/// The same with the regions tokenRegions returned for `operands`.
[[nodiscard]] std::string
encodeTensorMaps(const Manifest &manifest, const Operands &operands,
                 std::vector<CUtensorMap> &maps, CUdeviceptr tokenWorkspace,
                 const std::vector<TokenRegion> &regions);

/// Kernel parameters 1 and 2 for `operands` (docs/kernel-abi.md):
/// `cPointers` {c_g...} and `scalePointers` {sfa_0, sfb_0, sfa_1, ...}.
void pointerArrays(const Operands &operands, std::vector<uint64_t> &cPointers,
                   std::vector<uint64_t> &scalePointers);

/// The grid, block, cluster, dynamic shared memory and cooperative launch
/// (split_k > 1: the CTAs meet at a grid barrier) of `manifest`'s kernel.
LaunchShape launchShapeOf(const Manifest &manifest);

/// Bytes of the workspace enqueueOnStream takes: the status pair, padded
/// to 128 bytes, then the parameter block in whole chunks, rounded up to
/// 128 (the layout ggemm-lower-launch gives one launch; docs/aot-host.md,
/// "The workspace").
int64_t streamWorkspaceBytes(const Manifest &manifest);

/// The launch of a framework: enqueues `kernel` on `operands` on `stream`
/// with nothing allocated, copied or waited for, so that it can be
/// captured into a CUDA graph. The tensor maps are encoded on the host;
/// the setup kernel writes them, the C and scale pointers and status =
/// {rows of A, 0} into `workspace` (device memory of at least
/// streamWorkspaceBytes, 64-byte aligned) from its kernel parameters; then
/// the kernel runs on them. The row array and alpha must be on the device
/// (Operands::groupSizes, Operands::alpha), and in gathered form the row
/// indices too (Operands::rowIndices; status[0] and the setup kernel's
/// rows are R, token_rows is T). Not for split-K kernels (their
/// grid barrier needs a workspace of its own). A kernel with "tokens"
/// takes its token workspace from Operands::tokenWorkspace (it grows with
/// the rows), and its decode kernel runs once, over the table the setup
/// kernel wrote at the end of the parameter block, before the kernel. The
/// kernel's error flags land in the int32 at workspace + 4
/// (streamErrorFlags reads them).
[[nodiscard]] std::string enqueueOnStream(const Kernel &kernel,
                                          const Operands &operands,
                                          CUstream stream,
                                          CUdeviceptr workspace,
                                          const LaunchOptions &options = {});

/// The error flags of the last enqueueOnStream into `workspace`.
/// Synchronous: call after the launch finished.
[[nodiscard]] std::string streamErrorFlags(CUdeviceptr workspace,
                                           int32_t &flags);

/// One problem bound to a kernel: its tensor maps, encoded once, and its
/// c_pointers / scale_pointers (and, from host values, group_sizes /
/// alpha) arrays, all in device memory owned here; for a split-K kernel
/// also its workspace, and for a kernel with "tokens" its token workspace
/// (so launches of one Launch must not run concurrently). It points to its
/// Kernel, which must outlive it and stay where it is (not be moved from).
/// Launching it again reuses everything.
class Launch {
public:
  [[nodiscard]] static std::string
  create(const Kernel &kernel, const Operands &operands, Launch &out);

  /// Enqueues one launch (cuLaunchKernelEx) on `stream`; capturable. A
  /// kernel with "tokens" is preceded, on the same stream, by one launch
  /// of its token decode kernel for all operand sets, so that every launch (and every
  /// replay of a graph that captured it) decodes the current tokens;
  /// `options` apply to the kernel only.
  [[nodiscard]] std::string enqueue(CUstream stream,
                                    const LaunchOptions &options = {}) const;

  /// The kernel parameters, in ABI order: tensor_maps, c_pointers,
  /// scale_pointers, group_sizes, alpha, status, and with split_k > 1 the
  /// workspace (0 otherwise, and not passed). A gathered kernel takes
  /// rowIndices(), tokenRows() and tokenMatrix() after them.
  const std::array<CUdeviceptr, 7> &params() const { return parameters; }
  /// Gathered form: the row_indices array (the caller's or the Launch's),
  /// T and A's address, the last three parameters; 0 in the other forms.
  CUdeviceptr rowIndices() const { return rowIndexArray; }
  int32_t tokenRows() const { return tokens; }
  CUdeviceptr tokenMatrix() const { return tokenMatrixAddress; }

  /// The error flags the kernel raised in all launches so far (status[1]):
  /// kGroupSizesOverrun and kGroupRowsClamped (describeErrorFlags says
  /// them in words). Synchronous: call after the launches finished.
  [[nodiscard]] std::string errorFlags(int32_t &flags) const;

private:
  const Kernel *kernel = nullptr;
  DeviceBuffer tensorMaps, cPointers, scalePointers, groupSizes, alpha, status,
      workspace, rowIndexValues, tokenWorkspace;
  /// The decode kernel's table (tokenTableOf), with "tokens".
  DeviceBuffer tokenTable;
  std::array<CUdeviceptr, 7> parameters{};
  CUdeviceptr rowIndexArray = 0;
  int32_t tokens = 0;
  CUdeviceptr tokenMatrixAddress = 0;
};

/// Bytes before the first split-K partial in the workspace (the grid
/// barrier's word, zero before the first launch; the compiler's
/// kWorkspaceHeaderBytes in ggemm/Target/Launch.h).
constexpr int64_t kWorkspaceHeaderBytes = 128;

/// The workspace a split-K kernel needs (0 for split_k = 1): the header
/// and one tile_m x tile_n f32 partial per work item, counted from the
/// static sizes, or bounded from the rows of A in the other forms
/// (`contiguousRows`, R in gathered form; G x max_m in masked form,
/// whatever is passed)
/// (docs/kernel-abi.md, "Split-K workspace").
int64_t workspaceBytes(const Manifest &manifest, int64_t contiguousRows);

/// One operand set's region of the token workspace (docs/kernel-abi.md,
/// "Decoded tokens"): row r of the set's decoded tokens, KP f16 in the
/// kernel's K order, at byte offset + r x 2 KP.
struct TokenRegion {
  int64_t offset = 0; ///< from the workspace's start; a multiple of 256
  /// max(rows, 1) x 2 KP: the tokens map has one row at least.
  int64_t bytes = 0;
  /// The rows of the set's A, the decode kernel's `rows` (0 for an empty
  /// group); K in elements and KP, K rounded up to a multiple of 256.
  int64_t rows = 0, k = 0, kPadded = 0;
};

/// The regions of `manifest`'s token workspace, one per operand set in set
/// order (each group in list form, one in the others), back to back at
/// 256-byte boundaries; none without "tokens". The rows are those of A:
/// each group's M (list), `contiguousRows` (contiguous, offsets; negative
/// counts as 0), G x max_m (masked) or `tokenRows` (gathered: T), as
/// resolveTensorMap takes them. Sizes saturate at INT64_MAX rather than
/// wrap.
std::vector<TokenRegion> tokenRegions(const Manifest &manifest,
                                      int64_t contiguousRows,
                                      int64_t tokenRows = 0);

/// Bytes of the token workspace of a kernel with "tokens" (0 without): the
/// end of the last of tokenRegions. rt::Launch allocates it; a launch on a
/// caller's stream takes the caller's (Operands::tokenWorkspace).
int64_t tokenWorkspaceBytes(const Manifest &manifest, int64_t contiguousRows,
                            int64_t tokenRows = 0);
/// The same, from the regions tokenRegions returned.
int64_t tokenWorkspaceBytes(const std::vector<TokenRegion> &regions);

/// The decode kernel's table for `operands` and `tokenWorkspace`:
/// kTokenTableEntryWords words per region of `regions` (tokenRegions of
/// the operands' rows; empty without "tokens"): the region's address, the
/// set's A and SFA, and its rows | K << 32. The rows and K fit an int32
/// once checkOperands passed.
std::vector<uint64_t> tokenTableOf(const std::vector<TokenRegion> &regions,
                                   const Operands &operands,
                                   CUdeviceptr tokenWorkspace);

/// Enqueues the decode kernel of `kernel` on `stream`, once, over the
/// table at device address `table` (tokenTableOf's words).
[[nodiscard]] std::string enqueueTokenDecode(const Kernel &kernel,
                                             CUdeviceptr table,
                                             CUstream stream);

/// Bit 0 of Launch::errorFlags: run-time group sizes or offsets passed the
/// rows of A (contiguous, offsets) or the routed rows R (gathered; also a
/// group with rows when T = 0). The kernel clamped them: it computed the
/// rows that exist and none past the buffers.
constexpr int32_t kGroupSizesOverrun = 1;
/// Bit 1 of Launch::errorFlags: a negative group size (contiguous), an
/// offset below the end of the groups before it, a negative one included
/// (offsets), or a count outside [0, max_m] (masked). The kernel clamped
/// it: such a group has no rows (contiguous, offsets) or its count clamped
/// into [0, max_m] (masked).
constexpr int32_t kGroupRowsClamped = 2;
/// Bit 2 of Launch::errorFlags: a routed row of a group had a row index
/// outside [0, T) (gathered). The kernel clamped it: the row read token
/// row 0 or T - 1.
constexpr int32_t kRowIndicesClamped = 4;

/// The flags in words, for messages: "" for 0, else each raised bit's
/// meaning ("group sizes or offsets passed the rows of A", ...) joined by
/// "; ", unknown bits by their value.
std::string describeErrorFlags(int32_t flags);

/// An executable graph holding one launch, replayed without host work.
class Graph {
public:
  /// Captures `launch` on `stream` (which must not be the legacy default
  /// stream) and instantiates the graph.
  [[nodiscard]] static std::string capture(const Launch &launch,
                                           CUstream stream, Graph &out,
                                           const LaunchOptions &options = {});
  [[nodiscard]] std::string replay(CUstream stream) const;

private:
  detail::UniqueHandle<CUgraph, detail::releaseGraph> graph;
  detail::UniqueHandle<CUgraphExec, detail::releaseGraphExec> exec;
};

} // namespace ggemm::rt

#endif // GGEMM_RUNTIME_RUNTIME_H
