//===- gemm-run.cpp - run, check and benchmark a ggemm kernel -------------===//
//
// The command-line face of the runtime: loads a kernel from the manifest
// that ggemm-pipeline wrote, generates (or loads from .npy) a problem of the
// manifest's shapes, runs the kernel once on poisoned outputs and checks
// every element against the host reference (lib/Reference); with --bench,
// replays the launch from CUDA graphs and reports its time. --device emu
// runs the same launch on the PTX emulator (lib/Emulator) instead of the
// GPU: same manifest (with a PTX kernel), inputs, launch code and check.
//
// Exit code: 0 when the check passes (or only --bench ran), 1 when it
// fails, 2 for usage, input or CUDA errors.
//
//===----------------------------------------------------------------------===//

#include "GemmRun.h"
#include "ggemm/Reference/Npy.h"
#include "ggemm/Runtime/Driver.h"

#include "../common/CommandLine.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <limits>
#include <new>

using namespace ggemm::run;

namespace {

constexpr const char *kUsageLine =
    "usage: gemm-run MANIFEST.json [--seed N] [--group-sizes a,b,...] "
    "[--load DIR]\n"
    "                [--group-offsets e,f,...] [--group-counts c,d,...]\n"
    "                [--check] [--bench] [--iters N] [--warmup N]\n"
    "                [--bench-reference] [--overrun-device-sizes N]\n"
    "                [--device gpu|emu] [--emu-seed N] [--save DIR]\n"
    "                [--stream-launch] [--token-rows T]\n"
    "                [--row-indices i,j,...]\n";
constexpr const char *kOptions =
    "  --seed N          generator seed (default 1)\n"
    "  --group-sizes L   rows per group for contiguous rows (default: the\n"
    "                    files' rows with --load, else seeded random sizes\n"
    "                    in [0, 300], as ggemm-cpu-run); an error for\n"
    "                    list-form kernels\n"
    "  --group-offsets L rows<offsets> and rows<gathered> kernels: the\n"
    "                    group_offsets array, each group's cumulative end\n"
    "                    row (torch's offs); group g owns rows [L[g-1],\n"
    "                    L[g]) (gathered: of the routed rows, the rows of\n"
    "                    C). Any int32: offsets out of\n"
    "                    order or negative are bad data the kernel must\n"
    "                    clamp and flag (bit 1), which then fails the run.\n"
    "                    Default: DIR/group_offsets.npy with --load if it\n"
    "                    exists, else the running sums of the files' rows;\n"
    "                    else seeded skewed rows (empty, 1, 300, one group\n"
    "                    up to 700)\n"
    "  --group-counts L  rows<masked> kernels: the group_counts array, each\n"
    "                    group's real rows of its max_m; any int32 (counts\n"
    "                    outside [0, max_m] are bad data, flagged with bit\n"
    "                    1). Default: DIR/group_counts.npy with --load if\n"
    "                    it exists, else the files' rows; else seeded\n"
    "                    skewed counts (0, 1, max_m, any)\n"
    "  --token-rows T    rows<gathered> kernels: T, the token rows of A and\n"
    "                    SFA (default: token_a.npy's rows with --load, else\n"
    "                    max(1, R / 2))\n"
    "  --row-indices L   rows<gathered> kernels: row_indices, the token row\n"
    "                    of each routed row; their count is R, the rows of C.\n"
    "                    Any int32: an index outside [0, T) of a routed row\n"
    "                    some group owns is bad data the kernel must clamp\n"
    "                    and flag (bit 2), which then fails the run.\n"
    "                    Default: DIR/row_indices.npy with --load, else R =\n"
    "                    the last offset + 3 spare rows, indices seeded\n"
    "                    uniform in [0, T). Generated token rows no routed\n"
    "                    row reads hold filler with NaN scales. With --load,\n"
    "                    a gathered kernel reads DIR/token_a.npy,\n"
    "                    token_sfa.npy (uint8, T x K/2 and T x K/16),\n"
    "                    row_indices.npy (int32), group_offsets.npy,\n"
    "                    b<g>.npy, sfb<g>.npy and alpha.npy; --save writes\n"
    "                    them and the gathered rows as a<g>.npy, sfa<g>.npy\n"
    "                    (an offsets kernel's --load of the same problem)\n"
    "  --load DIR        read DIR/{a,b,sfa,sfb}<g>.npy (uint8, logical\n"
    "                    row-major: each group's own rows; scales UE4M3,\n"
    "                    bit 7 clear), DIR/alpha.npy (float32) and, if\n"
    "                    present, DIR/group_offsets.npy or\n"
    "                    DIR/group_counts.npy (int32, one per group)\n"
    "                    instead\n"
    "  --check           check every output against the host reference\n"
    "                    (the default when --bench is not given)\n"
    "  --bench           time graph replays, rotating input sets so that\n"
    "                    they do not stay in L2\n"
    "  --iters N         timed replays (default 200)\n"
    "  --warmup N        untimed replays first (default 20)\n"
    "  --bench-reference time the host reference on this problem: the plain\n"
    "                    loops (on a slice of rows) and the fast one that\n"
    "                    --check uses, in GMAC/s, and compare their bits;\n"
    "                    needs no GPU unless --check or --bench is given\n"
    "  --overrun-device-sizes N\n"
    "                    contiguous or offsets rows: hand the kernel group\n"
    "                    sizes (offsets) in a device array whose last\n"
    "                    non-empty group claims N rows past A (a robustness\n"
    "                    test: the kernel must clamp them, raise its error\n"
    "                    flag and still compute the rows that exist)\n"
    "  --device D        gpu (default: libcuda, loaded at run time) or emu:\n"
    "                    the PTX emulator on the CPU, which needs a manifest\n"
    "                    whose kernel is PTX (ggemm-pipeline format=isa),\n"
    "                    checks the kernel's protocol as it runs and does not\n"
    "                    time kernels (no --bench)\n"
    "  --emu-seed N      emulator seed: warp interleaving and asynchronous\n"
    "                    delays (default 1)\n"
    "  --save DIR        create DIR and write the checked launch's output\n"
    "                    there, DIR/c<g>.npy (float16, M x N per group, as\n"
    "                    ggemm-cpu-run), with the inputs as --load reads them\n"
    "                    (offsets and masked kernels: their array too)\n"
    "  --graph-replays N offsets, masked and gathered kernels, with --check:\n"
    "                    capture the checked launch in one CUDA graph, then\n"
    "                    N times write new seeded skewed rows into the device\n"
    "                    array it reads (the same rows of A in all; gathered:\n"
    "                    the same R and T, new row indices) and new inputs\n"
    "                    into its buffers, replay the graph and check it\n"
    "  --stream-launch   with --check: launch as a framework does\n"
    "                    (rt::enqueueOnStream): the row array and alpha on\n"
    "                    the device, the tensor maps encoded on the host,\n"
    "                    the setup kernel writing the parameter block into a\n"
    "                    workspace, nothing allocated or copied per launch\n";

struct Options {
  std::string manifest, loadDir, saveDir;
  std::string device = "gpu";
  uint64_t seed = 1, emuSeed = 1;
  std::vector<int64_t> groupSizes;
  /// --group-offsets / --group-counts: any int32, bad data included.
  std::vector<int64_t> groupOffsets, groupCounts;
  bool check = false, bench = false, benchReference = false;
  /// --stream-launch: the checked launch through rt::enqueueOnStream.
  bool streamLaunch = false;
  int64_t iters = 200, warmup = 20;
  /// --overrun-device-sizes: rows the device's group sizes claim past A.
  int64_t overrun = 0;
  /// --graph-replays: replays of one captured graph after the array and
  /// the inputs changed.
  int64_t graphReplays = 0;
  /// --token-rows, --row-indices: a gathered kernel's T and row indices.
  ref::GatheredChoice gathered;
};

/// A decimal integer in [min, max], the whole of `text`.
bool parseInteger(const std::string &text, int64_t min, int64_t max,
                  int64_t &out) {
  if (text.empty())
    return false;
  errno = 0;
  char *end = nullptr;
  long long value = std::strtoll(text.c_str(), &end, 10);
  if (errno || *end != '\0' || value < min || value > max)
    return false;
  out = value;
  return true;
}

/// Integers in [min, max] separated by commas, the whole of `value`; at
/// most 2^20 of them.
std::string parseList(const std::string &name, const std::string &value,
                      int64_t min, int64_t max, const char *range,
                      std::vector<int64_t> &out) {
  out.clear();
  for (const std::string &item : ggemm::tools::splitFields(value, ',')) {
    int64_t number;
    if (!parseInteger(item, min, max, number))
      return name + " needs integers in " + range +
             " separated by commas, not '" + value + "'";
    if (out.size() == 1 << 20)
      return name + ": more than 2^20 values";
    out.push_back(number);
  }
  return "";
}

/// Parses argv into `out`; returns a usage error or "".
std::string parseOptions(int argc, char **argv, Options &out) {
  auto positional = [&](const std::string &arg) -> std::string {
    if (!out.manifest.empty())
      return "more than one manifest given";
    out.manifest = arg;
    return "";
  };
  auto flag = [&](const std::string &name) {
    (name == "--check"           ? out.check
     : name == "--bench"         ? out.bench
     : name == "--stream-launch" ? out.streamLaunch
                                 : out.benchReference) = true;
  };
  auto option = [&](const std::string &name,
                    const std::string &value) -> std::string {
    int64_t number;
    if (name == "--load") {
      out.loadDir = value;
    } else if (name == "--save") {
      if (value.empty())
        return "--save needs a directory";
      out.saveDir = value;
    } else if (name == "--device") {
      if (value != "gpu" && value != "emu")
        return "--device needs gpu or emu, not '" + value + "'";
      out.device = value;
    } else if (name == "--seed" || name == "--emu-seed") {
      if (!ggemm::tools::parseUnsigned(
              value, UINT64_MAX, name == "--seed" ? out.seed : out.emuSeed))
        return name + " needs an unsigned integer, not '" + value + "'";
    } else if (name == "--group-sizes") {
      return parseList(name, value, 0, std::numeric_limits<int32_t>::max(),
                       "[0, 2^31 - 1]", out.groupSizes);
    } else if (name == "--group-offsets" || name == "--group-counts") {
      return parseList(name, value, std::numeric_limits<int32_t>::min(),
                       std::numeric_limits<int32_t>::max(),
                       "[-2^31, 2^31 - 1]",
                       name == "--group-offsets" ? out.groupOffsets
                                                 : out.groupCounts);
    } else if (name == "--row-indices") {
      return parseList(name, value, std::numeric_limits<int32_t>::min(),
                       std::numeric_limits<int32_t>::max(),
                       "[-2^31, 2^31 - 1]", out.gathered.indices);
    } else if (name == "--token-rows") {
      if (!parseInteger(value, 0, std::numeric_limits<int32_t>::max(), number))
        return "--token-rows needs an integer in [0, 2^31 - 1], not '" +
               value + "'";
      out.gathered.tokenRows = number;
    } else if (name == "--graph-replays") {
      if (!parseInteger(value, 1, 64, number))
        return "--graph-replays needs an integer in [1, 64], not '" + value +
               "'";
      out.graphReplays = number;
    } else if (name == "--overrun-device-sizes") {
      if (!parseInteger(value, 1, 1 << 20, number))
        return "--overrun-device-sizes needs an integer in [1, 2^20], not '" +
               value + "'";
      out.overrun = number;
    } else {
      // Bounded: --iters sizes the event arrays, and a million replays
      // of even the smallest kernel take seconds.
      bool iters = name == "--iters";
      if (!parseInteger(value, iters ? 1 : 0, 1000000, number))
        return name + " needs an integer in [" + (iters ? "1" : "0") +
               ", 1000000], not '" + value + "'";
      (iters ? out.iters : out.warmup) = number;
    }
    return "";
  };
  // Both "--name value" and "--name=value".
  if (std::string err = ggemm::tools::scanArguments(
          argc, argv,
          {"--check", "--bench", "--bench-reference", "--stream-launch"},
          {"--seed", "--group-sizes", "--group-offsets", "--group-counts",
           "--load", "--iters", "--warmup",
           "--overrun-device-sizes", "--device", "--emu-seed", "--save",
           "--graph-replays", "--token-rows", "--row-indices"},
          positional, flag, option);
      !err.empty())
    return err;
  if (out.manifest.empty())
    return "no manifest given";
  if (!out.check && !out.bench && !out.benchReference)
    out.check = true;
  if (out.bench && out.device == "emu")
    return "--bench: the emulator does not time kernels (run --bench with "
           "--device gpu)";
  if (!out.saveDir.empty() && !out.check)
    return "--save writes the output of the checked launch: give --check too";
  if (out.streamLaunch && (!out.check || out.graphReplays || out.overrun))
    return "--stream-launch runs the checked launch: give --check, without "
           "--graph-replays or --overrun-device-sizes";
  return "";
}

int fail(const std::string &message) {
  std::fprintf(stderr, "gemm-run: %s\n", message.c_str());
  return 2;
}

/// --save: the inputs as --load reads them (with the row array of an
/// offsets, masked or gathered kernel, `rowArray`, and a gathered one's
/// token matrix and row indices) and DIR/c<g>.npy, each group's M x N
/// output as float16 (ggemm-cpu-run's names and shapes).
std::string saveOutputs(const std::string &dir, const ref::Problem &problem,
                        const std::vector<std::vector<uint16_t>> &outputs,
                        const RowArray *rowArray) {
  if (std::string err = ref::writeProblemNpy(dir, problem); !err.empty())
    return err;
  if (rowArray)
    if (std::string err =
            ref::writeGroupRowsNpy(dir, rowArray->layout, rowArray->values);
        !err.empty())
      return err;
  if (rowArray && rowArray->layout == ref::RowLayout::Gathered &&
      !problem.groups.empty())
    if (std::string err =
            ref::writeGatheredNpy(dir, rowArray->gathered,
                                  problem.groups[0].k);
        !err.empty())
      return err;
  for (size_t g = 0; g < outputs.size(); ++g) {
    const ref::Group &group = problem.groups[g];
    ref::NpyArray array{"<f2", {group.m, group.n}, {}};
    const auto *bytes = reinterpret_cast<const uint8_t *>(outputs[g].data());
    array.data.assign(bytes, bytes + 2 * outputs[g].size());
    if (std::string err =
            ref::writeNpy(dir + "/c" + std::to_string(g) + ".npy", array);
        !err.empty())
      return err;
  }
  return "";
}

constexpr double kMiB = 1024.0 * 1024.0;

/// Seeded skewed rows for replay `replay` of --graph-replays, which keep
/// the one buffer's rows (so that the captured launch's tensor maps, its
/// pointers and status[0] stay right): counts in [0, max_m] (masked), or
/// rows that add up to the same `total` as the captured offsets: skewed
/// rows scaled down to fit, the rest given to one group.
std::vector<int64_t> replayRows(const rt::Manifest &manifest,
                                const RowArray &captured, uint64_t seed,
                                int64_t replay) {
  int64_t groups = int64_t(manifest.groups.size());
  uint64_t s = seed * 1000003 + uint64_t(replay);
  if (captured.layout == ref::RowLayout::Masked)
    return ref::skewedGroupRows(s, groups, manifest.groups[0].m);
  int64_t total = 0;
  for (const ref::OwnedRows &rows : captured.rows.groups)
    total = std::max(total, rows.begin + rows.rows);
  std::vector<int64_t> rows = ref::skewedGroupRows(s, groups, 300, 700);
  int64_t sum = 0;
  for (int64_t r : rows)
    sum += r;
  int64_t placed = 0;
  for (int64_t &r : rows) {
    r = sum > total ? r * total / sum : r;
    placed += r;
  }
  rows[s % uint64_t(groups)] += total - placed;
  return rows;
}

/// --graph-replays: captures `set`'s launch once, then replays it after
/// writing new rows into the device array the launch reads and new inputs
/// into its buffers (as a model's next decode step would), checking each
/// replay as the first launch was checked. The kernel must read the new
/// array on the device: the captured parameters do not change.
std::string runGraphReplays(const rt::Manifest &manifest,
                            const Options &options, const ref::Problem &first,
                            const RowArray &captured, const InputImage &image,
                            DeviceSet &set, rt::Stream &stream, bool &pass) {
  rt::Graph graph;
  if (std::string err = rt::Graph::capture(set.launch, stream.get(), graph);
      !err.empty())
    return err;
  for (int64_t r = 1; r <= options.graphReplays; ++r) {
    std::vector<int64_t> rows = replayRows(manifest, captured, options.seed, r);
    RowArray array;
    std::vector<int32_t> values;
    std::vector<ref::Shape> shapes;
    for (const rt::GroupShape &g : manifest.groups)
      shapes.push_back({-1, g.n, g.k});
    if (std::string err = ref::groupRowsArray(captured.layout, rows, values);
        !err.empty())
      return "replay " + std::to_string(r) + ": " + err;
    uint64_t seed = options.seed + 7919 * uint64_t(r);
    ref::Problem problem;
    if (manifest.gathered()) {
      // The same R and T (the buffers' layout), new indices and data.
      ref::GatheredChoice same;
      same.tokenRows = captured.gathered.tokenRows;
      same.routedRows = captured.bufferRows;
      if (std::string err = resolveGathered(manifest, values, same, seed, "",
                                            array, shapes);
          !err.empty())
        return "replay " + std::to_string(r) + ": " + err;
      if (std::string err = ref::gatheredProblem(
              shapes, manifest.alpha, seed, options.seed * 2 + 1 + uint64_t(r),
              "", array.gathered, problem);
          !err.empty())
        return "replay " + std::to_string(r) + ": " + err;
    } else {
      if (std::string err = resolveRowArray(manifest, values, array, shapes);
          !err.empty())
        return "replay " + std::to_string(r) + ": " + err;
      problem = ref::generateProblem(shapes, seed, manifest.alpha);
    }
    // alpha is uploaded once, with the launch: the captured one.
    for (size_t g = 0; g < problem.groups.size(); ++g)
      problem.groups[g].alpha = first.groups[g].alpha;
    InputImage next;
    if (std::string err = buildImage(manifest, problem, next, &array,
                                     options.seed * 2 + 1 + uint64_t(r));
        !err.empty())
      return err;
    if (next.bytes.size() != image.bytes.size() || next.rows != image.rows)
      return "replay " + std::to_string(r) +
             ": the new rows change the buffers' layout";
    if (std::string err = set.memory.upload(next.bytes.data(),
                                            next.bytes.size());
        !err.empty())
      return err;
    if (std::string err = set.deviceSizes.upload(
            values.data(), values.size() * sizeof(int32_t));
        !err.empty())
      return err;
    if (std::string err = graph.replay(stream.get()); !err.empty())
      return err;
    if (std::string err = stream.synchronize(); !err.empty())
      return "replay " + std::to_string(r) + ": " + err;
    CheckSummary summary;
    if (std::string err = checkOutputs(manifest, problem,
                                       ref::referenceProductFast(problem),
                                       next, set, summary);
        !err.empty())
      return err;
    int32_t flags = 0;
    if (std::string err = set.launch.errorFlags(flags); !err.empty())
      return err;
    std::string list;
    for (int32_t v : values)
      list += (list.empty() ? "" : ",") + std::to_string(v);
    bool ok = summary.pass && flags == 0;
    std::printf("graph replay %" PRId64 ": %s %s, %" PRId64
                " elements, beyond 4x reassociation tolerance %" PRId64
                ", unwritten %" PRId64 ", non-finite %" PRId64
                ", rows of no group overwritten %" PRId64
                ", error flags 0x%x: %s\n",
                r, ref::groupRowsArrayName(captured.layout), list.c_str(),
                summary.elements, summary.beyondBound, summary.unwritten,
                summary.nonFinite, summary.spareWritten, unsigned(flags),
                ok ? "PASS" : "FAIL");
    pass = pass && ok;
  }
  return "";
}

/// Replays the launch from CUDA graphs and prints the time per replay. A
/// problem smaller than twice the L2 would be timed from a warm cache if
/// replayed alone, so then the replays cycle through enough copies of the
/// inputs (one graph each) that the other copies evict a set between two
/// of its uses.
std::string runBench(const rt::Context &context, const rt::Kernel &kernel,
                     const InputImage &image, const DeviceSet &first,
                     const rt::Stream &stream, const Options &options,
                     const std::vector<int32_t> *deviceArray) {
  const double setBytes = double(image.bytes.size());
  const double l2 = double(context.info().l2CacheBytes);
  // Device memory of a copy: its inputs and its Launch's token workspace
  // (a kernel that decodes its tokens; rewritten by every launch, so it
  // is left out of the inputs that must miss L2).
  const double copyBytes =
      setBytes + double(rt::tokenWorkspaceBytes(kernel.manifest(),
                                                first.operands.contiguousRows,
                                                first.operands.tokenRows));
  size_t numSets = 1, wanted = 1;
  if (setBytes < 2 * l2) {
    wanted = std::max<size_t>(3, size_t(std::ceil(2 * l2 / setBytes)) + 1);
    // Bounds: graphs are cheap but not free, and half the free memory
    // leaves room for whatever else runs on the device.
    size_t freeBytes = 0, totalBytes = 0;
    if (std::string err = context.memoryInfo(freeBytes, totalBytes);
        !err.empty())
      return err;
    size_t byMemory = size_t(double(freeBytes) / 2 / copyBytes) + 1;
    numSets = std::min({wanted, size_t(1024), byMemory});
  }

  std::vector<DeviceSet> copies(numSets - 1);
  for (DeviceSet &copy : copies)
    if (std::string err = uploadSet(kernel, image, copy, deviceArray);
        !err.empty())
      return err;
  std::vector<rt::Graph> graphs(numSets);
  for (size_t s = 0; s < numSets; ++s) {
    const rt::Launch &launch = s == 0 ? first.launch : copies[s - 1].launch;
    if (std::string err = rt::Graph::capture(launch, stream.get(), graphs[s]);
        !err.empty())
      return err;
  }

  std::printf("bench: %zu input set%s of %.2f MiB (L2 %.1f MiB), %" PRId64
              " warmup and %" PRId64 " timed graph replays\n",
              numSets, numSets == 1 ? "" : "s", setBytes / kMiB, l2 / kMiB,
              options.warmup, options.iters);
  if (numSets < wanted)
    std::printf("bench: note: %zu sets wanted to keep L2 cold; timings may "
                "be partly L2-warm\n",
                wanted);

  rt::Delay delay;
  if (std::string err = rt::Delay::create(delay); !err.empty())
    return err;
  int64_t replay = 0;
  for (int64_t i = 0; i < options.warmup; ++i, ++replay)
    if (std::string err = graphs[replay % numSets].replay(stream.get());
        !err.empty())
      return err;
  // Events around every replay, read once at the end. A short kernel ends
  // before the host has submitted the next replay; its start event would
  // then wait on the host and count the submission. So each batch of
  // replays is queued behind a delay long enough for the host to queue it
  // all (a few microseconds a replay; 10 leaves a wide margin), and the
  // queue is bounded so that the host never blocks on a full one.
  constexpr int64_t kBatch = 64;
  constexpr uint64_t kDelayBaseNs = 50000, kDelayPerReplayNs = 10000;
  std::vector<rt::Event> starts(options.iters), stops(options.iters);
  for (int64_t i = 0; i < options.iters; ++i)
    for (rt::Event *event : {&starts[i], &stops[i]})
      if (std::string err = rt::Event::create(*event); !err.empty())
        return err;
  for (int64_t begin = 0; begin < options.iters; begin += kBatch) {
    int64_t end = std::min(options.iters, begin + kBatch);
    if (std::string err = delay.enqueue(
            stream.get(), kDelayBaseNs + kDelayPerReplayNs * (end - begin));
        !err.empty())
      return err;
    for (int64_t i = begin; i < end; ++i, ++replay)
      for (std::string err : {starts[i].record(stream.get()),
                              graphs[replay % numSets].replay(stream.get()),
                              stops[i].record(stream.get())})
        if (!err.empty())
          return err;
    if (std::string err = stream.synchronize(); !err.empty())
      return "running the benchmark: " + err;
  }
  std::vector<double> us(options.iters);
  for (int64_t i = 0; i < options.iters; ++i) {
    float ms = 0;
    if (std::string err = rt::Event::elapsedMs(starts[i], stops[i], ms);
        !err.empty())
      return err;
    us[i] = 1000.0 * ms;
  }
  std::sort(us.begin(), us.end());
  size_t half = us.size() / 2;
  double median = us.size() % 2 ? us[half] : (us[half - 1] + us[half]) / 2;
  std::printf("bench: median %.2f us, min %.2f us, max %.2f us\n", median,
              us.front(), us.back());
  std::printf("bench: at the median %.1f TFLOP/s, %.1f GB/s\n",
              image.flops / (median * 1e-6) / 1e12,
              image.trafficBytes / (median * 1e-6) / 1e9);
  return "";
}

int run(int argc, char **argv) {
  // Line-buffered even into a pipe, so that logs interleave stdout and the
  // stderr lines about bad elements in the order they happened.
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  Options options;
  if (argc > 1 &&
      (!std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h"))) {
    std::printf("%s\n%s", kUsageLine, kOptions);
    return 0;
  }
  if (std::string err = parseOptions(argc, argv, options); !err.empty()) {
    std::fprintf(stderr, "gemm-run: %s\n%s", err.c_str(), kUsageLine);
    return 2;
  }

  // Everything that reads outside data comes before the GPU: a bad
  // manifest, option or input file is refused without touching the device.
  rt::Manifest manifest;
  if (std::string err = rt::readManifest(options.manifest, manifest);
      !err.empty())
    return fail(err);
  bool contiguous = manifest.rows == rt::RowsForm::Contiguous;
  // Offsets, masked and gathered rows: a run-time row array of their own.
  bool gathered = manifest.gathered();
  bool rowArrayForm = manifest.rows == rt::RowsForm::Offsets ||
                      manifest.rows == rt::RowsForm::Masked || gathered;
  const char *form = rt::rowsFormName(manifest.rows);
  if (options.graphReplays &&
      (!rowArrayForm || !options.check || options.overrun))
    return fail("--graph-replays needs an offsets or masked kernel and "
                "--check, without --overrun-device-sizes (or a gathered "
                "kernel, as an offsets one)");
  if (!gathered && (options.gathered.tokenRows >= 0 ||
                    !options.gathered.indices.empty()))
    return fail(std::string("--token-rows and --row-indices apply to "
                            "gathered rows; this kernel's rows are \"") +
                form + "\"");

  // The problem: generated from the seed, or read from --load. Group sizes
  // given to a list-form kernel would be silently wrong: its sizes are
  // compiled in. Each run-time layout takes its own array.
  if (manifest.rows == rt::RowsForm::List && !options.groupSizes.empty())
    return fail("--group-sizes applies to contiguous rows; the group sizes "
                "of this list-form kernel are static");
  if (rowArrayForm && !options.groupSizes.empty())
    return fail(std::string("--group-sizes applies to contiguous rows; this "
                            "kernel's rows are \"") +
                form + "\" (give " +
                (manifest.rows == rt::RowsForm::Masked ? "--group-counts"
                                                       : "--group-offsets") +
                ")");
  for (auto [option, values, rows] :
       {std::tuple{"--group-offsets", &options.groupOffsets,
                   rt::RowsForm::Offsets},
        std::tuple{"--group-counts", &options.groupCounts,
                   rt::RowsForm::Masked}})
    if (!values->empty() && manifest.rows != rows &&
        !(gathered && rows == rt::RowsForm::Offsets))
      return fail(std::string(option) + " applies to " +
                  rt::rowsFormName(rows) + " rows; this kernel's rows are \"" +
                  form + "\"" +
                  (rows == rt::RowsForm::Offsets
                       ? " (gathered rows take it too)"
                       : ""));
  if (manifest.rows == rt::RowsForm::List && options.overrun)
    return fail("--overrun-device-sizes applies to contiguous rows; the "
                "group sizes of this list-form kernel are static");
  if (manifest.rows == rt::RowsForm::Masked && options.overrun)
    return fail("--overrun-device-sizes applies to contiguous and offsets "
                "rows; a masked kernel's groups keep to their max_m rows "
                "(give a count past max_m with --group-counts)");
  std::vector<ref::Shape> shapes;
  if (std::string err =
          problemShapes(manifest, options.groupSizes, options.seed,
                        !options.loadDir.empty(), shapes);
      !err.empty())
    return fail(err);
  // Offsets and masked: the array first (given, the file's, or seeded),
  // which says each group's rows; with --load and no array file, after the
  // files gave the rows.
  RowArray rowArray;
  bool arrayKnown = false;
  if (rowArrayForm) {
    std::vector<int32_t> values;
    if (std::string err = chooseRowArray(
            manifest,
            manifest.rows == rt::RowsForm::Masked ? options.groupCounts
                                                  : options.groupOffsets,
            options.seed, options.loadDir, values, arrayKnown);
        !err.empty())
      return fail(err);
    if (gathered && !arrayKnown)
      return fail(options.loadDir + "/group_offsets.npy: a gathered kernel's "
                                    "--load needs its offsets");
    if (gathered) {
      if (std::string err =
              resolveGathered(manifest, values, options.gathered, options.seed,
                              options.loadDir, rowArray, shapes);
          !err.empty())
        return fail(err);
    } else if (arrayKnown) {
      if (std::string err = resolveRowArray(manifest, values, rowArray, shapes);
          !err.empty())
        return fail(err);
    }
  }
  if (std::string err = checkHostMemory(manifest, shapes, rowArray.bufferRows,
                                        rowArray.gathered.tokenRows);
      !err.empty())
    return fail(err);
  ref::Problem problem;
  if (gathered) {
    // The token matrix and B (generated or --load), A gathered from it.
    if (std::string err = ref::gatheredProblem(
            shapes, manifest.alpha, options.seed, options.seed * 2 + 1,
            options.loadDir, rowArray.gathered, problem);
        !err.empty())
      return fail(err);
  } else if (!options.loadDir.empty()) {
    if (std::string err = ref::readProblemNpy(options.loadDir, shapes,
                                              manifest.alpha, problem);
        !err.empty())
      return fail(err);
    if (rowArrayForm && !arrayKnown) {
      // The array of the files' rows: running sums, or the counts, which
      // must fit each group's max_m.
      std::vector<int64_t> rows;
      for (const ref::Shape &shape : shapes)
        rows.push_back(shape.m);
      std::vector<int32_t> values;
      if (std::string err =
              ref::groupRowsArray(rowLayoutOf(manifest), rows, values);
          !err.empty())
        return fail(options.loadDir + ": " + err);
      if (std::string err = resolveRowArray(manifest, values, rowArray, shapes);
          !err.empty())
        return fail(options.loadDir + ": " + err);
      for (size_t g = 0; g < rows.size(); ++g)
        if (shapes[g].m != rows[g])
          return fail(options.loadDir + "/a" + std::to_string(g) + ".npy: " +
                      std::to_string(rows[g]) +
                      " rows; the kernel's groups have room for max_m = " +
                      std::to_string(manifest.groups[g].m));
    }
    // The files fixed the contiguous sizes: check them and the memory.
    if (std::string err = checkShapes(manifest, shapes); !err.empty())
      return fail(options.loadDir + ": " + err);
    if (std::string err =
            checkHostMemory(manifest, shapes, rowArray.bufferRows);
        !err.empty())
      return fail(err);
  } else {
    problem = ref::generateProblem(shapes, options.seed, manifest.alpha);
  }
  if (rowArrayForm) {
    // What the array says, and what a kernel must do with bad entries.
    std::string values, owned;
    for (size_t g = 0; g < shapes.size(); ++g) {
      const ref::OwnedRows &rows = rowArray.rows.groups[g];
      values += (g ? ", " : "") + std::to_string(rowArray.values[g]);
      owned += (g ? " " : "") + std::string("[") + std::to_string(rows.begin) +
               ", " + std::to_string(rows.begin + rows.rows) + ")";
    }
    std::printf("rows: %s %s = [%s], %" PRId64 " %s; the groups own "
                "%s\n",
                form, ref::groupRowsArrayName(rowArray.layout), values.c_str(),
                rowArray.bufferRows,
                gathered ? "routed rows (rows of C)" : "rows of A",
                owned.c_str());
    if (gathered)
      printGathered(rowArray);
    if (rowArray.rows.flags && options.graphReplays)
      return fail("--graph-replays checks good rows; the given array has "
                  "bad entries");
    if (rowArray.rows.flags)
      std::printf("rows: bad data, which the kernel must clamp as above "
                  "and flag with 0x%x (%s); passed in a device array the "
                  "runtime does not check\n",
                  unsigned(rowArray.rows.flags),
                  rt::describeErrorFlags(rowArray.rows.flags).c_str());
  }

  if (options.benchReference) {
    ReferenceBench result;
    if (std::string err = benchReference(problem, result); !err.empty())
      return fail(err);
    if (!result.identical)
      return 1;
    if (!options.check && !options.bench)
      return 0;
  }

  // --save DIR: created before the device, so that a bad path fails first.
  if (!options.saveDir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(options.saveDir, ec);
    if (ec)
      return fail("cannot create " + options.saveDir + ": " + ec.message());
  }

  // The device, before any driver call: "emu" never opens libcuda.
  if (std::string err = rt::selectDevice(options.device); !err.empty())
    return fail(err);
  bool emulated = rt::emulated();
  if (emulated) {
    ggemm::emu::Options emuOptions;
    emuOptions.seed = options.emuSeed;
    rt::setEmuOptions(emuOptions);
  }
  rt::Context context;
  if (std::string err = rt::Context::create(0, context); !err.empty())
    return fail(err);
  const rt::DeviceInfo &device = context.info();
  std::printf("device: %s, compute capability %d.%d, %d SMs, %.1f MiB L2\n",
              device.name.c_str(), device.major, device.minor,
              device.multiprocessors, double(device.l2CacheBytes) / kMiB);
  if (emulated)
    std::printf("emu: seed %" PRIu64 "\n", options.emuSeed);
  rt::Kernel kernel;
  if (std::string err = rt::Kernel::load(context, manifest, kernel);
      !err.empty())
    return fail(err);
  std::printf("kernel: %s (%s) from %s: grid [%u, %u, %u], block [%u, %u, "
              "%u], cluster [%u, %u, %u], %u bytes of dynamic shared memory, "
              "%zu tensor maps, rows %s\n",
              manifest.kernel.c_str(),
              manifest.chip.empty() ? "chip not given" : manifest.chip.c_str(),
              manifest.cubinPath.c_str(), manifest.grid[0], manifest.grid[1],
              manifest.grid[2], manifest.block[0], manifest.block[1],
              manifest.block[2], manifest.cluster[0], manifest.cluster[1],
              manifest.cluster[2], manifest.dynamicSharedMemory,
              manifest.tensorMaps.size(), form);

  InputImage image;
  // The rows of no group hold filler drawn from the data seed (never 0,
  // which would ask for zeros).
  if (std::string err =
          buildImage(manifest, problem, image,
                     rowArrayForm ? &rowArray : nullptr, options.seed * 2 + 1);
      !err.empty())
    return fail(err);
  rt::Stream stream;
  if (std::string err = rt::Stream::create(stream); !err.empty())
    return fail(err);
  // --overrun-device-sizes: the same sizes, the last non-empty group's
  // grown past the buffers, in a device array the runtime does not check.
  std::vector<int32_t> overrunSizes;
  if (options.overrun && contiguous) {
    overrunSizes = image.groupSizes;
    auto last = std::find_if(overrunSizes.rbegin(), overrunSizes.rend(),
                             [](int32_t m) { return m > 0; });
    if (last == overrunSizes.rend())
      return fail("--overrun-device-sizes needs a non-empty group");
    int64_t grown = *last + image.rows + options.overrun;
    if (grown > std::numeric_limits<int32_t>::max())
      return fail("--overrun-device-sizes: the grown size passes 2^31 - 1");
    *last = int32_t(grown);
  } else if (options.overrun) {
    // Offsets: the last non-empty group ends N rows past A, and every
    // offset after it with it (in order: those groups stay empty).
    overrunSizes = image.groupSizes;
    size_t last = image.owned.size();
    while (last > 0 && image.owned[last - 1].rows == 0)
      --last;
    if (last == 0)
      return fail("--overrun-device-sizes needs a non-empty group");
    int64_t grown = image.rows + options.overrun;
    if (grown > std::numeric_limits<int32_t>::max())
      return fail("--overrun-device-sizes: the grown offset passes 2^31 - 1");
    std::fill(overrunSizes.begin() + (last - 1), overrunSizes.end(),
              int32_t(grown));
  }
  // The array the kernel reads from a device array of its own: the grown
  // one, or bad data (which the runtime would refuse to upload).
  const std::vector<int32_t> *deviceArray =
      options.overrun        ? &overrunSizes
      : rowArray.rows.flags || options.graphReplays ||
              (options.streamLaunch && manifest.oneOperandSet())
          ? &image.groupSizes
          : nullptr;
  DeviceSet first;
  if (std::string err = uploadSet(kernel, image, first, deviceArray);
      !err.empty())
    return fail(err);
  // A kernel that decodes its tokens: each input set's Launch holds a
  // token workspace besides the image.
  if (manifest.decodesTokens())
    std::printf(
        "tokens: %s, grid [%u, %u, %u] (one CTA row per operand set), "
        "block [%u, %u, %u]; token workspace of %lld bytes\n",
        manifest.tokens.kernel.c_str(), manifest.tokens.grid[0],
        manifest.tokens.grid[1], manifest.tokens.grid[2],
        manifest.tokens.block[0], manifest.tokens.block[1],
        manifest.tokens.block[2],
        (long long)rt::tokenWorkspaceBytes(
            manifest, first.operands.contiguousRows, first.operands.tokenRows));

  // One launch on the poisoned C of the first set, checked before any
  // benchmark replay touches it.
  CheckSummary summary;
  // --stream-launch: alpha on the device too, a workspace, and for a kernel
  // that decodes its tokens a token workspace.
  rt::DeviceBuffer deviceAlpha, workspace, tokenWorkspace;
  if (options.streamLaunch) {
    if (manifest.alpha) {
      size_t bytes = image.alpha.size() * sizeof(float);
      if (std::string err = rt::DeviceBuffer::allocate(bytes, deviceAlpha);
          !err.empty())
        return fail(err);
      if (std::string err = deviceAlpha.upload(image.alpha.data(), bytes);
          !err.empty())
        return fail(err);
      first.operands.alpha = deviceAlpha.address();
    }
    if (std::string err = rt::DeviceBuffer::allocate(
            size_t(rt::streamWorkspaceBytes(manifest)), workspace);
        !err.empty())
      return fail(err);
    std::printf("stream launch: workspace of %lld bytes\n",
                (long long)rt::streamWorkspaceBytes(manifest));
    if (manifest.decodesTokens()) {
      int64_t bytes = rt::tokenWorkspaceBytes(
          manifest, first.operands.contiguousRows, first.operands.tokenRows);
      if (std::string err =
              rt::DeviceBuffer::allocate(size_t(bytes), tokenWorkspace);
          !err.empty())
        return fail(err);
      first.operands.tokenWorkspace = tokenWorkspace.address();
      first.operands.tokenWorkspaceSize = bytes;
      std::printf("stream launch: token workspace of %lld bytes\n",
                  (long long)bytes);
    }
  }
  if (options.check) {
    if (std::string err =
            options.streamLaunch
                ? rt::enqueueOnStream(kernel, first.operands, stream.get(),
                                      workspace.address())
                : first.launch.enqueue(stream.get());
        !err.empty())
      return fail(err);
    if (std::string err = stream.synchronize(); !err.empty())
      return fail("running the kernel: " + err);
    ggemm::emu::LaunchStats stats;
    if (emulated && rt::emuLastLaunchStats(stats))
      std::printf("emu: %s\n", stats.summary().c_str());
    auto start = std::chrono::steady_clock::now();
    std::vector<ref::GroupResult> expected = ref::referenceProductFast(problem);
    std::chrono::duration<double> seconds =
        std::chrono::steady_clock::now() - start;
    std::printf("check: host reference in %.2f s\n", seconds.count());
    std::vector<std::vector<uint16_t>> outputs;
    if (std::string err = checkOutputs(manifest, problem, expected, image,
                                       first, summary, &outputs);
        !err.empty())
      return fail(err);
    if (!options.saveDir.empty()) {
      if (std::string err =
              saveOutputs(options.saveDir, problem, outputs,
                          rowArrayForm ? &rowArray : nullptr);
          !err.empty())
        return fail(err);
      std::printf("save: inputs and c<g>.npy in %s\n",
                  options.saveDir.c_str());
    }
    // The kernel's error flags: none, or exactly the overrun asked for (the
    // rows it then computes past the groups' are inside the buffers: the
    // spare rows may be written).
    int32_t flags = 0;
    if (std::string err =
            options.streamLaunch
                ? rt::streamErrorFlags(workspace.address(), flags)
                : first.launch.errorFlags(flags);
        !err.empty())
      return fail(err);
    std::string meaning = rt::describeErrorFlags(flags);
    std::printf("status: kernel error flags 0x%x%s\n", unsigned(flags),
                meaning.empty() ? "" : (" (" + meaning + ")").c_str());
    // Bad data given on purpose: the flags the kernel had to raise.
    if (rowArray.rows.flags && !options.overrun &&
        flags != rowArray.rows.flags)
      std::printf("status: the row array asks for flags 0x%x\n",
                  unsigned(rowArray.rows.flags));
    if (flags != 0 && !options.overrun)
      std::fprintf(stderr,
                   "gemm-run: the kernel raised error flags 0x%x (%s); the "
                   "run fails\n",
                   unsigned(flags), meaning.c_str());
    if (options.overrun) {
      bool flagged = flags == rt::kGroupSizesOverrun;
      summary.pass = flagged && summary.elements > 0 &&
                     summary.unwritten == 0 && summary.nonFinite == 0 &&
                     summary.beyondBound == 0 && summary.relError < 1e-3;
    } else if (flags != 0) {
      summary.pass = false;
    }
  }
  if (options.graphReplays)
    if (std::string err =
            runGraphReplays(manifest, options, problem, rowArray, image,
                            first, stream, summary.pass);
        !err.empty())
      return fail(err);
  if (options.bench)
    if (std::string err =
            runBench(context, kernel, image, first, stream, options,
                     deviceArray);
        !err.empty())
      return fail(err);
  if (!options.check)
    return 0;

  std::string sizes;
  for (const ref::Shape &shape : shapes)
    sizes += (sizes.empty() ? "" : ", ") + std::to_string(shape.m);
  std::printf(
      "%s: %zu groups, M = [%s], %" PRId64 " elements, max abs err "
      "%.3g, rel err vs double %.2e, beyond 4x reassociation "
      "tolerance %" PRId64 ", unwritten %" PRId64 ", non-finite %" PRId64
      ", f16 equal to the K-order reference %" PRId64,
      manifest.kernel.c_str(), shapes.size(), sizes.c_str(), summary.elements,
      summary.maxAbsError, summary.relError, summary.beyondBound,
      summary.unwritten, summary.nonFinite, summary.bitEqual);
  if (contiguous)
    std::printf(", spare rows overwritten %" PRId64, summary.spareWritten);
  else if (rowArrayForm)
    std::printf(", rows of no group overwritten %" PRId64,
                summary.spareWritten);
  std::printf("\n%s\n", summary.pass ? "PASS" : "FAIL");
  return summary.pass ? 0 : 1;
}

} // namespace

int main(int argc, char **argv) {
  // Sizes are checked before anything is allocated from them; this is the
  // backstop for a machine with less free memory than its physical size.
  try {
    return run(argc, argv);
  } catch (const std::bad_alloc &) {
    return fail("out of host memory");
  }
}
