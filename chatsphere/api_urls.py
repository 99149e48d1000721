"""Routes of the REST API, mounted at /api/v1/."""

from django.http import HttpRequest, JsonResponse
from django.urls import include, path, re_path
from django.views.decorators.csrf import csrf_exempt

from accounts import api as accounts_api
from bots import api as bots_api
from documents import api as documents_api

urlpatterns = [
    path("auth/register/", accounts_api.RegisterApi.as_view(), name="auth-register"),
    path("auth/token/", accounts_api.TokenObtainApi.as_view(), name="auth-token"),
    path("auth/token/refresh/", accounts_api.TokenRefreshApi.as_view(), name="auth-token-refresh"),
    path("auth/logout/", accounts_api.LogoutApi.as_view(), name="auth-logout"),
    path("auth/logout-all/", accounts_api.LogoutAllApi.as_view(), name="auth-logout-all"),
    path("me/", accounts_api.MeApi.as_view(), name="me"),
    path("organizations/", accounts_api.OrganizationListApi.as_view(), name="organization-list"),
    path(
        "organizations/<uuid:organization_id>/",
        accounts_api.OrganizationDetailApi.as_view(),
        name="organization-detail",
    ),
    path(
        "organizations/<uuid:organization_id>/members/",
        accounts_api.MemberListApi.as_view(),
        name="member-list",
    ),
    path(
        "organizations/<uuid:organization_id>/members/<uuid:membership_id>/",
        accounts_api.MemberDetailApi.as_view(),
        name="member-detail",
    ),
    path(
        "organizations/<uuid:organization_id>/invitations/",
        accounts_api.InvitationListApi.as_view(),
        name="invitation-list",
    ),
    path(
        "organizations/<uuid:organization_id>/invitations/<uuid:invitation_id>/",
        accounts_api.InvitationDetailApi.as_view(),
        name="invitation-detail",
    ),
    path("invitations/accept/", accounts_api.InvitationAcceptApi.as_view(), name="invitation-accept"),
    path(
        "organizations/<uuid:organization_id>/api-keys/",
        accounts_api.ApiKeyListApi.as_view(),
        name="api-key-list",
    ),
    path(
        "organizations/<uuid:organization_id>/api-keys/<uuid:api_key_id>/",
        accounts_api.ApiKeyDetailApi.as_view(),
        name="api-key-detail",
    ),
    path("bots/", bots_api.BotListApi.as_view(), name="bot-list"),
    path("bots/<uuid:bot_id>/", bots_api.BotDetailApi.as_view(), name="bot-detail"),
    path("bots/<uuid:bot_id>/rotate-key/", bots_api.BotRotateKeyApi.as_view(), name="bot-rotate-key"),
    path("bots/<uuid:bot_id>/documents/", documents_api.BotDocumentListApi.as_view(), name="bot-document-list"),
    path("documents/<uuid:document_id>/", documents_api.DocumentDetailApi.as_view(), name="document-detail"),
    path(
        "documents/<uuid:document_id>/reingest/",
        documents_api.DocumentReingestApi.as_view(),
        name="document-reingest",
    ),
    path("", include("chat.api_urls")),
]


@csrf_exempt
def api_not_found(request: HttpRequest) -> JsonResponse:
    """Any method on an unknown path: no route means nothing to protect from cross-site writes."""
    return JsonResponse({"detail": "Not found.", "code": "not_found"}, status=404)


# Unknown API paths answer JSON, in debug mode too.
urlpatterns.append(re_path(r"^.*$", api_not_found))
