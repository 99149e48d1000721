"""A visitor sends the bot's contact form from its widget: checked field by field against the
bot's form, limited per visitor and per IP, linked to the visitor's own conversation, and the
chosen members are e-mailed."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.core import mail

from bots.models import HandoffField
from chat.tests.factories import ConversationFactory
from leads.models import Lead, LeadStatus
from leads.tests.conftest import LONG_MESSAGE, SITE, handoff_bot, send_form, visitor_of

pytestmark = pytest.mark.django_db


def test_a_valid_form_becomes_a_new_lead_linked_to_the_conversation(visitor, tenant_a):
    response = send_form(visitor)

    assert response.status_code == HTTPStatus.CREATED
    assert response["Access-Control-Allow-Origin"] == SITE
    lead = Lead.objects.get()
    assert str(lead.id) == response.json()["id"]
    assert (lead.organization, lead.bot) == (tenant_a.organization, visitor.bot)
    assert lead.conversation == visitor.conversation
    assert (lead.name, lead.email, lead.message) == ("Ada Lovelace", "ada@example.com", LONG_MESSAGE)
    assert lead.consent_given and lead.consent_text == "I agree to be contacted by e-mail about my request."
    assert (lead.status, lead.reason, lead.visitor_id) == (LeadStatus.NEW, "fallback", visitor.visitor_id)
    assert lead.origin_page == f"{SITE}/timetable/night-ferry"


def test_the_chosen_members_and_only_they_are_emailed(
    visitor, tenant_a, eager_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        send_form(visitor)

    [email] = mail.outbox
    assert email.to == [tenant_a.admin.email]
    assert email.subject == "New lead from Puffin Ferries: Ada Lovelace"
    assert "E-mail: ada@example.com" in email.body
    assert "Could someone tell us whether the night ferry takes boats" in email.body
    assert f"/app/leads/{Lead.objects.get().id}/" in email.body


def test_no_one_chosen_means_no_email(tenant_a, eager_tasks, django_capture_on_commit_callbacks):
    visitor = visitor_of(handoff_bot(tenant_a, handoff_notify_user_ids=[]))
    with django_capture_on_commit_callbacks(execute=True):
        assert send_form(visitor).status_code == HTTPStatus.CREATED
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("values", "errors"),
    [
        ({"email": "ada@example"}, {"email": ["Enter a valid e-mail address, like name@example.com."]}),
        ({"email": "  "}, {"email": ["Enter your e-mail address."]}),
        ({"message": "x" * 2001}, {"message": ["Keep this to 2000 characters (it has 2001)."]}),
        ({"consent": False}, {"consent": ["Tick the box to agree before sending."]}),
        (
            {"email": "not an address", "consent": False},
            {
                "email": ["Enter a valid e-mail address, like name@example.com."],
                "consent": ["Tick the box to agree before sending."],
            },
        ),
    ],
)
def test_bad_fields_are_each_named_and_nothing_is_saved(visitor, values, errors):
    response = send_form(visitor, **values)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json()["code"] == "invalid"
    assert response.json()["errors"] == errors
    assert response["Access-Control-Allow-Origin"] == SITE  # the widget can read why
    assert not Lead.objects.exists()


def test_fields_the_owner_switched_off_are_not_kept_and_required_ones_are_enforced(tenant_a):
    bot = handoff_bot(tenant_a, handoff_name=HandoffField.REQUIRED, handoff_message=HandoffField.OFF)
    visitor = visitor_of(bot)

    missing = send_form(visitor, name="")
    sent = send_form(visitor, name="Grace Hopper")

    assert missing.json()["errors"] == {"name": ["Enter your name."]}
    assert sent.status_code == HTTPStatus.CREATED
    assert Lead.objects.get().message == ""


def test_bursts_are_limited_per_visitor_and_per_ip(visitor, bot, settings):
    # Every valid form counts for its IP, the ones a visitor limit refused too.
    settings.CHATSPHERE_LEAD_RATE_LIMITS = {"visitor": "2/h", "ip": "4/h"}

    answers = [send_form(visitor).status_code for _ in range(3)]
    other_visitor = visitor_of(bot)
    same_ip = send_form(other_visitor).status_code
    blocked_ip = send_form(other_visitor).status_code
    elsewhere = send_form(visitor_of(bot), ip="198.51.100.20").status_code

    assert answers == [HTTPStatus.CREATED, HTTPStatus.CREATED, HTTPStatus.TOO_MANY_REQUESTS]
    assert (same_ip, blocked_ip, elsewhere) == (
        HTTPStatus.CREATED,
        HTTPStatus.TOO_MANY_REQUESTS,
        HTTPStatus.CREATED,
    )
    assert Lead.objects.count() == 4
    refused = send_form(visitor)
    assert refused.json()["code"] == "rate_limited"
    assert "Please wait" in refused.json()["detail"] and int(refused["Retry-After"]) > 0


def test_a_mistyped_address_does_not_use_up_the_visitors_allowance(visitor, settings):
    settings.CHATSPHERE_LEAD_RATE_LIMITS = {"visitor": "1/h", "ip": ""}
    assert send_form(visitor, email="ada@").status_code == HTTPStatus.BAD_REQUEST
    assert send_form(visitor).status_code == HTTPStatus.CREATED


def test_another_visitors_conversation_is_refused_by_name(visitor, bot):
    stranger = ConversationFactory(bot=bot)

    response = send_form(visitor, conversation_id=str(stranger.id))

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json()["errors"] == {"conversation_id": ["This conversation is not yours, or it has ended."]}
    assert not Lead.objects.exists()


def test_other_sites_bad_tokens_and_switched_off_forms_are_refused(visitor, bot, tenant_a):
    other_site = send_form(visitor, origin="https://evil.example")
    bad_token = send_form(visitor, visitor_token="forged")
    other_bot = visitor_of(handoff_bot(tenant_a))
    token_of_other_bot = send_form(visitor, visitor_token=other_bot.token)
    bot.handoff_enabled = False
    bot.save()
    switched_off = send_form(visitor)

    assert other_site.status_code == HTTPStatus.FORBIDDEN
    assert "Access-Control-Allow-Origin" not in other_site
    assert (bad_token.status_code, token_of_other_bot.status_code) == (HTTPStatus.FORBIDDEN, HTTPStatus.FORBIDDEN)
    assert switched_off.status_code == HTTPStatus.NOT_FOUND
    assert not Lead.objects.exists()


def test_the_preflight_admits_the_bots_site_only(visitor):
    from rest_framework.test import APIClient

    url = f"/api/v1/widget/{visitor.bot.public_key}/leads/"
    allowed = APIClient().options(url, HTTP_ORIGIN=SITE, HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST")
    other = APIClient().options(url, HTTP_ORIGIN="https://evil.example")

    assert allowed.status_code == HTTPStatus.NO_CONTENT
    assert (allowed["Access-Control-Allow-Origin"], allowed["Access-Control-Allow-Methods"]) == (SITE, "POST")
    assert allowed["Access-Control-Allow-Headers"] == "Content-Type"
    assert "Access-Control-Allow-Origin" not in other
