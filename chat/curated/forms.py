from __future__ import annotations

from django import forms

from chat.models import CURATED_ANSWER_MAX, CURATED_QUESTION_MAX


class CuratedAnswerForm(forms.Form):
    question = forms.CharField(
        max_length=CURATED_QUESTION_MAX,
        label="Question",
        help_text="As a visitor would ask it; questions that ask the same thing in other words get this answer too.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    answer = forms.CharField(
        max_length=CURATED_ANSWER_MAX,
        label="Answer",
        help_text=f"What the bot replies, word for word (up to {CURATED_ANSWER_MAX} characters).",
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    #: The bot answer being corrected, when the form was opened from a conversation.
    source = forms.UUIDField(required=False, widget=forms.HiddenInput)


class AnswerSearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=200, label="Search")
