"""Platform admins: made by the `epox` CLI, the only ones let into admin endpoints."""

from __future__ import annotations

import pytest
from fastapi import FastAPI

from api import cli
from api.core.config import Settings, get_settings
from tests.helpers import Browser, assert_problem, on_plan, signup


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, settings: Settings):
    monkeypatch.setenv("DATABASE_URL", settings.database_url or "")
    monkeypatch.setenv("REDIS_URL", settings.redis_url or "")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


async def test_admin_endpoints_need_a_platform_admin(app: FastAPI, browser: Browser, cli_env: None, capsys) -> None:
    created = await signup(browser, organization_name="Support Desk")
    # Non-admins get the plain 404 of a path that does not exist (tests/admin walks every admin route).
    assert_problem(await browser.get("/admin/organizations"), 404, "not_found")

    import asyncio

    assert await asyncio.to_thread(cli.main, ["admin", "grant-admin", created["user"]["email"]]) == 0
    assert "is now a platform admin" in capsys.readouterr().out
    me = (await browser.get("/me")).json()
    assert me["user"]["is_platform_admin"] is True

    found = await browser.get("/admin/organizations", params={"q": "support"})
    assert found.status_code == 200
    assert [o["name"] for o in found.json()["items"]] == ["Support Desk"]
    assert found.json()["items"][0]["member_count"] == 1
    by_email = await browser.get("/admin/organizations", params={"q": created["user"]["email"][:12]})
    assert len(by_email.json()["items"]) == 1

    await on_plan(browser)  # API access
    key = (await browser.post("/organization/api-keys", json={"name": "k", "role": "admin"})).json()
    bearer = {"Authorization": f"Bearer {key['secret']}"}
    assert_problem(await browser.get("/admin/organizations", headers=bearer), 404, "not_found")

    assert await asyncio.to_thread(cli.main, ["admin", "revoke-admin", created["user"]["email"]]) == 0
    assert_problem(await browser.get("/admin/organizations"), 404)


def test_grant_admin_for_unknown_email_fails(cli_env: None, migrated: Settings, capsys) -> None:
    assert cli.main(["admin", "grant-admin", "nobody@example.com"]) == 1
    assert "no user with email" in capsys.readouterr().out


def test_cli_help_lists_commands(capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    for command in ("run", "worker", "migrate", "admin", "openapi"):
        assert command in out
