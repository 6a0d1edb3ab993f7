from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response, status

from api.auth.dependencies import (
    CSRF_COOKIE,
    SESSION_COOKIE,
    Auth,
    CurrentUser,
    OptionalPrincipal,
)
from api.auth.exceptions import (
    CsrfFailed,
    EmailTaken,
    ExpiredToken,
    InvalidCredentials,
    InvalidToken,
    OrganizationNotFound,
    SessionRequired,
    WeakPassword,
)
from api.auth.schemas import (
    AuthSession,
    ChangePasswordRequest,
    LoginRequest,
    Me,
    PasswordResetConfirm,
    PasswordResetRequest,
    SetActiveOrganizationRequest,
    SignupRequest,
    UpdateMeRequest,
    UserOut,
    VerifyEmailRequest,
)
from api.auth.service import IssuedSession, MeView, expires_in
from api.core.config import Settings, get_settings
from api.core.errors import NotAuthenticated, RateLimited, error_responses
from api.core.ratelimit import client_address
from api.core.routing import TransactionalRoute

router = APIRouter(tags=["auth"], route_class=TransactionalRoute)
SettingsDep = Annotated[Settings, Depends(get_settings)]


def _set_cookies(response: Response, issued: IssuedSession, settings: Settings) -> None:
    max_age = expires_in(issued.row.expires_at)
    common = {"max_age": max_age, "secure": settings.cookie_secure, "samesite": "lax", "path": "/"}
    response.set_cookie(SESSION_COOKIE, issued.token, httponly=True, **common)  # type: ignore[arg-type]
    # Readable by the SPA on purpose: it echoes the value in X-CSRF-Token (double-submit).
    response.set_cookie(CSRF_COOKIE, issued.csrf_token, httponly=False, **common)  # type: ignore[arg-type]


def _clear_cookies(response: Response, settings: Settings) -> None:
    for name in (SESSION_COOKIE, CSRF_COOKIE):
        response.delete_cookie(name, path="/", secure=settings.cookie_secure, samesite="lax")


def _auth_session(view: MeView) -> AuthSession:
    me = Me.of(view)
    return AuthSession(user=me.user, organization=me.organization)


@router.post(
    "/auth/signup",
    status_code=status.HTTP_201_CREATED,
    response_model=AuthSession,
    responses=error_responses(EmailTaken, WeakPassword, RateLimited),
)
async def signup(
    body: SignupRequest, request: Request, response: Response, auth: Auth, settings: SettingsDep
) -> AuthSession:
    """Public: create an account with its own workspace (you are its owner) and sign in."""
    view, issued = await auth.signup(body, client=client_address(request), user_agent=request.headers.get("user-agent"))
    _set_cookies(response, issued, settings)
    return _auth_session(view)


@router.post("/auth/login", response_model=AuthSession, responses=error_responses(InvalidCredentials, RateLimited))
async def login(
    body: LoginRequest, request: Request, response: Response, auth: Auth, settings: SettingsDep
) -> AuthSession:
    """Public: sign in with email and password; starts a new session (cookies `epox_session` and `epox_csrf`)."""
    view, issued = await auth.login(
        body,
        client=client_address(request),
        user_agent=request.headers.get("user-agent"),
        previous_token=request.cookies.get(SESSION_COOKIE),
    )
    _set_cookies(response, issued, settings)
    return _auth_session(view)


@router.post("/auth/logout", status_code=status.HTTP_204_NO_CONTENT, responses=error_responses(CsrfFailed))
async def logout(principal: OptionalPrincipal, auth: Auth, settings: SettingsDep) -> Response:
    """Public: end the current session (a no-op when not signed in)."""
    if principal is not None and principal.session is not None:
        await auth.logout(principal.session)
    response = Response(status_code=status.HTTP_204_NO_CONTENT)
    _clear_cookies(response, settings)
    return response


@router.post(
    "/auth/verify-email",
    response_model=UserOut,
    responses=error_responses(InvalidToken, ExpiredToken, RateLimited),
)
async def verify_email(body: VerifyEmailRequest, request: Request, auth: Auth) -> UserOut:
    """Public: confirm an email address with the token from the verification email."""
    user = await auth.verify_email(body.token, client=client_address(request))
    return UserOut.model_validate(user)


@router.post(
    "/auth/verify-email/resend",
    status_code=status.HTTP_202_ACCEPTED,
    responses=error_responses(NotAuthenticated, SessionRequired, RateLimited),
)
async def resend_verification(current: CurrentUser, request: Request, auth: Auth) -> None:
    """Send the verification email again to the signed-in user."""
    await auth.resend_verification(current.user, client=client_address(request))


@router.post("/auth/password-reset", status_code=status.HTTP_202_ACCEPTED, responses=error_responses(RateLimited))
async def request_password_reset(body: PasswordResetRequest, request: Request, auth: Auth) -> None:
    """Public: email a password reset link if an account exists (the answer is the same either way)."""
    await auth.request_password_reset(body.email, client=client_address(request))


@router.post(
    "/auth/password-reset/confirm",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(InvalidToken, ExpiredToken, WeakPassword, RateLimited),
)
async def confirm_password_reset(body: PasswordResetConfirm, request: Request, auth: Auth) -> None:
    """Public: set a new password with the token from the reset email; signs out every session."""
    await auth.confirm_password_reset(body, client=client_address(request))


@router.get("/me", response_model=Me, responses=error_responses(NotAuthenticated, SessionRequired))
async def get_me(current: CurrentUser, auth: Auth) -> Me:
    """The signed-in user, the active workspace with your role in it, and all your workspaces."""
    return Me.of(await auth.me(current.user, current.session))


@router.patch("/me", response_model=Me, responses=error_responses(NotAuthenticated, SessionRequired, CsrfFailed))
async def update_me(body: UpdateMeRequest, current: CurrentUser, auth: Auth) -> Me:
    """Change your profile (name)."""
    await auth.update_name(current.user, body.name)
    return Me.of(await auth.me(current.user, current.session))


@router.post(
    "/me/password",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(InvalidCredentials, WeakPassword, SessionRequired, CsrfFailed),
)
async def change_password(body: ChangePasswordRequest, current: CurrentUser, auth: Auth) -> None:
    """Change your password; your other sessions are signed out."""
    await auth.change_password(current.user, current.session, body)


@router.post(
    "/me/active-organization",
    response_model=Me,
    responses=error_responses(OrganizationNotFound, NotAuthenticated, SessionRequired, CsrfFailed),
)
async def set_active_organization(body: SetActiveOrganizationRequest, current: CurrentUser, auth: Auth) -> Me:
    """Switch the workspace this session acts in (you must be a member of it)."""
    await auth.set_active_organization(current.user, current.session, body.organization_id)
    return Me.of(await auth.me(current.user, current.session))
