#!/usr/bin/env python3
"""Where the torch op's per-call host time goes (bench/run_torch.sh runs it
on the GPU machine; not a test). Each line times one piece of
torch.ops.ggemm.grouped_mm_nvfp4's call, host only and with the GPU,
median-free (a mean over 300 calls after 10 warm-up calls): the custom_op
dispatch, the argument checks (memoized per operand signature, and in
full), the scale checks (cached per tensor version, and not), the ctypes
launch.

    PYTHONPATH=python python3 bench/torch_overhead.py [CACHE]
"""
import sys
import time

import torch
import ggemm.torch_ops as T  # noqa: E402
T.use_cache(sys.argv[1] if len(sys.argv) > 1 else "out/ggemm-cache")
dev = "cuda"
g, n, k, t = 8, 4096, 7168, 512
a = torch.randint(0, 256, (t, k // 2), dtype=torch.uint8, device=dev)
b = torch.randint(0, 256, (g, n, k // 2), dtype=torch.uint8, device=dev)
sfa = torch.randint(0x20, 0x41, (t, k // 16), dtype=torch.uint8, device=dev).view(torch.float8_e4m3fn)
sfb = torch.randint(0x20, 0x41, (g, n, k // 16), dtype=torch.uint8, device=dev).view(torch.float8_e4m3fn)
offs = torch.tensor([64 * (i + 1) for i in range(g)], dtype=torch.int32, device=dev)
op = torch.ops.ggemm.grouped_mm_nvfp4
def timed(name, fn, iters=300):
    for _ in range(10): fn()
    torch.cuda.synchronize(); s = time.perf_counter()
    for _ in range(iters): fn()
    h = (time.perf_counter() - s) / iters * 1e6
    torch.cuda.synchronize(); tot = (time.perf_counter() - s) / iters * 1e6
    print("%-34s host %7.1f us, with the GPU %7.1f us" % (name, h, tot))
timed("op", lambda: op(a, sfa, b, sfb, offs))
timed("op check_scales=False", lambda: op(a, sfa, b, sfb, offs, None, False))
timed("op, fresh sfa view each call", lambda: op(a, sfa.view(torch.uint8), b, sfb, offs))
body = getattr(T.grouped_mm_nvfp4, "_init_fn", None)
if body is not None:
    timed("op python body (no dispatch)", lambda: body(a, sfa, b, sfb, offs))
    timed("body check_scales=False", lambda: body(a, sfa, b, sfb, offs, None, False))
out = torch.empty((t, n), dtype=torch.float16, device=dev)
timed("_plan (memoized checks)", lambda: T._plan("offsets", a, sfa, b, sfb, offs, None, None))
timed("_check (every argument rule)", lambda: T._check("offsets", a, sfa, b, sfb, offs, None, None))
timed("_addresses", lambda: T._addresses("offsets", a, sfa, b, sfb, offs, None, None))
timed("scale checks, cached", lambda: T._check_scales((("sfa", sfa), ("sfb", sfb))))
timed("scale checks, not cached", lambda: [torch._assert_async((s.view(torch.uint8) < 128).all(), "x") for s in (sfa, sfb)])
timed("torch.empty out", lambda: torch.empty((t, n), dtype=torch.float16, device=dev))
timed("current_stream", lambda: torch.cuda.current_stream().cuda_stream)
kern, _ = T._plan("offsets", a, sfa, b, sfb, offs, None, None)
ws = torch.empty(kern.workspace_bytes, dtype=torch.uint8, device=dev)
st = torch.cuda.current_stream().cuda_stream
args = (st, ws.data_ptr(), a.data_ptr(), b.data_ptr(), sfa.data_ptr(), sfb.data_ptr(), out.data_ptr(), offs.data_ptr(), 0, t)
timed("kernel.launch_one (ctypes + runtime)", lambda: kern.launch_one(*args))
@torch.library.custom_op("prof::noop", mutates_args=())
def noop(x: torch.Tensor) -> torch.Tensor:
    return torch.empty((t, n), dtype=torch.float16, device=x.device)
timed("empty custom_op", lambda: torch.ops.prof.noop(a))
timed("torch.mm 8x8 (one aten launch)", lambda: torch.mm(a[:8, :8].float(), a[:8, :8].float()))
