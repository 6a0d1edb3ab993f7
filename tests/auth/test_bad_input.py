"""Bad input gets a clear problem response and changes nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from api.models import User
from tests.helpers import PASSWORD, Browser, assert_problem, signup, unique_email


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short1!", "at least 10"),
        ("password123", "too common"),
        ("aaaaaaaaaaaa", "too common"),
        ("qwertyuiop", "too common"),
    ],
)
async def test_weak_passwords_are_refused(anonymous: Browser, password: str, message: str) -> None:
    response = await anonymous.post("/auth/signup", json={"email": unique_email(), "password": password, "name": "Ana"})
    body = assert_problem(response, 422, "weak_password")
    assert body["errors"][0]["field"] == "password"
    assert message in body["errors"][0]["message"]


async def test_password_containing_the_email_is_refused(anonymous: Browser) -> None:
    response = await anonymous.post(
        "/auth/signup", json={"email": "rosalind@example.com", "password": "rosalind-2026-xyz", "name": "Ro"}
    )
    assert_problem(response, 422, "weak_password")


@pytest.mark.parametrize("email", ["not-an-email", "a@b", "", "two@@example.com"])
async def test_invalid_emails_are_refused(app, anonymous: Browser, email: str) -> None:
    response = await anonymous.post("/auth/signup", json={"email": email, "password": PASSWORD, "name": "Ana"})
    body = assert_problem(response, 422, "validation_error")
    assert body["errors"][0]["field"] == "email"
    async with app.state.sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(User)) == 0


async def test_duplicate_email_is_a_conflict(anonymous: Browser) -> None:
    email = unique_email()
    await signup(anonymous, email)
    response = await anonymous.post(
        "/auth/signup", json={"email": email.upper(), "password": PASSWORD, "name": "Again"}
    )
    body = assert_problem(response, 409, "email_taken")
    assert body["errors"][0]["field"] == "email"


async def test_signup_cannot_smuggle_privileges(app, anonymous: Browser) -> None:
    email = unique_email()
    for extra in ({"is_platform_admin": True}, {"role": "owner"}, {"organization_id": "x"}):
        response = await anonymous.post(
            "/auth/signup", json={"email": email, "password": PASSWORD, "name": "Ana", **extra}
        )
        body = assert_problem(response, 422, "validation_error")
        assert body["errors"][0]["field"] == next(iter(extra))
    async with app.state.sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(User)) == 0


async def test_patch_me_refuses_unknown_fields(browser: Browser) -> None:
    await signup(browser)
    response = await browser.patch("/me", json={"name": "Ana", "is_platform_admin": True})
    assert_problem(response, 422, "validation_error")
    me = (await browser.get("/me")).json()
    assert me["user"]["is_platform_admin"] is False
    assert me["user"]["name"] == "Mara Merchant"


async def test_malformed_json_is_a_problem(anonymous: Browser) -> None:
    response = await anonymous.post("/auth/login", content=b"{not json", headers={"content-type": "application/json"})
    assert_problem(response, 422, "validation_error")


async def test_garbage_tokens_are_refused(anonymous: Browser) -> None:
    assert_problem(await anonymous.post("/auth/verify-email", json={"token": "x" * 40}), 400, "invalid_token")
    response = await anonymous.post("/auth/password-reset/confirm", json={"token": "y" * 40, "password": PASSWORD})
    assert_problem(response, 400, "invalid_token")
