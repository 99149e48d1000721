from __future__ import annotations

import uuid
from typing import Any, cast

from django import forms
from django.conf import settings

from documents.models import DocumentSource, DocumentStatus, RecrawlSchedule


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
    files = MultipleFileField(  # type: ignore[assignment]  # a declared field: Django moves it off the class
        label="Files",
        help_text=f"PDF, Word (.docx), HTML, Markdown, CSV or text, up to {settings.CHATSPHERE_MAX_UPLOAD_MB} MB each.",
        widget=MultipleFileInput(
            attrs={"accept": ".pdf,.docx,.html,.htm,.md,.markdown,.csv,.txt,text/*,application/pdf"}
        ),
    )


class _OnePageForm(forms.Form):
    """A form shown beside others on one page: its ids carry its own prefix, so two forms' fields
    of the same name never share an id (and a label or an error always points at its own field)."""

    id_prefix = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"id_{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


class TextForm(_OnePageForm):
    id_prefix = "text"
    title = forms.CharField(max_length=255, required=False, label="Title")
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), label="Text", strip=False)


class UrlForm(_OnePageForm):
    id_prefix = "url"
    url = forms.URLField(max_length=2000, label="Web page address", assume_scheme="https")
    title = forms.CharField(max_length=255, required=False, label="Title (optional)")


class WebsiteForm(_OnePageForm):
    id_prefix = "site"
    start_url = forms.URLField(
        max_length=2000,
        label="Site or sitemap address",
        assume_scheme="https",
        help_text="The page to start from, or the site's sitemap.xml.",
    )
    kind = forms.ChoiceField(
        label="Start from",
        choices=[("site", "A page and its links"), ("sitemap", "A sitemap")],
        initial="site",
    )
    max_depth = forms.IntegerField(
        label="Link depth",
        min_value=0,
        max_value=settings.CHATSPHERE_CRAWL_MAX_DEPTH,
        initial=settings.CHATSPHERE_CRAWL_DEFAULT_DEPTH,
        help_text="How many links away from the start page to go.",
    )
    max_pages = forms.IntegerField(
        label="Most pages",
        min_value=1,
        max_value=settings.CHATSPHERE_CRAWL_MAX_PAGES,
        initial=settings.CHATSPHERE_CRAWL_DEFAULT_PAGES,
    )
    schedule = forms.ChoiceField(label="Crawl again", choices=RecrawlSchedule.choices, initial=RecrawlSchedule.OFF)


class WebsiteSettingsForm(_OnePageForm):
    id_prefix = "settings"
    schedule = forms.ChoiceField(label="Crawl again", choices=RecrawlSchedule.choices)
    max_depth = forms.IntegerField(label="Link depth", min_value=0, max_value=settings.CHATSPHERE_CRAWL_MAX_DEPTH)
    max_pages = forms.IntegerField(label="Most pages", min_value=1, max_value=settings.CHATSPHERE_CRAWL_MAX_PAGES)


ORDER_CHOICES = [
    ("newest", "Newest first"),
    ("oldest", "Oldest first"),
    ("title", "Title (A–Z)"),
    ("largest", "Largest first"),
    ("passages", "Most passages first"),
]


STATUS_CHOICES = [
    ("", "Any"),
    (DocumentStatus.READY.value, "Ready"),
    (DocumentStatus.PROCESSING.value, "Being processed"),
    (DocumentStatus.FAILED.value, "Failed"),
]


class SearchInput(forms.TextInput):
    input_type = "search"


class DocumentFilterForm(_OnePageForm):
    """The search, filters and order of the Knowledge page's list (a wrong value is ignored)."""

    id_prefix = "filter"
    q = forms.CharField(
        required=False,
        max_length=200,
        label="Search",
        widget=SearchInput(attrs={"placeholder": "Title or web address"}),
    )
    status = forms.ChoiceField(required=False, label="Status", choices=STATUS_CHOICES)
    source = forms.ChoiceField(required=False, label="Kind", choices=[("", "Any"), *DocumentSource.choices])
    order = forms.ChoiceField(required=False, label="Sort", choices=ORDER_CHOICES)

    def __init__(self, *args: Any, counts: dict[str, int] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if counts is not None:
            status = cast(forms.ChoiceField, self.fields["status"])
            status.choices = [
                (value, f"{label} ({counts[value]})" if value in counts else label) for value, label in STATUS_CHOICES
            ]

    def values(self) -> dict[str, str]:
        """The valid values, each field on its own: one wrong value does not drop the others."""
        self.is_valid()
        return {name: str(self.cleaned_data.get(name) or "") for name in self.fields if name not in self.errors}


BULK_ACTIONS = [("delete", "Delete"), ("reingest", "Re-ingest")]


class BulkActionForm(forms.Form):
    action = forms.ChoiceField(choices=BULK_ACTIONS)
    documents = forms.Field(required=False, widget=forms.MultipleHiddenInput)
    confirmed = forms.BooleanField(required=False)

    def clean_documents(self) -> list[uuid.UUID]:
        ids = []
        for value in self.cleaned_data.get("documents") or []:
            try:
                ids.append(uuid.UUID(str(value)))
            except ValueError:
                continue  # not an id of anything: treated like a document deleted meanwhile
        if not ids:
            raise forms.ValidationError("Select at least one document.")
        return ids
