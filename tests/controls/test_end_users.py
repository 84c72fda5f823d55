"""Catch-all end users from the watch lists through the screener.

The entities are four real rows of the bundled US Consolidated Screening List
(data/watchlists/us_csl/consolidated.csv, about 2022-05), with the programmes the CSL format gives
them (the source list first, then the row's programs): an Entity List entry, a Military End User
entry, an SDN entry under NPWMD (EO 13382) and an SDN entry under SDGT only."""

from __future__ import annotations

from tests.conftest import BUNDLED_DATA
from tripline.controls.catalogue import Catalogue
from tripline.controls.classify import Classifier
from tripline.controls.end_users import WatchListEndUsers, designation_of, load_designations
from tripline.controls.schema import GoodsQuery
from tripline.lists.model import ListedEntity
from tripline.screening.screener import Screener

ROWS = [
    ("el-1", "140 Repair Plant JSC", "Company", ["Entity List (EL) - Bureau of Industry and Security"]),
    (
        "meu-1",
        "AECC Aero Science & Technology Co. Ltd.",
        "Company",
        ["Military End User (MEU) List - Bureau of Industry and Security"],
    ),
    (
        "sdn-30722",
        "27TH SCIENTIFIC CENTER",
        "Organization",
        ["Specially Designated Nationals (SDN) - Treasury Department", "RUSSIA-EO14024", "NPWMD"],
    ),
    (
        "sdn-26095",
        "ABD AL-NASIR, Hajji",
        "Person",
        ["Specially Designated Nationals (SDN) - Treasury Department", "SDGT"],
    ),
]


def _entities() -> dict[str, ListedEntity]:
    return {
        eid: ListedEntity(eid, "us_csl", eid, schema, name, {"name": [name], "program": programs}, 1)
        for eid, name, schema, programs in ROWS
    }


def _screen() -> WatchListEndUsers:
    entities = _entities()
    screener = Screener(entities.values())
    return WatchListEndUsers(lambda: screener, lambda eid, _src: entities.get(eid))


def test_designations_by_programme() -> None:
    spec = load_designations()
    assert designation_of(spec, ROWS[0][3]) is not None
    npwmd = designation_of(spec, ROWS[2][3])
    assert npwmd is not None and npwmd.programme == "wmd"
    assert designation_of(spec, ROWS[3][3]) is None  # a terrorism designation is no export-control end user


def test_end_user_matched_on_the_lists_triggers_the_catch_all(catalogue: Catalogue) -> None:
    classifier = Classifier(catalogue, data_dir=BUNDLED_DATA, end_users=_screen())
    r = classifier.classify(GoodsQuery(description="steel bolts", end_user="140 Repair Plant"))
    assert r.verdict.catch_all
    assert any("744.11" in rule for rule in r.verdict.catch_all_rules)
    assert any("140 Repair Plant JSC" in reason and "score" in reason for reason in r.verdict.reasons)
    r = classifier.classify(GoodsQuery(description="steel bolts", end_user="27th Scientific Center"))
    assert r.verdict.catch_all and any("13382" in rule for rule in r.verdict.catch_all_rules)


def test_other_designations_and_unknown_parties_do_not(catalogue: Catalogue) -> None:
    classifier = Classifier(catalogue, data_dir=BUNDLED_DATA, end_users=_screen())
    for name in ("Hajji Abd al-Nasir", "Acme Garden Supplies Ltd"):
        r = classifier.classify(GoodsQuery(description="steel bolts", end_user=name))
        assert not r.verdict.catch_all, name
