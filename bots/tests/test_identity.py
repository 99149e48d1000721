"""Checking a visitor identity's signature: what is signed, and what is refused before comparing."""

from __future__ import annotations

import pytest

from bots.identity import Identity, identity_rejection, identity_sign

SECRET = "ids_" + "s" * 43
BAD_ID = "the user id is missing, too long or holds control characters"
BAD_TEXT = "the e-mail or name is not text, too long or holds control characters"


def check(user_id: object, email: object = "", name: object = "", user_hash: object = None) -> tuple[object, str]:
    if user_hash is None:
        user_hash = identity_sign(secret=SECRET, user_id=str(user_id), email=str(email), name=str(name))
    return identity_rejection(secret=SECRET, user_id=user_id, user_hash=user_hash, email=email, name=name)


def test_a_good_signature_gives_the_identity_it_covers():
    assert check("customer-4711", "ada@example.com", "Ada Lovelace") == (
        Identity(user_id="customer-4711", email="ada@example.com", name="Ada Lovelace"),
        "",
    )
    upper = identity_sign(secret=SECRET, user_id="customer-4711").upper()
    assert check("customer-4711", user_hash=upper)[0] == Identity(user_id="customer-4711")


def test_the_signature_separates_the_fields():
    # "a\nb" as the user id would sign the same bytes as user "a" with e-mail "b": refused.
    user_hash = identity_sign(secret=SECRET, user_id="a", email="b@x.example")
    assert check("a\nb@x.example", user_hash=user_hash) == (
        None,
        "the user id is missing, too long or holds control characters",
    )


@pytest.mark.parametrize(
    ("user_id", "email", "name", "reason"),
    [
        ("", "", "", BAD_ID),
        ("   ", "", "", BAD_ID),
        (4711, "", "", BAD_ID),
        ("u" * 256, "", "", BAD_ID),
        ("customer-4711", "", "Ada\u0000", BAD_TEXT),
        ("customer-4711", ["ada@example.com"], "", BAD_TEXT),
        ("customer-4711", "", "A" * 201, BAD_TEXT),
        ("customer-4711", "ada at example.com", "", "the e-mail address is not valid"),
        ("customer-4711", "ada@@example.com", "", "the e-mail address is not valid"),
    ],
)  # fmt: skip
def test_bad_fields_are_refused_even_when_signed(user_id, email, name, reason):
    assert check(user_id, email, name) == (None, reason)


@pytest.mark.parametrize("user_hash", ["", "abc", 12345, None, "g" * 64, "0" * 65])
def test_a_missing_or_malformed_signature_is_refused(user_hash):
    result = identity_rejection(secret=SECRET, user_id="customer-4711", user_hash=user_hash)
    assert result[0] is None


def test_without_a_secret_nobody_is_verified():
    user_hash = identity_sign(secret="", user_id="customer-4711")
    assert identity_rejection(secret="", user_id="customer-4711", user_hash=user_hash) == (
        None,
        "the bot has no identity secret",
    )
