"""`/metrics`: off by default, only for the bearer token, ahead of host checks, never cached; in
multiprocess mode one process reports the counters of all of the host's processes."""

from __future__ import annotations

import os
import subprocess
import sys
from http import HTTPStatus
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from documents.models import DocumentStatus
from documents.tests.factories import DocumentFactory
from tests.metrics_scrape import TOKEN, scrape, value

REPO_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def metrics_on(settings):
    settings.CHATSPHERE_METRICS_TOKEN = TOKEN


def test_metrics_are_off_without_a_token(settings):
    settings.CHATSPHERE_METRICS_TOKEN = ""
    response = Client().get("/metrics", HTTP_AUTHORIZATION="Bearer ")
    assert response.status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize("authorization", [None, f"Bearer {TOKEN}x", f"Basic {TOKEN}", TOKEN, "Bearer"])
def test_metrics_refuse_a_missing_or_wrong_token(metrics_on, authorization):
    extra = {"HTTP_AUTHORIZATION": authorization} if authorization is not None else {}
    response = Client().get("/metrics", **extra)
    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert b"chatsphere_" not in response.content


@pytest.mark.django_db
def test_metrics_answer_on_the_internal_address_and_are_never_cached(metrics_on, settings):
    settings.ALLOWED_HOSTS = ["chat.example.com"]
    response = Client().get("/metrics", HTTP_HOST="10.0.3.7:8000", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("text/plain; version=")
    assert "no-cache" in response["Cache-Control"] and "max-age=0" in response["Cache-Control"]
    assert b"# TYPE chatsphere_answers_total counter" in response.content
    assert Client().post("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == (
        HTTPStatus.METHOD_NOT_ALLOWED
    )


@pytest.mark.django_db
def test_documents_by_status_and_the_oldest_pending_come_from_the_database(metrics_on):
    DocumentFactory.create_batch(2, status=DocumentStatus.READY)
    waiting = DocumentFactory(status=DocumentStatus.PENDING)
    DocumentFactory(status=DocumentStatus.FAILED)
    type(waiting).objects.filter(id=waiting.id).update(updated_at=timezone.now() - timezone.timedelta(minutes=7))

    samples = scrape()

    assert value(samples, "chatsphere_documents", status="ready") == 2
    assert value(samples, "chatsphere_documents", status="pending") == 1
    assert value(samples, "chatsphere_documents", status="failed") == 1
    assert value(samples, "chatsphere_documents", status="processing") == 0
    assert 7 * 60 <= value(samples, "chatsphere_oldest_pending_document_age_seconds") < 8 * 60


def _run(code: str, env: dict[str, str]) -> str:
    result = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code], cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_multiprocess_mode_adds_up_the_processes_of_a_host(tmp_path):
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    answer = (
        "from chatsphere import metrics; "
        "metrics.answer_finished(outcome='answered', first_token_ms=400, latency_ms=1500, output_tokens=50); "
        "metrics.socket_opened('widget')"
    )
    # Two web processes answered; the first has exited (its socket with it), the second still runs.
    _run(answer, env)
    held_open = subprocess.Popen(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", answer + "; print('ready', flush=True); import sys; sys.stdin.read()"],
        cwd=REPO_ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert held_open.stdout is not None and held_open.stdout.readline().strip() == "ready"
        exposition = _run(
            "from prometheus_client import generate_latest; from chatsphere import metrics; "
            "print(generate_latest(metrics.registry()).decode())",
            env,
        )
    finally:
        held_open.communicate("", timeout=30)

    assert 'chatsphere_answers_total{outcome="answered"} 2.0' in exposition
    assert "chatsphere_answer_first_token_seconds_count 2.0" in exposition
    assert "chatsphere_answer_output_tokens_total 100.0" in exposition
    assert 'chatsphere_open_sockets{kind="widget"} 1.0' in exposition


@pytest.mark.services
@pytest.mark.django_db
def test_the_queue_length_is_read_from_redis(metrics_on):
    from chatsphere.celery import app

    before = value(scrape(), "chatsphere_queue_length", queue="celery")
    with app.connection_for_write() as connection:
        producer = app.amqp.Producer(connection)
        for _ in range(3):
            producer.publish({"waiting": True}, routing_key="celery", exchange="", declare=[app.amqp.queues["celery"]])
    try:
        assert value(scrape(), "chatsphere_queue_length", queue="celery") == before + 3
    finally:
        with app.connection_for_write() as connection:
            connection.default_channel.queue_purge("celery")


def test_metrics_still_answer_when_the_database_does_not(tmp_path):
    # A fresh var directory: an SQLite file without any table, as broken as a database can be.
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "CHATSPHERE_"))}
    env = {key: value for key, value in env.items() if key not in ("DATABASE_URL", "REDIS_URL")}
    env.update(
        CHATSPHERE_VAR_DIR=str(tmp_path), CHATSPHERE_METRICS_TOKEN=TOKEN, DJANGO_SETTINGS_MODULE="chatsphere.settings"
    )
    code = (
        "from django.test import Client; "
        f"response = Client().get('/metrics', HTTP_AUTHORIZATION='Bearer {TOKEN}'); "
        "print(response.status_code); print(response.content.decode())"
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    exposition = "\n".join(lines[lines.index("200") + 1 :])
    assert "# TYPE chatsphere_answers_total counter" in exposition
    assert "chatsphere_documents{" not in exposition
    assert "documents by status could not be read" in result.stderr


def test_an_empty_multiprocess_directory_setting_writes_nothing_into_the_working_directory(tmp_path):
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": "", "PYTHONPATH": str(REPO_ROOT)}
    code = "from chatsphere import metrics; metrics.answer_finished(outcome='answered', first_token_ms=5, latency_ms=9)"
    result = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
    )

    assert result.returncode == 0, result.stderr
    assert list(tmp_path.iterdir()) == []
