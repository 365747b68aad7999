"""PyTorch peer of bench/losses/run.ts: a server on stdin/stdout, one JSON command per line.

Run by the benchmark as a subprocess of Debian's /usr/bin/python3 (python3-torch), once as is and once with
MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=1099511627776 (glibc keeps freed blocks, so the autograd
buffers of one step are reused by the next instead of being fresh pages). Commands:
  {"op": "load", "logits": path, "labels": path, "targets": path, "n": N, "c": C}
  {"op": "time", "fn": "ce" | "bce", "grad": bool, "threads": 1 | 2}   -> {"ms": ...}
  {"op": "check", "fn": ..., "grad": bool, "out": path}                -> {"loss": ...} (gradient to out)
"""
import json
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

state = {}


def step(fn, grad):
    x = state["x"]
    if grad:
        # the gradient buffer is kept: backward accumulates into the zeroed x.grad of the previous step
        if x.grad is not None:
            x.grad.zero_()
        loss = (
            F.cross_entropy(x, state["t"])
            if fn == "ce"
            else F.binary_cross_entropy_with_logits(x, state["y"])
        )
        loss.backward()
        return loss
    with torch.no_grad():
        return (
            F.cross_entropy(x, state["t"])
            if fn == "ce"
            else F.binary_cross_entropy_with_logits(x, state["y"])
        )


for line in sys.stdin:
    cmd = json.loads(line)
    op = cmd["op"]
    if op == "load":
        n, c = cmd["n"], cmd["c"]
        x = torch.from_numpy(np.fromfile(cmd["logits"], dtype=np.float32).reshape(n, c))
        state["x"] = x.clone().requires_grad_(True)
        state["t"] = torch.from_numpy(np.fromfile(cmd["labels"], dtype=np.int32).astype(np.int64))
        state["y"] = torch.from_numpy(np.fromfile(cmd["targets"], dtype=np.float32).reshape(n, c))
        state["x"].grad = None
        out = {"ok": True}
    elif op == "time":
        torch.set_num_threads(cmd["threads"])
        a = time.perf_counter()
        loss = step(cmd["fn"], cmd["grad"])
        float(loss)
        out = {"ms": (time.perf_counter() - a) * 1e3}
    elif op == "check":
        torch.set_num_threads(1)
        state["x"].grad = None
        loss = step(cmd["fn"], cmd["grad"])
        if cmd["grad"]:
            state["x"].grad.numpy().astype(np.float32).tofile(cmd["out"])
        out = {"loss": float(loss)}
    elif op == "version":
        out = {"torch": torch.__version__, "numpy": np.__version__, "python": sys.version.split()[0]}
    else:
        out = {"error": op}
    sys.stdout.write(json.dumps(out) + "\n")
    sys.stdout.flush()
