"""The project's bones: the README opens with the two set-up commands, and they exist."""

from __future__ import annotations

import re

from tripline.settings import REPO_DIR

README = (REPO_DIR / "README.md").read_text(encoding="utf-8")
MAKEFILE = (REPO_DIR / "Makefile").read_text(encoding="utf-8")
CI = (REPO_DIR / ".ci" / "run").read_text(encoding="utf-8")


def _targets() -> dict[str, list[str]]:
    """Makefile target -> its recipe lines."""
    targets: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in MAKEFILE.splitlines():
        match = re.match(r"^([A-Za-z][\w.-]*)\s*:(?!=)", line)
        if match:
            current = targets.setdefault(match.group(1), [])
        elif line.startswith("\t") and current is not None:
            current.append(line.strip())
        elif line.strip() and not line.startswith("#"):
            current = None
    return targets


def test_readme_opens_with_the_two_commands() -> None:
    first_block = re.search(r"```[a-z]*\n(.*?)```", README, re.S)
    assert first_block is not None, "README has no code block"
    before = README[: first_block.start()]
    assert before.count("\n## ") == 0, "the two commands must come before the first section"
    commands = [line.split("#")[0].strip() for line in first_block.group(1).splitlines() if line.strip()]
    assert commands == ["make run", "make test"]


def test_makefile_has_the_targets_the_readme_names() -> None:
    targets = _targets()
    for name in ("setup", "run", "test", "lint", "typecheck"):
        assert name in targets, f"Makefile target {name!r} is missing"
    run = " ".join(targets["run"])
    # the main job loads the bundled data (bootstrap loads every list) and ends by serving the console
    assert "tripline bootstrap" in run or "tripline lists load --bundled" in run
    assert run.rstrip().split("$(BIN)/")[-1].startswith("tripline serve")
    test = MAKEFILE.split("\ntest:", 1)[1].splitlines()[0]
    assert "setup" in test and "lint" in test and "typecheck" in test
    assert any("pytest" in line for line in targets["test"])


def test_ci_runs_make_test_and_only_what_the_readme_says() -> None:
    lines = [ln.strip() for ln in CI.splitlines() if ln.strip() and not ln.strip().startswith("#")]
    assert lines[-1] == "make test"
    for package in re.findall(r"need\+=\(([\w.-]+)\)", CI):
        assert f"`{package}`" in README, f".ci/run installs {package}, which the README does not mention"
