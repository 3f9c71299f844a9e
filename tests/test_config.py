from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings, read_dotenv


def test_defaults_without_environment() -> None:
    settings = load_settings({}, env_file=None)
    assert settings.discord_token is None
    assert settings.db_path == Path("data/studybot.sqlite3")
    assert settings.default_timezone == "UTC"


def test_dotenv_is_read_and_environment_wins(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text(
        '# comment\nexport DISCORD_TOKEN="abc.def"\nSTUDYBOT_TIMEZONE=Europe/Berlin # inline\n'
        "STUDYBOT_DEV_GUILD=123\n",
        encoding="utf-8",
    )
    settings = load_settings({"STUDYBOT_DEV_GUILD": "456"}, env_file=env_file)
    assert settings.discord_token == "abc.def"
    assert settings.default_timezone == "Europe/Berlin"
    assert settings.dev_guild == 456


def test_self_hosted_endpoints() -> None:
    settings = load_settings(
        {"DISCORD_API_BASE": "http://localhost:3001/api/v9/", "DISCORD_GATEWAY_URL": "ws://localhost:3002"},
        env_file=None,
    )
    assert settings.api_base == "http://localhost:3001/api/v9"
    assert settings.gateway_url == "ws://localhost:3002"


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"STUDYBOT_TIMEZONE": "Mars/Base"}, "STUDYBOT_TIMEZONE"),
        ({"STUDYBOT_DEV_GUILD": "abc"}, "STUDYBOT_DEV_GUILD"),
        ({"STUDYBOT_LOG_LEVEL": "LOUD"}, "STUDYBOT_LOG_LEVEL"),
        ({"DISCORD_API_BASE": "discord.com"}, "DISCORD_API_BASE"),
        ({"DISCORD_GATEWAY_URL": "https://x"}, "DISCORD_GATEWAY_URL"),
        ({"STUDYBOT_CHECK_TIMEOUT": "600"}, "STUDYBOT_CHECK_TIMEOUT"),
    ],
)
def test_bad_values_name_the_variable(environ: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_settings(environ, env_file=None)


def test_malformed_dotenv_line_names_the_line(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("GOOD=1\nthis is not a setting\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=":2:"):
        read_dotenv(env_file)


def test_a_postgresql_url_is_kept_whole_and_other_schemes_are_refused() -> None:
    url = "postgresql://studybot:pw@db.example:5432/studybot"
    assert load_settings({"STUDYBOT_DB": url}, env_file=None).db_path == url  # not Path-folded
    assert load_settings({"STUDYBOT_DB": "data/x.sqlite3"}, env_file=None).db_path == Path("data/x.sqlite3")
    with pytest.raises(ConfigError, match="STUDYBOT_DB"):
        load_settings({"STUDYBOT_DB": "mysql://db/x"}, env_file=None)
