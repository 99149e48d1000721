"""ChatSphere settings, driven by environment variables.

With nothing set, the project runs on the embedded default: SQLite, in-memory channel
layer, local-memory cache, eager Celery, offline AI providers, and production-safe choices
(DEBUG off, a random secret key of this install kept in var/, private URLs refused). Production switches engines
with DATABASE_URL, REDIS_URL, GEMINI_API_KEY and PINECONE_API_KEY (see docs/configuration.md).
"""

from __future__ import annotations

import os
import re
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from botocore.config import Config
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("CHATSPHERE_VAR_DIR", BASE_DIR / "var"))


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, got {value!r}.") from exc


def env_float(name: str, default: float) -> float:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return float(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a number, got {value!r}.") from exc


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    value = os.environ.get(name, "")
    items = [item.strip() for item in value.split(",") if item.strip()]
    return items or list(default or [])


def env_rate(name: str, default: str, *, multiplier: bool = False) -> str | None:
    """A request rate such as `30/min` or `10/m`; empty turns the limit off (None)."""
    value = os.environ.get(name)
    if value is None:
        return default
    value = value.strip()
    if not value:
        return None
    period = r"\d*" if multiplier else ""
    if not re.fullmatch(rf"[1-9]\d*/{period}(s|sec|second|m|min|minute|h|hour|d|day)s?", value):
        example = "`10/m` or `100/5m`" if multiplier else "`30/min` or `1000/h`"
        raise ImproperlyConfigured(
            f"{name} must be a rate such as {example} (units s, min, h, day), or empty for no limit; got {value!r}."
        )
    return value


def install_secret_key(path: Path) -> str:
    """This install's own random secret key: made on first start, then read from `path` (mode 0600)."""
    try:
        key = path.read_text().strip()
    except FileNotFoundError:
        key = ""
    if key:
        return key
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(64)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        # Another process made it first: use that one.
        return path.read_text().strip()
    with os.fdopen(fd, "w") as file:
        file.write(key + "\n")
    return key


# --- core -------------------------------------------------------------------------------

DEBUG = env_bool("DJANGO_DEBUG", False)

#: A deployment on its own database is production: it must be configured, never guessed.
DATABASE_URL = env_str("DATABASE_URL")

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if DATABASE_URL:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. A deployment with DATABASE_URL needs a long random secret key, "
            "the same in every process, for example: python -c 'import secrets; print(secrets.token_urlsafe(64))'"
        )
    SECRET_KEY = install_secret_key(VAR_DIR / "secret_key")

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", [] if DATABASE_URL else ["localhost", "127.0.0.1", "[::1]"])
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "DJANGO_ALLOWED_HOSTS is not set. A deployment with DATABASE_URL needs the comma-separated host "
        "names this site is served on, e.g. DJANGO_ALLOWED_HOSTS=chat.example.com"
    )
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

#: Public base URL, used in e-mails and the widget snippet when no request is at hand.
SITE_URL = env_str("CHATSPHERE_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "channels",
    "chatsphere.ai",
    "audit",
    "accounts",
    "bots",
    "documents",
    "chat",
    "webhooks",
    "leads",
    "privacy",
    "widget",
    "demo",
]

MIDDLEWARE = [
    "chatsphere.log_context.RequestContextMiddleware",
    "chatsphere.health.ProbeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "chatsphere.api.middleware.ApiBodyLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "audit.context.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "chatsphere.urls"
WSGI_APPLICATION = "chatsphere.wsgi.application"
ASGI_APPLICATION = "chatsphere.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "chatsphere.dashboard.dashboard_context",
            ],
        },
    },
]

# --- database ---------------------------------------------------------------------------

