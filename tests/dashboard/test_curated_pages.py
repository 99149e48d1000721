"""Dashboard pages of curated answers: the list with search, add / edit / delete through the
forms, the unanswered questions of a bot and the "Correct this answer" links."""

from __future__ import annotations

import re
from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Role
from bots.tests.factories import BotFactory
from chat.models import CuratedAnswer
from chat.tests.factories import AnswerFactory, ConversationFactory, CuratedAnswerFactory, MessageFactory
from conftest import jwt_client

WRITERS = [Role.OWNER, Role.ADMIN]


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def bot(tenant_a):
    return BotFactory(organization=tenant_a.organization, name="Shop help")


def answers_url(bot) -> str:
    return reverse("dashboard:bot-answers", kwargs={"bot_id": bot.id})


def create_url(bot) -> str:
    return reverse("dashboard:bot-answer-create", kwargs={"bot_id": bot.id})


def edit_url(entry) -> str:
    return reverse("dashboard:answer-edit", kwargs={"curated_answer_id": entry.id})


def delete_url(entry) -> str:
    return reverse("dashboard:answer-delete", kwargs={"curated_answer_id": entry.id})


def rows() -> list[dict]:
    return list(CuratedAnswer.objects.order_by("pk").values())


@pytest.mark.django_db
class TestList:
    def test_member_sees_the_answers_without_write_controls(self, tenant_a, bot):
        CuratedAnswerFactory(
            bot=bot, question="How long is the warranty?", answer="Two years.", updated_by=tenant_a.admin
        )
        page = logged_in(tenant_a.member).get(answers_url(bot)).content.decode()
        assert "How long is the warranty?" in page
        assert "Two years." in page
        assert tenant_a.admin.full_name in page
        assert 'aria-current="page">Answers</a>' in page
        assert "Add an answer" not in page
        assert "Edit" not in page
        assert "answer-delete" not in page and "/delete/" not in page

    @pytest.mark.parametrize("role", WRITERS)
    def test_owner_and_admin_see_the_write_controls(self, tenant_a, bot, role):
        entry = CuratedAnswerFactory(bot=bot)
        page = logged_in(tenant_a.user(role)).get(answers_url(bot)).content.decode()
        assert create_url(bot) in page
        assert edit_url(entry) in page
        assert delete_url(entry) in page

    def test_search(self, tenant_a, bot):
        CuratedAnswerFactory(bot=bot, question="How long is the warranty?", answer="Two years.")
        CuratedAnswerFactory(bot=bot, question="Shipping cost?", answer="Five euros.")
        response = logged_in(tenant_a.member).get(answers_url(bot), {"q": "euros"})
        assert [entry.question for entry in response.context["page"].object_list] == ["Shipping cost?"]
        assert "No answer matches" in logged_in(tenant_a.member).get(answers_url(bot), {"q": "mars"}).content.decode()

    def test_page_queries_do_not_grow_with_entries(self, tenant_a, bot, django_assert_max_num_queries):
        for n in range(30):
            CuratedAnswerFactory(bot=bot, question=f"Q{n}?", created_by=tenant_a.owner, updated_by=tenant_a.admin)
        client = logged_in(tenant_a.owner)
        with django_assert_max_num_queries(10):
            response = client.get(answers_url(bot))
        assert len(response.context["page"].object_list) == 30

    def test_every_bot_page_links_to_the_answers(self, tenant_a, bot):
        page = logged_in(tenant_a.member).get(reverse("dashboard:bot-knowledge", kwargs={"bot_id": bot.id}))
        assert answers_url(bot) in page.content.decode()


@pytest.mark.django_db
class TestForms:
    @pytest.mark.parametrize("role", WRITERS)
    def test_add_edit_delete(self, tenant_a, bot, role):
        client = logged_in(tenant_a.user(role))
        assert client.get(create_url(bot)).status_code == HTTPStatus.OK
        response = client.post(create_url(bot), {"question": "How long is the warranty?", "answer": "Two years."})
        assert response.status_code == HTTPStatus.FOUND
        assert response["Location"] == answers_url(bot)
        entry = CuratedAnswer.objects.get()
        assert (entry.question, entry.answer, entry.created_by) == (
            "How long is the warranty?",
            "Two years.",
            tenant_a.user(role),
        )
        followed = client.get(answers_url(bot)).content.decode()
        assert "visitors asking “How long is the warranty?” now get it" in followed

        form = client.get(edit_url(entry))
        assert form.context["form"].initial == {"question": "How long is the warranty?", "answer": "Two years."}
        client.post(edit_url(entry), {"question": "How long is the warranty?", "answer": "Three years."})
        entry.refresh_from_db()
        assert entry.answer == "Three years."

        assert client.post(delete_url(entry)).status_code == HTTPStatus.FOUND
        assert rows() == []

    def test_errors_are_shown_next_to_the_fields_and_announced(self, tenant_a, bot):
        client = logged_in(tenant_a.owner)
        response = client.post(create_url(bot), {"question": "", "answer": "a" * 4001})
        assert response.status_code == HTTPStatus.BAD_REQUEST
        page = response.content.decode()
        assert 'role="alert"' in page
        assert 'aria-invalid="true"' in page
        assert re.search(r'aria-describedby="[^"]*\bid_question_error\b', page)
        assert 'id="id_answer_error"' in page
        assert rows() == []

    def test_duplicate_question_is_a_form_error(self, tenant_a, bot):
        CuratedAnswerFactory(bot=bot, question="How long is the warranty?")
        response = logged_in(tenant_a.owner).post(
            create_url(bot), {"question": "how long is the WARRANTY", "answer": "Other."}
        )
        assert response.status_code == HTTPStatus.BAD_REQUEST
        assert response.context["form"].errors["question"] == ["This bot already has an answer to this question."]
        assert CuratedAnswer.objects.count() == 1

    def test_member_cannot_open_or_post_the_forms(self, tenant_a, bot):
        entry = CuratedAnswerFactory(bot=bot, answer="Original.")
        client = logged_in(tenant_a.member)
        before = rows()
        assert client.get(create_url(bot)).status_code == HTTPStatus.FORBIDDEN
        assert client.post(create_url(bot), {"question": "Q?", "answer": "A."}).status_code == HTTPStatus.FORBIDDEN
        assert client.get(edit_url(entry)).status_code == HTTPStatus.FORBIDDEN
        assert client.post(edit_url(entry), {"question": "Q?", "answer": "B."}).status_code == HTTPStatus.FORBIDDEN
        assert client.post(delete_url(entry)).status_code == HTTPStatus.FORBIDDEN
        assert rows() == before

    @pytest.mark.parametrize("role", [Role.OWNER, Role.MEMBER])
    def test_another_organization_gets_404_and_nothing_changes(self, tenant_b, bot, role):
        entry = CuratedAnswerFactory(bot=bot)
        foreign_answer = AnswerFactory(conversation__bot=bot)
        client = logged_in(tenant_b.user(role))
        before = rows()
        for url in (
            answers_url(bot),
            create_url(bot),
            reverse("dashboard:bot-unanswered", kwargs={"bot_id": bot.id}),
            edit_url(entry),
        ):
            assert client.get(url).status_code == HTTPStatus.NOT_FOUND, url
        assert client.post(edit_url(entry), {"question": "Q?", "answer": "B."}).status_code == HTTPStatus.NOT_FOUND
        assert client.post(delete_url(entry)).status_code == HTTPStatus.NOT_FOUND
        # B's own bot cannot borrow A's message as a source either.
        own_bot = BotFactory(organization=tenant_b.organization)
        if role == Role.OWNER:
            assert client.get(create_url(own_bot), {"source": foreign_answer.id}).status_code == HTTPStatus.NOT_FOUND
        assert rows() == before


