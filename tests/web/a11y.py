"""Accessibility checks run inside the real Chromium on the rendered page (WCAG 2.1 AA subset):

- labels: every form control a user fills has an accessible name (label, aria-label(ledby), title);
- headings: one ``h1``, no level skipped on the way down;
- contrast: every visible text run against the colour it is painted on (4.5:1, 3:1 for large text),
  computed from the browser's own computed styles, the background found by walking up the tree;
- keyboard: the first Tab stop is the skip link, and every Tab stop on the way shows a focus ring.

The formula is the one of ``tests/web/test_contrast.py`` (checked there on known values).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
CHECK_JS = (HERE / "a11y_check.js").read_text(encoding="utf-8")
FOCUS_JS = (HERE / "a11y_focus.js").read_text(encoding="utf-8")


def problems(page: Any, *, tabs: int = 8) -> list[str]:
    """Every accessibility problem found on the page as it is now (an empty list: none)."""
    found: list[str] = list(page.evaluate(CHECK_JS))
    # the next Tab starts from the top of the document (not from an autofocused field)
    page.evaluate(
        "() => { const r = document.documentElement; r.setAttribute('tabindex', '-1'); r.focus();"
        " r.removeAttribute('tabindex'); }"
    )
    for i in range(tabs):
        page.keyboard.press("Tab")
        stop = page.evaluate(FOCUS_JS)
        if stop is None:
            break
        if i == 0 and "skip" not in str(stop["cls"]):
            found.append(f"keyboard: the first Tab stop is {stop}, not the skip link")
        if not stop["ring"]:
            found.append(f"keyboard: no visible focus on {stop}")
    page.evaluate("document.activeElement && document.activeElement.blur()")  # screenshots without a ring
    return found


def assert_accessible(page: Any, name: str) -> None:
    found = problems(page)
    assert not found, f"{name}: " + "; ".join(found[:12])
