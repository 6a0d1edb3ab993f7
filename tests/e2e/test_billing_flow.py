"""Paying through the real SPA: a merchant picks Starter on the public pricing page, signs up, checks out on the
Stripe sandbox's hosted page and comes back to see the plan and its credits (Stripe's webhook, processed by the
worker, is what adds them); another merchant keeps the free trial in the wizard (stored server-side, so a fresh page
resumes there) and buys a credit pack from the Billing page; a platform admin puts a new plan on sale and the
pricing page shows it. Real API, real Stripe sandbox, headless Chromium."""

from __future__ import annotations

import re
import uuid

from playwright.async_api import expect
from sqlalchemy import update

from api.core.config import Settings
from api.core.db import create_engine, create_sessionmaker
from api.models import User
from sandbox.stripe import StripeSandbox
from tests.e2e.conftest import screenshot_path
from tests.helpers import unique_email

# Webhook → queue → worker usually takes well under a second; the page polls every second for up to 30 s.
ARRIVAL_MS = 20_000


async def _sign_up(page, name: str, workspace: str) -> None:
    await page.get_by_label("Your name").fill(name)
    await page.get_by_label("Work email").fill(unique_email("billing"))
    await page.get_by_label("Password").fill("terracotta planters in june")
    await page.get_by_label("Workspace name (optional)").fill(workspace)
    await page.get_by_role("button", name="Create account").click()


async def _pay_on_stripe(page, stripe: StripeSandbox, name: str) -> None:
    await page.wait_for_url(re.compile(re.escape(f"{stripe.base_url}/pay/")))
    await page.get_by_role("button", name="Pay", exact=True).wait_for()
    await page.screenshot(path=screenshot_path(name), full_page=True)
    await page.get_by_role("button", name="Pay", exact=True).click()


async def test_pick_starter_sign_up_pay_and_see_the_plan_and_its_credits(
    page, live_server: str, e2e_stripe: StripeSandbox, default_worker
) -> None:
    # The public pricing page: monthly and yearly prices, packs, what a credit buys, questions.
    await page.goto("/pricing")
    starter = page.get_by_role("listitem", name="Starter")
    await starter.get_by_test_id("price-starter").wait_for()
    assert (await starter.get_by_test_id("price-starter").inner_text()).strip() == "$49"
    await page.get_by_text("Lifestyle image", exact=False).first.wait_for()
    await page.screenshot(path=screenshot_path("billing-pricing"), full_page=True)
    await page.get_by_role("button", name=re.compile("^Yearly")).click()
    assert (await starter.get_by_test_id("price-starter").inner_text()).strip() == "$490"
    await starter.get_by_text("Save $98").wait_for()
    await page.screenshot(path=screenshot_path("billing-pricing-yearly"))
    await page.get_by_role("button", name="Monthly").click()

    # Choose Starter: sign-up remembers it and the onboarding wizard opens on it.
    await starter.get_by_role("link", name="Choose Starter").click()
    await page.wait_for_url("**/signup?plan=starter&interval=month")
    await page.get_by_text("You picked Starter", exact=False).wait_for()
    await _sign_up(page, "Ines Terracotta", "Ines Garden Goods")
    await page.wait_for_url("**/welcome?plan=starter&interval=month")
    await page.get_by_role("heading", name="Welcome to Epox").wait_for()
    await page.get_by_role("heading", name="Pick a plan").wait_for()
    await page.get_by_text("You picked", exact=False).wait_for()
    await page.screenshot(path=screenshot_path("billing-onboarding-plan"), full_page=True)
    header_balance = page.get_by_role("link", name="10 credits available", exact=False)
    await header_balance.wait_for()

    # Stripe's hosted checkout (the sandbox's test page), then back to Billing.
    await page.get_by_role("button", name="Continue to checkout").click()
    await _pay_on_stripe(page, e2e_stripe, "billing-stripe-checkout")
    await page.wait_for_url(re.compile(r"/billing"))
    # The credits come with Stripe's webhook, not the redirect: the page waits for them, then shows them.
    await page.get_by_text("You're on the Starter plan").wait_for(timeout=ARRIVAL_MS)
    await page.get_by_text("100 credits added: you have 110 to use.").wait_for()
    assert (await page.get_by_test_id("current-plan").inner_text()).strip() == "Starter"
    assert (await page.get_by_test_id("billing-credits").inner_text()).strip() == "110 available"
    await page.get_by_role("link", name="110 credits available", exact=False).wait_for()
    assert "checkout=" not in page.url
    plan_card = page.locator("section.current-plan")
    await plan_card.get_by_text("Renews on", exact=False).wait_for()
    await page.get_by_role("listitem", name="Starter").get_by_role("button", name="Your plan").wait_for()
    invoices = page.get_by_role("table", name="Invoices")
    await invoices.wait_for()
    row = invoices.get_by_role("row").filter(has_text="Paid")
    await row.first.wait_for()
    assert "$49" in await row.first.inner_text()
    await page.screenshot(path=screenshot_path("billing-after-checkout"), full_page=True)

    # Cancel at the period end (asked first), then resume.
    await plan_card.get_by_role("button", name="Cancel plan").click()
    dialog = page.get_by_role("dialog", name="Cancel Starter?")
    await dialog.get_by_text("Your plan stays until", exact=False).wait_for()
    await page.screenshot(path=screenshot_path("billing-cancel-confirm"))
    await dialog.get_by_role("button", name="Cancel at period end").click()
    await plan_card.get_by_text("Canceled: your plan ends on", exact=False).wait_for()
    await plan_card.get_by_text("Ends soon").wait_for()
    await plan_card.get_by_role("button", name="Resume Starter").click()
    await plan_card.get_by_text("Renews on", exact=False).wait_for()

    # Checkout started in the wizard: the way back offers to carry on there, with the plan step done.
    await page.get_by_role("link", name="Continue setting up").click()
    await page.wait_for_url("**/welcome")
    await page.get_by_role("heading", name="Add your products").wait_for()
    await page.get_by_text("2 of 5 done").wait_for()
    await page.screenshot(path=screenshot_path("billing-onboarding-after-checkout"), full_page=True)


