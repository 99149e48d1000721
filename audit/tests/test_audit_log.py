"""The audit log records what owners, admins and API keys change, and owners read and export it."""

from __future__ import annotations

import csv
import io
import json
from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import ApiKey, Membership, Role
from accounts.tenancy import Actor
from audit.models import AuditAction, AuditEntry
from bots import services as bot_services
from bots.tests.factories import BotFactory
from chatsphere.errors import InvalidInput
from conftest import Tenant, jwt_client
from documents.tests.factories import DocumentFactory

pytestmark = pytest.mark.django_db


def _log_url(tenant: Tenant, suffix: str = "") -> str:
    return f"/api/v1/organizations/{tenant.organization.id}/audit-log/{suffix}"


def _entries(tenant: Tenant) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(organization=tenant.organization).order_by("created_at"))


def test_a_bot_settings_change_is_recorded_with_who_what_and_the_diff(tenant_a):
    bot = BotFactory(organization=tenant_a.organization, name="Ferry helper", temperature=0.2)
    client = jwt_client(tenant_a.admin, tenant_a.organization)

    response = client.patch(
        f"/api/v1/bots/{bot.id}/", {"name": "Ferry desk", "temperature": 0.2}, format="json", REMOTE_ADDR="203.0.113.7"
    )

    assert response.status_code == HTTPStatus.OK
    [entry] = _entries(tenant_a)
    assert entry.action == AuditAction.BOT_UPDATE
    assert entry.actor_user == tenant_a.admin
    assert entry.actor_label == tenant_a.admin.email
    assert (entry.target_type, entry.target_id, entry.target_label) == ("bot", str(bot.id), "Ferry desk")
    # Only what changed: the temperature was sent with its old value.
    assert entry.changes == {"name": {"from": "Ferry helper", "to": "Ferry desk"}}
    assert entry.ip_address == "203.0.113.7"


def test_a_refused_change_leaves_no_entry(tenant_a):
    bot = BotFactory(organization=tenant_a.organization)
    actor = Actor(organization=tenant_a.organization, role=Role.ADMIN, user=tenant_a.admin)

    with pytest.raises(InvalidInput):
        bot_services.bot_update(actor=actor, bot=bot, name="")

    assert _entries(tenant_a) == []


def test_document_deletion_and_reingest_are_recorded(tenant_a):
    bot = BotFactory(organization=tenant_a.organization)
    kept = DocumentFactory(bot=bot, title="Timetable", status="ready")
    gone = DocumentFactory(bot=bot, title="Old fares")
    client = jwt_client(tenant_a.admin, tenant_a.organization)

    assert client.post(f"/api/v1/documents/{kept.id}/reingest/").status_code == HTTPStatus.ACCEPTED
    assert client.delete(f"/api/v1/documents/{gone.id}/").status_code == HTTPStatus.NO_CONTENT

    entries = _entries(tenant_a)
    assert [(e.action, e.target_label) for e in entries] == [
        (AuditAction.DOCUMENT_REINGEST, "Timetable"),
        (AuditAction.DOCUMENT_DELETE, "Old fares"),
    ]
    assert entries[1].target_id == str(gone.id)


