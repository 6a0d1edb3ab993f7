"""Sign-up, email verification, sign-in and sign-out, password reset and change."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from api.core.security import hash_secret
from api.core.time import utc_now
from api.models import User, UserSession, UserToken
from tests.helpers import PASSWORD, Browser, assert_problem, latest_email_link, signup, unique_email


async def test_signup_verify_login_me_logout(browser: Browser, anonymous: Browser) -> None:
    email = unique_email()
    created = await signup(browser, email, organization_name="Oak & Linen")
    assert created["user"]["email"] == email
    assert created["user"]["email_verified"] is False
    assert created["organization"]["name"] == "Oak & Linen"
    assert browser.cookies.get("epox_session")
    assert browser.cookies.get("epox_csrf")

    token = await latest_email_link(browser, email, "/verify-email")
    verified = await anonymous.post("/auth/verify-email", json={"token": token})
    assert verified.status_code == 200
    assert verified.json()["email_verified"] is True

    await browser.post("/auth/logout")
    login = await browser.post("/auth/login", json={"email": email.upper(), "password": PASSWORD})
    assert login.status_code == 200, login.text
    me = (await browser.get("/me")).json()
    assert me["role"] == "owner"
    assert me["user"]["email_verified"] is True
    assert me["organization"]["name"] == "Oak & Linen"
    assert [m["role"] for m in me["memberships"]] == ["owner"]

    old_cookie = browser.cookies.get("epox_session")
    assert (await browser.post("/auth/logout")).status_code == 204
    assert_problem(await browser.get("/me"), 401, "not_authenticated")
    anonymous.cookies.set("epox_session", old_cookie or "")
    assert_problem(await anonymous.get("/me"), 401)


async def test_verification_token_is_single_use(browser: Browser, anonymous: Browser) -> None:
    email = unique_email()
    await signup(browser, email)
    token = await latest_email_link(browser, email, "/verify-email")
    assert (await anonymous.post("/auth/verify-email", json={"token": token})).status_code == 200
    assert_problem(await anonymous.post("/auth/verify-email", json={"token": token}), 400, "invalid_token")


async def test_expired_verification_token_is_refused(app, browser: Browser, anonymous: Browser) -> None:
    email = unique_email()
    await signup(browser, email)
    token = await latest_email_link(browser, email, "/verify-email")
    async with app.state.sessionmaker() as session:
        await session.execute(
            update(UserToken)
            .where(UserToken.token_hash == hash_secret(token))
            .values(expires_at=utc_now() - timedelta(seconds=1))
        )
        await session.commit()
    assert_problem(await anonymous.post("/auth/verify-email", json={"token": token}), 400, "token_expired")
    me = (await browser.get("/me")).json()
    assert me["user"]["email_verified"] is False


async def test_resend_voids_the_previous_link(browser: Browser, anonymous: Browser) -> None:
    email = unique_email()
    await signup(browser, email)
    first = await latest_email_link(browser, email, "/verify-email")
    assert (await browser.post("/auth/verify-email/resend")).status_code == 202
    second = await latest_email_link(browser, email, "/verify-email")
    assert first != second
    assert_problem(await anonymous.post("/auth/verify-email", json={"token": first}), 400, "invalid_token")
    assert (await anonymous.post("/auth/verify-email", json={"token": second})).status_code == 200


async def test_login_rotates_the_session(app, browser: Browser) -> None:
    email = unique_email()
    await signup(browser, email)
    first = browser.cookies.get("epox_session")
    assert (await browser.post("/auth/login", json={"email": email, "password": PASSWORD})).status_code == 200
    second = browser.cookies.get("epox_session")
    assert first
    assert second
    assert first != second
    async with app.state.sessionmaker() as session:
        old = await session.scalar(select(UserSession).where(UserSession.token_hash == hash_secret(first)))
        assert old is not None
        assert old.revoked_at is not None


async def test_session_and_csrf_cookies_have_safe_attributes(anonymous: Browser) -> None:
    response = await anonymous.post("/auth/signup", json={"email": unique_email(), "password": PASSWORD, "name": "Ana"})
    cookies = {c.split("=", 1)[0]: c.lower() for c in response.headers.get_list("set-cookie")}
    assert "httponly" in cookies["epox_session"]
    assert "samesite=lax" in cookies["epox_session"]
    assert "httponly" not in cookies["epox_csrf"]
    # Local development over plain http: not Secure (production sets it; see test_settings).
    assert "secure" not in cookies["epox_session"]


async def test_secrets_are_stored_hashed(app, browser: Browser) -> None:
    email = unique_email()
    await signup(browser, email)
    token = browser.cookies.get("epox_session") or ""
    async with app.state.sessionmaker() as session:
        user = await session.scalar(select(User).where(User.email == email))
        assert user is not None
        assert user.password_hash.startswith("$argon2id$")
        assert PASSWORD not in user.password_hash
        row = await session.scalar(select(UserSession).where(UserSession.user_id == user.id))
        assert row is not None
        assert row.token_hash == hash_secret(token)
        assert token.encode() != row.token_hash


async def test_wrong_password_and_unknown_email_look_the_same(browser: Browser) -> None:
    email = unique_email()
    await signup(browser, email)
    wrong = await browser.post("/auth/login", json={"email": email, "password": "not the password"})
    unknown = await browser.post("/auth/login", json={"email": unique_email(), "password": "not the password"})
    assert assert_problem(wrong, 401, "invalid_credentials")["detail"] == assert_problem(unknown, 401)["detail"]


async def test_password_reset_flow_signs_out_everywhere(browser: Browser, anonymous: Browser) -> None:
    email = unique_email()
    await signup(browser, email)
    assert (await anonymous.post("/auth/password-reset", json={"email": email})).status_code == 202
    token = await latest_email_link(anonymous, email, "/reset-password")

    weak = await anonymous.post("/auth/password-reset/confirm", json={"token": token, "password": "short"})
    assert assert_problem(weak, 422, "weak_password")["errors"][0]["field"] == "password"

    new_password = "a brand new passphrase"
    done = await anonymous.post("/auth/password-reset/confirm", json={"token": token, "password": new_password})
    assert done.status_code == 204
    assert_problem(await browser.get("/me"), 401)  # the old session ended
    reused = await anonymous.post("/auth/password-reset/confirm", json={"token": token, "password": new_password})
    assert_problem(reused, 400, "invalid_token")
    assert_problem(await anonymous.post("/auth/login", json={"email": email, "password": PASSWORD}), 401)
    assert (await anonymous.post("/auth/login", json={"email": email, "password": new_password})).status_code == 200


async def test_password_reset_does_not_reveal_accounts(anonymous: Browser) -> None:
    unknown = await anonymous.post("/auth/password-reset", json={"email": unique_email()})
    assert unknown.status_code == 202
    outbox = (await anonymous.get("/dev/outbox")).json()["items"]
    assert outbox == []


async def test_change_password_keeps_this_session_only(app, browser: Browser) -> None:
    email = unique_email()
    await signup(browser, email)
    async with browser.__class__(transport=browser._transport, base_url=browser.base_url) as other:
        assert (await other.post("/auth/login", json={"email": email, "password": PASSWORD})).status_code == 200
        wrong = await browser.post(
            "/me/password", json={"current_password": "wrong password!", "new_password": "another long passphrase"}
        )
        assert assert_problem(wrong, 401, "invalid_credentials")["errors"][0]["field"] == "current_password"
        changed = await browser.post(
            "/me/password", json={"current_password": PASSWORD, "new_password": "another long passphrase"}
        )
        assert changed.status_code == 204
        assert (await browser.get("/me")).status_code == 200
        assert_problem(await other.get("/me"), 401)


async def test_update_profile(browser: Browser) -> None:
    await signup(browser)
    response = await browser.patch("/me", json={"name": "Mara K."})
    assert response.status_code == 200
    assert response.json()["user"]["name"] == "Mara K."
