//===- ggemm-probe.cpp - run one hand-written PTX kernel on a device ------===//
//
// Runs one kernel of a PTX file through the runtime's driver table, on the
// GPU or on the emulator, with buffers and scalars given on the command
// line, and writes every buffer afterwards to a text file that diffs well:
// the calibration of the emulator against a real GPU (test/Emulator,
// bench/run_emu_calibration.sh) runs the same probe on both and compares.
//
//   ggemm-probe KERNEL.ptx --kernel NAME [--device gpu|emu] [--emu-seed N]
//               --grid X[,Y,Z] --block X[,Y,Z] [--cluster X[,Y,Z]]
//               [--smem BYTES] [--cooperative]
//               [--buffer BYTES[:fill=HEX_BYTE|:random=SEED]]...
//               [--u32 V]... [--u64 V]...
//               [--tensormap BUF:TYPE:DIMS:STRIDES:BOX]... --out FILE
//   ggemm-probe --tensormap-rules [--device gpu|emu] [--out FILE]
//
// Parameters are passed in the order given: a --buffer as its device
// address (u64), --u32 / --u64 as the value, a --tensormap as the device
// address of the 128 bytes of a CUtensorMap over buffer BUF (its index
// among the --buffer options), encoded without swizzle: TYPE u8 or f16,
// DIMS, STRIDES (bytes, one fewer) and BOX as AxBxC (the probe acquires it
// with fence.proxy.tensormap). FILE gets, per buffer, lines
// `buffer <i> +<offset>: <32 bytes in hex>`. --tensormap-rules instead
// feeds a fixed list of cuTensorMapEncodeTiled calls (valid ones and ones
// breaking each documented rule) to the device and prints `NAME: accept`
// or `NAME: refuse` per call.
//
// Exit code: 0 on success, 1 when the kernel or a driver call fails (the
// emulator's checker reports included, on stderr), 2 for usage errors.
//
//===----------------------------------------------------------------------===//

#include "ggemm/Runtime/Driver.h"
#include "ggemm/Runtime/Runtime.h"

#include "../common/CommandLine.h"

#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

namespace rt = ggemm::rt;
namespace emu = ggemm::emu;

