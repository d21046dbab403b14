//===- MLIRCAPI.cpp - MLIR's C API as a shared library --------------------===//
//
// Intentionally empty: libGGemmMLIR-C.so consists of MLIR's C API archives,
// embedded whole (see CMakeLists.txt); a library needs one source file.
//
//===----------------------------------------------------------------------===//