def test_people_and_keys_are_recorded_without_any_secret(tenant_a):
    client = jwt_client(tenant_a.owner, tenant_a.organization)
    org = f"/api/v1/organizations/{tenant_a.organization.id}"
    member = Membership.objects.get(organization=tenant_a.organization, user=tenant_a.member)

    invited = client.post(f"{org}/invitations/", {"email": "deckhand@example.com", "role": "admin"}, format="json")
    created = client.post(f"{org}/api-keys/", {"name": "Booking site"}, format="json")
    key_id = created.json()["id"]
    client.delete(f"{org}/api-keys/{key_id}/")
    client.patch(f"{org}/members/{member.id}/", {"role": "admin"}, format="json")
    client.delete(f"{org}/members/{member.id}/")

    assert invited.status_code == created.status_code == HTTPStatus.CREATED
    entries = _entries(tenant_a)
    assert [(e.action, e.target_label) for e in entries] == [
        (AuditAction.MEMBER_INVITE, "deckhand@example.com"),
        (AuditAction.API_KEY_CREATE, str(ApiKey.objects.get(id=key_id))),
        (AuditAction.API_KEY_REVOKE, str(ApiKey.objects.get(id=key_id))),
        (AuditAction.MEMBER_ROLE_CHANGE, tenant_a.member.email),
        (AuditAction.MEMBER_REMOVE, tenant_a.member.email),
    ]
    assert entries[0].changes == {"role": "admin"}
    assert entries[3].changes == {"role": {"from": "member", "to": "admin"}}
    secret = created.json()["key"]
    everything = " ".join(str(AuditEntry.objects.filter(pk=e.pk).values().get()) for e in entries)
    assert secret not in everything
    assert secret[12:] not in everything


def test_owners_page_through_and_filter_the_log_by_action_and_person(tenant_a):
    bot = BotFactory(organization=tenant_a.organization, name="Ferry helper")
    for n in range(3):
        jwt_client(tenant_a.admin, tenant_a.organization).patch(
            f"/api/v1/bots/{bot.id}/", {"name": f"Ferry {n}"}, format="json"
        )
    jwt_client(tenant_a.owner, tenant_a.organization).post(f"/api/v1/bots/{bot.id}/rotate-key/")
    client = jwt_client(tenant_a.owner, tenant_a.organization)

    first = client.get(_log_url(tenant_a), {"page_size": 2}).json()
    second = client.get(first["next"]).json()
    by_admin = client.get(_log_url(tenant_a), {"actor": str(tenant_a.admin.id)}).json()
    rotations = client.get(_log_url(tenant_a), {"action": "bot.rotate_key"}).json()

    assert [e["action"] for e in first["results"]] == ["bot.rotate_key", "bot.update"]
    assert [e["changes"]["name"]["to"] for e in second["results"]] == ["Ferry 1", "Ferry 0"]
    assert len(by_admin["results"]) == 3
    assert [e["actor"] for e in rotations["results"]] == [tenant_a.owner.email]


@pytest.mark.parametrize("role", [Role.ADMIN, Role.MEMBER])
def test_only_owners_read_the_log(tenant_a, role):
    client = jwt_client(tenant_a.user(role), tenant_a.organization)

    assert client.get(_log_url(tenant_a)).status_code == HTTPStatus.FORBIDDEN
    assert client.get(_log_url(tenant_a, "export/")).status_code == HTTPStatus.FORBIDDEN


def test_bad_filters_answer_400_naming_the_field(tenant_a):
    client = jwt_client(tenant_a.owner, tenant_a.organization)

    response = client.get(_log_url(tenant_a), {"since": "2026-02-30"})
    reversed_range = client.get(_log_url(tenant_a), {"since": "2026-05-02", "until": "2026-05-01"})

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "since" in response.json()["errors"]
    assert reversed_range.status_code == HTTPStatus.BAD_REQUEST
    assert "until" in reversed_range.json()["errors"]


def test_the_log_cannot_be_edited_or_deleted_through_the_api(tenant_a):
    BotFactory(organization=tenant_a.organization)
    bot = BotFactory(organization=tenant_a.organization, name="Ferry helper")
    client = jwt_client(tenant_a.owner, tenant_a.organization)
    client.post(f"/api/v1/bots/{bot.id}/rotate-key/")
    before = list(AuditEntry.objects.values())

    for method in (client.post, client.put, client.patch, client.delete):
        assert method(_log_url(tenant_a), {}, format="json").status_code == HTTPStatus.METHOD_NOT_ALLOWED

    assert list(AuditEntry.objects.values()) == before