if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL, conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60), conn_health_checks=True
        )
    }
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "chatsphere.sqlite3"),
            # Kept open between requests and socket events: opening the file and running the
            # pragmas around every database call was a sixth of an answer's CPU under load.
            "CONN_MAX_AGE": env_int("DATABASE_CONN_MAX_AGE", 60),
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": {
                # Writers queue instead of failing with "database is locked" when the ASGI server,
                # eager tasks and the admin write at once.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: cache, channel layer, Celery broker ------------------------------------------

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    from redis.asyncio.retry import Retry as AsyncRetry
    from redis.backoff import ExponentialBackoff
    from redis.retry import Retry

    # Pooled connections outlive a Redis restart: a command on one that Redis closed is retried on
    # a fresh connection instead of failing the first requests and sockets after Redis returns.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CHATSPHERE_CACHE_PREFIX", "chatsphere"),
            "OPTIONS": {"retry": Retry(ExponentialBackoff(cap=0.5, base=0.05), 2)},
        }
    }
    CHANNEL_LAYERS: dict[str, dict[str, Any]] = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                # redis-py's default 5 s socket timeout equals channels_redis's 5 s blocking pop: an
                # idle socket's receive would time out. The read timeout must be longer.
                "hosts": [
                    {
                        "address": REDIS_URL,
                        "socket_timeout": 30,
                        "retry": AsyncRetry(ExponentialBackoff(cap=0.5, base=0.05), 2),
                    }
                ],
                "prefix": env_str("CHATSPHERE_CHANNELS_PREFIX", "chatsphere"),
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "chatsphere"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CHATSPHERE_TASK_SOFT_TIME_LIMIT", 600)
CELERY_TASK_TIME_LIMIT = env_int("CHATSPHERE_TASK_TIME_LIMIT", 660)
# Redelivery of an unacknowledged task must wait longer than the longest task may run.
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, Any] = {
    "visibility_timeout": CELERY_TASK_TIME_LIMIT + env_int("CHATSPHERE_VISIBILITY_MARGIN", 300)
}
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env_int("CHATSPHERE_WORKER_MAX_MEMORY_KB", 1_500_000)
CELERY_TIMEZONE = "UTC"
#: Workers log through LOGGING (JSON, masked) instead of Celery's own handlers.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# --- auth -------------------------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/app/login/"
LOGIN_REDIRECT_URL = "/app/"
LOGOUT_REDIRECT_URL = "/app/login/"

INVITATION_TTL = timedelta(days=env_int("CHATSPHERE_INVITATION_TTL_DAYS", 7))

# --- REST API ---------------------------------------------------------------------------

REST_FRAMEWORK: dict[str, Any] = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.ApiKeyAuthentication",
        "accounts.authentication.UserJWTAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "chatsphere.api.parsers.SafeJSONParser",
        "rest_framework.parsers.MultiPartParser",
        "rest_framework.parsers.FormParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "chatsphere.api.pagination.CreatedCursorPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "chatsphere.api.schema.ChatSphereAutoSchema",
    "EXCEPTION_HANDLER": "chatsphere.api.exceptions.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    # Without a count, DRF would trust a client-sent X-Forwarded-For for throttling.
    "NUM_PROXIES": env_int("CHATSPHERE_TRUSTED_PROXY_COUNT", 0),
}

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env_int("JWT_ACCESS_MINUTES", 15)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env_int("JWT_REFRESH_DAYS", 14)),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": True,
    "AUTH_HEADER_TYPES": ("Bearer",),
    "USER_ID_FIELD": "id",
    "USER_ID_CLAIM": "user_id",
    # Tokens carry a digest of the password hash: a new password makes earlier ones fail.
    "CHECK_REVOKE_TOKEN": True,
    "REVOKE_TOKEN_CLAIM": "hash_password",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "ChatSphere API",
    "DESCRIPTION": "Manage organizations, bots, knowledge and conversations of ChatSphere chatbots.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SECURITY": [{"jwtAuth": []}, {"apiKeyAuth": []}],
    # Served from our own static files: the docs page works offline and without a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Two models have a `role` field with different choices; each enum gets its own name.
    "ENUM_NAME_OVERRIDES": {
        "MemberRoleEnum": "accounts.models.Role",
        "MessageRoleEnum": "chat.models.MessageRole",
        "ErrorCodeEnum": "chatsphere.api.schema.ERROR_CODE_CHOICES",
        "DocumentStatusEnum": "documents.models.DocumentStatus",
        "HandoffFieldEnum": "bots.models.HandoffField",
        "HandoffEmailFieldEnum": "bots.models.HANDOFF_EMAIL_CHOICES",
        "LeadStatusEnum": "leads.models.LeadStatus",
    },
}

