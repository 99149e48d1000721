"""The audit log: who did what to an organization's settings, knowledge, people and keys."""

from __future__ import annotations

from typing import Any

from django.db import models

from chatsphere.models import TimestampedModel


class AuditAction(models.TextChoices):
    BOT_UPDATE = "bot.update", "Bot settings changed"
    BOT_ROTATE_KEY = "bot.rotate_key", "Widget key rotated"
    BOT_ROTATE_IDENTITY_SECRET = "bot.rotate_identity_secret", "Identity secret made"
    BOT_DELETE = "bot.delete", "Bot deleted"
    DOCUMENT_DELETE = "document.delete", "Document deleted"
    DOCUMENT_REINGEST = "document.reingest", "Document re-ingested"
    WEBSITE_CREATE = "website.create", "Website added"
    WEBSITE_UPDATE = "website.update", "Website settings changed"
    WEBSITE_RECRAWL = "website.recrawl", "Website crawled again"
    WEBSITE_DELETE = "website.delete", "Website deleted"
    MEMBER_INVITE = "member.invite", "Member invited"
    INVITATION_REVOKE = "invitation.revoke", "Invitation revoked"
    MEMBER_ROLE_CHANGE = "member.role_change", "Member role changed"
    MEMBER_REMOVE = "member.remove", "Member removed"
    API_KEY_CREATE = "api_key.create", "API key created"
    API_KEY_REVOKE = "api_key.revoke", "API key revoked"
    RETENTION_UPDATE = "retention.update", "Retention changed"
    RETENTION_PURGE = "retention.purge", "Old data deleted by retention"
    VISITOR_EXPORT = "visitor.export", "Visitor data exported"
    VISITOR_DELETE = "visitor.delete", "Visitor data deleted"
    LEAD_STATUS_UPDATE = "lead.status_update", "Lead status changed"


class AuditEntry(TimestampedModel):
    """One action, written by the service that made it inside the same transaction. Never edited
    or deleted through any surface (the rows go only with their organization)."""

    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE, related_name="+")
    #: Who acted: a person, an API key, or neither (the retention schedule).
    actor_user = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    actor_api_key = models.ForeignKey(
        "accounts.ApiKey", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    #: The actor as it was named at the time, kept when the account or key is gone.
    actor_label = models.CharField(max_length=254)
    action = models.CharField(max_length=40, choices=AuditAction.choices)
    target_type = models.CharField(max_length=40)
    target_id = models.CharField(max_length=64, blank=True)
    target_label = models.CharField(max_length=300, blank=True)
    #: Settings: {"field": {"from": old, "to": new}}; other actions: facts such as counts.
    changes = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "audit entry"
        verbose_name_plural = "audit log"
        indexes = [
            models.Index(fields=["organization", "-created_at", "-id"], name="audit_org_created_idx"),
            models.Index(fields=["organization", "action", "-created_at"], name="audit_org_action_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(action__in=AuditAction.values), name="audit_action_valid"),
        ]

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A record is written once; code that tries to change one is a bug, not a feature.
        if not self._state.adding:
            raise ValueError("Audit entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ValueError("Audit entries cannot be deleted; they go with their organization.")

    @property
    def change_lines(self) -> list[tuple[str, str]]:
        """(field, "old → new") for a settings diff, (fact, value) otherwise: for pages."""
        lines = []
        for field, change in (self.changes or {}).items():
            if isinstance(change, dict) and set(change) == {"from", "to"}:
                old, new = ("—" if value in (None, "") else value for value in (change["from"], change["to"]))
                lines.append((field, f"{old} → {new}"))
            else:
                lines.append((field, str(change)))
        return lines

    def __str__(self) -> str:
        return f"{self.actor_label}: {self.get_action_display()} {self.target_label}".strip()
