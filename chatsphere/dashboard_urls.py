"""Routes of the dashboard, mounted at /app/."""

from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy
from django.views.generic import RedirectView, TemplateView

from accounts import views as accounts_views
from audit import views as audit_views
from bots import views as bots_views
from chat import views as chat_views
from chat.curated import views as curated_views
from chatsphere import home
from documents import views as documents_views
from documents import website_views
from leads import views as leads_views
from privacy import views as privacy_views
from webhooks import views as webhooks_views

app_name = "dashboard"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="dashboard:bot-list"), name="home"),
    # people
    path("signup/", accounts_views.SignupView.as_view(), name="signup"),
    path(
        "signup/check-email/",
        TemplateView.as_view(template_name="registration/verify_email_sent.html"),
        name="verify-email-sent",
    ),
    path("verify-email/", accounts_views.VerifyEmailView.as_view(), name="verify-email"),
    path("verify-email/pending/", accounts_views.VerifyEmailPendingView.as_view(), name="verify-email-pending"),
    path("login/", accounts_views.EmailLoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(next_page="dashboard:login"), name="logout"),
    path("logout/everywhere/", accounts_views.LogoutEverywhereView.as_view(), name="logout-everywhere"),
    path(
        "password-reset/",
        accounts_views.ThrottledPasswordResetView.as_view(
            success_url=reverse_lazy("dashboard:password_reset_done"),
            email_template_name="registration/password_reset_email.html",
        ),
        name="password_reset",
    ),
    path("password-reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password-reset/<uidb64>/<token>/",
        accounts_views.ProvingPasswordResetConfirmView.as_view(
            success_url=reverse_lazy("dashboard:password_reset_complete")
        ),
        name="password_reset_confirm",
    ),
    path("password-reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("invitations/accept/", accounts_views.InvitationAcceptView.as_view(), name="invitation-accept"),
    # organization
    path("organizations/new/", accounts_views.OrganizationCreateView.as_view(), name="organization-create"),
    path("organizations/switch/", accounts_views.OrganizationSwitchView.as_view(), name="organization-switch"),
    path("organization/rename/", accounts_views.OrganizationRenameView.as_view(), name="organization-rename"),
    path("members/", accounts_views.MemberListView.as_view(), name="member-list"),
    path("members/<uuid:membership_id>/role/", accounts_views.MemberRoleView.as_view(), name="member-role"),
    path("members/<uuid:membership_id>/remove/", accounts_views.MemberRemoveView.as_view(), name="member-remove"),
    path(
        "invitations/<uuid:invitation_id>/resend/",
        accounts_views.InvitationResendView.as_view(),
        name="invitation-resend",
    ),
    path(
        "invitations/<uuid:invitation_id>/revoke/",
        accounts_views.InvitationRevokeView.as_view(),
        name="invitation-revoke",
    ),
    path("api-keys/", accounts_views.ApiKeyListView.as_view(), name="api-key-list"),
    path("api-keys/<uuid:api_key_id>/revoke/", accounts_views.ApiKeyRevokeView.as_view(), name="api-key-revoke"),
    path("webhooks/", webhooks_views.WebhookListView.as_view(), name="webhook-list"),
    path("webhooks/<uuid:webhook_id>/", webhooks_views.EndpointPage.as_view(), name="webhook-detail"),
    path(
        "webhooks/<uuid:webhook_id>/rotate-secret/",
        webhooks_views.WebhookRotateSecretView.as_view(),
        name="webhook-rotate-secret",
    ),
    path("webhooks/<uuid:webhook_id>/test/", webhooks_views.WebhookTestView.as_view(), name="webhook-test"),
    path("webhooks/<uuid:webhook_id>/delete/", webhooks_views.WebhookDeleteView.as_view(), name="webhook-delete"),
    # privacy
    path("privacy/", privacy_views.PrivacyView.as_view(), name="privacy"),
    path("privacy/retention/", privacy_views.RetentionUpdateView.as_view(), name="privacy-retention"),
    path("privacy/visitor/export/", privacy_views.VisitorExportView.as_view(), name="privacy-visitor-export"),
    path("privacy/visitor/delete/", privacy_views.VisitorDeleteView.as_view(), name="privacy-visitor-delete"),
    path("audit-log/", audit_views.AuditLogView.as_view(), name="audit-log"),
    path("audit-log/export/", audit_views.AuditLogExportView.as_view(), name="audit-log-export"),
    # leads
    path("leads/", leads_views.LeadListView.as_view(), name="lead-list"),
    path("leads/export.csv", leads_views.LeadExportView.as_view(), name="lead-export"),
    path("leads/<uuid:lead_id>/", leads_views.LeadDetailView.as_view(), name="lead-detail"),
    path("leads/<uuid:lead_id>/status/", leads_views.LeadStatusView.as_view(), name="lead-status"),
    # bots
    path("bots/", home.BotListView.as_view(), name="bot-list"),
    path("bots/new/", bots_views.BotCreateView.as_view(), name="bot-create"),
    path("onboarding/dismiss/", chat_views.OnboardingDismissView.as_view(), name="onboarding-dismiss"),
    path("bots/<uuid:bot_id>/", bots_views.BotSettingsView.as_view(), name="bot-settings"),
    path("bots/<uuid:bot_id>/delete/", bots_views.BotDeleteView.as_view(), name="bot-delete"),
    path("bots/<uuid:bot_id>/rotate-key/", bots_views.BotRotateKeyView.as_view(), name="bot-rotate-key"),
    path(
        "bots/<uuid:bot_id>/identity-secret/",
        bots_views.BotRotateIdentitySecretView.as_view(),
        name="bot-rotate-identity-secret",
    ),
    path("bots/<uuid:bot_id>/widget/", bots_views.BotWidgetView.as_view(), name="bot-widget"),
    # chat
    path("bots/<uuid:bot_id>/playground/", chat_views.PlaygroundView.as_view(), name="bot-playground"),
    path("bots/<uuid:bot_id>/conversations/", chat_views.ConversationListView.as_view(), name="bot-conversations"),
    path(
        "bots/<uuid:bot_id>/conversations/export.<str:file_format>",
        chat_views.ConversationExportView.as_view(),
        name="bot-conversations-export",
    ),
    path("bots/<uuid:bot_id>/analytics/", chat_views.AnalyticsView.as_view(), name="bot-analytics"),
    path(
        "conversations/<uuid:conversation_id>/",
        chat_views.ConversationDetailView.as_view(),
        name="conversation-detail",
    ),
    # curated answers
    path("bots/<uuid:bot_id>/answers/", curated_views.AnswerListView.as_view(), name="bot-answers"),
    path("bots/<uuid:bot_id>/answers/new/", curated_views.AnswerCreateView.as_view(), name="bot-answer-create"),
    path("bots/<uuid:bot_id>/unanswered/", curated_views.UnansweredView.as_view(), name="bot-unanswered"),
    path("answers/<uuid:curated_answer_id>/", curated_views.AnswerEditView.as_view(), name="answer-edit"),
    path("answers/<uuid:curated_answer_id>/delete/", curated_views.AnswerDeleteView.as_view(), name="answer-delete"),
    # knowledge
    path("bots/<uuid:bot_id>/knowledge/", documents_views.KnowledgeView.as_view(), name="bot-knowledge"),
    path("bots/<uuid:bot_id>/knowledge/upload/", documents_views.UploadView.as_view(), name="bot-knowledge-upload"),
    path("bots/<uuid:bot_id>/knowledge/text/", documents_views.TextView.as_view(), name="bot-knowledge-text"),
    path("bots/<uuid:bot_id>/knowledge/url/", documents_views.UrlView.as_view(), name="bot-knowledge-url"),
    path("bots/<uuid:bot_id>/knowledge/bulk/", documents_views.KnowledgeBulkView.as_view(), name="bot-knowledge-bulk"),
    path("bots/<uuid:bot_id>/knowledge/website/", website_views.WebsiteCreateView.as_view(), name="bot-website-create"),
    path("websites/<uuid:website_id>/", website_views.WebsiteDetailView.as_view(), name="website-detail"),
    path("websites/<uuid:website_id>/progress/", website_views.WebsiteProgressView.as_view(), name="website-progress"),
    path("websites/<uuid:website_id>/recrawl/", website_views.WebsiteRecrawlView.as_view(), name="website-recrawl"),
    path("websites/<uuid:website_id>/settings/", website_views.WebsiteSettingsView.as_view(), name="website-settings"),
    path("websites/<uuid:website_id>/delete/", website_views.WebsiteDeleteView.as_view(), name="website-delete"),
    path("documents/<uuid:document_id>/", documents_views.DocumentDetailView.as_view(), name="document-detail"),
    path("documents/<uuid:document_id>/delete/", documents_views.DocumentDeleteView.as_view(), name="document-delete"),
    path(
        "documents/<uuid:document_id>/download/",
        documents_views.DocumentDownloadView.as_view(),
        name="document-download",
    ),
    path(
        "documents/<uuid:document_id>/reingest/",
        documents_views.DocumentReingestView.as_view(),
        name="document-reingest",
    ),
]
