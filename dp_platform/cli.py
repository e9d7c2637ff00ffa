"""The ``dp-platform`` command.

Every failure a person can fix (bad settings, an unreachable server, a data folder that
cannot be written) ends in one sentence on stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import uuid
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from dp_platform.cli_agreements import account_argument, add_agreement_commands
from dp_platform.cli_council import add_council_commands
from dp_platform.cli_jobs import add_job_commands
from dp_platform.db.connect import check_reachable, describe_server, resolve_database
from dp_platform.settings import ConfigurationError, Settings, get_settings, hand_to_workers, secret_warning
from ledgers.statements.model import FORMATS

Handler = Callable[[Settings, argparse.Namespace], int]


def _say(message: str) -> None:
    print(message, flush=True)


def _connect(settings: Settings, *, migrate: bool) -> tuple[Settings, str]:
    """Resolve and reach the database (and migrate it); return settings with the URL and the server version."""
    if settings.database_url is None:
        _say(f"Starting the embedded PostgreSQL in {settings.data_dir / 'postgres'} ...")
    settings = resolve_database(settings)
    server_version = asyncio.run(check_reachable(settings.database_url))  # type: ignore[arg-type]
    if migrate:
        from dp_platform.db.migrate import upgrade_to_head

        asyncio.run(upgrade_to_head(settings.database_url))  # type: ignore[arg-type]
    return settings, server_version


def _where(settings: Settings, server_version: str) -> str:
    short_version = " ".join(server_version.split()[:2])
    if settings.embedded_database:
        return f"embedded {short_version} in {settings.data_dir / 'postgres'}"
    return f"{short_version} at {describe_server(settings.database_url)}"  # type: ignore[arg-type]


def _serve(settings: Settings) -> int:
    import uvicorn

    warning = secret_warning(settings)  # refuses an address others can reach
    if warning:
        print(f"Warning: {warning}", file=sys.stderr)
    if not 1 <= settings.workers <= 64:
        raise ConfigurationError("--workers must be 1 to 64.")
    if settings.workers > 1:
        hand_to_workers(settings)  # and let uvicorn's supervisor replace a worker that dies
        uvicorn.run(
            "dp_platform.asgi:app",
            host=settings.host,
            port=settings.port,
            workers=settings.workers,
            log_config=None,
            access_log=False,
        )
        return 0
    from dp_platform.app import create_app

    config = uvicorn.Config(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_config=None,
        access_log=False,
        lifespan="on",
    )
    uvicorn.Server(config).run()
    return 0


def _with_overrides(settings: Settings, args: argparse.Namespace) -> Settings:
    from dataclasses import replace

    changes = {key: getattr(args, key) for key in ("host", "port", "workers") if getattr(args, key, None) is not None}
    return replace(settings, **changes)


def cmd_migrate(settings: Settings, args: argparse.Namespace) -> int:
    from dp_platform.db.migrate import schema_state

    settings, server_version = _connect(settings, migrate=True)
    state = asyncio.run(schema_state(settings.database_url))  # type: ignore[arg-type]
    _say(f"Database schema is at {state.current} ({_where(settings, server_version)}).")
    return 0


def cmd_check(settings: Settings, args: argparse.Namespace) -> int:
    from dp_platform.db.migrate import schema_state

    settings, server_version = _connect(settings, migrate=False)
    _say(f"Database: reachable, {_where(settings, server_version)}.")
    state = asyncio.run(schema_state(settings.database_url))  # type: ignore[arg-type]
    if not state.is_current:
        _say(f"Schema: at {state.current or 'nothing'}, head is {state.head}; run 'dp-platform migrate'.")
        return 1
    _say(f"Schema: current ({state.head}).")
    return 0


def cmd_serve(settings: Settings, args: argparse.Namespace) -> int:
    secret_warning(_with_overrides(settings, args))  # refused before the database is touched
    settings, server_version = _connect(_with_overrides(settings, args), migrate=True)
    _say(f"Database: {_where(settings, server_version)}.")
    return _serve(settings)


async def _seed(url: str) -> bool:
    from sqlalchemy.ext.asyncio import async_sessionmaker

    from dp_platform.db.engine import create_engine
    from dp_platform.demo import seed_demo

    engine = create_engine(url, pool_size=1)
    try:
        async with async_sessionmaker(engine, expire_on_commit=False)() as session, session.begin():
            return await seed_demo(session)
    finally:
        await engine.dispose()


def cmd_demo(settings: Settings, args: argparse.Namespace) -> int:
    from dp_platform.demo import DEMO_LOGINS, DEMO_PASSWORD

    secret_warning(_with_overrides(settings, args))  # refused before the database is touched
    settings, server_version = _connect(_with_overrides(settings, args), migrate=True)
    seeded = asyncio.run(_seed(settings.database_url))  # type: ignore[arg-type]
    base = f"http://{settings.host}:{settings.port}"
    lines = [
        "",
        "dp-platform demo",
        f"  Database:  {_where(settings, server_version)}",
        f"  Demo data: {'added now' if seeded else 'already present, kept as it was'}",
        f"  Web pages: {base}/  (sign in with a demo login below)",
        f"  API docs:  {base}/docs",
        f"  Health:    {base}/health",
        f"  Demo logins (password for all: {DEMO_PASSWORD}):",
        *(f"    {login.email:<26} {login.role.value:<18} {login.name}, {login.description}" for login in DEMO_LOGINS),
        "",
    ]
    _say("\n".join(lines))
    if args.no_serve:
        return 0
    _say("Stop with Ctrl-C; the data is kept for next time.")
    return _serve(settings)


async def _verify_audit(url: str, account_id: uuid.UUID | None, full: bool):  # type: ignore[no-untyped-def]
    from sqlalchemy.ext.asyncio import async_sessionmaker

    from dp_platform.audit.verify import verify_audit_trail
    from dp_platform.db.engine import create_engine

    engine = create_engine(url, pool_size=1)
    try:
        async with async_sessionmaker(engine)() as session, session.begin():
            return await verify_audit_trail(session, account_id=account_id, full=full)
    finally:
        await engine.dispose()


def cmd_audit_verify(settings: Settings, args: argparse.Namespace) -> int:
    settings, _ = _connect(settings, migrate=False)
    report = asyncio.run(_verify_audit(settings.database_url, args.account, args.full))  # type: ignore[arg-type]
    if report.ok:
        since = "" if report.full else " since the last verification"
        _say(
            f"Audit trail verified: {report.chains_checked} chain(s), {report.events_checked} event(s){since}, "
            "no breaks."
        )
        return 0
    for broken in report.breaks:
        print(broken.sentence(), file=sys.stderr)
    return 1


async def _import(url: str, args: argparse.Namespace, data: bytes):  # type: ignore[no-untyped-def]
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
    from sqlalchemy.ext.asyncio import async_sessionmaker

    from dp_platform.db.engine import create_engine
    from dp_platform.workflows.statements import import_account_statement

    engine = create_engine(url, pool_size=1)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    try:
        with Progress(*columns, transient=True, disable=not sys.stderr.isatty()) as bar:
            task = bar.add_task(f"Importing {args.file.name}", total=None)
            async with async_sessionmaker(engine, expire_on_commit=False)() as session, session.begin():
                return await import_account_statement(
                    session,
                    None,
                    args.account,
                    filename=args.file.name,
                    data=data,
                    format=args.format,
                    profile=args.profile,
                    progress=lambda done, total: bar.update(task, completed=done, total=total),
                )
    finally:
        await engine.dispose()


def cmd_import_statement(settings: Settings, args: argparse.Namespace) -> int:
    from ledgers.errors import DomainError

    try:
        data = args.file.read_bytes()
    except OSError as error:
        raise ConfigurationError(f"Cannot read {args.file}: {error.strerror or error}.") from None
    settings, _ = _connect(settings, migrate=False)
    try:
        result = asyncio.run(_import(settings.database_url, args, data))  # type: ignore[arg-type]
    except DomainError as error:
        print(f"dp-platform: {error.detail}", file=sys.stderr)
        return 1
    if result.duplicate_file:
        _say(f"{args.file.name} was imported before; nothing was added.")
    else:
        _say(
            f"Imported {args.file.name} ({result.format}, {result.start_on} to {result.end_on}): "
            f"{result.new_lines} new line(s), {result.known_lines} already known."
        )
    return 0


async def _balances(url: str, account_id: uuid.UUID, on: date | None):  # type: ignore[no-untyped-def]
    """One statement on a bare connection: this command starts without loading the ORM."""
    import asyncpg

    from dp_platform.db.address import plain_url
    from ledgers.balances import BALANCES_SQL, balances_of

    connection = await asyncpg.connect(plain_url(url))
    try:
        return balances_of(await connection.fetch(BALANCES_SQL, account_id, on))
    finally:
        await connection.close()


def cmd_ledger_balances(settings: Settings, args: argparse.Namespace) -> int:
    from ledgers.errors import DomainError
    from ledgers.money import Money

    settings, _ = _connect(settings, migrate=False)
    try:
        rows = asyncio.run(_balances(settings.database_url, args.account, args.on))  # type: ignore[arg-type]
    except DomainError as error:
        print(f"dp-platform: {error.detail}", file=sys.stderr)
        return 1
    _say(f"Balances{' at the end of ' + args.on.isoformat() if args.on else ''} (as a person reads them):")
    for row in rows:
        if row.balance_pence or args.all:
            _say(f"  {row.code.value:<42} {Money(row.natural_pence)!s:>14}  {row.name}")
    return 0


REPORT_SQL = """
SELECT d.reference, a.book_id, a.code, s.total
FROM (
    SELECT account_id, sum(amount_pence)::bigint AS total FROM ledger_postings
    WHERE $1::date IS NULL OR occurred_on <= $1::date
    GROUP BY account_id
) s
JOIN ledger_accounts a ON a.id = s.account_id
LEFT JOIN platform_dp_accounts d ON d.id = a.book_id
WHERE s.total <> 0
ORDER BY d.reference, a.book_id, a.code
"""
"""Every book's balances at the end of $1 (or now): the whole ledger in one statement."""


