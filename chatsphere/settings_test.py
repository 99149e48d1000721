"""Settings of the test suite (pytest.ini points pytest-django here).

The same settings as production's module (embedded default, or PostgreSQL and Redis when
DATABASE_URL and REDIS_URL are set), production-like (DEBUG off, private URLs refused), with
these test-only changes:

- a random secret key per test run (shared through the environment with the xdist workers and the
  processes the tests start), mail kept in memory (`mail.outbox`), the test client's host
  allowed, plain HTTP (no HTTPS redirect) and static files served without a collectstatic manifest.

- eager ingestion inline, even inside an ASGI request (the server ingests after the response).
- a fast password hasher: Argon2 is slow by design and fixtures create many users. Tests of
  hashing itself restore the production list (`chatsphere.settings.PASSWORD_HASHERS`).
- with Redis, every key of a test process (cache, channel layer, Celery broker) carries a prefix
  of its own run and pytest-xdist worker, and clearing the cache deletes those keys only, so
  parallel workers and other runs sharing the Redis database never see or wipe each other's data.
  Processes a test starts (a Celery worker) inherit the environment and so the same prefix.
"""

from __future__ import annotations

import os
import secrets
import uuid

os.environ.setdefault("DJANGO_SECRET_KEY", "test-" + secrets.token_urlsafe(48))
os.environ.setdefault("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")

from chatsphere.settings import *  # noqa: E402, F403
from chatsphere.settings import (  # noqa: E402
    CACHES,
    CELERY_BROKER_TRANSPORT_OPTIONS,
    CHANNEL_LAYERS,
    REDIS_URL,
    STORAGES,
)

DEBUG = False
SECURE_SSL_REDIRECT = False
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
WHITENOISE_USE_FINDERS = True

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

#: Eager ingestion finishes before the call that enqueued it returns, so tests see the outcome.
CHATSPHERE_EAGER_INGEST_AFTER_RESPONSE = False

#: One id per test run, shared by the xdist workers and by the processes the tests start.
TEST_RUN_ID = os.environ.setdefault("CHATSPHERE_TEST_RUN", uuid.uuid4().hex[:10])
#: `gw0`, `gw1`, … under pytest-xdist; `main` in a serial run.
TEST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")
#: Every Redis key of this process starts with it.
TEST_REDIS_PREFIX = f"test:{TEST_RUN_ID}:{TEST_WORKER}:"

if REDIS_URL:
    CACHES = {
        "default": {
            **CACHES["default"],
            "BACKEND": "tests.redis_cache.PrefixScopedRedisCache",
            "KEY_PREFIX": TEST_REDIS_PREFIX + "cache",
        }
    }
    CHANNEL_LAYERS = {
        "default": {
            **CHANNEL_LAYERS["default"],
            "CONFIG": {**CHANNEL_LAYERS["default"]["CONFIG"], "prefix": TEST_REDIS_PREFIX + "channels:"},
        }
    }
    CHATSPHERE_ANSWER_STREAMS_PREFIX = TEST_REDIS_PREFIX + "answers:"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        **CELERY_BROKER_TRANSPORT_OPTIONS,
        "global_keyprefix": TEST_REDIS_PREFIX + "celery:",
    }
