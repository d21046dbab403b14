// rows<offsets> on the CPU: the group_offsets buffer holds each group's
// cumulative end row (torch._grouped_mm's offs), read at run time. Empty
// groups (first, middle, all), a one-row group, a large one, offsets that
// are no multiple of 16 or 128, spare rows past the last offset (which must
// keep their poison, as must every row of nobody), a static A with rows to
// spare, seeded skewed offsets, and the persistent form (tile space, split-K)
// with the same offsets; every owned element checked exactly against the
// reference over exactly the rows each group owns.
// RUN: ggemm-cpu-run %s --func offs --group-offsets=0,1,131,131,400 | FileCheck %s --check-prefix=SKEWED
// RUN: ggemm-cpu-run %s --func offs --group-offsets=0,0,0,0,0 | FileCheck %s --check-prefix=EMPTY
// RUN: ggemm-cpu-run %s --func offs --group-offsets=17,17,300,301,317 | FileCheck %s --check-prefix=ODD
// RUN: ggemm-cpu-run %s --func offs_static --group-offsets=3,3,200,201,230 | FileCheck %s --check-prefix=STATIC
// RUN: for s in %seed 2 3 4; do ggemm-cpu-run %s --func offs --seed $s; done | FileCheck %s --check-prefix=SEEDS
// RUN: for s in %seed 2; do ggemm-cpu-run %s --func offs --seed $s --passes='ggemm-tile,ggemm-fuse-persistent{grid=5}'; done | FileCheck %s --check-prefix=TILED
// RUN: ggemm-cpu-run %s --func offs --group-offsets=0,1,131,131,400 --passes='ggemm-tile{tile-m=64 raster=along_n},ggemm-fuse-persistent{grid=3}' | FileCheck %s --check-prefix=SKEWED
// RUN: ggemm-cpu-run %s --func offs --group-offsets=0,1,131,131,400 --passes='ggemm-tile,ggemm-split-k{split=2},ggemm-fuse-persistent{grid=5}' --exact=false | FileCheck %s --check-prefix=SPLIT
// Twenty groups: the tile space walks them in a loop rather than a select
// chain (more than 16 groups of one N).
// RUN: for s in %seed 2; do ggemm-cpu-run %s --func offs_many --seed $s --passes='ggemm-tile,ggemm-fuse-persistent{grid=7}'; done | FileCheck %s --check-prefix=MANY
//
// Bad offsets stop the run on the lowering's cf.assert, never a wrong or
// out-of-bounds access: out of order, negative (plain loops and the tile
// space), and past the rows of A (the buffer holds other values than the
// offsets the data was laid out for).
// RUN: not --crash ggemm-cpu-run %s --func offs --group-offsets=5,2,9,9,9 2>&1 | FileCheck %s --check-prefix=ORDER
// RUN: not --crash ggemm-cpu-run %s --func offs --group-offsets=-1,2,9,9,9 2>&1 | FileCheck %s --check-prefix=ORDER
// RUN: not --crash ggemm-cpu-run %s --func offs --group-offsets=5,2,9,9,9 --passes='ggemm-tile,ggemm-fuse-persistent' 2>&1 | FileCheck %s --check-prefix=ORDER
// RUN: not --crash ggemm-cpu-run %s --func offs --group-offsets=1,2,3,4,5 --device-group-sizes=1,2,3,4,50 2>&1 | FileCheck %s --check-prefix=PAST
// RUN: not --crash ggemm-cpu-run %s --func offs --group-offsets=1,2,3,4,5 --device-group-sizes=1,2,3,4,50 --passes='ggemm-tile,ggemm-fuse-persistent' 2>&1 | FileCheck %s --check-prefix=PAST

