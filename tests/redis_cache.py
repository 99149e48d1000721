"""Redis helpers of the test settings (`chatsphere.settings_test`)."""

from __future__ import annotations

from typing import Any

from django.core.cache.backends.redis import RedisCache


def delete_keys(client: Any, pattern: str) -> int:
    """Delete the keys matching a glob `pattern`, in batches; how many were deleted."""
    deleted, batch = 0, []
    for key in client.scan_iter(match=pattern, count=1000):
        batch.append(key)
        if len(batch) >= 1000:
            deleted += client.delete(*batch)
            batch = []
    if batch:
        deleted += client.delete(*batch)
    return deleted


class PrefixScopedRedisCache(RedisCache):
    """Django's Redis cache whose `clear()` deletes this cache's own keys (those under its
    KEY_PREFIX) instead of flushing the whole Redis database that other processes share."""

    def clear(self) -> bool:
        client = self._cache.get_client(None, write=True)
        delete_keys(client, f"{self.key_prefix}:*")
        return True
