"""Typed exchange documents (pydantic): what a node drafts, signs, sends and holds."""

from __future__ import annotations

import base64
import uuid
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from tripline.errors import FormatError
from tripline.signing.canonical import content_hash, sha256_hex
from tripline.signing.keys import SIGNATURE_FIELD, NodeKey


class DocType(StrEnum):
    DENIAL_NOTIFICATION = "denial_notification"
    INFORMATION_PAPER = "information_paper"
    REQUEST_FOR_INFORMATION = "request_for_information"
    INSPECTION_REQUEST = "inspection_request"
    SCAN_RESULT = "scan_result"
    CASE_NOTICE = "case_notice"
    RESPONSE = "response"


REQUEST_TYPES = frozenset({DocType.REQUEST_FOR_INFORMATION, DocType.INSPECTION_REQUEST})


class Classification(StrEnum):
    """Ordered protection levels; an agreement lists which levels each side protects equivalently."""

    UNCLASSIFIED = "unclassified"
    RESTRICTED = "restricted"
    CONFIDENTIAL = "confidential"
    SECRET = "secret"


CLASSIFICATION_RANK = {c: i for i, c in enumerate(Classification)}


class Tlp(StrEnum):
    """Traffic Light Protocol 2.0 labels."""

    CLEAR = "clear"
    GREEN = "green"
    AMBER = "amber"
    AMBER_STRICT = "amber+strict"
    RED = "red"


class Purpose(StrEnum):
    """Uses a document may be put to (its designated purposes)."""

    CUSTOMS_ENFORCEMENT = "customs_enforcement"
    EXPORT_CONTROL = "export_control"
    NONPROLIFERATION = "nonproliferation"
    RISK_ASSESSMENT = "risk_assessment"
    PROSECUTION = "prosecution"
    INTELLIGENCE = "intelligence"
    EXPORTER_OUTREACH = "exporter_outreach"


class Attachment(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str = Field(min_length=1, max_length=200)
    media_type: str = "application/octet-stream"
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    size: int = Field(ge=0)
    content_b64: str | None = None

    @model_validator(mode="after")
    def _hash_matches(self) -> Attachment:
        if self.content_b64 is not None:
            raw = base64.b64decode(self.content_b64)
            if sha256_hex(raw) != self.sha256 or len(raw) != self.size:
                raise ValueError(f"attachment {self.name!r}: content does not match its sha256/size")
        return self

    @classmethod
    def from_bytes(cls, name: str, data: bytes, media_type: str = "application/octet-stream") -> Attachment:
        return cls(
            name=name,
            media_type=media_type,
            sha256=sha256_hex(data),
            size=len(data),
            content_b64=base64.b64encode(data).decode("ascii"),
        )


class Caveats(BaseModel):
    """Handling caveats: who the document may reach and whether it may travel further."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    releasable_to: tuple[str, ...] | None = Field(
        default=None, description="Only these partner ids may receive it (None: any the agreements allow)."
    )
    no_onward_release: bool = Field(default=True, description="A recipient may not pass it on without consent.")


class Document(BaseModel):
    """A signed exchange document. ``signature`` is the originator's Ed25519 signature over the rest."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._:-]+$")
    type: DocType
    originator: str = Field(min_length=1, max_length=64)
    created_at: datetime
    subject: str = Field(min_length=1, max_length=500)
    body: str = ""
    executive_summary: str | None = None
    attachments: tuple[Attachment, ...] = ()
    references: tuple[str, ...] = ()
    classification: Classification = Classification.RESTRICTED
    caveats: Caveats = Caveats()
    tlp: Tlp = Tlp.AMBER
    purposes: tuple[Purpose, ...] = Field(min_length=1)
    legal_basis: str = Field(min_length=1, max_length=300)
    deadline: datetime | None = None
    facts: dict[str, str | int | bool] = Field(default_factory=dict)
    withheld: tuple[str, ...] | None = Field(
        default=None, description="Set on a version passed on with consent: the fields its originator withheld."
    )
    signature: str | None = None

    @field_validator("created_at", "deadline")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("must carry a time zone (e.g. 2026-11-25T12:00:00Z)")
        return value

    @model_validator(mode="after")
    def _summary(self) -> Document:
        if self.type == DocType.INFORMATION_PAPER and not (self.executive_summary or "").strip():
            raise ValueError("an information paper needs an executive_summary")
        return self

    def payload(self) -> dict[str, Any]:
        """The JSON form (with the signature if signed)."""
        data = self.model_dump(mode="json", exclude_none=True)
        return data

    def unsigned_payload(self) -> dict[str, Any]:
        return {k: v for k, v in self.payload().items() if k != SIGNATURE_FIELD}

    @property
    def hash(self) -> str:
        """SHA-256 of the canonical signed payload: with the id, what makes delivery idempotent."""
        return content_hash(self.payload())


def new_document_id(originator: str) -> str:
    return f"{originator}:{uuid.uuid4().hex}"


def now_utc() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def parse_document(data: Any, *, source: str = "document") -> Document:
    """Validate a document's JSON; errors name the field."""
    if not isinstance(data, dict):
        raise FormatError("a document must be a JSON object", file=source)
    try:
        return Document.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or None
        raise FormatError(first["msg"], file=source, field=field) from exc


def sign_document(doc: Document, key: NodeKey) -> Document:
    if doc.originator != key.node_id:
        raise FormatError(f"only the originator {doc.originator!r} can sign this document", field="originator")
    return parse_document(key.sign(doc.unsigned_payload()))


WITHHOLDABLE = frozenset({"body", "executive_summary", "attachments", "references", "deadline"})


def check_withholdable(doc: Document, withheld: list[str] | tuple[str, ...]) -> None:
    """Only optional fields and facts can be withheld: what remains must still be a valid document."""
    for name in withheld:
        fact = name.removeprefix("facts.")
        if name.startswith("facts.") and fact in doc.facts:
            continue
        if name in WITHHOLDABLE:
            continue
        choices = ", ".join([*sorted(WITHHOLDABLE), *(f"facts.{k}" for k in sorted(doc.facts))])
        raise FormatError(f"cannot withhold {name!r}; choose from {choices}", field="withhold")


def carries(data: dict[str, Any], name: str) -> bool:
    """Whether a document's JSON carries the field or fact ``name`` (a withheld one must be absent)."""
    if name.startswith("facts."):
        facts = data.get("facts")
        return isinstance(facts, dict) and name.removeprefix("facts.") in facts
    value = data.get(name)
    return value not in (None, "", [], ())


def redact(doc: Document, withheld: tuple[str, ...]) -> dict[str, Any]:
    """The unsigned payload with withheld top-level fields or facts (``facts.NAME``) removed and
    ``withheld`` naming them: the version that may go on to a third party or partner.

    A withheld optional field takes its empty default, so the result is a valid document whose JSON
    is exactly what a signature over it covers."""
    data = doc.unsigned_payload()
    for name in withheld:
        if name.startswith("facts."):
            data.get("facts", {}).pop(name.removeprefix("facts."), None)
        else:
            data.pop(name, None)
    data["withheld"] = sorted(withheld)
    return parse_document(data, source="redacted document").unsigned_payload()
