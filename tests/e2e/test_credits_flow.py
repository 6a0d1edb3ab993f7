"""A new merchant sees the 10 free trial credits on the dashboard card and in the header, and finds the trial
grant in the credit history (real SPA, real API, headless Chromium)."""

from __future__ import annotations

from tests.e2e.conftest import screenshot_path
from tests.helpers import unique_email


async def test_trial_credits_on_dashboard_header_and_history(page) -> None:
    await page.goto("/signup")
    await page.get_by_label("Your name").fill("Lena Ceramics")
    await page.get_by_label("Work email").fill(unique_email("credits"))
    await page.get_by_label("Password").fill("glazed bowls on oak")
    await page.get_by_label("Workspace name (optional)").fill("Lena Studio")
    await page.get_by_role("button", name="Create account").click()
    # Sign-up opens the welcome wizard; its "Finish later" leads to the dashboard.
    await page.get_by_role("link", name="Finish later").click()
    await page.get_by_role("heading", name="Welcome", exact=False).wait_for()

    # The dashboard's credits card and the header both show the trial's 10 credits.
    available = page.get_by_test_id("credits-available")
    await available.wait_for()
    assert (await available.inner_text()).strip() == "10"
    card = page.locator("section.credits-card")
    await card.get_by_text("reserved by running jobs").wait_for()
    await card.get_by_text("soonest-expiring first", exact=False).wait_for()
    assert await card.get_by_role("link", name="Buy credits").get_attribute("href") == "/billing"
    header_balance = page.get_by_role("link", name="10 credits available", exact=False)
    await header_balance.wait_for()
    await page.screenshot(path=screenshot_path("credits-dashboard"), full_page=True)

    # The header balance opens the credit history, where the trial grant is the first row.
    await header_balance.click()
    await page.wait_for_url("**/usage/credits")
    table = page.get_by_role("table", name="Credit history")
    await table.wait_for()
    row = table.get_by_role("row").filter(has_text="Free trial")
    await row.wait_for()
    text = await row.inner_text()
    assert "Grant" in text, text
    assert "+10" in text, text
    await page.screenshot(path=screenshot_path("credits-history"), full_page=True)

    # The CSV export goes through the API's `format=csv` and is saved as a file.
    async with page.expect_download() as download_info:
        await page.get_by_role("button", name="Download CSV").click()
    download = await download_info.value
    assert download.suggested_filename == "credit-history.csv"
    csv_text = (await download.path()).read_text()
    assert csv_text.splitlines()[0].startswith("created_at,type,amount"), csv_text
    assert ",grant,10," in csv_text, csv_text
    assert "Free trial" in csv_text, csv_text

    # On a phone: the header keeps the balance and the bell; the welcome notification is in the menu.
    await page.set_viewport_size({"width": 390, "height": 844})
    await page.get_by_role("button", name="Notifications, 1 unread").click()
    panel = page.get_by_role("region", name="Notifications")
    await panel.get_by_text("Welcome: 10 free credits").wait_for()
    await page.screenshot(path=screenshot_path("credits-notifications-phone"))
    await panel.get_by_role("button", name="Mark all read").click()
    await page.get_by_role("button", name="Notifications", exact=True).wait_for()
