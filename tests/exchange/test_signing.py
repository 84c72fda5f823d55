"""Canonical JSON, Ed25519 signatures and documents: a changed byte is caught."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tripline.errors import ConflictError, FormatError, IntegrityError, TriplineError
from tripline.exchange.documents import Attachment, Document, parse_document, redact, sign_document
from tripline.signing import keys
from tripline.signing.canonical import canonical_bytes

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)


def signed_doc(key: keys.NodeKey) -> Document:
    return sign_document(
        Document(
            id="jp-customs:1",
            type="scan_result",  # type: ignore[arg-type]
            originator=key.node_id,  # type: ignore[arg-type]
            created_at=datetime(2026, 11, 25, 9, 0, tzinfo=UTC),
            subject="Yokohama scan",
            body="NORM in tiles",
            purposes=("customs_enforcement",),  # type: ignore[arg-type]
            legal_basis="CMAA Art. 4(3)(b)",  # type: ignore[arg-type]
            facts={"container": "MSCU1234565", "gross_cps": 4210},
            attachments=(Attachment.from_bytes("spectrum.spe", b"$SPEC_ID:\nYokohama\n"),),
        ),
        key,
    )


@settings(max_examples=80, deadline=None)
@given(value=json_values)
def test_canonical_is_stable_under_key_order(value: object) -> None:
    once = canonical_bytes(value)
    again = canonical_bytes(json.loads(once.decode("utf-8")))
    assert once == again


# RFC 8785 (JCS) test vectors. 3.2.3: keys sorted by UTF-16 code units, not code points
# (U+1F600 sorts before U+FB33); 3.2.2.2: string escaping and literals.
RFC8785_SORTING_INPUT = (
    '{"\\u20ac":"Euro Sign","\\r":"Carriage Return","\\ufb33":"Hebrew Letter Dalet With Dagesh",'
    '"1":"One","\\ud83d\\ude00":"Emoji: Grinning Face","\\u0080":"Control",'
    '"\\u00f6":"Latin Small Letter O With Diaeresis"}'
)
RFC8785_SORTED_VALUES = [
    "Carriage Return",
    "One",
    "Control",
    "Latin Small Letter O With Diaeresis",
    "Euro Sign",
    "Emoji: Grinning Face",
    "Hebrew Letter Dalet With Dagesh",
]
RFC8785_STRING_INPUT = (
    '{"string":"\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/","literals":[null,true,false]}'
)
RFC8785_STRING_OUTPUT = '{"literals":[null,true,false],"string":"\u20ac$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}'


def test_rfc8785_key_sorting_vector() -> None:
    out = canonical_bytes(json.loads(RFC8785_SORTING_INPUT)).decode("utf-8")
    positions = [out.index(json.dumps(v)) for v in RFC8785_SORTED_VALUES]
    assert positions == sorted(positions)
    assert out.startswith('{"\\r":"Carriage Return","1":"One"')


def test_rfc8785_string_vector() -> None:
    assert canonical_bytes(json.loads(RFC8785_STRING_INPUT)).decode("utf-8") == RFC8785_STRING_OUTPUT


def _utf16_units(text: str) -> list[int]:
    """UTF-16 code units computed by the surrogate-pair formula (independent of the codec)."""
    units: list[int] = []
    for ch in text:
        cp = ord(ch)
        if cp > 0xFFFF:
            cp -= 0x10000
            units += [0xD800 + (cp >> 10), 0xDC00 + (cp & 0x3FF)]
        else:
            units.append(cp)
    return units


@settings(max_examples=80, deadline=None)
@given(keys_=st.lists(st.text(min_size=1, max_size=4), min_size=1, max_size=8, unique=True))
def test_keys_come_out_in_utf16_order(keys_: list[str]) -> None:
    value = {k: i for i, k in enumerate(keys_)}
    decoded = json.loads(canonical_bytes(value).decode("utf-8"))
    assert list(decoded) == sorted(keys_, key=_utf16_units)


@pytest.mark.parametrize("value", [{"a": "\ud800"}, {"\udfff": 1}, ["ok", "x\udc00y"]])
def test_lone_surrogates_are_refused(value: object) -> None:
    with pytest.raises(FormatError, match="surrogate"):
        canonical_bytes(value)


@settings(max_examples=25, deadline=None)
@given(payload=st.dictionaries(st.text(min_size=1, max_size=8), json_values, min_size=1, max_size=5))
def test_sign_verify_round_trip(payload: dict[str, object]) -> None:
    key = keys.generate("n")
    payload.pop("signature", None)
    signed = key.sign(payload)
    keys.verify(key.public_b64, signed, what="payload")
    with pytest.raises(IntegrityError):
        keys.verify(keys.generate("n").public_b64, signed, what="payload")


def test_floats_are_refused() -> None:
    with pytest.raises(FormatError) as err:
        canonical_bytes({"dose": {"rate": 0.12}})
    assert err.value.field == "dose.rate"


@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_a_changed_byte_in_a_signed_document_is_caught(data: st.DataObject) -> None:
    key = keys.generate("jp-customs")
    original = signed_doc(key).payload()
    raw = bytearray(canonical_bytes(original))
    position = data.draw(st.integers(0, len(raw) - 1))
    replacement = data.draw(st.integers(0x20, 0x7E).filter(lambda b: b != raw[position]))
    raw[position] = replacement
    try:
        tampered = json.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        return  # not even JSON any more: refused at parsing
    if tampered == original:
        return  # same JSON value (cannot happen with canonical bytes, but would not be a change)
    with pytest.raises(TriplineError):  # IntegrityError, or FormatError when the signature itself is garbled
        if not isinstance(tampered, dict):
            raise FormatError("not an object")
        keys.verify(key.public_b64, tampered, what="document")


def test_only_the_originator_signs() -> None:
    key = keys.generate("us-cbp")
    doc = signed_doc(keys.generate("jp-customs"))
    with pytest.raises(FormatError):
        sign_document(doc.model_copy(update={"signature": None}), key)


def test_attachment_hash_must_match() -> None:
    good = Attachment.from_bytes("a.txt", b"hello")
    with pytest.raises(ValueError):
        Attachment(name="a.txt", sha256=good.sha256, size=5, content_b64="aGVsbG8h")


def test_information_paper_needs_a_summary() -> None:
    with pytest.raises(FormatError) as err:
        parse_document(
            {
                "id": "x",
                "type": "information_paper",
                "originator": "us-cbp",
                "created_at": "2026-11-25T00:00:00Z",
                "subject": "s",
                "purposes": ["export_control"],
                "legal_basis": "b",
            }
        )
    assert "executive_summary" in err.value.reason


def test_redaction_withholds_named_fields() -> None:
    doc = signed_doc(keys.generate("jp-customs"))
    out = redact(doc, ("facts.container", "attachments"))
    assert (
        "container" not in out["facts"]
        and not out["attachments"]
        and out["withheld"] == ["attachments", "facts.container"]
    )
    assert out["facts"]["gross_cps"] == 4210


def test_key_file_round_trip_and_no_overwrite(tmp_path: Path) -> None:
    key = keys.generate("jp-customs")
    path = tmp_path / "k" / "node.key"
    keys.save(key, path)
    assert path.stat().st_mode & 0o777 == 0o600
    assert keys.load("jp-customs", path).public_b64 == key.public_b64
    with pytest.raises(ConflictError):
        keys.save(keys.generate("jp-customs"), path)
