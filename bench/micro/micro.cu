// Microbenchmarks for the per-chip cost model of the sm_90a kernel
// (docs/sm90-kernel.md). Each benchmark is one function; main() prints one
// JSON object of raw measurements on stdout (progress goes to stderr).
// bench/micro/fit.py turns it into the model's eight constants.
//
// No benchmark GEMM shape is used anywhere: the kernels below are synthetic
// loops (streaming reads, wgmma chains on zeroed operands, decode of
// synthetic pieces, barrier loops, a pointer chase).
//
// Build: nvcc -O3 -arch=sm_90a -lineinfo -o micro micro.cu   (see run.sh)

#include <cuda_runtime.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>
#include <vector>

#define CK(call)                                                              \
  do {                                                                        \
    cudaError_t err_ = (call);                                                \
    if (err_ != cudaSuccess) {                                                \
      std::fprintf(stderr, "%s:%d: CUDA error %s: %s (%s)\n", __FILE__,       \
                   __LINE__, cudaGetErrorName(err_), cudaGetErrorString(err_), \
                   #call);                                                    \
      std::exit(1);                                                           \
    }                                                                         \
  } while (0)

// A launch: the launch error, then (in debug runs) nothing more; every
// benchmark synchronizes right after its timed region and checks there.
#define CK_LAUNCH() CK(cudaGetLastError())

#define REQUIRE(cond, msg)                                                    \
  do {                                                                        \
    if (!(cond)) {                                                            \
      std::fprintf(stderr, "%s:%d: check failed: %s (%s)\n", __FILE__,        \
                   __LINE__, #cond, msg);                                     \
      std::exit(1);                                                           \
    }                                                                         \
  } while (0)

namespace {

constexpr int kWarmup = 3;   // untimed launches before each measurement
constexpr int kReps = 60;    // timed repetitions (>= 50) of each measurement

int g_num_sms = 0;

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

double median(std::vector<double> v) {
  REQUIRE(!v.empty(), "median of nothing");
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

std::string jnum(double x) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", x);
  return buf;
}

std::string jarr(const std::vector<double>& v) {
  std::string s = "[";
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) s += ", ";
    s += jnum(v[i]);
  }
  return s + "]";
}

// {"median": m, "reps": [...]} plus extra members (already JSON text).
std::string jstat(const std::vector<double>& reps, const std::string& extra = "") {
  std::string s = "{\"median\": " + jnum(median(reps)) + ", \"n\": " +
                  std::to_string(reps.size()) + ", \"reps\": " + jarr(reps);
  if (!extra.empty()) s += ", " + extra;
  return s + "}";
}

struct Timer {
  cudaEvent_t a, b;
  Timer() {
    CK(cudaEventCreate(&a));
    CK(cudaEventCreate(&b));
  }
  ~Timer() {
    cudaEventDestroy(a);
    cudaEventDestroy(b);
  }
  void start(cudaStream_t s = 0) { CK(cudaEventRecord(a, s)); }
  // Milliseconds since start(); synchronizes.
  float stop_ms(cudaStream_t s = 0) {
    CK(cudaEventRecord(b, s));
    CK(cudaEventSynchronize(b));
    float ms = 0;
    CK(cudaEventElapsedTime(&ms, a, b));
    return ms;
  }
};

__device__ __forceinline__ uint64_t globaltimer_ns() {
  uint64_t t;
  asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(t));
  return t;
}

__device__ __forceinline__ uint32_t smem_addr(const void* p) {
  return static_cast<uint32_t>(__cvta_generic_to_shared(p));
}

//===----------------------------------------------------------------------===//
// 1. Clock under load
//===----------------------------------------------------------------------===//

// One CTA per SM, 256 threads of dependent FMAs; thread 0 records clock64 and
// globaltimer at both ends.
__global__ void __launch_bounds__(256, 1)
    k_busy(int iters, float seed, float* sink, uint64_t* cyc, uint64_t* ns) {
  float a = seed + threadIdx.x, b = a + 1.f, c = a + 2.f, d = a + 3.f;
  __syncthreads();
  uint64_t c0 = clock64(), g0 = globaltimer_ns();
  for (int i = 0; i < iters; ++i) {
    a = fmaf(a, 0.999999f, 1e-7f);
    b = fmaf(b, 0.999999f, 1e-7f);
    c = fmaf(c, 0.999999f, 1e-7f);
    d = fmaf(d, 0.999999f, 1e-7f);
  }
  __syncthreads();
  uint64_t c1 = clock64(), g1 = globaltimer_ns();
  if (threadIdx.x == 0) {
    cyc[blockIdx.x] = c1 - c0;
    ns[blockIdx.x] = g1 - g0;
  }
  if (a + b + c + d == 1234.5f) sink[threadIdx.x] = a;
}

std::string bench_clock() {
  std::fprintf(stderr, "clock ...\n");
  int n = g_num_sms;
  float* sink;
  uint64_t *cyc, *ns;
  CK(cudaMalloc(&sink, 256 * sizeof(float)));
  CK(cudaMalloc(&cyc, n * sizeof(uint64_t)));
  CK(cudaMalloc(&ns, n * sizeof(uint64_t)));
  std::vector<uint64_t> hc(n), hn(n);
  std::vector<double> reps, dur_us;
  const int iters = 1 << 20;  // a few ms per launch
  for (int r = 0; r < kWarmup + kReps; ++r) {
    k_busy<<<n, 256>>>(iters, 1.f, sink, cyc, ns);
    CK_LAUNCH();
    CK(cudaDeviceSynchronize());
    if (r < kWarmup) continue;
    CK(cudaMemcpy(hc.data(), cyc, n * sizeof(uint64_t), cudaMemcpyDeviceToHost));
    CK(cudaMemcpy(hn.data(), ns, n * sizeof(uint64_t), cudaMemcpyDeviceToHost));
    std::vector<double> ghz, us;
    for (int i = 0; i < n; ++i) {
      REQUIRE(hn[i] > 0, "globaltimer did not advance");
      ghz.push_back(double(hc[i]) / double(hn[i]));
      us.push_back(hn[i] * 1e-3);
    }
    reps.push_back(median(ghz));
    dur_us.push_back(median(us));
  }
  CK(cudaFree(sink));
  CK(cudaFree(cyc));
  CK(cudaFree(ns));
  return jstat(reps, "\"unit\": \"GHz (clock64 cycles / globaltimer ns, median over CTAs)\", "
                     "\"loop_us_median\": " + jnum(median(dur_us)));
}

//===----------------------------------------------------------------------===//
// 2. DRAM read bandwidth
//===----------------------------------------------------------------------===//

__device__ __forceinline__ uint4 ld_stream(const uint4* p) {
  uint4 v;
  asm volatile("ld.global.nc.L1::no_allocate.v4.u32 {%0, %1, %2, %3}, [%4];"
               : "=r"(v.x), "=r"(v.y), "=r"(v.z), "=r"(v.w)
               : "l"(p));
  return v;
}

// One grid-stride pass over n16 16-byte words, 4 independent loads per
// thread per iteration, XORed into acc.
__device__ __forceinline__ void read_pass(const uint4* __restrict__ p, size_t n16, uint4& acc) {
  size_t stride = size_t(gridDim.x) * blockDim.x;
  size_t i = size_t(blockIdx.x) * blockDim.x + threadIdx.x;
  for (; i + 3 * stride < n16; i += 4 * stride) {
    uint4 a = ld_stream(p + i), b = ld_stream(p + i + stride),
          c = ld_stream(p + i + 2 * stride), d = ld_stream(p + i + 3 * stride);
    acc.x ^= a.x ^ b.x ^ c.x ^ d.x;
    acc.y ^= a.y ^ b.y ^ c.y ^ d.y;
    acc.z ^= a.z ^ b.z ^ c.z ^ d.z;
    acc.w ^= a.w ^ b.w ^ c.w ^ d.w;
  }
  for (; i < n16; i += stride) {
    uint4 a = ld_stream(p + i);
    acc.x ^= a.x;
    acc.y ^= a.y;
    acc.z ^= a.z;
    acc.w ^= a.w;
  }
}