def test_the_csv_export_has_one_row_per_entry_and_defuses_formulas(tenant_a):
    bot = BotFactory(organization=tenant_a.organization, name="Ferry helper")
    admin = jwt_client(tenant_a.admin, tenant_a.organization)
    admin.patch(f"/api/v1/bots/{bot.id}/", {"name": "=HYPERLINK(1)"}, format="json")
    client = jwt_client(tenant_a.owner, tenant_a.organization)

    response = client.get(_log_url(tenant_a, "export/"))

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == ["time", "actor", "action", "target_type", "target_id", "target", "changes", "ip_address"]
    assert rows[1][1:4] == [tenant_a.admin.email, "bot.update", "bot"]
    assert rows[1][5] == "'=HYPERLINK(1)"
    assert len(rows) == 2


def test_another_organizations_entries_never_show(tenant_a, tenant_b):
    bot_b = BotFactory(organization=tenant_b.organization, name="Beta bot")
    jwt_client(tenant_b.owner, tenant_b.organization).post(f"/api/v1/bots/{bot_b.id}/rotate-key/")
    client = jwt_client(tenant_a.owner, tenant_a.organization)

    assert client.get(_log_url(tenant_a)).json()["results"] == []
    assert client.get(_log_url(tenant_b)).status_code == HTTPStatus.NOT_FOUND
    page = _page(tenant_a.owner)
    assert "Beta bot" not in page.get(reverse("dashboard:audit-log")).content.decode()


def _page(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_dashboard_page_shows_filters_and_exports_for_owners(tenant_a):
    bot = BotFactory(organization=tenant_a.organization, name="Ferry helper")
    jwt_client(tenant_a.admin, tenant_a.organization).patch(
        f"/api/v1/bots/{bot.id}/", {"name": "Ferry desk"}, format="json"
    )
    jwt_client(tenant_a.owner, tenant_a.organization).post(f"/api/v1/bots/{bot.id}/rotate-key/")
    owner = _page(tenant_a.owner)

    page = owner.get(reverse("dashboard:audit-log")).content.decode()
    rows = page.split("<tbody>", 1)[1]
    filtered = owner.get(reverse("dashboard:audit-log"), {"action": "bot.update"}).content.decode()
    exported = owner.get(reverse("dashboard:audit-log-export"), {"action": "bot.rotate_key"})

    assert "Bot settings changed: Ferry desk" in rows
    assert "Ferry helper → Ferry desk" in rows
    assert "Widget key rotated" in rows
    assert "Widget key rotated" not in filtered.split("<tbody>", 1)[1]
    assert "Bot settings changed: Ferry desk" in filtered.split("<tbody>", 1)[1]
    csv_rows = list(csv.reader(io.StringIO(b"".join(exported.streaming_content).decode())))
    assert [row[2] for row in csv_rows[1:]] == ["bot.rotate_key"]
    assert _page(tenant_a.admin).get(reverse("dashboard:audit-log")).status_code == HTTPStatus.FORBIDDEN
    assert 'href="/app/audit-log/"' in page
    assert 'href="/app/audit-log/"' not in _page(tenant_a.admin).get(reverse("dashboard:privacy")).content.decode()


def test_the_admin_shows_entries_read_only(tenant_a):
    tenant_a.owner.is_staff = True
    tenant_a.owner.save(update_fields=["is_staff"])
    bot = BotFactory(organization=tenant_a.organization)
    jwt_client(tenant_a.owner, tenant_a.organization).post(f"/api/v1/bots/{bot.id}/rotate-key/")
    entry = AuditEntry.objects.get(organization=tenant_a.organization)
    client = _page(tenant_a.owner)

    change_list = client.get(reverse("admin:audit_auditentry_changelist"))
    posted = client.post(reverse("admin:audit_auditentry_change", args=[entry.pk]), {"action": "bot.delete"})
    deleted = client.post(reverse("admin:audit_auditentry_delete", args=[entry.pk]), {"post": "yes"})

    assert change_list.status_code == HTTPStatus.OK
    assert tenant_a.owner.email in change_list.content.decode()
    assert posted.status_code == HTTPStatus.FORBIDDEN
    assert deleted.status_code == HTTPStatus.FORBIDDEN
    assert AuditEntry.objects.get(pk=entry.pk).action == AuditAction.BOT_ROTATE_KEY


def test_a_bot_changed_in_the_django_admin_is_recorded_with_its_diff(tenant_a):
    tenant_a.admin.is_staff = True
    tenant_a.admin.save(update_fields=["is_staff"])
    bot = BotFactory(organization=tenant_a.organization, name="Ferry helper")
    client = _page(tenant_a.admin)
    form = client.get(reverse("admin:bots_bot_change", args=[bot.pk])).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name in form.fields}
    data["allowed_origins"] = json.dumps(bot.allowed_origins)
    data["suggested_questions"] = json.dumps(bot.suggested_questions)
    data["name"] = "Ferry desk"

    response = client.post(reverse("admin:bots_bot_change", args=[bot.pk]), data)

    assert response.status_code == HTTPStatus.FOUND, response.context["adminform"].form.errors
    [entry] = _entries(tenant_a)
    assert (entry.action, entry.actor_user) == (AuditAction.BOT_UPDATE, tenant_a.admin)
    assert entry.changes == {"name": {"from": "Ferry helper", "to": "Ferry desk"}}