#: Requests per period for the public auth endpoints (per client IP and per e-mail); None: no limit.
CHATSPHERE_RATE_LIMITS = {
    "auth_ip": env_rate("CHATSPHERE_RATE_AUTH_IP", "30/min"),
    "auth_email": env_rate("CHATSPHERE_RATE_AUTH_EMAIL", "10/min"),
    # Sign-ups per client IP; password-reset requests per client IP and e-mails per address.
    "signup_ip": env_rate("CHATSPHERE_RATE_SIGNUP_IP", "10/hour"),
    "password_reset_ip": env_rate("CHATSPHERE_RATE_PASSWORD_RESET_IP", "10/hour"),
    "password_reset_email": env_rate("CHATSPHERE_RATE_PASSWORD_RESET_EMAIL", "3/hour"),
    # Re-sent verification e-mails per address.
    "verification_email": env_rate("CHATSPHERE_RATE_VERIFICATION_EMAIL", "3/hour"),
}
#: Failed logins for one account before each further attempt must wait (doubling each time).
CHATSPHERE_LOGIN_FAILURES_BEFORE_DELAY = env_int("CHATSPHERE_LOGIN_FAILURES_BEFORE_DELAY", 5)
CHATSPHERE_LOGIN_MAX_DELAY_SECONDS = env_int("CHATSPHERE_LOGIN_MAX_DELAY_SECONDS", 900)
#: Number of reverse proxies in front of the app whose X-Forwarded-For entries are trusted.
CHATSPHERE_TRUSTED_PROXY_COUNT: int = REST_FRAMEWORK["NUM_PROXIES"]


# --- AI providers -----------------------------------------------------------------------

GEMINI_API_KEY = env_str("GEMINI_API_KEY")
GEMINI_BASE_URL = env_str("GEMINI_BASE_URL") or None
GEMINI_MODEL = env_str("GEMINI_MODEL", "gemini-3.5-flash")
GEMINI_MODELS = env_list("GEMINI_MODELS", [GEMINI_MODEL, "gemini-3.1-flash-lite"])
if GEMINI_MODEL not in GEMINI_MODELS:
    GEMINI_MODELS.insert(0, GEMINI_MODEL)
GEMINI_EMBEDDING_MODEL = env_str("GEMINI_EMBEDDING_MODEL", "gemini-embedding-001")
EMBEDDING_DIMENSION = env_int("CHATSPHERE_EMBEDDING_DIMENSION", 768)
PINECONE_API_KEY = env_str("PINECONE_API_KEY")
PINECONE_INDEX_HOST = env_str("PINECONE_INDEX_HOST")
PINECONE_INDEX_NAME = env_str("PINECONE_INDEX_NAME", "chatsphere")
PINECONE_CLOUD = env_str("PINECONE_CLOUD", "aws")
PINECONE_REGION = env_str("PINECONE_REGION", "us-east-1")
#: Control-plane endpoint override (tests point it at a local server).
PINECONE_CONTROLLER_HOST = env_str("PINECONE_CONTROLLER_HOST")
#: First pause (seconds) before a provider call is retried; the pause grows with each try.
CHATSPHERE_PROVIDER_RETRY_DELAY = env_float("CHATSPHERE_PROVIDER_RETRY_DELAY", 1.0)
CHATSPHERE_LLM = env_str("CHATSPHERE_LLM", "auto")
CHATSPHERE_EMBEDDINGS = env_str("CHATSPHERE_EMBEDDINGS", "auto")
CHATSPHERE_VECTORSTORE = env_str("CHATSPHERE_VECTORSTORE", "auto")
#: Memory (MB) each process may keep bots' vectors in with the local store (0: no budget).
CHATSPHERE_VECTOR_CACHE_MB = env_int("CHATSPHERE_VECTOR_CACHE_MB", 256)

# --- knowledge ingestion ---------------------------------------------------------------