// Grid-stride streaming read (one pass); the XOR of everything goes to
// `sink` only if it matches a value it cannot have (the buffer is zero), so
// the loads stay.
__global__ void __launch_bounds__(256)
    k_read(const uint4* __restrict__ p, size_t n16, uint4* sink) {
  uint4 acc = make_uint4(0, 0, 0, 0);
  read_pass(p, n16, acc);
  if ((acc.x & acc.y & acc.z & acc.w) == 0xdeadbeefu) *sink = acc;
}

std::string bench_dram(void* buf, size_t bytes) {
  std::fprintf(stderr, "dram read ...\n");
  uint4* sink;
  CK(cudaMalloc(&sink, sizeof(uint4)));
  size_t n16 = bytes / 16;
  Timer t;
  std::string configs = "[";
  double best = 0;
  int best_k = 0;
  const int ks[] = {2, 4, 8};  // 8 x 256 threads fill an SM
  for (int ki = 0; ki < 3; ++ki) {
    int k = ks[ki];
    std::vector<double> reps;
    for (int r = 0; r < kWarmup + kReps; ++r) {
      t.start();
      k_read<<<g_num_sms * k, 256>>>(static_cast<const uint4*>(buf), n16, sink);
      CK_LAUNCH();
      float ms = t.stop_ms();
      if (r >= kWarmup) reps.push_back(double(bytes) / (ms * 1e-3) / 1e9);
    }
    double m = median(reps);
    if (m > best) {
      best = m;
      best_k = k;
    }
    if (ki) configs += ", ";
    configs += jstat(reps, "\"ctas_per_sm\": " + std::to_string(k) +
                               ", \"threads_per_cta\": 256");
  }
  configs += "]";
  CK(cudaFree(sink));
  return "{\"median\": " + jnum(best) + ", \"unit\": \"GB/s (1e9 bytes/s), best configuration's median\", " +
         "\"best_ctas_per_sm\": " + std::to_string(best_k) +
         ", \"buffer_bytes\": " + std::to_string(bytes) + ", \"configs\": " + configs + "}";
}

// L2 read bandwidth (a data item, not one of the eight constants): the same
// 16-byte loads over a buffer that fits L2, `passes` times in one launch, so
// that after the first pass every load is an L2 hit (L1::no_allocate keeps
// them from L1). What the tile loads that many CTAs share (the token tile of a
// weight-tile column) can draw on.
__global__ void __launch_bounds__(256)
    k_read_passes(const uint4* __restrict__ p, size_t n16, int passes, uint4* sink) {
  uint4 acc = make_uint4(0, 0, 0, 0);
  for (int pass = 0; pass < passes; ++pass) read_pass(p, n16, acc);
  if ((acc.x & acc.y & acc.z & acc.w) == 0xdeadbeefu) *sink = acc;
}

// Buffers of 8, 16 and 24 MiB (the H100's and H200's L2 is 50 MB, in two
// halves), 4 and 8 CTAs of 256 threads per SM; median is the best
// configuration's at 16 MiB.
std::string bench_l2(void* buf) {
  std::fprintf(stderr, "l2 read ...\n");
  uint4* sink;
  CK(cudaMalloc(&sink, sizeof(uint4)));
  Timer t;
  const size_t mib = size_t(1) << 20;
  const size_t sizes[] = {8 * mib, 16 * mib, 24 * mib};
  const int ks[] = {4, 8};
  std::string configs = "[";
  double best16 = 0;
  for (int si = 0; si < 3; ++si) {
    size_t bytes = sizes[si];
    int passes = int((size_t(2) << 30) / bytes);  // 2 GiB read per launch
    for (int ki = 0; ki < 2; ++ki) {
      std::vector<double> reps;
      for (int r = 0; r < kWarmup + kReps; ++r) {
        t.start();
        k_read_passes<<<g_num_sms * ks[ki], 256>>>(static_cast<const uint4*>(buf), bytes / 16,
                                                    passes, sink);
        CK_LAUNCH();
        float ms = t.stop_ms();
        if (r >= kWarmup)
          reps.push_back(double(bytes) * passes / (ms * 1e-3) / 1e9);
      }
      if (bytes == 16 * mib) best16 = std::max(best16, median(reps));
      if (si || ki) configs += ", ";
      configs += jstat(reps, "\"buffer_bytes\": " + std::to_string(bytes) +
                                 ", \"ctas_per_sm\": " + std::to_string(ks[ki]) +
                                 ", \"passes\": " + std::to_string(passes));
    }
  }
  CK(cudaFree(sink));
  return "{\"median\": " + jnum(best16) +
         ", \"unit\": \"GB/s (1e9 bytes/s), the best 16 MiB configuration's median\", "
         "\"configs\": " + configs + "]}";
}

//===----------------------------------------------------------------------===//
// 3. wgmma throughput
//===----------------------------------------------------------------------===//

// The shared-memory matrix descriptor of a K-major, unswizzled operand (the
// kernel's layout: 8x16-byte core matrices, leading byte offset 128 between
// core matrices adjacent in K, stride byte offset 1024 between 8-row groups
// of a 64-K buffer row), swizzle bits 62-63 = 0.
__device__ __forceinline__ uint64_t make_desc(uint32_t saddr) {
  uint64_t d = (uint64_t)((saddr & 0x3FFFF) >> 4);
  d |= (uint64_t)(128 >> 4) << 16;
  d |= (uint64_t)(1024 >> 4) << 32;
  return d;
}

// wgmma exists only in the arch-specific sm_90a target. nvcc -arch=sm_90a
// also emits compute_90 PTX; there the wgmma statements become traps (never
// run: the H200 loads the sm_90a SASS).
#if defined(__CUDA_ARCH__) && !defined(__CUDA_ARCH_FEAT_SM90_ALL)
#define SM90A_ASM(...) __trap()
#else
#define SM90A_ASM(...) asm volatile(__VA_ARGS__)
#endif

__device__ __forceinline__ void wgmma_fence() {
  SM90A_ASM("wgmma.fence.sync.aligned;\n" ::: "memory");
}
__device__ __forceinline__ void wgmma_commit() {
  SM90A_ASM("wgmma.commit_group.sync.aligned;\n" ::: "memory");
}
template <int Pending>
__device__ __forceinline__ void wgmma_wait() {
  SM90A_ASM("wgmma.wait_group.sync.aligned %0;\n" ::"n"(Pending) : "memory");
}
// Keeps the compiler from moving accesses of an accumulator register across
// the volatile asm statements around it.
__device__ __forceinline__ void reg_fence(float& r) {
  asm volatile("" : "+f"(r)::"memory");
}

template <int N>
struct Wgmma;

// wgmma.mma_async m64nNk16, f32 += f16 * f16, for N = 16 .. 256: the N/2
// accumulators as "+f" operands %0 .. %N/2-1, then descriptor A (%N/2) and
// B (%N/2+1); scale-d is the predicate p = true (accumulate), scale-a =
// scale-b = 1, no transpose.
//
// WGMMA_ACC<C>: the register list "%0, ..., %C-1" of C accumulators, each
// extending the one before.
#define WGMMA_ACC8 "%0, %1, %2, %3, %4, %5, %6, %7"
#define WGMMA_ACC16 WGMMA_ACC8 ", %8, %9, %10, %11, %12, %13, %14, %15"
#define WGMMA_ACC32 WGMMA_ACC16 \
    ", %16, %17, %18, %19, %20, %21, %22, %23, %24, %25, %26, %27, %28, %29, %30, %31"
#define WGMMA_ACC64 WGMMA_ACC32 \
    ", %32, %33, %34, %35, %36, %37, %38, %39, %40, %41, %42, %43, %44, %45, %46, %47" \
    ", %48, %49, %50, %51, %52, %53, %54, %55, %56, %57, %58, %59, %60, %61, %62, %63"