async def _report(url: str, on: date | None) -> list[Any]:
    import asyncpg

    from dp_platform.db.address import plain_url

    connection = await asyncpg.connect(plain_url(url))
    try:
        return list(await connection.fetch(REPORT_SQL, on))
    finally:
        await connection.close()


def cmd_ledger_report(settings: Settings, args: argparse.Namespace) -> int:
    """Tab-separated, for a spreadsheet or another tool: one line for each ledger account not at zero."""
    settings, _ = _connect(settings, migrate=False)
    rows = asyncio.run(_report(settings.database_url, args.on))  # type: ignore[arg-type]
    lines = ["dp_account\tbook_id\tledger_account\tbalance_pence\tbalance_pounds"]
    for reference, book_id, code, total in rows:
        pounds = f"{'-' if total < 0 else ''}{abs(total) // 100}.{abs(total) % 100:02d}"
        lines.append(f"{reference or ''}\t{book_id}\t{code}\t{total}\t{pounds}")
    sys.stdout.write("\n".join(lines) + "\n")
    return 0


async def _bureau_run(url: str, args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
    from sqlalchemy import select
    from sqlalchemy.ext.asyncio import async_sessionmaker

    from dp_platform.db.engine import create_engine
    from dp_platform.tenancy.access import load_user_actor
    from dp_platform.tenancy.roles import Role
    from dp_platform.tenancy.tables import UserRow
    from dp_platform.workflows.bureau import run_bureau_payroll
    from payroll.periods import PayFrequency

    engine = create_engine(url, pool_size=2)
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    try:
        async with sessions() as session:
            user = await session.scalar(select(UserRow).where(UserRow.email == args.as_user.strip().lower()))
            actor = await load_user_actor(session, user.id) if user else None
        if actor is None or actor.role is not Role.BUREAU_STAFF:
            raise ConfigurationError(f"{args.as_user} is not an active member of a bureau's staff.")
        columns = (TextColumn("Pay runs"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
        with Progress(*columns, transient=True, disable=not sys.stderr.isatty()) as bar:
            task = bar.add_task("employers", total=None)
            return await run_bureau_payroll(
                sessions,
                actor,
                frequency=PayFrequency(args.frequency),
                period_number=args.period,
                period_start=args.period_start,
                period_end=args.period_end,
                paid_on=args.paid_on,
                finalise=args.finalise,
                progress=lambda done, total: bar.update(task, completed=done, total=total),
            )
    finally:
        await engine.dispose()


def cmd_bureau_run(settings: Settings, args: argparse.Namespace) -> int:
    from ledgers.money import Money

    settings, _ = _connect(settings, migrate=False)
    outcomes = asyncio.run(_bureau_run(settings.database_url, args))  # type: ignore[arg-type]
    for outcome in outcomes:
        _say(
            f"  {outcome.reference:<14} {outcome.status:<10} {outcome.payslips:>3} payslip(s) "
            f"{Money(outcome.gross_pence)!s:>12}  {outcome.detail}"
        )
    counts = {status: sum(1 for o in outcomes if o.status == status) for status in ("finalised", "draft", "failed")}
    _say(
        f"{len(outcomes)} employer(s): {counts['finalised']} finalised, {counts['draft']} left as drafts, "
        f"{counts['failed']} failed."
    )
    return 1 if counts["failed"] else 0


def _day(raw: str) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{raw}' is not a date like 2026-04-30") from None


async def _account_by_reference(url: str, reference: str) -> uuid.UUID:
    import asyncpg

    from dp_platform.db.address import plain_url

    connection = await asyncpg.connect(plain_url(url))
    try:
        found = [
            row["id"]
            for row in await connection.fetch(
                "SELECT id FROM platform_dp_accounts WHERE upper(reference) = upper($1)", reference
            )
        ]
    finally:
        await connection.close()
    if not found:
        raise ConfigurationError(f"no account has the reference {reference}; give its reference or its id")
    if len(found) > 1:
        raise ConfigurationError(
            f"{len(found)} accounts have the reference {reference} (councils choose their own); give the account's id"
        )
    return found[0]


def _resolve_account(settings: Settings, args: argparse.Namespace) -> Settings:
    """``--account DP-0001``: the reference becomes the account's id before the command runs."""
    reference = getattr(args, "account", None)
    if not isinstance(reference, str):
        return settings
    settings, _ = _connect(settings, migrate=False)
    args.account = asyncio.run(_account_by_reference(settings.database_url, reference))  # type: ignore[arg-type]
    return settings


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dp-platform",
        description="Direct Payment accounts, PA payroll and a shared audit trail. "
        "Configured by DP_* environment variables (see README).",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name: str, handler: Handler, help_text: str) -> argparse.ArgumentParser:
        command = commands.add_parser(name, help=help_text, description=help_text)
        command.set_defaults(handler=handler)
        return command

    for name, handler, help_text in (
        ("serve", cmd_serve, "migrate the database, then run the web server"),
        ("demo", cmd_demo, "migrate, add the demo data once, then run the web server"),
    ):
        command = add(name, handler, help_text)
        command.add_argument("--host", help="address to listen on (default DP_HOST or 127.0.0.1)")
        command.add_argument("--port", type=int, help="port to listen on (default DP_PORT or 8000)")
        command.add_argument(
            "--workers", type=int, help="web server processes (default DP_WORKERS: 1, or up to 4 in production)"
        )
        if name == "demo":
            command.add_argument("--no-serve", action="store_true", help="seed and print the logins, then exit")
    add("migrate", cmd_migrate, "bring the database schema up to date")
    add("check", cmd_check, "self-test: database reachable and schema current")
    audit = commands.add_parser("audit", help="the audit trail", description="the audit trail")
    audit_commands = audit.add_subparsers(dest="audit_command", required=True, metavar="COMMAND")
    verify = audit_commands.add_parser(
        "verify",
        help="recompute the hash chains and name the first broken link",
        description="Recompute every audit chain (or one account's) and name the first broken link. Each chain "
        "is checked from where the last verification found it intact (that event re-checked); --full from its "
        "first event.",
    )
    verify.add_argument(
        "--account",
        type=account_argument,
        help="verify only this DP account's chain (its reference, like DP-0001, or its id)",
    )
    verify.add_argument(
        "--full",
        action="store_true",
        help="every event from each chain's first, not only those since the last verification",
    )
    verify.set_defaults(handler=cmd_audit_verify)
    ledger = commands.add_parser("ledger", help="an account's ledger", description="an account's ledger")
    ledger_commands = ledger.add_subparsers(dest="ledger_command", required=True, metavar="COMMAND")
    balances = ledger_commands.add_parser("balances", help="every ledger account's balance, now or at a date")
    balances.add_argument("--account", type=account_argument, required=True, help="the DP account: DP-0001 or its id")
    balances.add_argument("--on", type=_day, help="at the end of this date (YYYY-MM-DD)")
    balances.add_argument("--all", action="store_true", help="list accounts at zero too")
    balances.set_defaults(handler=cmd_ledger_balances)
    report = ledger_commands.add_parser(
        "report",
        help="every DP account's ledger balances, now or at a date, tab-separated",
        description="Every ledger account not at zero, in every DP account's book, now or at the end of a date: "
        "tab-separated (DP account, book id, ledger account, balance in pence, balance in pounds; debit positive), "
        "for a spreadsheet or another ledger tool.",
    )
    report.add_argument("--on", type=_day, help="at the end of this date (YYYY-MM-DD)")
    report.set_defaults(handler=cmd_ledger_report)
    payroll = commands.add_parser("payroll", help="PA payroll", description="PA payroll")
    payroll_commands = payroll.add_subparsers(dest="payroll_command", required=True, metavar="COMMAND")
    bureau = payroll_commands.add_parser(
        "bureau-run",
        help="one pay period for every employer a bureau holds a payroll mandate for",
        description="Draft (and with --finalise, finalise) one pay period for every employer the bureau "
        "holds a payroll mandate for. Runs with fair-work findings are left as drafts for a person.",
    )
    bureau.add_argument("--as", dest="as_user", required=True, help="email of the bureau staff member running it")
    bureau.add_argument(
        "--frequency", default="four_weekly", choices=("weekly", "fortnightly", "four_weekly", "monthly")
    )
    bureau.add_argument("--period", type=int, required=True, help="the period number in the tax year")
    bureau.add_argument("--period-start", type=_day, required=True)
    bureau.add_argument("--period-end", type=_day, required=True)
    bureau.add_argument("--paid-on", type=_day, required=True)
    bureau.add_argument("--finalise", action="store_true", help="finalise runs that have no fair-work findings")
    bureau.set_defaults(handler=cmd_bureau_run)
    statement = add("import-statement", cmd_import_statement, "import a bank statement (CSV, OFX or PDF)")
    statement.add_argument("file", type=Path, help="the statement file")
    statement.add_argument(
        "--account", type=account_argument, required=True, help="the DP account it belongs to: DP-0001 or its id"
    )
    statement.add_argument("--format", choices=FORMATS, help="found from the file when left out")
    statement.add_argument("--profile", help="CSV layout: lloyds, nationwide, barclays or monzo (found when left out)")
    add_agreement_commands(commands, _day)
    add_council_commands(commands, _day)
    add_job_commands(commands, add)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.handler(_resolve_account(get_settings(), args), args)
    except ConfigurationError as error:
        print(f"dp-platform: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (``| head``): stop quietly, as command-line tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141


if __name__ == "__main__":
    raise SystemExit(main())
