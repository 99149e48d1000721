from __future__ import annotations

from django import forms

from chatsphere.events import EventType
from webhooks.models import URL_MAX


class WebhookEndpointForm(forms.Form):
    url = forms.CharField(
        label="Endpoint URL",
        max_length=URL_MAX,
        widget=forms.URLInput(attrs={"placeholder": "https://example.com/chatsphere/webhooks", "autocomplete": "off"}),
        help_text="Your server's address that accepts POST requests. Redirects are not followed.",
    )
    description = forms.CharField(label="Description", max_length=200, required=False)
    events = forms.MultipleChoiceField(
        label="Events to send",
        choices=EventType.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one event."},
    )


class WebhookEndpointEditForm(WebhookEndpointForm):
    is_active = forms.BooleanField(
        label="Send events to this endpoint",
        required=False,
        help_text="Switching it back on forgets its earlier failures.",
    )