#define WGMMA_ACC128 WGMMA_ACC64 \
    ", %64, %65, %66, %67, %68, %69, %70, %71, %72, %73, %74, %75, %76, %77, %78, %79" \
    ", %80, %81, %82, %83, %84, %85, %86, %87, %88, %89, %90, %91, %92, %93, %94, %95" \
    ", %96, %97, %98, %99, %100, %101, %102, %103, %104, %105, %106, %107, %108, %109, %110, %111" \
    ", %112, %113, %114, %115, %116, %117, %118, %119, %120, %121, %122, %123, %124, %125, %126, %127"
// WGMMA_D<C>(i): the operands "+f"(d[i]) .. "+f"(d[i + C-1]) of the
// accumulator array d, in blocks of 8.
#define WGMMA_D8(i)                                                     \
  "+f"(d[(i) + 0]), "+f"(d[(i) + 1]), "+f"(d[(i) + 2]), "+f"(d[(i) + 3]), \
      "+f"(d[(i) + 4]), "+f"(d[(i) + 5]), "+f"(d[(i) + 6]), "+f"(d[(i) + 7])
#define WGMMA_D16(i) WGMMA_D8(i), WGMMA_D8((i) + 8)
#define WGMMA_D32(i) WGMMA_D16(i), WGMMA_D16((i) + 16)
#define WGMMA_D64(i) WGMMA_D32(i), WGMMA_D32((i) + 32)
#define WGMMA_D128(i) WGMMA_D64(i), WGMMA_D64((i) + 64)

// Wgmma<N> with C = N/2 accumulators; DA, DB: the operand numbers C, C+1 of
// the descriptors.
#define WGMMA_SPECIALIZATION(N, C, DA, DB)                                   \
  template <>                                                                \
  struct Wgmma<N> {                                                          \
    static __device__ __forceinline__ void mma(float* d, uint64_t da,        \
                                               uint64_t db) {                \
      SM90A_ASM("{\n.reg .pred p;\nsetp.ne.b32 p, 1, 0;\n"                  \
                "wgmma.mma_async.sync.aligned.m64n" #N "k16.f32.f16.f16 "   \
                "{" WGMMA_ACC##C "}, %" #DA ", %" #DB ", p, 1, 1, 0, 0;\n}\n" \
                : WGMMA_D##C(0)                                              \
                : "l"(da), "l"(db));                                         \
    }                                                                        \
  };

WGMMA_SPECIALIZATION(16, 8, 8, 9)
WGMMA_SPECIALIZATION(32, 16, 16, 17)
WGMMA_SPECIALIZATION(64, 32, 32, 33)
WGMMA_SPECIALIZATION(128, 64, 64, 65)
WGMMA_SPECIALIZATION(256, 128, 128, 129)

#undef WGMMA_SPECIALIZATION
// (WGMMA_ACC<C> and WGMMA_D<C> stay defined for WgmmaRegA, section 4.)

constexpr int kWgmmaPerIter = 4;  // one 64-K step: 4 x k16, as the kernel

// One CTA per SM, two warpgroups. Dynamic shared memory: A of each
// warpgroup (64 rows x 64 K of f16, 8 KiB each), then B (N rows x 64 K).
// Per iteration: wgmma.fence; 4 wgmmas (K offsets 0, 256, 512, 768 bytes, as
// the kernel); commit; wait_group 1 (one group stays in flight, no drain).
template <int N>
__global__ void __launch_bounds__(256, 1)
    k_wgmma(int iters, uint64_t* cyc, uint64_t* ns, float* sink) {
  extern __shared__ __align__(1024) unsigned char smem[];
  for (int i = threadIdx.x; i < (16384 + N * 128) / 16; i += blockDim.x)
    reinterpret_cast<uint4*>(smem)[i] = make_uint4(0, 0, 0, 0);
  // Generic-proxy writes read by wgmma (async proxy).
  asm volatile("fence.proxy.async.shared::cta;\n" ::: "memory");
  __syncthreads();
  const int wg = threadIdx.x / 128;
  const uint32_t a = smem_addr(smem) + wg * 8192, b = smem_addr(smem) + 16384;
  const uint64_t da = make_desc(a), db = make_desc(b);
  float d[N / 2];
#pragma unroll
  for (int i = 0; i < N / 2; ++i) d[i] = 0.f;
  __syncthreads();
  uint64_t c0 = clock64(), g0 = globaltimer_ns();
  for (int it = 0; it < iters; ++it) {
    wgmma_fence();
#pragma unroll
    for (int ks = 0; ks < kWgmmaPerIter; ++ks)
      Wgmma<N>::mma(d, da + (uint64_t)(ks * 256 >> 4), db + (uint64_t)(ks * 256 >> 4));
    wgmma_commit();
    wgmma_wait<1>();
  }
  wgmma_wait<0>();
#pragma unroll
  for (int i = 0; i < N / 2; ++i) reg_fence(d[i]);
  uint64_t c1 = clock64(), g1 = globaltimer_ns();
  if (threadIdx.x % 128 == 0) {
    cyc[blockIdx.x * 2 + wg] = c1 - c0;
    ns[blockIdx.x * 2 + wg] = g1 - g0;
  }
  float s = 0.f;
#pragma unroll
  for (int i = 0; i < N / 2; ++i) s += d[i];
  if (s == 1234.5f) sink[threadIdx.x] = s;
}

// Returns the JSON member for one N; also the clock (GHz) seen in it.
template <int N>
std::string bench_wgmma_n(double* ghz_out, std::vector<double>* ghz_reps) {
  std::fprintf(stderr, "wgmma m64n%dk16 ...\n", N);
  const int n = g_num_sms, iters = 2048;
  const int smem = 16384 + N * 128;
  CK(cudaFuncSetAttribute(k_wgmma<N>, cudaFuncAttributeMaxDynamicSharedMemorySize, smem));
  uint64_t *cyc, *ns;
  float* sink;
  CK(cudaMalloc(&cyc, 2 * n * sizeof(uint64_t)));
  CK(cudaMalloc(&ns, 2 * n * sizeof(uint64_t)));
  CK(cudaMalloc(&sink, 256 * sizeof(float)));
  std::vector<uint64_t> hc(2 * n), hn(2 * n);
  std::vector<double> reps, us, ghz;
  Timer t;
  for (int r = 0; r < kWarmup + kReps; ++r) {
    t.start();
    k_wgmma<N><<<n, 256, smem>>>(iters, cyc, ns, sink);
    CK_LAUNCH();
    float ms = t.stop_ms();
    if (r < kWarmup) continue;
    CK(cudaMemcpy(hc.data(), cyc, 2 * n * sizeof(uint64_t), cudaMemcpyDeviceToHost));
    CK(cudaMemcpy(hn.data(), ns, 2 * n * sizeof(uint64_t), cudaMemcpyDeviceToHost));
    std::vector<double> per, g;
    for (int i = 0; i < 2 * n; ++i) {
      per.push_back(double(hc[i]) / (double(iters) * kWgmmaPerIter));
      if (hn[i] > 0) g.push_back(double(hc[i]) / double(hn[i]));
    }
    reps.push_back(median(per));
    if (!g.empty()) ghz.push_back(median(g));
    us.push_back(ms * 1e3);
  }
  CK(cudaFree(cyc));
  CK(cudaFree(ns));
  CK(cudaFree(sink));
  double flops = 2.0 * 64 * N * 16;
  double cyc_med = median(reps);
  if (ghz_out) *ghz_out = ghz.empty() ? 0 : median(ghz);
  if (ghz_reps) *ghz_reps = ghz;
  return "\"" + std::to_string(N) + "\": " +
         jstat(reps, "\"flops_per_wgmma\": " + jnum(flops) +
                         ", \"flops_per_cycle_sm\": " + jnum(2 * flops / cyc_med) +
                         ", \"kernel_us_median\": " + jnum(median(us)));
}

