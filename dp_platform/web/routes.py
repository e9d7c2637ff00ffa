"""Every page controller, in the order the app registers them."""

from dp_platform.web.agreement import AgreementPages
from dp_platform.web.audit import AuditPages
from dp_platform.web.auth import WebAuthController
from dp_platform.web.bureau import BureauPages
from dp_platform.web.cards import CardPages
from dp_platform.web.client_accounts import ClientAccountPages
from dp_platform.web.exceptions import ExceptionPages
from dp_platform.web.home import HomeController
from dp_platform.web.monitoring import MonitoringPages
from dp_platform.web.payroll import PayrollPages
from dp_platform.web.people import MyPayPages, PeoplePages, WelcomePages
from dp_platform.web.portfolio import PortfolioPages
from dp_platform.web.recovery import RecoveryPages
from dp_platform.web.reports import ReportPages
from dp_platform.web.reviews import ReviewPages
from dp_platform.web.spend_rules import SpendRulePages
from dp_platform.web.statements import StatementPages

PAGES = [
    HomeController,
    WebAuthController,
    StatementPages,
    PayrollPages,
    AgreementPages,
    ReviewPages,
    AuditPages,
    BureauPages,
    ClientAccountPages,
    PortfolioPages,
    ExceptionPages,
    RecoveryPages,
    ReportPages,
    MonitoringPages,
    CardPages,
    SpendRulePages,
    PeoplePages,
    WelcomePages,
    MyPayPages,
]
