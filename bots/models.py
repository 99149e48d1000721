from __future__ import annotations

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from bots.validation import (
    validate_allowed_origins,
    validate_color,
    validate_model_name,
    validate_suggested_questions,
)
from chatsphere.models import TenantModel

DEFAULT_SYSTEM_PROMPT = (
    "You are a helpful assistant for this website. Answer the visitor's questions clearly and concisely."
)
DEFAULT_FALLBACK_MESSAGE = (
    "I'm sorry, I couldn't find the answer to that in my documents. Could you rephrase, or ask something else?"
)
DEFAULT_WELCOME_MESSAGE = "Hi! Ask me anything about our documentation."


def new_public_key() -> str:
    """The widget's key: public (it sits in web pages) but unguessable, and rotatable."""
    return "pk_" + secrets.token_urlsafe(24)


def default_model() -> str:
    return settings.GEMINI_MODEL


class WidgetPosition(models.TextChoices):
    RIGHT = "right", "Bottom right"
    LEFT = "left", "Bottom left"


class Bot(TenantModel):
    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE, related_name="bots")
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True, max_length=2000)

    # Answering
    system_prompt = models.TextField(max_length=8000, default=DEFAULT_SYSTEM_PROMPT, blank=True)
    model = models.CharField(max_length=100, default=default_model, validators=[validate_model_name])
    temperature = models.FloatField(default=0.2, validators=[MinValueValidator(0.0), MaxValueValidator(2.0)])
    max_output_tokens = models.PositiveIntegerField(
        default=1024, validators=[MinValueValidator(16), MaxValueValidator(8192)]
    )
    welcome_message = models.CharField(max_length=500, default=DEFAULT_WELCOME_MESSAGE, blank=True)
    suggested_questions = models.JSONField(default=list, blank=True, validators=[validate_suggested_questions])
    fallback_message = models.CharField(max_length=500, default=DEFAULT_FALLBACK_MESSAGE)
    top_k = models.PositiveSmallIntegerField(default=5, validators=[MinValueValidator(1), MaxValueValidator(20)])
    #: How sure the bot must be that its documents answer a question before it answers (0-1);
    #: see chat.relevance for what it measures.
    strictness = models.FloatField(default=0.4, validators=[MinValueValidator(0.0), MaxValueValidator(1.0)])

    # Knowledge: chunking (empty means the deployment's default) and the embedder its vectors were made with
    chunk_tokens = models.PositiveIntegerField(
        null=True, blank=True, validators=[MinValueValidator(100), MaxValueValidator(2000)]
    )
    chunk_overlap = models.PositiveIntegerField(
        null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(500)]
    )
    embedder = models.CharField(max_length=100, blank=True, editable=False)
    embedding_dimension = models.PositiveIntegerField(null=True, blank=True, editable=False)

    # Widget
    public_key = models.CharField(max_length=40, unique=True, default=new_public_key, editable=False)
    allowed_origins = models.JSONField(default=list, blank=True, validators=[validate_allowed_origins])
    widget_title = models.CharField(max_length=60, blank=True)
    primary_color = models.CharField(max_length=7, default="#2563EB", validators=[validate_color])
    position = models.CharField(max_length=5, choices=WidgetPosition.choices, default=WidgetPosition.RIGHT)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(temperature__gte=0, temperature__lte=2), name="bot_temperature_range"
            ),
            models.CheckConstraint(condition=models.Q(top_k__gte=1, top_k__lte=20), name="bot_top_k_range"),
            models.CheckConstraint(
                condition=models.Q(strictness__gte=0, strictness__lte=1), name="bot_strictness_range"
            ),
            models.CheckConstraint(condition=models.Q(position__in=WidgetPosition.values), name="bot_position_valid"),
        ]
        indexes = [models.Index(fields=["organization", "-created_at"], name="bot_org_created_idx")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        tokens = self.chunk_tokens or settings.CHATSPHERE_CHUNK_TOKENS
        overlap = self.chunk_overlap if self.chunk_overlap is not None else settings.CHATSPHERE_CHUNK_OVERLAP
        if overlap * 2 > tokens:
            raise ValidationError({"chunk_overlap": ["The overlap must be at most half of the chunk size."]})

    @property
    def display_title(self) -> str:
        return self.widget_title or self.name