std::string bench_wgmma() {
  std::string s = "{\"unit\": \"cycles per wgmma per warpgroup (2 warpgroups per CTA, 1 CTA per SM)\", "
                  "\"warpgroups_per_cta\": 2, \"wgmma_per_commit\": " +
                  std::to_string(kWgmmaPerIter) + ", \"by_n\": {";
  double ghz = 0;
  std::vector<double> ghz_reps;
  s += bench_wgmma_n<16>(nullptr, nullptr) + ", ";
  s += bench_wgmma_n<32>(nullptr, nullptr) + ", ";
  s += bench_wgmma_n<64>(nullptr, nullptr) + ", ";
  s += bench_wgmma_n<128>(nullptr, nullptr) + ", ";
  s += bench_wgmma_n<256>(&ghz, &ghz_reps) + "}";
  if (!ghz_reps.empty()) s += ", \"clock_ghz_n256\": " + jstat(ghz_reps);
  return s + "}";
}

//===----------------------------------------------------------------------===//
// 4. Decode of one piece
//===----------------------------------------------------------------------===//

constexpr int kDecodeSlots = 8;       // input pieces per thread, cycled
constexpr int kDecodeThreads = 256;

__device__ __forceinline__ uint32_t hmul2(uint32_t a, uint32_t b) {
  uint32_t r;
  asm("mul.rn.f16x2 %0, %1, %2;" : "=r"(r) : "r"(a), "r"(b));
  return r;
}

// The f16 high bytes `2n + 14(n & 8)` of the 4 nibbles at bit `shift` of each
// byte of w (no carry crosses a byte), as the kernel computes them.
__device__ __forceinline__ uint32_t code_bytes_lo(uint32_t w) {
  return (w & 0x08080808u) * 14u + ((w << 1) & 0x1E1E1E1Eu);
}
__device__ __forceinline__ uint32_t code_bytes_hi(uint32_t w) {
  return ((w >> 4) & 0x08080808u) * 14u + ((w >> 3) & 0x1E1E1E1Eu);
}

__device__ __forceinline__ void st_shared_v4(uint32_t addr, uint32_t a, uint32_t b,
                                             uint32_t c, uint32_t d) {
  asm volatile("st.shared.v4.b32 [%0], {%1, %2, %3, %4};" ::"r"(addr), "r"(a),
               "r"(b), "r"(c), "r"(d)
               : "memory");
}

// One piece: 16 bytes (4 words, 32 codes) from shared memory, its two e4m3
// scale bytes from shared memory, four 16-byte f16 rows to shared memory at
// out, out + 128, out + 256, out + 384.
__device__ __forceinline__ void decode_piece(uint32_t in, uint32_t sc, uint32_t out) {
  uint32_t w0, w1, w2, w3;
  unsigned short s16;
  asm volatile("ld.shared.v4.b32 {%0, %1, %2, %3}, [%4];"
               : "=r"(w0), "=r"(w1), "=r"(w2), "=r"(w3)
               : "r"(in)
               : "memory");
  asm volatile("ld.shared.u16 %0, [%1];" : "=h"(s16) : "r"(sc) : "memory");
  uint32_t s2;
  asm("cvt.rn.f16x2.e4m3x2 %0, %1;" : "=r"(s2) : "h"(s16));
  const uint32_t sa = __byte_perm(s2, 0, 0x1010), sb = __byte_perm(s2, 0, 0x3232);
  const uint32_t w[4] = {w0, w1, w2, w3};
#pragma unroll
  for (int j = 0; j < 4; ++j) {
    const uint32_t s = j < 2 ? sa : sb;
    const uint32_t lo = code_bytes_lo(w[j]), hi = code_bytes_hi(w[j]);
    st_shared_v4(out + j * 128, hmul2(s, __byte_perm(lo, 0, 0x1404)),
                 hmul2(s, __byte_perm(lo, 0, 0x3424)),
                 hmul2(s, __byte_perm(hi, 0, 0x1404)),
                 hmul2(s, __byte_perm(hi, 0, 0x3424)));
  }
}

// Shared memory: input pieces [slot][thread] (32 KiB), scale pairs
// [slot][thread] (4 KiB), two output buffers of 32 KiB. Each iteration a
// thread decodes two pieces (a token and a weight piece per step, as the
// kernel) into the buffer (iteration & 1); eight consecutive lanes write
// eight consecutive 16-byte rows (conflict-free, as the kernel).
__global__ void __launch_bounds__(kDecodeThreads, 1)
    k_decode(int iters, uint64_t* cyc, uint32_t* sink) {
  extern __shared__ __align__(1024) unsigned char smem[];
  const int tid = threadIdx.x, lane = tid % 32, warp = tid / 32;
  uint32_t* in32 = reinterpret_cast<uint32_t*>(smem);
  for (int i = tid; i < kDecodeSlots * kDecodeThreads * 4; i += blockDim.x)
    in32[i] = 0x9E3779B9u * (uint32_t)(i + 1);  // any codes
  unsigned short* sc16 = reinterpret_cast<unsigned short*>(smem + 32768);
  for (int i = tid; i < kDecodeSlots * kDecodeThreads; i += blockDim.x)
    sc16[i] = (unsigned short)(0x3038 + (i & 7));  // finite e4m3 pairs
  __syncthreads();
  const uint32_t base = smem_addr(smem);
  const uint32_t in0 = base + tid * 16, sc0 = base + 32768 + tid * 2;
  const uint32_t out0 = base + 36864 + warp * 4096 + (lane / 8) * 512 + (lane % 8) * 16;
  uint64_t c0 = clock64();
  for (int it = 0; it < iters; ++it) {
    const int slot = (it * 2) & (kDecodeSlots - 1);
    const uint32_t out = out0 + (it & 1) * 32768;
    decode_piece(in0 + slot * (kDecodeThreads * 16), sc0 + slot * (kDecodeThreads * 2), out);
    decode_piece(in0 + (slot + 1) * (kDecodeThreads * 16),
                 sc0 + (slot + 1) * (kDecodeThreads * 2), out + 2048);
  }
  uint64_t c1 = clock64();
  if (lane == 0) cyc[blockIdx.x * 8 + warp] = c1 - c0;
  __syncthreads();
  if (tid == 0) {
    uint32_t v = reinterpret_cast<uint32_t*>(smem + 36864)[7];
    if (v == 0x12345679u) *sink = v;
  }
}

std::string bench_decode() {
  std::fprintf(stderr, "decode ...\n");
  const int n = g_num_sms, iters = 4096;
  const int smem = 36864 + 65536;
  CK(cudaFuncSetAttribute(k_decode, cudaFuncAttributeMaxDynamicSharedMemorySize, smem));
  uint64_t* cyc;
  uint32_t* sink;
  CK(cudaMalloc(&cyc, 8 * n * sizeof(uint64_t)));
  CK(cudaMalloc(&sink, sizeof(uint32_t)));
  std::vector<uint64_t> hc(8 * n);
  std::vector<double> reps;
  for (int r = 0; r < kWarmup + kReps; ++r) {
    k_decode<<<n, kDecodeThreads, smem>>>(iters, cyc, sink);
    CK_LAUNCH();
    CK(cudaDeviceSynchronize());
    if (r < kWarmup) continue;
    CK(cudaMemcpy(hc.data(), cyc, 8 * n * sizeof(uint64_t), cudaMemcpyDeviceToHost));
    std::vector<double> per;
    for (int i = 0; i < 8 * n; ++i) per.push_back(double(hc[i]) / (2.0 * iters));
    reps.push_back(median(per));
  }
  CK(cudaFree(cyc));
  CK(cudaFree(sink));
  return jstat(reps, "\"unit\": \"cycles per piece per thread (256 threads decoding, 1 CTA per SM)\", "
                     "\"pieces_per_iter\": 2");
}

