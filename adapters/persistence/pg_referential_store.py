"""Referential persistence: append-only, effective-dated versions of GHTs, legal entities, sites."""

from collections.abc import Callable
from dataclasses import asdict, replace
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from sqlalchemy import text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.persistence.tables import GhtVersion, LegalEntityVersion, SiteVersion
from domain.referential import (
    Capabilities,
    CountingUnit,
    Eligibility,
    EntityScope,
    Ght,
    LegalEntity,
    MesMode,
    MssWeighting,
    Policies,
    Site,
)

# The version of `key` in force on day :day, as known at instant :as_of (decision D19).
_CURRENT = """
SELECT DISTINCT ON ({key}) * FROM {table}
WHERE valid_from <= :day AND recorded_at <= :as_of {where}
ORDER BY {key}, valid_from DESC, recorded_at DESC
"""


_END_OF_TIME = datetime.max.replace(tzinfo=UTC)
_T = TypeVar("_T")


class PgReferentialStore:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def put_ght(self, ght: Ght) -> Ght:
        row = {
            "ght_id": ght.ght_id,
            "valid_from": ght.valid_from,
            "name": ght.name,
            "region": ght.region,
            "support_finess_ej": ght.support_finess_ej,
            "recorded_at": ght.recorded_at,
        }
        if not await self._unchanged("ght_version", "ght_id", ght, _ght):
            await self._insert(GhtVersion, row)
        return _required(await self.ght(ght.ght_id))

    async def put_legal_entity(self, entity: LegalEntity) -> LegalEntity:
        policies = asdict(entity.policies)
        row = {
            "finess_ej": entity.finess_ej,
            "valid_from": entity.valid_from,
            "name": entity.name,
            "ght_id": entity.ght_id,
            "department": entity.department,
            "active": entity.active,
            **asdict(entity.capabilities),
            "had_no_ods_attestation": entity.had_no_ods_attestation,
            "candidate_indicators": list(entity.candidate_indicators),
            "sunes_achieved": sorted(entity.sunes_achieved),
            "policies": {**policies, "unit_override": dict(entity.policies.unit_override)},
            "recorded_at": entity.recorded_at,
        }
        if not await self._unchanged("legal_entity_version", "finess_ej", entity, _legal_entity):
            await self._insert(LegalEntityVersion, row)
        return _required(await self.legal_entity(entity.finess_ej))

    async def put_site(self, site: Site) -> Site:
        row = {
            "finess_et": site.finess_et,
            "valid_from": site.valid_from,
            "finess_ej": site.finess_ej,
            "name": site.name,
            "active": site.active,
            "recorded_at": site.recorded_at,
        }
        if not await self._unchanged("site_version", "finess_et", site, _site):
            await self._insert(SiteVersion, row)
        return _required(await self.site(site.finess_et))

    async def ght(self, ght_id: str, day: date | None = None, as_of: datetime | None = None) -> Ght | None:
        rows = await self._current("ght_version", "ght_id", "AND ght_id = :id", {"id": ght_id}, day, as_of)
        return _ght(rows[0]) if rows else None

    async def legal_entity(
        self, finess_ej: str, day: date | None = None, as_of: datetime | None = None
    ) -> LegalEntity | None:
        rows = await self._current(
            "legal_entity_version", "finess_ej", "AND finess_ej = :id", {"id": finess_ej}, day, as_of
        )
        return _legal_entity(rows[0]) if rows else None

    async def legal_entities_of(self, ght_id: str) -> list[LegalEntity]:
        rows = await self._current("legal_entity_version", "finess_ej", "", {}, None, None)
        return [_legal_entity(row) for row in rows if row["ght_id"] == ght_id and row["active"]]

    async def legal_entities_at(self, day: date, as_of: datetime) -> list[LegalEntity]:
        """Every entity's version in force on `day` as known at `as_of` (D19), inactive ones included."""
        rows = await self._current("legal_entity_version", "finess_ej", "", {}, day, as_of)
        return [_legal_entity(row) for row in rows]

    async def all_legal_entity_ids(self) -> list[str]:
        rows = await self._current("legal_entity_version", "finess_ej", "", {}, None, None)
        return [row["finess_ej"] for row in rows if row["active"]]

    async def site(self, finess_et: str) -> Site | None:
        rows = await self._current("site_version", "finess_et", "AND finess_et = :id", {"id": finess_et}, None, None)
        return _site(rows[0]) if rows else None

    async def sites_of(self, finess_ej: str, day: date | None = None, as_of: datetime | None = None) -> list[Site]:
        rows = await self._current("site_version", "finess_et", "", {}, day, as_of)
        return [_site(row) for row in rows if row["finess_ej"] == finess_ej and row["active"]]

    async def entity_scope(self, finess_ej: str) -> EntityScope | None:
        """Where the entity sits now: its GHT and that GHT's region (for access decisions)."""
        entity = await self.legal_entity(finess_ej)
        if entity is None:
            return None
        ght = await self.ght(entity.ght_id)
        return EntityScope(finess_ej, entity.ght_id, ght.region if ght else "")

    async def _unchanged(self, table: str, key: str, version: Any, build: Callable[[dict[str, Any]], Any]) -> bool:
        """Whether the same content is already recorded for this key and effective date: declaring
        the referential again then records no new version."""
        row = (
            (
                await self._connection.execute(
                    text(
                        f"SELECT * FROM {table} WHERE {key} = :key AND valid_from = :valid_from "
                        "ORDER BY recorded_at DESC LIMIT 1"
                    ),
                    {"key": getattr(version, key), "valid_from": version.valid_from},
                )
            )
            .mappings()
            .first()
        )
        return row is not None and replace(build(dict(row)), recorded_at=None) == replace(version, recorded_at=None)

    async def _insert(self, table: Any, row: dict[str, Any]) -> None:
        """`recorded_at` is the service clock's instant (as-of reads, D19); the database's own
        clock when none is given. A second change at the very same instant (a frozen clock, a
        replay) replaces the first."""
        values = {key: value for key, value in row.items() if not (key == "recorded_at" and value is None)}
        statement = insert(table.__table__).values(**values)
        primary_key = [column.name for column in table.__table__.primary_key.columns]
        await self._connection.execute(
            statement.on_conflict_do_update(
                index_elements=primary_key, set_={key: statement.excluded[key] for key in values}
            )
        )

    async def _current(
        self,
        table: str,
        key: str,
        where: str,
        params: dict[str, Any],
        day: date | None,
        as_of: datetime | None,
    ) -> list[dict[str, Any]]:
        query = text(_CURRENT.format(table=table, key=key, where=where))
        bound = {"day": day or date.max, "as_of": as_of or _END_OF_TIME, **params}
        result = await self._connection.execute(query, bound)
        return [dict(row) for row in result.mappings()]


