"""Storage: one engine factory, one declarative base, transactional sessions, migrations."""

from tripline.store.base import Base
from tripline.store.db import Database

__all__ = ["Base", "Database"]