// The step of the kernels whose weights go to wgmma in registers (16 and 32
// tokens, and predecoded tokens at every tile M; a data item, not one of the
// eight constants): per 64-K step each thread loads its two weight rows'
// 16-byte pieces (four ld.shared.v4, as the kernel), gathers and decodes
// the 16 f16 pairs it holds in wgmma's A fragments (8 prmt gathers, 8
// four-code decodes, each a shift and mask, the byte arithmetic, 2 prmt
// and 2 mul.f16x2 by the scale), then issues 4 wgmma m64nNk16 with A from
// those registers and B (N token rows of f16) from shared memory;
// commit; wait_group 1. The fragments of the step in flight stay untouched
// (two sets, alternating). Cycles per step per warpgroup, 2 warpgroups, 1
// CTA per SM.
template <int N>
struct WgmmaRegA;

// WgmmaRegA<N> with C = N/2 accumulators; A0: the operand number C of the
// first A register (then C+1 .. C+3), DB: C+4, the B descriptor. Register
// A: no trans-a; "p, 1, 1, 0" is scale-d, scale-a, scale-b, trans-b.
#define WGMMA_RA_SPECIALIZATION(N, C, A0, A1, A2, A3, DB)                     \
  template <>                                                                 \
  struct WgmmaRegA<N> {                                                       \
    static __device__ __forceinline__ void mma(float* d, uint32_t a0,         \
                                               uint32_t a1, uint32_t a2,      \
                                               uint32_t a3, uint64_t db) {    \
      SM90A_ASM("{\n.reg .pred p;\nsetp.ne.b32 p, 1, 0;\n"                   \
                "wgmma.mma_async.sync.aligned.m64n" #N "k16.f32.f16.f16 "    \
                "{" WGMMA_ACC##C "}, {%" #A0 ", %" #A1 ", %" #A2 ", %" #A3 \
                "}, %" #DB ", p, 1, 1, 0;\n}\n"                               \
                : WGMMA_D##C(0)                                            \
                : "r"(a0), "r"(a1), "r"(a2), "r"(a3), "l"(db));               \
    }                                                                         \
  };

WGMMA_RA_SPECIALIZATION(16, 8, 8, 9, 10, 11, 12)
WGMMA_RA_SPECIALIZATION(32, 16, 16, 17, 18, 19, 20)
WGMMA_RA_SPECIALIZATION(64, 32, 32, 33, 34, 35, 36)
WGMMA_RA_SPECIALIZATION(128, 64, 64, 65, 66, 67, 68)
WGMMA_RA_SPECIALIZATION(256, 128, 128, 129, 130, 131, 132)

#undef WGMMA_RA_SPECIALIZATION
#undef WGMMA_D128
#undef WGMMA_D64
#undef WGMMA_D32
#undef WGMMA_D16
#undef WGMMA_D8
#undef WGMMA_ACC128
#undef WGMMA_ACC64
#undef WGMMA_ACC32
#undef WGMMA_ACC16
#undef WGMMA_ACC8

// Two f16 pairs from four codes (one per byte, low nibble) times the scale
// pair s: the `2n + 14(n & 8)` high bytes, placed beside zero low bytes.
__device__ __forceinline__ void decode_four(uint32_t codes, uint32_t s, uint32_t& lo,
                                            uint32_t& hi) {
  const uint32_t b = (codes & 0x08080808u) * 14u + ((codes << 1) & 0x1E1E1E1Eu);
  lo = hmul2(s, __byte_perm(b, 0, 0x1404));
  hi = hmul2(s, __byte_perm(b, 0, 0x3424));
}

// One step's A fragments of one thread from its rows' pieces p0 (row r,
// two 16-byte pieces as 8 words) and p1 (row r + 8): 16 registers, 4 per
// k16 slice. sel: the thread's byte selector (its two bytes of two words).
__device__ __forceinline__ void fragments(const uint32_t (&p0)[8], const uint32_t (&p1)[8],
                                          uint32_t sel, int shift, uint32_t s,
                                          uint32_t (&a)[16]) {
#pragma unroll
  for (int j = 0; j < 4; ++j) {
    const uint32_t g0 = __byte_perm(p0[2 * j], p0[2 * j + 1], sel) >> shift;
    const uint32_t g1 = __byte_perm(p1[2 * j], p1[2 * j + 1], sel) >> shift;
    decode_four(g0 & 0x0F0F0F0Fu, s, a[4 * j + 0], a[4 * j + 2]);
    decode_four(g1 & 0x0F0F0F0Fu, s, a[4 * j + 1], a[4 * j + 3]);
  }
}

// Shared memory: weight rows (64 rows x 2 pieces of 16 bytes per warpgroup,
// per step slot; 8 slots), then B (N rows x 64 K of f16, zero).
template <int N>
__global__ void __launch_bounds__(256, 1)
    k_step_rega(int iters, uint64_t* cyc, float* sink) {
  extern __shared__ __align__(1024) unsigned char smem[];
  const int tid = threadIdx.x, lane = tid % 32, wg = tid / 128;
  constexpr int kSlotBytes = 2 * 64 * 32;  // both warpgroups' rows
  uint32_t* w32 = reinterpret_cast<uint32_t*>(smem);
  for (int i = tid; i < 8 * kSlotBytes / 4; i += blockDim.x)
    w32[i] = 0x11111111u * (uint32_t)(i & 7);  // small codes: finite sums
  for (int i = 8 * kSlotBytes / 16 + tid; i < (8 * kSlotBytes + N * 128) / 16; i += blockDim.x)
    reinterpret_cast<uint4*>(smem)[i] = make_uint4(0, 0, 0, 0);
  asm volatile("fence.proxy.async.shared::cta;\n" ::: "memory");
  __syncthreads();
  const uint32_t base = smem_addr(smem);
  const int row = 16 * ((tid / 32) % 4) + lane / 4, t = lane % 4;
  const uint32_t sel = (t % 2) ? 0x7632u : 0x5410u;  // bytes 2,3 or 0,1 of each word
  const int shift = t >= 2 ? 4 : 0;                   // high or low nibbles
  const uint32_t rows0 = base + wg * 64 * 32 + row * 32;
  const uint64_t db = make_desc(base + 8 * kSlotBytes);
  const uint32_t scale = 0x3C003C00u;  // f16 1.0 pair
  float d[N / 2];
#pragma unroll
  for (int i = 0; i < N / 2; ++i) d[i] = 0.f;
  uint32_t a[2][16];
  __syncthreads();
  uint64_t c0 = clock64();
  for (int it = 0; it < iters; it += 2) {
#pragma unroll
    for (int h = 0; h < 2; ++h) {
      const uint32_t r0 = rows0 + (((it + h) & 7) * kSlotBytes);
      uint32_t p0[8], p1[8];
      asm volatile("ld.shared.v4.b32 {%0, %1, %2, %3}, [%4];"
                   : "=r"(p0[0]), "=r"(p0[1]), "=r"(p0[2]), "=r"(p0[3]) : "r"(r0) : "memory");
      asm volatile("ld.shared.v4.b32 {%0, %1, %2, %3}, [%4];"
                   : "=r"(p0[4]), "=r"(p0[5]), "=r"(p0[6]), "=r"(p0[7]) : "r"(r0 + 16) : "memory");
      asm volatile("ld.shared.v4.b32 {%0, %1, %2, %3}, [%4];"
                   : "=r"(p1[0]), "=r"(p1[1]), "=r"(p1[2]), "=r"(p1[3]) : "r"(r0 + 256) : "memory");
      asm volatile("ld.shared.v4.b32 {%0, %1, %2, %3}, [%4];"
                   : "=r"(p1[4]), "=r"(p1[5]), "=r"(p1[6]), "=r"(p1[7]) : "r"(r0 + 272) : "memory");
      wgmma_wait<1>();
      fragments(p0, p1, sel, shift, scale, a[h]);
      wgmma_fence();
#pragma unroll
      for (int ks = 0; ks < kWgmmaPerIter; ++ks)
        WgmmaRegA<N>::mma(d, a[h][4 * ks], a[h][4 * ks + 1], a[h][4 * ks + 2], a[h][4 * ks + 3],
                          db + (uint64_t)(ks * 256 >> 4));
      wgmma_commit();
    }
  }
  wgmma_wait<0>();
#pragma unroll
  for (int i = 0; i < N / 2; ++i) reg_fence(d[i]);
  uint64_t c1 = clock64();
  if (tid % 128 == 0) cyc[blockIdx.x * 2 + wg] = c1 - c0;
  float sum = 0.f;
#pragma unroll
  for (int i = 0; i < N / 2; ++i) sum += d[i];
  if (sum == 1234.5f) sink[tid] = sum;
}

