"""Settings from the environment and an optional `.env` file (the environment wins)."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_DB = Path("data/studybot.sqlite3")


class ConfigError(ValueError):
    """A setting has a value the bot cannot use; the message names the variable."""


@dataclass(frozen=True)
class Settings:
    discord_token: str | None = None
    # An SQLite file, or (a str) a `postgresql://user@host:port/db` URL for the shared store.
    db_path: Path | str = DEFAULT_DB
    dev_guild: int | None = None
    default_timezone: str = "UTC"
    log_level: str = "INFO"
    api_base: str | None = None
    gateway_url: str | None = None
    workers: int | None = None  # None: one worker per core
    check_timeout: float = 2.0
    data_dir: Path | None = None  # prompts, resources, curricula; None: the checkout's data/
    # `studybot run --shard-count N --shard-ids 0,1`; None: one process, Discord's recommended count.
    shard_count: int | None = None
    shard_ids: tuple[int, ...] | None = None


def read_dotenv(path: Path) -> dict[str, str]:
    """Parse KEY=VALUE lines (optional `export`, quotes, `#` comments); a missing file is empty."""
    values: dict[str, str] = {}
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return values
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        line = line.removeprefix("export ").strip()
        key, sep, value = line.partition("=")
        key = key.strip()
        if not sep or not key.replace("_", "").isalnum():
            raise ConfigError(f"{path}:{number}: expected KEY=VALUE, got {raw.strip()!r}")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        elif " #" in value:
            value = value.split(" #", 1)[0].rstrip()
        values[key] = value
    return values


def _int(name: str, value: str, *, minimum: int) -> int:
    try:
        number = int(value)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, got {value!r}") from None
    if number < minimum:
        raise ConfigError(f"{name} must be at least {minimum}, got {number}")
    return number


def _url(name: str, value: str, schemes: tuple[str, ...]) -> str:
    if not value.startswith(tuple(f"{scheme}://" for scheme in schemes)):
        raise ConfigError(f"{name} must start with {' or '.join(s + '://' for s in schemes)}, got {value!r}")
    return value.rstrip("/")


def _database(value: str | None) -> Path | str:
    """A URL stays a string (Path would fold its `//`); anything else is a file path."""
    if value is None:
        return DEFAULT_DB
    if value.startswith(("postgresql://", "postgres://")):
        return value
    if "://" in value:
        raise ConfigError(f"STUDYBOT_DB must be an SQLite file path or a postgresql:// URL, got {value!r}")
    return Path(value)


def load_settings(environ: Mapping[str, str] | None = None, env_file: Path | None = Path(".env")) -> Settings:
    """Build settings; raise ConfigError naming the first unusable variable."""
    merged: dict[str, str] = dict(read_dotenv(env_file)) if env_file else {}
    merged.update(os.environ if environ is None else environ)

    def get(name: str) -> str | None:
        value = merged.get(name, "").strip()
        return value or None

    timezone = get("STUDYBOT_TIMEZONE") or "UTC"
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"STUDYBOT_TIMEZONE is not an IANA time zone: {timezone!r}") from None

    log_level = (get("STUDYBOT_LOG_LEVEL") or "INFO").upper()
    if not isinstance(logging.getLevelName(log_level), int):
        raise ConfigError(f"STUDYBOT_LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, got {log_level!r}")

    dev_guild = get("STUDYBOT_DEV_GUILD")
    api_base = get("DISCORD_API_BASE")
    gateway = get("DISCORD_GATEWAY_URL")
    workers = get("STUDYBOT_WORKERS")
    timeout = get("STUDYBOT_CHECK_TIMEOUT")
    data_dir = get("STUDYBOT_DATA_DIR")
    try:
        check_timeout = float(timeout) if timeout else 2.0
    except ValueError:
        raise ConfigError(f"STUDYBOT_CHECK_TIMEOUT must be a number of seconds, got {timeout!r}") from None
    if not 0.1 <= check_timeout <= 30:
        raise ConfigError("STUDYBOT_CHECK_TIMEOUT must be between 0.1 and 30 seconds")

    return Settings(
        discord_token=get("DISCORD_TOKEN"),
        db_path=_database(get("STUDYBOT_DB")),
        dev_guild=_int("STUDYBOT_DEV_GUILD", dev_guild, minimum=1) if dev_guild else None,
        default_timezone=timezone,
        log_level=log_level,
        api_base=_url("DISCORD_API_BASE", api_base, ("http", "https")) if api_base else None,
        gateway_url=_url("DISCORD_GATEWAY_URL", gateway, ("ws", "wss")) if gateway else None,
        workers=_int("STUDYBOT_WORKERS", workers, minimum=1) if workers else None,
        check_timeout=check_timeout,
        data_dir=Path(data_dir) if data_dir else None,
    )
