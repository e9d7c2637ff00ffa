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
from collections.abc import Mapping
from pathlib import Path

from dp_platform.cli.agreements import add_agreement_commands
from dp_platform.cli.audit import cmd_audit_verify
from dp_platform.cli.common import Handler, _connect, _day, account_argument
from dp_platform.cli.council import add_council_commands
from dp_platform.cli.jobs import add_job_commands
from dp_platform.cli.ledger import cmd_import_statement, cmd_ledger_balances, cmd_ledger_report
from dp_platform.cli.payroll import cmd_bureau_run
from dp_platform.cli.server import cmd_check, cmd_demo, cmd_migrate, cmd_serve
from dp_platform.settings import ConfigurationError, Settings, get_settings, load_settings
from ledgers.statements.model import FORMATS


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


def main(argv: list[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    """``environ`` stands in for the process's environment variables, for a caller running a command in
    its own process (the tests do, to spare a Python start per command)."""
    args = build_parser().parse_args(argv)
    try:
        settings = get_settings() if environ is None else load_settings(environ)
        return args.handler(_resolve_account(settings, args), args)
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
