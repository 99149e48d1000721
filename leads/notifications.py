"""The e-mail that tells the bot's chosen members about a new lead."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse

from accounts.models import Membership
from leads.models import Lead


def lead_notify_members(*, lead_id: uuid.UUID | str, organization_id: uuid.UUID | str) -> list[str]:
    """E-mail the lead to the members the bot names who are still in its organization; returns the
    addresses written to. A lead deleted meanwhile (a visitor's erasure) is not sent."""
    lead = Lead.objects.filter(id=lead_id, organization_id=organization_id).select_related("bot").first()
    if lead is None:
        return []
    recipients = list(
        Membership.objects.filter(
            organization_id=organization_id,
            user_id__in=lead.bot.handoff_notify_user_ids,
            user__is_active=True,
        )
        .order_by("user__email")
        .values_list("user__email", flat=True)
    )
    if not recipients:
        return []
    page = f"{settings.SITE_URL}{reverse('dashboard:lead-detail', kwargs={'lead_id': lead.id})}"
    lines = [
        f"A visitor of {lead.bot.name} asked to hear from your team.",
        "",
        f"Name: {lead.name or '—'}",
        f"E-mail: {lead.email or '—'}",
        f"Message: {lead.message or '—'}",
    ]
    if lead.consent_given:
        lines.append(f"Agreed to: {lead.consent_text}")
    if lead.origin_page:
        lines.append(f"Page: {lead.origin_page}")
    lines += ["", f"See the lead and its conversation: {page}"]
    send_mail(
        subject=f"New lead from {lead.bot.name}: {lead.display_name}"[:200],
        message="\n".join(lines),
        from_email=None,
        recipient_list=recipients,
    )
    return recipients
