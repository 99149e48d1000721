"""Figures of a bot's conversations over a period, computed in the database where it can."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import TruncDate
from django.utils import timezone

from accounts.models import Organization
from bots.models import Bot
from chat.curated.text import content_terms, lexical_similarity, question_key
from chat.models import Conversation, Message, MessageRole

#: Periods offered, in days.
PERIODS = (7, 30, 90)
#: Answers read for the most-cited ranking (the newest ones), so a busy bot's page stays fast.
CITATION_SAMPLE = 5000
#: Questions read for the most-asked ranking (the newest ones of the period), for the same reason.
QUESTION_SAMPLE = 5000
#: How alike two unanswered questions' content words must be (Dice coefficient) to count together.
UNANSWERED_SIMILARITY = 0.8


@dataclass(frozen=True, slots=True)
class Change:
    """A figure of this period beside the same figure of the period before it."""

    current: float
    previous: float
    #: "%" compares counts by their ratio; "points" compares two shares by their difference.
    unit: str = "%"

    @property
    def text(self) -> str:
        """E.g. "+50 % on the previous period (8)", "-3 points on the previous period"."""
        if self.unit == "points":
            points = round((self.current - self.previous) * 100)
            return "same share as the previous period" if points == 0 else f"{points:+d} points on the previous period"
        before = f"{self.previous:g}"
        if self.previous == 0:
            return "none in the previous period" if self.current else "none in the previous period either"
        percent = round((self.current - self.previous) * 100 / self.previous)
        return (
            f"same as the previous period ({before})"
            if percent == 0
            else f"{percent:+d} % on the previous period ({before})"
        )

    @property
    def direction(self) -> str:
        return "up" if self.current > self.previous else "down" if self.current < self.previous else "same"


@dataclass(frozen=True, slots=True)
class TopQuestion:
    text: str
    count: int


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
    #: The questions visitors asked most (same words, whatever the case and end punctuation).
    top_questions: list[TopQuestion] = field(default_factory=list)
    #: The questions the bot most often could not answer, similar wordings counted together.
    top_unanswered: list[TopQuestion] = field(default_factory=list)
    #: This period against the one of the same length just before it.
    questions_change: Change | None = None
    conversations_change: Change | None = None
    unanswered_change: Change | None = None

    @property
    def unanswered_rate(self) -> float | None:
        return self.unanswered / self.answers if self.answers else None


def _per_day(queryset: QuerySet, start: datetime) -> dict[date, int]:
    tz = timezone.get_current_timezone()
    rows = (
        queryset.filter(created_at__gte=start)
        .annotate(day=TruncDate("created_at", tzinfo=tz))
        .values("day")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["day"]: row["n"] for row in rows}


def _median(values_queryset: QuerySet, count: int) -> int | None:
    if not count:
        return None
    ordered = values_queryset.order_by("time_to_first_token_ms")
    middle = list(ordered[(count - 1) // 2 : count // 2 + 1])
    return round(sum(middle) / len(middle))


def _top_questions(questions: QuerySet[Message], limit: int = 10) -> list[TopQuestion]:
    counts: Counter[str] = Counter()
    wording: dict[str, str] = {}
    for content in questions.order_by("-created_at").values_list("content", flat=True)[:QUESTION_SAMPLE]:
        if key := question_key(content):
            counts[key] += 1
            wording.setdefault(key, " ".join(content.split()))  # the newest wording
    return [TopQuestion(text=wording[key], count=count) for key, count in counts.most_common(limit)]


def _top_unanswered(answers: QuerySet[Message], limit: int = 5) -> list[TopQuestion]:
    """Questions answered with the fallback, grouped when their content words are alike ("opening
    hours?" and "What are your opening hours"), so one gap in the documents shows as one row."""
    asked = Message.objects.filter(
        organization_id=OuterRef("organization_id"),
        conversation_id=OuterRef("conversation_id"),
        role=MessageRole.USER,
        created_at__lte=OuterRef("created_at"),
    ).order_by("-created_at", "-id")
    questions = (
        answers.filter(unanswered=True)
        .annotate(question=Subquery(asked.values("content")[:1]))
        .order_by("-created_at")
        .values_list("question", flat=True)[:QUESTION_SAMPLE]
    )
    groups: list[tuple[frozenset[str], str, str, list[int]]] = []  # terms, key, newest wording, [count]
    for question in questions:
        key = question_key(question or "")
        if not key:
            continue
        terms = content_terms(question)
        for group_terms, group_key, _, count in groups:
            if key == group_key or lexical_similarity(terms, group_terms) >= UNANSWERED_SIMILARITY:
                count[0] += 1
                break
        else:
            groups.append((terms, key, " ".join(question.split()), [1]))
    ranked = sorted(groups, key=lambda group: -group[3][0])  # stable: the newest first among equals
    return [TopQuestion(text=wording, count=count[0]) for _, _, wording, count in ranked[:limit]]


def _previous_totals(*, organization: Organization, bot: Bot, start: datetime, days: int) -> dict[str, int]:
    """Questions, conversations, answers and unanswered answers of the `days` before `start`."""
    before = start - timedelta(days=days)
    messages = Message.objects.filter(
        organization=organization, conversation__bot=bot, created_at__gte=before, created_at__lt=start
    )
    totals = messages.aggregate(
        questions=Count("id", filter=Q(role=MessageRole.USER)),
        answers=Count("id", filter=Q(role=MessageRole.ASSISTANT)),
        unanswered=Count("id", filter=Q(role=MessageRole.ASSISTANT, unanswered=True)),
    )
    totals["conversations"] = Conversation.objects.filter(
        organization=organization, bot=bot, created_at__gte=before, created_at__lt=start
    ).count()
    return totals


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
    questions = sum(day.questions for day in series)
    conversation_count = sum(day.conversations for day in series)
    previous = _previous_totals(organization=organization, bot=bot, start=start, days=days)
    unanswered_change = None
    if totals["answers"] and previous["answers"]:
        unanswered_change = Change(
            current=totals["unanswered"] / totals["answers"],
            previous=previous["unanswered"] / previous["answers"],
            unit="points",
        )
    return BotAnalytics(
        days=series,
        questions=questions,
        conversations=conversation_count,
        top_questions=_top_questions(messages.filter(role=MessageRole.USER)),
        top_unanswered=_top_unanswered(answers),
        questions_change=Change(current=questions, previous=previous["questions"]),
        conversations_change=Change(current=conversation_count, previous=previous["conversations"]),
        unanswered_change=unanswered_change,
        answers=totals["answers"],
        unanswered=totals["unanswered"],
        helpful=totals["helpful"],
        not_helpful=totals["not_helpful"],
        median_first_token_ms=_median(timed, totals["timed"]),
        top_documents=cited.most_common(10),
    )
