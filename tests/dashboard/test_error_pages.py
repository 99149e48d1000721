"""Unknown and failing pages answer with ChatSphere's own pages, not Django's."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.test import Client, RequestFactory

from chatsphere.urls import handler500
from tests.dashboard.test_chat_pages import logged_in


@pytest.mark.django_db
class TestNotFound:
    def test_a_mistyped_dashboard_address_gets_a_page_with_a_way_back(self, tenant_a):
        response = logged_in(tenant_a.member).get("/app/bots/not-a-bot/settingz/")
        page = response.content.decode()
        assert response.status_code == HTTPStatus.NOT_FOUND
        assert '<h1 id="error-title">Page not found</h1>' in page
        assert 'href="/app/"' in page
        assert "<link" not in page  # self-contained: renders even when static files are what failed

    def test_a_visitor_on_an_unknown_chat_link_is_told_the_chat_is_not_available(self):
        response = Client().get("/chat/pk_no-such-bot/")
        page = response.content.decode()
        assert response.status_code == HTTPStatus.NOT_FOUND
        assert "This chat is not available" in page
        assert "Go to the dashboard" not in page

    def test_api_paths_still_answer_json(self):
        response = Client().get("/api/v1/no-such-thing/")
        assert response.status_code == HTTPStatus.NOT_FOUND
        assert response["Content-Type"].startswith("application/json")


def test_a_server_error_gets_a_self_contained_page():
    response = handler500(RequestFactory().get("/app/bots/"))
    page = response.content.decode()
    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    assert "Something went wrong" in page
    assert "<style>" in page and "<link" not in page  # renders even when static files are the problem
