from __future__ import annotations

from django import forms
from django.conf import settings

from documents.models import DocumentStatus


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field; each is validated by the services one by one."""

    widget = MultipleFileInput

    def clean(self, data: object, initial: object = None) -> list:
        files = data if isinstance(data, list | tuple) else [data]
        files = [item for item in files if item]
        if not files:
            raise forms.ValidationError("Choose at least one file.")
        return [super(MultipleFileField, self).clean(item, initial) for item in files]


class UploadForm(forms.Form):
    files = MultipleFileField(
        label="Files",
        help_text=f"PDF, Word (.docx), HTML, Markdown, CSV or text, up to {settings.CHATSPHERE_MAX_UPLOAD_MB} MB each.",
        widget=MultipleFileInput(
            attrs={"accept": ".pdf,.docx,.html,.htm,.md,.markdown,.csv,.txt,text/*,application/pdf"}
        ),
    )


class TextForm(forms.Form):
    title = forms.CharField(max_length=255, required=False, label="Title")
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), label="Text", strip=False)


class UrlForm(forms.Form):
    url = forms.URLField(max_length=2000, label="Web page address", assume_scheme="https")
    title = forms.CharField(max_length=255, required=False, label="Title (optional)")


class StatusFilterForm(forms.Form):
    status = forms.ChoiceField(choices=[("", "All"), *DocumentStatus.choices], required=False)
