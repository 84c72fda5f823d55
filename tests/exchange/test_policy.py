"""The decision function on the seed situations: each refusal names the agreement and the deciding policy."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from tripline.errors import ConfigError, FormatError
from tripline.exchange.agreements import Agreement, example_paths, load_agreement, parse_agreement
from tripline.exchange.documents import Document
from tripline.exchange.policy import PolicyEngine, ReleaseRequest

TODAY = date(2026, 11, 25)


def doc(**overrides: Any) -> Document:
    fields: dict[str, Any] = {
        "id": "jp-customs:1",
        "type": "scan_result",
        "originator": "jp-customs",
        "created_at": datetime(2026, 11, 25, tzinfo=UTC),
        "subject": "Yokohama scan",
        "purposes": ["customs_enforcement"],
        "legal_basis": "CMAA",
        "signature": "c2ln",
    }
    fields.update(overrides)
    return Document.model_validate(fields)


def engine(**changes: Any) -> PolicyEngine:
    base = load_agreement(next(p for p in example_paths() if p.name == "jp-us-cmaa.yaml"))
    return PolicyEngine([Agreement.model_validate({**base.model_dump(), **changes})])


def decide(
    eng: PolicyEngine,
    document: Document,
    *,
    holder: str = "jp-customs",
    recipient: str = "us-cbp",
    purpose: str = "customs_enforcement",
    consent: bool = False,
    owed: int = 0,
) -> Any:
    request = ReleaseRequest(
        document=document, holder=holder, recipient=recipient, purpose=purpose, today=TODAY, consent=consent
    )
    return eng.decide(request, lambda _a: owed)


def test_example_agreements_load_and_compile() -> None:
    agreements = [load_agreement(p) for p in example_paths()]
    assert {a.id for a in agreements} == {"jp-us-cmaa", "mtcr-poc", "jp-us-third-country-cargo"}
    text = PolicyEngine(agreements).policy_text
    assert '@id("jp-us-cmaa/purpose")' in text and '@id("default/no-agreement")' in text


def test_intelligence_use_is_denied_naming_agreement_and_policy() -> None:
    decision = decide(engine(), doc(purposes=["customs_enforcement", "intelligence"]), purpose="intelligence")
    assert not decision.allowed
    assert decision.reasons == ("the jp-us-cmaa agreement covers customs_enforcement, not intelligence use",)
    assert decision.policies == ("jp-us-cmaa/purpose",)


def test_equal_confidentiality() -> None:
    decision = decide(engine(), doc(classification="secret"))
    assert not decision.allowed and decision.policies == ("jp-us-cmaa/confidentiality/us-cbp",)


def test_reciprocity_limit() -> None:
    assert decide(engine(), doc(), owed=2).allowed
    decision = decide(engine(), doc(), owed=3)
    assert not decision.allowed and decision.policies == ("jp-us-cmaa/reciprocity",)
    assert "holds 3 more documents" in decision.reasons[0]


def test_validity_dates() -> None:
    decision = decide(engine(valid_until=date(2026, 6, 30)), doc())
    assert not decision.allowed and decision.policies == ("jp-us-cmaa/validity",)


@pytest.mark.parametrize(
    ("mode", "consent", "allowed"),
    [
        ("forbidden", True, False),
        ("consent", False, False),
        ("consent", True, True),
        ("free", False, True),
    ],
)
def test_onward_release_modes(mode: str, consent: bool, allowed: bool) -> None:
    passed_on = doc(originator="fr-douane", caveats={"no_onward_release": False})
    decision = decide(engine(onward_release=mode), passed_on, consent=consent)
    assert decision.allowed is allowed, decision.to_dict()
    if not allowed:
        assert decision.policies == ("jp-us-cmaa/onward-release",)


def test_caveats_and_tlp_red() -> None:
    only_fr = decide(engine(), doc(caveats={"releasable_to": ["fr-douane"]}))
    assert not only_fr.allowed and "caveat/releasable-to" in only_fr.policies
    red = decide(engine(), doc(tlp="red"))
    assert not red.allowed and red.policies == ("tlp/red",)
    assert decide(engine(), doc(tlp="red", caveats={"releasable_to": ["us-cbp"]})).allowed


def test_no_agreement_is_a_reasoned_refusal() -> None:
    decision = decide(engine(), doc(), recipient="br-rfb")
    assert not decision.allowed and decision.policies == ("default/no-agreement",)
    assert "no sharing agreement between jp-customs and br-rfb" in decision.reasons[0]


def test_agreement_errors_name_line_and_field(tmp_path: Path) -> None:
    text = (example_paths()[0]).read_text().replace("valid_until: 2030-12-31", "valid_until: 2020-01-01")
    with pytest.raises(ConfigError) as err:
        parse_agreement(text, source="a.yaml")
    assert "valid_until is before valid_from" in err.value.reason
    broken = "id: x\nparties: [a\n"
    with pytest.raises(FormatError) as bad:
        parse_agreement(broken, source="b.yaml")
    assert bad.value.file == "b.yaml" and bad.value.line is not None


def test_an_agreement_that_gives_a_condition_twice_is_refused(tmp_path: Path) -> None:
    """Plain YAML keeps the last of two keys silently: a second ``purposes`` line would widen the
    purposes the partners agreed without a word. It is refused, naming the second line."""
    text = example_paths()[0].read_text()
    widened = text + "purposes: [customs_enforcement, intelligence]\n"
    assert yaml.safe_load(widened)["purposes"] == ["customs_enforcement", "intelligence"]
    with pytest.raises(FormatError) as bad:
        parse_agreement(widened, source="c.yaml")
    assert bad.value.file == "c.yaml" and bad.value.line == widened.count("\n")
    assert "'purposes' given twice" in bad.value.reason