template <int N>
std::string bench_step_rega_n() {
  std::fprintf(stderr, "register-A step m64n%dk16 ...\n", N);
  const int n = g_num_sms, iters = 2048;
  const int smem = 8 * 2 * 64 * 32 + N * 128;
  CK(cudaFuncSetAttribute(k_step_rega<N>, cudaFuncAttributeMaxDynamicSharedMemorySize, smem));
  uint64_t* cyc;
  float* sink;
  CK(cudaMalloc(&cyc, 2 * n * sizeof(uint64_t)));
  CK(cudaMalloc(&sink, 256 * sizeof(float)));
  std::vector<uint64_t> hc(2 * n);
  std::vector<double> reps;
  for (int r = 0; r < kWarmup + kReps; ++r) {
    k_step_rega<N><<<n, 256, smem>>>(iters, cyc, sink);
    CK_LAUNCH();
    CK(cudaDeviceSynchronize());
    if (r < kWarmup) continue;
    CK(cudaMemcpy(hc.data(), cyc, 2 * n * sizeof(uint64_t), cudaMemcpyDeviceToHost));
    std::vector<double> per;
    for (int i = 0; i < 2 * n; ++i) per.push_back(double(hc[i]) / double(iters));
    reps.push_back(median(per));
  }
  CK(cudaFree(cyc));
  CK(cudaFree(sink));
  return "\"" + std::to_string(N) + "\": " + jstat(reps);
}

std::string bench_step_rega() {
  std::string s = "{\"unit\": \"cycles per 64-K step per warpgroup (register-A decode of the weights, 4 wgmma "
                   "m64nNk16 with A in registers, 2 warpgroups, 1 CTA per SM)\", \"by_n\": {";
  s += bench_step_rega_n<16>() + ", ";
  s += bench_step_rega_n<32>() + ", ";
  s += bench_step_rega_n<64>() + ", ";
  s += bench_step_rega_n<128>() + ", ";
  s += bench_step_rega_n<256>() + "}";
  return s + "}";
}

//===----------------------------------------------------------------------===//
// 5. Fixed cost of one consumer step
//===----------------------------------------------------------------------===//

// Variant 0 (the constant step_cycles): wait_group 1; 2 x
// (fence.proxy.async; bar.sync 1, 256); wgmma.fence; commit. Variant 1 (as the kernel's step in
// docs/sm90-kernel.md): wait_group 1; bar.sync; fence.proxy.async; bar.sync;
// wgmma.fence; commit.
template <int Variant>
__global__ void __launch_bounds__(256, 1) k_step(int iters, uint64_t* cyc) {
  __syncthreads();
  uint64_t c0 = clock64();
  for (int it = 0; it < iters; ++it) {
    wgmma_wait<1>();
    if (Variant == 0) asm volatile("fence.proxy.async.shared::cta;\n" ::: "memory");
    asm volatile("bar.sync 1, 256;\n" ::: "memory");
    asm volatile("fence.proxy.async.shared::cta;\n" ::: "memory");
    asm volatile("bar.sync 1, 256;\n" ::: "memory");
    wgmma_fence();
    wgmma_commit();
  }
  wgmma_wait<0>();
  uint64_t c1 = clock64();
  if (threadIdx.x % 32 == 0) cyc[blockIdx.x * 8 + threadIdx.x / 32] = c1 - c0;
}

template <int Variant>
std::vector<double> run_step() {
  const int n = g_num_sms, iters = 20000;
  uint64_t* cyc;
  CK(cudaMalloc(&cyc, 8 * n * sizeof(uint64_t)));
  std::vector<uint64_t> hc(8 * n);
  std::vector<double> reps;
  for (int r = 0; r < kWarmup + kReps; ++r) {
    k_step<Variant><<<n, 256>>>(iters, cyc);
    CK_LAUNCH();
    CK(cudaDeviceSynchronize());
    if (r < kWarmup) continue;
    CK(cudaMemcpy(hc.data(), cyc, 8 * n * sizeof(uint64_t), cudaMemcpyDeviceToHost));
    std::vector<double> per;
    for (int i = 0; i < 8 * n; ++i) per.push_back(double(hc[i]) / iters);
    reps.push_back(median(per));
  }
  CK(cudaFree(cyc));
  return reps;
}

std::string bench_step() {
  std::fprintf(stderr, "step ...\n");
  std::vector<double> two = run_step<0>(), kern = run_step<1>();
  return jstat(two, "\"unit\": \"cycles per step (256 threads, 1 CTA per SM)\", "
                    "\"variant\": \"wait_group 1; 2 x (fence.proxy.async; bar.sync 1,256); wgmma.fence; commit\", "
                    "\"kernel_order\": " +
                        jstat(kern, "\"variant\": \"wait_group 1; bar.sync; fence.proxy.async; bar.sync; wgmma.fence; commit\""));
}

//===----------------------------------------------------------------------===//
// 6. Fixed cost per output tile
//===----------------------------------------------------------------------===//

constexpr int kTileBytes = 128 * 128 * 2;          // 128 x 128 f16
constexpr int kTileColsTiles = 32;                  // C: 4096 f16 columns
constexpr size_t kTilePitch = 4096 * 2;             // bytes per C row
constexpr int kTilesPerCta = 512;

__device__ __forceinline__ void mbar_init(uint32_t bar, uint32_t count) {
  asm volatile("mbarrier.init.shared::cta.b64 [%0], %1;" ::"r"(bar), "r"(count) : "memory");
}
__device__ __forceinline__ void mbar_wait(uint32_t bar, uint32_t parity) {
  asm volatile(
      "{\n.reg .pred P1;\nLAB_WAIT:\n"
      "mbarrier.try_wait.parity.shared::cta.b64 P1, [%0], %1, 10000000;\n"
      "@P1 bra.uni DONE;\nbra.uni LAB_WAIT;\nDONE:\n}\n" ::"r"(bar),
      "r"(parity)
      : "memory");
}
__device__ __forceinline__ void mbar_arrive(uint32_t bar) {
  asm volatile("mbarrier.arrive.shared::cta.b64 _, [%0];" ::"r"(bar) : "memory");
}
// What a TMA load does to the full barrier, without the TMA: expect 16
// bytes, then complete them.
__device__ __forceinline__ void mbar_expect_and_complete(uint32_t bar) {
  asm volatile("mbarrier.arrive.expect_tx.shared::cta.b64 _, [%0], 16;" ::"r"(bar) : "memory");
  asm volatile("mbarrier.complete_tx.shared::cta.b64 [%0], 16;" ::"r"(bar) : "memory");
}

