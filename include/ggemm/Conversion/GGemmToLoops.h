//===- GGemmToLoops.h - ggemm to scf/arith/memref ---------------*- C++ -*-===//
//
// The reference lowering of the ggemm dialect to loops, for integration into
// other compilers' conversions.
//
//===----------------------------------------------------------------------===//

#ifndef GGEMM_CONVERSION_GGEMMTOLOOPS_H
#define GGEMM_CONVERSION_GGEMMTOLOOPS_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Transforms/DialectConversion.h"

namespace mlir::ggemm {

/// Maps NVFP4 memrefs to their byte storage: `memref<... x K x f4E2M1FN>`
/// to `memref<... x K/2 x i8>` (packed, identity layout, static even K
/// required), `memref<... x f8E4M3FN>` to `memref<... x i8>`. Other types
/// are unchanged.
class NVFP4StorageTypeConverter : public TypeConverter {
public:
  NVFP4StorageTypeConverter();
};

/// Patterns that rewrite the rest of a program onto that storage (ggemm's:
/// two e2m1 codes per byte, low nibble first, where upstream's LLVM
/// lowering gives each code a byte): memref loads and stores of NVFP4
/// elements, constant-index memref.dim, memref.expand_shape and
/// memref.collapse_shape, allocations, deallocations, copies, casts,
/// aligned-pointer extraction, gpu.alloc/dealloc/memcpy/launch_func,
/// functions, calls, returns and scf loops. `target` learns that these,
/// functions and every op the caller has not declared otherwise are legal
/// once they carry no NVFP4 memref.
void populateNVFP4StoragePatterns(const NVFP4StorageTypeConverter &converter,
                                  RewritePatternSet &patterns,
                                  ConversionTarget &target);
/// The same inside a program's own GPU kernels (gpu.func signatures
/// instead of func's): a store of a code is an atomic read-modify-write of
/// its byte (memref.generic_atomic_rmw), since the two codes of a byte may
/// belong to two threads.
void populateNVFP4KernelStoragePatterns(
    const NVFP4StorageTypeConverter &converter, RewritePatternSet &patterns,
    ConversionTarget &target);
/// Whether the patterns above rewrite `op` (by its kind).
bool hasNVFP4StoragePattern(Operation *op);
/// Diagnoses an NVFP4 memref type of `op` (operands, results, block
/// arguments, function arguments) that has no byte storage.
LogicalResult checkNVFP4StorageTypes(Operation *op);
/// Diagnoses `op` if it carries an NVFP4 memref and nothing rewrites it;
/// `pass` names the pass in the message.
LogicalResult checkNVFP4StorageOp(Operation *op, StringRef pass);
/// Both checks above on `root` and every op under it (post-order), but
/// for the contents of gpu.modules where `skipKernels`; the first failure
/// is diagnosed.
LogicalResult checkNVFP4Storage(Operation *root, StringRef pass,
                                bool skipKernels);

/// Names of the decode tables the loops read.
inline constexpr llvm::StringLiteral kE2M1TableName = "__ggemm_e2m1_to_f32";
inline constexpr llvm::StringLiteral kE4M3TableName = "__ggemm_e4m3_to_f32";

/// Adds the e2m1 (16 x f32) and e4m3 (256 x f32) decode tables to `module`
/// as private constant memref.globals unless they exist. The patterns below
/// read them, so call this before applying them.
void addDecodeTables(ModuleOp module);

/// Turns every ggemm.persistent under `root` into one scf.for over the CTAs
/// per phase (the phases run one after the other: the grid barrier). Run it
/// before applying the patterns below.
void lowerPersistentToCtaLoops(Operation *root);

/// Patterns lowering ggemm ops to scf/arith/memref/cf over storage types.
void populateGGemmToLoopsConversionPatterns(
    const NVFP4StorageTypeConverter &converter, RewritePatternSet &patterns);

} // namespace mlir::ggemm

#endif // GGEMM_CONVERSION_GGEMMTOLOOPS_H
