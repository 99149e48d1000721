"""API overhead: `GET /api/v1/bots/` (JWT, organization resolution, throttles, cursor page of 30
bots) against a plain `JsonResponse` view that returns the same bots from one query, both served
by the same Django handler in this process. Prints requests/s, the ratio (goal >= 0.8) and the
queries per request.

    python -m benchmarks.bench_api [--requests 2000]
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any

from benchmarks._django import setup_django

BOTS = 30
BATCH = 20


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    setup_django()

    from django.db import connection
    from django.http import HttpRequest, JsonResponse
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext
    from django.urls import include, path
    from django.utils import timezone
    from rest_framework_simplejwt.tokens import RefreshToken

    from accounts.models import Membership, Organization, Role, User
    from bots.api import BotOutput
    from bots.models import Bot

    organization = Organization.objects.create(name="Bench", slug="bench")
    user = User.objects.create_user(email="bench@example.com", password="x" * 20, email_verified_at=timezone.now())
    Membership.objects.create(organization=organization, user=user, role=Role.OWNER)
    for number in range(BOTS):
        Bot.objects.create(
            organization=organization, name=f"Bot {number}", allowed_origins=["https://shop.example.com"]
        )
    token = str(RefreshToken.for_user(user).access_token)

    fields = BotOutput.Meta.fields

    def plain(request: HttpRequest) -> JsonResponse:
        """The same bots and fields, read as plain rows: what the data costs without the framework."""
        bots = Bot.objects.filter(organization=organization).annotate(**BotOutput.Meta.row_expressions)
        rows = list(bots.order_by("-created_at", "-id").values(*fields)[:BOTS])
        for row in rows:
            row["id"] = str(row["id"])
            for name in ("created_at", "updated_at", "identity_secret_rotated_at"):
                if row[name] is not None:
                    row[name] = row[name].isoformat().replace("+00:00", "Z")
        return JsonResponse({"next": None, "previous": None, "results": rows})

    urls = type("urls", (), {"urlpatterns": [path("plain/bots/", plain), path("", include("chatsphere.urls"))]})
    with override_settings(ROOT_URLCONF=urls):
        client = Client(HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_HOST="localhost")

        def seconds_per_request(url: str, count: int) -> float:
            started = time.perf_counter()
            for _ in range(count):
                response = client.get(url, secure=True)
            elapsed = time.perf_counter() - started
            assert response.status_code == 200, response.content[:300]
            return elapsed / count

        def queries(url: str) -> int:
            with CaptureQueriesContext(connection) as captured:
                client.get(url, secure=True)
            return len(captured.captured_queries)

        api_body: Any = client.get("/api/v1/bots/", secure=True).json()
        plain_body: Any = client.get("/plain/bots/", secure=True).json()
        assert api_body["results"] == plain_body["results"], "the two views must answer the same bots"
        api_times, plain_times = [], []
        for _ in range(args.rounds * args.requests // BATCH):
            # Small batches, alternated: a change in the machine's load weighs on both alike.
            api_times.append(seconds_per_request("/api/v1/bots/", BATCH))
            plain_times.append(seconds_per_request("/plain/bots/", BATCH))
        api, bare = 1 / statistics.median(api_times), 1 / statistics.median(plain_times)
        print(f"GET /api/v1/bots/ ({BOTS} bots): {api:.0f} requests/s, {queries('/api/v1/bots/')} queries")
        print(f"plain JsonResponse, same bots: {bare:.0f} requests/s, {queries('/plain/bots/')} queries")
        print(f"ratio {api / bare:.2f} (goal >= 0.8)")


if __name__ == "__main__":
    main()
