"""ggemm's torch-free Python core: kernels for grouped NVFP4 GEMMs, cached
on disk by shape, launched through the runtime's C ABI with ctypes.

  cache      the cache key, the on-disk kernel cache and the command that
             fills it ahead of time (``python3 -m ggemm fill``)
  runtime  the C ABI of libggemm_runtime.so: load a kernel, launch it on a
           caller's stream and workspace (nothing allocated or copied per
           launch), device memory for callers without a framework
  args     the argument rules a launch checks before it touches a device

Standard library only. ggemm.torch_ops (imported on its own, it needs
torch) registers torch.ops.ggemm.grouped_mm_nvfp4 on top (docs/python.md).
"""

from .args import (ArgumentError, Operand, check_gathered_problem,  # noqa: F401
                   check_offsets_problem)
from .cache import CacheKey, CacheMiss, KernelCache  # noqa: F401
from .runtime import GGemmError, Runtime  # noqa: F401
