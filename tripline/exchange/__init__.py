"""[exchange] Electronic point of contact: signed documents released under machine-checked agreements.

Modules: ``canonical`` (canonical JSON), ``keys`` (Ed25519 node keys, signing), ``documents``
(typed documents), ``agreements`` (YAML agreements), ``policy`` (agreements compiled to Cedar;
the one decision function), ``models`` (tables), ``store`` (partners, outbox, inbox, consents),
``service`` (draft, send, receive, consent, deadlines), ``delivery`` (HTTP transport, retry),
``http`` (node endpoints), ``taxii`` (read-only TAXII 2.1), ``node`` (a small app factory).
"""
