#!/usr/bin/env python3
"""A mixture-of-experts layer on torch.ops.ggemm.grouped_mm_nvfp4.

    router -> top-k -> grouped gate/up projection (ggemm) -> SwiGLU
           -> NVFP4 quantization -> grouped down projection (ggemm)
           -> weighted combine

The expert weights are NVFP4 (packed e2m1 codes and UE4M3 scales, one per
16 values along K); the tokens and the activations between the layers are
quantized to NVFP4 by `quantize` below. The layer is checked against the
same layer in torch on the dequantized weights, stage by stage: each
grouped projection against float64 matmuls on the dequantized operands
(within ggemm's error bound, as python/tests/torch_check.py does), the
activation and quantization recomputed from ggemm's output, and the final
combine against float64.

    PYTHONPATH=python python3 python/examples/moe_layer.py CACHE [--tokens T]

CACHE holds the kernels for N:K = 2I:D and D:I with G experts, and the
gathered kernel of 2I:D (bench/compile_torch.sh fills them). The gate/up
projection also runs as grouped_mm_nvfp4_gathered on the un-permuted
tokens, which must give the same bits. Needs a CUDA GPU and torch >= 2.4.
"""

import argparse
import sys

import torch

import ggemm.torch_ops  # noqa: F401  (registers torch.ops.ggemm)
from ggemm.torch_ops import E2M1_VALUES, dequantize, reference_errors

# The layer's sizes: G experts, top-k routing, hidden size D, expert
# intermediate size I (the kernels bench/compile_torch.sh puts in the cache).
G, TOPK, D, I = 8, 2, 1024, 512


