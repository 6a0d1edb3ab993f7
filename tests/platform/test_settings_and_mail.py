"""Production settings harden cookies and hide dev pages; mail goes out over SMTP when configured; logs are
JSON lines that carry the request id."""

from __future__ import annotations

import json
import logging

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message
from fastapi import FastAPI
from pydantic import SecretStr, ValidationError

from api.core.config import Settings, get_settings
from api.core.observability import JsonFormatter, request_id_var
from api.mail.repository import EmailRepository
from api.mail.service import deliver_email, queue_email
from api.models import EmailMessage
from tests.helpers import Browser, assert_problem, free_port


def test_production_requires_a_secret_and_secure_cookies() -> None:
    with pytest.raises(ValidationError, match="EPOX_SECRET_KEY"):
        Settings(env="production")
    production = Settings(env="production", secret_key=SecretStr("s" * 40))
    assert production.cookie_secure is True
    assert Settings(env="local").cookie_secure is False
    assert Settings(env="local", public_url="https://epox.example").cookie_secure is True


async def test_dev_outbox_is_hidden_in_production(app: FastAPI, browser: Browser) -> None:
    previous = app.dependency_overrides[get_settings]
    production = app.state.settings.model_copy(update={"env": "production"})
    app.dependency_overrides[get_settings] = lambda: production
    try:
        assert_problem(await browser.get("/dev/outbox"), 404)
    finally:
        app.dependency_overrides[get_settings] = previous


class _Inbox(Message):
    def __init__(self) -> None:
        super().__init__()
        self.messages: list[object] = []

    def handle_message(self, message: object) -> None:
        self.messages.append(message)


async def test_mail_is_sent_over_smtp_when_configured(app: FastAPI, settings: Settings) -> None:
    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        smtp = settings.model_copy(
            update={"smtp_host": "127.0.0.1", "smtp_port": controller.port, "smtp_starttls": False}
        )
        async with app.state.sessionmaker() as session:
            message = await queue_email(session, to="ada@example.com", subject="Hello", body="Line one\n")
            await session.commit()
        async with app.state.sessionmaker() as session:
            assert await deliver_email(session, message.id, smtp)
            await session.commit()
        [received] = inbox.messages
        assert received["To"] == "ada@example.com"
        assert received["Subject"] == "Hello"
        async with app.state.sessionmaker() as session:
            stored = await EmailRepository(session).get(message.id)
            assert stored is not None
            assert stored.sent_at is not None
    finally:
        controller.stop()


async def test_smtp_failure_is_recorded_and_retried(app: FastAPI, settings: Settings) -> None:
    unreachable = settings.model_copy(
        update={"smtp_host": "127.0.0.1", "smtp_port": free_port(), "smtp_starttls": False}
    )
    async with app.state.sessionmaker() as session:
        message = await queue_email(session, to="ada@example.com", subject="Hello", body="x")
        await session.commit()
    async with app.state.sessionmaker() as session:
        assert await deliver_email(session, message.id, unreachable) is False
        await session.commit()
    async with app.state.sessionmaker() as session:
        stored: EmailMessage | None = await EmailRepository(session).get(message.id)
        assert stored is not None
        assert stored.sent_at is None
        assert stored.attempts == 1
        assert stored.last_error


def test_json_log_lines_carry_the_request_id() -> None:
    token = request_id_var.set("abc123")
    try:
        record = logging.LogRecord("epox.test", logging.INFO, __file__, 1, "hello %s", ("world",), None)
        record.status = 201
        line = json.loads(JsonFormatter().format(record))
    finally:
        request_id_var.reset(token)
    assert line["message"] == "hello world"
    assert line["request_id"] == "abc123"
    assert line["status"] == 201
    assert line["level"] == "info"