// 288 threads: warps 0-7 consumers, warp 8 the producer. Two stages of
// full/empty mbarriers. Per tile the producer (lane 0) waits for a free
// stage and arrives on its full barrier (expect_tx + complete_tx); the
// consumers wait on it, bar.sync 1, 256, (Store) write the 128 x 128 f16
// tile to C (16-byte stores, 16 threads per 256-byte row), and lane 0 of
// each warp arrives on the empty barrier.
template <bool Store>
__global__ void __launch_bounds__(288, 1)
    k_tile(int tiles, int tile_space, uint4* C, uint64_t* cyc) {
  __shared__ __align__(8) uint64_t bars[4];  // full[0..1], empty[0..1]
  const int tid = threadIdx.x, warp = tid / 32, lane = tid % 32;
  const uint32_t full0 = smem_addr(&bars[0]), empty0 = smem_addr(&bars[2]);
  if (tid == 0) {
    mbar_init(full0, 1);
    mbar_init(full0 + 8, 1);
    mbar_init(empty0, 8);
    mbar_init(empty0 + 8, 8);
  }
  __syncthreads();
  if (warp == 8) {
    if (lane == 0) {
      for (int i = 0; i < tiles; ++i) {
        const int s = i & 1;
        const uint32_t ph = (i >> 1) & 1;
        mbar_wait(empty0 + 8 * s, ph ^ 1);
        mbar_expect_and_complete(full0 + 8 * s);
      }
    }
    return;
  }
  const uint4 v = make_uint4(tid, tid + 1, tid + 2, tid + 3);
  uint64_t c0 = clock64();
  for (int i = 0; i < tiles; ++i) {
    const int s = i & 1;
    const uint32_t ph = (i >> 1) & 1;
    mbar_wait(full0 + 8 * s, ph);
    asm volatile("bar.sync 1, 256;\n" ::: "memory");
    if (Store) {
      const int t = (blockIdx.x + i * gridDim.x) % tile_space;
      const size_t tm = t / kTileColsTiles, tn = t % kTileColsTiles;
      char* tile = reinterpret_cast<char*>(C) + tm * 128 * kTilePitch + tn * 256;
#pragma unroll
      for (int k = 0; k < 8; ++k) {
        const int p = k * 256 + tid, row = p / 16, col = p % 16;
        *reinterpret_cast<uint4*>(tile + row * kTilePitch + col * 16) = v;
      }
    }
    __syncwarp();
    if (lane == 0) mbar_arrive(empty0 + 8 * s);
  }
  uint64_t c1 = clock64();
  if (tid == 0) cyc[blockIdx.x] = c1 - c0;
}

template <bool Store>
std::string run_tile(void* buf, size_t bytes) {
  const int n = g_num_sms;
  const int tile_space = int(std::min<size_t>(bytes, size_t(1) << 30) / kTileBytes);
  REQUIRE(tile_space % kTileColsTiles == 0 && tile_space > 0, "tile space");
  uint64_t* cyc;
  CK(cudaMalloc(&cyc, n * sizeof(uint64_t)));
  std::vector<uint64_t> hc(n);
  std::vector<double> reps, us;
  Timer t;
  for (int r = 0; r < kWarmup + kReps; ++r) {
    t.start();
    k_tile<Store><<<n, 288>>>(kTilesPerCta, tile_space, static_cast<uint4*>(buf), cyc);
    CK_LAUNCH();
    float ms = t.stop_ms();
    if (r < kWarmup) continue;
    CK(cudaMemcpy(hc.data(), cyc, n * sizeof(uint64_t), cudaMemcpyDeviceToHost));
    std::vector<double> per;
    for (int i = 0; i < n; ++i) per.push_back(double(hc[i]) / kTilesPerCta);
    reps.push_back(median(per));
    us.push_back(ms * 1e3);
  }
  CK(cudaFree(cyc));
  double written = double(kTileBytes) * kTilesPerCta * n;
  return jstat(reps, "\"kernel_us_median\": " + jnum(median(us)) +
                         ", \"bytes_written\": " + jnum(Store ? written : 0) +
                         (Store ? ", \"write_gbps_median\": " + jnum(written / (median(us) * 1e-6) / 1e9) : std::string()));
}

std::string bench_tile(void* buf, size_t bytes) {
  std::fprintf(stderr, "tile ...\n");
  std::string with = run_tile<true>(buf, bytes), without = run_tile<false>(buf, bytes);
  return "{\"unit\": \"cycles per tile per CTA (288 threads, 1 CTA per SM)\", \"tile_bytes\": " +
         std::to_string(kTileBytes) + ", \"tiles_per_cta\": " + std::to_string(kTilesPerCta) +
         ", \"store\": " + with + ", \"nostore\": " + without + "}";
}

//===----------------------------------------------------------------------===//
// 7. Launch of an empty persistent kernel
//===----------------------------------------------------------------------===//

__global__ void __launch_bounds__(288, 1) k_empty(int flag, int* sink) {
  extern __shared__ unsigned char smem[];
  if (flag == 12345 && threadIdx.x == 0) *sink = smem[0];
}

// A kernel that does what the token decode kernel does at its smallest: 4
// CTAs of 256 threads per SM, each thread loading one 16-byte piece from
// DRAM (a stretch of its own every launch, and a 256 MiB memset, untimed,
// before each replay evicts them all from L2) and storing 64 bytes. In a
// graph of 20, each launch waits for the one before: a kernel boundary
// with a memory round trip on each side.
__global__ void __launch_bounds__(256) k_touch(const uint4* __restrict__ in, uint4* __restrict__ out,
                                               size_t offset) {
  size_t i = size_t(blockIdx.x) * blockDim.x + threadIdx.x;
  uint4 v = in[offset + i];
  for (int w = 0; w < 4; ++w) out[4 * i + w] = v;
}

std::string bench_launch() {
  std::fprintf(stderr, "launch ...\n");
  const int smem = 200 * 1024, per_graph = 20;
  CK(cudaFuncSetAttribute(k_empty, cudaFuncAttributeMaxDynamicSharedMemorySize, smem));
  int* sink;
  CK(cudaMalloc(&sink, sizeof(int)));
  cudaStream_t st;
  CK(cudaStreamCreateWithFlags(&st, cudaStreamNonBlocking));
  cudaGraph_t graph;
  cudaGraphExec_t exec;
  CK(cudaStreamBeginCapture(st, cudaStreamCaptureModeThreadLocal));
  for (int i = 0; i < per_graph; ++i) {
    k_empty<<<g_num_sms, 288, smem, st>>>(0, sink);
    CK_LAUNCH();
  }
  CK(cudaStreamEndCapture(st, &graph));
  CK(cudaGraphInstantiate(&exec, graph, 0));
  Timer t;
  std::vector<double> reps, plain;
  for (int r = 0; r < 10 + kReps; ++r) {
    t.start(st);
    CK(cudaGraphLaunch(exec, st));
    float ms = t.stop_ms(st);
    if (r >= 10) reps.push_back(ms * 1e3 / per_graph);
  }
  // The same 20 launches without a graph, for comparison.
  for (int r = 0; r < 10 + kReps; ++r) {
    t.start(st);
    for (int i = 0; i < per_graph; ++i) k_empty<<<g_num_sms, 288, smem, st>>>(0, sink);
    CK_LAUNCH();
    float ms = t.stop_ms(st);
    if (r >= 10) plain.push_back(ms * 1e3 / per_graph);
  }
  CK(cudaGraphExecDestroy(exec));
  CK(cudaGraphDestroy(graph));
  // The same graph of k_touch (4 x SMs CTAs of 256 threads): its launches
  // read 16 and write 64 bytes a thread.
  const size_t threads = size_t(4) * g_num_sms * 256, in_pieces = (size_t(1) << 30) / 16;
  uint4 *in, *out;
  CK(cudaMalloc(&in, in_pieces * 16));
  CK(cudaMalloc(&out, threads * 64));
  CK(cudaMemsetAsync(in, 1, in_pieces * 16, st));
  CK(cudaStreamBeginCapture(st, cudaStreamCaptureModeThreadLocal));
  for (int i = 0; i < per_graph; ++i) {
    k_touch<<<4 * g_num_sms, 256, 0, st>>>(in, out, size_t(i) * threads);
    CK_LAUNCH();
  }
  CK(cudaStreamEndCapture(st, &graph));
  CK(cudaGraphInstantiate(&exec, graph, 0));
  std::vector<double> touch;
  for (int r = 0; r < 10 + kReps; ++r) {
    CK(cudaMemsetAsync(in + (in_pieces - in_pieces / 4), r, in_pieces * 4, st));
    t.start(st);
    CK(cudaGraphLaunch(exec, st));
    float ms = t.stop_ms(st);
    if (r >= 10) touch.push_back(ms * 1e3 / per_graph);
  }
  CK(cudaGraphExecDestroy(exec));
  CK(cudaGraphDestroy(graph));
  CK(cudaFree(in));
  CK(cudaFree(out));
  CK(cudaStreamDestroy(st));
  CK(cudaFree(sink));
  return jstat(reps, "\"unit\": \"us per launch (graph of 20 launches, 132 x 288 threads, 200 KiB dynamic smem)\", "
                     "\"launches_per_graph\": 20, \"stream\": " + jstat(plain) +
                     ", \"touch\": " + jstat(touch, "\"bytes_per_launch\": " +
                                                std::to_string(threads * (16 + 64))));
}

