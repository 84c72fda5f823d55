"""A ``Policy`` flag of :func:`tripline.radiation.identify.identify` judged on the real dev spectra of
tests/data/radiation_real.csv, on and off: what it must leave alone (each spectrum as filed, with its paired
background when the file has one, and alone: :func:`verdicts_on_off` over :func:`dev_case_ids`) and what it is for
(a dev ``--masked`` cell, a real source injected into a real host: :func:`masked_on_off`)."""

from __future__ import annotations

from tests.realdata import RealCase, load_cases, masked_host, need_shared_data
from tripline.radiation.identify import Policy, identify
from tripline.radiation.model import Verdict
from tripline.radiation.result import Identification

DEV = {c.case_id: c for c in load_cases() if c.split == "dev"}


def dev_case_ids(groups: tuple[str, ...] = ("NORM", "background")) -> list[str]:
    """The real dev cases of ``groups`` (all groups when empty), sorted (pytest ids)."""
    return sorted(c.case_id for c in DEV.values() if not groups or c.group in groups)


def verdicts_on_off(case: RealCase, on: Policy, off: Policy) -> list[tuple[Verdict, Verdict]]:
    """(verdict with ``on``, verdict with ``off``) for the case's first spectrum as filed and alone (once when the
    file has no background); the community rows need ../shared/data."""
    if case.store == "shared":
        need_shared_data()
    fg, bg = case.spectra()[0]
    return [
        (identify(fg, judged, policy=on).verdict, identify(fg, judged, policy=off).verdict)
        for judged in {id(x): x for x in (bg, None)}.values()
    ]


def masked_on_off(
    host: str, source: str, fraction: float, filed: bool, on: Policy, off: Policy
) -> tuple[Identification, Identification]:
    """identify with ``on`` and with ``off`` on a dev ``--masked`` cell: the real source ``source`` injected into the
    real host ``host`` at ``fraction`` of its counts (:func:`tests.realdata.masked_host`), judged with the host's
    background (``filed``) or alone."""
    need_shared_data()
    mixed, background = masked_host(DEV[host], DEV[source], fraction)
    judged = background if filed else None
    return identify(mixed, judged, policy=on), identify(mixed, judged, policy=off)
