"""The argument rules of a launch, checked before anything touches a device.

A framework layer describes each tensor as an Operand (shape, dtype name,
element strides, device, address) and calls check_offsets_problem (or
check_gathered_problem), which refuses, naming the argument, anything the
kernel of `key` cannot take: wrong dtypes, shapes, devices, strides
(non-contiguous inputs), misaligned addresses and a kernel of the other
layout. In the offsets layout (torch._grouped_mm's) A holds the routed
tokens' rows back to back and `offs` the cumulative end row of each group;
in the gathered layout A holds the tokens un-permuted, and an int32 index
array gives each routed row's token row.
"""

import dataclasses

# Packed e2m1 data: two codes a byte, element 2j in the low nibble of byte j
# (torch.float4_e2m1fn_x2 or uint8). Scales: UE4M3 codes (bit 7 clear),
# as float8_e4m3fn or uint8.
DATA_DTYPES = ("uint8", "float4_e2m1fn_x2")
SCALE_DTYPES = ("uint8", "float8_e4m3fn")
# Address alignment in bytes: the matrices (data, scales, output; TMA and
# vector accesses) and the int32/float32 arrays (offsets, indices, alpha).
MATRIX_ALIGNMENT = 16
ARRAY_ALIGNMENT = 4


class ArgumentError(ValueError):
    """An argument the kernel cannot take; the message names it."""


@dataclasses.dataclass(frozen=True)
class Operand:
    shape: tuple
    dtype: str
    strides: tuple
    device: str
    address: int


def _dense(shape):
    strides, step = [], 1
    for size in reversed(shape):
        strides.append(step)
        step *= size
    return tuple(reversed(strides))


def _check(name, op, shape, dtypes, device, alignment):
    if op.dtype not in dtypes:
        raise ArgumentError("%s: dtype %s; expected %s"
                            % (name, op.dtype, " or ".join(dtypes)))
    if len(op.shape) != len(shape) or any(
            want is not None and got != want
            for got, want in zip(op.shape, shape)):
        raise ArgumentError("%s: shape %s; expected %s" % (
            name, list(op.shape),
            [("?" if w is None else w) for w in shape]))
    if op.device != device:
        raise ArgumentError("%s: on %s; every operand must be on %s"
                            % (name, op.device, device))
    if tuple(op.strides) != _dense(op.shape):
        raise ArgumentError("%s: strides %s; expected a contiguous row-major "
                            "tensor (strides %s)"
                            % (name, list(op.strides), list(_dense(op.shape))))
    if op.address % alignment:
        raise ArgumentError("%s: address 0x%x is not %d-byte aligned"
                            % (name, op.address, alignment))


def _check_weights(key, b, sfb, offs, alpha, device):
    """B, SFB, the offsets and alpha: the same in every layout."""
    g, n, k = key.groups, key.n, key.k
    _check("b", b, (g, n, k // 2), DATA_DTYPES, device, MATRIX_ALIGNMENT)
    _check("sfb", sfb, (g, n, k // 16), SCALE_DTYPES, device, MATRIX_ALIGNMENT)
    _check("offs", offs, (g,), ("int32",), device, ARRAY_ALIGNMENT)
    if key.alpha:
        if alpha is None:
            raise ArgumentError("alpha: missing; the kernel of %s takes one "
                                "float32 per group" % key.name)
        _check("alpha", alpha, (g,), ("float32",), device, ARRAY_ALIGNMENT)
    elif alpha is not None:
        raise ArgumentError("alpha: given, but the kernel of %s takes none"
                            % key.name)


def _token_rows(key, a, layout):
    """T, the rows of A, after A's device and rank are checked."""
    if not a.device.startswith("cuda"):
        raise ArgumentError("a: on %s; the kernels run on a CUDA device"
                            % a.device)
    if key.rows != layout:
        raise ArgumentError("the kernel of %s takes rows %s, not %s"
                            % (key.name, key.rows, layout))
    if len(a.shape) != 2:
        raise ArgumentError("a: shape %s; expected [T, %d] (T tokens, K/2 "
                            "bytes of packed e2m1 a row)"
                            % (list(a.shape), key.k // 2))
    t = a.shape[0]
    if t >= 2 ** 31:
        raise ArgumentError("a: %d rows; the kernels take at most 2^31 - 1"
                            % t)
    return t


def check_offsets_problem(key, a, sfa, b, sfb, offs, c, alpha=None):
    """Checks the operands of `key`'s kernel (rows "offsets"); returns T,
    the rows of A (and of SFA and C)."""
    t = _token_rows(key, a, "offsets")
    n, k, device = key.n, key.k, a.device
    _check("a", a, (None, k // 2), DATA_DTYPES, device, MATRIX_ALIGNMENT)
    _check("sfa", sfa, (t, k // 16), SCALE_DTYPES, device, MATRIX_ALIGNMENT)
    _check_weights(key, b, sfb, offs, alpha, device)
    _check("out", c, (t, n), ("float16",), device, MATRIX_ALIGNMENT)
    return t


def check_gathered_problem(key, a, sfa, b, sfb, offs, row_indices, c,
                           alpha=None):
    """Checks the operands of `key`'s kernel (rows "gathered": A and SFA the
    T un-permuted token rows, `row_indices` int32[R] each routed row's token
    row, `offs` the cumulative end offsets over the R routed rows, C
    [R, N]); returns (T, R)."""
    t = _token_rows(key, a, "gathered")
    n, k, device = key.n, key.k, a.device
    _check("a", a, (None, k // 2), DATA_DTYPES, device, MATRIX_ALIGNMENT)
    _check("sfa", sfa, (t, k // 16), SCALE_DTYPES, device, MATRIX_ALIGNMENT)
    _check_weights(key, b, sfb, offs, alpha, device)
    if len(row_indices.shape) != 1:
        raise ArgumentError("row_indices: shape %s; expected [R] (one token "
                            "row per routed row)" % list(row_indices.shape))
    r = row_indices.shape[0]
    _check("row_indices", row_indices, (r,), ("int32",), device,
           ARRAY_ALIGNMENT)
    _check("out", c, (r, n), ("float16",), device, MATRIX_ALIGNMENT)
    if r >= 2 ** 31:
        raise ArgumentError("row_indices: %d routed rows; the kernels take "
                            "at most 2^31 - 1" % r)
    return t, r
