import sys

from django.contrib import admin
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template import loader
from django.urls import include, path, re_path
from django.views import defaults
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from chatsphere import health, unavailable
from chatsphere.api_urls import api_not_found

urlpatterns = [
    path("", lambda request: redirect("dashboard:home"), name="home"),
    path("app/", include("chatsphere.dashboard_urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("chatsphere.api_urls")),
    path("chat/", include("widget.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("healthz/", health.healthz, name="healthz"),
    path("readyz/", health.readyz, name="readyz"),
    # Other paths under /api/ answer JSON too, in debug mode as well; `api/schema` and `api/docs`
    # without their slash still redirect to the pages.
    re_path(r"^api/(?!(?:schema|docs)$)", api_not_found),
]


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def handler404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse({"detail": "Not found.", "code": "not_found"}, status=404)
    return defaults.page_not_found(request, exception)


def handler500(request: HttpRequest) -> HttpResponse:
    if unavailable.is_unavailable(sys.exc_info()[1]):
        return _service_unavailable(request)
    if _wants_json(request):
        return JsonResponse({"detail": "Something went wrong on our side.", "code": "server_error"}, status=500)
    return defaults.server_error(request)


def _service_unavailable(request: HttpRequest) -> HttpResponse:
    """A dependency is down: worth trying again shortly (rendered without the database)."""
    response: HttpResponse
    if _wants_json(request):
        response = JsonResponse(
            {"detail": "The service is unavailable for a moment; try again shortly.", "code": "service_unavailable"},
            status=503,
        )
    else:
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
    response["Retry-After"] = str(unavailable.RETRY_AFTER_SECONDS)
    return response


def handler400(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse({"detail": "Bad request.", "code": "bad_request"}, status=400)
    return defaults.bad_request(request, exception)
