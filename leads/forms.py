from __future__ import annotations

from typing import Any

from django import forms

from bots.models import Bot
from chat.forms import DATE_RANGE, SearchInput
from leads.models import LeadStatus
from leads.selectors import LeadFilter


class LeadFilterForm(forms.Form):
    q = forms.CharField(
        required=False,
        max_length=200,
        label="Search",
        widget=SearchInput(attrs={"placeholder": "Name, e-mail or message"}),
    )
    bot = forms.ChoiceField(required=False, label="Bot")
    status = forms.ChoiceField(choices=[("", "Any"), *LeadStatus.choices], required=False)
    created_from = forms.DateField(
        required=False, label="From", widget=forms.DateInput(attrs={"type": "date"}), validators=DATE_RANGE
    )
    created_to = forms.DateField(
        required=False, label="To", widget=forms.DateInput(attrs={"type": "date"}), validators=DATE_RANGE
    )

    def __init__(self, *args: Any, bots: list[Bot], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["bot"].choices = [("", "All bots"), *((str(bot.id), bot.name) for bot in bots)]  # type: ignore[attr-defined]  # a ChoiceField

    def clean(self) -> dict:
        super().clean()
        cleaned = self.cleaned_data
        start, end = cleaned.get("created_from"), cleaned.get("created_to")
        if start and end and start > end:
            self.add_error("created_to", "The end date is before the start date.")
        return cleaned

    def filters(self) -> LeadFilter:
        values = self.cleaned_data if self.is_bound and self.is_valid() else {}
        bot = values.get("bot")
        return LeadFilter(
            bot_id=bot or None,
            status=values.get("status") or "",
            search=values.get("q") or "",
            created_from=values.get("created_from"),
            created_to=values.get("created_to"),
        )


class LeadStatusForm(forms.Form):
    status = forms.ChoiceField(choices=LeadStatus.choices, label="Status")
