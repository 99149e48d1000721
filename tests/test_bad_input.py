"""Bad input to every write endpoint of the API answers a JSON 4xx, never a 500 or an HTML page.

Validation errors are 400 `{"detail", "code": "invalid", "errors": {field: [...]}}`; unknown ids
are 404 `{"detail", "code": "not_found"}`; a body that is not JSON is 400 `parse_error`.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

import pytest
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.models import ApiKey, Invitation, Membership, Organization, Role, User
from accounts.tests.factories import InvitationFactory
from bots.models import Bot
from bots.tests.factories import BotFactory
from bots.validation import MAX_ALLOWED_ORIGINS, MAX_SUGGESTED_QUESTION_LENGTH, MAX_SUGGESTED_QUESTIONS
from chat.models import CuratedAnswer
from chat.tests.factories import CuratedAnswerFactory
from conftest import Tenant, jwt_client


class Raw(str):
    """A request body sent as-is with a JSON content type."""


@dataclass
class World:
    tenant: Tenant
    bot: Bot
    invitation: Invitation
    refresh: str
    curated_answer: CuratedAnswer

    @property
    def org(self) -> str:
        return f"/api/v1/organizations/{self.tenant.organization.id}/"

    def membership_id(self, user: User) -> uuid.UUID:
        return Membership.objects.get(user=user, organization=self.tenant.organization).id


#: endpoint name -> (who calls, HTTP method, URL)
Endpoint = Callable[[World], tuple[APIClient, str, str]]

ENDPOINTS: dict[str, Endpoint] = {
    "register": lambda w: (APIClient(), "post", "/api/v1/auth/register/"),
    "token": lambda w: (APIClient(), "post", "/api/v1/auth/token/"),
    "refresh": lambda w: (APIClient(), "post", "/api/v1/auth/token/refresh/"),
    "logout": lambda w: (APIClient(), "post", "/api/v1/auth/logout/"),
    "org-create": lambda w: (jwt_client(w.tenant.owner), "post", "/api/v1/organizations/"),
    "org-rename": lambda w: (jwt_client(w.tenant.owner), "patch", w.org),
    "member-role": lambda w: (
        jwt_client(w.tenant.owner),
        "patch",
        f"{w.org}members/{w.membership_id(w.tenant.member)}/",
    ),
    "invitation-create": lambda w: (jwt_client(w.tenant.owner), "post", f"{w.org}invitations/"),
    "invitation-accept": lambda w: (jwt_client(w.tenant.member), "post", "/api/v1/invitations/accept/"),
    "api-key-create": lambda w: (jwt_client(w.tenant.owner), "post", f"{w.org}api-keys/"),
    "bot-create": lambda w: (jwt_client(w.tenant.admin), "post", "/api/v1/bots/"),
    "bot-update": lambda w: (jwt_client(w.tenant.admin), "patch", f"/api/v1/bots/{w.bot.id}/"),
    "bot-replace": lambda w: (jwt_client(w.tenant.admin), "put", f"/api/v1/bots/{w.bot.id}/"),
    "answer-create": lambda w: (jwt_client(w.tenant.admin), "post", f"/api/v1/bots/{w.bot.id}/answers/"),
    "answer-update": lambda w: (jwt_client(w.tenant.admin), "patch", f"/api/v1/answers/{w.curated_answer.id}/"),
}

GOOD_REGISTER = {"email": "new@example.com", "password": "tall green ladder 42", "organization_name": "Shop"}
GOOD_TOKEN = {"email": "someone@example.com", "password": "whatever it is"}
LONG = "x" * 5000


def register(**changes: Any) -> dict[str, Any]:
    return {**GOOD_REGISTER, **changes}


def token(**changes: Any) -> dict[str, Any]:
    return {**GOOD_TOKEN, **changes}


def bot(**changes: Any) -> dict[str, Any]:
    return {"name": "Bot", **changes}


@dataclass(frozen=True)
class Case:
    endpoint: str
    body: Any
    field: str | None  # the field `errors` must name (None: no field errors expected)
    status: int = HTTPStatus.BAD_REQUEST
    code: str = "invalid"


MALFORMED = [Raw('{"name": '), Raw("{'single': 'quotes'}"), Raw("not json at all"), Raw('{"a": 1,}')]

# Every write endpoint refuses a body that is not JSON.
CASES: dict[str, Case] = {
    f"{endpoint}-malformed-json-{n}": Case(endpoint, raw, None, code="parse_error")
    for endpoint in ENDPOINTS
    for n, raw in enumerate(MALFORMED)
}
# ... and JSON that is not an object.
CASES.update(
    {
        f"{endpoint}-json-{kind}": Case(endpoint, Raw(raw), "non_field_errors")
        for endpoint in ENDPOINTS
        for kind, raw in (("array", "[1, 2]"), ("string", '"text"'), ("number", "42"))
    }
)

CASES.update(
    {
        # register
        "register-missing-everything": Case("register", {}, "email"),
        "register-email-list": Case("register", register(email=["a@example.com"]), "email"),
        "register-email-object": Case("register", register(email={"a": 1}), "email"),
        "register-email-invalid": Case("register", register(email="not-an-email"), "email"),
        "register-email-too-long": Case("register", register(email="a" * 250 + "@example.com"), "email"),
        "register-email-null": Case("register", register(email=None), "email"),
        "register-password-list": Case("register", register(password=["x"]), "password"),
        "register-password-too-long": Case("register", register(password="Zq9!" * 40), "password"),
        "register-password-numeric": Case("register", register(password="48213950671"), "password"),
        "register-org-name-too-long": Case("register", register(organization_name="o" * 121), "organization_name"),
        "register-org-name-blank": Case("register", register(organization_name="   "), "organization_name"),
        "register-org-name-object": Case("register", register(organization_name={"x": 1}), "organization_name"),
        "register-full-name-too-long": Case("register", register(full_name="f" * 151), "full_name"),
        "register-org-name-nul": Case("register", register(organization_name="Sh\x00op"), "organization_name"),
        "register-email-nul": Case("register", register(email="a\x00b@example.com"), "email"),
        # token
        "token-missing-password": Case("token", {"email": "a@example.com"}, "password"),
        "token-email-list": Case("token", token(email=["a@example.com"]), "email"),
        "token-password-object": Case("token", token(password={"p": 1}), "password"),
        "token-email-too-long": Case("token", token(email=LONG), "email"),
        "token-password-too-long": Case("token", token(password=LONG), "password"),
        "token-email-nul": Case("token", token(email="a\x00@example.com"), "email"),
        # refresh
        "refresh-missing": Case("refresh", {}, "refresh"),
        "refresh-list": Case("refresh", {"refresh": ["a"]}, "refresh"),
        "refresh-nul": Case("refresh", {"refresh": "a\x00b"}, "refresh"),
        "refresh-garbage": Case(
            "refresh", {"refresh": "not-a-token"}, None, HTTPStatus.UNAUTHORIZED, "not_authenticated"
        ),
        # logout
        "logout-missing": Case("logout", {}, "refresh"),
        "logout-garbage": Case("logout", {"refresh": "not-a-token"}, "refresh"),
        "logout-number": Case("logout", {"refresh": {"n": 5}}, "refresh"),
        # organizations
        "org-create-too-long": Case("org-create", {"name": "n" * 121}, "name"),
        "org-create-list": Case("org-create", {"name": ["n"]}, "name"),
        "org-rename-missing": Case("org-rename", {}, "name"),
        "org-rename-too-long": Case("org-rename", {"name": "n" * 121}, "name"),
        "org-rename-blank": Case("org-rename", {"name": "  "}, "name"),
        "org-rename-list": Case("org-rename", {"name": ["Alpha"]}, "name"),
        "org-rename-null": Case("org-rename", {"name": None}, "name"),
        # member role
        "member-role-missing": Case("member-role", {}, "role"),
        "member-role-unknown": Case("member-role", {"role": "superuser"}, "role"),
        "member-role-list": Case("member-role", {"role": ["admin"]}, "role"),
        "member-role-number": Case("member-role", {"role": 2}, "role"),
        "member-role-null": Case("member-role", {"role": None}, "role"),
        # invitations
        "invitation-create-missing-email": Case("invitation-create", {"role": "member"}, "email"),
        "invitation-create-email-invalid": Case("invitation-create", {"email": "nobody"}, "email"),
        "invitation-create-email-too-long": Case("invitation-create", {"email": "a" * 250 + "@x.com"}, "email"),
        "invitation-create-email-list": Case("invitation-create", {"email": ["a@example.com"]}, "email"),
        "invitation-create-role-unknown": Case("invitation-create", {"email": "a@example.com", "role": "boss"}, "role"),
        "invitation-create-role-object": Case("invitation-create", {"email": "a@example.com", "role": {}}, "role"),
        "invitation-accept-missing": Case("invitation-accept", {}, "token"),
        "invitation-accept-too-long": Case("invitation-accept", {"token": "t" * 201}, "token"),
        "invitation-accept-list": Case("invitation-accept", {"token": ["t"]}, "token"),
        "invitation-accept-nul": Case("invitation-accept", {"token": "t\x00"}, "token"),
        "invitation-accept-unknown": Case("invitation-accept", {"token": "nope"}, "token", code="invalid_invitation"),
        # API keys
        "api-key-missing-name": Case("api-key-create", {}, "name"),
        "api-key-name-too-long": Case("api-key-create", {"name": "k" * 101}, "name"),
        "api-key-name-blank": Case("api-key-create", {"name": " "}, "name"),
        "api-key-name-list": Case("api-key-create", {"name": ["k"]}, "name"),
        "api-key-name-null": Case("api-key-create", {"name": None}, "name"),
    }
)

# Bots: the same bad values through create, update (PATCH) and replace (PUT).
BAD_BOT_VALUES: dict[str, tuple[dict[str, Any], str]] = {
    "name-too-long": ({"name": "n" * 101}, "name"),
    "name-blank": ({"name": "   "}, "name"),
    "name-list": ({"name": ["Bot"]}, "name"),
    "name-null": ({"name": None}, "name"),
    "name-nul-character": ({"name": "Bo\x00t"}, "name"),
    "description-too-long": ({"description": "d" * 2001}, "description"),
    "system-prompt-too-long": ({"system_prompt": "p" * 8001}, "system_prompt"),
    "system-prompt-object": ({"system_prompt": {"role": "system"}}, "system_prompt"),
    "model-unknown": ({"model": "gpt-4o"}, "model"),
    "model-list": ({"model": ["gemini"]}, "model"),
    "temperature-string": ({"temperature": "hot"}, "temperature"),
    "temperature-too-high": ({"temperature": 2.01}, "temperature"),
    "temperature-negative": ({"temperature": -0.1}, "temperature"),
    "temperature-nan": ({"temperature": "NaN"}, "temperature"),
    "temperature-infinite": ({"temperature": "Infinity"}, "temperature"),
    "temperature-list": ({"temperature": [1]}, "temperature"),
    "max-output-tokens-string": ({"max_output_tokens": "lots"}, "max_output_tokens"),
    "max-output-tokens-too-small": ({"max_output_tokens": 1}, "max_output_tokens"),
    "max-output-tokens-too-big": ({"max_output_tokens": 10**9}, "max_output_tokens"),
    "max-output-tokens-fraction": ({"max_output_tokens": 100.5}, "max_output_tokens"),
    "top-k-zero": ({"top_k": 0}, "top_k"),
    "top-k-too-big": ({"top_k": 21}, "top_k"),
    "top-k-negative": ({"top_k": -3}, "top_k"),
    "top-k-string": ({"top_k": "five"}, "top_k"),
    "top-k-huge": ({"top_k": 10**30}, "top_k"),
    "strictness-too-high": ({"strictness": 1.5}, "strictness"),
    "strictness-string": ({"strictness": "high"}, "strictness"),
    "chunk-tokens-too-small": ({"chunk_tokens": 10}, "chunk_tokens"),
    "chunk-overlap-too-big": ({"chunk_overlap": 501}, "chunk_overlap"),
    "chunk-overlap-over-half": ({"chunk_tokens": 200, "chunk_overlap": 150}, "chunk_overlap"),
    "welcome-too-long": ({"welcome_message": "w" * 501}, "welcome_message"),
    "fallback-too-long": ({"fallback_message": "f" * 501}, "fallback_message"),
    "fallback-blank": ({"fallback_message": ""}, "fallback_message"),
    "suggested-too-many": ({"suggested_questions": ["q?"] * (MAX_SUGGESTED_QUESTIONS + 1)}, "suggested_questions"),
    "suggested-too-long": (
        {"suggested_questions": ["q" * (MAX_SUGGESTED_QUESTION_LENGTH + 1)]},
        "suggested_questions",
    ),
    "suggested-string": ({"suggested_questions": "What?"}, "suggested_questions"),
    "suggested-blank-item": ({"suggested_questions": ["   "]}, "suggested_questions"),
    "suggested-object-item": ({"suggested_questions": [{"q": "What?"}]}, "suggested_questions"),
    "suggested-nul-item": ({"suggested_questions": ["Wh\x00at?"]}, "suggested_questions"),
    "origins-string": ({"allowed_origins": "https://example.com"}, "allowed_origins"),
    "origins-javascript": ({"allowed_origins": ["javascript:alert(1)"]}, "allowed_origins"),
    "origins-path": ({"allowed_origins": ["https://example.com/page"]}, "allowed_origins"),
    "origins-query": ({"allowed_origins": ["https://example.com?x=1"]}, "allowed_origins"),
    "origins-no-scheme": ({"allowed_origins": ["example.com"]}, "allowed_origins"),
    "origins-ftp": ({"allowed_origins": ["ftp://example.com"]}, "allowed_origins"),
    "origins-credentials": ({"allowed_origins": ["https://user:pw@example.com"]}, "allowed_origins"),
    "origins-bad-port": ({"allowed_origins": ["https://example.com:99999"]}, "allowed_origins"),
    "origins-bad-host": ({"allowed_origins": ["https://exa mple.com"]}, "allowed_origins"),
    "origins-wildcard": ({"allowed_origins": ["*"]}, "allowed_origins"),
    "origins-empty-item": ({"allowed_origins": [""]}, "allowed_origins"),
    "origins-null-item": ({"allowed_origins": [None]}, "allowed_origins"),
    "origins-nul-character": ({"allowed_origins": ["https://exa\x00mple.com"]}, "allowed_origins"),
    "origins-object-item": ({"allowed_origins": [{"origin": "https://example.com"}]}, "allowed_origins"),
    "origins-too-long-item": ({"allowed_origins": ["https://" + "a" * 300 + ".com"]}, "allowed_origins"),
    "origins-too-many": (
        {"allowed_origins": [f"https://site{n}.example.com" for n in range(MAX_ALLOWED_ORIGINS + 1)]},
        "allowed_origins",
    ),
    "color-name": ({"primary_color": "blue"}, "primary_color"),
    "color-short": ({"primary_color": "#12345"}, "primary_color"),
    "color-too-long": ({"primary_color": "#1234567"}, "primary_color"),
    "color-no-hash": ({"primary_color": "2563EB"}, "primary_color"),
    "color-not-hex": ({"primary_color": "#GGGGGG"}, "primary_color"),
    "color-number": ({"primary_color": 255}, "primary_color"),
    "position-unknown": ({"position": "top"}, "position"),
    "theme-unknown": ({"theme": "sepia"}, "theme"),
    "is-active-string": ({"is_active": "maybe"}, "is_active"),
    "widget-title-too-long": ({"widget_title": "t" * 61}, "widget_title"),
}
for endpoint in ("bot-create", "bot-update", "bot-replace"):
    for name, (values, field) in BAD_BOT_VALUES.items():
        CASES[f"{endpoint}-{name}"] = Case(endpoint, bot(**values), field)
    CASES[f"{endpoint}-temperature-overflow"] = Case(
        endpoint, Raw('{"name": "Bot", "temperature": 1e400}'), "temperature"
    )
    CASES[f"{endpoint}-lone-surrogate"] = Case(
        endpoint, Raw('{"name": "Bot", "system_prompt": "\\ud800"}'), "system_prompt"
    )
# Curated answers: the same bad values through create and update (PATCH).
BAD_ANSWER_VALUES: dict[str, tuple[dict[str, Any], str]] = {
    "question-blank": ({"question": "   "}, "question"),
    "question-null": ({"question": None}, "question"),
    "question-too-long": ({"question": "q" * 501}, "question"),
    "question-list": ({"question": ["Q?"]}, "question"),
    "question-object": ({"question": {"text": "Q?"}}, "question"),
    "question-nul": ({"question": "Q\x00?"}, "question"),
    "question-punctuation-only": ({"question": "?!"}, "question"),
    "answer-blank": ({"answer": ""}, "answer"),
    "answer-null": ({"answer": None}, "answer"),
    "answer-too-long": ({"answer": "a" * 4001}, "answer"),
    "answer-list": ({"answer": ["A."]}, "answer"),
    "answer-nul": ({"answer": "A\x00."}, "answer"),
}
for endpoint in ("answer-create", "answer-update"):
    for name, (values, field) in BAD_ANSWER_VALUES.items():
        CASES[f"{endpoint}-{name}"] = Case(endpoint, {"question": "New question?", "answer": "New.", **values}, field)
    CASES[f"{endpoint}-lone-surrogate"] = Case(endpoint, Raw('{"question": "Q?", "answer": "\\ud800"}'), "answer")
CASES["answer-create-missing-question"] = Case("answer-create", {"answer": "A."}, "question")
CASES["answer-create-missing-answer"] = Case("answer-create", {"question": "Q?"}, "answer")
CASES["answer-create-source-not-a-uuid"] = Case(
    "answer-create", {"question": "Q?", "answer": "A.", "source_message_id": "42"}, "source_message_id"
)
CASES["answer-create-source-unknown"] = Case(
    "answer-create",
    {"question": "Q?", "answer": "A.", "source_message_id": "00000000-0000-4000-8000-000000000000"},
    "source_message_id",
    HTTPStatus.NOT_FOUND,
    "not_found",
)
CASES["answer-create-duplicate"] = Case(
    "answer-create",
    {"question": "original QUESTION", "answer": "A."},
    "question",
    HTTPStatus.CONFLICT,
    "duplicate_question",
)
CASES["bot-create-missing-name"] = Case("bot-create", {"temperature": 0.5}, "name")
CASES["bot-replace-missing-name"] = Case("bot-replace", {"temperature": 0.5}, "name")


@pytest.fixture
def world(tenant_a) -> World:
    bot = BotFactory(organization=tenant_a.organization, name="Original")
    return World(
        tenant=tenant_a,
        bot=bot,
        invitation=InvitationFactory(organization=tenant_a.organization),
        refresh=str(RefreshToken.for_user(tenant_a.owner)),
        curated_answer=CuratedAnswerFactory(bot=bot, question="Original question?", answer="Original answer."),
    )


def send(client: APIClient, method: str, url: str, body: Any):
    if isinstance(body, Raw):
        return getattr(client, method)(url, data=str(body), content_type="application/json")
    return getattr(client, method)(url, body, format="json")


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (User, Organization, Membership, Invitation, ApiKey, Bot, CuratedAnswer)
    }


def assert_json_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = response.json()
    assert isinstance(body, dict)
    assert isinstance(body.get("detail"), str) and body["detail"], body
    assert body.get("code") == code, body
    return body


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_bad_input_is_refused_with_json(world, case):
    client, method, url = ENDPOINTS[case.endpoint](world)
    before = counts()
    role_before = Membership.objects.get(user=world.tenant.member, organization=world.tenant.organization).role
    response = send(client, method, url, case.body)

    body = assert_json_error(response, case.status, case.code)
    if case.field is None:
        assert "errors" not in body or not body["errors"], body
    else:
        assert case.field in body["errors"], body
        messages = body["errors"][case.field]
        assert messages and all(isinstance(m, str) and m for m in messages), body
    # nothing changed
    assert counts() == before
    world.bot.refresh_from_db()
    assert world.bot.name == "Original"
    assert Membership.objects.get(user=world.tenant.member, organization=world.tenant.organization).role == role_before
    world.tenant.organization.refresh_from_db()
    assert world.tenant.organization.name == "Alpha"
    world.curated_answer.refresh_from_db()
    assert (world.curated_answer.question, world.curated_answer.answer) == ("Original question?", "Original answer.")


def test_every_write_endpoint_has_cases():
    covered = {case.endpoint for case in CASES.values() if case.body not in MALFORMED}
    assert covered == set(ENDPOINTS)


# --- unknown ids in URLs --------------------------------------------------------------------

MISSING = uuid.UUID("00000000-0000-4000-8000-000000000000")

#: (method, URL pattern, body); {org} is the caller's organization, {missing} an unknown id.
UNKNOWN_ID_CASES: dict[str, tuple[str, str, Any]] = {
    "org-get": ("get", "/api/v1/organizations/{missing}/", None),
    "org-rename": ("patch", "/api/v1/organizations/{missing}/", {"name": "x"}),
    "org-delete": ("delete", "/api/v1/organizations/{missing}/", None),
    "members-list": ("get", "/api/v1/organizations/{missing}/members/", None),
    "member-role": ("patch", "/api/v1/organizations/{org}/members/{missing}/", {"role": "admin"}),
    "member-remove": ("delete", "/api/v1/organizations/{org}/members/{missing}/", None),
    "member-in-unknown-org": ("patch", "/api/v1/organizations/{missing}/members/{missing}/", {"role": "admin"}),
    "invitations-create-unknown-org": ("post", "/api/v1/organizations/{missing}/invitations/", {"email": "a@b.co"}),
    "invitation-get": ("get", "/api/v1/organizations/{org}/invitations/{missing}/", None),
    "invitation-revoke": ("delete", "/api/v1/organizations/{org}/invitations/{missing}/", None),
    "api-keys-create-unknown-org": ("post", "/api/v1/organizations/{missing}/api-keys/", {"name": "k"}),
    "api-key-revoke": ("delete", "/api/v1/organizations/{org}/api-keys/{missing}/", None),
    "bot-get": ("get", "/api/v1/bots/{missing}/", None),
    "bot-update": ("patch", "/api/v1/bots/{missing}/", {"name": "x"}),
    "bot-update-bad-body": ("patch", "/api/v1/bots/{missing}/", {"top_k": 999}),
    "bot-replace": ("put", "/api/v1/bots/{missing}/", {"name": "x"}),
    "bot-delete": ("delete", "/api/v1/bots/{missing}/", None),
    "bot-rotate-key": ("post", "/api/v1/bots/{missing}/rotate-key/", None),
    "bot-rotate-identity-secret": ("post", "/api/v1/bots/{missing}/rotate-identity-secret/", None),
    "bot-not-a-uuid": ("patch", "/api/v1/bots/not-a-uuid/", {"name": "x"}),
    "answers-of-unknown-bot": ("get", "/api/v1/bots/{missing}/answers/", None),
    "answer-create-unknown-bot": ("post", "/api/v1/bots/{missing}/answers/", {"question": "Q?", "answer": "A."}),
    "answer-get": ("get", "/api/v1/answers/{missing}/", None),
    "answer-update": ("patch", "/api/v1/answers/{missing}/", {"answer": "A."}),
    "answer-delete": ("delete", "/api/v1/answers/{missing}/", None),
    "unanswered-of-unknown-bot": ("get", "/api/v1/bots/{missing}/unanswered/", None),
    "org-not-a-uuid": ("patch", "/api/v1/organizations/123/", {"name": "x"}),
    "member-not-a-uuid": ("patch", "/api/v1/organizations/{org}/members/abc/", {"role": "admin"}),
    "api-key-not-a-uuid": ("delete", "/api/v1/organizations/{org}/api-keys/' OR 1=1 --/", None),
}


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "pattern", "body"), UNKNOWN_ID_CASES.values(), ids=UNKNOWN_ID_CASES.keys())
def test_unknown_ids_answer_404_json(world, method, pattern, body):
    client = jwt_client(world.tenant.owner)
    url = pattern.format(org=world.tenant.organization.id, missing=MISSING)
    before = counts()
    response = getattr(client, method)(url, body, format="json") if body is not None else getattr(client, method)(url)
    assert_json_error(response, HTTPStatus.NOT_FOUND, "not_found")
    assert counts() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content_type", "data"),
    [("text/plain", "name=Bot"), ("application/xml", "<bot><name>Bot</name></bot>")],
    ids=["text", "xml"],
)
def test_unsupported_media_type_is_json(world, content_type, data):
    response = jwt_client(world.tenant.admin).post("/api/v1/bots/", data=data, content_type=content_type)
    assert_json_error(response, HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type")


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/api/v1/bots/", "/api/v1/auth/token/"])
def test_json_nested_too_deeply_is_a_400(world, url):
    body = "[" * 50_000 + "]" * 50_000
    before = counts()
    response = jwt_client(world.tenant.admin).post(url, data=body, content_type="application/json")
    assert_json_error(response, HTTPStatus.BAD_REQUEST, "parse_error")
    assert "nested too deeply" in response.json()["detail"]
    assert counts() == before


@pytest.mark.django_db
def test_unsupported_method_is_json(world):
    response = jwt_client(world.tenant.admin).put("/api/v1/auth/token/", {}, format="json")
    assert_json_error(response, HTTPStatus.METHOD_NOT_ALLOWED, "method_not_allowed")


@pytest.mark.django_db
def test_good_bodies_still_work(world):
    """The cases above fail for the reason they name: the same endpoints accept good input."""
    tenant = world.tenant
    assert send(APIClient(), "post", "/api/v1/auth/register/", GOOD_REGISTER).status_code == HTTPStatus.ACCEPTED
    response = send(jwt_client(tenant.admin), "patch", f"/api/v1/bots/{world.bot.id}/", {"temperature": 2.0})
    assert response.status_code == HTTPStatus.OK
    response = send(jwt_client(tenant.admin), "post", "/api/v1/bots/", bot(allowed_origins=["http://[::1]:8080"]))
    assert response.status_code == HTTPStatus.CREATED
    assert response.json()["allowed_origins"] == ["http://[::1]:8080"]
    response = send(jwt_client(tenant.owner), "patch", world.org, {"name": "Renamed"})
    assert response.status_code == HTTPStatus.OK
    member_url = f"{world.org}members/{world.membership_id(tenant.member)}/"
    assert send(jwt_client(tenant.owner), "patch", member_url, {"role": Role.ADMIN}).status_code == HTTPStatus.OK
    invitations = f"{world.org}invitations/"
    assert send(jwt_client(tenant.owner), "post", invitations, {"email": "x@example.com"}).status_code == 201
    assert send(jwt_client(tenant.owner), "post", f"{world.org}api-keys/", {"name": "k"}).status_code == 201
    assert send(APIClient(), "post", "/api/v1/auth/logout/", {"refresh": world.refresh}).status_code == 204
