"""Leads: the contact details a widget visitor left through the bot's handoff form."""

from __future__ import annotations

from django.db import models

from bots.handoff import EMAIL_MAX, MESSAGE_MAX, NAME_MAX
from chatsphere.models import TenantModel


class LeadStatus(models.TextChoices):
    NEW = "new", "New"
    CONTACTED = "contacted", "Contacted"
    CLOSED = "closed", "Closed"


class LeadReason(models.TextChoices):
    FALLBACK = "fallback", "The bot could not answer"
    REQUEST = "request", "The visitor asked for a person"
    MESSAGES = "messages", "Offered after several messages"


class Lead(TenantModel):
    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE, related_name="leads")
    bot = models.ForeignKey("bots.Bot", on_delete=models.CASCADE, related_name="leads")
    # The lead outlives its conversation (retention, a visitor's erasure of the chat alone).
    conversation = models.ForeignKey(
        "chat.Conversation", null=True, blank=True, on_delete=models.SET_NULL, related_name="leads"
    )
    visitor_id = models.CharField(max_length=64, blank=True, db_index=True)
    reason = models.CharField(max_length=10, choices=LeadReason.choices, blank=True)
    name = models.CharField(max_length=NAME_MAX, blank=True)
    email = models.EmailField(max_length=EMAIL_MAX, blank=True)
    message = models.TextField(max_length=MESSAGE_MAX, blank=True)
    #: The consent text the visitor agreed to, as it read then; empty when none was asked.
    consent_text = models.CharField(max_length=500, blank=True)
    consent_given = models.BooleanField(default=False)
    origin_page = models.URLField(max_length=2000, blank=True)
    status = models.CharField(max_length=10, choices=LeadStatus.choices, default=LeadStatus.NEW)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    status_changed_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["organization", "-created_at"], name="lead_org_created_idx"),
            models.Index(fields=["organization", "status", "-created_at"], name="lead_org_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=LeadStatus.values), name="lead_status_valid"),
            models.CheckConstraint(
                condition=models.Q(consent_text="") | models.Q(consent_given=True), name="lead_consent_given"
            ),
        ]

    def __str__(self) -> str:
        return self.name or self.email or f"Lead {self.id}"

    @property
    def display_name(self) -> str:
        return self.name or self.email or "Anonymous visitor"
