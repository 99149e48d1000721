"""Where uploads are stored is chosen by the environment, as a server starts: the local disk by
default, an S3-compatible bucket with `CHATSPHERE_S3_BUCKET` (private, unsigned URLs, the
deployment's prefix); a half-given configuration stops the start naming the variables."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent

PRINT_STORAGE = """
import json, chatsphere.settings as s
storage = dict(s.STORAGES["default"])
options = dict(storage.get("OPTIONS", {}))
config = options.pop("client_config", None)
if config is not None:
    options["client_config"] = {"s3": config.s3, "retries": config.retries, "connect_timeout": config.connect_timeout}
print(json.dumps({"backend": storage["BACKEND"], "options": options, "media_root": str(s.MEDIA_ROOT)}))
"""


def start_settings(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CHATSPHERE_", "DATABASE_URL"))}
    clean.update(CHATSPHERE_VAR_DIR=str(tmp_path), PYTHONDONTWRITEBYTECODE="1", **env)
    return subprocess.run(  # noqa: S603 - fixed interpreter and code
        [sys.executable, "-c", PRINT_STORAGE], cwd=REPO_ROOT, env=clean, capture_output=True, text=True, timeout=60
    )


def upload_storage(tmp_path: Path, **env: str) -> dict:
    result = start_settings(tmp_path, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_uploads_stay_on_the_local_disk_by_default(tmp_path):
    assert upload_storage(tmp_path, DJANGO_MEDIA_ROOT=str(tmp_path / "uploads")) == {
        "backend": "django.core.files.storage.FileSystemStorage",
        "options": {},
        "media_root": str(tmp_path / "uploads"),
    }


def test_a_bucket_keeps_uploads_private_under_the_deployment_prefix(tmp_path):
    storage = upload_storage(
        tmp_path,
        CHATSPHERE_S3_BUCKET="acme-uploads",
        CHATSPHERE_S3_PREFIX="/production/",
        CHATSPHERE_S3_ENDPOINT_URL="http://minio:9000",
        CHATSPHERE_S3_REGION="eu-west-1",
        CHATSPHERE_S3_ACCESS_KEY_ID="chatsphere",
        CHATSPHERE_S3_SECRET_ACCESS_KEY="minio-secret",
        CHATSPHERE_S3_ADDRESSING_STYLE="Path",
    )
    assert storage["backend"] == "storages.backends.s3.S3Storage"
    assert storage["options"] == {
        "bucket_name": "acme-uploads",
        "location": "production",
        "endpoint_url": "http://minio:9000",
        "region_name": "eu-west-1",
        "access_key": "chatsphere",
        "secret_key": "minio-secret",
        "default_acl": "private",
        "querystring_auth": False,
        "file_overwrite": False,
        "client_config": {
            "s3": {"addressing_style": "path"},
            "retries": {"mode": "standard", "max_attempts": 3},
            "connect_timeout": 5,
        },
    }


def test_without_keys_boto3_finds_the_credentials_itself(tmp_path):
    options = upload_storage(tmp_path, CHATSPHERE_S3_BUCKET="acme-uploads")["options"]
    assert "access_key" not in options and "secret_key" not in options and "endpoint_url" not in options
    assert options["location"] == "chatsphere"
    assert options["client_config"]["s3"] == {"addressing_style": "auto"}


def test_one_key_without_the_other_stops_the_start_naming_both(tmp_path):
    result = start_settings(tmp_path, CHATSPHERE_S3_BUCKET="acme-uploads", CHATSPHERE_S3_ACCESS_KEY_ID="chatsphere")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "CHATSPHERE_S3_ACCESS_KEY_ID and CHATSPHERE_S3_SECRET_ACCESS_KEY" in result.stderr


def test_an_unknown_addressing_style_stops_the_start_naming_the_variable(tmp_path):
    result = start_settings(tmp_path, CHATSPHERE_S3_BUCKET="acme-uploads", CHATSPHERE_S3_ADDRESSING_STYLE="dns")
    assert result.returncode != 0
    assert "CHATSPHERE_S3_ADDRESSING_STYLE must be one of auto, path, virtual, got 'dns'" in result.stderr


def test_a_deployment_with_a_bucket_passes_the_deploy_check():
    from tests.test_settings_and_health import manage, production_env

    result = manage("check", "--deploy", env=production_env(CHATSPHERE_S3_BUCKET="acme-uploads"))
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output, output