CHATSPHERE_MAX_UPLOAD_MB = env_int("CHATSPHERE_MAX_UPLOAD_MB", 25)
CHATSPHERE_MAX_TEXT_CHARS = env_int("CHATSPHERE_MAX_TEXT_CHARS", 2_000_000)
# Pasted text arrives as JSON: room for the largest allowed text even when every character is
# escaped (a character outside the BMP is a surrogate pair, `\ud83d\ude00`: 12 bytes).
DATA_UPLOAD_MAX_MEMORY_SIZE = CHATSPHERE_MAX_TEXT_CHARS * 12 + 65536
#: Web pages on private, loopback or link-local addresses may be fetched (off unless set; never in production).
CHATSPHERE_ALLOW_PRIVATE_URLS = env_bool("CHATSPHERE_ALLOW_PRIVATE_URLS", False)
CHATSPHERE_FETCH_TIMEOUT = env_int("CHATSPHERE_FETCH_TIMEOUT", 20)
CHATSPHERE_EXTRACTION_TIMEOUT = env_int("CHATSPHERE_EXTRACTION_TIMEOUT", 120)
CHATSPHERE_EXTRACTION_MEMORY_MB = env_int("CHATSPHERE_EXTRACTION_MEMORY_MB", 1024)
CHATSPHERE_EXTRACTION_MAX_PAGES = env_int("CHATSPHERE_EXTRACTION_MAX_PAGES", 2000)
CHATSPHERE_CHUNK_TOKENS = env_int("CHATSPHERE_CHUNK_TOKENS", 400)
CHATSPHERE_CHUNK_OVERLAP = env_int("CHATSPHERE_CHUNK_OVERLAP", 60)
CHATSPHERE_EMBED_BATCH = env_int("CHATSPHERE_EMBED_BATCH", 64)
#: Passages one document may make (0: no limit); a larger document fails before anything is embedded.
CHATSPHERE_MAX_CHUNKS_PER_DOCUMENT = env_int("CHATSPHERE_MAX_CHUNKS_PER_DOCUMENT", 20_000)
# Knowledge quotas per organization and per bot (0: no limit); see documents/quotas.py.
CHATSPHERE_ORG_MAX_DOCUMENTS = env_int("CHATSPHERE_ORG_MAX_DOCUMENTS", 5_000)
CHATSPHERE_ORG_MAX_PAGES = env_int("CHATSPHERE_ORG_MAX_PAGES", 200_000)
CHATSPHERE_ORG_MAX_CHUNKS = env_int("CHATSPHERE_ORG_MAX_CHUNKS", 1_000_000)
CHATSPHERE_BOT_MAX_DOCUMENTS = env_int("CHATSPHERE_BOT_MAX_DOCUMENTS", 2_000)
CHATSPHERE_BOT_MAX_PAGES = env_int("CHATSPHERE_BOT_MAX_PAGES", 100_000)
CHATSPHERE_BOT_MAX_CHUNKS = env_int("CHATSPHERE_BOT_MAX_CHUNKS", 200_000)
# Website crawls (documents/crawling): defaults an owner starts from, and caps no owner can pass.
CHATSPHERE_CRAWL_DEFAULT_PAGES = env_int("CHATSPHERE_CRAWL_DEFAULT_PAGES", 50)
CHATSPHERE_CRAWL_MAX_PAGES = env_int("CHATSPHERE_CRAWL_MAX_PAGES", 500)
CHATSPHERE_CRAWL_DEFAULT_DEPTH = env_int("CHATSPHERE_CRAWL_DEFAULT_DEPTH", 2)
CHATSPHERE_CRAWL_MAX_DEPTH = env_int("CHATSPHERE_CRAWL_MAX_DEPTH", 5)
#: Pages of one site fetched at the same time, and the pause (seconds) each fetcher leaves between
#: its requests (a site's robots.txt Crawl-delay, up to 10 s, wins when larger).
CHATSPHERE_CRAWL_CONCURRENCY = env_int("CHATSPHERE_CRAWL_CONCURRENCY", 2)
CHATSPHERE_CRAWL_DELAY_SECONDS = env_float("CHATSPHERE_CRAWL_DELAY_SECONDS", 0.5)
#: How long one crawl may run before it stops (what it found by then is kept).
CHATSPHERE_CRAWL_TIME_LIMIT = env_int("CHATSPHERE_CRAWL_TIME_LIMIT", 1800)
#: How often beat looks for websites due for their scheduled re-crawl.
CHATSPHERE_CRAWL_SCHEDULE_CHECK_SECONDS = env_int("CHATSPHERE_CRAWL_SCHEDULE_CHECK_SECONDS", 300)
#: Runs of one document (crashes and lost workers included) before it is marked failed.
# Without Redis (eager tasks), ingest after the upload's response instead of inside the request.
CHATSPHERE_EAGER_INGEST_AFTER_RESPONSE = env_bool("CHATSPHERE_EAGER_INGEST_AFTER_RESPONSE", True)
CHATSPHERE_INGEST_MAX_ATTEMPTS = env_int("CHATSPHERE_INGEST_MAX_ATTEMPTS", 3)
#: A processing document whose heartbeat is older than this is taken to have lost its worker
#: when its lease cannot be read (the cache is down).
CHATSPHERE_INGEST_STALL_SECONDS = env_int("CHATSPHERE_INGEST_STALL_SECONDS", 300)
CHATSPHERE_INGEST_RETRY_BACKOFF_MAX = env_int("CHATSPHERE_INGEST_RETRY_BACKOFF_MAX", 300)
#: Documents of one organization ingested at the same time (0: no limit); see documents/org_slots.py.
CHATSPHERE_INGEST_SLOTS_PER_ORG = env_int("CHATSPHERE_INGEST_SLOTS_PER_ORG", 1)
#: About how long (seconds) a document waits before trying again for one of its organization's slots.
CHATSPHERE_INGEST_SLOT_RETRY_SECONDS = env_int("CHATSPHERE_INGEST_SLOT_RETRY_SECONDS", 10)
#: How long a run's lease lasts without renewal (a dead run is taken over after at most this).
CHATSPHERE_INGEST_LEASE_SECONDS = env_int("CHATSPHERE_INGEST_LEASE_SECONDS", 15)
CHATSPHERE_SWEEP_INTERVAL_SECONDS = env_int("CHATSPHERE_SWEEP_INTERVAL_SECONDS", 30)
# Retention: how often old conversations are looked for, and how many go per transaction.
CHATSPHERE_RETENTION_INTERVAL_SECONDS = env_int("CHATSPHERE_RETENTION_INTERVAL_SECONDS", 3600)
CHATSPHERE_RETENTION_BATCH_SIZE = env_int("CHATSPHERE_RETENTION_BATCH_SIZE", 500)
CELERY_BEAT_SCHEDULE = {
    "sweep-stalled-documents": {
        "task": "documents.tasks.sweep_stalled_documents",
        "schedule": float(CHATSPHERE_SWEEP_INTERVAL_SECONDS),
    },
    "announce-finished-conversations": {
        "task": "chat.tasks.announce_finished_conversations",
        "schedule": float(env_int("CHATSPHERE_CONVERSATION_SCAN_SECONDS", 60)),
    },
    "retry-overdue-webhook-deliveries": {
        "task": "webhooks.tasks.retry_overdue_deliveries",
        "schedule": float(CHATSPHERE_SWEEP_INTERVAL_SECONDS),
    },
    "recrawl-due-websites": {
        "task": "documents.tasks.recrawl_due_websites",
        "schedule": float(CHATSPHERE_CRAWL_SCHEDULE_CHECK_SECONDS),
    },
    "apply-retention": {
        "task": "privacy.tasks.apply_retention",
        "schedule": float(CHATSPHERE_RETENTION_INTERVAL_SECONDS),
    },
}

