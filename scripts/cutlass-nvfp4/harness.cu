// Runs the CUTLASS-derived NVFP4 kernel (kernel.cu, its PTX from nvcc
// --ptx) on ggemm's emulator and compares D with a host reference whose
// operand layouts (E2M1 packing, the SF atoms in global memory) come from
// CUTLASS's cute layouts, not from the emulator or ggemm.
//   harness KERNEL.ptx SEED [strict]
#include "kernel.cu"
#include "ggemm/Emulator/Emulator.h"
#include <cmath>
#include <cstring>
#include <fstream>
#include <random>
#include <regex>
#include <sstream>
#include <vector>

int main(int argc, char **argv) {
  constexpr int GM = 128, GN = KN, GK = KK;
  using P = Problem<GM, GN, GK>;
  std::ifstream in(argv[1]);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string ptx = ss.str();
  std::smatch mm;
  std::regex_search(ptx, mm, std::regex(R"(\.entry\s+(\S+)\()"));
  std::string kname = mm[1];
  uint64_t seed = argc > 2 ? std::stoull(argv[2]) : 1;
  bool strict = argc > 3 && std::string(argv[3]) == "strict";
  ggemm::emu::Machine m;
  int mod = -1;
  std::string e = m.loadModule(ptx, argv[1], mod);
  if (!e.empty()) { printf("load: %s\n", e.c_str()); return 1; }
  auto lSFA = P::layoutSFA();
  auto lSFB = P::layoutSFB();
  size_t nA = GM * GK / 2, nB = GN * GK / 2, nC = GM * GN * 4;
  size_t nSFA = cosize(lSFA), nSFB = cosize(lSFB);
  std::vector<uint8_t> A(nA), B(nB), SFA(nSFA), SFB(nSFB);
  std::mt19937_64 rng(seed);
  for (auto &b : A) b = rng();
  for (auto &b : B) b = rng();
  // UE4M3 scales 0x28..0x47: 2^-2 .. 2^1 * 1.875 (bit 7 clear)
  for (auto &b : SFA) b = 0x28 + rng() % 32;
  for (auto &b : SFB) b = 0x28 + rng() % 32;
  uint64_t a, b, c, d, sa, sb;
  auto alloc = [&](size_t n, uint64_t &p, const void *src) {
    if (!m.allocate(n, p).empty()) abort();
    std::vector<uint8_t> z(n, 0);
    if (!m.write(p, src ? src : z.data(), n).empty()) abort();
  };
  alloc(nA, a, A.data()); alloc(nB, b, B.data()); alloc(nC, c, nullptr);
  alloc(nC, d, nullptr); alloc(nSFA, sa, SFA.data()); alloc(nSFB, sb, SFB.data());
  auto u64 = [](uint64_t v) { std::vector<uint8_t> p(8); memcpy(p.data(), &v, 8); return p; };
  auto f32 = [](float v) { std::vector<uint8_t> p(4); memcpy(p.data(), &v, 4); return p; };
  // the TiledMMA as the host passes it (it carries CUTLASS's instruction
  // descriptor, made by CUTLASS's host code)
  auto tiledMma = P::mma();
  std::vector<uint8_t> mmaBytes(sizeof(tiledMma));
  memcpy(mmaBytes.data(), &tiledMma, sizeof(tiledMma));
  std::vector<std::vector<uint8_t>> params = {
      u64(a), u64(b), u64(c), u64(d), u64(sa), u64(sb),
      std::vector<uint8_t>(1, 0), mmaBytes, std::vector<uint8_t>(1, 0),
      f32(1.0f), f32(0.0f)};
  ggemm::emu::LaunchConfig cfg;
  cfg.grid = {1, 1, 1};
  cfg.block = {128, 1, 1};
  cfg.dynamicSharedBytes = sizeof(SharedStorageOf<GM, GN, GK>);
  ggemm::emu::Options o;
  o.seed = seed;
  o.fenceChecks = strict;
  ggemm::emu::LaunchStats st;
  e = m.launch(mod, kname, cfg, params, o, &st);
  if (!e.empty()) { printf("N=%d K=%d seed %llu: launch: %s\n", GN, GK, (unsigned long long)seed, e.c_str()); return 1; }
  std::vector<float> D(GM * GN);
  if (!m.read(d, D.data(), nC).empty()) abort();
  // reference through cute's own host tensors (CUTLASS's packing and SF layout)
  Tensor tA = make_tensor(recast_ptr<TypeA>(A.data()), P::layoutA());
  Tensor tB = make_tensor(recast_ptr<TypeA>(B.data()), P::layoutB());
  Tensor tSFA = make_tensor(reinterpret_cast<TypeSF *>(SFA.data()), lSFA);
  Tensor tSFB = make_tensor(reinterpret_cast<TypeSF *>(SFB.data()), lSFB);
  int bad = 0, exact = 0;
  double maxrel = 0;
  for (int i = 0; i < GM; ++i)
    for (int j = 0; j < GN; ++j) {
      double s = 0;
      for (int k = 0; k < GK; ++k)
        s += double(float(TypeA(tA(i, k)))) * double(float(tSFA(i, k))) *
             double(float(TypeA(tB(j, k)))) * double(float(tSFB(j, k)));
      float ref = float(s);
      float got = D[i * GN + j];
      double rel = std::fabs(double(got) - s) / std::max(1e-30, std::fabs(s));
      maxrel = std::max(maxrel, std::fabs(double(got) - s) / std::max(1.0, std::fabs(s)));
      if (got == ref) ++exact;
      else if (!(rel < 1e-6) && bad++ < 5)
        printf("  D(%d,%d) = %g, reference %g\n", i, j, got, s);
    }
  printf("N=%d K=%d seed %llu: %llu instructions; %d of %d elements bit-equal to the "
         "reference, %d beyond 1e-6 relative: %s\n", GN, GK, (unsigned long long)seed,
         (unsigned long long)st.instructions, exact, GM * GN, bad, bad ? "FAIL" : "PASS");
  return bad ? 1 : 0;
}
