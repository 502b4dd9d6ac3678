"""Peer benchmark and cross-check of `gradscope landscape`, in PyTorch eager.

Usage: python landscape_torch.py MODEL.safetensors DIRECTIONS.safetensors POINTS.csv GRID SPAN [OUT.csv]

Loads a gradscope model (a plain or identity-skip MLP: `layers.{i}.weight`,
`layers.{i}.bias`, the skip flags in the file's metadata) and the two
directions gradscope wrote (`d1.layers.{i}.weight`, ...), then computes
L(theta + a*d1 + b*d2) on the GRID x GRID grid over [-SPAN, SPAN]^2 point by
point, as one would in PyTorch: load the shifted weights, evaluate the
mean cross-entropy over the CSV's points (header, features, class index).
Two ways of loading, both timed:
- "copy": the shifted weights copied into the parameters in place
  (`param.copy_`), the leanest eager loop;
- "load_state_dict": the model as an `nn.Module` of `nn.Linear` layers and
  each point's shifted weights loaded with `load_state_dict`, the way most
  landscape code (e.g. loss-landscapes, Li et al.'s own) is written.
One CPU thread. Prints the seconds each took (wall and CPU) and the largest difference
from gradscope's landscape.csv if OUT.csv is given.
"""
import json
import sys
import time

import numpy as np
import torch
from safetensors import safe_open

torch.set_num_threads(1)
model_path, directions_path, points_path = sys.argv[1:4]
grid, span = int(sys.argv[4]), float(sys.argv[5])
theirs = sys.argv[6] if len(sys.argv) > 6 else None

with safe_open(model_path, "pt") as f:
    meta = f.metadata()
    n = len([k for k in f.keys() if k.endswith(".weight")])
    theta = [(f.get_tensor(f"layers.{i}.weight"), f.get_tensor(f"layers.{i}.bias")) for i in range(n)]
config = json.loads(meta["config"])
skips = json.loads(meta["skips"])
style = meta["skip_style"]
activation = {"tanh": torch.tanh, "sigmoid": torch.sigmoid, "relu": torch.relu}[config["activation"]]
with safe_open(directions_path, "pt") as f:
    d1 = [f.get_tensor(f"d1.layers.{i}.weight") for i in range(n)]
    d2 = [f.get_tensor(f"d2.layers.{i}.weight") for i in range(n)]

data = np.loadtxt(points_path, delimiter=",", skiprows=1, dtype=np.float32)
x = torch.from_numpy(data[:, :-1])
y = torch.from_numpy(data[:, -1].astype(np.int64))

weights = [torch.nn.Parameter(w.clone(), requires_grad=False) for w, _ in theta]
biases = [b for _, b in theta]


def forward(a):
    acts = []
    for i in range(n - 1):
        z = a @ weights[i].T + biases[i]
        lands = i >= 2 and i % 2 == 0 and skips[i // 2 - 1]
        if lands and style == "slides":
            z = z + acts[i - 2]
        h = activation(z)
        if lands and style == "identity":
            h = h + acts[i - 2]
        acts.append(h)
        a = h
    return a @ weights[n - 1].T + biases[n - 1]


coords = [-span + 2 * span * i / (grid - 1) for i in range(grid)]


def copy_grid():
    losses = []
    for b in coords:
        for a in coords:
            for i in range(n):
                weights[i].copy_(theta[i][0] + a * d1[i] + b * d2[i])
            losses.append(torch.nn.functional.cross_entropy(forward(x), y).item())
    return losses


class Net(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = torch.nn.ModuleList(
            torch.nn.Linear(w.shape[1], w.shape[0]) for w, _ in theta
        )

    def forward(self, a):
        acts = []
        for i in range(n - 1):
            z = self.layers[i](a)
            lands = i >= 2 and i % 2 == 0 and skips[i // 2 - 1]
            if lands and style == "slides":
                z = z + acts[i - 2]
            h = activation(z)
            if lands and style == "identity":
                h = h + acts[i - 2]
            acts.append(h)
            a = h
        return self.layers[n - 1](a)


def state_dict_grid():
    net = Net()
    losses = []
    for b in coords:
        for a in coords:
            state = {}
            for i in range(n):
                state[f"layers.{i}.weight"] = theta[i][0] + a * d1[i] + b * d2[i]
                state[f"layers.{i}.bias"] = theta[i][1]
            net.load_state_dict(state)
            losses.append(torch.nn.functional.cross_entropy(net(x), y).item())
    return losses


results = {}
for name, compute in [("copy", copy_grid), ("load_state_dict", state_dict_grid)]:
    start, start_cpu = time.perf_counter(), time.process_time()
    with torch.no_grad():
        losses = compute()
    seconds, cpu = time.perf_counter() - start, time.process_time() - start_cpu
    results[name] = losses
    print(f"pytorch eager ({name}): {grid}x{grid} grid over {len(y)} points in {seconds:.2f} s ({cpu:.2f} s of CPU)")
if theirs:
    gs = np.loadtxt(theirs, delimiter=",", skiprows=1)[:, 2]
    for name, losses in results.items():
        diff = np.abs(np.array(losses) - gs) / np.maximum(np.abs(gs), 1e-12)
        print(f"largest relative difference from gradscope ({name}): {diff.max():.2e}")
