// rows<masked> on the CPU: A is G x max_m x K with max_m = 150 (no multiple
// of 16 or 128: every group starts off a tile boundary), and group_counts
// says how many of a group's rows are real. Empty groups, one row, full
// groups, counts no multiple of 16, seeded skewed counts, and the persistent
// form (tile space, split-K); every real row is checked exactly against the
// reference and every row past a group's count must keep its poison.
// RUN: ggemm-cpu-run %s --func masked --group-counts=0,1,150,37 | FileCheck %s --check-prefix=SKEWED
// RUN: ggemm-cpu-run %s --func masked --group-counts=150,150,150,150 | FileCheck %s --check-prefix=FULL
// RUN: ggemm-cpu-run %s --func masked --group-counts=0,0,0,0 | FileCheck %s --check-prefix=EMPTY
// RUN: for s in %seed 2 3 4; do ggemm-cpu-run %s --func masked --seed $s; done | FileCheck %s --check-prefix=SEEDS
// RUN: for s in %seed 2; do ggemm-cpu-run %s --func masked --seed $s --passes='ggemm-tile,ggemm-fuse-persistent{grid=5}'; done | FileCheck %s --check-prefix=TILED
// RUN: ggemm-cpu-run %s --func masked --group-counts=0,1,150,37 --passes='ggemm-tile{tile-m=64 raster=along_n},ggemm-fuse-persistent{grid=3}' | FileCheck %s --check-prefix=SKEWED
// RUN: ggemm-cpu-run %s --func masked --group-counts=0,1,150,37 --passes='ggemm-tile,ggemm-split-k{split=2},ggemm-fuse-persistent{grid=5}' --exact=false | FileCheck %s --check-prefix=SPLIT
// Eighteen groups: the tile space walks them in a loop rather than a
// select chain (more than 16 groups of one N).
// RUN: for s in %seed 2; do ggemm-cpu-run %s --func masked_many --seed $s --passes='ggemm-tile,ggemm-fuse-persistent{grid=7}'; done | FileCheck %s --check-prefix=MANY
//
// Counts outside [0, max_m] stop the run on the lowering's cf.assert (plain
// loops and the tile space), never a wrong or out-of-bounds access.
// RUN: not --crash ggemm-cpu-run %s --func masked --group-counts=0,151,3,3 2>&1 | FileCheck %s --check-prefix=BAD
// RUN: not --crash ggemm-cpu-run %s --func masked --group-counts=0,-1,3,3 2>&1 | FileCheck %s --check-prefix=BAD
// RUN: not --crash ggemm-cpu-run %s --func masked --group-counts=0,151,3,3 --passes='ggemm-tile,ggemm-fuse-persistent' 2>&1 | FileCheck %s --check-prefix=BAD
// RUN: not --crash ggemm-cpu-run %s --func masked --group-counts=0,1,3,3 --device-group-sizes=0,1,3,-2147483648 --passes='ggemm-tile,ggemm-fuse-persistent' 2>&1 | FileCheck %s --check-prefix=BAD

// SKEWED: rows: masked group_counts = [0, 1, 150, 37], 600 rows of A; the groups own [0, 0) [150, 151) [300, 450) [450, 487)
// SKEWED-NEXT: masked: 4 groups, M = [0, 1, 150, 37], 24064 elements, f16 mismatches 0, untouched rows overwritten 0
// SKEWED-NEXT: PASS
// FULL: masked: 4 groups, M = [150, 150, 150, 150], 76800 elements, f16 mismatches 0, untouched rows overwritten 0
// FULL-NEXT: PASS
// EMPTY: masked: 4 groups, M = [0, 0, 0, 0], 0 elements, f16 mismatches 0, untouched rows overwritten 0
// EMPTY-NEXT: PASS
// SEEDS-COUNT-4: f16 mismatches 0, untouched rows overwritten 0
// TILED-COUNT-2: f16 mismatches 0, untouched rows overwritten 0
// SPLIT: M = [0, 1, 150, 37], 24064 elements, f16 mismatches {{[0-9]+}} (0 beyond the reassociation bound), untouched rows overwritten 0
// SPLIT-NEXT: PASS
// MANY-COUNT-2: masked_many: 18 groups, {{.*}}f16 mismatches 0, untouched rows overwritten 0
// BAD: ggemm.grouped_matmul: a group count is outside [0, max_m]

func.func @masked(%a: memref<4x150x256xf4E2M1FN>, %sa: memref<4x150x16xf8E4M3FN>,
    %b: memref<4x128x256xf4E2M1FN>, %sb: memref<4x128x16xf8E4M3FN>,
    %c: memref<4x150x128xf16>, %counts: memref<4xi32>, %alpha: memref<4xf32>) {
  ggemm.grouped_matmul rows<masked> scales<row_major>
      a(%a : memref<4x150x256xf4E2M1FN>) sfa(%sa : memref<4x150x16xf8E4M3FN>)
      b(%b : memref<4x128x256xf4E2M1FN>) sfb(%sb : memref<4x128x16xf8E4M3FN>)
      c(%c : memref<4x150x128xf16>)
      group_counts(%counts : memref<4xi32>) alpha(%alpha : memref<4xf32>)
  return
}

func.func @masked_many(%a: memref<18x40x128xf4E2M1FN>, %sa: memref<18x40x8xf8E4M3FN>,
    %b: memref<18x64x128xf4E2M1FN>, %sb: memref<18x64x8xf8E4M3FN>,
    %c: memref<18x40x64xf16>, %counts: memref<18xi32>) {
  ggemm.grouped_matmul rows<masked> scales<row_major>
      a(%a : memref<18x40x128xf4E2M1FN>) sfa(%sa : memref<18x40x8xf8E4M3FN>)
      b(%b : memref<18x64x128xf4E2M1FN>) sfb(%sb : memref<18x64x8xf8E4M3FN>)
      c(%c : memref<18x40x64xf16>) group_counts(%counts : memref<18xi32>)
  return
}
