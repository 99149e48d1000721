"""Accounts API: sign-up, tokens, the current user, organizations, members, invitations, API keys.

Views are thin: they parse input with a serializer, call one service, and render the result.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import cast

from django.contrib.auth import authenticate
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.tokens import RefreshToken
from rest_framework_simplejwt.views import TokenRefreshView

from accounts import selectors
from accounts.authentication import UserRefreshToken
from accounts.login_guard import login_failure_record, login_guard_check, login_success
from accounts.models import ApiKey, Invitation, Membership, Organization, Role, User
from accounts.services.api_keys import api_key_create, api_key_revoke
from accounts.services.invitations import invitation_accept, invitation_create, invitation_revoke
from accounts.services.memberships import membership_change_role, membership_remove
from accounts.services.organizations import organization_create, organization_delete, organization_update
from accounts.services.users import (
    user_email_verification_resend,
    user_email_verify,
    user_logout_everywhere,
    user_register,
)
from chatsphere.api.schema import error_responses
from chatsphere.api.throttling import AuthEmailThrottle, AuthIPThrottle, SignupIPThrottle, VerificationEmailThrottle
from chatsphere.api.views import OrganizationAPIView, register_url_object
from chatsphere.errors import PermissionDenied, Unauthenticated

register_url_object(
    "membership_id",
    selectors.access_membership_by_id,
)
register_url_object(
    "invitation_id",
    selectors.access_invitation_by_id,
)
register_url_object("api_key_id", selectors.access_api_key_by_id)

# --- output shapes --------------------------------------------------------------------------


class UserOutput(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "email", "full_name"]


class OrganizationOutput(serializers.ModelSerializer):
    class Meta:
        model = Organization
        fields = ["id", "slug", "name", "created_at"]


class MembershipOutput(serializers.ModelSerializer):
    user = UserOutput()

    class Meta:
        model = Membership
        fields = ["id", "user", "role", "created_at"]


class MyMembershipOutput(serializers.ModelSerializer):
    organization = OrganizationOutput()

    class Meta:
        model = Membership
        fields = ["organization", "role"]


class InvitationOutput(serializers.ModelSerializer):
    status = serializers.CharField(read_only=True)
    invited_by = serializers.EmailField(source="invited_by.email", default=None, read_only=True, allow_null=True)

    class Meta:
        model = Invitation
        fields = ["id", "email", "role", "status", "invited_by", "expires_at", "accepted_at", "created_at"]


class ApiKeyOutput(serializers.ModelSerializer):
    is_active = serializers.BooleanField(read_only=True)
    created_by = serializers.EmailField(
        source="created_by.email",
        default=None,
        allow_null=True,
        read_only=True,
        help_text="E-mail of who created the key; null once that account is deleted.",
    )

    class Meta:
        model = ApiKey
        fields = ["id", "name", "prefix", "is_active", "created_by", "created_at", "last_used_at", "revoked_at"]


class ApiKeyCreatedOutput(ApiKeyOutput):
    key = serializers.CharField(read_only=True, help_text="The secret. It is shown only once.")

    class Meta(ApiKeyOutput.Meta):
        fields = [*ApiKeyOutput.Meta.fields, "key"]


class TokenPairOutput(serializers.Serializer):
    access = serializers.CharField()
    refresh = serializers.CharField()


def _token_pair(user: User) -> dict[str, str]:
    refresh = UserRefreshToken.for_user(user)
    return {"access": str(refresh.access_token), "refresh": str(refresh)}


# --- authentication -------------------------------------------------------------------------


class CheckEmailOutput(serializers.Serializer):
    detail = serializers.CharField()


CHECK_EMAIL = (
    "Check your e-mail: we sent a link to verify the address. Follow it to start using your account, then log in."
)


class RegisterApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [AuthIPThrottle, SignupIPThrottle, AuthEmailThrottle]

    class RegisterInput(serializers.Serializer):
        email = serializers.CharField(max_length=254)
        password = serializers.CharField(max_length=128, trim_whitespace=False)
        organization_name = serializers.CharField(max_length=120)
        full_name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")

    @extend_schema(
        request=RegisterInput,
        responses={202: CheckEmailOutput},
        auth=[],
        summary="Sign up with a new organization",
        description=(
            "Creates the account unverified and e-mails a verification link; the organization is created "
            "when the link is followed. The answer is the same whether or not the address has an account."
        ),
    )
    def post(self, request: Request) -> Response:
        data = self.RegisterInput(data=request.data)
        data.is_valid(raise_exception=True)
        user_register(**data.validated_data)
        return Response({"detail": CHECK_EMAIL}, status=status.HTTP_202_ACCEPTED)


class VerifyEmailApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [AuthIPThrottle]

    class VerifyEmailInput(serializers.Serializer):
        token = serializers.CharField(max_length=200)

    class VerifyEmailOutput(serializers.Serializer):
        user = UserOutput()
        organization = OrganizationOutput(allow_null=True)

    @extend_schema(
        request=VerifyEmailInput,
        responses={200: VerifyEmailOutput},
        auth=[],
        summary="Verify an e-mail address with the token of its link",
    )
    def post(self, request: Request) -> Response:
        data = self.VerifyEmailInput(data=request.data)
        data.is_valid(raise_exception=True)
        user, organization = user_email_verify(token=data.validated_data["token"])
        return Response(self.VerifyEmailOutput({"user": user, "organization": organization}).data)


class VerifyEmailResendApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [AuthIPThrottle, VerificationEmailThrottle]

    class VerifyEmailResendInput(serializers.Serializer):
        email = serializers.CharField(max_length=254)

    @extend_schema(
        request=VerifyEmailResendInput,
        responses={202: CheckEmailOutput},
        auth=[],
        summary="Send the verification link again",
        description="The answer is the same whether or not the address has an account waiting for verification.",
    )
    def post(self, request: Request) -> Response:
        data = self.VerifyEmailResendInput(data=request.data)
        data.is_valid(raise_exception=True)
        user_email_verification_resend(email=data.validated_data["email"])
        return Response(
            {"detail": "If an account with this address is waiting for verification, a new link is on its way."},
            status=status.HTTP_202_ACCEPTED,
        )


class TokenObtainApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [AuthIPThrottle, AuthEmailThrottle]

    class TokenObtainInput(serializers.Serializer):
        email = serializers.CharField(max_length=254)
        password = serializers.CharField(max_length=128, trim_whitespace=False)

    @extend_schema(
        request=TokenObtainInput,
        responses={200: TokenPairOutput, **error_responses(401, description="Wrong e-mail or password.")},
        auth=[],
        summary="Log in: get a token pair",
    )
    def post(self, request: Request) -> Response:
        data = self.TokenObtainInput(data=request.data)
        data.is_valid(raise_exception=True)
        email = data.validated_data["email"].strip().lower()
        login_guard_check(email=email)
        user = authenticate(request, email=email, password=data.validated_data["password"])
        if user is None:
            login_failure_record(email=email)
            raise Unauthenticated("No active account matches this e-mail and password.", code="invalid_credentials")
        login_success(email=email)
        return Response(_token_pair(user))


@extend_schema_view(
    post=extend_schema(
        responses={
            200: TokenPairOutput,
            **error_responses(401, description="The refresh token is invalid, expired or already used."),
        },
        auth=[],
        summary="Exchange a refresh token for a new pair",
    )
)
class TokenRefreshApi(TokenRefreshView):
    """Exchange a refresh token for a new pair; the old refresh token stops working."""

    throttle_classes = [AuthIPThrottle]


class LogoutApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [AuthIPThrottle]

    class LogoutInput(serializers.Serializer):
        refresh = serializers.CharField()

    @extend_schema(request=LogoutInput, responses={204: None}, auth=[], summary="Log out: revoke a refresh token")
    def post(self, request: Request) -> Response:
        data = self.LogoutInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            RefreshToken(data.validated_data["refresh"]).blacklist()
        except TokenError as exc:
            raise serializers.ValidationError({"refresh": ["Token is invalid or expired."]}) from exc
        return Response(status=status.HTTP_204_NO_CONTENT)


class LogoutAllApi(APIView):
    throttle_classes = [AuthIPThrottle]

    @extend_schema(
        request=None,
        responses={204: None},
        summary="Log out everywhere",
        description=(
            "Ends every session, refresh token and access token of the signed-in user, "
            "including the token used for this request."
        ),
    )
    def post(self, request: Request) -> Response:
        if not isinstance(request.user, User):
            raise PermissionDenied("This endpoint needs a signed-in user, not an API key.")
        user_logout_everywhere(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeApi(APIView):
    class MeOutput(serializers.Serializer):
        user = UserOutput()
        email_verified = serializers.BooleanField(source="user.is_email_verified")
        memberships = MyMembershipOutput(many=True)

    @extend_schema(responses=MeOutput, summary="The signed-in user and their organizations")
    def get(self, request: Request) -> Response:
        user = request.user
        if not isinstance(user, User):
            raise PermissionDenied("This endpoint needs a signed-in user, not an API key.")
        memberships = selectors.membership_list_for_user(user=user)
        return Response(self.MeOutput({"user": user, "memberships": memberships}).data)


# --- organizations ------------------------------------------------------------------------


class OrganizationInput(serializers.Serializer):
    name = serializers.CharField(max_length=120)


class OrganizationListApi(APIView):
    @extend_schema(responses=OrganizationOutput(many=True), summary="My organizations")
    def get(self, request: Request) -> Response:
        user = request.user
        organizations: Iterable[Organization]
        if not isinstance(user, User):
            organizations = [cast(ApiKey, request.auth).organization]  # an API key sees its own organization
        else:
            organizations = selectors.organization_list_for_user(user=user)
        return Response(OrganizationOutput(organizations, many=True).data)

    @extend_schema(request=OrganizationInput, responses={201: OrganizationOutput}, summary="Create an organization")
    def post(self, request: Request) -> Response:
        if not isinstance(request.user, User):
            raise PermissionDenied("An API key cannot create organizations.")
        data = OrganizationInput(data=request.data)
        data.is_valid(raise_exception=True)
        organization = organization_create(user=request.user, **data.validated_data)
        return Response(OrganizationOutput(organization).data, status=status.HTTP_201_CREATED)


class OrganizationDetailApi(OrganizationAPIView):
    @extend_schema(responses=OrganizationOutput, summary="An organization")
    def get(self, request: Request, organization_id: uuid.UUID) -> Response:
        return Response(OrganizationOutput(self.actor.organization).data)

    @extend_schema(request=OrganizationInput, responses=OrganizationOutput, summary="Rename (admin or owner)")
    def patch(self, request: Request, organization_id: uuid.UUID) -> Response:
        data = OrganizationInput(data=request.data)
        data.is_valid(raise_exception=True)
        organization = organization_update(actor=self.actor, **data.validated_data)
        return Response(OrganizationOutput(organization).data)

    put = patch

    @extend_schema(responses={204: None}, summary="Delete the organization and everything in it (owner)")
    def delete(self, request: Request, organization_id: uuid.UUID) -> Response:
        organization_delete(actor=self.actor)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MemberListApi(OrganizationAPIView):
    @extend_schema(responses=MembershipOutput(many=True), summary="Members of the organization")
    def get(self, request: Request, organization_id: uuid.UUID) -> Response:
        members = selectors.membership_list(organization=self.actor.organization)
        return Response(MembershipOutput(members, many=True).data)


class MemberDetailApi(OrganizationAPIView):
    class MemberDetailInput(serializers.Serializer):
        role = serializers.ChoiceField(choices=Role.choices)

    @extend_schema(request=MemberDetailInput, responses=MembershipOutput, summary="Change a member's role")
    def patch(self, request: Request, organization_id: uuid.UUID, membership_id: uuid.UUID) -> Response:
        data = self.MemberDetailInput(data=request.data)
        data.is_valid(raise_exception=True)
        membership = membership_change_role(
            actor=self.actor, membership_id=membership_id, role=data.validated_data["role"]
        )
        return Response(MembershipOutput(membership).data)

    put = patch

    class MemberRemovedOutput(serializers.Serializer):
        revoked_api_keys = serializers.IntegerField(help_text="API keys the member had created, now revoked.")

    @extend_schema(
        responses={200: MemberRemovedOutput},
        summary="Remove a member (or leave)",
        description="Revokes the API keys the member created and closes their open dashboard sockets.",
    )
    def delete(self, request: Request, organization_id: uuid.UUID, membership_id: uuid.UUID) -> Response:
        revoked = membership_remove(actor=self.actor, membership_id=membership_id)
        return Response(self.MemberRemovedOutput({"revoked_api_keys": revoked}).data)


class InvitationListApi(OrganizationAPIView):
    class InvitationListInput(serializers.Serializer):
        email = serializers.CharField(max_length=254)
        role = serializers.ChoiceField(choices=Role.choices, default=Role.MEMBER)

    @extend_schema(responses=InvitationOutput(many=True), summary="Invitations of the organization")
    def get(self, request: Request, organization_id: uuid.UUID) -> Response:
        invitations = selectors.invitation_list(organization=self.actor.organization)
        return Response(InvitationOutput(invitations, many=True).data)

    @extend_schema(request=InvitationListInput, responses={201: InvitationOutput}, summary="Invite someone by e-mail")
    def post(self, request: Request, organization_id: uuid.UUID) -> Response:
        data = self.InvitationListInput(data=request.data)
        data.is_valid(raise_exception=True)
        invitation, _token = invitation_create(actor=self.actor, **data.validated_data)
        return Response(InvitationOutput(invitation).data, status=status.HTTP_201_CREATED)


class InvitationDetailApi(OrganizationAPIView):
    @extend_schema(responses=InvitationOutput, summary="An invitation")
    def get(self, request: Request, organization_id: uuid.UUID, invitation_id: uuid.UUID) -> Response:
        return Response(InvitationOutput(self.url_objects["invitation_id"]).data)

    @extend_schema(
        responses={204: None, **error_responses(409, description="The invitation was already accepted.")},
        summary="Revoke an invitation",
    )
    def delete(self, request: Request, organization_id: uuid.UUID, invitation_id: uuid.UUID) -> Response:
        invitation_revoke(actor=self.actor, invitation_id=invitation_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class InvitationAcceptApi(APIView):
    class InvitationAcceptInput(serializers.Serializer):
        token = serializers.CharField(max_length=200)

    @extend_schema(request=InvitationAcceptInput, responses={200: MyMembershipOutput}, summary="Accept an invitation")
    def post(self, request: Request) -> Response:
        if not isinstance(request.user, User):
            raise PermissionDenied("Sign in as the invited person to accept an invitation.")
        data = self.InvitationAcceptInput(data=request.data)
        data.is_valid(raise_exception=True)
        membership = invitation_accept(user=request.user, token=data.validated_data["token"])
        return Response(MyMembershipOutput(membership).data)


class ApiKeyListApi(OrganizationAPIView):
    class ApiKeyListInput(serializers.Serializer):
        name = serializers.CharField(max_length=100)

    @extend_schema(responses=ApiKeyOutput(many=True), summary="API keys of the organization")
    def get(self, request: Request, organization_id: uuid.UUID) -> Response:
        keys = selectors.api_key_list(organization=self.actor.organization)
        return Response(ApiKeyOutput(keys, many=True).data)

    @extend_schema(
        request=ApiKeyListInput, responses={201: ApiKeyCreatedOutput}, summary="Create a key (secret shown once)"
    )
    def post(self, request: Request, organization_id: uuid.UUID) -> Response:
        data = self.ApiKeyListInput(data=request.data)
        data.is_valid(raise_exception=True)
        api_key, secret = api_key_create(actor=self.actor, **data.validated_data)
        api_key.key = secret  # type: ignore[attr-defined]  # the secret, shown once, rides on the instance for the serializer
        return Response(ApiKeyCreatedOutput(api_key).data, status=status.HTTP_201_CREATED)


class ApiKeyDetailApi(OrganizationAPIView):
    @extend_schema(responses={204: None}, summary="Revoke a key")
    def delete(self, request: Request, organization_id: uuid.UUID, api_key_id: uuid.UUID) -> Response:
        api_key_revoke(actor=self.actor, api_key_id=api_key_id)
        return Response(status=status.HTTP_204_NO_CONTENT)
