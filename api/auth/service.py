"""Accounts, sign-in sessions, email verification and password reset."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession

from api.admin.support_access import live_grant_for_session
from api.auth.exceptions import (
    EmailTaken,
    ExpiredToken,
    InvalidCredentials,
    InvalidToken,
    OrganizationNotFound,
)
from api.auth.passwords import check_password_strength
from api.auth.repository import (
    ApiKeyLookupRepository,
    MembershipLookupRepository,
    UserRepository,
    UserSessionRepository,
    UserTokenRepository,
)
from api.auth.schemas import (
    ChangePasswordRequest,
    LoginRequest,
    PasswordResetConfirm,
    SignupRequest,
)
from api.core.config import Settings
from api.core.ratelimit import RateLimit
from api.core.security import hash_password, hash_secret, new_secret, verify_password
from api.core.time import utc_now
from api.credits.service import CreditLedgerService
from api.mail.service import queue_email
from api.models import (
    ApiKey,
    Membership,
    Organization,
    Role,
    SupportAccessGrant,
    TokenPurpose,
    User,
    UserSession,
    UserToken,
)
from api.organizations.service import OrganizationService


@dataclass(frozen=True)
class IssuedSession:
    """A new sign-in: the secrets go into cookies once and are never readable again."""

    row: UserSession
    token: str
    csrf_token: str


@dataclass(frozen=True)
class Workspace:
    organization: Organization
    role: Role


@dataclass(frozen=True)
class SupportView:
    """A platform admin's live read-only support access (api/admin/support_access.py) and the workspace it opens."""

    grant: SupportAccessGrant
    organization: Organization


@dataclass(frozen=True)
class MeView:
    user: User
    active: Workspace | None
    memberships: list[Workspace]
    support: SupportView | None = None


