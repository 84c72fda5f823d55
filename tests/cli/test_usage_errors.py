"""Command-line usage errors: every mistyped command, flag or missing argument is one clear line
on stderr and exit code 2, never a traceback (typer raises its vendored click's exceptions)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer

from tripline.cli import main as cli_main
from tripline.cli.main import build_app, main


def _command_paths() -> list[tuple[str, ...]]:
    """Every leaf command of the real CLI, found by walking its click tree."""
    root = typer.main.get_command(build_app())
    paths: list[tuple[str, ...]] = []

    def walk(command: object, path: tuple[str, ...]) -> None:
        subcommands = getattr(command, "commands", None)
        if subcommands:
            for name, sub in sorted(subcommands.items()):
                walk(sub, (*path, name))
        else:
            paths.append(path)

    walk(root, ())
    return paths


COMMANDS = _command_paths()


def _run_main(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, argv: list[str]) -> int:
    monkeypatch.setenv("TRIPLINE_VAR_DIR", str(tmp_path))
    monkeypatch.setattr(sys, "argv", ["tripline", *argv])
    # main() configures process-wide logging onto the captured stderr; keep that out of later tests
    monkeypatch.setattr(cli_main, "configure_logging", lambda settings: None)
    with pytest.raises(SystemExit) as raised:
        main()
    code = raised.value.code
    return code if isinstance(code, int) else 1


def test_the_walk_finds_the_commands() -> None:
    # An independent floor: the README's tour names these commands.
    names = {" ".join(path) for path in COMMANDS}
    assert {"screen", "classify", "target", "serve", "lists show", "audit verify"} <= names


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p))
def test_unknown_flag_is_one_line_and_exit_2(
    path: tuple[str, ...], monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = _run_main(monkeypatch, tmp_path, [*path, "--no-such-flag-xyz"])
    err = capsys.readouterr().err
    assert code == 2
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("error:") and "--no-such-flag-xyz" in lines[0]


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["no-such-command"], "No such command"),
        (["lists", "no-such-subcommand"], "No such command"),
        (["screen"], "Missing argument"),
        (["target", "x.csv", "--top", "many"], "--top"),
        (["screen", "x", "--threshold", "2"], "threshold"),
    ],
)
def test_usage_mistakes(
    argv: list[str], needle: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = _run_main(monkeypatch, tmp_path, argv)
    err = capsys.readouterr().err
    assert code == 2
    assert needle in err and "Traceback" not in err


def test_installed_command_prints_no_traceback(tmp_path: Path) -> None:
    tripline = Path(sys.executable).parent / "tripline"  # the entry point installed beside this interpreter
    assert tripline.exists(), f"no {tripline}: run the tests from the virtualenv `make setup` creates"
    env = dict(os.environ, TRIPLINE_VAR_DIR=str(tmp_path))
    done = subprocess.run([str(tripline), "no-such-command"], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr and "No such command" in done.stderr
