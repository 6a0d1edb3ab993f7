"""Auth endpoints are rate limited per client: 429 with Retry-After."""

from __future__ import annotations

from tests.helpers import PASSWORD, Browser, assert_problem, signup, unique_email


async def test_eleventh_failed_login_in_a_minute_is_refused(browser: Browser) -> None:
    email = unique_email()
    await signup(browser, email)
    for _ in range(10):
        assert_problem(await browser.post("/auth/login", json={"email": email, "password": "wrong password"}), 401)
    response = await browser.post("/auth/login", json={"email": email, "password": "wrong password"})
    body = assert_problem(response, 429, "rate_limited")
    retry_after = int(response.headers["Retry-After"])
    assert 1 <= retry_after <= 60
    assert body["retry_after"] == retry_after
    # The right password is refused too while the window lasts: the limit is on the client, not the guess.
    assert_problem(await browser.post("/auth/login", json={"email": email, "password": PASSWORD}), 429)


async def test_successful_logins_do_not_count(browser: Browser) -> None:
    email = unique_email()
    await signup(browser, email)
    for _ in range(15):
        assert (await browser.post("/auth/login", json={"email": email, "password": PASSWORD})).status_code == 200


async def test_password_reset_requests_are_limited(anonymous: Browser) -> None:
    for _ in range(5):
        assert (await anonymous.post("/auth/password-reset", json={"email": unique_email()})).status_code == 202
    response = await anonymous.post("/auth/password-reset", json={"email": unique_email()})
    assert_problem(response, 429)
    assert int(response.headers["Retry-After"]) > 0


async def test_signups_and_verifications_are_limited(anonymous: Browser) -> None:
    for _ in range(10):
        await anonymous.post("/auth/verify-email", json={"token": "z" * 30})
    assert_problem(await anonymous.post("/auth/verify-email", json={"token": "z" * 30}), 429)
    for _ in range(20):
        await anonymous.post("/auth/signup", json={"email": unique_email(), "password": "weak", "name": "x"})
    assert_problem(
        await anonymous.post("/auth/signup", json={"email": unique_email(), "password": PASSWORD, "name": "x"}), 429
    )
