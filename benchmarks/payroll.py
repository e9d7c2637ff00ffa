"""Payroll calculation benchmark: payslips per second on one core (pure calculation, rates
already looked up), the way a bureau run calculates thousands of PAs.

    .venv/bin/python -m benchmarks.payroll [--payslips 20000]

Prints figures; asserts nothing. The persisted 5,000-PA bureau run comes with pay-run storage.
"""

from __future__ import annotations

import argparse
import platform
import random
import time
from datetime import date, timedelta
from decimal import Decimal

from payroll.fair_work import WorkedTime, Worker
from payroll.payslip import PayslipRequest, calculate_payslip
from payroll.periods import PayFrequency
from payroll.rates import payslip_rates
from payroll.tax_codes import parse_tax_code


def requests(count: int) -> list[PayslipRequest]:
    randomiser = random.Random(3)
    start = date(2026, 4, 6)
    made = []
    for index in range(count):
        entries = tuple(
            WorkedTime(
                start + timedelta(days=day),
                Decimal(randomiser.choice((4, 6, 7.5, 8))),
                randomiser.choice((1345, 1400, 1450, 1600)),
                randomiser.choice(("standard", "standard", "weekend", "night")),
            )
            for day in range(0, 28, randomiser.choice((1, 2, 3)))
        )
        made.append(
            PayslipRequest(
                worker=Worker(f"PA {index}", date(1960 + index % 40, 1 + index % 12, 1 + index % 28)),
                tax_code=parse_tax_code(randomiser.choice(("S1257L", "S1257L", "SBR", "S0T", "1257L"))),
                ni_category=randomiser.choice(("A", "A", "A", "C", "M")),
                frequency=PayFrequency.FOUR_WEEKLY,
                period_number=1,
                period_start=start,
                paid_on=date(2026, 5, 1),
                entries=entries,
            )
        )
    return made


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--payslips", type=int, default=20_000)
    args = parser.parse_args()
    batch = requests(args.payslips)
    scottish = payslip_rates(date(2026, 5, 1), date(2026, 4, 6), "hmrc.income_tax.scottish_bands")
    ruk = payslip_rates(date(2026, 5, 1), date(2026, 4, 6), "hmrc.income_tax.ruk_bands")
    print(f"machine: {platform.machine()}, Python {platform.python_version()}, one core")
    best = None
    for _ in range(3):
        started = time.perf_counter()
        for request in batch:
            calculate_payslip(request, scottish if request.tax_code.regime.value == "scottish" else ruk)
        elapsed = time.perf_counter() - started
        best = elapsed if best is None else min(best, elapsed)
    print(
        f"payslip calculation: {len(batch):,} payslips in {best:.2f} s = {len(batch) / best:,.0f} payslips/s "
        "(aim >= 20,000 per core)"
    )


if __name__ == "__main__":
    main()
