//===- KernelCommon.h - what both GPU lowerings share (private) -*- C++ -*-===//
//
// The problem facts a kernel is specialised for, and the per-group values
// every kernel reads from its parameters (docs/kernel-abi.md): shapes,
// tensor-map indices, C and scale pointers, alpha.
//
//===----------------------------------------------------------------------===//

#ifndef GGEMM_LIB_CONVERSION_GGEMMTONVVM_KERNELCOMMON_H
#define GGEMM_LIB_CONVERSION_GGEMMTONVVM_KERNELCOMMON_H

#include "ggemm/Target/TargetInfo.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::ggemm {

/// Run-time facts of one group, as `index` values except the i64 device
/// addresses `c`, `sfa`, `sfb` and the f32 `alpha` (null without alpha).
struct GroupFacts {
  Value m, n, k, kTiles, mapA, mapB, mapSfa, mapSfb, c, sfa, sfb, bRowBase,
      alpha;
  /// The tile's K tiles are kFirst .. kFirst + kTiles - 1: all of K (kFirst
  /// 0) unless emitSplitRange narrowed them to one K split.
  Value kFirst;
  /// Rows of A (and SFA, C) in device memory: set with run-time rows and
  /// a row base (status[0]; G x max_m in rows<masked>), else null. In
  /// rows<gathered> the routed rows (C's and row_indices'), and 0 when A
  /// has no rows.
  Value rowsA;
  /// rows<gathered>: the row_indices parameter, A's rows (token_rows, an
  /// index) and A's device address (token_matrix, i64), else null.
  Value rowIndices, tokenRows, tokenMatrix;
};

/// The end of the rows of A that a group starting at row `rowBase` owns:
/// rowBase + m, and never past A's rows at run time (rowsA). Not for
/// rows<gathered>, whose rows are routed.
Value emitGroupRowEnd(OpBuilder &b, Location loc, const GroupFacts &f,
                      Value rowBase);

/// rows<gathered>: the token row (an index in [0, T)) that routed row
/// `routed` reads, for a routed row inside its group (so below rowsA and
/// T > 0). An index outside [0, T) is clamped, and with `flag` set raises
/// kStatusRowIndexClamped.
Value emitGatheredRow(OpBuilder &b, Location loc, const GroupFacts &f,
                      ValueRange params, Value routed, bool flag);

/// The kernel parameter `status` (docs/kernel-abi.md): status[0] the rows
/// of A, status[1] the error flags, which are
constexpr unsigned kStatusParam = 5;
/// - group sizes or offsets that pass the rows of A (clamped to them);
constexpr int32_t kStatusRowsPastA = 1;
/// - negative sizes, offsets out of order or counts outside [0, max_m]
///   (clamped);
constexpr int32_t kStatusRowsClamped = 2;
/// - row indices outside [0, T) (rows<gathered>; clamped).
constexpr int32_t kStatusRowIndexClamped = 4;

/// Ors `flag` into the error flags status[1] (atomically: other threads
/// and CTAs may raise other bits).
void emitOrStatusFlag(OpBuilder &b, Location loc, Value status, int32_t flag);

/// Emits the facts of group `group` (an index) from the kernel parameters
/// (mapSfa/mapSfb only with KernelProblem::scaleMaps)
/// `params` (tensor maps, C pointers, scale pointers, group sizes, alpha,
/// status). With run-time sizes (rows<contiguous>, rows<offsets>) and the
/// group's first row `rowBase`, m is clamped to the rows of A left after
/// rowBase (status[0]), and a group that passes them sets bit 0 of
/// status[1]; in rows<masked> m is the count clamped to [0, max_m]: device
/// data never makes the kernel read or write past its buffers.
GroupFacts emitGroupFacts(OpBuilder &b, Location loc, const KernelProblem &p,
                          ValueRange params, Value group,
                          Value rowBase = Value());

/// The generic address of tensor map `index` in the kernel's array of
/// 128-byte CUtensorMaps.
Value emitTensorMapPtr(OpBuilder &b, Location loc, Value tensorMaps,
                       Value index);

/// Makes every tensor map of the launch usable by the calling thread's
/// TMA: one `fence.proxy.tensormap::generic.acquire.gpu` over each map's
/// 128 bytes. The host writes the maps into global memory (a generic-proxy
/// write) and TMA reads them through the tensormap proxy; the CUDA
/// Programming Guide asks for this acquire before such a map's first use.
/// Emitted in both prologues, for the threads that issue TMA.
void emitTensorMapAcquire(OpBuilder &b, Location loc, const KernelProblem &p,
                          Value tensorMaps);

/// The kernel's dynamic shared memory (`gpu.dynamic_shared_memory`) as a
/// shared-window address rounded up to 1024 bytes: both kernels lay their
/// regions out from there, because 128B-swizzled TMA destinations (and
/// sm_100a's descriptors with base offset 0) need the swizzle pattern's
/// 1024-byte alignment while the ISA aligns dynamic shared memory to 16
/// bytes only (the emulator, which places it so under some seeds, caught
/// the sm_90a kernel assuming more). Each kernel's launch asks for 1024
/// bytes more than its layout.
struct SharedRegion {
  Value address; ///< i64
  Value pointer; ///< the same address as !llvm.ptr<3>
};
SharedRegion emitSharedRegion(OpBuilder &b, Location loc);

/// `base` (a shared-memory pointer) advanced by `byteOffset` (an index).
Value emitSharedGEP(OpBuilder &b, Location loc, Value base, Value byteOffset);

/// The same pointer in the shared::cluster window, as TMA destinations want.
Value emitClusterPtr(OpBuilder &b, Location loc, Value sharedPtr);

//===----------------------------------------------------------------------===//
// The ring of stage buffers (both kernels)
//===----------------------------------------------------------------------===//

