"""The capabilities targeting runs on, bundled, and the file of portal scans beside a manifest."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from tripline.cargo.ports import GoodsClassifier, PartyScreener, RadiationFinding, RadiationResults


@dataclass(frozen=True)
class Services:
    screener: PartyScreener
    classifier: GoodsClassifier
    radiation: RadiationResults


class FindingsByContainer:
    """Radiation results already adjudicated, looked up by container number."""

    def __init__(self, findings: Mapping[str, RadiationFinding]) -> None:
        self.findings = dict(findings)

    def finding(self, container: str) -> RadiationFinding | None:
        return self.findings.get(container)


def scans_path(manifest: Path) -> Path:
    """Where the portal scans of a manifest live: ``FILE.scans.jsonl`` beside it."""
    return manifest.with_name(manifest.name + ".scans.jsonl")


def planted_path(manifest: Path) -> Path:
    return manifest.with_name(manifest.name + ".planted.json")
