"""The load progress bar appears only once a load has run for more than a second."""

from __future__ import annotations

import io

from rich.console import Console

from tripline.cli.lists import ProgressBar
from tripline.lists.loader import ProgressEvent, Stage


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _console() -> tuple[Console, io.StringIO]:
    out = io.StringIO()
    return Console(file=out, force_terminal=True, width=100), out


def test_no_bar_for_a_load_under_a_second() -> None:
    console, out = _console()
    clock = Clock()
    bar = ProgressBar(console, clock=clock)
    for done in (0, 500, 1000):
        bar(ProgressEvent("un_sc", Stage.PARSE, done, 1003))
        clock.now += 0.3
    bar(ProgressEvent("un_sc", Stage.DONE, 1003, 1003))
    assert not bar.shown
    bar.close()
    assert out.getvalue() == ""


def test_bar_appears_after_a_second_and_shows_the_list() -> None:
    console, out = _console()
    clock = Clock()
    bar = ProgressBar(console, clock=clock)
    bar(ProgressEvent("us_ofac_sdn", Stage.HASH, 0, None))
    clock.now += 1.5
    bar(ProgressEvent("us_ofac_sdn", Stage.PARSE, 5000, None))
    assert bar.shown
    bar(ProgressEvent("us_ofac_sdn", Stage.DONE, 15443, 15443))
    bar.close()
    assert "us_ofac_sdn" in out.getvalue() and "15443/15443" in out.getvalue()


def test_quiet_never_shows_a_bar() -> None:
    console, out = _console()
    clock = Clock()
    bar = ProgressBar(console, enabled=False, clock=clock)
    bar(ProgressEvent("un_sc", Stage.HASH, 0, None))
    clock.now += 30
    bar(ProgressEvent("un_sc", Stage.PARSE, 500, None))
    assert not bar.shown
    bar.close()
    assert out.getvalue() == ""