//===----------------------------------------------------------------------===//
// 8. DRAM latency
//===----------------------------------------------------------------------===//

// Slot i (128 bytes apart) holds the address of slot next[i].
__global__ void k_chase_init(uint64_t* buf, const uint32_t* next, uint32_t slots) {
  uint32_t i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < slots) buf[size_t(i) * 16] = reinterpret_cast<uint64_t>(buf + size_t(next[i]) * 16);
}

__global__ void k_chase(uint64_t start, int steps, uint64_t* out) {
  uint64_t p = start;
  uint64_t c0 = clock64(), g0 = globaltimer_ns();
  for (int i = 0; i < steps; ++i)
    asm volatile("ld.global.cg.u64 %0, [%0];" : "+l"(p)::"memory");
  uint64_t c1 = clock64(), g1 = globaltimer_ns();
  out[0] = c1 - c0;
  out[1] = g1 - g0;
  out[2] = p;  // where the next repetition continues
}

std::string chase_size(void* buf, size_t bytes, double* med_ns) {
  const uint32_t slots = uint32_t(bytes / 128);
  // Sattolo's algorithm: one random cycle through all slots.
  std::vector<uint32_t> next(slots);
  for (uint32_t i = 0; i < slots; ++i) next[i] = i;
  uint64_t x = 0x9E3779B97F4A7C15ull ^ bytes;
  for (uint32_t i = slots - 1; i > 0; --i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    uint32_t j = uint32_t(x % i);  // j < i
    std::swap(next[i], next[j]);
  }
  uint32_t* dnext;
  CK(cudaMalloc(&dnext, size_t(slots) * 4));
  CK(cudaMemcpy(dnext, next.data(), size_t(slots) * 4, cudaMemcpyHostToDevice));
  k_chase_init<<<(slots + 255) / 256, 256>>>(static_cast<uint64_t*>(buf), dnext, slots);
  CK_LAUNCH();
  CK(cudaDeviceSynchronize());
  CK(cudaFree(dnext));
  uint64_t* out;
  CK(cudaMalloc(&out, 3 * sizeof(uint64_t)));
  const int steps = 2000;
  uint64_t p = reinterpret_cast<uint64_t>(buf);
  uint64_t h[3];
  std::vector<double> ns, cyc;
  for (int r = 0; r < kWarmup + kReps; ++r) {
    k_chase<<<1, 1>>>(p, steps, out);
    CK_LAUNCH();
    CK(cudaDeviceSynchronize());
    CK(cudaMemcpy(h, out, sizeof h, cudaMemcpyDeviceToHost));
    p = h[2];
    if (r < kWarmup) continue;
    ns.push_back(double(h[1]) / steps);
    cyc.push_back(double(h[0]) / steps);
  }
  CK(cudaFree(out));
  *med_ns = median(ns);
  return jstat(ns, "\"buffer_bytes\": " + std::to_string(bytes) +
                       ", \"steps\": " + std::to_string(steps) +
                       ", \"cycles\": " + jstat(cyc));
}

std::string bench_latency(void* buf) {
  std::fprintf(stderr, "dram latency ...\n");
  const size_t mib = size_t(1) << 20;
  const size_t sizes[] = {16 * mib, 256 * mib, 1024 * mib};
  std::string by = "[";
  double med = 0, m;
  for (int i = 0; i < 3; ++i) {
    std::string s = chase_size(buf, sizes[i], &m);
    if (sizes[i] == 256 * mib) med = m;
    by += (i ? ", " : "") + s;
  }
  return "{\"median\": " + jnum(med) +
         ", \"unit\": \"ns per dependent load (1 thread, random cycle, 128-byte slots), the 256 MiB buffer\", "
         "\"buffer_bytes\": " + std::to_string(256 * mib) + ", \"by_size\": " + by + "]}";
}

}  // namespace

int main(int argc, char** argv) {
  int dev = 0;
  CK(cudaSetDevice(dev));
  cudaDeviceProp prop;
  CK(cudaGetDeviceProperties(&prop, dev));
  g_num_sms = prop.multiProcessorCount;
  REQUIRE(prop.major == 9, "needs an sm_90 GPU (built for sm_90a)");
  int clock_khz = 0, mem_khz = 0, bus_bits = 0;
  cudaDeviceGetAttribute(&clock_khz, cudaDevAttrClockRate, dev);
  cudaDeviceGetAttribute(&mem_khz, cudaDevAttrMemoryClockRate, dev);
  cudaDeviceGetAttribute(&bus_bits, cudaDevAttrGlobalMemoryBusWidth, dev);
  cudaGetLastError();  // the attributes are informative only

  char date[64];
  std::time_t now = std::time(nullptr);
  std::strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  std::fprintf(stderr, "%s, %d SMs, L2 %d bytes\n", prop.name, g_num_sms, prop.l2CacheSize);

  // One big buffer (>> L2) for the streaming read, the tile stores and the
  // pointer chase.
  size_t bytes = size_t(4) << 30;
  if (argc > 1) bytes = size_t(std::atoll(argv[1])) << 20;  // MiB, for small GPUs
  REQUIRE(bytes >= (size_t(1) << 30), "buffer must be at least 1 GiB");
  void* buf;
  CK(cudaMalloc(&buf, bytes));
  CK(cudaMemset(buf, 0, bytes));
  CK(cudaDeviceSynchronize());

  std::string out = "{\n";
  out += "\"schema\": \"ggemm-micro/1\",\n";
  out += "\"date_utc\": \"" + std::string(date) + "\",\n";
  out += "\"device\": {\"name\": \"" + std::string(prop.name) + "\", \"sm_count\": " +
         std::to_string(g_num_sms) + ", \"cc\": \"" + std::to_string(prop.major) + "." +
         std::to_string(prop.minor) + "\", \"l2_bytes\": " + std::to_string(prop.l2CacheSize) +
         ", \"global_mem_bytes\": " + std::to_string(prop.totalGlobalMem) +
         ", \"clock_rate_khz_attr\": " + std::to_string(clock_khz) +
         ", \"mem_clock_khz_attr\": " + std::to_string(mem_khz) +
         ", \"mem_bus_bits\": " + std::to_string(bus_bits) + "},\n";
  out += "\"reps\": " + std::to_string(kReps) + ", \"warmup\": " + std::to_string(kWarmup) + ",\n";
  out += "\"clock\": " + bench_clock() + ",\n";
  out += "\"dram_read\": " + bench_dram(buf, bytes) + ",\n";
  out += "\"l2_read\": " + bench_l2(buf) + ",\n";
  out += "\"wgmma\": " + bench_wgmma() + ",\n";
  out += "\"decode\": " + bench_decode() + ",\n";
  out += "\"step\": " + bench_step() + ",\n";
  out += "\"step_register_a\": " + bench_step_rega() + ",\n";
  out += "\"tile\": " + bench_tile(buf, bytes) + ",\n";
  out += "\"launch\": " + bench_launch() + ",\n";
  out += "\"dram_latency\": " + bench_latency(buf) + "\n";
  out += "}\n";
  CK(cudaFree(buf));
  CK(cudaDeviceSynchronize());
  std::fputs(out.c_str(), stdout);
  return 0;
}
