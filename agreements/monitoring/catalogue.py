"""What the council's checks are: each one's title, the rule it holds an account to, that rule's
public sources, and the council threshold it is measured against (if any). Pure data.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from agreements.monitoring.thresholds import Threshold

LEGISLATION = "https://www.legislation.gov.uk/ssi/2014/25"
GUIDANCE_2022 = (
    "https://www.gov.scot/publications/"
    "statutory-guidance-accompany-social-care-self-directed-support-scotland-act-2013-2/"
)
"""The statutory guidance as updated in November 2022 (not the practitioners' guidance, cited here before)."""
GUIDANCE = "https://www.gov.scot/Publications/2014/04/5438/11"
"""The 2014 statutory guidance, section 11: provision of support under Option 1 (monitoring)."""


class Check(StrEnum):
    SURPLUS = "surplus"
    MISSED_PAYMENT = "missed_payment"
    STATEMENTS_MISSING = "statements_missing"
    UNRECONCILED = "unreconciled"
    LIABILITY_OVERDUE = "liability_overdue"
    PROHIBITED_SPEND = "prohibited_spend"
    SPEND_OUTSIDE_PLAN = "spend_outside_plan"
    PAY_BELOW_FLOOR = "pay_below_floor"
    FAMILY_PA_UNAPPROVED = "family_pa_unapproved"
    PVG = "pvg"
    RIGHT_TO_WORK = "right_to_work"
    INSURANCE = "insurance"
    DUPLICATE_PAYMENT = "duplicate_payment"
    CASH_OVER_LIMIT = "cash_over_limit"
    OVERSPENT = "overspent"
    HOURS_ABOVE_AGREED = "hours_above_agreed"
    REVIEW_OVERDUE = "review_overdue"
    RETURN_OVERDUE = "return_overdue"

    @property
    def about(self) -> CheckInfo:
        return CHECKS[self]


@dataclass(frozen=True, slots=True)
class CheckInfo:
    title: str
    rule: str
    sources: tuple[tuple[str, str], ...]
    threshold: Threshold | None = None


CHECKS: dict[Check, CheckInfo] = {
    Check.SURPLUS: CheckInfo(
        "Surplus above the threshold",
        "Money free to spend (the bank balance less wages, tax and pension owed and any surplus already due back) "
        "should not be more than the weeks of budget the agreement or the council's policy allows. Any repayment "
        "comes only after the reasons have been talked through with the person.",
        (
            (
                "Statutory guidance on self-directed support (2022), Underspent budgets and seeking repayment",
                GUIDANCE_2022,
            ),
        ),
        Threshold.SURPLUS_WEEKS,
    ),
    Check.MISSED_PAYMENT: CheckInfo(
        "Council payment not received",
        "Each payment in the agreement's schedule is recorded as received within 5 days of its due date.",
        (("Self-directed Support (Direct Payments) (Scotland) Regulations 2014, reg 4 (instalments)", LEGISLATION),),
    ),
    Check.STATEMENTS_MISSING: CheckInfo(
        "Bank statements not up to date",
        "The account's bank statements are uploaded so both sides read the same record.",
        (("Statutory guidance 2014, s.11 (proportionate financial monitoring)", GUIDANCE),),
        Threshold.STATEMENTS_WITHIN_DAYS,
    ),
    Check.UNRECONCILED: CheckInfo(
        "Bank lines left unexplained",
        "Every bank line is matched to the record of what it paid for or received.",
        (("Statutory guidance 2014, s.11 (proportionate financial monitoring)", GUIDANCE),),
        Threshold.UNRECONCILED_WEEKS,
    ),
    Check.LIABILITY_OVERDUE: CheckInfo(
        "Wages, tax or pension unpaid after it was due",
        "Net wages are paid on payday; PAYE and National Insurance reach HMRC by the 22nd after the tax month "
        "or quarter ends; pension contributions reach the scheme by the 22nd of the month after they were deducted.",
        (
            ("GOV.UK, Pay employers' PAYE: deadlines", "https://www.gov.uk/pay-paye-tax"),
            ("The Pensions Regulator, paying contributions on time", "https://www.thepensionsregulator.gov.uk/en/employers/managing-a-scheme/paying-contributions"),
        ),
    ),
    Check.PROHIBITED_SPEND: CheckInfo(
        "Spend that is not allowed",
        "A Direct Payment is spent only on what the rules and the agreement allow.",
        (("Social Care (Self-directed Support) (Scotland) Act 2013, s.16 (misuse of a direct payment)", "https://www.legislation.gov.uk/asp/2013/1"),),
    ),
    Check.SPEND_OUTSIDE_PLAN: CheckInfo(
        "Spend outside the support plan",
        "A Direct Payment secures the support in the plan and its agreed outcomes.",
        (("Statutory guidance 2014, s.11 (spend in line with the assessment, support plan and agreement)", GUIDANCE),),
    ),
    Check.PAY_BELOW_FLOOR: CheckInfo(
        "PA paid below the minimum",
        "Every hour a PA works is paid at least the Scottish adult social care minimum for the day it was worked "
        "and the National Minimum or Living Wage for the pay period.",
        (
            ("Scottish Government, adult social care pay uplift", "https://www.gov.scot/policies/social-care/"),
            ("GOV.UK, National Minimum Wage and National Living Wage rates", "https://www.gov.uk/national-minimum-wage-rates"),
        ),
    ),
    Check.FAMILY_PA_UNAPPROVED: CheckInfo(
        "Family member employed without the council's agreement",
        "A family member may be paid only if the person, the family member and the council all agree (regs 7 and 8); "
        "never a guardian or attorney with powers over the support (reg 9).",
        (("Self-directed Support (Direct Payments) (Scotland) Regulations 2014, regs 7 to 9", "https://www.legislation.gov.uk/ssi/2014/25/regulation/8"),),
    ),
    Check.PVG: CheckInfo(
        "PVG membership missing or expired",
        "Since 1 April 2025 a PA must be a member of the PVG scheme; membership lasts 5 years and is renewed.",
        (("Disclosure (Scotland) Act 2020; mygov.scot, PVG scheme", "https://www.mygov.scot/pvg-scheme"),),
    ),
    Check.RIGHT_TO_WORK: CheckInfo(
        "Right to work not checked or expired",
        "An employer checks a PA's right to work before they start, and again before a time-limited right ends.",
        (("GOV.UK, Check your employee's right to work", "https://www.gov.uk/check-job-applicant-right-to-work"),),
    ),
    Check.INSURANCE: CheckInfo(
        "Employer's liability insurance missing or expired",
        "An employer of a PA holds employer's liability insurance for as long as they employ anyone.",
        (("GOV.UK, Employers' liability insurance", "https://www.gov.uk/employers-liability-insurance"),),
    ),
    Check.DUPLICATE_PAYMENT: CheckInfo(
        "Possible duplicate payment",
        "The same amount paid to the same payee twice within the council's window is checked as a possible mistake.",
        (("Statutory guidance 2014, s.11 (proportionate financial monitoring)", GUIDANCE),),
        Threshold.DUPLICATE_WITHIN_DAYS,
    ),
    Check.CASH_OVER_LIMIT: CheckInfo(
        "Cash taken out above the council's limit",
        "Cash taken out of the account in any 4 weeks stays within the council's limit.",
        (("Statutory guidance 2014, s.11 (proportionate financial monitoring)", GUIDANCE),),
        Threshold.CASH_LIMIT_PENCE,
    ),
    Check.OVERSPENT: CheckInfo(
        "Budget overspent",
        "Spending since the agreement started stays within the budget for the same time, and the council's margin.",
        (("SDS Standard 13 (2025): the budget is sufficient and its use is reviewed", "https://socialworkscotland.org/"),),
        Threshold.OVERSPEND_PERCENT,
    ),
    Check.HOURS_ABOVE_AGREED: CheckInfo(
        "Hours paid far above the hours agreed",
        "The PA hours paid in a period stay near the hours the agreement's budget was built on.",
        (("Statutory guidance 2014, s.11 (spend in line with the assessment, support plan and agreement)", GUIDANCE),),
        Threshold.HOURS_ABOVE_AGREED_PERCENT,
    ),
    Check.REVIEW_OVERDUE: CheckInfo(
        "Review overdue",
        "The Direct Payment is reviewed with the person as often as the agreement says.",
        (("Statutory guidance 2014, s.11 (welfare monitoring: a conversation about whether needs are met)", GUIDANCE),),
    ),
    Check.RETURN_OVERDUE: CheckInfo(
        "Monitoring return not received",
        "Where the agreement asks for monitoring returns, each reaches the council within 4 weeks of its period's end.",
        (("Statutory guidance 2014, s.11 (proportionate financial monitoring)", GUIDANCE),),
    ),
}  # fmt: skip
