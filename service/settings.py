"""Deployment settings, read from the environment (or a `.env` file) when the app is built."""

from decimal import Decimal
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from domain.indicators.warnings import FlowBreakThresholds
from domain.reconciliation.national_checks import NATIONAL_CHECKS
from domain.reconciliation.reconcile import DEFAULT_TOLERANCE_POINTS
from domain.workflow.completeness import DEFAULT_DUE_DAY


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HOPEN2_", env_file=".env", extra="ignore")

    database_url: str | None = Field(
        default=None,
        validation_alias="DATABASE_URL",
        description="PostgreSQL server to use; when unset an embedded PostgreSQL runs in data_dir.",
    )
    data_dir: Path = Field(
        default=Path("var"),
        description="Local folder for the embedded PostgreSQL, the generated secret and spooled uploads.",
    )
    environment: Literal["development", "production"] = "development"
    log_level: str = "INFO"
    host: str = "127.0.0.1"
    port: int = 8000
    run_migrations_on_start: bool = True
    pseudonymisation_secret: SecretStr | None = Field(
        default=None,
        description="Master secret of the pseudonymisation keys; generated into data_dir if unset.",
    )
    pseudonymisation_rotation_secrets: list[SecretStr] = Field(
        default_factory=list,
        description="Secrets added by key rotations, oldest first, after the first one (hopen2 pseudonyms rotate).",
    )
    # Identities (api.md): API keys for machines, OpenID Connect bearer tokens (e.g. Pro Santé
    # Connect) for people; a deployment enables either or both. OIDC is on when an issuer is set.
    api_keys_enabled: bool = True
    oidc_issuer: str | None = None
    oidc_audience: str | None = None
    oidc_jwks_url: str | None = None  # the issuer's JWKS document
    oidc_jwks_cache_seconds: int = Field(default=300, ge=0)
    oidc_role_claim: str = "hopen2_role"  # admin | ght_support | member | ars_auditor
    oidc_ght_claim: str = "hopen2_ght"
    oidc_finess_claim: str = "hopen2_finess_ej"  # a FINESS juridique or a list of them
    oidc_region_claim: str = "hopen2_region"
    # Limits and hardening: requests per minute per key or identity; bodies of other routes than
    # uploads and imports; origins allowed to call from a browser (none by default).
    rate_limit_uploads_per_minute: int = Field(default=30, ge=1)
    rate_limit_reads_per_minute: int = Field(default=1200, ge=1)
    max_request_body_bytes: int = Field(default=1024**2, ge=1024)
    cors_allowed_origins: list[str] = Field(default_factory=list)
    # Retention: submissions and their line-level records older than this are purged by
    # `hopen2 purge`; computed results and the audit trail are kept.
    retention_years: int = Field(default=6, ge=1)
    max_upload_bytes: int = 2 * 1024**3
    max_national_file_bytes: int = 64 * 1024**2  # a national file holds a row per establishment and month
    upload_batch_rows: int = 65_536
    max_listed_errors: int = 1_000
    database_pool_size: int = 10
    # "Ruptures de flux": a month whose rate falls by this many points, or whose numerator falls by
    # this share, against the mean of the previous months, gets a warning.
    flow_break_rate_drop_points: Decimal = Decimal(20)
    flow_break_numerator_drop_share: Decimal = Decimal("0.5")
    flow_break_previous_months: int = Field(default=3, ge=1, le=12)
    # Reconciliation (§7): a gap within this many rate points is consistent; per indicator overrides,
    # e.g. HOPEN2_RECONCILIATION_TOLERANCE_POINTS_BY_INDICATOR='{"P1.O1": 10}'.
    # Workflow: a month is due by the end of this day of the following month (Paris), per GHT if set,
    # e.g. HOPEN2_SUBMISSION_DUE_DAY_BY_GHT='{"GHT-IDF-01": 20}'.
    submission_due_day: int = Field(default=DEFAULT_DUE_DAY, ge=1, le=28)
    submission_due_day_by_ght: dict[str, int] = Field(default_factory=dict)
    reconciliation_tolerance_points: Decimal = Field(default=DEFAULT_TOLERANCE_POINTS, ge=0)
    reconciliation_tolerance_points_by_indicator: dict[str, Decimal] = Field(default_factory=dict)

    @field_validator("reconciliation_tolerance_points_by_indicator")
    @classmethod
    def _known_indicators(cls, tolerances: dict[str, Decimal]) -> dict[str, Decimal]:
        unknown = sorted(set(tolerances) - set(NATIONAL_CHECKS))
        if unknown:
            raise ValueError(f"unknown indicators: {', '.join(unknown)}")
        if any(points < 0 for points in tolerances.values()):
            raise ValueError("a tolerance cannot be negative")
        return tolerances

    @property
    def spool_dir(self) -> Path:
        """Where uploads wait while they are read: raw files, so local and cleaned at start."""
        return self.data_dir / "spool"

    @property
    def flow_break_thresholds(self) -> FlowBreakThresholds:
        return FlowBreakThresholds(
            self.flow_break_rate_drop_points, self.flow_break_numerator_drop_share, self.flow_break_previous_months
        )

    @field_validator("submission_due_day_by_ght")
    @classmethod
    def _days_of_every_month(cls, days: dict[str, int]) -> dict[str, int]:
        if any(not 1 <= day <= 28 for day in days.values()):
            raise ValueError("a due day is between 1 and 28, so that every month has it")
        return days

    def due_day(self, ght_id: str) -> int:
        return self.submission_due_day_by_ght.get(ght_id, self.submission_due_day)

    @property
    def reconciliation_tolerances(self) -> dict[str, Decimal]:
        return {
            indicator_id: self.reconciliation_tolerance_points_by_indicator.get(
                indicator_id, self.reconciliation_tolerance_points
            )
            for indicator_id in NATIONAL_CHECKS
        }

    @property
    def uses_embedded_database(self) -> bool:
        return self.database_url is None