class AuthService:
    def __init__(self, session: AsyncSession, settings: Settings, redis: Redis) -> None:
        self.session = session
        self.settings = settings
        self.redis = redis
        self.users = UserRepository(session)
        self.sessions = UserSessionRepository(session)
        self.tokens = UserTokenRepository(session)
        self.memberships = MembershipLookupRepository(session)

    # Rate limits, per client address.
    @property
    def _login_failures(self) -> RateLimit:
        return RateLimit("login-failures", self.settings.login_failures_per_minute, 60)

    @property
    def _signups(self) -> RateLimit:
        return RateLimit("signup", self.settings.signups_per_hour, 3600)

    @property
    def _password_resets(self) -> RateLimit:
        return RateLimit("password-reset", self.settings.password_resets_per_hour, 3600)

    @property
    def _verifications(self) -> RateLimit:
        return RateLimit("verify", self.settings.verifications_per_minute, 60)

    # Sign-up and sign-in.

    async def signup(self, data: SignupRequest, *, client: str, user_agent: str | None) -> tuple[MeView, IssuedSession]:
        await self._signups.consume(self.redis, client)
        email = data.email.lower()
        check_password_strength(data.password, email=email)
        if await self.users.get_by_email(email) is not None:
            raise EmailTaken()
        user = await self.users.add(User(email=email, name=data.name, password_hash=hash_password(data.password)))
        organization = await OrganizationService(self.session).create_with_owner(
            user, data.organization_name or f"{data.name}'s workspace"
        )
        user.last_organization_id = organization.id
        await CreditLedgerService(self.session).grant_trial(organization.id)
        await self._send_verification(user)
        issued = await self._issue_session(user, organization.id, user_agent=user_agent, client=client)
        return await self.me(user, issued.row), issued

    async def login(
        self, data: LoginRequest, *, client: str, user_agent: str | None, previous_token: str | None
    ) -> tuple[MeView, IssuedSession]:
        await self._login_failures.check(self.redis, client)
        user = await self.users.get_by_email(data.email)
        if not verify_password(user.password_hash if user else None, data.password) or user is None:
            await self._login_failures.hit(self.redis, client)
            raise InvalidCredentials("The email or password is not right.")
        if previous_token:  # rotation: a login never keeps a session id that existed before it
            previous = await self.sessions.get_live_by_hash(hash_secret(previous_token), utc_now())
            if previous is not None:
                previous.revoked_at = utc_now()
        workspaces = await self._workspaces(user)
        preferred = next((w for w in workspaces if w.organization.id == user.last_organization_id), None)
        active = preferred or (workspaces[0] if workspaces else None)
        issued = await self._issue_session(
            user, active.organization.id if active else None, user_agent=user_agent, client=client
        )
        return await self.me(user, issued.row), issued

    async def logout(self, session_row: UserSession) -> None:
        session_row.revoked_at = utc_now()
        await self.session.flush()

    async def authenticate_session(self, token: str) -> tuple[UserSession, User] | None:
        now = utc_now()
        row = await self.sessions.get_live_by_hash(hash_secret(token), now)
        if row is None:
            return None
        user = await self.users.get(row.user_id)
        if user is None:
            return None
        if (now - row.last_seen_at) > timedelta(minutes=5):  # coarse, so requests don't all write
            row.last_seen_at = now
        return row, user

    async def authenticate_api_key(self, secret: str) -> ApiKey | None:
        keys = ApiKeyLookupRepository(self.session)
        key = await keys.get_active_by_hash(hash_secret(secret))
        if key is not None:
            await keys.touch(key, utc_now())
        return key

    # The signed-in user.

    async def me(self, user: User, session_row: UserSession | None) -> MeView:
        workspaces = await self._workspaces(user)
        active_id = session_row.active_organization_id if session_row else None
        active = next((w for w in workspaces if w.organization.id == active_id), None)
        if active is None and workspaces and session_row is not None:
            # The active workspace is gone (removed from it): fall back to another one.
            active = workspaces[0]
            session_row.active_organization_id = active.organization.id
            await self.session.flush()
        support = None
        if user.is_platform_admin and session_row is not None:
            grant = await live_grant_for_session(self.session, session_row.id, utc_now())
            organization = await self.session.get(Organization, grant.organization_id) if grant else None
            if grant is not None and organization is not None:
                support = SupportView(grant, organization)
        return MeView(user=user, active=active, memberships=workspaces, support=support)

    async def active_membership(self, user: User, session_row: UserSession) -> Membership | None:
        view = await self.me(user, session_row)
        if view.active is None:
            return None
        return await self.memberships.get_for(user.id, view.active.organization.id)

    async def update_name(self, user: User, name: str) -> None:
        user.name = name
        await self.session.flush()

    async def change_password(self, user: User, session_row: UserSession, data: ChangePasswordRequest) -> None:
        if not verify_password(user.password_hash, data.current_password):
            raise InvalidCredentials(
                "The current password is not right.",
                errors=[{"field": "current_password", "message": "Not your current password.", "type": "invalid"}],
            )
        check_password_strength(data.new_password, email=user.email, field="new_password")
        now = utc_now()
        user.password_hash = hash_password(data.new_password)
        user.password_changed_at = now
        await self.sessions.revoke_all_for_user(user.id, now, keep=session_row.id)
        await self.session.flush()

    async def set_active_organization(self, user: User, session_row: UserSession, organization_id: uuid.UUID) -> None:
        if await self.memberships.get_for(user.id, organization_id) is None:
            raise OrganizationNotFound()
        session_row.active_organization_id = organization_id
        user.last_organization_id = organization_id
        await self.session.flush()

    # Email verification and password reset.

    async def resend_verification(self, user: User, *, client: str) -> None:
        await self._verifications.consume(self.redis, client)
        if not user.email_verified:
            await self._send_verification(user)

    async def verify_email(self, token: str, *, client: str) -> User:
        await self._verifications.consume(self.redis, client)
        row = await self._use_token(token, TokenPurpose.verify_email)
        user = await self.users.get(row.user_id)
        if user is None:
            raise InvalidToken()
        if user.email_verified_at is None:
            user.email_verified_at = utc_now()
        await self.session.flush()
        return user

    async def request_password_reset(self, email: str, *, client: str) -> None:
        """Always the same answer, whether or not the account exists (no account enumeration)."""
        await self._password_resets.consume(self.redis, client)
        user = await self.users.get_by_email(email)
        if user is None:
            return
        token = await self._issue_token(user, TokenPurpose.reset_password, self._reset_ttl)
        await queue_email(
            self.session,
            to=user.email,
            subject="Reset your Epox password",
            body=(
                f"Hi {user.name},\n\nSomeone (hopefully you) asked to reset your Epox password. "
                f"Choose a new one here within {self.settings.password_reset_ttl_minutes} minutes:\n\n"
                f"{self.settings.public_url}/reset-password?token={token}\n\n"
                "If you did not ask for this, ignore this email: your password stays as it is.\n"
            ),
        )

    async def confirm_password_reset(self, data: PasswordResetConfirm, *, client: str) -> None:
        await self._verifications.consume(self.redis, client)
        row = await self._use_token(data.token, TokenPurpose.reset_password)
        user = await self.users.get(row.user_id, for_update=True)
        if user is None:
            raise InvalidToken()
        check_password_strength(data.password, email=user.email)
        now = utc_now()
        user.password_hash = hash_password(data.password)
        user.password_changed_at = now
        # The mailbox proved ownership, so the address is verified too; every old session ends.
        user.email_verified_at = user.email_verified_at or now
        await self.tokens.use_all_for_user(user.id, TokenPurpose.reset_password, now)
        await self.sessions.revoke_all_for_user(user.id, now)
        await self.session.flush()

    # Internals.

    @property
    def _reset_ttl(self) -> timedelta:
        return timedelta(minutes=self.settings.password_reset_ttl_minutes)

    async def _workspaces(self, user: User) -> list[Workspace]:
        return [Workspace(o, m.role) for m, o in await self.memberships.list_for_user(user.id)]

    async def _issue_session(
        self, user: User, organization_id: uuid.UUID | None, *, user_agent: str | None, client: str
    ) -> IssuedSession:
        token, now = new_secret(), utc_now()
        row = await self.sessions.add(
            UserSession(
                user_id=user.id,
                token_hash=hash_secret(token),
                active_organization_id=organization_id,
                expires_at=now + timedelta(days=self.settings.session_ttl_days),
                last_seen_at=now,
                user_agent=(user_agent or "")[:300] or None,
                ip_address=client[:64],
            )
        )
        return IssuedSession(row=row, token=token, csrf_token=new_secret())

    async def _send_verification(self, user: User) -> None:
        ttl = timedelta(hours=self.settings.email_verification_ttl_hours)
        token = await self._issue_token(user, TokenPurpose.verify_email, ttl)
        await queue_email(
            self.session,
            to=user.email,
            subject="Confirm your email for Epox",
            body=(
                f"Hi {user.name},\n\nWelcome to Epox. Confirm your email address to keep your account:\n\n"
                f"{self.settings.public_url}/verify-email?token={token}\n\n"
                f"The link works once and expires in {self.settings.email_verification_ttl_hours} hours.\n"
            ),
        )

    async def _issue_token(self, user: User, purpose: TokenPurpose, ttl: timedelta) -> str:
        now = utc_now()
        await self.tokens.use_all_for_user(user.id, purpose, now)  # only the newest link works
        token = new_secret()
        await self.tokens.add(
            UserToken(user_id=user.id, purpose=purpose, token_hash=hash_secret(token), expires_at=now + ttl)
        )
        return token

    async def _use_token(self, token: str, purpose: TokenPurpose) -> UserToken:
        """Consume a single-use token; the row lock makes two concurrent uses of one link succeed once."""
        row = await self.tokens.get_by_hash_for_update(hash_secret(token), purpose)
        now = utc_now()
        if row is None or row.used_at is not None:
            raise InvalidToken()
        if row.expires_at <= now:
            raise ExpiredToken("This link has expired. Ask for a new one.")
        row.used_at = now
        await self.session.flush()
        return row


def expires_in(at: datetime) -> int:
    return max(int((at - utc_now()).total_seconds()), 0)
