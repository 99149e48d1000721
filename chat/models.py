from __future__ import annotations

from django.db import models

from chatsphere.models import TenantModel


class Channel(models.TextChoices):
    WIDGET = "widget", "Widget"
    API = "api", "API"
    PLAYGROUND = "playground", "Playground"


class Conversation(TenantModel):
    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE, related_name="conversations")
    bot = models.ForeignKey("bots.Bot", on_delete=models.CASCADE, related_name="conversations")
    channel = models.CharField(max_length=12, choices=Channel.choices)
    visitor_id = models.CharField(max_length=64, blank=True, db_index=True)
    #: The site's own user id of a widget visitor whose signed identity checked out (docs/identity.md),
    #: with the e-mail and name the site signed; empty for anonymous visitors.
    verified_user_id = models.CharField(max_length=255, blank=True)
    verified_email = models.CharField(max_length=254, blank=True)
    verified_name = models.CharField(max_length=200, blank=True)
    user = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    title = models.CharField(max_length=200, blank=True)
    origin_page = models.URLField(max_length=2000, blank=True)
    user_agent = models.CharField(max_length=400, blank=True)
    last_message_at = models.DateTimeField(null=True, blank=True)
    #: When `conversation.finished` was last announced; earlier than `last_message_at` once it resumes.
    finished_announced_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["bot", "-created_at", "-id"], name="conv_bot_created_idx"),
            # The idle scan reads conversations by their last message.
            models.Index(fields=["last_message_at"], name="conv_last_message_idx"),
            # A verified visitor's conversations, from any browser.
            models.Index(fields=["bot", "verified_user_id", "-created_at"], name="conv_bot_verified_user_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(channel__in=Channel.values), name="conversation_channel_valid"),
        ]

    def __str__(self) -> str:
        return self.title or f"Conversation {self.id}"


class MessageRole(models.TextChoices):
    USER = "user", "Visitor"
    ASSISTANT = "assistant", "Bot"


class Message(TenantModel):
    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE, related_name="+")
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="messages")
    role = models.CharField(max_length=10, choices=MessageRole.choices)
    content = models.TextField()
    citations = models.JSONField(default=list, blank=True)
    model = models.CharField(max_length=100, blank=True)
    input_tokens = models.PositiveIntegerField(default=0)
    output_tokens = models.PositiveIntegerField(default=0)
    time_to_first_token_ms = models.PositiveIntegerField(null=True, blank=True)
    latency_ms = models.PositiveIntegerField(null=True, blank=True)
    unanswered = models.BooleanField(default=False)
    feedback = models.SmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(feedback__isnull=True) | models.Q(feedback__in=[-1, 1]),
                name="message_feedback_valid",
            ),
            models.CheckConstraint(condition=models.Q(role__in=MessageRole.values), name="message_role_valid"),
        ]
        indexes = [
            models.Index(fields=["conversation", "created_at"], name="message_conv_created_idx"),
            # The monthly quota counts an organization's questions since the first of the month.
            models.Index(fields=["organization", "role", "created_at"], name="message_org_role_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.role}: {self.content[:50]}"


#: Sizes of a curated answer, shared by the model, the services and every form.
CURATED_QUESTION_MAX = 500
CURATED_ANSWER_MAX = 4000


class CuratedAnswer(TenantModel):
    """An answer written by the bot's owner for a question; answered as is when a visitor asks the
    same thing (see `chat.curated.matching`)."""

    bot = models.ForeignKey("bots.Bot", on_delete=models.CASCADE, related_name="curated_answers")
    question = models.CharField(max_length=CURATED_QUESTION_MAX)
    #: The question folded for comparison (case, spacing, end punctuation): one entry per key and bot.
    question_key = models.CharField(max_length=CURATED_QUESTION_MAX, editable=False)
    answer = models.TextField(max_length=CURATED_ANSWER_MAX)
    created_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    updated_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    #: The bot's answer this entry corrects, when it was written from a conversation.
    source_message = models.ForeignKey(Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    #: The question's query vector (float32 bytes) and the embedder that made it; an entry whose
    #: embedder is not the deployment's is re-embedded before its vector is compared.
    question_embedding = models.BinaryField(null=True, blank=True, editable=False)
    embedder = models.CharField(max_length=100, blank=True, editable=False)

    class Meta:
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(fields=["bot", "question_key"], name="curated_answer_unique_question"),
            models.CheckConstraint(condition=~models.Q(question_key=""), name="curated_answer_question_not_empty"),
            models.CheckConstraint(condition=~models.Q(answer=""), name="curated_answer_answer_not_empty"),
        ]
        indexes = [models.Index(fields=["bot", "-updated_at"], name="curated_bot_updated_idx")]

    def __str__(self) -> str:
        return self.question[:80]