# --- files, static, i18n ----------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("DJANGO_STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("DJANGO_MEDIA_ROOT", str(VAR_DIR / "media")))
S3_ADDRESSING_STYLES = ("auto", "path", "virtual")


def s3_upload_storage(
    *,
    bucket: str,
    prefix: str = "chatsphere",
    endpoint_url: str = "",
    region: str = "",
    access_key_id: str = "",
    secret_access_key: str = "",
    addressing_style: str = "",
) -> dict[str, Any]:
    """Uploads in an S3-compatible bucket (AWS, MinIO, R2, …), shared by every web process and worker.

    Objects are private and never linked: `url()` carries no signature that could end up in a log.
    Without keys, boto3 finds credentials its own way (AWS_* variables, an instance role)."""
    if bool(access_key_id) != bool(secret_access_key):
        raise ImproperlyConfigured(
            "Set both CHATSPHERE_S3_ACCESS_KEY_ID and CHATSPHERE_S3_SECRET_ACCESS_KEY, or neither."
        )
    if addressing_style and addressing_style not in S3_ADDRESSING_STYLES:
        raise ImproperlyConfigured(
            f"CHATSPHERE_S3_ADDRESSING_STYLE must be one of {', '.join(S3_ADDRESSING_STYLES)}, "
            f"got {addressing_style!r}."
        )
    options: dict[str, Any] = {
        "bucket_name": bucket,
        "location": prefix.strip("/"),
        "default_acl": "private",
        "querystring_auth": False,
        # Names are unique per document already; this keeps a second upload from replacing a first.
        "file_overwrite": False,
        # An upload waits for the storage a few seconds at most, then answers 503.
        "client_config": Config(
            connect_timeout=5,
            read_timeout=30,
            retries={"mode": "standard", "max_attempts": 3},
            s3={"addressing_style": addressing_style or "auto"},
        ),
    }
    if endpoint_url:
        options["endpoint_url"] = endpoint_url
    if region:
        options["region_name"] = region
    if access_key_id:
        options["access_key"], options["secret_key"] = access_key_id, secret_access_key
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}


