"""The torch layer: ``torch.ops.ggemm.grouped_mm_nvfp4``.

    import ggemm.torch_ops                   # registers the op
    ggemm.torch_ops.use_cache("~/.cache/ggemm")
    out = torch.ops.ggemm.grouped_mm_nvfp4(a, sfa, b, sfb, offs)

a: uint8 (or float4_e2m1fn_x2) [T, K/2], packed e2m1, element 2j in the low
nibble of byte j; sfa: float8_e4m3fn (or uint8) [T, K/16], UE4M3 codes (bit
7 clear); b: [G, N, K/2]; sfb: [G, N, K/16]; offs: int32 [G], the
cumulative end row of each group (torch._grouped_mm's); alpha: optional
float32 [G]. Returns float16 [T, N]; rows past offs[-1] are left as
torch.empty made them. The kernel for (chip, N, K, G) must be in the cache
(python3 -m ggemm fill ...): a miss raises CacheMiss naming the key
and the command. The launch is on torch's current stream, allocates only
the output and the workspace (and, for a kernel compiled with predecode,
the tokens' f16 copy) from torch's caching allocator, copies and
waits for nothing, so the op works under CUDA graph capture and
torch.cuda.set_sync_debug_mode("error"); register_fake gives
torch.compile the output's shape.

    out = torch.ops.ggemm.grouped_mm_nvfp4_gathered(x, sfx, b, sfb, offs,
                                                    row_indices)

takes the tokens un-permuted instead: x [T, K/2] and sfx [T, K/16] the
token matrix, row_indices int32 [R] each routed row's token row (top-k
routing without a permuted copy), offs the cumulative end offsets over the
R routed rows; returns float16 [R, N] in group order. An index outside
[0, T) in a grouped row is clamped by the kernel and flagged in the
workspace's status word (bit 2), not read past A.

Device 0 only (the runtime's C ABI works in device 0's primary context,
the one torch uses). Scale bytes with bit 7 set would be read as UE4M3,
not as torch's signed e4m3: with check_scales=True (the default) an
asynchronous device assertion (torch._assert_async) refuses them without
a host synchronization.
"""

import functools
import weakref
from typing import Optional

import torch

from .args import (ARRAY_ALIGNMENT, MATRIX_ALIGNMENT, ArgumentError,
                   Operand, check_gathered_problem, check_offsets_problem)
from .cache import CacheKey, KernelCache
from .runtime import Runtime

_state = {"cache": None, "runtime": None, "kernels": {}}
# What a call needs beyond its addresses, per operand signature (layout,
# then each operand's dtype, shape, strides and device): the kernel and N.
# The argument rules run when a signature is first seen; later calls with
# the same signature check only their addresses' alignment.
_plans = {}
_MAX_PLANS = 4096
# Scale tensors already checked for bit 7, by object: id -> (weak
# reference, version counter). A weight's scales are checked once, again
# only after an in-place write (torch bumps the version counter).
_scales_checked = {}


def use_cache(root):
    """Where the kernels are (filled ahead of time)."""
    _state["cache"] = KernelCache(root)
    _state["kernels"].clear()
    _plans.clear()


@functools.lru_cache(maxsize=None)
def _chip(device):
    major, minor = torch.cuda.get_device_capability(device)
    return {(9, 0): "sm_90a", (10, 0): "sm_100a"}.get((major, minor)) or \
        "sm_%d%d" % (major, minor)


def _kernel(key):
    kernels = _state["kernels"]
    if key not in kernels:
        if _state["cache"] is None:
            raise RuntimeError("ggemm: no kernel cache; call "
                               "ggemm.torch_ops.use_cache(root) first")
        if _state["runtime"] is None:
            _state["runtime"] = Runtime()
        kernels[key] = _state["runtime"].load(_state["cache"].manifest(key))
    return kernels[key]


def _operand(t):
    if t is None:
        return None
    dtype = str(t.dtype).replace("torch.", "")
    return Operand(tuple(t.shape), dtype, tuple(t.stride()), str(t.device),
                   t.data_ptr())


def _output_operand(a, rows, n):
    """The output the op makes: [rows, N] float16, contiguous, on A's
    device (allocated 512-byte aligned by torch)."""
    return Operand((rows, n), "float16", (n, 1), str(a.device), 0)


