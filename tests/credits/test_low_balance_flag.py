"""`low_balance` in GET /credits/balance follows the workspace's alert thresholds (percent of the last top-up and
absolute credits, PUT /usage/settings): it turns on exactly when available falls to the highest level the alerts
announce, and nothing left always counts as low."""

from __future__ import annotations

import uuid

from api.credits.service import low_balance_level
from tests.credits.conftest import Ledger
from tests.helpers import Browser, signup


async def _flag(browser: Browser) -> tuple[int, bool]:
    balance = (await browser.get("/credits/balance")).json()
    return balance["available"], balance["low_balance"]


async def _low_notices(browser: Browser) -> int:
    items = (await browser.get("/notifications", params={"limit": 200})).json()["items"]
    return sum(1 for n in items if n["kind"] == "low_balance")


def test_the_level_is_the_highest_threshold() -> None:
    assert low_balance_level(200, [20, 10, 0], []) == 40
    assert low_balance_level(200, [10], [55, 5]) == 55
    assert low_balance_level(None, [20, 10, 0], []) == 0  # no top-up yet: percentages have nothing to measure
    assert low_balance_level(200, [], []) == 0


async def test_the_flag_uses_the_default_percent_of_the_last_top_up(browser: Browser, ledger: Ledger) -> None:
    created = await signup(browser)  # the trial's 10 credits are the last top-up: 20% is 2
    org = uuid.UUID(created["organization"]["id"])
    assert await _flag(browser) == (10, False)
    await ledger.hold(org, 7)
    assert await _flag(browser) == (3, False)
    await ledger.hold(org, 1)
    assert await _flag(browser) == (2, True)
    assert await _low_notices(browser) == 1  # the alert fired at the same level


async def test_the_flag_follows_the_workspace_thresholds(browser: Browser, ledger: Ledger) -> None:
    created = await signup(browser)
    org = uuid.UUID(created["organization"]["id"])
    changed = await browser.put("/usage/settings", json={"low_balance_percents": [50], "low_balance_absolute": [3]})
    assert changed.status_code == 200, changed.text
    await ledger.hold(org, 4)
    assert await _flag(browser) == (6, False)
    assert await _low_notices(browser) == 0
    await ledger.hold(org, 1)  # 5 is 50% of the trial's 10
    assert await _flag(browser) == (5, True)
    assert await _low_notices(browser) == 1

    # An absolute level above the percent one raises the bar; turning every alert off leaves only "nothing left".
    await browser.put("/usage/settings", json={"low_balance_percents": [], "low_balance_absolute": [8]})
    assert await _flag(browser) == (5, True)
    await browser.put("/usage/settings", json={"low_balance_percents": [], "low_balance_absolute": []})
    assert await _flag(browser) == (5, False)
    await ledger.hold(org, 5)
    assert await _flag(browser) == (0, True)
    assert await ledger.differences() == []
