"""Cross-check `gradscope grads` against PyTorch (manual; needs torch and safetensors).

Usage: python tools/torch_check.py MODEL.safetensors BATCH.csv [GRADSCOPE_BINARY]

Loads the model with safetensors.torch.load_file, rebuilds the network from
the configuration in its metadata (same layers, activation and residual
blocks), computes the loss and every gradient in float64 with autograd, runs
`gradscope grads --json` on the same files and prints the largest relative
difference per layer. Exit status 1 if any exceeds 1e-4.
"""
import json
import subprocess
import sys

import torch
from safetensors import safe_open
from safetensors.torch import load_file

model_path, csv_path = sys.argv[1], sys.argv[2]
binary = sys.argv[3] if len(sys.argv) > 3 else "target/release/gradscope"

with safe_open(model_path, "pt") as f:
    meta = f.metadata()
config = json.loads(meta["config"])
skips = json.loads(meta.get("skips", "[]"))
style = meta.get("skip_style", "identity")
tensors = {k: v.double().requires_grad_() for k, v in load_file(model_path).items()}
depth = config["depth"]
acts = {
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "relu": torch.relu,
    "leaky-relu": lambda z: torch.nn.functional.leaky_relu(z, 0.01),
}
g = acts[config["activation"]]

rows = [line.strip().split(",") for line in open(csv_path).read().splitlines()[1:] if line.strip()]
x = torch.tensor([[float(v) for v in r[:2]] for r in rows], dtype=torch.float64)


def linear(i, a):
    return a @ tensors[f"layers.{i}.weight"].T + tensors[f"layers.{i}.bias"]


acts_out = []
a = x
for i in range(depth):
    z = linear(i, a)
    block_end = i >= 2 and i % 2 == 0 and skips[i // 2 - 1]
    if block_end and style == "slides":
        a = g(z + acts_out[i - 2])
    elif block_end:
        a = g(z) + acts_out[i - 2]
    else:
        a = g(z)
    acts_out.append(a)
out = linear(depth, a)
if config["loss"] == "cross-entropy":
    y = torch.tensor([int(float(r[2])) for r in rows])
    loss = torch.nn.functional.cross_entropy(out, y)
else:
    t = torch.tensor([[float(v) for v in r[2:]] for r in rows], dtype=torch.float64)
    loss = torch.nn.functional.mse_loss(out, t)
loss.backward()

ours = json.loads(subprocess.run([binary, "grads", "--model", model_path, "--data", csv_path, "--json"],
                                 check=True, capture_output=True, text=True).stdout)
print(f"loss: torch {loss.item():.9g}, gradscope {ours['loss']:.9g}")
worst = 0.0
for layer in ours["layers"]:
    i = layer["layer"]
    for name, ours_grad in (("weight", layer["weight"]), ("bias", layer["bias"])):
        theirs = tensors[f"layers.{i}.{name}"].grad
        mine = torch.tensor(ours_grad, dtype=torch.float64)
        scale = theirs.abs().max().item() or 1.0
        diff = (theirs - mine).abs().max().item() / scale
        worst = max(worst, diff)
        print(f"layers.{i}.{name}: max |dL/dp| {scale:.3e}, max relative difference {diff:.2e}")
print(f"worst: {worst:.2e}")
sys.exit(0 if worst < 1e-4 else 1)
