"""The API shows what the bot read from a document: its text part by part (a PDF page by page)
and, in the document's detail, the history of its ingestion runs."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import jwt_client
from documents import services
from documents.models import DocumentStatus
from documents.tests.conftest import HARBOUR_GUIDE, harbour_guide_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def guide(owner_actor, bot, run_tasks):
    with run_tasks():
        document = services.document_create_from_file(
            actor=owner_actor, bot=bot, uploaded_file=SimpleUploadedFile("harbour-guide.pdf", harbour_guide_pdf())
        )
    document.refresh_from_db()
    assert document.status == DocumentStatus.READY, document.error
    return document


def text_url(document) -> str:
    return reverse("document-text", kwargs={"document_id": document.id})


def test_the_text_comes_one_page_at_a_time(tenant_a, guide):
    client = jwt_client(tenant_a.member)
    first = client.get(text_url(guide)).json()
    assert first["count"] == 5
    assert first["previous"] is None and first["next"].endswith("/text/?page=2")
    (part,) = first["results"]
    assert part["number"] == 1 and part["page"] == 1
    assert part["text"].startswith("Welcome to the harbour")

    third = client.get(text_url(guide), {"page": 3}).json()["results"][0]
    assert third["page"] == 3 and third["heading"] == "Winter timetable"
    for paragraph in HARBOUR_GUIDE[2][1]:
        assert paragraph in third["text"]

    by_pdf_page = client.get(text_url(guide), {"pdf_page": 4}).json()
    assert by_pdf_page["count"] == 1 and by_pdf_page["results"][0]["heading"] == "Parking and access"

    several = client.get(text_url(guide), {"page": 2, "page_size": 2}).json()
    assert [part["page"] for part in several["results"]] == [3, 4]


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"page": "6"}, "page", "There is no page 6: the last is 5."),
        ({"page": "zero"}, "page", "Must be a whole number from 1."),
        ({"page_size": "500"}, "page_size", "Must be a whole number from 1 to 20."),
        ({"pdf_page": "0"}, "pdf_page", "Ensure this value is greater than or equal to 1."),
        ({"pdf_page": "99999999999"}, "pdf_page", "Ensure this value is less than or equal to 1000000."),
    ],
)
def test_bad_paging_is_refused_naming_the_parameter(tenant_a, guide, params, field, message):
    response = jwt_client(tenant_a.member).get(text_url(guide), params)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json()["errors"] == {field: [message]}


def test_the_detail_has_the_ingestion_history(tenant_a, guide, owner_actor, run_tasks, settings):
    settings.CHATSPHERE_MAX_CHUNKS_PER_DOCUMENT = 1
    with run_tasks():
        services.document_reingest(actor=owner_actor, document=guide)
    detail = jwt_client(tenant_a.member).get(reverse("document-detail", kwargs={"document_id": guide.id})).json()
    failed, ready = detail["history"]
    assert (failed["outcome"], ready["outcome"]) == ("failed", "ready")
    assert "the limit is 1 passages per document" in failed["error"]
    assert failed["stage"] == "chunking" and failed["chunk_count"] == 0
    assert ready["chunk_count"] > 0 and ready["error"] == ""
    assert ready["duration_seconds"] >= 0 and ready["finished_at"] and ready["queued_at"] and ready["worker"]


def test_another_organization_gets_404_for_the_text(tenant_a, tenant_b, guide):
    response = jwt_client(tenant_b.owner).get(text_url(guide), {"page": 3})
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert response.json()["code"] == "not_found"
    assert "Winter" not in response.content.decode()
