"""Rebuilds an exported Stepwise model with numpy alone and compares its logits with the engine's.

Usage: export_check.py <folder>, where the folder holds (written by tests/export_numpy.rs):
  model.safetensors   the engine's export (PyTorch names, nn.Linear's [out, in] layout)
  digits.f32          the inputs, float32 little-endian, [n, 784]
  logits.f32          the engine's logits for them, float32 little-endian, [n, 10]
The .safetensors file is read by hand (8-byte header length, JSON header, raw data), so this
needs only numpy. Prints the largest difference; exits 1 if it is over 1e-4.
"""
import json
import struct
import sys
from pathlib import Path

import numpy as np

TOLERANCE = 1e-4


def read_safetensors(path):
    raw = Path(path).read_bytes()
    (length,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + length])
    data = raw[8 + length :]
    metadata = header.pop("__metadata__", {})
    tensors = {}
    for name, entry in header.items():
        assert entry["dtype"] == "F32", f"{name}: {entry['dtype']}"
        start, end = entry["data_offsets"]
        tensors[name] = np.frombuffer(data[start:end], dtype="<f4").reshape(entry["shape"])
    return tensors, metadata


def activate(kind, z):
    if kind == "Identity":
        return z
    if kind == "Relu":
        return np.maximum(z, 0)
    if kind == "Sigmoid":
        return 1 / (1 + np.exp(-z))
    if kind == "Tanh":
        return np.tanh(z)
    if isinstance(kind, dict) and "LeakyRelu" in kind:
        return np.where(z > 0, z, kind["LeakyRelu"]["slope"] * z)
    raise SystemExit(f"unknown activation {kind!r}")


def main(folder):
    folder = Path(folder)
    tensors, metadata = read_safetensors(folder / "model.safetensors")
    layers = json.loads(metadata["stepwise_architecture"])
    x = np.fromfile(folder / "digits.f32", dtype="<f4").reshape(-1, 784).astype(np.float64)
    expected = np.fromfile(folder / "logits.f32", dtype="<f4").reshape(x.shape[0], -1)
    # nn.Sequential numbering: a Dense layer is one module, its activation (unless Identity) the next.
    module = 0
    for layer in layers:
        dense = layer["Dense"]
        weight, bias = tensors[f"{module}.weight"], tensors[f"{module}.bias"]
        assert weight.shape == (dense["outputs"], dense["inputs"]), weight.shape
        x = activate(dense["activation"], x @ weight.T.astype(np.float64) + bias)
        module += 1 if dense["activation"] == "Identity" else 2
    worst = float(np.max(np.abs(x - expected)))
    print(f"numpy (f64) and the engine agree on {x.shape[0]} digits' logits to {worst:.2e} (largest |logit| {np.max(np.abs(expected)):.2f})")
    sys.exit(0 if worst <= TOLERANCE else 1)


if __name__ == "__main__":
    main(sys.argv[1])