def _check(layout, a, sfa, b, sfb, offs, row_indices, alpha):
    """Every argument rule (ggemm.args) on these operands; returns the
    kernel's key and N, or raises naming the argument."""
    if a.device.type != "cuda" or (a.device.index or 0) != 0:
        raise ValueError("a: on %s; ggemm launches on cuda:0" % a.device)
    if b.dim() != 3:
        raise ArgumentError("b: shape %s; expected [G, N, K/2]"
                            % list(b.shape))
    g, n, k = b.shape[0], b.shape[1], 2 * b.shape[2]
    key = CacheKey(_chip(a.device), n=n, k=k, groups=g, rows=layout,
                   alpha=alpha is not None)
    ops = [_operand(x) for x in (a, sfa, b, sfb, offs)]
    if layout == "offsets":
        check_offsets_problem(key, *ops, _output_operand(a, a.shape[0], n),
                              _operand(alpha))
    else:
        rows = row_indices.shape[0] if row_indices.dim() == 1 else 0
        check_gathered_problem(key, *ops, _operand(row_indices),
                               _output_operand(a, rows, n), _operand(alpha))
    return key, n


def _plan(layout, a, sfa, b, sfb, offs, row_indices, alpha):
    """(kernel, N) for these operands; the argument rules run once per
    operand signature."""
    signature = (layout,) + tuple(
        None if t is None else (t.dtype, t.shape, t.stride(), t.device)
        for t in (a, sfa, b, sfb, offs, row_indices, alpha))
    plan = _plans.get(signature)
    if plan is None:
        key, n = _check(layout, a, sfa, b, sfb, offs, row_indices, alpha)
        if len(_plans) >= _MAX_PLANS:
            _plans.clear()
        plan = _plans[signature] = (_kernel(key), n)
    return plan


def _addresses(layout, a, sfa, b, sfb, offs, row_indices, alpha):
    """The operands' addresses; a misaligned one is refused by the rules'
    own check (which names it)."""
    addresses = [a.data_ptr(), sfa.data_ptr(), b.data_ptr(), sfb.data_ptr(),
                 offs.data_ptr(),
                 0 if row_indices is None else row_indices.data_ptr(),
                 0 if alpha is None else alpha.data_ptr()]
    matrices = addresses[0] | addresses[1] | addresses[2] | addresses[3]
    arrays = addresses[4] | addresses[5] | addresses[6]
    if matrices % MATRIX_ALIGNMENT or arrays % ARRAY_ALIGNMENT:
        _check(layout, a, sfa, b, sfb, offs, row_indices, alpha)
    return addresses


def _check_scales(named):
    """Scale bytes with bit 7 set, refused on the device (no host sync).
    A tensor object already checked at its current version is skipped,
    except while a CUDA graph is captured: its replays read whatever the
    tensors hold then, so the graph keeps every check."""
    capturing = torch.cuda.is_current_stream_capturing()
    for name, s in named:
        try:
            version = s._version
        except RuntimeError:  # inference tensors have no version counter
            version = None
        seen = _scales_checked.get(id(s))
        if not capturing and version is not None and seen is not None \
                and seen[0]() is s and seen[1] == version:
            continue
        torch._assert_async((s.view(torch.uint8) < 128).all(),
                            "ggemm: %s has bytes with bit 7 set (UE4M3 "
                            "scales are unsigned)" % name)
        if version is not None:
            if len(_scales_checked) >= _MAX_PLANS:
                _scales_checked.clear()
            _scales_checked[id(s)] = (weakref.ref(s), version)


# The e2m1 code points, by code (bit 3 the sign).
E2M1_VALUES = (0.0, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0,
               -0.0, -0.5, -1.0, -1.5, -2.0, -3.0, -4.0, -6.0)


def dequantize(data, scales, dtype=torch.float64):
    """The values the op multiplies, for references: packed e2m1 `data`
    [..., K/2] (uint8, element 2j in the low nibble of byte j) times UE4M3
    `scales` [..., K/16] (bit 7 clear), as `dtype` [..., K]."""
    lut = torch.tensor(E2M1_VALUES, dtype=dtype, device=data.device)
    data = data.view(torch.uint8)
    lo, hi = lut[(data & 15).long()], lut[(data >> 4).long()]
    values = torch.stack([lo, hi], dim=-1).flatten(-2)
    s = scales.view(torch.float8_e4m3fn).to(dtype)
    return values * s.repeat_interleave(16, dim=-1)


