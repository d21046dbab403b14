"""Timing shared by the peers of bench/peers/: the median of CUDA-graph
replays timed with CUDA events."""

import statistics

import torch


def median_us(calls, reps, warmup=3):
    """Median, min and max microseconds per call of `calls` (one zero-argument
    function per input set) over `reps` replays of a CUDA graph that calls
    each of them once."""
    side = torch.cuda.Stream()
    side.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(side):  # first calls outside the graph
        for call in calls:
            call()
    torch.cuda.current_stream().wait_stream(side)
    torch.cuda.synchronize()
    graph = torch.cuda.CUDAGraph()
    with torch.cuda.graph(graph):
        for call in calls:
            call()
    for _ in range(warmup):
        graph.replay()
    torch.cuda.synchronize()
    times = []
    for _ in range(reps):
        start = torch.cuda.Event(enable_timing=True)
        stop = torch.cuda.Event(enable_timing=True)
        start.record()
        graph.replay()
        stop.record()
        stop.synchronize()
        times.append(start.elapsed_time(stop) * 1000.0 / len(calls))
    del graph
    return statistics.median(times), min(times), max(times)
