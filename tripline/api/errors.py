"""Moved to :mod:`tripline.http.errors` (the one error-to-HTTP mapping of every router and page);
kept so imports of the old path keep working. New code imports ``tripline.http.errors``."""

from tripline.http.errors import *  # noqa: F403
from tripline.http.errors import _HTTP_NAMES, _json, _wants_html  # noqa: F401
