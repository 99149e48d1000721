from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from accounts.models import ApiKey, Invitation, Membership, Organization, Role, User
from accounts.services.common import hash_secret

PASSWORD = "a-strong-pass-phrase-42"


def _save_user(user: User, create: bool, extracted: object, **kwargs: object) -> None:
    # skip_postgeneration_save leaves the save to us: once, after the password is set.
    if create:
        user.save()


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    full_name = factory.Faker("name")
    is_staff = True
    # Accounts in tests have proven their address unless a test says otherwise.
    email_verified_at: factory.LazyFunction | None = factory.LazyFunction(timezone.now)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)
    _save = factory.PostGeneration(_save_user)


class UnverifiedUserFactory(UserFactory):
    """An account whose owner has not yet followed the verification link, as sign-up leaves it."""

    is_staff = False
    email_verified_at = None


class OrganizationFactory(DjangoModelFactory[Organization]):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Organization {n}")
    slug = factory.Sequence(lambda n: f"org-{n}")


class MembershipFactory(DjangoModelFactory[Membership]):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = Role.OWNER


class InvitationFactory(DjangoModelFactory[Invitation]):
    class Meta:
        model = Invitation

    organization = factory.SubFactory(OrganizationFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.com")
    role = Role.MEMBER
    token_hash = factory.Sequence(lambda n: hash_secret(f"invitation-token-{n}"))
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))


class ApiKeyFactory(DjangoModelFactory[ApiKey]):
    class Meta:
        model = ApiKey

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Key {n}")
    prefix = factory.Sequence(lambda n: f"csk_{n:08d}")
    key_hash = factory.Sequence(lambda n: hash_secret(f"csk_factory-key-{n}"))
