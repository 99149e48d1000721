from __future__ import annotations

from typing import Any

from django import forms

from audit.models import AuditAction


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(choices=[("", "All actions"), *AuditAction.choices], required=False)
    actor = forms.ChoiceField(choices=[("", "Everyone")], required=False, label="Who")
    since = forms.DateField(required=False, label="From", widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(required=False, label="To", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, actors: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["actor"].choices = [("", "Everyone"), *actors]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", "The end date is before the start date.")
        return cleaned
