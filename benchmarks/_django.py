"""Set up Django for a benchmark on a throw-away embedded database (never the developer's own)."""

from __future__ import annotations

import os
import secrets
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django(*, database_url: str | None = None) -> Path:
    """Configure settings with a fresh SQLite file in a temporary folder, migrate, return the folder."""
    workdir = Path(tempfile.mkdtemp(prefix="chatsphere-bench-"))
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chatsphere.settings")
    os.environ["CHATSPHERE_VAR_DIR"] = str(workdir)
    os.environ["DJANGO_MEDIA_ROOT"] = str(workdir / "media")
    # A deployment on PostgreSQL must name its key and mail; a benchmark sends no mail.
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-" + secrets.token_urlsafe(48))
    os.environ.setdefault("CHATSPHERE_EMAIL", "disabled")
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ.pop("REDIS_URL", None)
    os.environ.pop("GEMINI_API_KEY", None)
    os.environ.pop("PINECONE_API_KEY", None)

    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    return workdir