def _required(value: _T | None) -> _T:
    assert value is not None, "a version just recorded must be readable"
    return value


def _ght(row: dict[str, Any]) -> Ght:
    return Ght(
        row["ght_id"], row["name"], row["region"], row["support_finess_ej"], row["valid_from"], row["recorded_at"]
    )


def _legal_entity(row: dict[str, Any]) -> LegalEntity:
    policies = row["policies"]
    return LegalEntity(
        finess_ej=row["finess_ej"],
        name=row["name"],
        ght_id=row["ght_id"],
        department=row["department"],
        valid_from=row["valid_from"],
        active=row["active"],
        recorded_at=row["recorded_at"],
        capabilities=Capabilities(
            row["has_surgery"], row["has_ace"], row["has_internal_lab"], row["has_imaging"], row["is_had"]
        ),
        policies=Policies(
            mes_mode=MesMode(policies["mes_mode"]),
            unit_override={key: CountingUnit(value) for key, value in policies["unit_override"].items()},
            eligibility=Eligibility(policies["eligibility"]),
            feeding_grace_months=policies["feeding_grace_months"],
            require_datamatrix=policies["require_datamatrix"],
            mss_weighting=MssWeighting(policies["mss_weighting"]),
        ),
        candidate_indicators=tuple(row["candidate_indicators"]),
        sunes_achieved=frozenset(row["sunes_achieved"]),
        had_no_ods_attestation=row["had_no_ods_attestation"],
    )


def _site(row: dict[str, Any]) -> Site:
    return Site(row["finess_et"], row["finess_ej"], row["name"], row["valid_from"], row["active"], row["recorded_at"])
