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

    def full_clean(self) -> None:
        super().full_clean()
        # Tie each field to its error messages so screen readers announce them with the field.
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs.update(
                    {"aria-invalid": "true", "aria-describedby": f"{self[name].auto_id}_errors"}
                )


class AnswerSearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=200, label="Search")
