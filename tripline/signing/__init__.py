"""Canonical JSON (RFC 8785) and Ed25519 node keys: what exchange documents, envelopes, receipts
and the audit log's signed head are signed with. Shared by ``exchange`` and ``audit``, owned by
neither (the audit log does not depend on the exchange)."""
