"""The practical roof for the CPU matmul figures: numpy (OpenBLAS) on one thread, natively, on
the same machine. Prints JSON {n: milliseconds per n x n float32 product}. Run by
bench/engine-vs-tfjs.mjs with OPENBLAS_NUM_THREADS=1 (and friends) in the environment."""
import json
import sys
import time

import numpy as np

times = {}
for n in [int(arg) for arg in sys.argv[1:]]:
    rng = np.random.default_rng(7)
    a = rng.uniform(-1, 1, (n, n)).astype(np.float32)
    b = rng.uniform(-1, 1, (n, n)).astype(np.float32)
    a @ b  # warm-up
    repetitions, start = 0, time.perf_counter()
    while True:
        a @ b
        repetitions += 1
        if time.perf_counter() - start >= 0.3:
            break
    times[n] = (time.perf_counter() - start) * 1000 / repetitions
print(json.dumps(times))
