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
the output and the workspace from torch's caching allocator, copies and
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

from typing import Optional

import torch

from .args import Operand, check_gathered_problem, check_offsets_problem
from .cache import CacheKey, KernelCache
from .runtime import Runtime

_state = {"cache": None, "runtime": None, "kernels": {}}


def use_cache(root):
    """Where the kernels are (filled ahead of time)."""
    _state["cache"] = KernelCache(root)
    _state["kernels"].clear()


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
    dtype = str(t.dtype).replace("torch.", "")
    return Operand(tuple(t.shape), dtype, tuple(t.stride()), str(t.device),
                   t.data_ptr())


def _key_and_output(a, b, alpha, rows, out_rows):
    """The key of the kernel the operands need, and the output."""
    if a.device.type != "cuda" or (a.device.index or 0) != 0:
        raise ValueError("a: on %s; ggemm launches on cuda:0" % a.device)
    g, n, k = b.shape[0], b.shape[1], 2 * b.shape[2]
    key = CacheKey(_chip(a.device), n=n, k=k, groups=g, rows=rows,
                   alpha=alpha is not None)
    out = torch.empty((out_rows, n), dtype=torch.float16, device=a.device)
    return key, out


def _check_scales(sfa, sfb):
    """Scale bytes with bit 7 set, refused on the device (no host sync)."""
    for name, s in (("sfa", sfa), ("sfb", sfb)):
        torch._assert_async((s.view(torch.uint8) < 128).all(),
                            "ggemm: %s has bytes with bit 7 set (UE4M3 "
                            "scales are unsigned)" % name)


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


def _workspace(kernel, device):
    return torch.empty(kernel.workspace_bytes, dtype=torch.uint8,
                       device=device)


@torch.library.custom_op("ggemm::grouped_mm_nvfp4", mutates_args=())
def grouped_mm_nvfp4(a: torch.Tensor, sfa: torch.Tensor, b: torch.Tensor,
                     sfb: torch.Tensor, offs: torch.Tensor,
                     alpha: Optional[torch.Tensor] = None,
                     check_scales: bool = True) -> torch.Tensor:
    t = a.shape[0]
    key, out = _key_and_output(a, b, alpha, "offsets", t)
    check_offsets_problem(key, _operand(a), _operand(sfa), _operand(b),
                          _operand(sfb), _operand(offs), _operand(out),
                          None if alpha is None else _operand(alpha))
    if check_scales:
        _check_scales(sfa, sfb)
    kernel = _kernel(key)
    workspace = _workspace(kernel, a.device)
    kernel.launch(torch.cuda.current_stream(a.device).cuda_stream,
                  workspace.data_ptr(), a=a.data_ptr(), b=b.data_ptr(),
                  sfa=sfa.data_ptr(), sfb=sfb.data_ptr(), c=out.data_ptr(),
                  row_array=offs.data_ptr(),
                  alpha=0 if alpha is None else alpha.data_ptr(), rows=t)
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
    r = row_indices.shape[0] if row_indices.dim() == 1 else 0
    key, out = _key_and_output(x, b, alpha, "gathered", r)
    t, r = check_gathered_problem(
        key, _operand(x), _operand(sfx), _operand(b), _operand(sfb),
        _operand(offs), _operand(row_indices), _operand(out),
        None if alpha is None else _operand(alpha))
    if check_scales:
        _check_scales(sfx, sfb)
    kernel = _kernel(key)
    workspace = _workspace(kernel, x.device)
    kernel.launch_gathered(
        torch.cuda.current_stream(x.device).cuda_stream, workspace.data_ptr(),
        a=x.data_ptr(), b=b.data_ptr(), sfa=sfx.data_ptr(),
        sfb=sfb.data_ptr(), c=out.data_ptr(), row_array=offs.data_ptr(),
        row_indices=row_indices.data_ptr(), rows=r, token_rows=t,
        alpha=0 if alpha is None else alpha.data_ptr())
    return out


@grouped_mm_nvfp4_gathered.register_fake
def _(x, sfx, b, sfb, offs, row_indices, alpha=None, check_scales=True):
    return x.new_empty((row_indices.shape[0], b.shape[1]),
                       dtype=torch.float16)
