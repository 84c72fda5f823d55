"""What a new ``Policy`` flag of :func:`tripline.radiation.identify.identify` must leave alone, read on the real dev
spectra of tests/data/radiation_real.csv: each spectrum judged as filed (with its paired background, when the file has
one) and alone, with the flag on and off. The flag tests of tests/radiation parametrize over :func:`dev_case_ids` and
assert on :func:`verdicts_on_off`."""

from __future__ import annotations

from tests.realdata import RealCase, load_cases, need_shared_data
from tripline.radiation.identify import Policy, identify
from tripline.radiation.model import Verdict

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
