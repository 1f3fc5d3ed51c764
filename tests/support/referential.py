"""A small referential shared by the integration and e2e tests (valid FINESS numbers)."""

from datetime import UTC, date, datetime

from domain.referential import Capabilities, Ght, LegalEntity, Site

GHT_A, GHT_B = "GHT-IDF-TEST", "GHT-PACA-TEST"
REGION_A, REGION_B = "11", "93"
ENTITY_A = "750712184"  # member of GHT A
SITE_A1, SITE_A2 = "750100018", "750100026"
ENTITY_A2 = "340780006"  # another member of GHT A
SITE_A2_1 = "340000017"
ENTITY_B = "130780018"  # member of GHT B, another region
SITE_B1 = "130000011"
SINCE = date(2024, 1, 1)
RECORDED = datetime(2024, 1, 1, tzinfo=UTC)  # before every test clock: as-of reads see it (D19)

GHTS = (
    Ght(GHT_A, "GHT test Île-de-France", REGION_A, ENTITY_A, SINCE, RECORDED),
    Ght(GHT_B, "GHT test PACA", REGION_B, ENTITY_B, SINCE, RECORDED),
)
ENTITIES = (
    LegalEntity(
        ENTITY_A, "CHU Test", GHT_A, "75", SINCE, Capabilities(True, True, True, True, False), recorded_at=RECORDED
    ),
    LegalEntity(ENTITY_A2, "CH Test", GHT_A, "34", SINCE, recorded_at=RECORDED),
    LegalEntity(ENTITY_B, "CH Sud", GHT_B, "13", SINCE, recorded_at=RECORDED),
)
SITES = (
    Site(SITE_A1, ENTITY_A, "Site principal", SINCE, recorded_at=RECORDED),
    Site(SITE_A2, ENTITY_A, "Site nord", SINCE, recorded_at=RECORDED),
    Site(SITE_A2_1, ENTITY_A2, "CH Test site", SINCE, recorded_at=RECORDED),
    Site(SITE_B1, ENTITY_B, "CH Sud site", SINCE, recorded_at=RECORDED),
)
