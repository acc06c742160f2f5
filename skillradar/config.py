"""Settings read once at the top (environment, `.env`, flags) and passed down as plain values."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from platformdirs import user_cache_dir, user_data_dir
from pydantic import Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from scrapers.base import WebUrl
from scrapers.http import DEFAULT_USER_AGENT, ClientSettings

if TYPE_CHECKING:
    from extract.llm import LLMSettings

APP = "skillradar"
# The stage settings own their defaults; the flat, environment-facing `Settings` takes them from there.
_CLIENT = ClientSettings()


class SettingsError(ValueError):
    """A setting from the environment or `.env` that does not validate (a word where a number goes, a
    rate of zero or below)."""


class Settings(BaseSettings):
    """Every field can be set as `SKILLRADAR_<NAME>` in the environment or a `.env` file."""

    model_config = SettingsConfigDict(
        env_prefix="SKILLRADAR_", env_file=".env", extra="ignore", validate_assignment=True
    )

    db: Path = Field(default_factory=lambda: Path(user_data_dir(APP)) / "skillradar.duckdb")
    sources: Path | None = None
    cache_dir: Path = Field(default_factory=lambda: Path(user_cache_dir(APP)) / "http")
    http_cache: bool = True
    contact: str | None = Field(default=None, description="an email or URL added to the User-Agent")
    timeout: float = Field(default=_CLIENT.timeout, gt=0)
    max_bytes: int = Field(default=_CLIENT.max_bytes, gt=0)
    per_host_concurrency: int = Field(default=_CLIENT.per_host_concurrency, ge=1)
    per_host_rate: float = Field(default=_CLIENT.per_host_rate, gt=0)
    attempts: int = Field(default=_CLIENT.attempts, ge=1)
    retry_wait: float = Field(default=_CLIENT.wait_initial, ge=0)
    board_deadline: float = Field(default=_CLIENT.board_deadline, gt=0)
    respect_robots: bool = _CLIENT.respect_robots
    backend: str = "rules"
    # Literal here so that reading the settings does not import the LLM stack; a test keeps them equal
    # to LLMSettings' own defaults.
    llm_model: str = "openai/gpt-4o-mini"
    llm_base_url: WebUrl | None = None
    llm_api_key: SecretStr | None = None
    llm_concurrency: int = Field(default=4, ge=1)
    llm_max_cost_usd: float = Field(default=1.0, ge=0)
    llm_cache_dir: Path = Field(default_factory=lambda: Path(user_cache_dir(APP)) / "llm")

    @classmethod
    def load(cls) -> Settings:
        """The settings, or `SettingsError` naming each bad variable in one line (not pydantic's report)."""
        try:
            return cls()
        except ValidationError as exc:
            problems = []
            for error in exc.errors(include_url=False):
                name = f"SKILLRADAR_{'_'.join(map(str, error['loc'])).upper()}"
                shown = "" if "KEY" in name else f"={error.get('input')!r}"  # a secret is never echoed
                problems.append(f"{name}{shown}: {error['msg'].removeprefix('Value error, ')}")
            raise SettingsError("; ".join(problems)) from exc

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
