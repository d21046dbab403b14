//===- Manifest.cpp - reading ggemm kernel manifests ----------------------===//
//
// Turns the JSON manifest of docs/kernel-abi.md into a checked Manifest
// (Operands.cpp checks a problem's buffers against it). No driver calls
// here: a malformed manifest is reported before any GPU work.
//
//===----------------------------------------------------------------------===//

#include "ggemm/Runtime/Runtime.h"

#include "JSON.h"
#include "ManifestReader.h"
#include "ReadFile.h"

#include <algorithm>
#include <cstdio>
#include <iterator>
#include <utility>

namespace ggemm::rt {

namespace {

using json::Value;

constexpr int64_t kMaxU32 = 0xFFFFFFFFll;
constexpr int64_t kMaxSize = int64_t(1) << 40;
// Every size of a ggemm op is below 2^31 (dialects/GGemm/GGemm.md); keeping
// M, N, K and the rows of a map there also keeps the products the runtime
// and gemm-run form from them (rows * K, M * N) far from overflow.
constexpr int64_t kMaxDim = (int64_t(1) << 31) - 1;
// ggemm-pipeline writes a few kilobytes a kernel; anything near this is not
// a manifest, and reading it whole would cost its size in memory.
constexpr uint64_t kMaxManifestBytes = 16 << 20;

/// The ABI's parameter list; a kernel expecting another is not ours to run.
const char *const kParams[] = {"tensor_maps", "c_pointers", "scale_pointers",
                               "group_sizes", "alpha",       "status"};

/// The parameters a kernel of `m`'s form and split_k takes, in order: the
/// six, the split-K workspace, then gathered rows' row indices and token
/// rows.
std::vector<std::string> expectedParams(const Manifest &m) {
  std::vector<std::string> names(std::begin(kParams), std::end(kParams));
  if (m.splitK > 1)
    names.push_back("workspace");
  if (m.gathered()) {
    names.push_back("row_indices");
    names.push_back("token_rows");
    names.push_back("token_matrix");
  }
  return names;
}

/// "params" must be exactly expectedParams(m).
std::string parseParams(const Value &root, Manifest &m) {
  std::vector<std::string> expected = expectedParams(m);
  const Value *params = root.get("params");
  bool ok = params && params->kind == Value::Kind::Array &&
            params->array.size() == expected.size();
  for (size_t i = 0; ok && i < expected.size(); ++i)
    ok = params->array[i].kind == Value::Kind::String &&
         params->array[i].string == expected[i];
  if (ok) {
    m.params = std::move(expected);
    return "";
  }
  std::string list;
  for (const std::string &name : expected)
    list += (list.empty() ? "\"" : ", \"") + name + "\"";
  std::string why = m.gathered()
                        ? (m.splitK > 1 ? "gathered rows, split_k > 1"
                                        : "gathered rows")
                    : m.splitK > 1 ? "split_k > 1"
                                   : "docs/kernel-abi.md";
  return "manifest: \"params\" must be [" + list + "] (" + why + ")";
}

std::string parseGroups(const Value &root, Manifest &out) {
  std::string error;
  const Value *groups = root.get("groups");
  if (!groups || groups->kind != Value::Kind::Array || groups->array.empty())
    return "manifest: \"groups\" must be a non-empty array";
  // Contiguous, offsets and gathered rows take M from the run-time array:
  // "m" is only a placeholder. Masked rows have each group's room in it.
  bool runTimeM = out.rows == RowsForm::Contiguous ||
                  out.rows == RowsForm::Offsets ||
                  out.rows == RowsForm::Gathered;
  bool oneSet = out.oneOperandSet();
  for (size_t g = 0; g < groups->array.size(); ++g) {
    const Value &group = groups->array[g];
    std::string path = "groups[" + std::to_string(g) + "]";
    if (group.kind != Value::Kind::Object)
      return "manifest: \"" + path + "\" must be an object";
    ObjectReader reader(group, path, error);
    GroupShape shape;
    reader.getInteger("m", shape.m, runTimeM ? INT64_MIN : 0, kMaxDim,
                      /*required=*/!runTimeM);
    reader.getInteger("n", shape.n, 1, kMaxDim);
    reader.getInteger("k", shape.k, 1, kMaxDim);
    if (!error.empty())
      return error;
    // Two e2m1 per byte and one scale per 16 elements: K must split evenly.
    if (shape.k % 16 != 0)
      return "manifest: \"" + path + ".k\" = " + std::to_string(shape.k) +
             " is not a multiple of 16";
    if (runTimeM)
      shape.m = -1; // the sizes come from group_sizes at run time
    if (oneSet && g > 0 &&
        (shape.n != out.groups.front().n || shape.k != out.groups.front().k ||
         shape.m != out.groups.front().m))
      return std::string("manifest: ") + rowsFormName(out.rows) +
             " rows need the same " +
             (out.rows == RowsForm::Masked ? "M (max_m), " : "") +
             "N and K in every group; \"" + path + "\" differs from group 0";
    out.groups.push_back(shape);
  }
  return "";
}

std::string parseTensorMaps(const Value &root, Manifest &out) {
  std::string error;
  const Value *maps = root.get("tensor_maps");
  if (!maps || maps->kind != Value::Kind::Array)
    return "manifest: \"tensor_maps\" must be an array";
  for (size_t i = 0; i < maps->array.size(); ++i) {
    const Value &map = maps->array[i];
    std::string path = "tensor_maps[" + std::to_string(i) + "]";
    if (map.kind != Value::Kind::Object)
      return "manifest: \"" + path + "\" must be an object";
    ObjectReader reader(map, path, error);
    TensorMapSpec spec;
    std::string operand;
    std::array<int64_t, 1> strides{};
    reader.getInteger("group", spec.group, 0, out.numGroups() - 1);
    reader.getString("operand", operand);
    reader.getIntegers("dims", spec.dims, INT64_MIN, kMaxDim);
    reader.getIntegers("strides", strides, 1, kMaxSize);
    reader.getIntegers("box", spec.box, 1, 256); // TMA's box limit
    std::string swizzle = "none";
    reader.getString("swizzle", swizzle, /*required=*/false);
    if (!error.empty())
      return error;
    if (swizzle != "none" && swizzle != "128B")
      return "manifest: \"" + path +
             ".swizzle\" must be \"none\" or \"128B\", not \"" + swizzle +
             "\"";
    spec.swizzle128B = swizzle == "128B";
    bool known = false;
    for (Operand o :
         {Operand::A, Operand::B, Operand::SFA, Operand::SFB, Operand::Tokens})
      if (operand == operandName(o)) {
        spec.operand = o;
        known = true;
      }
    if (!known)
      return "manifest: \"" + path +
             ".operand\" must be \"a\", \"b\", \"sfa\", \"sfb\" or "
             "\"tokens\", not \"" +
             operand + "\"";
    if (spec.dims[0] < 1)
      return "manifest: \"" + path + ".dims[0]\" (bytes per row) must be >= 1";
    spec.rowStride = strides[0];
    out.tensorMaps.push_back(spec);
  }
  return "";
}

/// The kernel indexes its maps by position: per operand set (each group in
/// list form, the one set in contiguous form) a, b, then, where it loads
/// row-major scales with TMA, sfa, sfb; every set alike. A kernel with
/// "tokens" has its set's "tokens" map in A's place (it never maps A), and
/// only such a kernel has "tokens" maps. Call after parseTokens.
std::string checkTensorMapOrder(const Manifest &m) {
  size_t sets = m.rows == RowsForm::List ? m.groups.size() : 1;
  const std::vector<TensorMapSpec> &maps = m.tensorMaps;
  bool tokens = m.decodesTokens();
  const char *first = tokens ? "tokens" : "a";
  if (sets == 0 || maps.size() % sets != 0 ||
      (maps.size() / sets != 2 && maps.size() / sets != 4))
    return "manifest: " + std::to_string(maps.size()) + " tensor maps for " +
           std::to_string(sets) + " operand set(s); each set has 2 (" + first +
           ", b) or 4 (" + first + ", b, sfa, sfb)";
  size_t perSet = maps.size() / sets;
  if (perSet == 4 && m.scales != ScaleLayout::RowMajor)
    return "manifest: \"sfa\"/\"sfb\" tensor maps need row_major scales";
  const Operand order[] = {tokens ? Operand::Tokens : Operand::A, Operand::B,
                           Operand::SFA, Operand::SFB};
  for (size_t i = 0; i < maps.size(); ++i) {
    if (!tokens && maps[i].operand == Operand::Tokens)
      return "manifest: tensor_maps[" + std::to_string(i) +
             "] is operand \"tokens\", but the manifest has no \"tokens\" "
             "key (the decode kernel that fills the token workspace)";
    if (maps[i].operand != order[i % perSet] ||
        maps[i].group != int64_t(i / perSet))
      return "manifest: tensor_maps[" + std::to_string(i) +
             "] must be operand \"" + operandName(order[i % perSet]) +
             "\" of group " + std::to_string(i / perSet) +
             (tokens && i % perSet == 0
                  ? " (the manifest has \"tokens\": the kernel reads A "
                    "decoded, from the token workspace)"
                  : "");
  }
  return "";
}

/// The operand's entry of "alignment"; 256 for the decoded tokens, which
/// lie in the runtime's own memory (each set's region 256-byte aligned).
uint32_t alignmentOf(const OperandAlignment &alignment, Operand operand) {
  switch (operand) {
  case Operand::A:
    return alignment.a;
  case Operand::B:
    return alignment.b;
  case Operand::SFA:
    return alignment.sfa;
  case Operand::SFB:
    return alignment.sfb;
  case Operand::Tokens:
    return 256;
  }
  return 0;
}

/// The optional "setup" object: the setup kernel that writes the
/// parameter block of a launch on a caller's stream (enqueueOnStream).
std::string parseSetup(const Value &root, Manifest &out) {
  std::string error;
  ObjectReader top(root, "", error);
  const Value *setup = top.member("setup", /*required=*/false);
  if (!setup)
    return "";
  if (!top.expectKind("setup", *setup, Value::Kind::Object))
    return error;
  ObjectReader reader(*setup, "setup", error);
  reader.getString("kernel", out.setupKernel);
  reader.getInteger("chunk_words", out.setupChunkWords, 1, kMaxSetupChunkWords);
  if (!error.empty())
    return error;
  int64_t words = out.parameterBlockWords();
  int64_t expected = std::min(words, kMaxSetupChunkWords);
  if (out.setupChunkWords != expected)
    return "manifest: \"setup.chunk_words\" is " +
           std::to_string(out.setupChunkWords) + "; the kernel's " +
           std::to_string(out.tensorMaps.size()) +
           (out.decodesTokens() ? " tensor maps, pointers and decode table"
                                : " tensor maps and pointers") +
           " make " + std::to_string(words) +
           " words, so its chunks take " + std::to_string(expected);
  return "";
}

/// The optional "tokens" object: the decode kernel that fills the token
/// workspace before every launch, its grid (y: one CTA row per operand
/// set), block and parameter list (exactly ["table"]). Call after
/// parseGroups and parseTensorMaps.
std::string parseTokens(const Value &root, Manifest &out) {
  std::string error;
  ObjectReader top(root, "", error);
  const Value *tokens = top.member("tokens", /*required=*/false);
  if (!tokens)
    return "";
  if (!top.expectKind("tokens", *tokens, Value::Kind::Object))
    return error;
  ObjectReader reader(*tokens, "tokens", error);
  TokenDecodeKernel decode;
  reader.getString("kernel", decode.kernel);
  reader.getIntegers("grid", decode.grid, 1, kMaxU32);
  reader.getIntegers("block", decode.block, 1, 1024);
  const Value *params = reader.member("params", /*required=*/true);
  if (!error.empty())
    return error;
  if (decode.kernel.empty())
    return "manifest: \"tokens.kernel\" must name the decode kernel";
  if (params->kind != Value::Kind::Array || params->array.size() != 1 ||
      params->array[0].kind != Value::Kind::String ||
      params->array[0].string != "table")
    return "manifest: \"tokens.params\" must be [\"table\"] (the decode "
           "kernel's one parameter: its table of the operand sets)";
  int64_t sets = out.numOperandSets();
  if (int64_t(decode.grid[1]) != sets || decode.grid[2] != 1 ||
      decode.grid[1] > 65535)
    return "manifest: \"tokens.grid\" is [" + std::to_string(decode.grid[0]) +
           ", " + std::to_string(decode.grid[1]) + ", " +
           std::to_string(decode.grid[2]) + "]; its y must be the " +
           std::to_string(sets) + " operand set" + (sets == 1 ? "" : "s") +
           " (one CTA row each, at most 65535) and its z 1";
  decode.params = {"table"};
  out.tokens = std::move(decode);
  return "";
}

/// "alignment": {"a": .., "b": .., "sfa": .., "sfb": .., "c": ..}, the byte
/// alignment the kernel needs of each operand's addresses: every key
/// required, each a power of two in [1, 256]. The tensor maps must be
/// parsed first: an operand read through one needs TMA's 16 bytes at least.
std::string parseAlignment(const Value &root, Manifest &out) {
  std::string error;
  ObjectReader top(root, "", error);
  const Value *alignment = top.member("alignment", /*required=*/true);
  if (!alignment ||
      !top.expectKind("alignment", *alignment, Value::Kind::Object))
    return error;
  ObjectReader reader(*alignment, "alignment", error);
  std::pair<const char *, uint32_t *> entries[] = {
      {"a", &out.alignment.a},     {"b", &out.alignment.b},
      {"sfa", &out.alignment.sfa}, {"sfb", &out.alignment.sfb},
      {"c", &out.alignment.c}};
  for (auto [key, field] : entries) {
    const Value *value = reader.member(key, /*required=*/true);
    if (!value)
      return error;
    int64_t bytes = 0;
    if (!value->getInteger(bytes) || bytes < 1 || bytes > 256 ||
        (bytes & (bytes - 1)) != 0)
      return std::string("manifest: \"alignment.") + key +
             "\" must be a power of two in [1, 256]";
    *field = uint32_t(bytes);
  }
  // cuTensorMapEncodeTiled takes 16-byte aligned global addresses only.
  // The token workspace is the runtime's: no key of "alignment" covers it.
  for (size_t i = 0; i < out.tensorMaps.size(); ++i) {
    Operand operand = out.tensorMaps[i].operand;
    if (operand == Operand::Tokens)
      continue;
    uint32_t bytes = alignmentOf(out.alignment, operand);
    if (bytes < 16)
      return std::string("manifest: \"alignment.") + operandName(operand) +
             "\" is " + std::to_string(bytes) + ", but tensor_maps[" +
             std::to_string(i) +
             "] reads the operand with TMA, which needs 16 bytes or more";
  }
  return "";
}

std::string dirName(const std::string &path) {
  size_t slash = path.find_last_of('/');
  if (slash == std::string::npos)
    return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

} // namespace

const char *rowsFormName(RowsForm rows) {
  switch (rows) {
  case RowsForm::List:
    return "list";
  case RowsForm::Contiguous:
    return "contiguous";
  case RowsForm::Offsets:
    return "offsets";
  case RowsForm::Masked:
    return "masked";
  case RowsForm::Gathered:
    return "gathered";
  }
  return "?";
}

std::string describeErrorFlags(int32_t flags) {
  std::string text;
  auto add = [&](const std::string &what) {
    text += (text.empty() ? "" : "; ") + what;
  };
  if (flags & kGroupSizesOverrun)
    add("group sizes or offsets passed the rows of A: clamped");
  if (flags & kGroupRowsClamped)
    add("negative group sizes, group offsets out of order or counts outside "
        "[0, max_m]: clamped");
  if (flags & kRowIndicesClamped)
    add("row indices outside [0, T): clamped");
  if (int32_t rest = flags & ~(kGroupSizesOverrun | kGroupRowsClamped |
                               kRowIndicesClamped)) {
    char hex[16];
    std::snprintf(hex, sizeof(hex), "0x%x", unsigned(rest));
    add(std::string("unknown bits ") + hex);
  }
  return text;
}

const char *operandName(Operand operand) {
  switch (operand) {
  case Operand::A:
    return "a";
  case Operand::B:
    return "b";
  case Operand::SFA:
    return "sfa";
  case Operand::SFB:
    return "sfb";
  case Operand::Tokens:
    return "tokens";
  }
  return "?";
}

int64_t Manifest::contiguousCapacity() const {
  // Gathered: A has T rows, C R; the manifest says neither (tokenCapacity).
  if (rows == RowsForm::List || rows == RowsForm::Gathered)
    return -1;
  if (rows == RowsForm::Masked)
    return groups.empty() ? 0 : numGroups() * groups.front().m;
  // A's map, or the tokens map in its place: both have A's rows.
  for (const TensorMapSpec &spec : tensorMaps)
    if ((spec.operand == Operand::A || spec.operand == Operand::Tokens) &&
        spec.dims[1] >= 0)
      return spec.dims[1];
  return -1;
}

int64_t Manifest::tokenCapacity() const {
  if (rows != RowsForm::Gathered)
    return -1;
  for (const TensorMapSpec &spec : tensorMaps)
    if ((spec.operand == Operand::A || spec.operand == Operand::Tokens) &&
        spec.dims[1] >= 0)
      return spec.dims[1];
  return -1;
}

std::string parseManifest(const std::string &text, const std::string &baseDir,
                          Manifest &out) {
  out = Manifest();
  Value root;
  if (std::string error = json::parse(text, root); !error.empty())
    return "manifest: " + error;
  if (root.kind != Value::Kind::Object)
    return "manifest: the top level must be an object";

  std::string error;
  ObjectReader reader(root, "", error);
  std::string format, cubin, rows, scales = "row_major";
  int64_t smem = 0;
  reader.getString("format", format);
  if (error.empty() && format != "ggemm-manifest-1")
    return "manifest: format \"" + format +
           "\" is not \"ggemm-manifest-1\", the one this runtime reads";
  reader.getString("chip", out.chip, /*required=*/false);
  reader.getString("kernel", out.kernel);
  reader.getString("cubin", cubin);
  reader.getIntegers("grid", out.grid, 1, kMaxU32);
  reader.getIntegers("block", out.block, 1, 1024);
  reader.getIntegers("cluster", out.cluster, 1, 16, /*required=*/false);
  reader.getInteger("dynamic_shared_memory", smem, 0, kMaxU32);
  reader.getString("rows", rows);
  reader.getString("scales", scales, /*required=*/false);
  reader.getBool("alpha", out.alpha, /*required=*/false);
  reader.getIntegers("tile", out.tile, 1, kMaxSize, /*required=*/false);
  reader.getInteger("split_k", out.splitK, 1, 64, /*required=*/false);
  // The workspace of a split-K kernel is sized from the tile.
  if (error.empty() && out.splitK > 1 && !root.get("tile"))
    return "manifest: split_k > 1 needs \"tile\" (the workspace holds one "
           "tile_m x tile_n f32 partial per work item)";
  if (!error.empty())
    return error;
  out.dynamicSharedMemory = uint32_t(smem);
  out.cubinPath =
      cubin.empty() || cubin[0] == '/' ? cubin : baseDir + "/" + cubin;
  for (int d = 0; d < 3; ++d)
    if (out.grid[d] % out.cluster[d] != 0)
      return "manifest: grid [" + std::to_string(out.grid[0]) + ", " +
             std::to_string(out.grid[1]) + ", " + std::to_string(out.grid[2]) +
             "] is not a multiple of the cluster shape";

  bool knownRows = false;
  for (RowsForm form : {RowsForm::List, RowsForm::Contiguous,
                        RowsForm::Offsets, RowsForm::Masked,
                        RowsForm::Gathered})
    if (rows == rowsFormName(form)) {
      out.rows = form;
      knownRows = true;
    }
  if (!knownRows)
    return "manifest: \"rows\" must be \"list\", \"contiguous\", "
           "\"offsets\", \"masked\" or \"gathered\", not \"" +
           rows + "\"";
  if (scales == "row_major")
    out.scales = ScaleLayout::RowMajor;
  else if (scales == "blocked_128x4")
    out.scales = ScaleLayout::Blocked128x4;
  else
    return "manifest: \"scales\" must be \"row_major\" or \"blocked_128x4\", "
           "not \"" +
           scales + "\"";
  if (out.oneOperandSet() && out.scales == ScaleLayout::Blocked128x4)
    return std::string("manifest: blocked_128x4 scales need rows \"list\" (") +
           rowsFormName(out.rows) + " rows would need per-group padding)";

  // A split-K kernel takes the workspace after the six others, a gathered
  // one its row indices and token rows last.
  if (std::string err = parseParams(root, out); !err.empty())
    return err;

  if (std::string err = parseGroups(root, out); !err.empty())
    return err;
  if (std::string err = parseTensorMaps(root, out); !err.empty())
    return err;
  if (std::string err = parseTokens(root, out); !err.empty())
    return err;
  if (std::string err = checkTensorMapOrder(out); !err.empty())
    return err;
  if (std::string err = parseSetup(root, out); !err.empty())
    return err;
  return parseAlignment(root, out);
}

std::string readManifest(const std::string &path, Manifest &out) {
  out = Manifest();
  std::string text;
  if (std::string err =
          readFileBounded(path, kMaxManifestBytes, "manifest", text);
      !err.empty())
    return err;
  if (std::string err = parseManifest(text, dirName(path), out); !err.empty())
    return path + ": " + err;
  return "";
}

} // namespace ggemm::rt
