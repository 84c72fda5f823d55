from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tripline.cargo.policy import DEFAULT_POLICY, DestinationKind, load_policy
from tripline.errors import ConfigError


def _raw() -> dict[str, Any]:
    raw: dict[str, Any] = yaml.safe_load(DEFAULT_POLICY.read_text(encoding="utf-8"))
    return raw


def test_bundled_policy_lists_sources_for_every_destination_and_hub() -> None:
    policy = load_policy()
    assert policy.thresholds.inspect >= policy.thresholds.review
    assert {d.country for d in policy.destinations if d.kind is DestinationKind.UN_ARMS_EMBARGO} >= {"KP", "IR"}
    assert all(d.source for d in policy.destinations) and all(h.source for h in policy.hubs)
    assert policy.destination("SY") is not None and policy.destination("FR") is None
    assert policy.hub("AEJEA") is not None


def test_negative_weight_is_refused_with_field_and_line(tmp_path: Path) -> None:
    raw = _raw()
    raw["weights"]["transshipment_hub"] = -5
    path = tmp_path / "p.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_policy(path)
    assert info.value.field == "weights.transshipment_hub"
    assert info.value.line is not None
    assert "transshipment_hub" in path.read_text().splitlines()[info.value.line - 1]


def test_review_above_inspect_is_refused(tmp_path: Path) -> None:
    raw = _raw()
    raw["thresholds"] = {"inspect": 10, "review": 20}
    path = tmp_path / "p.yaml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    with pytest.raises(ConfigError, match="review must not exceed"):
        load_policy(path)


def test_unknown_key_bad_yaml_and_bad_codes(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    raw = _raw()
    raw["weights"]["colour_of_ship"] = 3
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    with pytest.raises(ConfigError, match="Extra inputs"):
        load_policy(path)
    path.write_text("weights: [unclosed\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_policy(path)
    raw = _raw()
    raw["hubs"].append({"locode": "dubai", "source": "x" * 5})
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_policy(path)
    assert info.value.field is not None and info.value.field.startswith("hubs.")


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.floats(min_value=0, max_value=1000, allow_nan=False), st.floats(min_value=0, max_value=1000, allow_nan=False))
def test_any_sane_weights_load(tmp_path: Path, hub: float, first: float) -> None:
    raw = _raw()
    raw["weights"]["transshipment_hub"] = hub
    raw["weights"]["first_shipment"] = first
    path = tmp_path / "p.yaml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    policy = load_policy(path)
    assert policy.weights.transshipment_hub == pytest.approx(hub)
    assert policy.weights.first_shipment == pytest.approx(first)
