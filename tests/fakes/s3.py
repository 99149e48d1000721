"""A local S3-compatible server for the upload storage: moto's server mode on 127.0.0.1, driven
through boto3 like a deployment's bucket. `stop()` and `start()` take it down and bring it back
on the same port with the same objects (moto keeps them in this process)."""

from __future__ import annotations

import socket
import uuid
from typing import Any, Self

import boto3
from moto.server import ThreadedMotoServer

REGION = "us-east-1"
#: Any keys work with moto; the secret is distinctive so tests can look for it in logs.
ACCESS_KEY_ID = "chatsphere-test-key"
SECRET_ACCESS_KEY = "chatsphere-test-secret-never-logged"  # noqa: S105 - moto's, not a real one


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class FakeS3:
    def __init__(self) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._server: ThreadedMotoServer | None = None

    def start(self) -> None:
        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=self.port, verbose=False)
        self._server.start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def client(self) -> Any:
        return boto3.client(
            "s3",
            endpoint_url=self.url,
            region_name=REGION,
            aws_access_key_id=ACCESS_KEY_ID,
            aws_secret_access_key=SECRET_ACCESS_KEY,
        )

    def create_bucket(self) -> str:
        name = f"uploads-{uuid.uuid4().hex[:12]}"
        self.client().create_bucket(Bucket=name)
        return name

    def keys(self, bucket: str) -> list[str]:
        listing = self.client().list_objects_v2(Bucket=bucket)
        return sorted(item["Key"] for item in listing.get("Contents", []))

    def body(self, bucket: str, key: str) -> bytes:
        return bytes(self.client().get_object(Bucket=bucket, Key=key)["Body"].read())

    def public_grants(self, bucket: str, key: str) -> list[dict[str, Any]]:
        """Grants of the object to everyone or to any AWS account (none for a private object)."""
        grants = self.client().get_object_acl(Bucket=bucket, Key=key)["Grants"]
        return [grant for grant in grants if grant["Grantee"].get("Type") == "Group"]
