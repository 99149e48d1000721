"""The tenant-scoped ModelAdmin base every tenant model's admin uses.

A staff bot owner sees and edits only rows of their own organizations: the change list,
search, filters, actions, foreign-key choices and object pages are all scoped, and another
organization's object answers 404 (not a redirect that would confirm it exists).
Superusers see everything.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.db.models import Model, QuerySet
from django.forms import ModelChoiceField
from django.http import Http404, HttpRequest, HttpResponse

from accounts.models import ROLE_RANK, Membership, Organization, Role
from accounts.tenancy import Actor


def organization_ids(request: HttpRequest, *, minimum: Role = Role.MEMBER) -> set[Any]:
    """Ids of the organizations where the request's user has at least `minimum` role (cached per request)."""
    cache = getattr(request, "_tenant_roles", None)
    if cache is None:
        verified = getattr(request.user, "is_email_verified", False)
        memberships = Membership.objects.filter(user_id=request.user.pk) if verified else Membership.objects.none()  # type: ignore[misc]  # verified: a signed-in user
        cache = dict(memberships.values_list("organization_id", "role"))
        request._tenant_roles = cache  # type: ignore[attr-defined]  # a per-request cache
    return {org_id for org_id, role in cache.items() if ROLE_RANK[Role(role)] >= ROLE_RANK[minimum]}


def admin_actor(request: HttpRequest, organization: Organization) -> Actor:
    """The actor for an admin write in `organization` (superusers act as owners)."""
    if request.user.is_superuser:
        return Actor(organization=organization, role=Role.OWNER, user=request.user)
    membership = Membership.objects.filter(user_id=request.user.pk, organization=organization).first()  # type: ignore[misc]  # signed-in users only: the admin has no anonymous requests
    if membership is None:
        raise Http404("Not found.")
    return Actor(organization=organization, role=Role(membership.role), user=request.user)  # type: ignore[arg-type]  # the admin's user is signed in


class ViewOnly:
    """For admin pages and inlines of records written only by the product (logs, deliveries,
    settings kept by their own page): shown, never added, changed or deleted here."""

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


class TenantAdmin(admin.ModelAdmin):
    #: Lookup from the model to its organization's id ("organization" or "id" for Organization).
    organization_lookup = "organization"
    #: Role needed to add, change or delete rows.
    write_role = Role.ADMIN

    # --- scoping ---------------------------------------------------------------------------

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(**{f"{self.organization_lookup}__in": organization_ids(request)})

    def _object_organization_id(self, obj: Model) -> Any:
        if self.organization_lookup == "id":
            return obj.pk
        return getattr(obj, f"{self.organization_lookup}_id")

    def _can_write(self, request: HttpRequest, obj: Model | None) -> bool:
        if request.user.is_superuser:
            return True
        if not request.user.is_active or not request.user.is_staff:
            return False
        writable = organization_ids(request, minimum=self.write_role)
        if obj is None:
            return bool(writable)
        return self._object_organization_id(obj) in writable

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser or (
            request.user.is_active and request.user.is_staff and bool(organization_ids(request))
        )

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        if not self.has_module_permission(request):
            return False
        return (
            obj is None or request.user.is_superuser or self._object_organization_id(obj) in organization_ids(request)
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._can_write(request, None)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._can_write(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._can_write(request, obj)

    # --- object pages answer 404 for foreign or missing objects --------------------------------

    def _ensure_visible(self, request: HttpRequest, object_id: str | None) -> None:
        if object_id is None:
            return
        if self.get_object(request, unquote(object_id)) is None:
            raise Http404("Not found.")

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict | None = None
    ) -> HttpResponse:
        self._ensure_visible(request, object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def delete_view(self, request: HttpRequest, object_id: str, extra_context: dict | None = None) -> HttpResponse:
        self._ensure_visible(request, object_id)
        return super().delete_view(request, object_id, extra_context)

    def history_view(self, request: HttpRequest, object_id: str, extra_context: dict | None = None) -> HttpResponse:
        self._ensure_visible(request, object_id)
        return super().history_view(request, object_id, extra_context)

    # --- forms, filters -----------------------------------------------------------------------

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> ModelChoiceField | None:
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if request.user.is_superuser or field is None or field.queryset is None:
            return field
        writable = organization_ids(request, minimum=self.write_role)
        related = db_field.related_model
        if related is Organization:
            field.queryset = field.queryset.filter(id__in=writable)
            if len(writable) == 1:
                field.initial = next(iter(writable))
        elif any(f.name == "organization" for f in related._meta.get_fields()):
            field.queryset = field.queryset.filter(organization_id__in=writable)
        elif related._meta.label == "accounts.User":
            field.queryset = field.queryset.filter(memberships__organization_id__in=writable).distinct()
        return field

    def get_list_filter(self, request: HttpRequest) -> list[Any]:
        filters: list[Any] = []
        for item in super().get_list_filter(request):
            if isinstance(item, str) and item in {"organization", "bot"}:
                # Only values present in the (scoped) queryset are offered.
                filters.append((item, admin.RelatedOnlyFieldListFilter))
            else:
                filters.append(item)
        return filters