// SKEWED: rows: offsets group_offsets = [0, 1, 131, 131, 400], 403 rows of A; the groups own [0, 0) [0, 1) [1, 131) [131, 131) [131, 400)
// SKEWED-NEXT: offs: 5 groups, M = [0, 1, 130, 0, 269], 51200 elements, f16 mismatches 0, untouched rows overwritten 0
// SKEWED-NEXT: PASS
// EMPTY: offs: 5 groups, M = [0, 0, 0, 0, 0], 0 elements, f16 mismatches 0, untouched rows overwritten 0
// EMPTY-NEXT: PASS
// ODD: offs: 5 groups, M = [17, 0, 283, 1, 16], 40576 elements, f16 mismatches 0, untouched rows overwritten 0
// ODD-NEXT: PASS
// STATIC: rows: offsets group_offsets = [3, 3, 200, 201, 230], 260 rows of A; the groups own [0, 3) [3, 3) [3, 200) [200, 201) [201, 230)
// STATIC-NEXT: offs_static: 5 groups, M = [3, 0, 197, 1, 29], 29440 elements, f16 mismatches 0, untouched rows overwritten 0
// STATIC-NEXT: PASS
// SEEDS-COUNT-4: f16 mismatches 0, untouched rows overwritten 0
// TILED-COUNT-2: f16 mismatches 0, untouched rows overwritten 0
// SPLIT: M = [0, 1, 130, 0, 269], 51200 elements, f16 mismatches {{[0-9]+}} (0 beyond the reassociation bound), untouched rows overwritten 0
// SPLIT-NEXT: PASS
// MANY-COUNT-2: offs_many: 20 groups, {{.*}}f16 mismatches 0, untouched rows overwritten 0
// ORDER: ggemm.grouped_matmul: group offsets out of order
// PAST: ggemm.grouped_matmul: group offsets exceed the rows of A

func.func @offs(%a: memref<?x256xf4E2M1FN>, %sa: memref<?x16xf8E4M3FN>,
    %b: memref<5x128x256xf4E2M1FN>, %sb: memref<5x128x16xf8E4M3FN>,
    %c: memref<?x128xf16>, %offs: memref<5xi32>, %alpha: memref<5xf32>) {
  ggemm.grouped_matmul rows<offsets> scales<row_major>
      a(%a : memref<?x256xf4E2M1FN>) sfa(%sa : memref<?x16xf8E4M3FN>)
      b(%b : memref<5x128x256xf4E2M1FN>) sfb(%sb : memref<5x128x16xf8E4M3FN>)
      c(%c : memref<?x128xf16>)
      group_offsets(%offs : memref<5xi32>) alpha(%alpha : memref<5xf32>)
  return
}

func.func @offs_static(%a: memref<260x256xf4E2M1FN>, %sa: memref<260x16xf8E4M3FN>,
    %b: memref<5x128x256xf4E2M1FN>, %sb: memref<5x128x16xf8E4M3FN>,
    %c: memref<260x128xf16>, %offs: memref<5xi32>) {
  ggemm.grouped_matmul rows<offsets> scales<row_major>
      a(%a : memref<260x256xf4E2M1FN>) sfa(%sa : memref<260x16xf8E4M3FN>)
      b(%b : memref<5x128x256xf4E2M1FN>) sfb(%sb : memref<5x128x16xf8E4M3FN>)
      c(%c : memref<260x128xf16>) group_offsets(%offs : memref<5xi32>)
  return
}

func.func @offs_many(%a: memref<?x128xf4E2M1FN>, %sa: memref<?x8xf8E4M3FN>,
    %b: memref<20x64x128xf4E2M1FN>, %sb: memref<20x64x8xf8E4M3FN>,
    %c: memref<?x64xf16>, %offs: memref<20xi32>) {
  ggemm.grouped_matmul rows<offsets> scales<row_major>
      a(%a : memref<?x128xf4E2M1FN>) sfa(%sa : memref<?x8xf8E4M3FN>)
      b(%b : memref<20x64x128xf4E2M1FN>) sfb(%sb : memref<20x64x8xf8E4M3FN>)
      c(%c : memref<?x64xf16>) group_offsets(%offs : memref<20xi32>)
  return
}
