"""Moved to :mod:`tripline.http.deps` (shared by the API and the console); kept so imports of the
old path keep working. New code imports ``tripline.http.deps``."""

from tripline.http.deps import *  # noqa: F403
from tripline.http.deps import (  # noqa: F401  (the names with a leading underscore are not starred)
    _settled,
    _token_from_header,
)