/// Where the `count`-th use of a ring of `size` buffers lands: buffer
/// count % size, in a round of phase parity (count / size) % 2.
struct RingPosition {
  Value index, phase;
};
RingPosition emitRingPosition(OpBuilder &b, Location loc, Value count,
                              int64_t size);

/// Waits until the mbarrier at `barrier` completed the phase of parity
/// `parity` (an index: 0 or 1).
void emitWaitParity(OpBuilder &b, Location loc, Value barrier, Value parity);

/// Waits until the consumer released a buffer whose current round has
/// phase parity `phase`: the completion of the previous round (a fresh
/// barrier passes at once).
void emitWaitReleased(OpBuilder &b, Location loc, Value barrier, Value phase);

/// The loop over a role's `count` uses of a ring of `stages` buffers from
/// its `first`-th: body(i, position of use first + i).
void emitRingLoop(OpBuilder &b, Location loc, Value first, Value count,
                  int64_t stages,
                  function_ref<void(Value i, RingPosition position)> body);

/// TMA of one 2-D box (x = byte column, then row; index values) of the
/// tensor map at `mapPtr` to the shared-memory pointer `dst`, completing on
/// the mbarrier `bar`.
void emitTmaLoad(OpBuilder &b, Location loc, Value dst, Value mapPtr, Value x,
                 Value row, Value bar);
/// TMA of one box of any rank (coordinates innermost first; index values).
void emitTmaLoad(OpBuilder &b, Location loc, Value dst, Value mapPtr,
                 ValueRange coords, Value bar);

/// The pattern lowering ggemm.warp_specialize (WarpRoles.cpp).
void populateWarpSpecializeToNVVMPatterns(RewritePatternSet &patterns);

//===----------------------------------------------------------------------===//
// The f16 epilogue (both kernels; F16Epilogue.cpp)
//===----------------------------------------------------------------------===//

/// Stores the f32 accumulators `values` (a vector<N x f32>) of group `g` as
/// f16 (after alpha, if the group has one; round to nearest even) to the N
/// consecutive elements of C that start at element `element` (an index:
/// row * N_g + column, rows counted from the group's first in C), with the
/// given alignment in bytes.
void emitF16Store(OpBuilder &b, Location loc, const GroupFacts &g,
                  Value values, Value element, unsigned alignment);

/// alpha (when the problem has it) times the f32 vector `values`, rounded
/// to f16: what emitF16Store stores.
Value emitF16Values(OpBuilder &b, Location loc, const GroupFacts &g,
                    Value values);

//===----------------------------------------------------------------------===//
// Split-K (both kernels; SplitK.cpp)
//===----------------------------------------------------------------------===//

/// Narrows `g` to the K tiles of split `split` (an index): emitSplitKRange
/// (TileSpaceToArith.h), the formula the CPU lowering and the split-K cost
/// rule use too. A split may be empty (a group with fewer K tiles than
/// split_k): its partial is zero.
void emitSplitRange(OpBuilder &b, Location loc, const KernelProblem &p,
                    GroupFacts &g, Value split);

/// The workspace parameter (docs/kernel-abi.md, parameter 6) as an i64
/// global address.
Value emitWorkspaceBase(OpBuilder &b, Location loc, ValueRange params);

/// How many partial tiles the workspace holds (an index): the exact work
/// count with static sizes, else the bound docs/kernel-abi.md gives from
/// the rows of A (status[0], which `g`, the facts of a group read with its
/// row base, already holds). emitPartialSlot stays below it for every tile
/// with rows in A; a slot at or past it is neither stored nor read.
Value emitWorkspaceTiles(OpBuilder &b, Location loc, const KernelProblem &p,
                         const GroupFacts &g);

/// The workspace slot of K split `split` of the output tile at (m0, n0) of
/// group `group` whose K split `split` is work item `work`: `work` itself
/// with static sizes; with run-time sizes a slot that does not depend on
/// the sizes of other groups' tiles, ((floor((rowBase + m0) / tile_m) +
/// group) * max_g tiles_n + n0 / tile_n) * split_k + split, so that sizes
/// passing the rows of A (whose work items run past any bound) still leave
/// the rows that exist a slot below emitWorkspaceTiles.
Value emitPartialSlot(OpBuilder &b, Location loc, const KernelProblem &p,
                      Value group, Value rowBase, Value m0, Value n0,
                      Value split, Value work);
/// The i64 global address of the 16 bytes holding columns column ..
/// column + 3 (column a multiple of 4) of row `row` of the f32 partial in
/// workspace slot `slot` (docs/kernel-abi.md, "Split-K workspace").
Value emitPartialAddress(OpBuilder &b, Location loc, const KernelProblem &p,
                         Value workspace, Value slot, Value row, Value column);

/// The lowered ring: what the chip's prologue (the lowering of ggemm.ring)
/// defines and the roles' ops read (thread and lane ids, the shared
/// region's base, Tensor Memory's base, the roles' counters). It travels in
/// the IR, from the prologue to each op that uses the ring, as the inputs
/// of an unrealized_conversion_cast that replaces the ring's value; the
/// pass erases the cast once every user is lowered.
Value packRingState(OpBuilder &b, Location loc, RingType type,
                    ValueRange state);
/// The values packRingState packed into `ring` (empty when `ring` is not a
/// lowered ring).
ValueRange unpackRingState(Value ring);

/// Lowers ggemm.grid_barrier and ggemm.reduce_partials for a kernel of
/// `threads` threads a CTA.
void populateSplitKPatterns(RewritePatternSet &patterns,
                            const KernelProblem &p, ValueRange params,
                            int64_t threads);

} // namespace mlir::ggemm

#endif // GGEMM_LIB_CONVERSION_GGEMMTONVVM_KERNELCOMMON_H
