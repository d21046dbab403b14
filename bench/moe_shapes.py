#!/usr/bin/env python3
"""The MoE benchmark shapes of bench/problems.json and bench/heldout.json,
from public model configurations and a seeded routing simulation.

Usage: python3 bench/moe_shapes.py            # print the entries
       python3 bench/moe_shapes.py --write    # put them into both files
       python3 bench/moe_shapes.py --check    # exit 1 if the files differ

One grouped GEMM per entry: C_g[M_g, N] = A_g[M_g, K] * B_g[N, K]^T for each
group (expert) g, A_g the tokens routed to expert g, B_g its weights.
Projections (gated MLPs, SwiGLU):
  up    the gate and up projections fused into one weight: N = 2 * the
        intermediate size, K = hidden_size
  down  N = hidden_size, K = the intermediate size
K must be a multiple of 256 for today's kernel and N a multiple of 8; a
model whose K is not (GLM-4.5-Air's moe_intermediate_size 1408, gpt-oss's
hidden_size 2880) is left out, not rounded.

Group sizes (M_g):
  decode, prefill  a seeded top-k routing simulation: each of T tokens picks
        top_k distinct experts by the largest of log(p_e) + Gumbel noise (what
        a router's top-k of noisy logits does), with expert popularity
        p_e ~ 1 / rank^s (Zipf, exponent s) over a seeded random order of the
        experts; M_g counts the tokens that picked expert g. Only
        random.Random(seed).random() is drawn, so the sizes are the same on
        every Python 3.
  dense  one group: T tokens through a dense FFN layer of the same model
        (M = T).
The weights of a shape are G * N * K / 2 bytes (e2m1) plus G * N * K / 16
(e4m3 scales).
"""
import argparse
import json
import math
import os
import random
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROBLEMS = os.path.join(ROOT, "bench", "problems.json")
HELDOUT = os.path.join(ROOT, "bench", "heldout.json")

# config.json fields of the three architectures, in the order _model's
# values follow.
DEEPSEEK_V3 = ("hidden_size", "intermediate_size", "moe_intermediate_size",
               "n_routed_experts", "num_experts_per_tok", "n_shared_experts",
               "first_k_dense_replace")  # also GLM-4.5 (Glm4Moe)
QWEN3_MOE = ("hidden_size", "moe_intermediate_size", "num_experts",
             "num_experts_per_tok")
MIXTRAL = ("hidden_size", "intermediate_size", "num_local_experts",
           "num_experts_per_tok")


def _model(name, repo, fields, *values):
    """A model: its name, config.json's `fields` = `values`, and where
    config.json was read (Hugging Face repository `repo`)."""
    assert len(fields) == len(values), (name, fields, values)
    return {"model": f"{name} ({repo})", "config": dict(zip(fields, values)),
            "source": f"https://huggingface.co/{repo}/blob/main/config.json"}


# Public configurations (Hugging Face config.json fields), with where they
# were read.
MODELS = {
    "dsv3": _model("DeepSeek-V3", "deepseek-ai/DeepSeek-V3", DEEPSEEK_V3, 7168, 18432, 2048, 256, 8, 1, 3),
    "qwen3_235b": _model("Qwen3-235B-A22B", "Qwen/Qwen3-235B-A22B", QWEN3_MOE, 4096, 1536, 128, 8),
    "mixtral8x7b": _model("Mixtral-8x7B", "mistralai/Mixtral-8x7B-v0.1", MIXTRAL, 4096, 14336, 8, 2),
    # Held out (bench/heldout.json): other models.
    "glm45": _model("GLM-4.5", "zai-org/GLM-4.5", DEEPSEEK_V3, 5120, 12288, 1536, 160, 8, 1, 3),
    "qwen3_30b": _model("Qwen3-30B-A3B", "Qwen/Qwen3-30B-A3B", QWEN3_MOE, 2048, 768, 128, 8),
    "mixtral8x22b": _model("Mixtral-8x22B", "mistralai/Mixtral-8x22B-v0.1", MIXTRAL, 6144, 16384, 8, 2),
}