def test_an_api_key_is_named_as_the_actor(tenant_a):
    bot = BotFactory(organization=tenant_a.organization, name="Ferry helper")
    owner = jwt_client(tenant_a.owner, tenant_a.organization)
    created = owner.post(
        f"/api/v1/organizations/{tenant_a.organization.id}/api-keys/", {"name": "Booking site"}, format="json"
    ).json()
    server = APIClient()
    server.credentials(HTTP_X_API_KEY=created["key"])

    assert server.delete(f"/api/v1/bots/{bot.id}/").status_code == HTTPStatus.NO_CONTENT

    entry = AuditEntry.objects.get(action=AuditAction.BOT_DELETE)
    assert (entry.actor_user, str(entry.actor_api_key_id)) == (None, created["id"])
    assert entry.actor_label == f"API key Booking site ({created['prefix']}…)"
    assert (entry.target_id, entry.target_label) == (str(bot.id), "Ferry helper")


def test_a_page_of_the_log_costs_the_same_queries_however_many_entries(tenant_a, django_assert_max_num_queries):
    bot = BotFactory(organization=tenant_a.organization, name="Ferry helper")
    actor = Actor(organization=tenant_a.organization, role=Role.ADMIN, user=tenant_a.admin)
    for n in range(30):
        bot_services.bot_update(actor=actor, bot=bot, name=f"Ferry {n}")
    client = jwt_client(tenant_a.owner, tenant_a.organization)
    owner = _page(tenant_a.owner)

    with django_assert_max_num_queries(8):
        api = client.get(_log_url(tenant_a), {"page_size": 25})
    with django_assert_max_num_queries(14):
        page = owner.get(reverse("dashboard:audit-log"))

    assert len(api.json()["results"]) == 25
    assert page.content.decode().count("Bot settings changed:") == 30


def test_an_entry_cannot_be_changed_or_deleted_even_by_code_and_goes_with_its_organization(tenant_a):
    bot = BotFactory(organization=tenant_a.organization)
    jwt_client(tenant_a.owner, tenant_a.organization).post(f"/api/v1/bots/{bot.id}/rotate-key/")
    entry = AuditEntry.objects.get(organization=tenant_a.organization)

    entry.target_label = "something else"
    with pytest.raises(ValueError, match="cannot be changed"):
        entry.save()
    with pytest.raises(ValueError, match="cannot be deleted"):
        entry.delete()
    assert AuditEntry.objects.get(pk=entry.pk).target_label == bot.name

    tenant_a.organization.delete()
    assert not AuditEntry.objects.filter(pk=entry.pk).exists()
