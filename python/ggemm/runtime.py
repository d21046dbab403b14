"""The runtime's C ABI (include/ggemm/Runtime/CRuntime.h) through ctypes.

    rt = Runtime()                       # libggemm_runtime.so
    kernel = rt.load(cache.manifest(key))
    ws = ...                             # kernel.workspace_bytes, 64-aligned
    kernel.launch(stream, ws, a=..., b=..., sfa=..., sfb=..., c=...,
                  row_array=offs, rows=T)

A launch encodes the tensor maps on the host and enqueues the kernel's
setup kernel and the kernel on `stream`: nothing is allocated, copied or
waited for, so it can be captured into a CUDA graph. Addresses are ints
(a framework's data pointers); errors raise GGemmError with the runtime's
reason. The library is found through $GGEMM_RUNTIME_LIB, else next to this
package, else on the loader's path.
"""

import ctypes
import os

_u64 = ctypes.c_uint64
_i64 = ctypes.c_int64
_One = _u64 * 1


class GGemmError(RuntimeError):
    """A runtime call failed; the message is the runtime's reason."""


def _library_path():
    env = os.environ.get("GGEMM_RUNTIME_LIB")
    if env:
        return env
    here = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                        "libggemm_runtime.so")
    return here if os.path.exists(here) else "libggemm_runtime.so"


class Kernel:
    def __init__(self, runtime, handle, path):
        self._rt, self._handle, self.path = runtime, handle, path
        self.workspace_bytes = runtime._lib.ggemm_rt_workspace_bytes(handle)
        # Compiled with predecode: launches take a token workspace (one
        # row of it at least, so 0 rows tell).
        self.decodes_tokens = self.token_workspace_bytes(0) > 0

    def token_workspace_bytes(self, rows=0):
        """Bytes of the token workspace of a kernel that decodes its tokens
        (compiled with predecode=1) for `rows` rows of the one A; 0 for
        other kernels."""
        return self._rt._lib.ggemm_rt_token_workspace_bytes(self._handle,
                                                            _i64(rows))

    def launch(self, stream, workspace, a, b, sfa, sfb, c, row_array=0,
               alpha=0, rows=0, token_workspace=0, token_workspace_size=0):
        """Enqueues the kernel on `stream` (a CUstream as an int, 0 for the
        legacy default stream). a, b, sfa, sfb, c: one address each, or a
        list (one per group in list form). token_workspace: for a kernel
        that decodes its tokens, 256-byte aligned memory of
        token_workspace_size bytes, at least token_workspace_bytes(rows)."""
        def array(values):
            values = values if isinstance(values, (list, tuple)) else [values]
            return (_u64 * len(values))(*values), len(values)
        arrays = [array(x) for x in (a, b, sfa, sfb, c)]
        sets = arrays[0][1]
        if any(n != sets for _, n in arrays):
            raise GGemmError("launch: a, b, sfa, sfb and c need as many "
                             "addresses each")
        if token_workspace:
            self._rt._call("ggemm_rt_launch_decoded", self._handle,
                           ctypes.c_void_p(stream or None), _u64(workspace),
                           _u64(token_workspace), _i64(token_workspace_size),
                           _i64(sets),
                           *[x for x, _ in arrays], _u64(row_array),
                           _u64(alpha), _i64(rows))
            return
        self._rt._call("ggemm_rt_launch", self._handle,
                       ctypes.c_void_p(stream or None), _u64(workspace),
                       _i64(sets), *[x for x, _ in arrays], _u64(row_array),
                       _u64(alpha), _i64(rows))

    def launch_one(self, stream, workspace, a, b, sfa, sfb, c, row_array,
                   alpha, rows):
        """launch() for one operand set, addresses as ints in this order:
        the per-call path of a framework (no list handling)."""
        self._rt._call("ggemm_rt_launch", self._handle,
                       ctypes.c_void_p(stream or None), _u64(workspace),
                       _i64(1), _One(a), _One(b), _One(sfa), _One(sfb),
                       _One(c), _u64(row_array), _u64(alpha), _i64(rows))

    def launch_gathered(self, stream, workspace, a, b, sfa, sfb, c,
                        row_array, row_indices, rows, token_rows, alpha=0):
        """Enqueues a kernel of rows "gathered" on `stream`: A and SFA the
        token matrix of `token_rows` rows, C and `row_indices` (each routed
        row's token row, int32) of `rows` rows, `row_array` the offsets over
        the routed rows. One address each."""
        self._rt._call("ggemm_rt_launch_gathered", self._handle,
                       ctypes.c_void_p(stream or None), _u64(workspace),
                       _u64(a), _u64(b), _u64(sfa), _u64(sfb), _u64(c),
                       _u64(row_array), _u64(alpha), _i64(rows),
                       _u64(row_indices), _i64(token_rows))

    def close(self):
        if self._handle:
            self._rt._lib.ggemm_rt_kernel_free(self._handle)
            self._handle = None

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass


