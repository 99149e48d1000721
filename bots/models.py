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


class WidgetTheme(models.TextChoices):
    AUTO = "auto", "Automatic (follows the visitor's system)"
    LIGHT = "light", "Light"
    DARK = "dark", "Dark"


class HandoffField(models.TextChoices):
    """Whether the handoff form asks for a field."""

    OFF = "off", "Not asked"
    OPTIONAL = "optional", "Optional"
    REQUIRED = "required", "Required"


#: An e-mail address is how the team answers, so it is always asked for.
HANDOFF_EMAIL_CHOICES = [(HandoffField.OPTIONAL.value, "Optional"), (HandoffField.REQUIRED.value, "Required")]
DEFAULT_HANDOFF_LABELS = {"name": "Your name", "email": "Your e-mail address", "message": "How can we help?"}
#: The most visitor messages after which the form may be offered.
HANDOFF_AFTER_MESSAGES_MAX = 50


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
    theme = models.CharField(max_length=5, choices=WidgetTheme.choices, default=WidgetTheme.AUTO)
    #: Whether visitors may open the cited passage of a document (off: title and page only).
    source_previews = models.BooleanField(
        default=True,
        help_text="Visitors can open a cited document to read the passage the answer comes from, with the "
        "cited sentences highlighted. Switch off when your documents are internal: visitors then see only "
        "each source's title and page. Web pages stay links to their address.",
    )
    is_active = models.BooleanField(default=True)
    #: Signs visitor identities (bots.identity). Kept as is: verifying needs the secret itself, and
    #: whoever reads this row can already read the conversations it protects. Never shown again after
    #: it is made (not in the API's bot, the admin or the logs).
    identity_secret = models.CharField(max_length=100, blank=True, editable=False)
    identity_secret_rotated_at = models.DateTimeField(null=True, blank=True, editable=False)

    # Human handoff: a short contact form offered in the chat, whose answers become leads.
    handoff_enabled = models.BooleanField(default=False)
    handoff_on_fallback = models.BooleanField(default=True)
    handoff_on_request = models.BooleanField(default=True)
    handoff_after_messages = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(HANDOFF_AFTER_MESSAGES_MAX)]
    )
    handoff_name = models.CharField(max_length=8, choices=HandoffField.choices, default=HandoffField.OPTIONAL)
    handoff_name_label = models.CharField(max_length=80, default=DEFAULT_HANDOFF_LABELS["name"])
    handoff_email = models.CharField(max_length=8, choices=HANDOFF_EMAIL_CHOICES, default=HandoffField.REQUIRED)
    handoff_email_label = models.CharField(max_length=80, default=DEFAULT_HANDOFF_LABELS["email"])
    handoff_message = models.CharField(max_length=8, choices=HandoffField.choices, default=HandoffField.OPTIONAL)
    handoff_message_label = models.CharField(max_length=80, default=DEFAULT_HANDOFF_LABELS["message"])
    handoff_consent_text = models.CharField(max_length=500, blank=True)
    #: Ids of the members e-mailed about each new lead (members who left are skipped).
    handoff_notify_user_ids = models.JSONField(default=list, blank=True)

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
            models.CheckConstraint(condition=models.Q(theme__in=WidgetTheme.values), name="bot_theme_valid"),
            models.CheckConstraint(
                condition=models.Q(handoff_name__in=HandoffField.values)
                & models.Q(handoff_message__in=HandoffField.values)
                & models.Q(handoff_email__in=[HandoffField.OPTIONAL, HandoffField.REQUIRED]),
                name="bot_handoff_fields_valid",
            ),
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
    def identity_verification(self) -> bool:
        """Whether the widget verifies signed visitor identities (the bot has an identity secret)."""
        return bool(self.identity_secret)

    @property
    def display_title(self) -> str:
        return self.widget_title or self.name
