"""Invitations, roles and what each role may do; another tenant's ids answer 404."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from tests.helpers import (
    Browser,
    assert_problem,
    latest_email_link,
    make_browser,
    new_browser,
    on_plan,
    signup,
    unique_email,
)


async def invite_and_join(app: FastAPI, owner: Browser, role: str) -> tuple[Browser, dict[str, Any]]:
    """Invite a new person with `role`; they sign up with the invited address and accept."""
    email = unique_email(role)
    invited = await owner.post("/organization/invitations", json={"email": email, "role": role})
    assert invited.status_code == 201, invited.text
    token = await latest_email_link(owner, email, "/invitations/accept")
    client = make_browser(app)
    await signup(client, email)
    accepted = await client.post("/invitations/accept", json={"token": token})
    assert accepted.status_code == 200, accepted.text
    return client, accepted.json()


async def test_invitation_accept_shows_the_workspace(app: FastAPI, browser: Browser) -> None:
    owner = await signup(browser, organization_name="Teak House")
    await on_plan(browser)  # seats and API access are not what this test is about
    email = unique_email("invitee")
    invited = await browser.post("/organization/invitations", json={"email": email, "role": "member"})
    assert invited.json()["status"] == "pending"
    token = await latest_email_link(browser, email, "/invitations/accept")

    async with new_browser(app) as invitee:
        preview = await invitee.get("/invitations/preview", params={"token": token})
        assert preview.json() == {
            "organization_name": "Teak House",
            "email": email,
            "role": "member",
            "inviter_name": "Mara Merchant",
            "status": "pending",
        }
        assert_problem(await invitee.post("/invitations/accept", json={"token": token}), 401)
        await signup(invitee, email)
        me = (await invitee.post("/invitations/accept", json={"token": token})).json()
        assert me["organization"]["id"] == owner["organization"]["id"]
        assert me["role"] == "member"
        assert me["user"]["email_verified"] is True
        assert len(me["memberships"]) == 2
        members = (await invitee.get("/organization/members")).json()["items"]
        assert {m["email"]: m["role"] for m in members}[email] == "member"
        assert_problem(await invitee.post("/invitations/accept", json={"token": token}), 400, "invitation_unusable")

    listed = (await browser.get("/organization/invitations")).json()["items"]
    assert [i["status"] for i in listed] == ["accepted"]


async def test_invitation_for_another_address_is_refused(app: FastAPI, browser: Browser) -> None:
    await signup(browser)
    await on_plan(browser)  # seats and API access are not what this test is about
    email = unique_email("intended")
    await browser.post("/organization/invitations", json={"email": email, "role": "admin"})
    token = await latest_email_link(browser, email, "/invitations/accept")
    async with new_browser(app) as stranger:
        await signup(stranger)
        response = await stranger.post("/invitations/accept", json={"token": token})
        assert_problem(response, 403, "invitation_email_mismatch")
        assert len((await stranger.get("/me")).json()["memberships"]) == 1


async def test_revoked_and_expired_invitations_cannot_be_used(app: FastAPI, browser: Browser) -> None:
    await signup(browser)
    await on_plan(browser)  # seats and API access are not what this test is about
    email = unique_email()
    invitation = (await browser.post("/organization/invitations", json={"email": email, "role": "member"})).json()
    token = await latest_email_link(browser, email, "/invitations/accept")
    assert (await browser.delete(f"/organization/invitations/{invitation['id']}")).status_code == 204
    async with new_browser(app) as invitee:
        await signup(invitee, email)
        assert_problem(await invitee.post("/invitations/accept", json={"token": token}), 400, "invitation_unusable")


async def test_viewer_can_read_but_not_write(app: FastAPI, browser: Browser) -> None:
    await signup(browser)
    await on_plan(browser)  # seats and API access are not what this test is about
    viewer, _ = await invite_and_join(app, browser, "viewer")
    try:
        assert (await viewer.get("/organization")).status_code == 200
        assert (await viewer.get("/organization/members")).status_code == 200
        writes = [
            viewer.patch("/organization", json={"name": "Mine now"}),
            viewer.post("/organization/invitations", json={"email": unique_email(), "role": "viewer"}),
            viewer.post("/organization/api-keys", json={"name": "sneaky"}),
        ]
        for write in writes:
            assert_problem(await write, 403, "insufficient_role")
        assert (await browser.get("/organization")).json()["name"] == "Mara Merchant's workspace"
    finally:
        await viewer.aclose()


async def test_roles_cannot_be_escalated(app: FastAPI, browser: Browser) -> None:
    await signup(browser)
    await on_plan(browser)  # seats and API access are not what this test is about
    admin, admin_me = await invite_and_join(app, browser, "admin")
    member, member_me = await invite_and_join(app, browser, "member")
    owner_id = (await browser.get("/me")).json()["user"]["id"]
    try:
        # Admins manage members but never touch owners or mint owners.
        promote = await admin.patch(f"/organization/members/{member_me['user']['id']}", json={"role": "owner"})
        assert_problem(promote, 403, "role_too_high")
        assert_problem(await admin.delete(f"/organization/members/{owner_id}"), 403, "role_too_high")
        ok = await admin.patch(f"/organization/members/{member_me['user']['id']}", json={"role": "viewer"})
        assert ok.status_code == 200
        assert ok.json()["role"] == "viewer"
        # A member cannot invite, and an admin cannot invite an owner.
        assert_problem(
            await admin.post("/organization/invitations", json={"email": unique_email(), "role": "owner"}),
            403,
            "role_too_high",
        )
        # Mass assignment in the member PATCH body is refused.
        smuggle = await browser.patch(
            f"/organization/members/{admin_me['user']['id']}", json={"role": "member", "organization_id": "x"}
        )
        assert_problem(smuggle, 422)
    finally:
        await admin.aclose()
        await member.aclose()


async def test_last_owner_cannot_leave_or_be_demoted(app: FastAPI, browser: Browser) -> None:
    await signup(browser)
    await on_plan(browser)  # seats and API access are not what this test is about
    me = (await browser.get("/me")).json()
    assert_problem(await browser.delete(f"/organization/members/{me['user']['id']}"), 409, "last_owner")
    demote = await browser.patch(f"/organization/members/{me['user']['id']}", json={"role": "admin"})
    assert_problem(demote, 409, "last_owner")

    second, second_me = await invite_and_join(app, browser, "admin")
    try:
        promoted = await browser.patch(f"/organization/members/{second_me['user']['id']}", json={"role": "owner"})
        assert promoted.json()["role"] == "owner"
        assert (await browser.delete(f"/organization/members/{me['user']['id']}")).status_code == 204
        after = (await browser.get("/me")).json()
        assert after["organization"] is None
        assert after["memberships"] == []
        assert_problem(await browser.get("/organization"), 403, "no_workspace")
    finally:
        await second.aclose()


async def test_member_can_leave_and_loses_access(app: FastAPI, browser: Browser) -> None:
    created = await signup(browser)
    await on_plan(browser)  # seats and API access are not what this test is about
    member, member_me = await invite_and_join(app, browser, "member")
    try:
        assert (await member.delete(f"/organization/members/{member_me['user']['id']}")).status_code == 204
        me = (await member.get("/me")).json()
        assert me["organization"]["id"] != created["organization"]["id"]
        ids = [m["organization"]["id"] for m in me["memberships"]]
        assert created["organization"]["id"] not in ids
    finally:
        await member.aclose()


async def test_switching_workspaces(app: FastAPI, browser: Browser) -> None:
    first = await signup(browser, organization_name="First")
    async with new_browser(app) as other_owner:
        await signup(other_owner, organization_name="Second")
        await on_plan(other_owner)  # seats and API access are not what this test is about
        me = (await browser.get("/me")).json()
        email = me["user"]["email"]
        await other_owner.post("/organization/invitations", json={"email": email, "role": "admin"})
        token = await latest_email_link(other_owner, email, "/invitations/accept")
    joined = (await browser.post("/invitations/accept", json={"token": token})).json()
    assert joined["organization"]["name"] == "Second"
    switched = await browser.post("/me/active-organization", json={"organization_id": first["organization"]["id"]})
    assert switched.json()["organization"]["name"] == "First"
    assert switched.json()["role"] == "owner"
    assert (await browser.get("/organization")).json()["name"] == "First"


async def test_outsider_gets_404_for_another_workspaces_ids(app: FastAPI, browser: Browser) -> None:
    tenant_a = await signup(browser)
    await on_plan(browser)  # seats and API access are not what this test is about
    invitation = (
        await browser.post("/organization/invitations", json={"email": unique_email(), "role": "member"})
    ).json()
    key = (await browser.post("/organization/api-keys", json={"name": "shop sync"})).json()
    owner_id = tenant_a["user"]["id"]
    async with new_browser(app) as outsider:
        await signup(outsider)
        assert_problem(await outsider.delete(f"/organization/invitations/{invitation['id']}"), 404)
        assert_problem(await outsider.delete(f"/organization/api-keys/{key['id']}"), 404)
        assert_problem(await outsider.patch(f"/organization/members/{owner_id}", json={"role": "viewer"}), 404)
        assert_problem(await outsider.delete(f"/organization/members/{owner_id}"), 404)
        switch = await outsider.post(
            "/me/active-organization", json={"organization_id": tenant_a["organization"]["id"]}
        )
        assert_problem(switch, 404)
    assert len((await browser.get("/organization/api-keys")).json()["items"]) == 1
    assert (await browser.get("/organization/invitations")).json()["items"][0]["status"] == "pending"