def quantize(x):
    """NVFP4 of a float tensor [R, K]: per 16 values, the least power of two
    >= amax / 6 (2^-6 to 2^8: e4m3 normals, bit 7 clear) as the scale, each
    value divided by it rounded to the nearest e2m1 code (ties to even).
    Returns packed codes [R, K/2] (uint8) and scales [R, K/16]."""
    r, k = x.shape
    blocks = x.float().reshape(r, k // 16, 16)
    amax = blocks.abs().amax(dim=-1)
    exp = torch.ceil(torch.log2(amax / 6.0)).clamp(-6, 8)
    exp = torch.where(amax > 0, exp, torch.full_like(exp, -6))
    scale = torch.exp2(exp)
    q = blocks / scale.unsqueeze(-1)
    mags = torch.tensor(E2M1_VALUES[:8], device=x.device)
    # Nearest magnitude; ties to the even code (codes 0..7, even index).
    dist = (q.abs().unsqueeze(-1) - mags).abs()
    best = dist.min(dim=-1, keepdim=True).values
    ties = dist == best
    idx = torch.arange(8, device=x.device)
    score = ties * (16 - (idx % 2) * 8 - idx)  # prefer even, then smaller
    code = score.argmax(dim=-1)
    code = code + 8 * ((q < 0) & (code > 0))
    code = code.reshape(r, k).to(torch.uint8)
    packed = code[:, 0::2] | (code[:, 1::2] << 4)
    sbytes = ((exp + 7).to(torch.int32) << 3).to(torch.uint8)
    sbytes = torch.where(amax > 0, sbytes, torch.zeros_like(sbytes))
    return packed.contiguous(), sbytes.view(torch.float8_e4m3fn).contiguous()


def weights(gen, dev, n, k, top_scale):
    """Random NVFP4 expert weights [G, n, k]: every e2m1 code, UE4M3 scales
    from 2^-6 up to `top_scale` (exclusive, a byte). Weights of a trained
    layer are small (the scales of N(0, 0.02) weights are about 2^-7):
    larger ones would take the layer's f16 outputs past 65504 (inf)."""
    data = torch.randint(0, 256, (G, n, k // 2), dtype=torch.uint8,
                         device=dev, generator=gen)
    scales = torch.randint(0x08, top_scale, (G, n, k // 16),
                           dtype=torch.uint8, device=dev, generator=gen)
    return data, scales.view(torch.float8_e4m3fn)


def route(x, router, tokens):
    """Top-k experts per token, the routed rows grouped by expert, the
    cumulative end offsets and the combine weights."""
    logits = x.float() @ router
    weights, experts = torch.topk(torch.softmax(logits, dim=-1), TOPK)
    flat = experts.flatten()
    order = torch.argsort(flat, stable=True)
    token_of_row = order // TOPK
    weight_of_row = weights.flatten()[order]
    offs = torch.cumsum(torch.bincount(flat, minlength=G), 0).to(torch.int32)
    return token_of_row, weight_of_row, offs


def layer(x, router, w1, s1, w2, s2):
    """The layer on ggemm: returns the output and its intermediates."""
    op = torch.ops.ggemm.grouped_mm_nvfp4
    t = x.shape[0]
    token_of_row, weight_of_row, offs = route(x, router, t)
    xq, xs = quantize(x)
    # The routed rows, grouped by expert (indexed as bytes: not every torch
    # build indexes float8 tensors).
    a = xq[token_of_row]
    sa = xs.view(torch.uint8)[token_of_row].view(torch.float8_e4m3fn)
    h = op(a, sa, w1, s1, offs)                 # [R, 2I] f16
    act = torch.nn.functional.silu(h[:, :I].float()) * h[:, I:].float()
    q, sq = quantize(act)
    y = op(q, sq, w2, s2, offs)                 # [R, D] f16
    out = torch.zeros(t, D, dtype=torch.float32, device=x.device)
    out.index_add_(0, token_of_row, y.float() * weight_of_row.unsqueeze(1))
    return out, dict(a=a, sa=sa, h=h, q=q, sq=sq, y=y, offs=offs,
                     token_of_row=token_of_row, weight_of_row=weight_of_row)


failures = []


def check_projection(name, got, a, sa, w, sw, offs):
    """Every element of a grouped projection within ggemm's bound of the
    float64 product of the dequantized operands
    (ggemm.torch_ops.reference_errors)."""
    rows, _, worst, bad = reference_errors(got, a, sa, w, sw, offs)
    for e, count in bad:
        failures.append("%s: expert %d: %d elements beyond the bound"
                        % (name, e, count))
    print("%s: %d routed rows, worst error %.2f of the bound"
          % (name, rows, worst))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("cache")
    parser.add_argument("--tokens", type=int, default=384)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    ggemm.torch_ops.use_cache(args.cache)
    dev = torch.device("cuda:0")
    gen = torch.Generator(device=dev).manual_seed(args.seed)
    x = torch.randn(args.tokens, D, device=dev, generator=gen)
    # A skewed router: expert 0 popular, expert G-1 never chosen first.
    router = torch.randn(D, G, device=dev, generator=gen) * 0.05
    router[:, 0] += 0.02
    w1, s1 = weights(gen, dev, 2 * I, D, 0x21)  # scales 2^-6 to < 2^-2
    w2, s2 = weights(gen, dev, D, I, 0x19)      # scales 2^-6 to < 2^-3

    out, mid = layer(x, router, w1, s1, w2, s2)
    torch.cuda.synchronize()
    sizes = torch.diff(mid["offs"], prepend=mid["offs"].new_zeros(1))
    print("moe layer: %d tokens, top-%d of %d experts, tokens per expert %s"
          % (args.tokens, TOPK, G, sizes.tolist()))
    # Stage by stage against torch on the dequantized weights.
    check_projection("gate/up", mid["h"], mid["a"], mid["sa"], w1, s1,
                     mid["offs"])
    act = torch.nn.functional.silu(mid["h"][:, :I].float()) * \
        mid["h"][:, I:].float()
    q, sq = quantize(act)
    if not (torch.equal(q, mid["q"]) and
            torch.equal(sq.view(torch.uint8), mid["sq"].view(torch.uint8))):
        failures.append("the activations' quantization is not reproducible")
    check_projection("down", mid["y"], q, sq, w2, s2, mid["offs"])
    for name in ("h", "y"):
        bad = int((~torch.isfinite(mid[name][:int(mid["offs"][-1])])).sum())
        if bad:
            failures.append("%s: %d outputs not finite (past f16's range)"
                            % (name, bad))
    want = torch.zeros(args.tokens, D, dtype=torch.float64, device=dev)
    want.index_add_(0, mid["token_of_row"],
                    mid["y"].double() * mid["weight_of_row"].double()
                    .unsqueeze(1))
    err = float((out.double() - want).abs().max())
    scale = float(want.abs().max())
    print("combine: max |out - float64| = %.3g (outputs up to %.3g)"
          % (err, scale))
    if err > scale * 2.0 ** -20 + 1e-6:
        failures.append("combine: error %.3g" % err)
    # Gate/up again without the permuted copy: the gathered op reads the
    # quantized tokens through the routing's row indices. Same bits.
    xq, xs = quantize(x)
    h_gathered = torch.ops.ggemm.grouped_mm_nvfp4_gathered(
        xq, xs, w1, s1, mid["offs"], mid["token_of_row"].to(torch.int32))
    torch.cuda.synchronize()
    same = torch.equal(h_gathered.view(torch.int16), mid["h"].view(torch.int16))
    print("gate/up gathered (no permuted copy): %s the permuted op's bits"
          % ("the same as" if same else "NOT"))
    if not same:
        failures.append("gathered gate/up differs from the permuted one")
    # The same layer in torch on dequantized weights, end to end: how far a
    # bf16 implementation of it lands (informative, not a check: the
    # activations' e2m1 rounding amplifies any difference).
    dw1 = dequantize(w1, s1.view(torch.uint8)).to(torch.bfloat16)
    da = dequantize(mid["a"], mid["sa"].view(torch.uint8)).to(torch.bfloat16)
    try:
        h_bf16 = torch._grouped_mm(da, dw1.transpose(1, 2), mid["offs"])
        print("gate/up vs torch._grouped_mm on dequantized bf16: max |diff| "
              "%.3g" % float((h_bf16.float() - mid["h"].float()).abs().max()))
    except (AttributeError, RuntimeError) as error:
        print("torch._grouped_mm not run: %s" % error)
    for f in failures:
        print("FAIL " + f)
    print("FAILED" if failures else "moe layer: all checks pass")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
