"""Starting the embedded server and reaching servers, with the failures a person meets."""

from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from dp_platform.db.connect import check_reachable, resolve_database
from dp_platform.db.embedded import start_embedded
from dp_platform.settings import ConfigurationError, Settings

pytestmark = pytest.mark.integration


async def test_the_embedded_server_starts_in_the_data_folder_and_creates_its_database(tmp_path: Path):
    settings = resolve_database(Settings(data_dir=tmp_path / "data"))
    assert settings.embedded_database
    url = make_url(settings.database_url)
    assert url.drivername == "postgresql+asyncpg"
    assert url.database == "dp_platform"
    assert (tmp_path / "data" / "postgres" / "PG_VERSION").exists()
    assert (await check_reachable(settings.database_url)).startswith("PostgreSQL ")
    again = start_embedded(tmp_path / "data")
    assert again == settings.database_url


def test_a_data_folder_that_cannot_be_written_is_one_sentence(tmp_path: Path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(ConfigurationError) as caught:
        start_embedded(blocker / "data")
    message = str(caught.value)
    assert message.startswith(f"The data folder {blocker / 'data'} is not writable")
    assert "DP_DATA_DIR" in message
    assert "\n" not in message


@pytest.mark.parametrize(
    ("url", "fragment"),
    [
        (
            "postgresql+asyncpg://postgres@127.0.0.1:1/dp",
            "Cannot reach the PostgreSQL server at 127.0.0.1:1 (connection refused)",
        ),
        ("postgresql+asyncpg://postgres@no-such-host.invalid:5432/dp", "cannot be resolved"),
    ],
)
async def test_an_unreachable_server_is_one_sentence(url: str, fragment: str):
    with pytest.raises(ConfigurationError) as caught:
        await check_reachable(url)
    assert fragment in str(caught.value)
    assert "\n" not in str(caught.value)


async def test_a_missing_database_is_named(server_url: str):
    missing = make_url(server_url).set(database="dp_no_such_database").render_as_string(hide_password=False)
    with pytest.raises(ConfigurationError, match="The database 'dp_no_such_database' does not exist"):
        await check_reachable(missing)
