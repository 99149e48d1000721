"""Sharing and resending invitations from the Members page: the link is shown once to copy, a
resend mails a new link and the earlier one stops working, an expired invitation can be revived."""

from __future__ import annotations

import re
from datetime import timedelta
from http import HTTPStatus

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Invitation
from accounts.services.invitations import invitation_pending


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def mailed_token(message) -> str:
    return re.search(r"token=(\S+)", message.body).group(1)


def resend_url(invitation) -> str:
    return reverse("dashboard:invitation-resend", kwargs={"invitation_id": invitation.id})


@pytest.mark.django_db
class TestInvitationLinks:
    @pytest.fixture
    def invited(self, tenant_a, django_capture_on_commit_callbacks):
        admin = logged_in(tenant_a.admin)
        with django_capture_on_commit_callbacks(execute=True):
            admin.post(reverse("dashboard:member-list"), {"email": "newbie@example.com", "role": "member"})
        return admin, Invitation.objects.get(email="newbie@example.com")

    def test_the_link_is_shown_once_to_copy_and_is_the_one_mailed(self, invited):
        admin, _invitation = invited
        page = admin.get(reverse("dashboard:member-list")).content.decode()
        assert f"token={mailed_token(mail.outbox[0])}" in page
        assert "Copy the link" in page
        assert "Copy the link" not in admin.get(reverse("dashboard:member-list")).content.decode()

    def test_sending_again_mails_a_new_link_and_the_old_one_stops_working(
        self, invited, django_capture_on_commit_callbacks
    ):
        admin, invitation = invited
        old = mailed_token(mail.outbox[0])
        with django_capture_on_commit_callbacks(execute=True):
            response = admin.post(resend_url(invitation), follow=True)
        assert "the earlier one no longer works" in response.content.decode()
        new = mailed_token(mail.outbox[1])
        assert new != old
        assert mail.outbox[1].to == ["newbie@example.com"]
        assert invitation_pending(token=old) is None
        assert invitation_pending(token=new).id == invitation.id

    def test_an_expired_invitation_is_listed_and_can_be_sent_again(self, invited, django_capture_on_commit_callbacks):
        admin, invitation = invited
        Invitation.objects.filter(id=invitation.id).update(expires_at=timezone.now() - timedelta(minutes=1))
        page = admin.get(reverse("dashboard:member-list")).content.decode()
        assert "newbie@example.com" in page and "expired" in page
        with django_capture_on_commit_callbacks(execute=True):
            admin.post(resend_url(invitation))
        assert invitation_pending(token=mailed_token(mail.outbox[-1])) is not None

    def test_a_revoked_invitation_is_not_sent_again(self, invited):
        admin, invitation = invited
        admin.post(reverse("dashboard:invitation-revoke", kwargs={"invitation_id": invitation.id}))
        response = admin.post(resend_url(invitation), follow=True)
        assert "Only a pending invitation can be sent again" in response.content.decode()
        assert len(mail.outbox) == 1

    def test_members_cannot_and_other_organizations_get_404(self, invited, tenant_a, tenant_b):
        _admin, invitation = invited
        refused = logged_in(tenant_a.member).post(resend_url(invitation), follow=True).content.decode()
        assert "resend invitations" in refused
        assert logged_in(tenant_b.owner).post(resend_url(invitation)).status_code == HTTPStatus.NOT_FOUND
        assert len(mail.outbox) == 1
