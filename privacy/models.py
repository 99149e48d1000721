"""An organization's privacy settings."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from chatsphere.models import TimestampedModel

#: Bounds of a retention period, in days.
RETENTION_MIN_DAYS = 1
RETENTION_MAX_DAYS = 3650


class RetentionPolicy(TimestampedModel):
    """How long an organization keeps what visitors leave behind. No row, or an empty period,
    keeps everything (the default). Each kind of visitor data has its own period, so a new kind
    (leads) joins with a column of its own and a purge step in `privacy.retention`."""

    organization = models.OneToOneField(
        "accounts.Organization", on_delete=models.CASCADE, related_name="retention_policy"
    )
    #: Conversations (their messages and feedback) whose last message is older than this go.
    conversation_days = models.PositiveIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(RETENTION_MIN_DAYS), MaxValueValidator(RETENTION_MAX_DAYS)],
    )
    #: Leads (contact details visitors left) older than this go, whatever their status.
    lead_days = models.PositiveIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(RETENTION_MIN_DAYS), MaxValueValidator(RETENTION_MAX_DAYS)],
    )

    class Meta:
        verbose_name = "retention policy"
        verbose_name_plural = "retention policies"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(conversation_days__isnull=True)
                | models.Q(conversation_days__gte=RETENTION_MIN_DAYS, conversation_days__lte=RETENTION_MAX_DAYS),
                name="retention_conversation_days_range",
            ),
            models.CheckConstraint(
                condition=models.Q(lead_days__isnull=True)
                | models.Q(lead_days__gte=RETENTION_MIN_DAYS, lead_days__lte=RETENTION_MAX_DAYS),
                name="retention_lead_days_range",
            ),
        ]

    def __str__(self) -> str:
        days = f"{self.conversation_days} days" if self.conversation_days else "kept"
        leads = f"{self.lead_days} days" if self.lead_days else "kept"
        return f"Retention of {self.organization}: conversations {days}, leads {leads}"