def reference_errors(out, a, sfa, b, sfb, offs, rows_per_group=None):
    """Compares a grouped output with the float64 products of the
    dequantized operands, element by element, against ggemm's error bound
    (|exact| 2^-10 + sum of |products| x K x 2^-23). Every row of every
    group, or `rows_per_group` rows spread over each (first and last
    included); one group's B is dequantized at a time. Returns (rows,
    checked, worst, bad): the grouped rows, the rows compared, the largest
    error as a fraction of its bound, and (group, elements beyond the
    bound) for each group that has any."""
    k = a.shape[1] * 2
    start, worst, checked, bad = 0, 0.0, 0, []
    for g, end in enumerate(offs.tolist()):
        if end > start:
            rows = torch.arange(start, end, device=a.device)
            if rows_per_group and end - start > rows_per_group:
                pick = torch.linspace(0, end - start - 1, rows_per_group,
                                      device=a.device).round().long()
                rows = rows[pick]
            da = dequantize(a[rows], sfa.view(torch.uint8)[rows])
            db = dequantize(b[g], sfb.view(torch.uint8)[g])
            exact = da @ db.T
            absum = da.abs() @ db.abs().T
            err = (out[rows].double() - exact).abs()
            bound = exact.abs() * 2.0 ** -10 + absum * k * 2.0 ** -23
            beyond = int((err > bound).sum())
            if beyond:
                bad.append((g, beyond))
            worst = max(worst, float((err / bound.clamp_min(1e-30)).max()))
            checked += len(rows)
        start = max(start, end)
    return start, checked, worst, bad


def _stream():
    return torch.cuda.current_stream().cuda_stream


@torch.library.custom_op("ggemm::grouped_mm_nvfp4", mutates_args=())
def grouped_mm_nvfp4(a: torch.Tensor, sfa: torch.Tensor, b: torch.Tensor,
                     sfb: torch.Tensor, offs: torch.Tensor,
                     alpha: Optional[torch.Tensor] = None,
                     check_scales: bool = True) -> torch.Tensor:
    kernel, n = _plan("offsets", a, sfa, b, sfb, offs, None, alpha)
    pa, psfa, pb, psfb, poffs, _, palpha = _addresses(
        "offsets", a, sfa, b, sfb, offs, None, alpha)
    if check_scales:
        _check_scales((("sfa", sfa), ("sfb", sfb)))
    t = a.shape[0]
    out = torch.empty((t, n), dtype=torch.float16, device=a.device)
    workspace = torch.empty(kernel.workspace_bytes, dtype=torch.uint8,
                            device=a.device)
    if kernel.decodes_tokens:
        token_bytes = kernel.token_workspace_bytes(t)
        # A kernel that decodes its tokens (predecode): their f16 copy, in
        # memory of torch's allocator too, 256-byte aligned.
        tokens = torch.empty(token_bytes + 256, dtype=torch.uint8,
                             device=a.device)
        address = (tokens.data_ptr() + 255) // 256 * 256
        kernel.launch(_stream(), workspace.data_ptr(), pa, pb, psfa, psfb,
                      out.data_ptr(), poffs, palpha, t,
                      token_workspace=address,
                      token_workspace_size=token_bytes)
        return out
    kernel.launch_one(_stream(), workspace.data_ptr(), pa, pb, psfa, psfb,
                      out.data_ptr(), poffs, palpha, t)
    return out


@grouped_mm_nvfp4.register_fake
def _(a, sfa, b, sfb, offs, alpha=None, check_scales=True):
    return a.new_empty((a.shape[0], b.shape[1]), dtype=torch.float16)


@torch.library.custom_op("ggemm::grouped_mm_nvfp4_gathered", mutates_args=())
def grouped_mm_nvfp4_gathered(x: torch.Tensor, sfx: torch.Tensor,
                              b: torch.Tensor, sfb: torch.Tensor,
                              offs: torch.Tensor, row_indices: torch.Tensor,
                              alpha: Optional[torch.Tensor] = None,
                              check_scales: bool = True) -> torch.Tensor:
    kernel, n = _plan("gathered", x, sfx, b, sfb, offs, row_indices, alpha)
    px, psfx, pb, psfb, poffs, pidx, palpha = _addresses(
        "gathered", x, sfx, b, sfb, offs, row_indices, alpha)
    if check_scales:
        _check_scales((("sfx", sfx), ("sfb", sfb)))
    r = row_indices.shape[0]
    out = torch.empty((r, n), dtype=torch.float16, device=x.device)
    workspace = torch.empty(kernel.workspace_bytes, dtype=torch.uint8,
                            device=x.device)
    kernel.launch_gathered(
        _stream(), workspace.data_ptr(), a=px, b=pb, sfa=psfx, sfb=psfb,
        c=out.data_ptr(), row_array=poffs, row_indices=pidx, rows=r,
        token_rows=x.shape[0], alpha=palpha)
    return out


@grouped_mm_nvfp4_gathered.register_fake
def _(x, sfx, b, sfb, offs, row_indices, alpha=None, check_scales=True):
    return x.new_empty((row_indices.shape[0], b.shape[1]),
                       dtype=torch.float16)
