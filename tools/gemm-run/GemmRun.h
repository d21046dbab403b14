//===- GemmRun.h - gemm-run's inputs and checks -----------------*- C++ -*-===//
//
// Shared by gemm-run's files: the problem's host data laid out as one device
// allocation per input set, and the element-by-element check against the
// host reference.
//
//===----------------------------------------------------------------------===//

#ifndef GGEMM_TOOLS_GEMM_RUN_GEMMRUN_H
#define GGEMM_TOOLS_GEMM_RUN_GEMMRUN_H

#include "ggemm/Reference/Gathered.h"
#include "ggemm/Reference/Problem.h"
#include "ggemm/Reference/Rows.h"
#include "ggemm/Runtime/Runtime.h"

#include <cstdint>
#include <string>
#include <vector>

namespace ggemm::run {

namespace ref = ::ggemm::ref;
namespace rt = ::ggemm::rt;

/// An f16 NaN that no reference produces: C is filled with it first, so an
/// element the kernel does not write stays recognizable.
constexpr uint16_t kPoison = 0xFFFF;

/// The problem's per-group shapes: the manifest's, except that in
/// contiguous form M comes from `groupSizes` if given, else seeded random
/// sizes in [0, 300] (the same as ggemm-cpu-run's for the same seed), or
/// -1 ("read it from a<g>.npy") when `sizesFromFiles`. List-form sizes are
/// compiled in: the caller refuses `groupSizes` there. In offsets and
/// masked form M is -1 here: resolveRowArray sets it.
std::string problemShapes(const rt::Manifest &manifest,
                          const std::vector<int64_t> &groupSizes, uint64_t seed,
                          bool sizesFromFiles, std::vector<ref::Shape> &out);

/// Checks contiguous group sizes (-1: not known yet) against group_sizes
/// (int32) and the rows the kernel was compiled for; "" in list form.
std::string checkShapes(const rt::Manifest &manifest,
                        const std::vector<ref::Shape> &shapes);

/// The run-time row array of an offsets, masked or gathered kernel
/// (parameter 3) and what it says.
struct RowArray {
  ref::RowLayout layout = ref::RowLayout::Offsets;
  std::vector<int32_t> values; ///< what the kernel reads, bad entries too
  /// Rows of the one A / SFA / C; in gathered form R, the rows of C (A has
  /// gathered.tokenRows).
  int64_t bufferRows = 0;
  /// `values` read as the kernel reads them (gathered: `gathered.read.rows`,
  /// its flags including kFlagRowIndexClamped).
  ref::GroupRows rows;
  /// Gathered form only: the token matrix (T x K/2 and T x K/16, as the
  /// kernel reads them: token rows no owned routed row reads hold filler),
  /// the row indices (R, bad ones too) and what they say.
  ref::GatheredInputs gathered;
};

/// rows<gathered>: chooses R, T and the row indices (ref::chooseGathered
/// from `choice` (--token-rows, --row-indices), else with --load
/// DIR/row_indices.npy and DIR/token_a.npy's rows, else R = the end of the
/// offsets plus 3 spare routed rows, T = max(1, R / 2), indices uniform in
/// [0, T) from `seed`), refuses a T other than the kernel's static one and
/// a problem the host cannot hold before generating anything sized by
/// them, reads them with `offsets` as the kernel does into `out` (layout
/// Gathered, bufferRows R) and sets each shape's M to its group's routed
/// rows. With --load, reads the token matrix (token_a.npy, token_sfa.npy)
/// too. ref::gatheredProblem then makes the problem, ref::writeGatheredNpy
/// saves it.
std::string resolveGathered(const rt::Manifest &manifest,
                            const std::vector<int32_t> &offsets,
                            const ref::GatheredChoice &choice, uint64_t seed,
                            const std::string &loadDir, RowArray &out,
                            std::vector<ref::Shape> &shapes);

/// Prints what a gathered array says (ref::describeGathered): T, the row
/// indices (the first ones), the token rows no routed row reads.
void printGathered(const RowArray &rowArray);

/// The layout of an offsets, masked or gathered manifest.
ref::RowLayout rowLayoutOf(const rt::Manifest &manifest);

/// Picks the array of an offsets or masked kernel: `given` (--group-offsets
/// or --group-counts) if not empty, else with --load DIR/group_offsets.npy
/// or DIR/group_counts.npy if it exists, else seeded skewed rows
/// (ref::skewedGroupRows: in [0, 300] with one group of up to 700 for
/// offsets, in [0, max_m] for counts). `known` is false when the array must
/// follow from the a<g>.npy files' rows (--load without the array's file).
std::string chooseRowArray(const rt::Manifest &manifest,
                           const std::vector<int64_t> &given, uint64_t seed,
                           const std::string &loadDir,
                           std::vector<int32_t> &values, bool &known);

/// Reads `values` for the manifest's kernel: the rows of A (the kernel's
/// static rows, G x max_m in masked form, else where the groups end plus 3
/// spare rows, which no group owns), the rows each group owns (bad entries
/// clamped as the kernel clamps them) and the flags the kernel must raise;
/// sets each shape's M to the rows its group owns.
std::string resolveRowArray(const rt::Manifest &manifest,
                            const std::vector<int32_t> &values, RowArray &out,
                            std::vector<ref::Shape> &shapes);

/// Refuses a problem whose host data (inputs, one input set's image, the
/// reference results) would not fit this machine's physical memory, so
/// that a huge manifest or file is a message rather than a failed
/// allocation. `bufferRows`: the rows of the one A / SFA / C of an
/// offsets or masked kernel (resolveRowArray's; R of a gathered one, whose
/// A has `tokenRows`), unused otherwise.
std::string checkHostMemory(const rt::Manifest &manifest,
                            const std::vector<ref::Shape> &shapes,
                            int64_t bufferRows = 0, int64_t tokenRows = 0);

/// A byte range of an input set's allocation.
struct Piece {
  size_t offset = 0, bytes = 0;
};

/// One input set as the host image of one device allocation: A, B, scales
/// (in the kernel's layout) and C poisoned, each piece 256-byte aligned,
/// plus the group sizes and alpha that the runtime uploads itself.
/// Uploading the image and binding it (uploadSet) sets up a whole set.
struct InputImage {
  std::vector<uint8_t> bytes;
  std::vector<Piece> a, b, sfa, sfb, c; // per group, or one (other forms)
  /// Gathered form: the row indices (int32, R; in the image, so on the
  /// device as a router leaves them) and T, the rows of A and SFA.
  std::vector<Piece> rowIndices;
  int64_t tokenRows = 0;
  /// Every form but list: the run-time row array (sizes, offsets, counts).
  std::vector<int32_t> groupSizes;
  /// Every form but list: the rows of the one A / C each group owns (the
  /// check compares them; every other row must keep its poison).
  std::vector<ref::OwnedRows> owned;
  std::vector<float> alpha;             ///< when the kernel takes alpha
  /// Every form but list: rows of A, SFA and C (spare included); in
  /// gathered form R, the rows of C.
  int64_t rows = 0;
  /// Bytes a kernel must move at least: A, B, SFA, SFB read once and C
  /// written once, over the groups' real sizes.
  double trafficBytes = 0;
  /// 2 * sum(M * N * K).
  double flops = 0;
};

/// Lays out `problem` for `manifest`'s kernel. In contiguous form the
/// buffers have the manifest's static row capacity, or 3 spare rows past
/// the groups' rows, which must stay untouched. In offsets and masked form
/// `rowArray` places the groups' rows and sizes the buffers; the rows of
/// no group hold seeded filler (ref::layOutOneBuffer, from `fillerSeed`)
/// and must stay untouched in C. In gathered form A and SFA are
/// `rowArray->gathered`'s token matrix and the row indices join the image.
std::string buildImage(const rt::Manifest &manifest,
                       const ref::Problem &problem, InputImage &out,
                       const RowArray *rowArray = nullptr,
                       uint64_t fillerSeed = 1);

/// One input set on the device, bound to the kernel.
struct DeviceSet {
  rt::DeviceBuffer memory;
  rt::DeviceBuffer deviceSizes; ///< see uploadSet's `deviceSizes`
  rt::Operands operands;        ///< the addresses `launch` was made from
  rt::Launch launch;
};

/// Uploads `image` into a fresh allocation and binds it to `kernel`. With
/// `deviceSizes`, the kernel reads that row array (sizes, offsets or
/// counts) from a device array of its own (unchecked by the runtime, as a
/// router's counts would be) instead of the image's.
std::string uploadSet(const rt::Kernel &kernel, const InputImage &image,
                      DeviceSet &out,
                      const std::vector<int32_t> *deviceSizes = nullptr);

/// What the check of one output found.
struct CheckSummary {
  int64_t elements = 0;     ///< outputs checked (rows < M_g, cols < N)
  int64_t unwritten = 0;    ///< still the poison
  int64_t nonFinite = 0;    ///< NaN, or inf where the reference is finite
  int64_t beyondBound = 0;  ///< error above 4x the reassociation tolerance
  int64_t bitEqual = 0;     ///< f16 bits equal to the K-order reference
  /// Every form but list: elements of rows no group owns that were written.
  int64_t spareWritten = 0;
  double maxAbsError = 0;   ///< max |out - exact| over finite outputs
  double relError = 0;      ///< ||out - exact|| / ||exact||
  bool pass = false;
};

/// The reference product of `problem` by the plain loops of
/// ref::referenceProduct, on all cores (slices of rows): how gemm-run
/// checked before ref::referenceProductFast, kept as the baseline of
/// --bench-reference.
std::vector<ref::GroupResult> parallelReference(const ref::Problem &problem);

/// What --bench-reference measured.
struct ReferenceBench {
  double plainMacs = 0, plainSeconds = 0; ///< parallelReference on a slice
  double fastMacs = 0, fastSeconds = 0;   ///< referenceProductFast, whole
  bool identical = false; ///< fast == plain on the slice, bit for bit
};

/// Times parallelReference on the first rows of each group (about 2^28
/// multiply-adds: the plain loops take seconds for that) and
/// referenceProductFast on the whole problem, compares their results on
/// those rows bit for bit, and prints the rates.
std::string benchReference(const ref::Problem &problem, ReferenceBench &out);

/// Downloads set `set`'s C and checks every element against `expected`;
/// prints the first few bad elements to stderr. With `outputs`, also
/// returns each group's M x N output (f16 bits, row-major).
std::string checkOutputs(const rt::Manifest &manifest,
                         const ref::Problem &problem,
                         const std::vector<ref::GroupResult> &expected,
                         const InputImage &image, const DeviceSet &set,
                         CheckSummary &out,
                         std::vector<std::vector<uint16_t>> *outputs = nullptr);

} // namespace ggemm::run

#endif // GGEMM_TOOLS_GEMM_RUN_GEMMRUN_H
