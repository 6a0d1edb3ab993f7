"""A merchant signs up through the real SPA, passes the welcome wizard to the dashboard, verifies the email from
the outbox."""

from __future__ import annotations

from tests.e2e.conftest import screenshot_path
from tests.helpers import unique_email


async def test_signup_lands_on_dashboard_then_verifies_email(page) -> None:
    email = unique_email("browser")
    await page.goto("/signup")
    await page.get_by_label("Your name").fill("Iris Upholstery")
    await page.get_by_label("Work email").fill(email)
    await page.get_by_label("Password").fill("velvet sofa in the sun")
    await page.get_by_label("Workspace name (optional)").fill("Iris Home")
    await page.get_by_role("button", name="Create account").click()

    # New accounts land in the onboarding wizard; "Finish later" leads to the dashboard.
    await page.wait_for_url("**/welcome")
    await page.get_by_role("link", name="Finish later").click()
    await page.wait_for_url("**/")
    await page.get_by_role("heading", name="Welcome", exact=False).wait_for()
    navigation = page.get_by_role("navigation")
    for item in ("Dashboard", "Products", "Studio", "Assets", "Store", "Usage", "Billing", "Settings"):
        await navigation.get_by_role("link", name=item, exact=True).wait_for()
    await page.locator(":text-is('Iris Home'):visible").first.wait_for()
    await page.get_by_text("Verify your email", exact=False).first.wait_for()
    await page.screenshot(path=screenshot_path("signup-dashboard"), full_page=True)

    # The verification link from the dev outbox, opened in the same browser.
    await page.goto("/dev/outbox")
    link = page.get_by_role("link", name="verify-email", exact=False).first
    await link.click()
    await page.get_by_text("verified", exact=False).first.wait_for()
    await page.goto("/")
    await page.get_by_role("heading", name="Welcome", exact=False).wait_for()
    assert await page.get_by_text("Verify your email", exact=False).count() == 0
    await page.screenshot(path=screenshot_path("dashboard-verified"), full_page=True)


async def test_wrong_password_shows_an_error_next_to_the_form(page) -> None:
    await page.goto("/login")
    await page.get_by_label("Email").fill(unique_email())
    await page.get_by_label("Password").fill("definitely wrong")
    await page.get_by_role("button", name="Log in").click()
    await page.get_by_text("The email or password is not right.").wait_for()
    await page.screenshot(path=screenshot_path("login-error"))
