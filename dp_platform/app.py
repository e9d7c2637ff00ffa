"""The Litestar application factory."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from litestar import Litestar
from litestar.config.csrf import CSRFConfig
from litestar.contrib.jinja import JinjaTemplateEngine
from litestar.datastructures import State
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig
from sqlalchemy.ext.asyncio import async_sessionmaker

from dp_platform import parsing
from dp_platform.api.accounts import AccountController
from dp_platform.api.agreements import AgreementController, AgreementTemplateController
from dp_platform.api.api_keys import ApiKeyController
from dp_platform.api.audit import AuditController
from dp_platform.api.auth import AuthController
from dp_platform.api.bureau_runs import BureauRunController
from dp_platform.api.cards import CardController, StripeWebhookController
from dp_platform.api.client_accounts import (
    ClientAccountController,
    HeldByController,
    OrganisationClientAccountController,
)
from dp_platform.api.deps import DEPENDENCIES
from dp_platform.api.exceptions import AccountExceptionController, CouncilExceptionController
from dp_platform.api.health import HealthController
from dp_platform.api.ledger import LedgerController
from dp_platform.api.mandates import MandateController
from dp_platform.api.payroll import PayrollController
from dp_platform.api.people import InvitationController, MyPayController, PeopleController
from dp_platform.api.portfolio import PortfolioController
from dp_platform.api.reconciliation import ReconciliationController
from dp_platform.api.recovery import RecoveryController
from dp_platform.api.reports import ReportController
from dp_platform.api.request_body import StrictRequest
from dp_platform.api.request_query import refuse_control_characters
from dp_platform.api.reviews import ReviewController
from dp_platform.api.spending import SpendingController, SpendTaxonomyController
from dp_platform.api.statements import StatementController
from dp_platform.audit.enforcement import audit_tracking_middleware, require_audit_for_changes
from dp_platform.auth.browser import API_PREFIXES, CSRF_COOKIE, secure_cookies
from dp_platform.auth.middleware import authentication_middleware
from dp_platform.cards.gateway import StripeGateway
from dp_platform.db.connect import resolve_database
from dp_platform.db.engine import create_engine, create_sqlalchemy_plugin
from dp_platform.errors import EXCEPTION_HANDLERS, document_problems
from dp_platform.jobs.in_app import close_queue, open_queue, quiet_queue_logs
from dp_platform.jobs.queue import queue_app
from dp_platform.observability import configure_logging, request_id_middleware
from dp_platform.settings import Settings, get_settings
from dp_platform.web.formatting import FILTERS
from dp_platform.web.routes import PAGES

WEB = Path(__file__).parent / "web"


def _version() -> str:
    try:
        return version("dp-platform")
    except PackageNotFoundError:  # running from a checkout that was never installed
        return "0.0.0"


def _templates() -> TemplateConfig[JinjaTemplateEngine]:
    def add_filters(engine: JinjaTemplateEngine) -> None:
        engine.engine.filters.update(FILTERS)

    return TemplateConfig(directory=WEB / "templates", engine=JinjaTemplateEngine, engine_callback=add_filters)


def _csrf(settings: Settings) -> CSRFConfig:
    """Every page form carries a token; the API, which reads no cookie, needs none."""
    return CSRFConfig(
        secret=settings.jwt_secret,
        cookie_name=CSRF_COOKIE,
        cookie_httponly=True,
        cookie_secure=secure_cookies(settings),
        cookie_samesite="lax",
        exclude=[f"^{prefix}" for prefix in API_PREFIXES],
    )


class _SwaggerDocs(SwaggerRenderPlugin):
    """Opens with each section folded: Swagger UI 5.35 stops drawing the sections after the first when
    every operation of an API this size is listed open (seen on this API's 12 sections, no error logged)."""

    def render(self, request: Any, openapi_schema: dict[str, Any]) -> bytes:
        page = super().render(request, openapi_schema)
        return page.replace(b"deepLinking: true,", b"deepLinking: true,\n                  docExpansion: 'none',", 1)


def _docs() -> SwaggerRenderPlugin:
    """Swagger UI from the package's own copy, so /docs works without the internet."""
    return _SwaggerDocs(
        js_url="/static/swagger/swagger-ui-bundle.js",
        css_url="/static/swagger/swagger-ui.css",
        standalone_preset_js_url="/static/swagger/swagger-ui-standalone-preset.js",
        favicon='<link rel="icon" href="data:,">',
    )


def create_app(settings: Settings | None = None) -> Litestar:
    """Build the app; with no database URL configured this starts the embedded server first."""
    settings = resolve_database(settings or get_settings())
    configure_logging(settings)
    engine = create_engine(settings.database_url, pool_size=settings.db_pool_size)  # type: ignore[arg-type]
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    queue = None
    if settings.worker_in_app:
        quiet_queue_logs()
        replica = create_engine(settings.reports_database_url, pool_size=2) if settings.reports_database_url else None
        queue = queue_app(
            settings.database_url,  # type: ignore[arg-type]
            sessions,
            report_reads=async_sessionmaker(replica, expire_on_commit=False) if replica else None,
            bureau_batch=settings.bureau_batch_employers,
        )
    app = Litestar(
        route_handlers=[
            create_static_files_router(path="/static", directories=[WEB / "static"], include_in_schema=False),
            *PAGES,
            HealthController,
            AuthController,
            AccountController,
            AgreementTemplateController,
            AgreementController,
            SpendTaxonomyController,
            SpendingController,
            MandateController,
            AuditController,
            LedgerController,
            StatementController,
            ReconciliationController,
            PayrollController,
            BureauRunController,
            PeopleController,
            InvitationController,
            MyPayController,
            PortfolioController,
            CouncilExceptionController,
            AccountExceptionController,
            RecoveryController,
            ReportController,
            ReviewController,
            ApiKeyController,
            OrganisationClientAccountController,
            ClientAccountController,
            HeldByController,
            CardController,
            StripeWebhookController,
        ],
        plugins=[create_sqlalchemy_plugin(engine)],
        middleware=[authentication_middleware()],
        dependencies=DEPENDENCIES,
        before_request=refuse_control_characters,
        after_request=require_audit_for_changes,
        exception_handlers=EXCEPTION_HANDLERS,
        request_class=StrictRequest,
        openapi_config=OpenAPIConfig(
            title="dp-platform",
            version=_version(),
            description="Scottish Self-directed Support Option 1: agreements, ledgers, PA payroll, audit.",
            path="/docs",
            render_plugins=[_docs()],
        ),
        template_config=_templates(),
        csrf_config=_csrf(settings),
        logging_config=None,
        on_startup=[open_queue],
        on_shutdown=[close_queue, parsing.shut_down],
        state=State(
            {
                "settings": settings,
                "auth_sessions": sessions,
                "queue": queue,
                "stripe": StripeGateway(settings) if settings.stripe_secret_key else None,
            }
        ),
    )
    # Outside the router, so that unknown paths (404) and 405s also get a request id and a log line.
    app.asgi_handler = request_id_middleware(audit_tracking_middleware(app.asgi_handler))
    document_problems(app)
    return app
