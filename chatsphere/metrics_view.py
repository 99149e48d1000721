"""`/metrics` for Prometheus: off unless CHATSPHERE_METRICS_TOKEN is set, then only for
`Authorization: Bearer <token>`. Answered ahead of host validation, like the probes, since
Prometheus scrapes each process by its internal address."""

from __future__ import annotations

import hmac

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseNotFound
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from chatsphere import metrics


def _authorized(request: HttpRequest) -> bool:
    token = settings.CHATSPHERE_METRICS_TOKEN
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode())


@never_cache
@require_GET
def metrics_view(request: HttpRequest) -> HttpResponse:
    if not settings.CHATSPHERE_METRICS_TOKEN:
        return HttpResponseNotFound("Not Found\n", content_type="text/plain")
    if not _authorized(request):
        response = HttpResponse("Unauthorized\n", status=401, content_type="text/plain")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse(generate_latest(metrics.registry()), content_type=CONTENT_TYPE_LATEST)
