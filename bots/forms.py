from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings

from accounts.models import Membership
from bots.handoff import HANDOFF_FIELDS
from bots.models import Bot
from bots.templates_catalog import TEMPLATES

LINES_HELP = "One per line."


class LinesField(forms.CharField):
    """A list of strings edited as lines of a text area."""

    widget = forms.Textarea(attrs={"rows": 4})

    def prepare_value(self, value: Any) -> Any:
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]  # a field of lines cleans to a list
        text = super().to_python(value) or ""
        return [line.strip() for line in text.splitlines() if line.strip()]


class BotForm(forms.ModelForm):
    """Types and layout; the bot services check the rules and normalise the values."""

    model = forms.ChoiceField(
        label="Model",
        help_text="The Gemini model that writes the answers: larger ones write better answers, "
        "smaller ones answer faster and cost less.",
    )
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

    handoff_notify_user_ids = forms.MultipleChoiceField(
        required=False,
        label="E-mail each new lead to",
        widget=forms.CheckboxSelectMultiple,
        help_text="Members who receive an e-mail with the visitor's details. None chosen: nobody is e-mailed; "
        "leads still appear on the Leads page.",
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
            "source_previews",
            "is_active",
            *HANDOFF_FIELDS,
        ]
        widgets = {
            "primary_color": forms.TextInput(attrs={"type": "color"}),
            "handoff_consent_text": forms.Textarea(attrs={"rows": 2}),
            "system_prompt": forms.Textarea(attrs={"rows": 6}),
            "description": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {
            "handoff_enabled": "Offer visitors a contact form",
            "handoff_on_fallback": "When the bot cannot answer",
            "handoff_on_request": "When the visitor asks for a person",
            "handoff_after_messages": "After this many visitor messages",
            "handoff_name": "Name field",
            "handoff_name_label": "Name field's label",
            "handoff_email": "E-mail field",
            "handoff_email_label": "E-mail field's label",
            "handoff_message": "Message field",
            "handoff_message_label": "Message field's label",
            "handoff_consent_text": "Consent text",
        }
        help_texts = {
            "handoff_enabled": "The widget shows a short form in the chat; what visitors send becomes a lead "
            "on the Leads page.",
            "handoff_on_fallback": "Offer the form after an answer the documents could not give.",
            "handoff_on_request": 'Offer the form when a visitor writes things like "talk to a human" or '
            '"contact support".',
            "handoff_after_messages": "Offer the form once, after the visitor's Nth message (1–50). Empty: never "
            "for this reason.",
            "handoff_consent_text": "Optional. When set, visitors must tick a box with this text to send the form "
            "(for example, agreeing to be contacted by e-mail).",
            "system_prompt": (
                "How the bot behaves: its role, tone and limits. Answers always stay grounded in your documents."
            ),
            "temperature": "0 keeps answers focused and repeatable; up to 2 makes them more varied.",
            "max_output_tokens": "The longest answer the model may write (16–8192 tokens; a token is about "
            "three quarters of a word). Lower it to keep answers short.",
            "top_k": (
                "How many passages of your documents are given to the model for each question (1–20). More "
                "passages help with questions whose answer is spread out, but can bring in unrelated text."
            ),
            "strictness": (
                "How sure the bot must be that its documents answer a question before it answers (0–1, default 0.4). "
                "Higher: it says it does not know more often; lower: it also answers from passages that "
                "match only part of the question."
            ),
            "fallback_message": "Said when the documents hold no answer.",
            "chunk_tokens": (
                f"Passage size in tokens (100–2000; empty: {settings.CHATSPHERE_CHUNK_TOKENS}). Smaller passages "
                "match precise questions better, larger ones keep more context together. Applies to documents "
                "added or re-ingested after the change."
            ),
            "chunk_overlap": (
                f"Tokens shared by consecutive passages (empty: {settings.CHATSPHERE_CHUNK_OVERLAP}), so a "
                "sentence cut at a passage's end is still whole in the next one. Applies to documents added or "
                "re-ingested after the change."
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["model"]).choices = [(name, name) for name in settings.GEMINI_MODELS]
        if self.instance.pk is None:
            self.fields["model"].initial = settings.GEMINI_MODEL
        members = Membership.objects.filter(organization_id=self.instance.organization_id).select_related("user")
        cast(forms.MultipleChoiceField, self.fields["handoff_notify_user_ids"]).choices = [
            (str(m.user_id), f"{m.user.full_name} ({m.user.email})" if m.user.full_name else m.user.email)
            for m in members
        ]

    def _post_clean(self) -> None:
        # Model validation runs in the services, which report errors field by field.
        pass


#: The settings of the form's "Advanced" section: answer generation, retrieval and chunking.
ADVANCED_FIELDS = ("model", "temperature", "max_output_tokens", "top_k", "strictness", "chunk_tokens", "chunk_overlap")


class BotCreateForm(forms.Form):
    """A new bot needs only a name; a template gives it a fitting prompt, welcome and questions."""

    name = forms.CharField(max_length=100, label="Name", help_text="Shown to you, and to visitors as the chat's title.")
    template = forms.ChoiceField(
        required=False,
        label="Start from",
        widget=forms.RadioSelect,
        choices=[("", "Blank: a general assistant"), *((key, t.label) for key, t in TEMPLATES.items())],
        initial="",
        help_text="Every setting can be changed later on the bot's Settings page.",
    )


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
            "theme",
            "allowed_origins",
            "source_previews",
            "is_active",
        ]
        widgets = {"primary_color": forms.TextInput(attrs={"type": "color"})}
        labels = {"is_active": "Widget switched on", "theme": "Colours", "source_previews": "Source previews"}
        help_texts = {
            "theme": "Light or dark; automatic follows each visitor's system setting. Your primary color is "
            "adjusted where needed so text keeps its contrast on the dark background."
        }

    def _post_clean(self) -> None:
        # Model validation runs in the services, which report errors field by field.
        pass
