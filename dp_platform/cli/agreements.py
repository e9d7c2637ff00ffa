"""``dp-platform agreement ...``: the agreement commands, for staff who work from a terminal or a script.

``templates`` and ``check`` need no database: ``check`` reads a terms file (JSON, the same object
the API takes) and prints every problem, the warnings and the payment schedule. The others act
as a named user (``--as EMAIL``) through the same checked and audited workflows as the API.
A refusal prints its reasons and exits 1; a setting or connection problem exits 2.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from dp_platform.cli.common import _refused, _run, _say, _uuid, account_argument
from dp_platform.settings import ConfigurationError, Settings
from ledgers.errors import DomainError


def _read_terms(path: Path) -> dict[str, Any]:
    try:
        terms = json.loads(path.read_text())
    except OSError as error:
        raise ConfigurationError(f"cannot read {path}: {error.strerror}") from None
    except json.JSONDecodeError as error:
        raise ConfigurationError(f"{path} line {error.lineno}: not JSON ({error.msg})") from None
    if not isinstance(terms, dict):
        raise ConfigurationError(f"{path}: the terms must be one JSON object")
    return terms


def _print_schedule(rows: list[tuple[Any, ...]]) -> None:
    from ledgers.money import Money

    _say("  due on      covers                     days     gross  contribution        net  status")
    for due, start, end, days, period, gross, contribution, net, status in rows:
        _say(
            f"  {due}  {start} to {end}  {days:>2}/{period:<2} {Money(gross)!s:>10} {Money(contribution)!s:>12} "
            f"{Money(net)!s:>10}  {status}"
        )


def cmd_templates(settings: Settings, args: argparse.Namespace) -> int:
    from agreements.template import templates

    for chosen in templates().values():
        _say(f"{chosen.key}: {chosen.title}")
        for clause in chosen.clauses:
            _say(f"  {clause.id:<16} {clause.scope:<12} {clause.heading}")
    return 0


def cmd_check(settings: Settings, args: argparse.Namespace) -> int:
    from agreements.schedule import payment_schedule
    from agreements.terms import parse_terms
    from agreements.validation import check_terms
    from dp_platform.workflows.agreements import pa_minimum_floors

    try:
        terms = parse_terms(_read_terms(args.terms))
        warnings = check_terms(terms, pa_minimum_floors())
    except DomainError as error:
        return _refused(error)
    _say("The terms hold together.")
    for warning in warnings:
        _say(f"Warning: {warning}")
    _print_schedule(
        [
            (
                p.due_on,
                p.covers_from,
                p.covers_to,
                p.days_covered,
                p.days_in_period,
                p.gross_pence,
                p.contribution_pence,
                p.net_pence,
                "part period" if p.part_period else "",
            )
            for p in payment_schedule(terms)
        ]
    )
    return 0


def _describe(agreement: Any) -> None:
    row, version = agreement.agreement, agreement.latest
    _say(f"Agreement {row.reference} ({row.id}): {row.status.replace('_', ' ')}")
    _say(f"  version {version.number}: {version.status.replace('_', ' ')}, content hash {version.content_hash}")
    for warning in version.warnings:
        _say(f"  warning: {warning}")


def cmd_draft(settings: Settings, args: argparse.Namespace) -> int:
    from agreements.template import CURRENT
    from dp_platform.workflows.agreements import draft_for_account

    terms = _read_terms(args.terms)

    async def work(session: Any, actor: Any) -> int:
        template = args.template or CURRENT
        _describe(await draft_for_account(session, actor, args.account, template_key=template, terms=terms))
        return 0

    return _run(settings, args, work)


def cmd_sign(settings: Settings, args: argparse.Namespace) -> int:
    from dp_platform.workflows.agreements import sign_for_account

    async def work(session: Any, actor: Any) -> int:
        _describe(await sign_for_account(session, actor, args.account, args.agreement, args.version, args.hash))
        return 0

    return _run(settings, args, work)


def cmd_vary(settings: Settings, args: argparse.Namespace) -> int:
    from agreements.service import changes_of
    from dp_platform.workflows.agreements import vary_for_account

    terms = _read_terms(args.terms)

    async def work(session: Any, actor: Any) -> int:
        agreement = await vary_for_account(
            session, actor, args.account, args.agreement, terms=terms, reason=args.reason
        )
        _describe(agreement)
        clauses, changed = changes_of(agreement, agreement.latest)
        for clause in clauses:
            _say(f"  clause {clause.id} ({clause.heading}): {clause.change}")
        for term in changed:
            _say(f"  term {term.path}: {term.before!r} -> {term.after!r}")
        return 0

    return _run(settings, args, work)


def cmd_terminate(settings: Settings, args: argparse.Namespace) -> int:
    from agreements.termination import TerminationReason
    from dp_platform.workflows.agreements import terminate_for_account

    async def work(session: Any, actor: Any) -> int:
        agreement = await terminate_for_account(
            session,
            actor,
            args.account,
            args.agreement,
            reason=TerminationReason(args.reason),
            notified_on=args.notified_on,
            last_day=args.last_day,
            explanation=args.explanation,
        )
        _describe(agreement)
        return 0

    return _run(settings, args, work)


def cmd_schedule(settings: Settings, args: argparse.Namespace) -> int:
    from datetime import datetime

    from agreements.payments import payment_states
    from dp_platform.tenancy.access import authorize
    from dp_platform.tenancy.policy import SCOTTISH_TIME, Action
    from dp_platform.workflows.agreements import agreement_for

    async def work(session: Any, actor: Any) -> int:
        access = await authorize(session, actor, args.account, Action.VIEW)
        agreement = await agreement_for(session, access, args.agreement)
        states = await payment_states(session, agreement, datetime.now(SCOTTISH_TIME).date())
        _describe(agreement)
        _print_schedule(
            [
                (
                    s.scheduled.due_on,
                    s.scheduled.covers_from,
                    s.scheduled.covers_to,
                    s.scheduled.days_covered,
                    s.scheduled.days_in_period,
                    s.scheduled.gross_pence,
                    s.scheduled.contribution_pence,
                    s.scheduled.net_pence,
                    s.status,
                )
                for s in states
            ]
        )
        return 0

    return _run(settings, args, work)


def cmd_pdf(settings: Settings, args: argparse.Namespace) -> int:
    from agreements.render_pdf import render_pdf
    from dp_platform.tenancy.access import authorize
    from dp_platform.tenancy.policy import Action
    from dp_platform.workflows.agreements import agreement_for

    async def work(session: Any, actor: Any) -> int:
        access = await authorize(session, actor, args.account, Action.VIEW)
        agreement = await agreement_for(session, access, args.agreement)
        version = agreement.version(args.version) if args.version else agreement.latest
        args.out.write_bytes(render_pdf(agreement, version))
        _say(f"Wrote {args.out} ({agreement.agreement.reference} version {version.number}).")
        return 0

    return _run(settings, args, work)


def add_agreement_commands(commands: Any, day: Callable[[str], Any]) -> None:
    group = commands.add_parser("agreement", help="Direct Payment agreements", description=__doc__)
    sub = group.add_subparsers(dest="agreement_command", required=True)

    def add(name: str, handler: Callable[[Settings, argparse.Namespace], int], text: str, *, acting: bool = True):  # type: ignore[no-untyped-def]
        command = sub.add_parser(name, help=text, description=text)
        command.set_defaults(handler=handler)
        if acting:
            command.add_argument("--as", dest="as_user", required=True, help="email of the user acting")
            command.add_argument(
                "--account",
                type=account_argument,
                required=True,
                help="the DP account: its reference (DP-0001) or its id",
            )
        return command

    add("templates", cmd_templates, "list the model agreement templates and their clauses", acting=False)
    check = add("check", cmd_check, "check a terms file and preview its payment schedule", acting=False)
    check.add_argument("terms", type=Path, help="the terms, as a JSON object")
    draft = add("draft", cmd_draft, "draft an agreement for an account (authority staff)")
    draft.add_argument("terms", type=Path, help="the terms, as a JSON object")
    draft.add_argument("--template", help="template id@version (default: the current national model)")
    for name, handler, text in (
        ("sign", cmd_sign, "sign a version, as the holder or for the authority"),
        ("vary", cmd_vary, "draft a variation of an agreement in force (authority staff)"),
        ("terminate", cmd_terminate, "end an agreement in force, after notice (authority staff)"),
        ("schedule", cmd_schedule, "the payment schedule, with what was received or missed"),
        ("pdf", cmd_pdf, "write a version of the agreement as a PDF"),
    ):
        command = add(name, handler, text)
        command.add_argument("--agreement", type=_uuid, required=True, help="the agreement id")
        if name == "sign":
            command.add_argument("--version", type=int, required=True)
            command.add_argument("--hash", required=True, help="the content hash of the words you read")
        elif name == "vary":
            command.add_argument("terms", type=Path, help="the new terms, as a JSON object")
            command.add_argument("--reason", required=True)
        elif name == "terminate":
            from agreements.termination import TerminationReason

            command.add_argument("--reason", required=True, choices=[reason.value for reason in TerminationReason])
            command.add_argument("--notified-on", type=day, required=True)
            command.add_argument("--last-day", type=day, required=True)
            command.add_argument("--explanation", required=True)
        elif name == "pdf":
            command.add_argument("--version", type=int, help="the version (default: the latest)")
            command.add_argument("--out", type=Path, required=True, help="the PDF file to write")
