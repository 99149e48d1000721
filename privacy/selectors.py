"""Reading an organization's privacy settings and a visitor's data."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Prefetch, Q, QuerySet

from accounts.models import Organization, Role
from accounts.tenancy import Actor, require_role
from chat.models import Conversation, Message
from chatsphere.errors import InvalidInput
from leads.models import Lead
from privacy.models import RetentionPolicy

#: The widget's visitor ids are 32 hexadecimal characters; the column holds up to 64.
VISITOR_ID_MAX_LENGTH = 64
EMAIL_MAX_LENGTH = 254


def retention_policy_get(*, organization: Organization) -> RetentionPolicy:
    """The organization's policy; an unsaved one (everything kept) when none was set."""
    policy = RetentionPolicy.objects.filter(organization=organization).first()
    return policy or RetentionPolicy(organization=organization)


def clean_visitor_id(visitor_id: str) -> str:
    visitor_id = (visitor_id or "").strip()
    if not visitor_id:
        raise InvalidInput({"visitor_id": ["Enter the visitor id."]})
    if len(visitor_id) > VISITOR_ID_MAX_LENGTH or not visitor_id.isprintable():
        raise InvalidInput({"visitor_id": [f"A visitor id has at most {VISITOR_ID_MAX_LENGTH} characters."]})
    return visitor_id


def clean_email(email: str) -> str:
    email = (email or "").strip()
    if not email:
        raise InvalidInput({"email": ["Enter the e-mail address."]})
    try:
        validate_email(email)
    except ValidationError:
        raise InvalidInput({"email": ["Enter a valid e-mail address."]}) from None
    if len(email) > EMAIL_MAX_LENGTH:
        raise InvalidInput({"email": [f"An e-mail address has at most {EMAIL_MAX_LENGTH} characters."]})
    return email


def _with_messages(conversations: QuerySet[Conversation]) -> QuerySet[Conversation]:
    return (
        conversations.select_related("bot")
        .prefetch_related(Prefetch("messages", queryset=Message.objects.order_by("created_at", "id")))
        .order_by("created_at", "id")
    )


def visitor_conversations(*, actor: Actor, visitor_id: str) -> QuerySet[Conversation]:
    """The visitor's conversations in the actor's organization, with their messages; admins and owners only."""
    require_role(actor, Role.ADMIN, action="look up a visitor's data")
    visitor_id = clean_visitor_id(visitor_id)
    return _with_messages(Conversation.objects.filter(organization=actor.organization, visitor_id=visitor_id))


@dataclass(frozen=True, slots=True)
class EmailVisitors:
    """What an e-mail address leads to in one organization."""

    email: str
    visitor_ids: list[str]
    conversations: QuerySet[Conversation]
    leads: QuerySet[Lead]


def email_visitors(*, actor: Actor, email: str) -> EmailVisitors:
    """Every visitor an address belongs to in the actor's organization: those who left a lead with it and
    verified visitors signed in with it (and their other conversations under the same verified user id),
    with all their conversations and leads. The whole address matches, case-insensitively; admins only."""
    require_role(actor, Role.ADMIN, action="look up a visitor's data")
    email = clean_email(email)
    conversations = Conversation.objects.filter(organization=actor.organization)
    leads = Lead.objects.filter(organization=actor.organization)
    user_ids = set(
        conversations.filter(verified_email__iexact=email)
        .exclude(verified_user_id="")
        .values_list("verified_user_id", flat=True)
    )
    verified = Q(verified_email__iexact=email) | Q(verified_user_id__in=user_ids)
    # Blank visitor ids (API conversations, leads without a widget) belong to no one in particular.
    visitor_ids = set(conversations.filter(verified).exclude(visitor_id="").values_list("visitor_id", flat=True))
    visitor_ids |= set(leads.filter(email__iexact=email).exclude(visitor_id="").values_list("visitor_id", flat=True))
    return EmailVisitors(
        email=email,
        visitor_ids=sorted(visitor_ids),
        conversations=_with_messages(conversations.filter(verified | Q(visitor_id__in=visitor_ids))),
        leads=leads.filter(Q(email__iexact=email) | Q(visitor_id__in=visitor_ids))
        .select_related("bot")
        .order_by("created_at", "id"),
    )