# (file, model, regime, projection, intermediate field, experts field,
#  tokens T, Zipf exponent s, seed)
SHAPES = [
    ("problems", "dsv3", "decode", "up", "moe_intermediate_size", "n_routed_experts", 128, 0.7, 101),
    ("problems", "dsv3", "decode", "down", "moe_intermediate_size", "n_routed_experts", 128, 0.7, 101),
    ("problems", "qwen3_235b", "decode", "down", "moe_intermediate_size", "num_experts", 128, 0.6, 102),
    ("problems", "mixtral8x7b", "prefill", "up", "intermediate_size", "num_local_experts", 3072, 0.8, 103),
    ("problems", "mixtral8x7b", "prefill", "down", "intermediate_size", "num_local_experts", 3072, 0.8, 103),
    ("problems", "dsv3", "dense", "up", "intermediate_size", None, 4096, None, None),
    ("problems", "dsv3", "dense", "down", "intermediate_size", None, 4096, None, None),
    ("heldout", "glm45", "decode", "down", "moe_intermediate_size", "n_routed_experts", 128, 0.7, 201),
    ("heldout", "qwen3_30b", "decode", "up", "moe_intermediate_size", "num_experts", 64, 0.8, 202),
    ("heldout", "mixtral8x22b", "prefill", "down", "intermediate_size", "num_local_experts", 2048, 0.8, 203),
    ("heldout", "glm45", "dense", "up", "intermediate_size", None, 2048, None, None),
]


def route(tokens, experts, top_k, s, seed):
    """Tokens per expert after `tokens` top-k picks (see the module doc)."""
    rng = random.Random(seed)
    order = list(range(experts))
    for i in range(experts - 1, 0, -1):  # Fisher-Yates on random() alone
        j = int(rng.random() * (i + 1))
        order[i], order[j] = order[j], order[i]
    log_p = [0.0] * experts
    for rank, e in enumerate(order):
        log_p[e] = -s * math.log(rank + 1)
    counts = [0] * experts
    for _ in range(tokens):
        # Gumbel noise -log(-log(u)), u = 1 - r * (1 - 1e-12) in [1e-12, 1);
        # r = 0 (never drawn for these seeds) is taken as 2^-53 so that u < 1.
        keys = [(log_p[e] - math.log(-math.log(
                    1.0 - (rng.random() or 2.0 ** -53) * (1 - 1e-12))), e)
                for e in range(experts)]
        keys.sort(reverse=True)
        for _, e in keys[:top_k]:
            counts[e] += 1
    return counts


def entry(which, model_key, regime, proj, inter_field, experts_field, tokens, s, seed):
    info = MODELS[model_key]
    cfg = info["config"]
    hidden, inter = cfg["hidden_size"], cfg[inter_field]
    n, k = (2 * inter, hidden) if proj == "up" else (hidden, inter)
    assert k % 256 == 0 and n % 8 == 0, (model_key, proj, n, k)
    fields = ["hidden_size", inter_field]
    if regime == "dense":
        ms = [tokens]
        how = (f"one group: {tokens} tokens (a prefill chunk) through a dense "
               f"FFN layer (intermediate_size; the first "
               f"{cfg.get('first_k_dense_replace')} layers are dense, "
               f"first_k_dense_replace)")
        fields.append("first_k_dense_replace")
    else:
        experts, top_k = cfg[experts_field], cfg["num_experts_per_tok"]
        ms = route(tokens, experts, top_k, s, seed)
        fields += [experts_field, "num_experts_per_tok"]
        how = (f"top-{top_k} routing of T = {tokens} tokens over "
               f"{experts} experts, Zipf popularity s = {s}, seed {seed} "
               f"(bench/moe_shapes.py): M_g {min(ms)}..{max(ms)}, "
               f"{ms.count(0)} empty")
    g = len(ms)
    proj_text = ("gate+up fused, N = 2 * " + inter_field if proj == "up"
                 else "down, N = hidden_size, K = " + inter_field)
    weight_bytes = g * n * k // 2 + g * n * (k // 16)
    name = f"{model_key}_{regime}_{proj}_g{g}_n{n}_k{k}"
    about = (f"{info['model']}, {regime}, {proj_text}; config.json "
             + ", ".join(f"{f} {cfg[f]}" for f in fields)
             + f" ({info['source']}); {how}; weights {weight_bytes / 1e6:.0f} MB")
    return which, {"name": name, "m": ms, "n": n, "k": k, "sol_b200_us": None,
                   "about": about, "time_dynamic": regime != "dense"}


