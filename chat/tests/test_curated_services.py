"""Writing curated answers: who may, what is refused, and that another organization's entries
stay out of reach and unchanged."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Role
from accounts.tenancy import Actor
from bots.tests.factories import BotFactory
from chat.curated import selectors, services
from chat.models import CuratedAnswer, Message
from chat.tests.factories import AnswerFactory, ConversationFactory, CuratedAnswerFactory, MessageFactory
from chatsphere.errors import ApplicationError, Conflict, NotFound, PermissionDenied

WRITERS = [Role.OWNER, Role.ADMIN]


def actor_of(tenant, role: Role) -> Actor:
    return Actor(organization=tenant.organization, role=role, user=tenant.user(role))


@pytest.fixture
def bot(tenant_a):
    return BotFactory(organization=tenant_a.organization)


def rows() -> list[dict]:
    return list(CuratedAnswer.objects.order_by("pk").values())


@pytest.mark.django_db
class TestCreate:
    @pytest.mark.parametrize("role", WRITERS)
    def test_owner_and_admin_write_answers(self, tenant_a, bot, role):
        entry = services.curated_answer_create(
            actor=actor_of(tenant_a, role), bot=bot, question="  How long is the warranty? ", answer=" Two years. "
        )
        entry.refresh_from_db()
        assert (entry.question, entry.answer) == ("How long is the warranty?", "Two years.")
        assert entry.created_by == entry.updated_by == tenant_a.user(role)
        assert entry.organization == tenant_a.organization
        assert entry.embedder == "offline-hash-v1"

    def test_member_cannot(self, tenant_a, bot):
        with pytest.raises(PermissionDenied):
            services.curated_answer_create(actor=actor_of(tenant_a, Role.MEMBER), bot=bot, question="Q?", answer="A.")
        assert rows() == []

    @pytest.mark.parametrize(
        ("question", "answer", "fields"),
        [
            ("", "A.", ["question"]),
            ("   ", "A.", ["question"]),
            ("Q?", "", ["answer"]),
            ("", "", ["question", "answer"]),
            ("q" * 501, "A.", ["question"]),
            ("Q?", "a" * 4001, ["answer"]),
            ("Q\x00?", "A.", ["question"]),
            ("???", "A.", ["question"]),
            (None, "A.", ["question"]),
            ("Q?", ["A."], ["answer"]),
        ],
    )
    def test_bad_text_names_the_fields(self, tenant_a, bot, question, answer, fields):
        with pytest.raises(ApplicationError) as caught:
            services.curated_answer_create(
                actor=actor_of(tenant_a, Role.OWNER), bot=bot, question=question, answer=answer
            )
        assert sorted(caught.value.errors) == sorted(fields)
        assert rows() == []

    def test_longest_texts_are_accepted(self, tenant_a, bot):
        entry = services.curated_answer_create(
            actor=actor_of(tenant_a, Role.OWNER), bot=bot, question="q" * 500, answer="a" * 4000
        )
        assert (len(entry.question), len(entry.answer)) == (500, 4000)

    def test_one_entry_per_question_and_bot(self, tenant_a, bot):
        owner = actor_of(tenant_a, Role.OWNER)
        first = services.curated_answer_create(actor=owner, bot=bot, question="How long is the warranty?", answer="2")
        with pytest.raises(Conflict) as caught:
            services.curated_answer_create(actor=owner, bot=bot, question="how long is  the WARRANTY", answer="3")
        assert caught.value.code == "duplicate_question"
        assert "question" in caught.value.errors
        assert caught.value.extra == {"curated_answer_id": str(first.id)}
        # Another bot may have the same question.
        services.curated_answer_create(
            actor=owner, bot=BotFactory(organization=bot.organization), question="How long is the warranty?", answer="1"
        )
        assert CuratedAnswer.objects.count() == 2

    def test_source_message_must_be_an_answer_of_this_bot(self, tenant_a, tenant_b, bot):
        owner = actor_of(tenant_a, Role.OWNER)
        answer = AnswerFactory(conversation__bot=bot)
        entry = services.curated_answer_create(actor=owner, bot=bot, question="Q?", answer="A.", source_message=answer)
        assert entry.source_message == answer
        question = MessageFactory(conversation=answer.conversation)
        with pytest.raises(ApplicationError) as caught:
            services.curated_answer_create(actor=owner, bot=bot, question="Q2?", answer="A.", source_message=question)
        assert list(caught.value.errors) == ["source_message_id"]
        other_bot = AnswerFactory(conversation__bot=BotFactory(organization=bot.organization))
        foreign = AnswerFactory(conversation__bot=BotFactory(organization=tenant_b.organization))
        for message in (other_bot, foreign):
            with pytest.raises(NotFound):
                services.curated_answer_create(
                    actor=owner, bot=bot, question="Q3?", answer="A.", source_message=message
                )
        assert CuratedAnswer.objects.count() == 1

    def test_another_organizations_bot_is_not_found(self, tenant_a, tenant_b):
        foreign_bot = BotFactory(organization=tenant_b.organization)
        with pytest.raises(NotFound):
            services.curated_answer_create(
                actor=actor_of(tenant_a, Role.OWNER), bot=foreign_bot, question="Q?", answer="A."
            )
        assert rows() == []

    def test_deleting_the_source_message_keeps_the_entry(self, tenant_a, bot):
        answer = AnswerFactory(conversation__bot=bot)
        entry = services.curated_answer_create(
            actor=actor_of(tenant_a, Role.OWNER), bot=bot, question="Q?", answer="A.", source_message=answer
        )
        answer.conversation.delete()
        entry.refresh_from_db()
        assert entry.source_message is None


@pytest.mark.django_db
class TestUpdateAndDelete:
    @pytest.fixture
    def entry(self, tenant_a, bot):
        return services.curated_answer_create(
            actor=actor_of(tenant_a, Role.OWNER), bot=bot, question="How long is the warranty?", answer="One year."
        )

    @pytest.mark.parametrize("role", WRITERS)
    def test_owner_and_admin_change_answers(self, tenant_a, entry, role):
        services.curated_answer_update(actor=actor_of(tenant_a, role), curated_answer=entry, answer="Two years.")
        entry.refresh_from_db()
        assert entry.answer == "Two years."
        assert entry.question == "How long is the warranty?"
        assert entry.updated_by == tenant_a.user(role)
        assert entry.created_by == tenant_a.owner

    def test_a_new_question_gets_a_new_vector(self, tenant_a, entry):
        before = bytes(CuratedAnswer.objects.get(id=entry.id).question_embedding)
        services.curated_answer_update(
            actor=actor_of(tenant_a, Role.OWNER), curated_answer=entry, question="Does the warranty cover water?"
        )
        stored = CuratedAnswer.objects.get(id=entry.id)
        assert stored.question_key == "does the warranty cover water"
        assert bytes(stored.question_embedding) != before

    def test_changing_to_another_entrys_question_is_refused(self, tenant_a, bot, entry):
        owner = actor_of(tenant_a, Role.OWNER)
        other = services.curated_answer_create(actor=owner, bot=bot, question="Shipping cost?", answer="5")
        with pytest.raises(Conflict):
            services.curated_answer_update(actor=owner, curated_answer=other, question="How long is the warranty")
        other.refresh_from_db()
        assert other.question == "Shipping cost?"

    def test_bad_text_changes_nothing(self, tenant_a, entry):
        before = rows()
        with pytest.raises(ApplicationError) as caught:
            services.curated_answer_update(actor=actor_of(tenant_a, Role.OWNER), curated_answer=entry, answer=" ")
        assert list(caught.value.errors) == ["answer"]
        assert rows() == before

    def test_member_can_neither_change_nor_delete(self, tenant_a, entry):
        before = rows()
        member = actor_of(tenant_a, Role.MEMBER)
        with pytest.raises(PermissionDenied):
            services.curated_answer_update(actor=member, curated_answer=entry, answer="Hacked.")
        with pytest.raises(PermissionDenied):
            services.curated_answer_delete(actor=member, curated_answer=entry)
        assert rows() == before

    @pytest.mark.parametrize("role", [Role.OWNER, Role.ADMIN, Role.MEMBER])
    def test_another_organization_cannot_reach_the_entry(self, tenant_b, entry, role):
        before = rows()
        actor = actor_of(tenant_b, role)
        with pytest.raises((NotFound, PermissionDenied)):
            services.curated_answer_update(actor=actor, curated_answer=entry, answer="Taken over.")
        with pytest.raises((NotFound, PermissionDenied)):
            services.curated_answer_delete(actor=actor, curated_answer=entry)
        with pytest.raises(NotFound):
            selectors.access_curated_answer_by_id(actor, entry.id)
        assert rows() == before

    @pytest.mark.parametrize("role", WRITERS)
    def test_owner_and_admin_delete(self, tenant_a, entry, role):
        services.curated_answer_delete(actor=actor_of(tenant_a, role), curated_answer=entry)
        assert rows() == []


@pytest.mark.django_db
class TestSelectors:
    def test_list_is_scoped_and_searchable(self, tenant_a, tenant_b, bot):
        CuratedAnswerFactory(bot=bot, question="How long is the warranty?", answer="Two years.")
        CuratedAnswerFactory(bot=bot, question="Shipping cost?", answer="Five euros, free over 50.")
        CuratedAnswerFactory(bot=BotFactory(organization=tenant_b.organization), question="How long is the warranty?")
        listed = selectors.curated_answer_list(organization=tenant_a.organization, bot=bot)
        assert sorted(entry.question for entry in listed) == ["How long is the warranty?", "Shipping cost?"]
        found = selectors.curated_answer_list(organization=tenant_a.organization, bot=bot, search="FREE over")
        assert [entry.question for entry in found] == ["Shipping cost?"]
        # Another organization asking for A's bot gets nothing.
        assert list(selectors.curated_answer_list(organization=tenant_b.organization, bot=bot)) == []


def ask(bot, question: str, *, answered: bool, minutes_ago: int = 0, conversation=None) -> Message:
    conversation = conversation or ConversationFactory(bot=bot)
    at = timezone.now() - timedelta(minutes=minutes_ago)
    asked = MessageFactory(conversation=conversation, content=question)
    answer = AnswerFactory(conversation=conversation, unanswered=not answered, content="Sorry, I don't know.")
    Message.objects.filter(id=asked.id).update(created_at=at - timedelta(seconds=1))
    Message.objects.filter(id=answer.id).update(created_at=at)
    return answer


@pytest.mark.django_db
class TestUnansweredQuestions:
    def test_newest_first_grouped_with_count_and_last_asked(self, tenant_a, bot):
        ask(bot, "Do you ship to Mars?", answered=False, minutes_ago=30)
        ask(bot, "Where is the harbour?", answered=False, minutes_ago=20)
        newest_mars = ask(bot, "do you ship to mars", answered=False, minutes_ago=10)
        ask(bot, "When does the ferry leave?", answered=True, minutes_ago=5)
        rows_ = selectors.unanswered_questions(organization=tenant_a.organization, bot=bot)
        assert [(row.question, row.count) for row in rows_] == [
            ("do you ship to mars", 2),
            ("Where is the harbour?", 1),
        ]
        assert rows_[0].message_id == newest_mars.id
        assert rows_[0].last_asked_at > rows_[1].last_asked_at

    def test_the_question_is_the_one_before_the_answer(self, tenant_a, bot):
        conversation = ConversationFactory(bot=bot)
        ask(bot, "When does the ferry leave?", answered=True, minutes_ago=3, conversation=conversation)
        ask(bot, "Can I bring my dog?", answered=False, minutes_ago=1, conversation=conversation)
        rows_ = selectors.unanswered_questions(organization=tenant_a.organization, bot=bot)
        assert [row.question for row in rows_] == ["Can I bring my dog?"]

    def test_questions_covered_by_a_curated_answer_are_left_out(self, tenant_a, bot):
        ask(bot, "How long is the warranty?", answered=False)
        ask(bot, "What's the warranty period?", answered=False)
        ask(bot, "Does the warranty cover water damage?", answered=False)
        services.curated_answer_create(
            actor=actor_of(tenant_a, Role.ADMIN), bot=bot, question="How long is the warranty", answer="2 years."
        )
        rows_ = selectors.unanswered_questions(organization=tenant_a.organization, bot=bot)
        assert [row.question for row in rows_] == ["Does the warranty cover water damage?"]

    def test_other_bots_and_organizations_and_old_questions_are_left_out(self, tenant_a, tenant_b, bot):
        ask(BotFactory(organization=tenant_a.organization), "Other bot?", answered=False)
        ask(BotFactory(organization=tenant_b.organization), "Other organization?", answered=False)
        ask(bot, "Long ago?", answered=False, minutes_ago=60 * 24 * 100)
        assert selectors.unanswered_questions(organization=tenant_a.organization, bot=bot) == []
        assert selectors.unanswered_questions(organization=tenant_b.organization, bot=bot) == []
