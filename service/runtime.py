"""What the running app holds: settings, the database engine, the pseudonymisation secret, a clock."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.persistence.pg_submission_store import PgSubmissionStore
from adapters.uploads.hmac_pseudonymiser import HmacPseudonymiser, derive_ght_key
from service.result_refresh import ResultRefresher
from service.settings import Settings


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(slots=True)
class Runtime:
    settings: Settings
    engine: AsyncEngine
    master_secret: bytes
    clock: Callable[[], datetime] = utc_now
    _pseudonymisers: dict[str, HmacPseudonymiser] = field(default_factory=dict)
    refresher: ResultRefresher = field(init=False)

    def __post_init__(self) -> None:
        self.refresher = ResultRefresher(self.engine, self.clock)

    def submission_store(self) -> PgSubmissionStore:
        return PgSubmissionStore(self.engine, self.clock, max_listed_errors=self.settings.max_listed_errors,
                                 batch_rows=self.settings.upload_batch_rows)

    def pseudonymiser(self, ght_id: str) -> HmacPseudonymiser:
        """One per GHT, kept so that its cache of recent pseudonyms serves later uploads too."""
        if ght_id not in self._pseudonymisers:
            self._pseudonymisers[ght_id] = HmacPseudonymiser(derive_ght_key(self.master_secret, ght_id))
        return self._pseudonymisers[ght_id]
