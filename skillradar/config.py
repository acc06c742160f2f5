"""Settings read once at the top (environment, `.env`, flags) and passed down as plain values."""

from __future__ import annotations

from pathlib import Path

from platformdirs import user_cache_dir, user_data_dir
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from scrapers.http import DEFAULT_USER_AGENT, ClientSettings

APP = "skillradar"


class Settings(BaseSettings):
    """Every field can be set as `SKILLRADAR_<NAME>` in the environment or a `.env` file."""

    model_config = SettingsConfigDict(env_prefix="SKILLRADAR_", env_file=".env", extra="ignore")

    db: Path = Field(default_factory=lambda: Path(user_data_dir(APP)) / "skillradar.duckdb")
    sources: Path | None = None
    cache_dir: Path = Field(default_factory=lambda: Path(user_cache_dir(APP)) / "http")
    http_cache: bool = True
    contact: str | None = Field(default=None, description="an email or URL added to the User-Agent")
    timeout: float = 20.0
    max_bytes: int = 20 * 1024 * 1024
    per_host_concurrency: int = 2
    per_host_rate: float = 2.0
    attempts: int = 4
    retry_wait: float = 0.5
    respect_robots: bool = True

    def client_settings(self) -> ClientSettings:
        agent = DEFAULT_USER_AGENT if not self.contact else f"{DEFAULT_USER_AGENT[:-1]}; {self.contact})"
        return ClientSettings(
            user_agent=agent,
            timeout=self.timeout,
            max_bytes=self.max_bytes,
            per_host_concurrency=self.per_host_concurrency,
            per_host_rate=self.per_host_rate,
            attempts=self.attempts,
            wait_initial=self.retry_wait,
            cache_dir=self.cache_dir if self.http_cache else None,
            respect_robots=self.respect_robots,
        )