#: Without a bucket, uploads stay on this host's disk under MEDIA_ROOT (the embedded default).
CHATSPHERE_S3_BUCKET = env_str("CHATSPHERE_S3_BUCKET")
UPLOAD_STORAGE = (
    s3_upload_storage(
        bucket=CHATSPHERE_S3_BUCKET,
        prefix=env_str("CHATSPHERE_S3_PREFIX", "chatsphere"),
        endpoint_url=env_str("CHATSPHERE_S3_ENDPOINT_URL"),
        region=env_str("CHATSPHERE_S3_REGION"),
        access_key_id=env_str("CHATSPHERE_S3_ACCESS_KEY_ID"),
        secret_access_key=env_str("CHATSPHERE_S3_SECRET_ACCESS_KEY"),
        addressing_style=env_str("CHATSPHERE_S3_ADDRESSING_STYLE").lower(),
    )
    if CHATSPHERE_S3_BUCKET
    else {"BACKEND": "django.core.files.storage.FileSystemStorage"}
)
STORAGES = {
    "default": UPLOAD_STORAGE,
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# Invitation and password-reset e-mails carry secrets: they never go to the logs outside debug mode.
#: `disabled`: no e-mail is sent at all (invitations are shared by link, password resets are off).
CHATSPHERE_EMAIL = env_str("CHATSPHERE_EMAIL").lower()
if CHATSPHERE_EMAIL not in {"", "disabled"}:
    raise ImproperlyConfigured(f"CHATSPHERE_EMAIL must be empty or `disabled`, got {CHATSPHERE_EMAIL!r}.")
EMAIL_HOST = env_str("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("DJANGO_EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("DJANGO_EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("DJANGO_EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DJANGO_DEFAULT_FROM_EMAIL", "ChatSphere <no-reply@localhost>")
EMAIL_FILE_PATH = VAR_DIR / "mail"
if CHATSPHERE_EMAIL == "disabled":
    EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
elif env_str("DJANGO_EMAIL_BACKEND"):
    EMAIL_BACKEND = env_str("DJANGO_EMAIL_BACKEND")
elif env_str("DJANGO_EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
elif DATABASE_URL:
    raise ImproperlyConfigured(
        "E-mail is not configured. A deployment with DATABASE_URL needs DJANGO_EMAIL_HOST (with "
        "DJANGO_EMAIL_PORT, DJANGO_EMAIL_HOST_USER, DJANGO_EMAIL_HOST_PASSWORD, DJANGO_EMAIL_USE_TLS and "
        "DJANGO_DEFAULT_FROM_EMAIL as needed), or CHATSPHERE_EMAIL=disabled to send no e-mail at all."
    )
elif DEBUG:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
else:
    # The embedded default keeps its e-mails as files in var/mail/, readable by the owner only.
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH.mkdir(mode=0o700, parents=True, exist_ok=True)
if EMAIL_BACKEND == "django.core.mail.backends.console.EmailBackend" and not DEBUG:
    raise ImproperlyConfigured(
        "DJANGO_EMAIL_BACKEND is the console backend, which writes invitation and password-reset links "
        "to the logs: only allowed with DJANGO_DEBUG=1. Set DJANGO_EMAIL_HOST for SMTP, or "
        "CHATSPHERE_EMAIL=disabled."
    )

# --- security (production mode) ---------------------------------------------------------

if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    if env_bool("DJANGO_BEHIND_TLS_PROXY", True):
        # The TLS-terminating proxy tells the app the original scheme.
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # /healthz/ and /readyz/ are probed over plain HTTP inside the cluster.
    SECURE_REDIRECT_EXEMPT = [r"^healthz/$", r"^readyz/$", r"^metrics$"]
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"

#: `json`: one JSON object per record, with request, organization and bot ids (log collectors);
#: `plain`: one line of text. Secrets and visitors' questions are masked in both.
DJANGO_LOG_FORMAT = env_str("DJANGO_LOG_FORMAT", "json" if DATABASE_URL else "plain").lower()
if DJANGO_LOG_FORMAT not in ("json", "plain"):
    raise ImproperlyConfigured(f"DJANGO_LOG_FORMAT must be json or plain, not {DJANGO_LOG_FORMAT!r}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "context": {"()": "chatsphere.log_context.ContextFilter"},
        "redact": {"()": "chatsphere.log_redaction.RedactFilter"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s %(organization_id)s %(bot_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": DJANGO_LOG_FORMAT,
            "filters": ["context", "redact"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        # At DEBUG they print every request to the file storage with its signed headers.
        **{name: {"level": "WARNING"} for name in ("boto3", "botocore", "s3transfer")},
    },
}

#: Error reports to Sentry (docs/deploy.md, "Error reports"); unset, nothing is sent.
SENTRY_DSN = env_str("SENTRY_DSN")
if SENTRY_DSN:
    from chatsphere.error_reporting import sentry_init

    sentry_init(
        dsn=SENTRY_DSN,
        environment=env_str("SENTRY_ENVIRONMENT"),
        release=env_str("SENTRY_RELEASE"),
        traces_sample_rate=env_float("SENTRY_TRACES_SAMPLE_RATE", 0.0),
    )

#: The bearer token Prometheus sends to `/metrics`; unset, the endpoint answers 404 (docs/deploy.md, "Monitoring").
CHATSPHERE_METRICS_TOKEN = env_str("CHATSPHERE_METRICS_TOKEN")

# --- chat
#: Visitor and playground questions an organization may ask per calendar month (UTC); 0 = unlimited.
CHATSPHERE_MONTHLY_MESSAGE_QUOTA = env_int("CHATSPHERE_MONTHLY_MESSAGE_QUOTA", 0)
CHATSPHERE_CHAT_MAX_MESSAGE_CHARS = env_int("CHATSPHERE_CHAT_MAX_MESSAGE_CHARS", 4000)
#: Seconds an open socket trusts its last access check before asking the database again (the
#: services that withdraw access also tell open sockets at once; this bounds a lost notice).
CHATSPHERE_SOCKET_ACCESS_RECHECK_SECONDS = 2.0
#: Earlier turns of a conversation sent with each question, newest first, up to this many tokens.
CHATSPHERE_CHAT_HISTORY_TOKENS = env_int("CHATSPHERE_CHAT_HISTORY_TOKENS", 1500)
#: The dense (vector) side's share, 0-1, of hybrid retrieval's fused score; unset: 0.1 with the
#: offline embedder, 0.5 with Gemini (docs/knowledge.md, "Hybrid retrieval").
CHATSPHERE_HYBRID_DENSE_WEIGHT = (
    min(1.0, max(0.0, env_float("CHATSPHERE_HYBRID_DENSE_WEIGHT", 0.0)))
    if env_str("CHATSPHERE_HYBRID_DENSE_WEIGHT")
    else None
)
CHATSPHERE_CHAT_LLM_TIMEOUT = env_float("CHATSPHERE_CHAT_LLM_TIMEOUT", 60.0)
#: Seconds a stopping web process gives answers and HTTP streams in progress before it cuts them
#: short (chatsphere.serve); keep it below the process manager's stop timeout.
CHATSPHERE_SHUTDOWN_GRACE_SECONDS = env_float("CHATSPHERE_SHUTDOWN_GRACE_SECONDS", 25.0)
#: Seconds the events of an answer are kept after its last one, so that a client whose socket
#: dropped can reconnect and receive the rest (docs/chat.md, "Resuming an answer").
CHATSPHERE_ANSWER_RESUME_SECONDS = env_int("CHATSPHERE_ANSWER_RESUME_SECONDS", 120)
#: Start of the Redis keys holding those events (with REDIS_URL set).
CHATSPHERE_ANSWER_STREAMS_PREFIX = env_str("CHATSPHERE_ANSWER_STREAMS_PREFIX", "chatsphere:answer:")
#: Tries of one answer when the model fails before its first token (never after).
CHATSPHERE_CHAT_LLM_ATTEMPTS = env_int("CHATSPHERE_CHAT_LLM_ATTEMPTS", 2)
#: Requests per period (`N/s`, `N/m`, `N/h`): questions per widget visitor and per client IP over
#: the widget socket, per API key or user on the chat API and the playground.
CHATSPHERE_CHAT_RATE_LIMITS = {
    "visitor": env_rate("CHATSPHERE_RATE_CHAT_VISITOR", "10/m", multiplier=True),
    "ip": env_rate("CHATSPHERE_RATE_CHAT_IP", "60/m", multiplier=True),
    "api": env_rate("CHATSPHERE_RATE_CHAT_API", "120/m", multiplier=True),
}
#: Contact forms (leads) a widget visitor, and a client IP, may send per period (docs/leads.md).
CHATSPHERE_LEAD_RATE_LIMITS = {
    "visitor": env_rate("CHATSPHERE_RATE_LEAD_VISITOR", "3/10m", multiplier=True),
    "ip": env_rate("CHATSPHERE_RATE_LEAD_IP", "20/h", multiplier=True),
}
#: How long a widget visitor keeps its identity (and can resume its conversations).
CHATSPHERE_VISITOR_TOKEN_MAX_AGE_DAYS = env_int("CHATSPHERE_VISITOR_TOKEN_MAX_AGE_DAYS", 90)

# --- webhooks
#: Minutes without a new message after which a conversation counts as finished (`conversation.finished`).
CHATSPHERE_CONVERSATION_IDLE_MINUTES = env_int("CHATSPHERE_CONVERSATION_IDLE_MINUTES", 30)
#: Seconds one webhook request may take (connect, send, answer) before the attempt counts as failed.
CHATSPHERE_WEBHOOK_TIMEOUT = env_float("CHATSPHERE_WEBHOOK_TIMEOUT", 10.0)
#: Attempts of one delivery (the first and its retries).
CHATSPHERE_WEBHOOK_MAX_ATTEMPTS = env_int("CHATSPHERE_WEBHOOK_MAX_ATTEMPTS", 6)
#: Pause before the first retry, in seconds; each further pause is four times longer, up to the maximum.
CHATSPHERE_WEBHOOK_RETRY_BASE_SECONDS = env_float("CHATSPHERE_WEBHOOK_RETRY_BASE_SECONDS", 30.0)
CHATSPHERE_WEBHOOK_RETRY_MAX_SECONDS = env_float("CHATSPHERE_WEBHOOK_RETRY_MAX_SECONDS", 6 * 3600.0)
#: Deliveries in a row that fail (every retry spent) before the endpoint is switched off; 0: never.
CHATSPHERE_WEBHOOK_DISABLE_AFTER_FAILURES = env_int("CHATSPHERE_WEBHOOK_DISABLE_AFTER_FAILURES", 5)
