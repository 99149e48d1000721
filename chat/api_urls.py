"""Chat API routes, mounted under /api/v1/."""

from django.urls import path

from chat import api
from chat.curated import api as curated_api

urlpatterns = [
    path("bots/<uuid:bot_id>/chat/", api.ChatApi.as_view(), name="bot-chat"),
    path("bots/<uuid:bot_id>/conversations/", api.ConversationListApi.as_view(), name="conversation-list"),
    path("conversations/<uuid:conversation_id>/", api.ConversationDetailApi.as_view(), name="conversation-detail"),
    path("messages/<uuid:message_id>/feedback/", api.MessageFeedbackApi.as_view(), name="message-feedback"),
    path(
        "messages/<uuid:message_id>/sources/<int:source_number>/",
        api.MessageSourceApi.as_view(),
        name="message-source",
    ),
    path("bots/<uuid:bot_id>/answers/", curated_api.BotCuratedAnswerListApi.as_view(), name="bot-answer-list"),
    path("answers/<uuid:curated_answer_id>/", curated_api.CuratedAnswerDetailApi.as_view(), name="answer-detail"),
    path("bots/<uuid:bot_id>/unanswered/", curated_api.BotUnansweredApi.as_view(), name="bot-unanswered"),
    path("widget/<str:public_key>/config/", api.WidgetConfigApi.as_view(), name="widget-config"),
    path(
        "widget/<str:public_key>/sources/<uuid:message_id>/<int:number>/",
        api.WidgetSourceApi.as_view(),
        name="widget-source",
    ),
]
