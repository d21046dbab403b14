# -*- Python -*-
# lit configuration of the ggemm test suite.

import os

import lit.formats
from lit.llvm import llvm_config
from lit.llvm.subst import ToolSubst

config.name = "GGEMM"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test", ".c"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.ggemm_obj_root, "test")
config.excludes = ["CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py", "Inputs", "Unit", "consumer"]

config.substitutions.append(("%PATH%", config.environment["PATH"]))
config.environment["FILECHECK_OPTS"] = "-enable-var-scope --allow-unused-prefixes=false"

llvm_config.use_default_substitutions()
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)

tool_dirs = [config.ggemm_tools_dir, config.llvm_tools_dir]
tools = ["gemm-opt", "ggemm-cpu-run", "ggemm-capi-test"]
llvm_config.add_tool_substitutions(tools, tool_dirs)

# Shipped examples, the random problem generator, and the data seed of the
# execution tests (GGEMM_TEST_SEED draws fresh data; the default is fixed).
config.substitutions.append(("%examples", os.path.join(config.ggemm_src_root, "examples")))
config.substitutions.append(
    ("%gen", "python3 " + os.path.join(config.ggemm_src_root, "examples", "gen_examples.py")))
# The opcode mix of a kernel's main loops, from its PTX.
config.substitutions.append(
    ("%ptx-loop-mix", "python3 " + os.path.join(config.ggemm_src_root, "scripts", "ptx-loop-mix.py")))
config.substitutions.append(("%seed", os.environ.get("GGEMM_TEST_SEED", "1")))

# gemm-run (built where the CUDA toolkit is) opens the CUDA driver library
# only for --device gpu, at its first driver call; on --device emu it never
# does (feature gemm-run-emu, substitution %gemm-run-emu). For the GPU
# path's own checks (manifest, options, input files, driver errors) on
# machines without a GPU, the toolkit's stub libcuda (every call fails)
# stands in for the driver (%gemm-run).
gemm_run = os.path.join(config.ggemm_tools_dir, "gemm-run")
if os.path.exists(gemm_run):
    import ctypes

    # %gemm-run-emu: gemm-run as it is, with no driver library anywhere on
    # the path (--device emu never opens one). Registered before %gemm-run,
    # which is its prefix.
    config.substitutions.append(("%gemm-run-emu", gemm_run))
    config.available_features.add("gemm-run-emu")
    try:
        ctypes.CDLL("libcuda.so.1")
        config.available_features.add("gemm-run")
        config.substitutions.append(("%gemm-run", gemm_run))
    except OSError:
        cuda = os.environ.get("GGEMM_CUDA", "/usr/local/cuda")
        stub = os.path.join(cuda, "lib64", "stubs", "libcuda.so")
        if os.path.exists(stub):
            stub_dir = os.path.join(config.test_exec_root, "cuda-stub")
            os.makedirs(stub_dir, exist_ok=True)
            link = os.path.join(stub_dir, "libcuda.so.1")
            if os.path.lexists(link):
                os.remove(link)
            os.symlink(stub, link)
            config.available_features.update(["gemm-run", "cuda-stub"])
            config.substitutions.append(
                ("%gemm-run", "env LD_LIBRARY_PATH=%s %s" % (stub_dir, gemm_run)))

# ggemm-probe (built with gemm-run) runs hand-written PTX probes through the
# runtime's driver table; on `--device emu` it needs no driver library at
# all, and neither does gemm-run (Emulator/).
ggemm_probe = os.path.join(config.ggemm_tools_dir, "ggemm-probe")
if os.path.exists(ggemm_probe):
    config.available_features.add("ggemm-probe")
    config.substitutions.append(("%ggemm-probe", ggemm_probe))

# An ahead-of-time compiled host program (AOT/, docs/aot-host.md) links
# libGGemmMGPU (built where the CUDA toolkit is) and libcuda: here the
# toolkit's stub, which every machine with the toolkit has, GPU or not.
cuda_root = os.environ.get("GGEMM_CUDA", "/usr/local/cuda")
cuda_stub = os.path.join(cuda_root, "lib64", "stubs", "libcuda.so")
mgpu_lib = os.path.join(config.ggemm_obj_root, "lib", "Runtime", "libGGemmMGPU.a")
if os.path.exists(mgpu_lib) and os.path.exists(cuda_stub):
    config.available_features.add("aot-build")
    config.substitutions.append(("%cuda_stub_dir", os.path.dirname(cuda_stub)))
    config.substitutions.append(
        ("%build-aot", os.path.join(config.ggemm_src_root, "scripts", "build-aot.sh")))
    # The whole-program example (examples/moe, docs/whole-program.md).
    config.substitutions.append(
        ("%build-moe", os.path.join(config.ggemm_src_root, "scripts", "build-moe.sh")))

