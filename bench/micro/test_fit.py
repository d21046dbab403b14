#!/usr/bin/env python3
"""Tests bench/micro/fit.py on a synthetic micro.json (unittest, stdlib).

Run: python3 bench/micro/test_fit.py
"""

import copy
import json
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import fit  # noqa: E402


def stat(median, **extra):
    d = {"median": median, "n": 3, "reps": [median, median, median]}
    d.update(extra)
    return d


def synthetic():
    """A micro.json with the layout micro.cu prints and round numbers."""
    return {
        "schema": "ggemm-micro/1",
        "date_utc": "2026-12-01T00:00:00Z",
        "device": {"name": "Synthetic H200", "sm_count": 132, "cc": "9.0",
                   "l2_bytes": 52428800},
        "reps": 60, "warmup": 3,
        "clock": stat(2.0, unit="GHz", loop_us_median=2500),
        "dram_read": {
            "median": 4000.0, "unit": "GB/s", "best_ctas_per_sm": 8,
            "buffer_bytes": 4294967296,
            "configs": [stat(3800.0, ctas_per_sm=4), stat(4000.0,
                                                          ctas_per_sm=8)],
        },
        "wgmma": {
            "unit": "cycles", "warpgroups_per_cta": 2, "wgmma_per_commit": 4,
            "by_n": {
                "16": stat(40.0), "32": stat(40.0), "64": stat(64.0),
                "128": stat(128.0), "256": stat(256.0),
            },
            "clock_ghz_n256": stat(1.98),
        },
        "decode": stat(90.0, pieces_per_iter=2),
        "step": stat(120.0, kernel_order=stat(110.0)),
        "step_register_a": {
            "unit": "cycles",
            "by_n": {"16": stat(290.0), "256": stat(1024.0)},
        },
        "l2_read": stat(8000.0, configs=[]),
        "tile": {
            "unit": "cycles", "tile_bytes": 32768, "tiles_per_cta": 512,
            "store": stat(3000.0, kernel_us_median=800),
            "nostore": stat(500.0, kernel_us_median=100),
        },
        "launch": stat(2.5, launches_per_graph=20, stream=stat(4.0),
                       touch=stat(3.5, bytes_per_launch=4000000)),
        "dram_latency": {
            "median": 650.0, "unit": "ns", "buffer_bytes": 268435456,
            "by_size": [
                stat(250.0, buffer_bytes=16777216),
                stat(650.0, buffer_bytes=268435456),
                stat(800.0, buffer_bytes=1073741824),
            ],
        },
    }


class FitTest(unittest.TestCase):
    def test_constants(self):
        doc = fit.fit(synthetic())
        c = doc["constants"]
        self.assertEqual(list(c), list(fit.NAMES))
        self.assertAlmostEqual(c["clock_ghz"], 2.0)
        self.assertAlmostEqual(c["dram_gbps"], 4000.0)
        # 2 warpgroups x 2*64*256*16 flop / 256 cycles.
        self.assertAlmostEqual(c["mma_flops_per_cycle_sm"], 4096.0)
        self.assertAlmostEqual(c["decode_cycles_per_piece"], 90.0)
        self.assertAlmostEqual(c["step_cycles"], 120.0)
        # 32768 B x 132 SMs / 4000 GB/s = 1081.344 ns = 2162.688 cycles.
        self.assertAlmostEqual(doc["data"]["tile_dram_cycles"], 2162.688)
        self.assertAlmostEqual(c["tile_cycles"], 3000.0 - 2162.688)
        self.assertAlmostEqual(c["launch_us"], 2.5)
        self.assertAlmostEqual(c["dram_latency_ns"], 650.0)

    def test_data(self):
        doc = fit.fit(synthetic())
        d = doc["data"]
        self.assertEqual(d["wgmma_large_n"], 256)
        self.assertEqual(sorted(d["wgmma_by_n"], key=int),
                         ["16", "32", "64", "128", "256"])
        self.assertAlmostEqual(
            d["wgmma_by_n"]["16"]["flops_per_cycle_sm"],
            2 * 2 * 64 * 16 * 16 / 40.0)
        self.assertAlmostEqual(d["wgmma_floor_cycles"], 40.0)
        self.assertAlmostEqual(d["step_cycles_kernel_order"], 110.0)
        self.assertEqual(d["step_register_a_by_n"],
                         {"16": 290.0, "256": 1024.0})
        self.assertAlmostEqual(d["l2_read_gbps"], 8000.0)
        self.assertAlmostEqual(d["clock_ghz_under_wgmma"], 1.98)
        self.assertAlmostEqual(d["launch_us_stream"], 4.0)
        # 3.5 us less 4 MB at 4000 GB/s (1 us).
        self.assertAlmostEqual(d["launch_us_touch"], 2.5)
        self.assertEqual(d["dram_latency_ns_by_size"]["1073741824"], 800.0)
        for k in fit.NAMES:
            self.assertIn(k, doc["units"])
            self.assertTrue(doc["explanations"][k])

    def test_data_items_are_optional(self):
        # A micro.json from before the register-A step and L2 benchmarks.
        micro = synthetic()
        del micro["step_register_a"], micro["l2_read"]
        d = fit.fit(micro)["data"]
        self.assertEqual(d["step_register_a_by_n"], {})
        self.assertIsNone(d["l2_read_gbps"])

    def test_tile_floor(self):
        m = synthetic()
        m["tile"]["store"]["median"] = 1000.0  # below its DRAM time
        self.assertAlmostEqual(fit.fit(m)["constants"]["tile_cycles"], 500.0)

    def test_missing_and_bad(self):
        m = synthetic()
        del m["decode"]
        with self.assertRaises(fit.FitError):
            fit.fit(m)
        m = synthetic()
        m["wgmma"]["by_n"]["256"]["median"] = 0
        with self.assertRaises(fit.FitError):
            fit.fit(m)
        m = synthetic()
        m["clock"]["median"] = float("nan")
        with self.assertRaises(fit.FitError):
            fit.fit(m)

    def test_markdown(self):
        md = fit.markdown(fit.fit(synthetic()))
        for k in fit.NAMES:
            self.assertIn("`%s`" % k, md)
        self.assertIn("| 256 | 256 | 4096 |", md)

    def test_cli(self):
        with tempfile.TemporaryDirectory() as tmp:
            src = os.path.join(tmp, "micro.json")
            with open(src, "w") as f:
                json.dump(synthetic(), f)
            r = subprocess.run([sys.executable, os.path.join(HERE, "fit.py"),
                                src], capture_output=True, text=True)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("| `tile_cycles` |", r.stdout)
            with open(os.path.join(tmp, "micro_constants.json")) as f:
                doc = json.load(f)
            self.assertEqual(doc["schema"], fit.SCHEMA)
            self.assertEqual(doc["source"]["micro_json"], src)
            self.assertEqual(set(doc["constants"]), set(fit.NAMES))
            # A broken input: nonzero exit, message on stderr.
            bad = copy.deepcopy(synthetic())
            del bad["launch"]
            with open(src, "w") as f:
                json.dump(bad, f)
            r = subprocess.run([sys.executable, os.path.join(HERE, "fit.py"),
                                src, os.path.join(tmp, "c.json")],
                               capture_output=True, text=True)
            self.assertEqual(r.returncode, 1)
            self.assertIn("launch", r.stderr)


if __name__ == "__main__":
    unittest.main()
