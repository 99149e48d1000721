from __future__ import annotations

from datetime import date

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator

from chat.models import Channel

#: The day after "To" is the end of the range: it must exist.
DATE_RANGE = [MinValueValidator(date(1900, 1, 1)), MaxValueValidator(date(9999, 12, 30))]
FEEDBACK_CHOICES = [("", "Any"), ("up", "Helpful"), ("down", "Not helpful"), ("none", "Not rated")]


class SearchInput(forms.TextInput):
    input_type = "search"


class ConversationFilterForm(forms.Form):
    q = forms.CharField(
        required=False,
        max_length=200,
        label="Search messages",
        widget=SearchInput(attrs={"placeholder": "Words a visitor or the bot wrote"}),
    )
    channel = forms.ChoiceField(choices=[("", "All"), *Channel.choices], required=False)
    since = forms.DateField(
        required=False, label="From", widget=forms.DateInput(attrs={"type": "date"}), validators=DATE_RANGE
    )
    until = forms.DateField(
        required=False, label="To", widget=forms.DateInput(attrs={"type": "date"}), validators=DATE_RANGE
    )
    unanswered = forms.BooleanField(required=False, label="Has an unanswered question")
    feedback = forms.ChoiceField(choices=FEEDBACK_CHOICES, required=False)

    def clean(self) -> dict:
        super().clean()
        cleaned = self.cleaned_data
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", "The end date is before the start date.")
        return cleaned
