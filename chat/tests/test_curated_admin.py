"""Curated answers in the Django admin: scoped to the owner's organizations, written through the
services (duplicates and sizes are form errors, the author is recorded)."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse

from bots.tests.factories import BotFactory
from chat.models import CuratedAnswer
from chat.tests.factories import CuratedAnswerFactory


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_bot_choices_are_the_owners_own(tenant_a, tenant_b):
    own = BotFactory(organization=tenant_b.organization)
    BotFactory(organization=tenant_a.organization)
    response = logged_in(tenant_b.owner).get(reverse("admin:chat_curatedanswer_add"))
    assert list(response.context["adminform"].form.fields["bot"].queryset) == [own]


@pytest.mark.django_db
def test_add_through_the_services_and_refuse_a_foreign_bot_or_a_duplicate(tenant_a, tenant_b):
    own = BotFactory(organization=tenant_b.organization)
    foreign = BotFactory(organization=tenant_a.organization)
    client = logged_in(tenant_b.owner)
    url = reverse("admin:chat_curatedanswer_add")

    refused = client.post(url, {"bot": foreign.pk, "question": "Q?", "answer": "A."})
    assert refused.status_code == HTTPStatus.OK
    assert not CuratedAnswer.objects.exists()

    assert client.post(url, {"bot": own.pk, "question": "Q?", "answer": "A."}).status_code == HTTPStatus.FOUND
    entry = CuratedAnswer.objects.get()
    assert (entry.organization, entry.created_by, entry.embedder) == (
        tenant_b.organization,
        tenant_b.owner,
        "offline-hash-v1",
    )

    duplicate = client.post(url, {"bot": own.pk, "question": "q", "answer": "Other."})
    assert duplicate.status_code == HTTPStatus.OK
    assert "already has an answer" in duplicate.content.decode()
    assert CuratedAnswer.objects.count() == 1


@pytest.mark.django_db
def test_change_records_who_and_member_cannot_change(tenant_a):
    entry = CuratedAnswerFactory(bot=BotFactory(organization=tenant_a.organization), question="Q?", answer="Old.")
    url = reverse("admin:chat_curatedanswer_change", args=[entry.pk])
    member = logged_in(tenant_a.member)
    assert member.get(url).status_code == HTTPStatus.OK
    member.post(url, {"question": "Q?", "answer": "By a member."})
    entry.refresh_from_db()
    assert entry.answer == "Old."

    assert logged_in(tenant_a.admin).post(url, {"question": "Q?", "answer": "New."}).status_code == HTTPStatus.FOUND
    entry.refresh_from_db()
    assert (entry.answer, entry.updated_by) == ("New.", tenant_a.admin)
