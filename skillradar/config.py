"""Settings read once at the top (environment, `.env`, flags) and passed down as plain values."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from platformdirs import user_cache_dir, user_data_dir
from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from scrapers.http import DEFAULT_USER_AGENT, ClientSettings

if TYPE_CHECKING:
    from extract.llm import LLMSettings

APP = "skillradar"
# The stage settings own their defaults; the flat, environment-facing `Settings` takes them from there.
_CLIENT = ClientSettings()


class Settings(BaseSettings):
    """Every field can be set as `SKILLRADAR_<NAME>` in the environment or a `.env` file."""

    model_config = SettingsConfigDict(env_prefix="SKILLRADAR_", env_file=".env", extra="ignore")

    db: Path = Field(default_factory=lambda: Path(user_data_dir(APP)) / "skillradar.duckdb")
    sources: Path | None = None
    cache_dir: Path = Field(default_factory=lambda: Path(user_cache_dir(APP)) / "http")
    http_cache: bool = True
    contact: str | None = Field(default=None, description="an email or URL added to the User-Agent")
    timeout: float = _CLIENT.timeout
    max_bytes: int = _CLIENT.max_bytes
    per_host_concurrency: int = _CLIENT.per_host_concurrency
    per_host_rate: float = _CLIENT.per_host_rate
    attempts: int = _CLIENT.attempts
    retry_wait: float = _CLIENT.wait_initial
    board_deadline: float = _CLIENT.board_deadline
    respect_robots: bool = _CLIENT.respect_robots
    backend: str = "rules"
    # Literal here so that reading the settings does not import the LLM stack; a test keeps them equal
    # to LLMSettings' own defaults.
    llm_model: str = "openai/gpt-4o-mini"
    llm_base_url: str | None = None
    llm_api_key: SecretStr | None = None
    llm_concurrency: int = 4
    llm_max_cost_usd: float = 1.0
    llm_cache_dir: Path = Field(default_factory=lambda: Path(user_cache_dir(APP)) / "llm")

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
            board_deadline=self.board_deadline,
            cache_dir=self.cache_dir if self.http_cache else None,
            respect_robots=self.respect_robots,
        )

    def llm_settings(self, *, hybrid: bool = False) -> LLMSettings:
        """LLM backend settings; the API key stays a secret until this point and is never logged."""
        from extract.llm import LLMSettings

        return LLMSettings(
            model=self.llm_model,
            base_url=self.llm_base_url,
            api_key=self.llm_api_key.get_secret_value() if self.llm_api_key else None,
            concurrency=self.llm_concurrency,
            cost_ceiling_usd=self.llm_max_cost_usd,
            cache_dir=self.llm_cache_dir,
            hybrid=hybrid,
        )
