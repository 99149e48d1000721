"""The team's leads API: list with filters, read, change the status, export CSV; another
organization gets 404 and changes nothing."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from http import HTTPStatus

import pytest
from django.utils import timezone

from accounts.models import Role
from audit.models import AuditAction, AuditEntry
from conftest import jwt_client
from leads.models import Lead, LeadStatus
from leads.tests.conftest import handoff_bot, make_lead

pytestmark = pytest.mark.django_db


@pytest.fixture
def leads(bot, tenant_a):
    ada = make_lead(bot, name="Ada Lovelace", email="ada@example.com", message="Kayaks on the night ferry?")
    grace = make_lead(bot, name="Grace Hopper", email="grace@example.com", message="Group fares for 12 people")
    other_bot = handoff_bot(tenant_a, handoff_notify_user_ids=[])
    alan = make_lead(other_bot, name="Alan Turing", email="alan@example.com", message="Bicycles on deck?")
    Lead.objects.filter(id=alan.id).update(created_at=timezone.now() - timedelta(days=10))
    return {"ada": ada, "grace": grace, "alan": alan, "other_bot": other_bot}


def _names(response) -> list[str]:
    return [item["name"] for item in response.json()["results"]]


def test_members_list_the_organizations_leads_newest_first_with_filters(leads, bot, tenant_a):
    client = jwt_client(tenant_a.member, tenant_a.organization)
    today = timezone.localdate().isoformat()

    everything = client.get("/api/v1/leads/")
    of_bot = client.get("/api/v1/leads/", {"bot": str(bot.id)})
    searched = client.get("/api/v1/leads/", {"q": "group fares"})
    recent = client.get("/api/v1/leads/", {"created_from": today})

    assert everything.status_code == HTTPStatus.OK
    assert _names(everything) == ["Grace Hopper", "Ada Lovelace", "Alan Turing"]
    assert _names(of_bot) == ["Grace Hopper", "Ada Lovelace"]
    assert _names(searched) == ["Grace Hopper"]
    assert _names(recent) == ["Grace Hopper", "Ada Lovelace"]
    item = everything.json()["results"][1]
    assert item["email"] == "ada@example.com" and item["status"] == "new"
    assert item["conversation_id"] == str(leads["ada"].conversation_id)


def test_bad_filters_are_named(leads, tenant_a):
    client = jwt_client(tenant_a.member, tenant_a.organization)

    response = client.get("/api/v1/leads/", {"status": "won", "created_from": "yesterday"})
    backwards = client.get("/api/v1/leads/", {"created_from": "2026-05-02", "created_to": "2026-05-01"})

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert set(response.json()["errors"]) == {"status", "created_from"}
    assert backwards.json()["errors"] == {"created_to": ["Must be on or after created_from."]}


def test_admins_mark_a_lead_contacted_and_it_is_audited(leads, tenant_a):
    lead = leads["ada"]
    client = jwt_client(tenant_a.admin, tenant_a.organization)

    response = client.patch(f"/api/v1/leads/{lead.id}/", {"status": "contacted"}, format="json")
    listed = client.get("/api/v1/leads/", {"status": "contacted"})

    assert response.status_code == HTTPStatus.OK
    assert response.json()["status"] == "contacted" and response.json()["status_changed_at"]
    assert _names(listed) == ["Ada Lovelace"]
    entry = AuditEntry.objects.get(action=AuditAction.LEAD_STATUS_UPDATE)
    assert (entry.actor_user, entry.target_label, entry.changes) == (
        tenant_a.admin,
        "Ada Lovelace",
        {"status": {"from": "new", "to": "contacted"}},
    )


def test_a_member_reads_but_cannot_change_the_status(leads, tenant_a):
    lead = leads["ada"]
    client = jwt_client(tenant_a.member, tenant_a.organization)

    read = client.get(f"/api/v1/leads/{lead.id}/")
    changed = client.patch(f"/api/v1/leads/{lead.id}/", {"status": "closed"}, format="json")

    assert read.status_code == HTTPStatus.OK and read.json()["name"] == "Ada Lovelace"
    assert changed.status_code == HTTPStatus.FORBIDDEN
    lead.refresh_from_db()
    assert lead.status == LeadStatus.NEW


def test_an_unknown_status_is_named(leads, tenant_a):
    client = jwt_client(tenant_a.owner, tenant_a.organization)
    response = client.patch(f"/api/v1/leads/{leads['ada'].id}/", {"status": "won"}, format="json")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert list(response.json()["errors"]) == ["status"]


@pytest.mark.parametrize("role", [Role.OWNER, Role.ADMIN, Role.MEMBER])
def test_another_organization_gets_404_and_changes_nothing(leads, tenant_b, role):
    lead = leads["ada"]
    client = jwt_client(tenant_b.user(role), tenant_b.organization)

    read = client.get(f"/api/v1/leads/{lead.id}/")
    changed = client.patch(f"/api/v1/leads/{lead.id}/", {"status": "closed"}, format="json")
    listed = client.get("/api/v1/leads/")
    exported = client.get("/api/v1/leads/export/")

    assert (read.status_code, changed.status_code) == (HTTPStatus.NOT_FOUND, HTTPStatus.NOT_FOUND)
    assert listed.json()["results"] == []
    assert "Ada Lovelace" not in b"".join(exported.streaming_content).decode()
    lead.refresh_from_db()
    assert lead.status == LeadStatus.NEW


def test_the_csv_export_follows_the_filters(leads, bot, tenant_a):
    client = jwt_client(tenant_a.member, tenant_a.organization)

    response = client.get("/api/v1/leads/export/", {"bot": str(bot.id)})

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode().lstrip("\ufeff"))))
    assert [row["name"] for row in rows] == ["Grace Hopper", "Ada Lovelace"]
    assert rows[1]["email"] == "ada@example.com" and rows[1]["consent_given"] == "yes"
    assert rows[1]["conversation_url"].endswith(f"/app/conversations/{leads['ada'].conversation_id}/")


def test_the_list_reads_a_bounded_number_of_queries(leads, tenant_a, django_assert_max_num_queries):
    client = jwt_client(tenant_a.member, tenant_a.organization)
    with django_assert_max_num_queries(8):
        assert client.get("/api/v1/leads/").status_code == HTTPStatus.OK


def test_the_schema_documents_the_leads_endpoints(anonymous_client):
    schema = anonymous_client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    assert {"/api/v1/leads/", "/api/v1/leads/{lead_id}/", "/api/v1/leads/export/"} <= set(schema["paths"])
    assert "post" in schema["paths"]["/api/v1/widget/{public_key}/leads/"]