# CUDA's ptxas assembles every emitted kernel (CI has CUDA 13 but no GPU).
ptxas = os.environ.get("GGEMM_PTXAS", "/usr/local/cuda/bin/ptxas")
if os.path.exists(ptxas):
    config.available_features.add("ptxas")
    config.substitutions.append(("%ptxas", ptxas))

# A build with -DGGEMM_SANITIZE: every report fails the test (the options
# scripts/test-sanitized.sh exports win; these are for a bare lit or ctest).
sanitize_flags = []
if config.ggemm_sanitize:
    sanitize_flags = ["-fsanitize=" + config.ggemm_sanitize]
    # Feature `sanitized`: the longest emulator sweeps (every token tile,
    # predecoded tokens, every sm_90a kernel) run each kernel under one
    # emulator seed here instead of two or three; the plain build runs them
    # all. A seed varies the emulator's warp interleavings, delays and the
    # dynamic shared memory's alignment (1024 or 16 bytes); the sanitized
    # run keeps the first seed's. Under the sanitizers each emulated launch
    # costs about seven times as long.
    config.available_features.add("sanitized")
    env = config.environment
    # allow_user_poisoning=0: see scripts/test-sanitized.sh (LLVM's
    # BumpPtrAllocator poisons slabs only where its header is instrumented).
    env.setdefault("ASAN_OPTIONS", "allow_user_poisoning=0")
    env.setdefault("UBSAN_OPTIONS", "halt_on_error=1:print_stacktrace=1")
    env.setdefault("ASAN_SYMBOLIZER_PATH", os.path.join(config.llvm_tools_dir, "llvm-symbolizer"))

# Stock mlir-opt and the plugin it loads (Plugin/).
if config.mlir_opt:
    config.available_features.add("mlir-opt")
    mlir_opt = config.mlir_opt
    if config.sanitizer_preload:
        mlir_opt = "env LD_PRELOAD=%s %s" % (config.sanitizer_preload, mlir_opt)
    config.substitutions.append(("%mlir-opt", mlir_opt))
config.substitutions.append(("%ggemm_plugin", config.ggemm_plugin))

# Python loading this build's shared libraries with ctypes (Python/): in a
# sanitized build the sanitizer runtime comes first, and Python's own
# allocations are not leak-checked.
python = "python3"
if config.sanitizer_preload:
    python = "env LD_PRELOAD=%s ASAN_OPTIONS=%s:detect_leaks=0 python3" % (
        config.sanitizer_preload,
        config.environment.get("ASAN_OPTIONS", "allow_user_poisoning=0"))
config.substitutions.append(("%ctypes-python", python))

# Stock mlir-runner with MLIR's runtime libraries: runs programs lowered with
# upstream passes only (the un-raised linalg programs of ggemm-raise).
mlir_runner = os.path.join(config.llvm_tools_dir, "mlir-runner")
runner_libs = [
    os.path.join(os.path.dirname(config.llvm_tools_dir), "lib", name)
    for name in ("libmlir_runner_utils.so", "libmlir_c_runner_utils.so")
]
if os.path.exists(mlir_runner) and all(os.path.exists(l) for l in runner_libs):
    config.available_features.add("mlir-runner")
    config.substitutions.append(
        ("%mlir-runner",
         "%s -e main -entry-point-result=void -shared-libs=%s"
         % (mlir_runner, ",".join(runner_libs))))

# Installing this build and building an out-of-tree user against it
# (Integration/): the same CMake, generator and compilers as this build.
config.substitutions.append(("%ggemm_obj_root", config.ggemm_obj_root))
config.substitutions.append(("%ggemm_src_root", config.ggemm_src_root))
config.substitutions.append(("%cmake", config.cmake))
config.substitutions.append(("%cc", " ".join([config.c_compiler] + sanitize_flags)))
config.substitutions.append(("%cxx_flags", " ".join(sanitize_flags)))
config.substitutions.append(("%cxx", config.cxx_compiler))
config.substitutions.append(("%mlir_include_dir", config.mlir_include_dir))
consumer_flags = [
    "-G", '"%s"' % config.cmake_generator,
    "-DCMAKE_MAKE_PROGRAM=" + config.cmake_make_program,
    "-DCMAKE_C_COMPILER=" + config.c_compiler,
    "-DCMAKE_CXX_COMPILER=" + config.cxx_compiler,
]
if config.compiler_launcher:
    consumer_flags += [
        "-DCMAKE_C_COMPILER_LAUNCHER=" + config.compiler_launcher,
        "-DCMAKE_CXX_COMPILER_LAUNCHER=" + config.compiler_launcher,
    ]
# The installed libraries are instrumented too: so must the consumer be.
if sanitize_flags:
    consumer_flags += ["-DCMAKE_C_FLAGS=" + sanitize_flags[0],
                       "-DCMAKE_CXX_FLAGS=" + sanitize_flags[0]]
config.substitutions.append(("%consumer_cmake_flags", " ".join(consumer_flags)))