async def test_buy_a_credit_pack_from_the_billing_page(page, e2e_stripe: StripeSandbox, default_worker) -> None:
    await page.goto("/signup")
    await _sign_up(page, "Tomas Linen", "Linen & Co")
    await page.get_by_role("heading", name="Welcome to Epox").wait_for()

    # The wizard's state is the server's: keep the trial, skip the catalog, and a fresh page (nothing left in the
    # browser's storage) resumes on the next step with both choices shown.
    await page.get_by_role("heading", name="Pick a plan").wait_for()
    await page.get_by_text("Your free trial is running: 10 credits for 30 days.", exact=False).wait_for()
    await page.get_by_role("button", name="Continue with the free trial").click()
    await page.get_by_role("heading", name="Add your products").wait_for()
    await page.get_by_role("button", name="Skip for now").click()
    await page.get_by_role("heading", name="Generate a first image").wait_for()
    await page.evaluate("() => { localStorage.clear(); sessionStorage.clear(); }")
    await page.reload()
    await page.get_by_role("heading", name="Generate a first image").wait_for()
    steps = page.get_by_role("navigation", name="Setup steps")
    # Each step's state is part of its name (", done" / ", skipped"), for screen readers.
    await steps.get_by_role("button", name=re.compile(r"Pick a plan\W+done")).wait_for()
    await steps.get_by_role("button", name=re.compile(r"Add your products\W+skipped")).wait_for()
    await page.get_by_text("2 of 5 done").wait_for()
    await page.screenshot(path=screenshot_path("onboarding-resumed"), full_page=True)

    # The dashboard leads back to the next step.
    await page.get_by_role("link", name="Finish later").click()
    setup = page.locator("section.setup-progress")
    await setup.get_by_text("2 of 5 done").wait_for()
    await setup.get_by_text("Generate a first image").wait_for()
    await page.screenshot(path=screenshot_path("dashboard-setup-progress"))
    await page.get_by_role("navigation").get_by_role("link", name="Billing", exact=True).click()
    await page.get_by_test_id("current-plan").wait_for()
    assert (await page.get_by_test_id("current-plan").inner_text()).strip() == "Free trial"
    assert (await page.get_by_test_id("billing-credits").inner_text()).strip() == "10 available"
    await page.get_by_role("table", name="Invoices").or_(page.get_by_text("No invoices yet")).wait_for()
    await page.screenshot(path=screenshot_path("billing-trial"), full_page=True)

    packs = page.get_by_role("list", name="Credit packs")
    await packs.get_by_role("button", name="Buy 50 credits").click()
    await _pay_on_stripe(page, e2e_stripe, "billing-stripe-pack-checkout")
    await page.wait_for_url(re.compile(r"/billing"))
    await page.get_by_text("50 credits added").wait_for(timeout=ARRIVAL_MS)
    assert (await page.get_by_test_id("billing-credits").inner_text()).strip() == "60 available"
    await page.get_by_role("link", name="60 credits available", exact=False).wait_for()
    assert (await page.get_by_test_id("current-plan").inner_text()).strip() == "Free trial"
    await page.screenshot(path=screenshot_path("billing-after-pack"), full_page=True)

    # On a phone, the page stacks and stays usable.
    await page.set_viewport_size({"width": 390, "height": 844})
    await page.get_by_role("list", name="Credit packs").scroll_into_view_if_needed()
    await page.screenshot(path=screenshot_path("billing-phone"), full_page=True)


