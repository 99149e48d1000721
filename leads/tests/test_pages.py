"""The Leads page: members read and export, admins and owners change the status, another
organization's lead is 404; and the bot settings' handoff section."""

from __future__ import annotations

import csv
import io
from http import HTTPStatus

import pytest
from django.test import Client

from accounts.models import Role
from leads.models import LeadStatus
from leads.tests.conftest import handoff_bot, make_lead

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def lead(bot):
    make_lead(bot, name="Grace Hopper", email="grace@example.com", message="Group fares for 12 people")
    return make_lead(bot, name="Ada Lovelace", email="ada@example.com", message="Kayaks on the night ferry?")


def test_members_see_the_leads_with_a_link_to_the_conversation(lead, tenant_a):
    page = signed_in(tenant_a.member).get("/app/leads/")

    html = page.content.decode()
    assert page.status_code == HTTPStatus.OK
    assert "Ada Lovelace" in html and "Grace Hopper" in html
    assert f'href="/app/conversations/{lead.conversation_id}/"' in html
    assert f'href="/app/leads/{lead.id}/"' in html


def test_filters_narrow_the_list_and_bad_dates_are_explained(lead, tenant_a):
    client = signed_in(tenant_a.member)

    searched = client.get("/app/leads/", {"q": "kayak"}).content.decode()
    backwards = client.get("/app/leads/", {"created_from": "2026-05-02", "created_to": "2026-05-01"})

    assert "Ada Lovelace" in searched and "Grace Hopper" not in searched
    assert backwards.status_code == HTTPStatus.OK
    assert "The end date is before the start date." in backwards.content.decode()


def test_an_admin_marks_a_lead_contacted_from_its_page(lead, tenant_a):
    client = signed_in(tenant_a.admin)

    response = client.post(f"/app/leads/{lead.id}/status/", {"status": "contacted"}, follow=True)

    lead.refresh_from_db()
    assert lead.status == LeadStatus.CONTACTED
    assert "Ada Lovelace is now marked contacted." in response.content.decode()


def test_a_member_sees_no_status_form_and_cannot_post_one(lead, tenant_a):
    client = signed_in(tenant_a.member)

    page = client.get(f"/app/leads/{lead.id}/").content.decode()
    refused = client.post(f"/app/leads/{lead.id}/status/", {"status": "closed"})

    assert "Save status" not in page and "Admins and owners change a lead's status." in page
    assert refused.status_code == HTTPStatus.FORBIDDEN
    lead.refresh_from_db()
    assert lead.status == LeadStatus.NEW


@pytest.mark.parametrize("role", [Role.OWNER, Role.MEMBER])
def test_another_organizations_lead_is_404_and_unchanged(lead, tenant_b, role):
    client = signed_in(tenant_b.user(role))

    page = client.get(f"/app/leads/{lead.id}/")
    changed = client.post(f"/app/leads/{lead.id}/status/", {"status": "closed"})
    listed = client.get("/app/leads/").content.decode()
    exported = b"".join(client.get("/app/leads/export.csv").streaming_content).decode()

    assert (page.status_code, changed.status_code) == (HTTPStatus.NOT_FOUND, HTTPStatus.NOT_FOUND)
    assert "Ada Lovelace" not in listed and "Ada Lovelace" not in exported
    lead.refresh_from_db()
    assert lead.status == LeadStatus.NEW


def test_the_csv_export_holds_the_filtered_leads(lead, tenant_a):
    other = handoff_bot(tenant_a, handoff_notify_user_ids=[])
    make_lead(other, name="Alan Turing", email="alan@example.com")

    response = signed_in(tenant_a.member).get("/app/leads/export.csv", {"bot": str(lead.bot_id)})

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Disposition"].startswith('attachment; filename="leads-')
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode().lstrip("\ufeff"))))
    assert [row["name"] for row in rows] == ["Ada Lovelace", "Grace Hopper"]


def test_the_export_neutralises_formulas(tenant_a, bot):
    make_lead(bot, name="=cmd|' /C calc'!A0", email="eve@example.com")
    response = signed_in(tenant_a.member).get("/app/leads/export.csv")
    [row] = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode().lstrip("\ufeff"))))
    assert row["name"] == "'=cmd|' /C calc'!A0"


def test_the_bot_settings_switch_handoff_on_with_fields_and_members(tenant_a):
    bot = handoff_bot(tenant_a, handoff_enabled=False, handoff_notify_user_ids=[])
    client = signed_in(tenant_a.admin)
    page = client.get(f"/app/bots/{bot.id}/")
    form = page.context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data |= {
        "suggested_questions": "",
        "allowed_origins": "\n".join(bot.allowed_origins),
        "handoff_enabled": "on",
        "handoff_after_messages": "4",
        "handoff_email_label": "Where can we reach you?",
        "handoff_notify_user_ids": [str(tenant_a.owner.id), str(tenant_a.member.id)],
    }
    for flag in ("handoff_on_fallback", "handoff_on_request", "is_active"):
        data[flag] = "on"

    saved = client.post(f"/app/bots/{bot.id}/", data)
    outsider = client.post(f"/app/bots/{bot.id}/", data | {"handoff_notify_user_ids": ["not-a-member"]})

    assert saved.status_code == HTTPStatus.FOUND, saved.content.decode()[:2000]
    bot.refresh_from_db()
    assert bot.handoff_enabled and bot.handoff_after_messages == 4
    assert bot.handoff_email_label == "Where can we reach you?"
    assert sorted(bot.handoff_notify_user_ids) == sorted([str(tenant_a.owner.id), str(tenant_a.member.id)])
    assert outsider.status_code == HTTPStatus.BAD_REQUEST
    assert "Select a valid choice" in outsider.content.decode()