@pytest.mark.django_db
class TestCorrectThisAnswer:
    def test_transcript_links_each_bot_answer_to_a_prefilled_form(self, tenant_a, bot):
        conversation = ConversationFactory(bot=bot)
        MessageFactory(conversation=conversation, content="How long is the warranty?")
        answer = AnswerFactory(conversation=conversation, content="One year, I think.")
        transcript = reverse("dashboard:conversation-detail", kwargs={"conversation_id": conversation.id})
        link = f"{create_url(bot)}?source={answer.id}"

        assert link not in logged_in(tenant_a.member).get(transcript).content.decode()
        client = logged_in(tenant_a.admin)
        assert link in client.get(transcript).content.decode()

        form = client.get(link)
        assert form.status_code == HTTPStatus.OK
        assert form.context["form"].initial == {
            "question": "How long is the warranty?",
            "answer": "One year, I think.",
            "source": answer.id,
        }
        client.post(link, {"question": "How long is the warranty?", "answer": "Two years.", "source": answer.id})
        entry = CuratedAnswer.objects.get()
        assert (entry.answer, entry.source_message) == ("Two years.", answer)

    def test_a_source_of_another_bot_is_404(self, tenant_a, bot):
        other = AnswerFactory(conversation__bot=BotFactory(organization=tenant_a.organization))
        client = logged_in(tenant_a.owner)
        assert client.get(create_url(bot), {"source": other.id}).status_code == HTTPStatus.NOT_FOUND
        assert client.get(create_url(bot), {"source": "not-an-id"}).status_code == HTTPStatus.NOT_FOUND

    def test_playground_offers_the_link_to_owners_and_admins_only(self, tenant_a, bot):
        url = reverse("dashboard:bot-playground", kwargs={"bot_id": bot.id})
        assert f'data-correct-url="{create_url(bot)}"' in logged_in(tenant_a.admin).get(url).content.decode()
        assert "data-correct-url" not in logged_in(tenant_a.member).get(url).content.decode()


def test_unanswered_question_asked_of_the_bot_is_listed_and_answered_in_one_click(transactional_db, tenant_a):
    # A bot without documents answers with its fallback message: the question is unanswered.
    bot = BotFactory(organization=tenant_a.organization)
    chat = reverse("bot-chat", kwargs={"bot_id": bot.id})
    reply = jwt_client(tenant_a.member).post(chat, {"message": "Can I bring my dog on board?"}, format="json").json()
    assert reply["message"]["unanswered"] is True

    unanswered = reverse("dashboard:bot-unanswered", kwargs={"bot_id": bot.id})
    assert "Can I bring my dog on board?" in logged_in(tenant_a.member).get(unanswered).content.decode()
    assert "Write the answer" not in logged_in(tenant_a.member).get(unanswered).content.decode()

    client = logged_in(tenant_a.owner)
    page = client.get(unanswered)
    assert "Write the answer" in page.content.decode()
    row = page.context["rows"][0]
    link = f"{create_url(bot)}?question=Can%20I%20bring%20my%20dog%20on%20board%3F&source={row.message_id}"
    form = client.get(link)
    # The fallback reply is no starting point: the answer is left for the owner to write.
    assert form.context["form"].initial == {"question": "Can I bring my dog on board?", "source": row.message_id}
    client.post(
        link, {"question": "Can I bring my dog on board?", "answer": "Yes, on a leash.", "source": row.message_id}
    )
    assert CuratedAnswer.objects.get().answer == "Yes, on a leash."
    after = client.get(unanswered)
    assert after.context["rows"] == []
    assert "No unanswered questions" in after.content.decode()