async def _make_platform_admin(settings: Settings, user_id: str) -> None:
    engine = create_engine(settings.database_url or "", pool_size=1, max_overflow=0)
    try:
        async with create_sessionmaker(engine)() as session, session.begin():
            await session.execute(update(User).where(User.id == uuid.UUID(user_id)).values(is_platform_admin=True))
    finally:
        await engine.dispose()


async def test_an_admin_puts_a_new_plan_on_sale_and_the_pricing_page_shows_it(
    page, live_server: str, live_settings: Settings
) -> None:
    response = await page.context.request.post(
        "/api/v1/auth/signup",
        data={
            "email": unique_email("catalog"),
            "password": "oak shelves and brass hooks",
            "name": "Mara Catalog",
            "organization_name": "Epox Pricing Desk",
        },
    )
    assert response.status == 201, await response.text()
    await _make_platform_admin(live_settings, (await response.json())["user"]["id"])
    suffix = uuid.uuid4().hex[:6]
    code, name = f"growth_{suffix}", f"Growth {suffix.upper()}"

    await page.goto("/admin/catalog")
    plans = page.get_by_role("table", name="Plans")
    await plans.get_by_role("row", name=re.compile("Starter")).wait_for()
    await page.get_by_role("button", name="New plan").click()
    dialog = page.get_by_role("dialog", name="New plan")
    await dialog.get_by_label("Name").fill(name)
    await dialog.get_by_label("Code").fill(code)
    await dialog.get_by_label("Monthly price (USD)").fill("abc")
    await dialog.get_by_role("button", name="Create").click()
    await dialog.get_by_text("Enter a price in dollars, like 49 or 49.50.").wait_for()
    await dialog.get_by_label("Monthly price (USD)").fill("79.50")
    await dialog.get_by_label("Credits a month").fill("250")
    await dialog.get_by_label("Product slots").fill("250")
    # Created off sale first, so it can be checked before anyone can buy it.
    await dialog.get_by_label("On sale").uncheck()
    await page.screenshot(path=screenshot_path("admin-catalog-new-plan"))
    await dialog.get_by_role("button", name="Create").click()
    await page.get_by_text(f"{name} created.").wait_for()
    growth = plans.get_by_role("row", name=re.compile(code))
    await growth.get_by_text("$79.50/month").wait_for()
    await growth.get_by_text("No yearly price").wait_for()
    on_sale = growth.get_by_role("switch", name=f"{name} on sale")
    await expect(on_sale).not_to_be_checked()

    # A yearly price added in the editor (dollars in the form, cents in the API).
    await growth.get_by_role("button", name=f"Edit {name}").click()
    edit = page.get_by_role("dialog", name=f"Edit {name}")
    await edit.get_by_label("Yearly price (USD)").fill("795")
    await edit.get_by_role("button", name="Save changes").click()
    await page.get_by_text(f"{name} saved.").wait_for()
    await growth.get_by_text("$795/year").wait_for()

    await on_sale.check()
    await expect(on_sale).to_be_enabled()
    await expect(on_sale).to_be_checked()
    await page.screenshot(path=screenshot_path("admin-catalog"), full_page=True)
    try:
        await page.goto("/pricing")
        card = page.get_by_role("listitem", name=name)
        assert (await card.get_by_test_id(f"price-{code}").inner_text()).strip() == "$79.50"
        await card.get_by_text("or $795/year").wait_for()
    finally:
        # Off sale again, so the price list other tests see is the launch one.
        await page.goto("/admin/catalog")
        switch = page.get_by_role("table", name="Plans").get_by_role("switch", name=f"{name} on sale")
        await switch.uncheck()
        await expect(switch).to_be_enabled()
        await expect(switch).not_to_be_checked()
