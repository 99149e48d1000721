"""Local vector store: query latency at 10k and 100k chunks (768 dimensions), as a ratio to a bare
numpy matrix product + argpartition over the same vectors in the same run.

Run: .venv/bin/python benchmarks/bench_local_store.py [--sizes 10000 100000] [--queries 300]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from benchmarks._django import setup_django

DIMENSION = 768
TOP_K = 5


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values), q))


def unit_rows(rng: np.random.Generator, count: int) -> np.ndarray:
    rows = rng.standard_normal((count, DIMENSION), dtype=np.float32)
    rows /= np.linalg.norm(rows, axis=1, keepdims=True)
    return rows


def bare_numpy(matrix: np.ndarray, query: np.ndarray) -> np.ndarray:
    scores = matrix @ query
    best = np.argpartition(-scores, TOP_K - 1)[:TOP_K]
    return best[np.argsort(-scores[best])]


def run(size: int, queries: int) -> dict[str, float]:
    from chatsphere.ai.local_store import LocalStore
    from chatsphere.ai.types import VectorRecord

    rng = np.random.default_rng(size)
    vectors = unit_rows(rng, size)
    store = LocalStore()
    namespace = f"bench-{size}"
    started = time.perf_counter()
    batch = 2000
    for start in range(0, size, batch):
        store.upsert(
            namespace=namespace,
            records=[
                VectorRecord(
                    id=f"doc{i // 100}:{i % 100}",
                    values=vectors[i],
                    metadata={"document_id": f"doc{i // 100}", "chunk_index": i % 100, "text": "x" * 600},
                )
                for i in range(start, min(start + batch, size))
            ],
        )
    insert_seconds = time.perf_counter() - started
    probes = unit_rows(rng, queries)

    started = time.perf_counter()
    store.query(namespace=namespace, vector=probes[0], top_k=TOP_K)  # first search loads the matrix
    load_seconds = time.perf_counter() - started

    store_times, ids_times, numpy_times = [], [], []
    for probe in probes:
        t0 = time.perf_counter()
        matches = store.query(namespace=namespace, vector=probe, top_k=TOP_K)
        t1 = time.perf_counter()
        ids_only = store.query(namespace=namespace, vector=probe, top_k=TOP_K, include_metadata=False)
        t2 = time.perf_counter()
        expected = bare_numpy(vectors, probe)
        t3 = time.perf_counter()
        store_times.append((t1 - t0) * 1000)
        ids_times.append((t2 - t1) * 1000)
        numpy_times.append((t3 - t2) * 1000)
        assert matches[0].id == ids_only[0].id == f"doc{expected[0] // 100}:{expected[0] % 100}"
    return {
        "size": size,
        "insert_s": insert_seconds,
        "load_ms": load_seconds * 1000,
        "store_p50": percentile(store_times, 50),
        "store_p99": percentile(store_times, 99),
        "ids_p50": percentile(ids_times, 50),
        "ids_p99": percentile(ids_times, 99),
        "numpy_p50": percentile(numpy_times, 50),
        "numpy_p99": percentile(numpy_times, 99),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--queries", type=int, default=300)
    args = parser.parse_args()
    setup_django()
    print(f"Local store query latency, top_k={TOP_K}, {DIMENSION} dims, {args.queries} queries")
    print("'ids' is the search retrieval runs (chunks are then read from the database); 'meta' also")
    print("returns the stored metadata. Ratios are to bare numpy (matrix product + argpartition).")
    header = [
        "chunks",
        "insert s",
        "load ms",
        "numpy p50",
        "numpy p99",
        "ids p50",
        "ids p99",
        "ratio p50",
        "ratio p99",
        "meta p50",
        "meta p99",
        "ratio p50",
        "ratio p99",
    ]
    print(" ".join(f"{h:>9}" for h in header))
    for size in args.sizes:
        r = run(size, args.queries)
        values = [
            r["size"],
            r["insert_s"],
            r["load_ms"],
            r["numpy_p50"],
            r["numpy_p99"],
            r["ids_p50"],
            r["ids_p99"],
            r["ids_p50"] / r["numpy_p50"],
            r["ids_p99"] / r["numpy_p99"],
            r["store_p50"],
            r["store_p99"],
            r["store_p50"] / r["numpy_p50"],
            r["store_p99"] / r["numpy_p99"],
        ]
        print(" ".join(f"{v:>9.2f}" if isinstance(v, float) else f"{v:>9}" for v in values))


if __name__ == "__main__":
    main()
