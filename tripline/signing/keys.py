"""Ed25519 node keys: create, load, sign and verify canonical JSON."""

from __future__ import annotations

import base64
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from tripline.errors import ConflictError, FormatError, IntegrityError, NotFoundError
from tripline.signing.canonical import canonical_bytes

SIGNATURE_FIELD = "signature"


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str, *, field: str) -> bytes:
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (ValueError, UnicodeEncodeError) as exc:
        raise FormatError("not valid base64", field=field) from exc


def public_key_from_b64(text: str, *, field: str = "public_key") -> Ed25519PublicKey:
    raw = unb64(text, field=field)
    if len(raw) != 32:
        raise FormatError(f"an Ed25519 public key has 32 bytes, got {len(raw)}", field=field)
    return Ed25519PublicKey.from_public_bytes(raw)


def public_key_b64(key: Ed25519PublicKey) -> str:
    return b64(key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw))


@dataclass(frozen=True)
class NodeKey:
    """A node's private key and the id it signs as."""

    node_id: str
    private: Ed25519PrivateKey

    @property
    def public_b64(self) -> str:
        return public_key_b64(self.private.public_key())

    def sign_bytes(self, data: bytes) -> str:
        return b64(self.private.sign(data))

    def sign(self, payload: dict[str, Any]) -> dict[str, Any]:
        """Return ``payload`` with a ``signature`` over its canonical form (without the signature)."""
        body = {k: v for k, v in payload.items() if k != SIGNATURE_FIELD}
        return {**body, SIGNATURE_FIELD: self.sign_bytes(canonical_bytes(body))}


def generate(node_id: str) -> NodeKey:
    return NodeKey(node_id=node_id, private=Ed25519PrivateKey.generate())


def save(key: NodeKey, path: Path, *, overwrite: bool = False) -> None:
    """Write the private key as unencrypted PKCS#8 PEM, readable by the owner only."""
    if path.exists() and not overwrite:
        raise ConflictError("a node key already exists here; refusing to overwrite it", file=path)
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = key.private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)


def load(node_id: str, path: Path) -> NodeKey:
    if not path.exists():
        raise NotFoundError("no node key; run `tripline exchange node init` first", file=path)
    try:
        private = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except ValueError as exc:
        raise FormatError(f"not a PEM private key: {exc}", file=path) from exc
    if not isinstance(private, Ed25519PrivateKey):
        raise FormatError("the node key must be an Ed25519 key", file=path)
    return NodeKey(node_id=node_id, private=private)


def verify_bytes(public_b64: str, data: bytes, signature_b64: str, *, what: str) -> None:
    key = public_key_from_b64(public_b64)
    try:
        key.verify(unb64(signature_b64, field=f"{what}.signature"), data)
    except InvalidSignature as exc:
        raise IntegrityError(f"the signature of {what} does not verify", field="signature") from exc


def verify(public_b64: str, payload: dict[str, Any], *, what: str) -> None:
    """Check the ``signature`` of a signed payload; :class:`IntegrityError` names ``what`` on failure."""
    signature = payload.get(SIGNATURE_FIELD)
    if not isinstance(signature, str):
        raise IntegrityError(f"{what} is not signed", field=SIGNATURE_FIELD)
    body = {k: v for k, v in payload.items() if k != SIGNATURE_FIELD}
    verify_bytes(public_b64, canonical_bytes(body), signature, what=what)
