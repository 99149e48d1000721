"""Dense searches of the questions being answered at the same time, run together.

With the local store, a question's dense search is one pass over its bot's whole matrix; a
crowd asking at once made as many passes. Here each question's search waits in a queue while
the batch before it runs, then the queue runs as one matrix product per namespace
(`BatchVectorStore.query_many`). A lone question runs at once, so nothing waits for company.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from channels.db import database_sync_to_async

from chatsphere.ai.providers import get_vector_store
from chatsphere.ai.types import BatchVectorStore, VectorMatch


@dataclass(slots=True)
class _Ask:
    namespace: str
    vector: np.ndarray
    top_k: int
    future: asyncio.Future[list[VectorMatch]]


def _run(asks: Sequence[tuple[str, np.ndarray, int]]) -> list[list[VectorMatch] | BaseException]:
    """Each ask's matches, or the error its namespace raised (other namespaces still answer)."""
    store = get_vector_store()
    results: list[list[VectorMatch] | BaseException] = [[] for _ in asks]
    groups: dict[tuple[str, int], list[int]] = {}
    for position, (namespace, _, top_k) in enumerate(asks):
        groups.setdefault((namespace, top_k), []).append(position)
    for (namespace, top_k), positions in groups.items():
        try:
            if isinstance(store, BatchVectorStore):
                found = store.query_many(
                    namespace=namespace,
                    vectors=[asks[p][1] for p in positions],
                    top_k=top_k,
                    include_metadata=False,
                )
            else:
                found = [
                    store.query(namespace=namespace, vector=asks[p][1], top_k=top_k, include_metadata=False)
                    for p in positions
                ]
        except Exception as error:  # handed to each waiting question, which raises it
            for position in positions:
                results[position] = error
            continue
        for position, matches in zip(positions, found, strict=True):
            results[position] = matches
    return results


class DenseBatcher:
    """One per event loop (`dense_batcher()`); at most one batch runs at a time."""

    def __init__(self) -> None:
        self._pending: list[_Ask] = []
        self._drain: asyncio.Task[None] | None = None

    async def query(self, *, namespace: str, vector: np.ndarray, top_k: int) -> list[VectorMatch]:
        loop = asyncio.get_running_loop()
        ask = _Ask(namespace, vector, top_k, loop.create_future())
        self._pending.append(ask)
        if self._drain is None or self._drain.done():
            self._drain = loop.create_task(self._run_pending())
        return await ask.future

    async def _run_pending(self) -> None:
        while self._pending:
            batch, self._pending = self._pending, []
            batch = [ask for ask in batch if not ask.future.done()]  # visitors who left
            if not batch:
                continue
            try:
                results = await database_sync_to_async(_run, thread_sensitive=False)(
                    [(ask.namespace, ask.vector, ask.top_k) for ask in batch]
                )
            except Exception as error:
                for ask in batch:
                    if not ask.future.done():
                        ask.future.set_exception(error)
                continue
            for ask, result in zip(batch, results, strict=True):
                if ask.future.done():
                    continue
                if isinstance(result, BaseException):
                    ask.future.set_exception(result)
                else:
                    ask.future.set_result(result)


_batchers: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, DenseBatcher] = weakref.WeakKeyDictionary()


def dense_batcher() -> DenseBatcher:
    """The running event loop's batcher (the chat API's JSON answers run on loops of their own)."""
    loop = asyncio.get_running_loop()
    batcher = _batchers.get(loop)
    if batcher is None:
        batcher = _batchers[loop] = DenseBatcher()
    return batcher
