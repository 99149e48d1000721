from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import Model
from django.forms import ModelForm
from django.http import HttpRequest

from accounts.admin_base import TenantAdmin, admin_actor, organization_ids
from accounts.forms import AdminEmailAuthenticationForm
from accounts.models import ApiKey, Invitation, Membership, Organization, Role, User
from accounts.services.api_keys import api_key_create, api_key_revoke
from accounts.services.common import unique_slug
from accounts.services.invitations import invitation_create, invitation_revoke
from accounts.services.memberships import membership_change_role, membership_remove
from accounts.services.organizations import organization_delete, organization_update
from chatsphere.errors import ApplicationError

# The admin's login door shares the dashboard's and the API's lock-out after repeated failures.
admin.site.login_form = AdminEmailAuthenticationForm


def _copy_fields(target: Model, source: Model) -> None:
    """Make the admin's unsaved instance the row a service created, so the admin links to it."""
    for field in source._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))
    target._state.adding = False


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """People are managed by superusers; bot owners manage members of their organizations instead."""

    ordering = ["email"]
    list_display = ["email", "full_name", "is_staff", "is_active", "email_verified_at", "date_joined"]
    search_fields = ["email", "full_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Profile", {"fields": ("full_name",)}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        # An operator may mark an address verified by hand, e.g. after confirming it another way.
        ("Dates", {"fields": ("last_login", "date_joined", "email_verified_at")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ["user", "role", "created_at"]
    readonly_fields = ["user", "role", "created_at"]
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(Organization)
class OrganizationAdmin(TenantAdmin):
    organization_lookup = "id"
    list_display = ["name", "slug", "created_at"]
    search_fields = ["name", "slug"]
    readonly_fields = ["slug", "created_at", "updated_at"]
    fields = ["name", "slug", "created_at", "updated_at"]
    inlines = [MembershipInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        if request.user.is_superuser:
            return True
        return obj is not None and obj.pk in _owner_org_ids(request)

    def save_model(self, request: HttpRequest, obj: Organization, form: ModelForm, change: bool) -> None:
        if not change:
            obj.slug = unique_slug(obj.name)
            obj.save()
            return
        organization_update(actor=admin_actor(request, obj), name=obj.name)

    def delete_model(self, request: HttpRequest, obj: Organization) -> None:
        organization_delete(actor=admin_actor(request, obj))


def _owner_org_ids(request: HttpRequest) -> set[Any]:
    return organization_ids(request, minimum=Role.OWNER)


@admin.register(Membership)
class MembershipAdmin(TenantAdmin):
    list_display = ["user", "organization", "role", "created_at"]
    list_filter = ["organization", "role"]
    search_fields = ["user__email"]
    list_select_related = ["user", "organization"]
    fields = ["user", "organization", "role"]
    actions = None

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> list[str]:
        return ["user", "organization"] if obj else []

    def has_add_permission(self, request: HttpRequest) -> bool:
        # People join through invitations; only superusers attach accounts directly.
        return request.user.is_superuser

    def save_model(self, request: HttpRequest, obj: Membership, form: ModelForm, change: bool) -> None:
        if not change:
            obj.save()
            return
        try:
            membership_change_role(actor=admin_actor(request, obj.organization), membership_id=obj.pk, role=obj.role)
        except ApplicationError as exc:
            messages.error(request, exc.message)

    def delete_model(self, request: HttpRequest, obj: Membership) -> None:
        try:
            revoked = membership_remove(actor=admin_actor(request, obj.organization), membership_id=obj.pk)
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return
        if revoked:
            messages.info(request, f"API keys {obj.user} created, now revoked: {revoked}.")


class InvitationForm(ModelForm):
    class Meta:
        model = Invitation
        fields = ["organization", "email", "role"]


@admin.register(Invitation)
class InvitationAdmin(TenantAdmin):
    form = InvitationForm
    list_display = ["email", "organization", "role", "status", "expires_at", "created_at"]
    list_filter = ["organization", "role"]
    search_fields = ["email"]
    list_select_related = ["organization"]
    actions = ["revoke_selected"]

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> list[str]:
        if obj:
            return ["organization", "email", "role", "status", "invited_by", "expires_at", "accepted_at", "revoked_at"]
        return []

    def get_fields(self, request: HttpRequest, obj: Model | None = None) -> list[str]:  # type: ignore[override]  # a list[str] is a valid answer; the stub's union of lists rejects it (invariance)
        return self.get_readonly_fields(request, obj) if obj else ["organization", "email", "role"]

    def save_model(self, request: HttpRequest, obj: Invitation, form: ModelForm, change: bool) -> None:
        if change:
            return
        invitation, _token = invitation_create(
            actor=admin_actor(request, obj.organization), email=obj.email, role=obj.role
        )
        _copy_fields(obj, invitation)
        messages.info(request, f"An invitation e-mail was sent to {invitation.email}.")

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        return {"role": Role.MEMBER}

    @admin.action(description="Revoke selected invitations")
    def revoke_selected(self, request: HttpRequest, queryset: Any) -> None:
        for invitation in queryset.select_related("organization"):
            try:
                invitation_revoke(actor=admin_actor(request, invitation.organization), invitation_id=invitation.pk)
            except ApplicationError as exc:
                messages.error(request, f"{invitation.email}: {exc.message}")


@admin.register(ApiKey)
class ApiKeyAdmin(TenantAdmin):
    list_display = ["name", "organization", "prefix", "created_by", "is_active", "last_used_at", "created_at"]
    list_filter = ["organization"]
    search_fields = ["name", "prefix"]
    list_select_related = ["organization", "created_by"]
    actions = ["revoke_selected"]

    def get_fields(self, request: HttpRequest, obj: Model | None = None) -> list[str]:  # type: ignore[override]  # a list[str] is a valid answer; the stub's union of lists rejects it (invariance)
        if obj:
            return ["organization", "name", "prefix", "created_by", "created_at", "last_used_at", "revoked_at"]
        return ["organization", "name"]

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> list[str]:
        return self.get_fields(request, obj) if obj else []

    def save_model(self, request: HttpRequest, obj: ApiKey, form: ModelForm, change: bool) -> None:
        if change:
            return
        try:
            api_key, secret = api_key_create(actor=admin_actor(request, obj.organization), name=obj.name)
        except ApplicationError as exc:
            messages.error(request, exc.display_message)
            return
        _copy_fields(obj, api_key)
        messages.warning(request, f"Copy the key now; it will not be shown again: {secret}")

    def delete_model(self, request: HttpRequest, obj: ApiKey) -> None:
        api_key_revoke(actor=admin_actor(request, obj.organization), api_key_id=obj.pk)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        self.revoke_selected(request, queryset)

    @admin.action(description="Revoke selected API keys")
    def revoke_selected(self, request: HttpRequest, queryset: Any) -> None:
        for api_key in queryset.select_related("organization"):
            try:
                api_key_revoke(actor=admin_actor(request, api_key.organization), api_key_id=api_key.pk)
            except ApplicationError as exc:
                messages.error(request, f"{api_key.name}: {exc.message}")
