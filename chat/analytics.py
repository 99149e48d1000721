"""Figures of a bot's conversations over a period, computed in the database where it can."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from accounts.models import Organization
from bots.models import Bot
from chat.models import Conversation, Message, MessageRole

#: Periods offered, in days.
PERIODS = (7, 30, 90)
#: Answers read for the most-cited ranking (the newest ones), so a busy bot's page stays fast.
CITATION_SAMPLE = 5000


@dataclass(frozen=True, slots=True)
class Day:
    day: date
    questions: int
    conversations: int


@dataclass(slots=True)
class BotAnalytics:
    days: list[Day]
    questions: int = 0
    conversations: int = 0
    answers: int = 0
    unanswered: int = 0
    helpful: int = 0
    not_helpful: int = 0
    median_first_token_ms: int | None = None
    #: ((document id, title), answers citing it), most cited first.
    top_documents: list[tuple[tuple[str, str], int]] = field(default_factory=list)

    @property
    def unanswered_rate(self) -> float | None:
        return self.unanswered / self.answers if self.answers else None


def _per_day(queryset, start: datetime) -> dict[date, int]:  # noqa: ANN001
    tz = timezone.get_current_timezone()
    rows = (
        queryset.filter(created_at__gte=start)
        .annotate(day=TruncDate("created_at", tzinfo=tz))
        .values("day")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["day"]: row["n"] for row in rows}


def _median(values_queryset, count: int) -> int | None:  # noqa: ANN001
    if not count:
        return None
    ordered = values_queryset.order_by("time_to_first_token_ms")
    middle = list(ordered[(count - 1) // 2 : count // 2 + 1])
    return round(sum(middle) / len(middle))


def bot_analytics(*, organization: Organization, bot: Bot, days: int, today: date | None = None) -> BotAnalytics:
    today = today or timezone.localdate()
    first_day = today - timedelta(days=days - 1)
    start = timezone.make_aware(datetime.combine(first_day, time.min))
    messages = Message.objects.filter(organization=organization, conversation__bot=bot, created_at__gte=start)
    conversations = Conversation.objects.filter(organization=organization, bot=bot)
    questions_by_day = _per_day(messages.filter(role=MessageRole.USER), start)
    conversations_by_day = _per_day(conversations, start)
    series = [
        Day(day=day, questions=questions_by_day.get(day, 0), conversations=conversations_by_day.get(day, 0))
        for day in (first_day + timedelta(days=offset) for offset in range(days))
    ]
    answers = messages.filter(role=MessageRole.ASSISTANT)
    totals = answers.aggregate(
        answers=Count("id"),
        unanswered=Count("id", filter=Q(unanswered=True)),
        helpful=Count("id", filter=Q(feedback=1)),
        not_helpful=Count("id", filter=Q(feedback=-1)),
        timed=Count("id", filter=Q(time_to_first_token_ms__isnull=False)),
    )
    timed = answers.filter(time_to_first_token_ms__isnull=False).values_list("time_to_first_token_ms", flat=True)
    cited: Counter[tuple[str, str]] = Counter()
    for citations in answers.order_by("-created_at").values_list("citations", flat=True)[:CITATION_SAMPLE]:
        cited.update(
            {
                (str(citation.get("document_id")), str(citation.get("title") or "(untitled)"))
                for citation in citations or []
                if isinstance(citation, dict)
            }
        )
    return BotAnalytics(
        days=series,
        questions=sum(day.questions for day in series),
        conversations=sum(day.conversations for day in series),
        answers=totals["answers"],
        unanswered=totals["unanswered"],
        helpful=totals["helpful"],
        not_helpful=totals["not_helpful"],
        median_first_token_ms=_median(timed, totals["timed"]),
        top_documents=cited.most_common(10),
    )
