"""[audit] A tamper-evident log: a SHA-256 hash chain with signed heads.

``chain`` holds the pure hashing and verification (it names the edited, removed or reordered
entry); ``models`` the tables; ``log`` appends in the caller's transaction and verifies a database.
"""
