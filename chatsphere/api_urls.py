"""Routes of the REST API, mounted at /api/v1/."""

from django.http import HttpRequest, JsonResponse
from django.urls import include, path, re_path
from django.views.decorators.csrf import csrf_exempt

from accounts import api as accounts_api
from audit import api as audit_api
from bots import api as bots_api
from documents import api as documents_api
from documents import website_api
from leads import api as leads_api
from privacy import api as privacy_api
from webhooks import api as webhooks_api

urlpatterns = [
    path("auth/register/", accounts_api.RegisterApi.as_view(), name="auth-register"),
    path("auth/verify-email/", accounts_api.VerifyEmailApi.as_view(), name="auth-verify-email"),
    path("auth/verify-email/resend/", accounts_api.VerifyEmailResendApi.as_view(), name="auth-verify-email-resend"),
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
    path(
        "organizations/<uuid:organization_id>/webhooks/",
        webhooks_api.WebhookEndpointListApi.as_view(),
        name="webhook-list",
    ),
    path(
        "organizations/<uuid:organization_id>/webhooks/<uuid:webhook_id>/",
        webhooks_api.WebhookEndpointDetailApi.as_view(),
        name="webhook-detail",
    ),
    path(
        "organizations/<uuid:organization_id>/webhooks/<uuid:webhook_id>/rotate-secret/",
        webhooks_api.WebhookRotateSecretApi.as_view(),
        name="webhook-rotate-secret",
    ),
    path(
        "organizations/<uuid:organization_id>/webhooks/<uuid:webhook_id>/test/",
        webhooks_api.WebhookTestApi.as_view(),
        name="webhook-test",
    ),
    path(
        "organizations/<uuid:organization_id>/webhooks/<uuid:webhook_id>/deliveries/",
        webhooks_api.WebhookDeliveryListApi.as_view(),
        name="webhook-delivery-list",
    ),
    path(
        "organizations/<uuid:organization_id>/audit-log/",
        audit_api.AuditLogApi.as_view(),
        name="audit-log",
    ),
    path(
        "organizations/<uuid:organization_id>/audit-log/export/",
        audit_api.AuditLogExportApi.as_view(),
        name="audit-log-export",
    ),
    path(
        "organizations/<uuid:organization_id>/retention/",
        privacy_api.RetentionApi.as_view(),
        name="retention",
    ),
    path(
        "organizations/<uuid:organization_id>/visitors/export/",
        privacy_api.VisitorExportApi.as_view(),
        name="visitor-export",
    ),
    path(
        "organizations/<uuid:organization_id>/visitors/delete/",
        privacy_api.VisitorDeleteApi.as_view(),
        name="visitor-delete",
    ),
    path("bots/", bots_api.BotListApi.as_view(), name="bot-list"),
    path("bots/<uuid:bot_id>/", bots_api.BotDetailApi.as_view(), name="bot-detail"),
    path("bots/<uuid:bot_id>/rotate-key/", bots_api.BotRotateKeyApi.as_view(), name="bot-rotate-key"),
    path(
        "bots/<uuid:bot_id>/rotate-identity-secret/",
        bots_api.BotRotateIdentitySecretApi.as_view(),
        name="bot-rotate-identity-secret",
    ),
    path("bots/<uuid:bot_id>/documents/", documents_api.BotDocumentListApi.as_view(), name="bot-document-list"),
    path("documents/<uuid:document_id>/", documents_api.DocumentDetailApi.as_view(), name="document-detail"),
    path("bots/<uuid:bot_id>/websites/", website_api.BotWebsiteListApi.as_view(), name="bot-website-list"),
    path("websites/<uuid:website_id>/", website_api.WebsiteDetailApi.as_view(), name="website-detail"),
    path("websites/<uuid:website_id>/recrawl/", website_api.WebsiteRecrawlApi.as_view(), name="website-recrawl"),
    path("websites/<uuid:website_id>/pages/", website_api.WebsitePageListApi.as_view(), name="website-pages"),
    path("documents/<uuid:document_id>/text/", documents_api.DocumentTextApi.as_view(), name="document-text"),
    path(
        "documents/<uuid:document_id>/reingest/",
        documents_api.DocumentReingestApi.as_view(),
        name="document-reingest",
    ),
    path("leads/", leads_api.LeadListApi.as_view(), name="lead-list"),
    path("leads/export/", leads_api.LeadExportApi.as_view(), name="lead-export"),
    path("leads/<uuid:lead_id>/", leads_api.LeadDetailApi.as_view(), name="lead-detail"),
    path("widget/<str:public_key>/leads/", leads_api.WidgetLeadApi.as_view(), name="widget-lead"),
    path("", include("chat.api_urls")),
]


@csrf_exempt
def api_not_found(request: HttpRequest) -> JsonResponse:
    """Any method on an unknown path: no route means nothing to protect from cross-site writes."""
    return JsonResponse({"detail": "Not found.", "code": "not_found"}, status=404)


# Unknown API paths answer JSON, in debug mode too.
urlpatterns.append(re_path(r"^.*$", api_not_found))