namespace {

constexpr const char *kUsage =
    "usage: ggemm-probe KERNEL.ptx --kernel NAME [--device gpu|emu] "
    "[--emu-seed N]\n"
    "                   --grid X[,Y,Z] --block X[,Y,Z] [--cluster X[,Y,Z]]\n"
    "                   [--smem BYTES] [--cooperative]\n"
    "                   [--buffer BYTES[:fill=HEX_BYTE|:random=SEED]]...\n"
    "                   [--u32 V]... [--u64 V]...\n"
    "                   [--tensormap BUF:u8|f16:DIMS:STRIDES:BOX]... --out "
    "FILE\n"
    "       ggemm-probe --tensormap-rules [--device gpu|emu] [--out FILE]\n";

/// One kernel parameter, in command-line order.
struct Param {
  enum Kind { Buffer, U32, U64, TensorMap } kind = U64;
  uint64_t value = 0; ///< U32 / U64
  size_t buffer = 0;  ///< index into Options::buffers or ::maps
};

/// One cuTensorMapEncodeTiled call. Arrays are 8 long so that a rank past
/// 5 reads defined values.
struct MapCase {
  const char *name;
  CUtensorMapDataType type = CU_TENSOR_MAP_DATA_TYPE_UINT8;
  uint32_t rank = 2;
  uint64_t addressOffset = 0; ///< added to a 256-byte aligned buffer
  std::array<cuuint64_t, 8> dims{256, 64, 1, 1, 1, 1, 1, 1};
  std::array<cuuint64_t, 8> strides{256, 256 * 64, 256 * 64, 256 * 64,
                                    256 * 64, 256 * 64, 256 * 64, 256 * 64};
  std::array<cuuint32_t, 8> box{64, 16, 1, 1, 1, 1, 1, 1};
  std::array<cuuint32_t, 8> elementStrides{1, 1, 1, 1, 1, 1, 1, 1};
  CUtensorMapInterleave interleave = CU_TENSOR_MAP_INTERLEAVE_NONE;
  CUtensorMapSwizzle swizzle = CU_TENSOR_MAP_SWIZZLE_NONE;
  CUtensorMapL2promotion l2 = CU_TENSOR_MAP_L2_PROMOTION_L2_128B;
  CUtensorMapFloatOOBfill oob = CU_TENSOR_MAP_FLOAT_OOB_FILL_NONE;
};

/// cuTensorMapEncodeTiled of `c` over device address `base` + its offset.
CUresult encodeMap(const MapCase &c, uint64_t base, CUtensorMap &map) {
  std::memset(&map, 0, sizeof(map));
  return GGEMM_CU(cuTensorMapEncodeTiled(
      &map, c.type, c.rank, reinterpret_cast<void *>(base + c.addressOffset),
      c.dims.data(), c.strides.data(), c.box.data(), c.elementStrides.data(),
      c.interleave, c.swizzle, c.l2, c.oob));
}

/// A --tensormap: a tile map over one of the buffers.
struct MapSpec {
  size_t buffer = 0;
  MapCase map;
};

struct BufferSpec {
  size_t bytes = 0;
  enum { Fill, Random } init = Fill;
  uint64_t value = 0; ///< the fill byte or the random seed
};

struct Options {
  std::string ptx, kernel, out;
  std::string device = "gpu";
  uint64_t emuSeed = 1;
  std::array<uint32_t, 3> grid{1, 1, 1}, block{1, 1, 1}, cluster{1, 1, 1};
  bool gridGiven = false, blockGiven = false;
  uint32_t smem = 0;
  bool cooperative = false, tensorMapRules = false;
  std::vector<BufferSpec> buffers;
  std::vector<MapSpec> maps;
  std::vector<Param> params;
};

using ggemm::tools::parseUnsigned;

/// "X", "X,Y" or "X,Y,Z", each in [1, 2^31 - 1].
bool parseDims(const std::string &text, std::array<uint32_t, 3> &out) {
  out = {1, 1, 1};
  size_t start = 0;
  for (int d = 0; d < 3; ++d) {
    size_t comma = text.find(',', start);
    uint64_t value;
    if (!parseUnsigned(text.substr(start, comma - start), 0x7fffffff, value) ||
        value == 0)
      return false;
    out[d] = uint32_t(value);
    if (comma == std::string::npos)
      return true;
    start = comma + 1;
  }
  return false;
}

std::string parseBuffer(const std::string &text, BufferSpec &out) {
  size_t colon = text.find(':');
  uint64_t bytes;
  if (!parseUnsigned(text.substr(0, colon), uint64_t(1) << 34, bytes) ||
      bytes == 0)
    return "--buffer needs a size in [1, 2^34] bytes, not '" + text + "'";
  out.bytes = size_t(bytes);
  if (colon == std::string::npos)
    return "";
  std::string init = text.substr(colon + 1);
  if (init.rfind("fill=", 0) == 0) {
    out.init = BufferSpec::Fill;
    std::string hex = init.substr(5);
    errno = 0;
    char *end = nullptr;
    unsigned long value = std::strtoul(hex.c_str(), &end, 16);
    if (hex.empty() || errno || *end != '\0' || value > 0xff)
      return "--buffer: fill= needs one hex byte, not '" + hex + "'";
    out.value = value;
  } else if (init.rfind("random=", 0) == 0) {
    out.init = BufferSpec::Random;
    if (!parseUnsigned(init.substr(7), UINT64_MAX, out.value))
      return "--buffer: random= needs an unsigned seed, not '" +
             init.substr(7) + "'";
  } else {
    return "--buffer: unknown initializer '" + init +
           "' (fill=HEX_BYTE or random=SEED)";
  }
  return "";
}

/// "AxBxC": 1 to 5 positive integers up to `max`, into `out` (its rank
/// entries first, the rest untouched); how many, or 0 for bad text.
template <typename T, size_t N>
size_t parseSizes(const std::string &text, uint64_t max,
                  std::array<T, N> &out) {
  std::vector<std::string> fields = ggemm::tools::splitFields(text, 'x');
  if (fields.size() > 5)
    return 0;
  for (size_t i = 0; i < fields.size(); ++i) {
    uint64_t value;
    if (!parseUnsigned(fields[i], max, value) || value == 0)
      return 0;
    out[i] = T(value);
  }
  return fields.size();
}

/// BUF:TYPE:DIMS:STRIDES:BOX, BUF an index among `buffers` buffers; the
/// map is encoded without swizzle, interleave, L2 promotion or NaN fill.
std::string parseMap(const std::string &text, size_t buffers, MapSpec &out) {
  std::vector<std::string> fields = ggemm::tools::splitFields(text, ':');
  uint64_t buffer;
  if (fields.size() != 5 || !parseUnsigned(fields[0], UINT32_MAX, buffer) ||
      buffer >= buffers)
    return "--tensormap needs BUF:TYPE:DIMS:STRIDES:BOX with BUF an "
           "earlier --buffer's index, not '" + text + "'";
  out.buffer = size_t(buffer);
  MapCase &c = out.map;
  c.name = "--tensormap";
  c.l2 = CU_TENSOR_MAP_L2_PROMOTION_NONE;
  if (fields[1] == "u8")
    c.type = CU_TENSOR_MAP_DATA_TYPE_UINT8;
  else if (fields[1] == "f16")
    c.type = CU_TENSOR_MAP_DATA_TYPE_FLOAT16;
  else
    return "--tensormap: TYPE is u8 or f16, not '" + fields[1] + "'";
  constexpr uint64_t kMax = (uint64_t(1) << 40) - 1;
  c.rank = uint32_t(parseSizes(fields[2], kMax, c.dims));
  size_t strides = c.rank > 1 ? parseSizes(fields[3], kMax, c.strides) : 0;
  if (c.rank == 0 || parseSizes(fields[4], UINT32_MAX, c.box) != c.rank ||
      strides + 1 != c.rank)
    return "--tensormap: DIMS and BOX need the same 1 to 5 sizes (AxBxC) "
           "and STRIDES one fewer, not '" + text + "'";
  return "";
}

std::string parseOptions(int argc, char **argv, Options &out) {
  auto positional = [&](const std::string &arg) -> std::string {
    if (!out.ptx.empty())
      return "more than one PTX file given";
    out.ptx = arg;
    return "";
  };
  auto flag = [&](const std::string &name) {
    (name == "--cooperative" ? out.cooperative : out.tensorMapRules) = true;
  };
  auto option = [&](const std::string &name,
                    const std::string &value) -> std::string {
    uint64_t number;
    if (name == "--kernel") {
      out.kernel = value;
    } else if (name == "--out") {
      out.out = value;
    } else if (name == "--device") {
      if (value != "gpu" && value != "emu")
        return "--device needs gpu or emu, not '" + value + "'";
      out.device = value;
    } else if (name == "--emu-seed") {
      if (!parseUnsigned(value, UINT64_MAX, out.emuSeed))
        return "--emu-seed needs an unsigned integer, not '" + value + "'";
    } else if (name == "--grid" || name == "--block" || name == "--cluster") {
      std::array<uint32_t, 3> &dims = name == "--grid"    ? out.grid
                                      : name == "--block" ? out.block
                                                          : out.cluster;
      if (!parseDims(value, dims))
        return name + " needs X[,Y,Z] (positive integers), not '" + value +
               "'";
      out.gridGiven |= name == "--grid";
      out.blockGiven |= name == "--block";
    } else if (name == "--smem") {
      if (!parseUnsigned(value, 0xffffffff, number))
        return "--smem needs a byte count, not '" + value + "'";
      out.smem = uint32_t(number);
    } else if (name == "--buffer") {
      BufferSpec spec;
      if (std::string err = parseBuffer(value, spec); !err.empty())
        return err;
      out.params.push_back({Param::Buffer, 0, out.buffers.size()});
      out.buffers.push_back(spec);
    } else if (name == "--tensormap") {
      MapSpec spec;
      if (std::string err = parseMap(value, out.buffers.size(), spec);
          !err.empty())
        return err;
      out.params.push_back({Param::TensorMap, 0, out.maps.size()});
      out.maps.push_back(spec);
    } else { // --u32, --u64
      bool wide = name == "--u64";
      if (!parseUnsigned(value, wide ? UINT64_MAX : 0xffffffff, number))
        return name + " needs an unsigned integer" +
               (wide ? "" : " below 2^32") + ", not '" + value + "'";
      out.params.push_back({wide ? Param::U64 : Param::U32, number, 0});
    }
    return "";
  };
  if (std::string err = ggemm::tools::scanArguments(
          argc, argv, {"--cooperative", "--tensormap-rules"},
          {"--kernel", "--device", "--emu-seed", "--grid", "--block",
           "--cluster", "--smem", "--buffer", "--u32", "--u64", "--tensormap",
           "--out"},
          positional, flag, option);
      !err.empty())
    return err;
  if (out.tensorMapRules) {
    if (!out.ptx.empty() || !out.kernel.empty() || !out.params.empty())
      return "--tensormap-rules takes no kernel, buffers or scalars";
    return "";
  }
  if (out.ptx.empty())
    return "no PTX file given";
  if (out.kernel.empty())
    return "no --kernel given";
  if (!out.gridGiven || !out.blockGiven)
    return "--grid and --block are required";
  if (out.out.empty())
    return "no --out FILE given";
  return "";
}

/// splitmix64: the bytes of a random=SEED buffer, the same on every host.
uint64_t splitmix(uint64_t &state) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

std::vector<uint8_t> initialBytes(const BufferSpec &spec) {
  std::vector<uint8_t> bytes(spec.bytes, uint8_t(spec.value));
  if (spec.init == BufferSpec::Random) {
    uint64_t state = spec.value;
    for (size_t i = 0; i < bytes.size(); i += 8) {
      uint64_t word = splitmix(state);
      for (size_t b = 0; b < 8 && i + b < bytes.size(); ++b)
        bytes[i + b] = uint8_t(word >> (8 * b));
    }
  }
  return bytes;
}

int fail(const std::string &message, int code = 1) {
  std::fprintf(stderr, "ggemm-probe: %s\n", message.c_str());
  return code;
}

/// The device, its context: what both modes start with.
std::string openDevice(const Options &options, rt::Context &context) {
  if (std::string err = rt::selectDevice(options.device); !err.empty())
    return err;
  if (rt::emulated()) {
    emu::Options emuOptions;
    emuOptions.seed = options.emuSeed;
    rt::setEmuOptions(emuOptions);
  }
  return rt::Context::create(0, context);
}

//===----------------------------------------------------------------------===//
// Tensor-map rules
//===----------------------------------------------------------------------===//

/// The cases, each a change of the valid rank-2 uint8 map {256 x 64 bytes,
/// row stride 256, box 64 x 16}.
std::vector<MapCase> mapCases() {
  std::vector<MapCase> cases;
  auto add = [&](const char *name, auto change) {
    MapCase c;
    c.name = name;
    change(c);
    cases.push_back(c);
  };
  auto none = [](MapCase &) {};
  add("valid_u8_rank2", none);
  add("valid_u8_rank1", [](MapCase &c) { c.rank = 1, c.box[0] = 256; });
  add("valid_f16_rank3", [](MapCase &c) {
    c.type = CU_TENSOR_MAP_DATA_TYPE_FLOAT16, c.rank = 3;
    c.dims = {128, 64, 4, 1, 1, 1, 1, 1};
    c.strides[0] = 256, c.strides[1] = 256 * 64;
    c.box = {32, 8, 2, 1, 1, 1, 1, 1};
  });
  // f16 rows of K = 256 elements read as (8 elements, 256 rows, K / 8):
  // a box of (8, 256, 8) lands K-core-major, the layout of a wgmma operand
  // without swizzle. The K cores' stride (16 bytes) is below the rows'
  // (512): strides need not grow with the dimension.
  add("f16_kcore_rank3_outer_stride_below_inner", [](MapCase &c) {
    c.type = CU_TENSOR_MAP_DATA_TYPE_FLOAT16, c.rank = 3;
    c.dims = {8, 256, 32, 1, 1, 1, 1, 1};
    c.strides[0] = 512, c.strides[1] = 16;
    c.box = {8, 256, 8, 1, 1, 1, 1, 1};
  });
  add("valid_f32_rank5", [](MapCase &c) {
    c.type = CU_TENSOR_MAP_DATA_TYPE_FLOAT32, c.rank = 5;
    c.dims = {16, 4, 4, 2, 2, 1, 1, 1};
    c.strides = {64, 256, 1024, 2048, 4096, 4096, 4096, 4096};
    c.box = {4, 2, 2, 2, 1, 1, 1, 1};
  });
  add("valid_i64_rank2", [](MapCase &c) {
    c.type = CU_TENSOR_MAP_DATA_TYPE_INT64, c.dims[0] = 32, c.box[0] = 8;
  });
  add("addr_offset_16", [](MapCase &c) { c.addressOffset = 16; });
  add("addr_offset_8", [](MapCase &c) { c.addressOffset = 8; });
  add("addr_offset_1", [](MapCase &c) { c.addressOffset = 1; });
  add("stride_264_not_multiple_of_16",
      [](MapCase &c) { c.strides[0] = 264, c.dims[0] = 256; });
  add("stride_272_padded", [](MapCase &c) { c.strides[0] = 272; });
  add("stride_2pow40", [](MapCase &c) { c.strides[0] = cuuint64_t(1) << 40; });
  add("stride_below_row_bytes", [](MapCase &c) { c.strides[0] = 128; });
  add("dim_zero", [](MapCase &c) { c.dims[1] = 0; });
  add("dim_2pow32", [](MapCase &c) { c.dims[1] = cuuint64_t(1) << 32; });
  add("dim_2pow32_plus_1",
      [](MapCase &c) { c.dims[1] = (cuuint64_t(1) << 32) + 1; });
  add("box_zero", [](MapCase &c) { c.box[1] = 0; });
  add("box_256", [](MapCase &c) { c.box = {256, 256, 1, 1, 1, 1, 1, 1}; });
  add("box_257", [](MapCase &c) { c.box[1] = 257; });
  add("box_larger_than_dim", [](MapCase &c) { c.box[1] = 128; });
  add("box_inner_8_bytes", [](MapCase &c) { c.box[0] = 8; });
  add("box_inner_24_bytes", [](MapCase &c) { c.box[0] = 24; });
  add("box_inner_f16_8_elements", [](MapCase &c) {
    c.type = CU_TENSOR_MAP_DATA_TYPE_FLOAT16, c.dims[0] = 128, c.box[0] = 8;
  });
  add("swizzle128_box_inner_128", [](MapCase &c) {
    c.box[0] = 128, c.swizzle = CU_TENSOR_MAP_SWIZZLE_128B;
  });
  add("swizzle128_box_inner_256", [](MapCase &c) {
    c.box[0] = 256, c.swizzle = CU_TENSOR_MAP_SWIZZLE_128B;
  });
  add("swizzle64_box_inner_64", [](MapCase &c) {
    c.box[0] = 64, c.swizzle = CU_TENSOR_MAP_SWIZZLE_64B;
  });
  add("swizzle64_box_inner_128", [](MapCase &c) {
    c.box[0] = 128, c.swizzle = CU_TENSOR_MAP_SWIZZLE_64B;
  });
  add("swizzle32_box_inner_32", [](MapCase &c) {
    c.box[0] = 32, c.swizzle = CU_TENSOR_MAP_SWIZZLE_32B;
  });
  add("swizzle32_box_inner_64", [](MapCase &c) {
    c.box[0] = 64, c.swizzle = CU_TENSOR_MAP_SWIZZLE_32B;
  });
  add("element_stride_0", [](MapCase &c) { c.elementStrides[1] = 0; });
  add("element_stride_8", [](MapCase &c) { c.elementStrides[1] = 8; });
  add("element_stride_9", [](MapCase &c) { c.elementStrides[1] = 9; });
  add("element_stride_inner_2", [](MapCase &c) { c.elementStrides[0] = 2; });
  add("rank_0", [](MapCase &c) { c.rank = 0; });
  add("rank_6", [](MapCase &c) { c.rank = 6; });
  add("interleave16_rank2",
      [](MapCase &c) { c.interleave = CU_TENSOR_MAP_INTERLEAVE_16B; });
  add("interleave16_rank3", [](MapCase &c) {
    c.rank = 3, c.dims = {16, 64, 4, 1, 1, 1, 1, 1};
    c.strides[0] = 16, c.strides[1] = 1024, c.box = {16, 16, 2, 1, 1, 1, 1, 1};
    c.interleave = CU_TENSOR_MAP_INTERLEAVE_16B;
  });
  add("interleave32_rank3_addr_offset_16", [](MapCase &c) {
    c.rank = 3, c.dims = {32, 64, 4, 1, 1, 1, 1, 1};
    c.strides[0] = 32, c.strides[1] = 2048, c.box = {32, 16, 2, 1, 1, 1, 1, 1};
    c.interleave = CU_TENSOR_MAP_INTERLEAVE_32B, c.addressOffset = 16;
    c.swizzle = CU_TENSOR_MAP_SWIZZLE_32B;
  });
  add("oob_nan_u8", [](MapCase &c) {
    c.oob = CU_TENSOR_MAP_FLOAT_OOB_FILL_NAN_REQUEST_ZERO_FMA;
  });
  add("oob_nan_f32", [](MapCase &c) {
    c.type = CU_TENSOR_MAP_DATA_TYPE_FLOAT32, c.dims[0] = 64, c.box[0] = 16;
    c.oob = CU_TENSOR_MAP_FLOAT_OOB_FILL_NAN_REQUEST_ZERO_FMA;
  });
  add("l2_promotion_256", [](MapCase &c) {
    c.l2 = CU_TENSOR_MAP_L2_PROMOTION_L2_256B;
  });
  add("l2_promotion_none",
      [](MapCase &c) { c.l2 = CU_TENSOR_MAP_L2_PROMOTION_NONE; });
  return cases;
}

int runTensorMapRules(const Options &options) {
  rt::Context context;
  if (std::string err = openDevice(options, context); !err.empty())
    return fail(err);
  rt::DeviceBuffer buffer;
  if (std::string err = rt::DeviceBuffer::allocate(1 << 20, buffer);
      !err.empty())
    return fail(err);
  std::ostringstream lines;
  int accepted = 0, refused = 0;
  for (const MapCase &c : mapCases()) {
    CUtensorMap map; // 128-byte aligned by its type
    CUresult result = encodeMap(c, buffer.address(), map);
    bool accept = result == CUDA_SUCCESS;
    (accept ? accepted : refused)++;
    lines << c.name << ": " << (accept ? "accept" : "refuse") << "\n";
    if (!accept)
      std::fprintf(stderr, "%s: %s\n", c.name,
                   rt::cuError(result, "cuTensorMapEncodeTiled").c_str());
  }
  if (options.out.empty()) {
    std::fputs(lines.str().c_str(), stdout);
  } else {
    std::ofstream file(options.out);
    file << lines.str();
    if (!file)
      return fail("cannot write " + options.out);
  }
  std::printf("tensormap-rules: %d accepted, %d refused on %s (%s)\n",
              accepted, refused, options.device.c_str(),
              context.info().name.c_str());
  return 0;
}

//===----------------------------------------------------------------------===//
// Kernels
//===----------------------------------------------------------------------===//

int runKernel(const Options &options) {
  std::ifstream file(options.ptx, std::ios::binary);
  if (!file)
    return fail("cannot open " + options.ptx, 2);
  std::string ptx((std::istreambuf_iterator<char>(file)),
                  std::istreambuf_iterator<char>());

  rt::Context context;
  if (std::string err = openDevice(options, context); !err.empty())
    return fail(err);

  CUmodule loaded = nullptr;
  if (rt::emulated())
    rt::setEmuModuleName(options.ptx);
  // std::string keeps a NUL past its size, as PTX images need.
  if (std::string err = rt::cuError(
          GGEMM_CU(cuModuleLoadData(&loaded, ptx.c_str())), "cuModuleLoadData");
      !err.empty())
    return fail(options.ptx + ": " + err);
  // Unloaded on every way out, before the context goes.
  rt::detail::UniqueHandle<CUmodule, rt::detail::releaseModule> owner(loaded);
  CUmodule module = owner.get();
  CUfunction function = nullptr;
  if (std::string err = rt::cuError(
          GGEMM_CU(cuModuleGetFunction(&function, module,
                                       options.kernel.c_str())),
          "cuModuleGetFunction");
      !err.empty())
    return fail(options.ptx + ": kernel " + options.kernel + ": " + err);
  if (options.smem > 48 * 1024)
    if (std::string err = rt::cuError(
            GGEMM_CU(cuFuncSetAttribute(
                function, CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES,
                int(options.smem))),
            "cuFuncSetAttribute");
        !err.empty())
      return fail(err);

  std::vector<rt::DeviceBuffer> buffers(options.buffers.size());
  for (size_t i = 0; i < buffers.size(); ++i) {
    const BufferSpec &spec = options.buffers[i];
    std::vector<uint8_t> bytes = initialBytes(spec);
    if (std::string err = rt::DeviceBuffer::allocate(spec.bytes, buffers[i]);
        !err.empty())
      return fail(err);
    if (std::string err = buffers[i].upload(bytes.data(), bytes.size());
        !err.empty())
      return fail(err);
  }
  // Each map's 128 bytes in device memory of its own (not written to FILE:
  // the encodings differ between the driver and the emulator).
  std::vector<rt::DeviceBuffer> maps(options.maps.size());
  for (size_t i = 0; i < maps.size(); ++i) {
    const MapSpec &spec = options.maps[i];
    CUtensorMap map; // 128-byte aligned by its type
    if (std::string err = rt::cuError(
            encodeMap(spec.map, buffers[spec.buffer].address(), map),
            "cuTensorMapEncodeTiled");
        !err.empty())
      return fail("--tensormap " + std::to_string(i) + ": " + err);
    if (std::string err = rt::DeviceBuffer::allocate(sizeof(map), maps[i]);
        !err.empty())
      return fail(err);
    if (std::string err = maps[i].upload(&map, sizeof(map)); !err.empty())
      return fail(err);
  }
  // Parameter values (8 bytes each; a u32 uses the first 4) and pointers.
  std::vector<uint64_t> values(options.params.size());
  std::vector<uint32_t> narrow(options.params.size());
  std::vector<void *> args(options.params.size());
  for (size_t i = 0; i < options.params.size(); ++i) {
    const Param &p = options.params[i];
    if (p.kind == Param::U32) {
      narrow[i] = uint32_t(p.value);
      args[i] = &narrow[i];
    } else {
      values[i] = p.kind == Param::Buffer      ? buffers[p.buffer].address()
                  : p.kind == Param::TensorMap ? maps[p.buffer].address()
                                               : p.value;
      args[i] = &values[i];
    }
  }

  rt::Stream stream;
  if (std::string err = rt::Stream::create(stream); !err.empty())
    return fail(err);
  rt::LaunchShape shape;
  shape.grid = options.grid;
  shape.block = options.block;
  shape.cluster = options.cluster;
  shape.dynamicSharedMemory = options.smem;
  shape.cooperative = options.cooperative;
  if (std::string err = rt::launchKernel(function, shape, stream.get(),
                                         args.empty() ? nullptr : args.data());
      !err.empty())
    return fail("kernel " + options.kernel + ": " + err);
  if (std::string err = stream.synchronize(); !err.empty())
    return fail("running kernel " + options.kernel + ": " + err);

  std::ofstream out(options.out);
  if (!out)
    return fail("cannot write " + options.out, 2);
  size_t total = 0;
  for (size_t i = 0; i < buffers.size(); ++i) {
    std::vector<uint8_t> bytes(buffers[i].size());
    if (std::string err = buffers[i].download(bytes.data(), bytes.size());
        !err.empty())
      return fail(err);
    total += bytes.size();
    static const char kHex[] = "0123456789abcdef";
    for (size_t at = 0; at < bytes.size(); at += 32) {
      char head[48];
      std::snprintf(head, sizeof(head), "buffer %zu +%08zx:", i, at);
      std::string line = head;
      for (size_t b = at; b < std::min(bytes.size(), at + 32); ++b) {
        line += (b - at) % 4 == 0 ? "  " : " ";
        line += kHex[bytes[b] >> 4];
        line += kHex[bytes[b] & 15];
      }
      out << line << "\n";
    }
  }
  out.close();
  if (!out)
    return fail("cannot write " + options.out, 2);
  std::printf("probe: %s on %s (%s): grid [%u, %u, %u], block [%u, %u, %u], "
              "%zu buffer%s (%zu bytes) written to %s\n",
              options.kernel.c_str(), options.device.c_str(),
              context.info().name.c_str(), options.grid[0], options.grid[1],
              options.grid[2], options.block[0], options.block[1],
              options.block[2], buffers.size(), buffers.size() == 1 ? "" : "s",
              total, options.out.c_str());
  emu::LaunchStats stats;
  if (rt::emulated() && rt::emuLastLaunchStats(stats))
    std::printf("emu: %s, seed %" PRIu64 "\n", stats.summary().c_str(),
                options.emuSeed);
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  if (argc > 1 &&
      (!std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h"))) {
    std::printf("%s", kUsage);
    return 0;
  }
  Options options;
  if (std::string err = parseOptions(argc, argv, options); !err.empty()) {
    std::fprintf(stderr, "ggemm-probe: %s\n%s", err.c_str(), kUsage);
    return 2;
  }
  return options.tensorMapRules ? runTensorMapRules(options)
                                : runKernel(options);
}
