"""Reading leads, always inside one organization."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from accounts.models import Organization
from accounts.tenancy import Actor
from chatsphere.errors import NotFound
from leads.models import Lead


@dataclass(frozen=True, slots=True)
class LeadFilter:
    """The list's filters; empty values filter nothing. Dates are inclusive days."""

    bot_id: uuid.UUID | None = None
    status: str = ""
    search: str = ""
    created_from: datetime.date | None = None
    created_to: datetime.date | None = None


def lead_list(*, organization: Organization, filters: LeadFilter | None = None) -> QuerySet[Lead]:
    filters = filters or LeadFilter()
    leads = Lead.objects.filter(organization=organization).select_related("bot")
    if filters.bot_id:
        leads = leads.filter(bot_id=filters.bot_id)
    if filters.status:
        leads = leads.filter(status=filters.status)
    search = filters.search.strip()
    if search:
        leads = leads.filter(Q(name__icontains=search) | Q(email__icontains=search) | Q(message__icontains=search))
    if filters.created_from:
        leads = leads.filter(created_at__date__gte=filters.created_from)
    if filters.created_to:
        leads = leads.filter(created_at__date__lte=filters.created_to)
    return leads.order_by("-created_at", "-id")


def access_lead_by_id(actor: Actor, lead_id: uuid.UUID) -> Lead:
    """The actor's lead; missing and another organization's give the same NotFound."""
    lead = (
        Lead.objects.filter(organization=actor.organization, id=lead_id)
        .select_related("bot", "conversation", "status_changed_by")
        .first()
    )
    if lead is None:
        raise NotFound("Lead not found.")
    return lead


def visitor_leads(*, organization: Organization, visitor_id: str) -> QuerySet[Lead]:
    return Lead.objects.filter(organization=organization, visitor_id=visitor_id).select_related("bot")
