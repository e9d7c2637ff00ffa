from pathlib import Path

import pytest

from dp_platform.settings import ConfigurationError, load_settings

pytestmark = pytest.mark.unit


def test_defaults_use_the_embedded_database_under_the_users_data_folder():
    settings = load_settings({"HOME": "/home/morag"})
    assert settings.database_url is None
    assert settings.data_dir == Path("/home/morag/.local/share/dp-platform")
    assert settings.environment == "development"
    assert (settings.host, settings.port) == ("127.0.0.1", 8000)


def test_xdg_data_home_and_dp_data_dir_move_the_data_folder():
    assert load_settings({"XDG_DATA_HOME": "/data"}).data_dir == Path("/data/dp-platform")
    assert load_settings({"XDG_DATA_HOME": "/data", "DP_DATA_DIR": "/srv/dp"}).data_dir == Path("/srv/dp")


@pytest.mark.parametrize(
    "raw",
    ["postgresql://u:p@db:5432/dp", "postgres://u:p@db:5432/dp", "postgresql+asyncpg://u:p@db:5432/dp"],
)
def test_any_postgres_url_is_normalised_for_asyncpg(raw):
    assert load_settings({"DP_DATABASE_URL": raw}).database_url == "postgresql+asyncpg://u:p@db:5432/dp"


def test_a_unix_socket_url_is_accepted():
    url = load_settings({"DP_DATABASE_URL": "postgresql://postgres@/dp?host=/run/postgresql"}).database_url
    assert url == "postgresql+asyncpg://postgres@/dp?host=/run/postgresql"


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("not a url", "is not a valid database URL"),
        ("mysql://root@db/dp", "must be a PostgreSQL URL"),
        ("postgresql://u:secret@db:5432", "names no database"),
        ("postgresql:///dp", "names no host"),
    ],
)
def test_a_malformed_database_url_is_one_sentence_naming_the_variable(raw, fragment):
    with pytest.raises(ConfigurationError) as caught:
        load_settings({"DP_DATABASE_URL": raw})
    message = str(caught.value)
    assert message.startswith("DP_DATABASE_URL ")
    assert fragment in message
    assert "\n" not in message
    assert "secret" not in message


@pytest.mark.parametrize(
    ("environ", "fragment"),
    [
        ({"DP_PORT": "eighty"}, "DP_PORT must be a whole number"),
        ({"DP_PORT": "70000"}, "DP_PORT must be between 0 and 65535"),
        ({"DP_ENV": "staging"}, "DP_ENV must be one of development, production"),
        ({"DP_LOG_FORMAT": "xml"}, "DP_LOG_FORMAT must be one of json, console"),
        ({"DP_JWT_SECRET": "short"}, "DP_JWT_SECRET must be at least 32 characters"),
        (
            {"DP_DATABASE_URL": "postgresql://db/dp", "DP_REPORTS_DATABASE_URL": "mysql://r/dp"},
            "DP_REPORTS_DATABASE_URL",
        ),
        ({"DP_REPORTS_DATABASE_URL": "postgresql://replica/dp"}, "names a replica of DP_DATABASE_URL's server"),
    ],
)
def test_bad_values_name_their_variable(environ, fragment):
    with pytest.raises(ConfigurationError, match=fragment):
        load_settings(environ)


def test_production_has_no_default_secret_and_no_embedded_database():
    with pytest.raises(ConfigurationError, match="DP_JWT_SECRET must be set"):
        load_settings({"DP_ENV": "production", "DP_DATABASE_URL": "postgresql://db/dp"})
    with pytest.raises(ConfigurationError, match="DP_DATABASE_URL must be set"):
        load_settings({"DP_ENV": "production", "DP_JWT_SECRET": "x" * 40})
    settings = load_settings(
        {"DP_ENV": "production", "DP_JWT_SECRET": "x" * 40, "DP_DATABASE_URL": "postgresql://db/dp"}
    )
    assert settings.jwt_secret == "x" * 40
    assert settings.log_format == "json"


def test_loading_reads_only_the_mapping_it_is_given(monkeypatch):
    monkeypatch.setenv("DP_DATABASE_URL", "postgresql://elsewhere/dp")
    assert load_settings({}).database_url is None


def test_stripe_settings_come_together_or_not_at_all():
    from dp_platform.settings import ConfigurationError, load_settings

    assert load_settings({}).stripe_secret_key is None
    configured = load_settings(
        {
            "DP_STRIPE_SECRET_KEY": "sk_test_x",
            "DP_STRIPE_WEBHOOK_SECRET": "whsec_x",
            "DP_STRIPE_WEBHOOK_TOLERANCE": "60",
        }
    )
    assert (configured.stripe_secret_key, configured.stripe_webhook_secret) == ("sk_test_x", "whsec_x")
    assert configured.stripe_webhook_tolerance_seconds == 60
    with pytest.raises(ConfigurationError, match="DP_STRIPE_WEBHOOK_SECRET"):
        load_settings({"DP_STRIPE_SECRET_KEY": "sk_test_x"})
    with pytest.raises(ConfigurationError, match="DP_STRIPE_API_BASE"):
        load_settings({"DP_STRIPE_API_BASE": "localhost:8420"})


def test_a_reports_replica_is_read_as_the_primary_is():
    settings = load_settings(
        {"DP_DATABASE_URL": "postgresql://db/dp", "DP_REPORTS_DATABASE_URL": "postgres://replica:5433/dp"}
    )
    assert settings.reports_database_url == "postgresql+asyncpg://replica:5433/dp"
    assert load_settings({"DP_DATABASE_URL": "postgresql://db/dp"}).reports_database_url is None
