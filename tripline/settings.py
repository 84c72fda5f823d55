"""All configuration in one place.

Every setting is read from an environment variable prefixed ``TRIPLINE_`` (or a ``.env``
file); see ``docs/settings.md``. Nothing is read at import time: build one
:class:`Settings` and pass it down.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_DIR = PACKAGE_DIR.parent


class Settings(BaseSettings):
    """Tripline settings (environment variables ``TRIPLINE_*``)."""

    model_config = SettingsConfigDict(env_prefix="TRIPLINE_", env_file=".env", extra="ignore")

    var_dir: Path = Field(default=REPO_DIR / "var", description="Working directory for the database, keys and caches.")
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL. Default: SQLite (WAL) at VAR_DIR/tripline.db. "
        "PostgreSQL: postgresql+psycopg://user@127.0.0.1:5432/tripline",
    )
    data_dir: Path = Field(
        default=REPO_DIR / "data", description="Bundled data snapshot (lists, controls, reference, spectra)."
    )
    lists_sources: Path | None = Field(
        default=None,
        description="Extra watch-list registry (YAML shaped like tripline/lists/sources.yaml), e.g. a partner's lists.",
    )
    console_session_hours: int = Field(default=12, ge=1, le=720, description="Console sign-in lifetime (hours).")
    console_cookie_secure: bool = Field(
        default=True, description="Mark the console session cookie Secure (browsers still accept it on 127.0.0.1)."
    )
    console_authority: str = Field(
        default="local", description="Authority code of the first administrator created by `tripline bootstrap`."
    )
    console_max_upload_mb: int = Field(default=20, ge=1, le=1024, description="Largest manifest upload accepted (MB).")
    lists_url_overrides: dict[str, list[str]] = Field(
        default_factory=dict,
        description='Download addresses per list id for `lists update` (JSON: {"un_sc": ["https://..."]}), '
        "replacing the urls of sources.yaml.",
    )
    lists_update_timeout: float = Field(default=120.0, description="Timeout in seconds of each `lists update` request.")
    lists_update_max_bytes: int = Field(
        default=1024 * 1024 * 1024,
        description="Largest file `lists update` downloads (bytes); larger ones are refused.",
    )
    exchange_node_id: str | None = Field(
        default=None, description="This node's exchange id (default: the id given to `tripline exchange node init`)."
    )
    exchange_key_path: Path | None = Field(
        default=None, description="Ed25519 private key of the node (PEM). Default: VAR_DIR/exchange/node.key."
    )
    exchange_public_url: str | None = Field(
        default=None, description="Base URL partners reach this node at (e.g. https://tripline.customs.example)."
    )
    exchange_timeout: float = Field(default=10.0, gt=0, description="Timeout in seconds of one delivery to a partner.")
    exchange_max_attempts: int = Field(default=8, ge=1, description="Delivery attempts before a message is failed.")
    exchange_backoff_seconds: float = Field(
        default=2.0, gt=0, description="First retry delay; doubles per attempt (capped at one hour)."
    )
    log_json: bool = Field(default=False, description="Log JSON lines instead of console output.")
    log_level: str = Field(default="WARNING", description="Minimum log level.")

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.var_dir / 'tripline.db').as_posix()}"

    def ensure_dirs(self) -> None:
        self.var_dir.mkdir(parents=True, exist_ok=True)
