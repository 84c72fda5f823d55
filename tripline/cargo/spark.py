"""What the Spark engine's driver shares: the run it reports, the capabilities it ships, checks.

The job itself is :mod:`tripline.cargo.spark_pass` (one Arrow pass per partition in the
executors, the rules across rows and the ranking in the JVM, Spark's writer for the queue).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from tripline.cargo.adapters import ControlsGoods, ScreeningParties
from tripline.cargo.flat import COLUMNS, REQUIRED
from tripline.cargo.ports import GoodsClassifier, PartyScreener
from tripline.cargo.scoring import Action, Reason, Scored
from tripline.cargo.validate import RowError
from tripline.errors import FormatError, InputError

KEEP_ERRORS = 1000  # rejected rows the run lists (all are in the side output)


def _parquet_value(value: Any) -> Any:
    if isinstance(value, list):
        return ["" if v is None else v if isinstance(v, str) else str(v) for v in value]
    return value if value is None or isinstance(value, str) else str(value)


def _scored(row: Any) -> Scored:
    rank, bl, containers, score, action, reasons = row
    return Scored(
        bl,
        tuple(containers),
        score,
        Action(action),
        tuple(Reason(i, p, d, s or "") for i, p, d, s in reasons),
        rank=rank,
    )


@dataclass
class SparkTargetRun:
    """What the driver keeps of a Spark run: counts, the first rejected rows, the top of the queue."""

    top: list[Scored]
    errors: list[RowError]
    shipments: int
    rejected: int
    seconds: float
    out: str | None


def real_capabilities(parties: PartyScreener, goods: GoodsClassifier) -> tuple[Any, Any, float]:
    """The screener and classifier behind the runtime's matchers, as the executors receive them.

    The classifier travels built (its catalogue indexed, its ranker prepared): an executor
    unpickles it after the digest check instead of rebuilding it. Its catch-all end-user screen
    stays behind (it reads the database; cargo's goods queries name no end user)."""
    if not isinstance(parties, ScreeningParties) or not isinstance(goods, ControlsGoods):
        raise InputError("the Spark engine runs on the real screener and classifier only", field="engine")
    shipped = copy.copy(goods.classifier)
    shipped.end_users = None
    return parties.screener, shipped, parties.threshold


def rejected_location(out: str) -> str:
    return out.rstrip("/") + ".rejected"


def _check_columns(source: str, columns: list[str], line: int | None) -> None:
    missing = sorted(REQUIRED - set(columns))
    if missing:
        raise FormatError(f"missing column(s): {', '.join(missing)}", file=source, line=line, field=missing[0])
    if line is not None:
        unknown = [c for c in columns if c not in COLUMNS]
        if unknown:
            raise FormatError(f"unknown column {unknown[0]!r}", file=source, line=line, field=unknown[0])
