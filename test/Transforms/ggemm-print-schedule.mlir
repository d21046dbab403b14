// The schedule report for the four benchmark shapes (tcgen05 tiles, 148 CTAs).
// RUN: gemm-opt %S/../../examples/bench_g8_n4096_k7168.mlir --ggemm-tile=chip=sm_100a --ggemm-split-k --ggemm-print-schedule -o /dev/null | FileCheck %s --check-prefix=G8K7168
// RUN: gemm-opt %S/../../examples/bench_g8_n7168_k2048.mlir --ggemm-tile=chip=sm_100a --ggemm-split-k --ggemm-print-schedule -o /dev/null | FileCheck %s --check-prefix=G8K2048
// RUN: gemm-opt %S/../../examples/bench_g2_n3072_k4096.mlir --ggemm-tile=chip=sm_100a --ggemm-split-k --ggemm-print-schedule -o /dev/null | FileCheck %s --check-prefix=G2K4096
// RUN: gemm-opt %S/../../examples/bench_g2_n4096_k1536.mlir --ggemm-tile=chip=sm_100a --ggemm-split-k --ggemm-print-schedule -o /dev/null | FileCheck %s --check-prefix=G2K1536
// RUN: gemm-opt %S/../../examples/bench_g2_n3072_k4096_dynamic.mlir --ggemm-tile=chip=sm_100a --ggemm-print-schedule -o /dev/null | FileCheck %s --check-prefix=DYN
// RUN: gemm-opt %S/../../examples/bench_g2_n3072_k4096.mlir --ggemm-print-schedule -o /dev/null 2>&1 | FileCheck %s --check-prefix=NONE

// G8K7168: schedule of @bench_g8_n4096_k7168: tile 128x128x256, raster along_m, split_k 2, grid 148
// G8K7168-NEXT: group 0: M=80 N=4096 K=7168 -> tiles 1 x 32 = 32, 28 K tiles each
// G8K7168-NEXT: group 1: M=176 N=4096 K=7168 -> tiles 2 x 32 = 64, 28 K tiles each
// G8K7168: total: 352 output tiles, 704 work items, 4.76 waves over 148 CTAs
// G8K7168-NEXT: CTA load (K tiles): max 70, min 56, mean 66.6, imbalance max/mean 1.05, idle CTAs 0
// G8K7168-NEXT: split-K cost (K-tile units): S=1: 84.0 S=2: 75.5 S=3: 88.5 S=4: 81.0 S=8: 102.0; rule picks 2

// G8K2048: split_k 1, grid 148
// G8K2048: total: 728 output tiles, 728 work items, 4.92 waves over 148 CTAs
// G8K2048-NEXT: CTA load (K tiles): max 40, min 32, mean 39.4, imbalance max/mean 1.02, idle CTAs 0

// G2K4096: group 1: M=320 N=3072 K=4096 -> tiles 3 x 24 = 72, 16 K tiles each
// G2K4096-NEXT: total: 120 output tiles, 120 work items, 0.81 waves over 148 CTAs
// G2K4096-NEXT: CTA load (K tiles): max 16, min 0, mean 13.0, imbalance max/mean 1.23, idle CTAs 28
// G2K4096-NEXT: S=1: 16.0 S=2: 18.0 S=3: 21.0 S=4: 20.0 S=8: 21.5; rule picks 1

// G2K1536: total: 128 output tiles, 128 work items, 0.86 waves over 148 CTAs
// G2K1536-NEXT: idle CTAs 20

// DYN: group 0: M=? N=3072 K=4096 -> tiles ceil(M/128) x 24, 16 K tiles each
// DYN: M is read at run time (group_sizes): tile counts, waves and load depend on it

// NONE: remark: no schedule to report; run ggemm-tile first
