"""WCAG 2.1 AA contrast of the console palette, computed from the colours in tripline.css."""

from __future__ import annotations

import re

import pytest

from tripline.charts.svg import AXIS, BACKGROUND, FOREGROUND
from tripline.web.render import WEB_DIR

CSS = (WEB_DIR / "static" / "tripline.css").read_text(encoding="utf-8")
VARS = dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-fA-F]{6})\s*;", CSS))

# (foreground, background, minimum): 4.5 for text, 3.0 for borders and focus outlines
PAIRS = [
    ("fg", "bg", 4.5),
    ("fg", "surface", 4.5),
    ("muted", "bg", 4.5),
    ("muted", "surface", 4.5),
    ("accent", "bg", 4.5),
    ("accent", "surface", 4.5),
    ("accent-fg", "accent", 4.5),
    ("header-fg", "header-bg", 4.5),
    ("header-link", "header-bg", 4.5),
    ("alert-fg", "alert-bg", 4.5),
    ("ok-fg", "ok-bg", 4.5),
    ("warn-fg", "warn-bg", 4.5),
    ("info-fg", "info-bg", 4.5),
    ("border", "bg", 3.0),
    ("border", "surface", 3.0),
    ("focus", "bg", 3.0),
    ("focus", "header-bg", 3.0),
]


def luminance(hex_colour: str) -> float:
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_formula_on_known_values() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)  # the classic just-fails grey


@pytest.mark.parametrize(("fg", "bg", "minimum"), PAIRS)
def test_palette_pair(fg: str, bg: str, minimum: float) -> None:
    ratio = contrast(VARS[fg], VARS[bg])
    assert ratio >= minimum, f"--{fg} on --{bg}: {ratio:.2f} < {minimum}"


def test_spectrum_colours_on_white() -> None:
    assert contrast(AXIS, "#ffffff") >= 4.5
    assert contrast(FOREGROUND, "#ffffff") >= 4.5
    assert contrast(BACKGROUND, "#ffffff") >= 3.0  # a line, not text


def test_every_colour_in_the_stylesheet_is_a_checked_variable() -> None:
    rules = CSS.split(":root", 1)[1].split("}", 1)[1]
    literal = re.findall(r"#[0-9a-fA-F]{3,6}\b", rules)
    assert literal == [], f"colours outside the checked palette: {literal}"
    used = set(re.findall(r"var\(--([a-z-]+)\)", CSS))
    assert used <= set(VARS)
