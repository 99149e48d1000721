"""Routes of the dashboard, mounted at /app/."""

from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy
from django.views.generic import RedirectView

from accounts import views as accounts_views
from bots import views as bots_views
from chat import views as chat_views
from chat.curated import views as curated_views
from documents import views as documents_views

app_name = "dashboard"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="dashboard:bot-list"), name="home"),
    # people
    path("signup/", accounts_views.SignupView.as_view(), name="signup"),
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
        auth_views.PasswordResetConfirmView.as_view(success_url=reverse_lazy("dashboard:password_reset_complete")),
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
        "invitations/<uuid:invitation_id>/revoke/",
        accounts_views.InvitationRevokeView.as_view(),
        name="invitation-revoke",
    ),
    path("api-keys/", accounts_views.ApiKeyListView.as_view(), name="api-key-list"),
    path("api-keys/<uuid:api_key_id>/revoke/", accounts_views.ApiKeyRevokeView.as_view(), name="api-key-revoke"),
    # bots
    path("bots/", bots_views.BotListView.as_view(), name="bot-list"),
    path("bots/new/", bots_views.BotCreateView.as_view(), name="bot-create"),
    path("bots/<uuid:bot_id>/", bots_views.BotSettingsView.as_view(), name="bot-settings"),
    path("bots/<uuid:bot_id>/delete/", bots_views.BotDeleteView.as_view(), name="bot-delete"),
    path("bots/<uuid:bot_id>/rotate-key/", bots_views.BotRotateKeyView.as_view(), name="bot-rotate-key"),
    path("bots/<uuid:bot_id>/widget/", bots_views.BotWidgetView.as_view(), name="bot-widget"),
    # chat
    path("bots/<uuid:bot_id>/playground/", chat_views.PlaygroundView.as_view(), name="bot-playground"),
    path("bots/<uuid:bot_id>/conversations/", chat_views.ConversationListView.as_view(), name="bot-conversations"),
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
    path("documents/<uuid:document_id>/delete/", documents_views.DocumentDeleteView.as_view(), name="document-delete"),
    path(
        "documents/<uuid:document_id>/reingest/",
        documents_views.DocumentReingestView.as_view(),
        name="document-reingest",
    ),
]
