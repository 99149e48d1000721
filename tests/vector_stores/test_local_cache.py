"""The local store keeps bots' matrices in memory within a byte budget: loading more bots than
fit evicts the least recently searched, and every search still answers as before."""

from __future__ import annotations

import pytest

from chatsphere.ai.local_store import LocalStore
from chatsphere.ai.providers import get_vector_store, reset_providers
from tests.vector_stores.test_contract import record, unit

pytestmark = pytest.mark.django_db

BOTS = ["bot-a", "bot-b", "bot-c"]


def fill(store: LocalStore) -> None:
    for number, namespace in enumerate(BOTS):
        store.upsert(namespace=namespace, records=[record(f"d{number}", i, 100 * number + i) for i in range(200)])


def best(store: LocalStore, namespace: str, seed: int) -> list[str]:
    return [match.id for match in store.query(namespace=namespace, vector=unit(seed), top_k=3)]


def one_matrix_bytes() -> int:
    probe = LocalStore()
    probe.upsert(namespace="probe", records=[record("d0", i, i) for i in range(200)])
    probe.query(namespace="probe", vector=unit(1), top_k=1)
    return probe.cached_bytes()


def test_loading_more_bots_than_fit_evicts_the_least_recently_searched():
    size = one_matrix_bytes()
    store = LocalStore(cache_bytes=int(size * 2.5))  # room for two bots' matrices, not three
    fill(store)
    unlimited = LocalStore()
    expected = {namespace: best(unlimited, namespace, 100 * n + 7) for n, namespace in enumerate(BOTS)}

    assert best(store, "bot-a", 7) == expected["bot-a"]
    assert best(store, "bot-b", 107) == expected["bot-b"]
    assert best(store, "bot-a", 7) == expected["bot-a"]  # bot-a is now the most recently searched
    assert best(store, "bot-c", 207) == expected["bot-c"]

    assert store.cached_namespaces() == ["bot-a", "bot-c"]
    assert store.cached_bytes() <= size * 2.5
    # The evicted bot is read again and answers exactly as before; now bot-a is the oldest.
    assert best(store, "bot-b", 107) == expected["bot-b"]
    assert store.cached_namespaces() == ["bot-c", "bot-b"]
    assert expected["bot-b"][0] == "d1:7"  # each probe is a stored vector of its own bot


def test_a_bot_larger_than_the_budget_is_still_searched():
    store = LocalStore(cache_bytes=1024)
    fill(store)
    assert best(store, "bot-a", 7)[0] == "d0:7"
    assert best(store, "bot-c", 207)[0] == "d2:7"
    assert store.cached_namespaces() == ["bot-c"]


def test_without_a_budget_every_bot_stays():
    store = LocalStore()
    fill(store)
    for number, namespace in enumerate(BOTS):
        assert best(store, namespace, 100 * number + 1)[0] == f"d{number}:1"
    assert store.cached_namespaces() == BOTS


def test_the_budget_comes_from_the_setting(settings):
    settings.CHATSPHERE_VECTORSTORE = "local"
    settings.CHATSPHERE_VECTOR_CACHE_MB = 0
    reset_providers()
    try:
        size = one_matrix_bytes()
        settings.CHATSPHERE_VECTOR_CACHE_MB = 1
        store = get_vector_store()
        assert isinstance(store, LocalStore)
        # 1 MB holds a few of these matrices, never all of the bots loaded below.
        namespaces = [f"bot-{n}" for n in range(1024 * 1024 // size + 3)]
        for n, namespace in enumerate(namespaces):
            store.upsert(namespace=namespace, records=[record(f"d{n}", i, 1000 * n + i) for i in range(200)])
            assert best(store, namespace, 1000 * n + 5)[0] == f"d{n}:5"
        assert store.cached_bytes() <= 1024 * 1024
        assert store.cached_namespaces()[-1] == namespaces[-1]
        assert namespaces[0] not in store.cached_namespaces()
    finally:
        reset_providers()