def entries():
    return [entry(*s) for s in SHAPES]


def dump(doc):
    """problems.json's layout: one line per test and benchmark entry."""
    lines = ["{"]
    keys = list(doc)
    for i, key in enumerate(keys):
        comma = "," if i + 1 < len(keys) else ""
        value = doc[key]
        if isinstance(value, list) and value:
            lines.append(f"  {json.dumps(key)}: [")
            lines += [f"    {json.dumps(x)}" + ("," if j + 1 < len(value) else "")
                      for j, x in enumerate(value)]
            lines.append(f"  ]{comma}")
        else:
            lines.append(f"  {json.dumps(key)}: {json.dumps(value)}{comma}")
    lines.append("}")
    return "\n".join(lines) + "\n"


HELDOUT_ABOUT = (
    "HELD-OUT shapes: MoE layers of public models that are NOT in "
    "bench/problems.json (GLM-4.5, Qwen3-30B-A3B, Mixtral-8x22B), across the "
    "decode, prefill and dense regimes, made by bench/moe_shapes.py. Keep them "
    "out of every tuning, cost-model fit and schedule choice: they are looked "
    "at only at the end, as a check that nothing was tuned to the list of "
    "bench/problems.json. Run them with PROBLEMS=bench/heldout.json "
    "bench/compile.sh, then PROBLEMS=bench/heldout.json bench/run_gpu.sh. "
    "Semantics and schema as in bench/problems.json.")


def updated(path, which, new):
    """The text of `path` with its benchmarks made by this script replaced
    (by name prefix) and the new ones appended in order."""
    if os.path.exists(path):
        with open(path) as f:
            doc = json.load(f)
    else:
        doc = {"about": HELDOUT_ABOUT, "sol_note": "no speed-of-light times",
               "tests": [], "benchmarks": []}
    ours = {model_prefix(e["name"]) for e in new}
    kept = [b for b in doc["benchmarks"] if model_prefix(b["name"]) not in ours]
    doc["benchmarks"] = kept + new
    if which == "heldout":
        doc["about"] = HELDOUT_ABOUT
    return dump(doc)


def model_prefix(name):
    return next((key for key in MODELS if name.startswith(key + "_")), name)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--write", action="store_true")
    p.add_argument("--check", action="store_true")
    args = p.parse_args()
    made = entries()
    if not (args.write or args.check):
        for which, e in made:
            g, n, k = len(e["m"]), e["n"], e["k"]
            print(f"{which:8} {e['name']:40} G {g:3} N {n:5} K {k:5} "
                  f"sum M {sum(e['m']):5} weights {g * n * k * 9 // 16 / 1e9:.2f} GB "
                  f"max M {max(e['m'])} empty {e['m'].count(0)}")
        return
    bad = 0
    for which, path in (("problems", PROBLEMS), ("heldout", HELDOUT)):
        text = updated(path, which, [e for w, e in made if w == which])
        old = open(path).read() if os.path.exists(path) else ""
        if args.write and text != old:
            with open(path, "w") as f:
                f.write(text)
            print(f"wrote {os.path.relpath(path, ROOT)}")
        elif args.check and text != old:
            print(f"{os.path.relpath(path, ROOT)} differs from bench/moe_shapes.py")
            bad = 1
    sys.exit(bad)


if __name__ == "__main__":
    main()
