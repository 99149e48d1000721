from __future__ import annotations

from typing import Any

from django import forms

from privacy.models import RETENTION_MAX_DAYS, RETENTION_MIN_DAYS
from privacy.selectors import EMAIL_MAX_LENGTH, VISITOR_ID_MAX_LENGTH


class RetentionForm(forms.Form):
    conversation_days = forms.IntegerField(
        required=False,
        min_value=RETENTION_MIN_DAYS,
        max_value=RETENTION_MAX_DAYS,
        label="Delete conversations after (days)",
        help_text="Counted from the last message. Leave empty to keep conversations until you delete them.",
    )
    lead_days = forms.IntegerField(
        required=False,
        min_value=RETENTION_MIN_DAYS,
        max_value=RETENTION_MAX_DAYS,
        label="Delete leads after (days)",
        help_text="Counted from when the visitor sent the contact form. Leave empty to keep leads until you "
        "delete them.",
    )


class VisitorForm(forms.Form):
    """A visitor by id, or every visitor of an e-mail address: exactly one of the two."""

    visitor_id = forms.CharField(
        required=False,
        max_length=VISITOR_ID_MAX_LENGTH,
        label="Visitor id",
        help_text="Shown on each widget conversation's page.",
    )
    email = forms.EmailField(
        required=False,
        max_length=EMAIL_MAX_LENGTH,
        label="Or e-mail address",
        help_text="Finds every visitor who left a lead with it or signed in with it (verified visitors).",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        if bool(data.get("visitor_id")) == bool(data.get("email")):
            message = (
                "Enter a visitor id or an e-mail address, not both."
                if data.get("visitor_id")
                else "Enter a visitor id or an e-mail address."
            )
            self.add_error("visitor_id", message)
        return data

    def lookup(self) -> dict[str, str]:
        """The service's keyword: the one field filled in."""
        return {name: self.cleaned_data[name] for name in ("visitor_id", "email") if self.cleaned_data.get(name)}
