from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest

from accounts.admin import _copy_fields
from accounts.admin_base import TenantAdmin, admin_actor, organization_ids
from chatsphere.errors import ApplicationError
from documents import services
from documents.models import Document, DocumentStatus, IngestionRun


class DocumentAddForm(forms.ModelForm):
    """Add one document: a file, a pasted text or a web page address.

    The document is created while the form is validated (inside the admin's transaction), so the
    services' refusals (type, size, duplicates) show as form errors and nothing is stored.
    """

    upload = forms.FileField(required=False, label="File")
    text = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 8}), label="Or paste text")
    page_url = forms.URLField(required=False, label="Or a web page address", assume_scheme="https")

    request: HttpRequest
    created: Document | None = None

    class Meta:
        model = Document
        fields = ["bot", "title"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        given = [name for name in ("upload", "text", "page_url") if cleaned.get(name)]
        if len(given) != 1:
            raise ValidationError("Give exactly one of a file, a text or a web page address.")
        bot = cleaned.get("bot")
        if bot is None or self.errors:
            return cleaned
        actor = admin_actor(self.request, bot.organization)
        title = cleaned.get("title") or ""
        try:
            with transaction.atomic():
                if cleaned.get("upload"):
                    self.created = services.document_create_from_file(
                        actor=actor, bot=bot, uploaded_file=cleaned["upload"], title=title
                    )
                elif cleaned.get("page_url"):
                    self.created = services.document_create_from_url(
                        actor=actor, bot=bot, url=cleaned["page_url"], title=title
                    )
                else:
                    self.created = services.document_create_from_text(
                        actor=actor, bot=bot, title=title, text=cleaned["text"]
                    )
        except ApplicationError as exc:
            raise ValidationError(exc.message) from exc
        return cleaned


class IngestionRunInline(admin.TabularInline):
    """The document's ingestion history, read only (the pipeline writes it)."""

    model = IngestionRun
    extra = 0
    can_delete = False
    ordering = ["-started_at"]
    fields = readonly_fields = (
        "attempt",
        "outcome",
        "stage",
        "queued_at",
        "started_at",
        "finished_at",
        "chunk_count",
        "worker",
        "error",
    )

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Whoever may see the document sees its runs: the inline is only shown on the document's
        # page, which answers 404 to other organizations.
        if request.user.is_superuser:
            return True
        return obj.organization_id in organization_ids(request) if obj is not None else bool(organization_ids(request))

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Document)
class DocumentAdmin(TenantAdmin):
    list_display = ["title", "bot", "source", "status", "stage", "progress", "chunk_count", "created_at"]
    list_filter = ["status", "source", "bot"]
    search_fields = ["title", "url"]
    list_select_related = ["bot"]
    actions = ["reingest"]
    readonly_fields = [
        "organization",
        "bot",
        "source",
        "url",
        "stored_file",
        "sha256",
        "content_type",
        "size_bytes",
        "page_count",
        "status",
        "stage",
        "progress",
        "error",
        "attempts",
        "chunk_count",
        "token_count",
        "embedder",
        "embedding_dimension",
        "indexed_at",
        "created_by",
        "created_at",
        "updated_at",
    ]

    @admin.display(description="File")
    def stored_file(self, obj: Document) -> str:
        # The name alone: uploads are private, never served by a link (docs/deploy.md, "Shared state").
        return obj.file.name or "–"

    def get_inlines(self, request: HttpRequest, obj: Document | None = None) -> list[type[admin.TabularInline]]:  # type: ignore[override]  # a list of inline classes is a valid answer
        return [IngestionRunInline] if obj is not None else []

    def get_readonly_fields(self, request: HttpRequest, obj: Document | None = None) -> list[str]:
        return self.readonly_fields if obj is not None else []

    def get_fields(self, request: HttpRequest, obj: Document | None = None) -> list[str]:  # type: ignore[override]  # a list[str] is a valid answer; the stub's union of lists rejects it (invariance)
        if obj is None:
            return ["bot", "title", "upload", "text", "page_url"]
        return ["title", *self.readonly_fields]

    def get_form(
        self, request: HttpRequest, obj: Document | None = None, change: bool = False, **kwargs: Any
    ) -> type[forms.ModelForm]:
        if obj is not None:
            return super().get_form(request, obj, change, **kwargs)
        kwargs["form"] = DocumentAddForm
        kwargs["fields"] = None
        form_class = super().get_form(request, obj, change, **kwargs)
        return type("DocumentAddFormForRequest", (form_class,), {"request": request})

    def save_model(self, request: HttpRequest, obj: Document, form: forms.ModelForm, change: bool) -> None:
        if change:
            obj.save(update_fields=["title", "updated_at"])
            return
        created = cast(DocumentAddForm, form).created
        assert created is not None  # clean() made it, or the form would not be valid
        _copy_fields(obj, created)

    def delete_model(self, request: HttpRequest, obj: Document) -> None:
        services.document_delete(actor=admin_actor(request, obj.organization), document=obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for document in queryset.select_related("organization", "bot"):
            self.delete_model(request, document)

    @admin.action(description="Re-ingest selected documents")
    def reingest(self, request: HttpRequest, queryset: Any) -> None:
        queued = 0
        for document in queryset.select_related("organization", "bot").exclude(status=DocumentStatus.PROCESSING):
            try:
                services.document_reingest(actor=admin_actor(request, document.organization), document=document)
            except ApplicationError as exc:
                messages.error(request, f"{document.title}: {exc.message}")
                continue
            queued += 1
        if queued:
            messages.success(request, f"{queued} document(s) queued for processing.")