class Runtime:
    def __init__(self, path=None, device=None):
        self._lib = ctypes.CDLL(path or _library_path())
        lib = self._lib
        lib.ggemm_rt_last_error.restype = ctypes.c_char_p
        lib.ggemm_rt_workspace_bytes.restype = _i64
        lib.ggemm_rt_workspace_bytes.argtypes = [ctypes.c_void_p]
        lib.ggemm_rt_kernel_free.argtypes = [ctypes.c_void_p]
        lib.ggemm_rt_kernel_load.argtypes = [ctypes.c_char_p,
                                             ctypes.POINTER(ctypes.c_void_p)]
        lib.ggemm_rt_alloc.argtypes = [ctypes.c_size_t, ctypes.POINTER(_u64)]
        lib.ggemm_rt_upload.argtypes = [_u64, ctypes.c_void_p, ctypes.c_size_t]
        lib.ggemm_rt_download.argtypes = [ctypes.c_void_p, _u64,
                                          ctypes.c_size_t]
        lib.ggemm_rt_free.argtypes = [_u64]
        lib.ggemm_rt_error_flags.argtypes = [_u64, ctypes.POINTER(ctypes.c_int32)]
        lib.ggemm_rt_launch_gathered.argtypes = [
            ctypes.c_void_p, ctypes.c_void_p, _u64] + [_u64] * 7 + \
            [_i64, _u64, _i64]
        lib.ggemm_rt_launch.argtypes = [
            ctypes.c_void_p, ctypes.c_void_p, _u64, _i64] + \
            [ctypes.POINTER(_u64)] * 5 + [_u64, _u64, _i64]
        lib.ggemm_rt_token_workspace_bytes.restype = _i64
        lib.ggemm_rt_token_workspace_bytes.argtypes = [ctypes.c_void_p, _i64]
        lib.ggemm_rt_launch_decoded.argtypes = [
            ctypes.c_void_p, ctypes.c_void_p, _u64, _u64, _i64, _i64] + \
            [ctypes.POINTER(_u64)] * 5 + [_u64, _u64, _i64]
        if device:
            self._call("ggemm_rt_select_device", device.encode())

    def _call(self, name, *args):
        if getattr(self._lib, name)(*args) != 0:
            raise GGemmError(self._lib.ggemm_rt_last_error().decode())

    def load(self, manifest):
        handle = ctypes.c_void_p()
        self._call("ggemm_rt_kernel_load", os.fsencode(manifest),
                   ctypes.byref(handle))
        return Kernel(self, handle, manifest)

    def error_flags(self, workspace):
        flags = ctypes.c_int32()
        self._call("ggemm_rt_error_flags", _u64(workspace), ctypes.byref(flags))
        return flags.value

    # Device memory, for callers without a framework.
    def alloc(self, size):
        out = _u64()
        self._call("ggemm_rt_alloc", ctypes.c_size_t(size), ctypes.byref(out))
        return out.value

    def free(self, address):
        self._call("ggemm_rt_free", _u64(address))

    def upload(self, address, data):
        data = bytes(data)
        self._call("ggemm_rt_upload", _u64(address), data, len(data))

    def download(self, address, size):
        out = ctypes.create_string_buffer(size)
        self._call("ggemm_rt_download", out, _u64(address), size)
        return out.raw

    def synchronize(self):
        self._call("ggemm_rt_synchronize")
