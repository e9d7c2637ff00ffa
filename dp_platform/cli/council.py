"""``dp-platform council ...``: a council's monitoring from a terminal or a script, acting as a named
member of its staff (``--as EMAIL``) through the same workflows, checks and audit as the pages: the
portfolio, the exception queue (and resolving one), the thresholds (and setting one), and reports
written to a file. A refusal prints its reason and exits 1; a setting or connection problem exits 2.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from dp_platform.cli.common import _run, _say, account_argument
from dp_platform.settings import Settings


def cmd_portfolio(settings: Settings, args: argparse.Namespace) -> int:
    from dp_platform.tenancy.policy import today
    from dp_platform.workflows.portfolio import authority_portfolio
    from ledgers.money import Money

    async def work(session: Any, actor: Any) -> int:
        lines = await authority_portfolio(session, actor, today())
        _say(f"{'person':<24} {'reference':<12} {'in the bank':>12} {'free':>12} {'weeks':>6} {'exceptions':>10}")
        for line in sorted(lines, key=lambda line: line.account.holder_name):
            weeks = "" if line.weeks_held is None else str(line.weeks_held)
            _say(
                f"{line.account.holder_name[:24]:<24} {line.account.reference:<12} {Money(line.bank_pence)!s:>12} "
                f"{Money(line.free_pence)!s:>12} {weeks:>6} {line.open_exceptions:>10}"
            )
        _say(f"{len(lines)} account(s).")
        return 0

    return _run(settings, args, work)


def cmd_exceptions(settings: Settings, args: argparse.Namespace) -> int:
    from dp_platform.tenancy.policy import today
    from dp_platform.workflows.exceptions import council_queue

    async def work(session: Any, actor: Any) -> int:
        queue = await council_queue(session, actor, today())
        items = [
            item
            for item in queue.items
            if (args.state == "all" or item.status == args.state) and (not args.check or item.check.value == args.check)
        ]
        for item in items:
            _say(f"{item.found_on.isoformat()}  {item.account.holder_name} ({item.account.reference})  {item.title}")
            _say(f"    {item.sentence}")
            _say(
                f"    account {item.account.id}  key {item.key}  {item.status}"
                + (f", with {item.assigned_to}" if item.assigned_to else "")
            )
        _say(f"{len(items)} exception(s).")
        if queue.not_run:
            _say("Not run, for want of a council threshold: " + ", ".join(check.about.title for check in queue.not_run))
        return 0

    return _run(settings, args, work)


def cmd_resolve(settings: Settings, args: argparse.Namespace) -> int:
    from dp_platform.tenancy.policy import today
    from dp_platform.workflows.exceptions import resolve_exception

    async def work(session: Any, actor: Any) -> int:
        await resolve_exception(session, actor, args.account, args.key, args.resolution, today())
        _say("Resolved. The person sees the same record.")
        return 0

    return _run(settings, args, work)


def cmd_thresholds(settings: Settings, args: argparse.Namespace) -> int:
    from agreements.monitoring.thresholds import Threshold
    from dp_platform.workflows.exceptions import council_thresholds

    async def work(session: Any, actor: Any) -> int:
        local = await council_thresholds(session, actor, actor.authority_id)
        for name in Threshold:
            versions = local.versions(name)
            _say(f"{name.value}: {name.meaning}")
            for version in versions:
                _say(f"    {version.value} {name.unit} from {version.effective_from.isoformat()} ({version.source})")
            if not versions:
                _say("    not set: not checked")
        return 0

    return _run(settings, args, work)


def cmd_set_threshold(settings: Settings, args: argparse.Namespace) -> int:
    from agreements.monitoring.thresholds import LocalThreshold, threshold_named
    from dp_platform.workflows.exceptions import set_council_threshold

    async def work(session: Any, actor: Any) -> int:
        threshold = LocalThreshold(threshold_named(args.name), args.value, args.effective_from, args.source, args.url)
        await set_council_threshold(session, actor, actor.authority_id, threshold)
        _say(f"{args.name} is {args.value} from {args.effective_from.isoformat()}.")
        return 0

    return _run(settings, args, work)


def cmd_report(settings: Settings, args: argparse.Namespace) -> int:
    from agreements.monitoring.report import account_rows, exception_rows, render_report
    from dp_platform.tenancy.policy import today
    from dp_platform.workflows.reports import council_report

    async def work(session: Any, actor: Any) -> int:
        report = await council_report(session, actor, args.period_from, args.period_to, today())
        if args.format == "pdf":
            args.out.write_bytes(render_report(report))
        else:
            import csv

            with args.out.open("w", newline="") as out:
                csv.writer(out).writerows(
                    account_rows(report) if args.format == "accounts.csv" else exception_rows(report)
                )
        _say(f"Wrote {args.out}: {len(report.lines)} account(s), {len(report.exceptions)} open exception(s).")
        return 0

    return _run(settings, args, work)


def add_council_commands(commands: Any, day: Callable[[str], Any]) -> None:
    group = commands.add_parser("council", help="a council's monitoring of its Direct Payments", description=__doc__)
    sub = group.add_subparsers(dest="council_command", required=True)

    def add(name: str, handler: Callable[[Settings, argparse.Namespace], int], text: str) -> Any:
        command = sub.add_parser(name, help=text, description=text)
        command.set_defaults(handler=handler)
        command.add_argument("--as", dest="as_user", required=True, help="email of the council staff member")
        return command

    add("portfolio", cmd_portfolio, "every account of the council, with money held and free and open exceptions")
    exceptions = add("exceptions", cmd_exceptions, "the council's exception queue")
    exceptions.add_argument("--state", default="open", choices=("open", "cleared", "resolved", "all"))
    exceptions.add_argument("--check", help="only this check (its name, e.g. surplus)")
    resolve = add("resolve", cmd_resolve, "resolve an exception, saying what was found and done")
    resolve.add_argument(
        "--account", type=account_argument, required=True, help="the DP account: its reference (DP-0001) or its id"
    )
    resolve.add_argument("--key", required=True, help="the exception's key, as the queue prints it")
    resolve.add_argument("--resolution", required=True, help="what was found and done, for the person to read")
    add("thresholds", cmd_thresholds, "the council's monitoring thresholds, every dated value")
    threshold = add("set-threshold", cmd_set_threshold, "set a threshold from a day, naming its source (finance)")
    threshold.add_argument("name", help="e.g. surplus_weeks, cash_limit_pence")
    threshold.add_argument("value", type=int, help="weeks, days, percent, or pence for the cash limit")
    threshold.add_argument("--from", dest="effective_from", type=day, required=True)
    threshold.add_argument("--source", required=True, help="the council policy and section it comes from")
    threshold.add_argument("--url", help="the policy's web address")
    report = add("report", cmd_report, "write the council's monitoring report for a period")
    report.add_argument("--from", dest="period_from", type=day, required=True)
    report.add_argument("--to", dest="period_to", type=day, required=True)
    report.add_argument("--format", default="pdf", choices=("pdf", "accounts.csv", "exceptions.csv"))
    report.add_argument("--out", type=Path, required=True, help="the file to write")
