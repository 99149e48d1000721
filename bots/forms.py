from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings

from bots.models import Bot

LINES_HELP = "One per line."


class LinesField(forms.CharField):
    """A list of strings edited as lines of a text area."""

    widget = forms.Textarea(attrs={"rows": 4})

    def prepare_value(self, value: Any) -> Any:
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value: Any) -> list[str]:
        text = super().to_python(value) or ""
        return [line.strip() for line in text.splitlines() if line.strip()]


class BotForm(forms.ModelForm):
    """Types and layout; the bot services check the rules and normalise the values."""

    model = forms.ChoiceField(label="Model", help_text="The Gemini model that writes the answers.")
    suggested_questions = LinesField(
        required=False,
        label="Suggested questions",
        help_text="Up to 6 short questions visitors can click. " + LINES_HELP,
    )
    allowed_origins = LinesField(
        required=False,
        label="Allowed origins",
        help_text="Websites where the widget may run, like https://www.example.com. " + LINES_HELP,
    )

    class Meta:
        model = Bot
        fields = [
            "name",
            "description",
            "system_prompt",
            "model",
            "temperature",
            "max_output_tokens",
            "top_k",
            "strictness",
            "chunk_tokens",
            "chunk_overlap",
            "welcome_message",
            "fallback_message",
            "suggested_questions",
            "widget_title",
            "primary_color",
            "position",
            "allowed_origins",
            "is_active",
        ]
        widgets = {
            "primary_color": forms.TextInput(attrs={"type": "color"}),
            "system_prompt": forms.Textarea(attrs={"rows": 6}),
            "description": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "system_prompt": (
                "How the bot behaves: its role, tone and limits. Answers always stay grounded in your documents."
            ),
            "temperature": "0 keeps answers focused and repeatable; up to 2 makes them more varied.",
            "top_k": "How many passages are retrieved for each question (1–20).",
            "strictness": (
                "How sure the bot must be that its documents answer a question before it answers (0–1, default 0.4). "
                "Higher: it says it does not know more often; lower: it also answers from passages that "
                "match only part of the question."
            ),
            "fallback_message": "Said when the documents hold no answer.",
            "chunk_tokens": f"Passage size in tokens (100–2000; empty: {settings.CHATSPHERE_CHUNK_TOKENS}).",
            "chunk_overlap": f"Tokens shared by consecutive passages (empty: {settings.CHATSPHERE_CHUNK_OVERLAP}).",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["model"].choices = [(name, name) for name in settings.GEMINI_MODELS]
        if self.instance.pk is None:
            self.fields["model"].initial = settings.GEMINI_MODEL

    def _post_clean(self) -> None:
        # Model validation runs in the services, which report errors field by field.
        pass


class WidgetForm(forms.ModelForm):
    """The widget's appearance, texts, where it may run, and its switch."""

    suggested_questions = BotForm.base_fields["suggested_questions"]
    allowed_origins = BotForm.base_fields["allowed_origins"]

    class Meta:
        model = Bot
        fields = [
            "widget_title",
            "welcome_message",
            "suggested_questions",
            "primary_color",
            "position",
            "allowed_origins",
            "is_active",
        ]
        widgets = {"primary_color": forms.TextInput(attrs={"type": "color"})}
        labels = {"is_active": "Widget switched on"}

    def _post_clean(self) -> None:
        # Model validation runs in the services, which report errors field by field.
        pass
