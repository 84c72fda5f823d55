"""One runtime per process: the heavy objects that every edge shares.

A :class:`Runtime` owns the process's screener (loaded from the signed index cache under
``VAR_DIR/screening``, rebuilt when a list's latest snapshot changes), its goods classifier
(over the *stored* control-list catalogue, rebuilt when a list's latest version changes; the
bundled files only when nothing was stored yet) and its exchange node. Each is built on first
use, once, under a lock; ``tripline serve`` calls :meth:`Runtime.warm` before it answers, so no
request builds an index.

Who holds it: ``create_app`` puts one on ``app.state.runtime`` for the API routers, the
console pages and the exchange endpoints; the CLI context holds one per command; cargo's
targeting gets its matchers from :meth:`Runtime.matchers`. Nothing here is global: build one
per process and pass it along.

Imports of the capabilities are deferred to first use, so holding a runtime costs nothing
for a command that never screens or classifies.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from tripline.errors import NotFoundError
from tripline.settings import Settings
from tripline.store.db import Database

if TYPE_CHECKING:
    from tripline.cargo.ports import GoodsClassifier, PartyScreener
    from tripline.controls.classify import Classifier
    from tripline.exchange.delivery import Transport
    from tripline.exchange.service import Node
    from tripline.screening.screener import Screener
    from tripline.screening.service import ScreenerCache
    from tripline.signing.keys import NodeKey


class Runtime:
    """The screener, classifier and exchange node of one process, built lazily and shared."""

    def __init__(self, settings: Settings, db: Database, *, transport: Transport | None = None) -> None:
        self.settings = settings
        self.db = db
        self._transport = transport
        self._lock = threading.Lock()  # guards the holders below (not the builds of the screener)
        self._screeners: ScreenerCache | None = None
        self._classifier_lock = threading.Lock()
        self._classifier: tuple[dict[str, int], Classifier] | None = None
        self._node: Node | None = None

    # --- screening ----------------------------------------------------------------------------
    def screener_cache(self) -> ScreenerCache:
        """The process's screener cache (signed on-disk index under ``VAR_DIR/screening``)."""
        with self._lock:
            if self._screeners is None:
                from tripline.screening.service import ScreenerCache

                self._screeners = ScreenerCache(self.settings.var_dir / "screening")
            return self._screeners

    def screener(self) -> Screener:
        """The screener over the current lists; :class:`NotFoundError` when none are loaded."""
        return self.screener_cache().get(self.db)

    # --- classification -----------------------------------------------------------------------
    def classifier(self) -> Classifier:
        """The classifier over the stored catalogue (the one every edge and cargo use)."""
        from tripline.controls.store import CatalogueStore

        with self.db.transaction() as session:
            versions = CatalogueStore(session).versions()
        with self._classifier_lock:
            if self._classifier is None or self._classifier[0] != versions:
                from tripline.controls.service import classifier_for

                self._classifier = (versions, classifier_for(self.settings, self.db, self.screener_cache()))
            return self._classifier[1]

    # --- exchange -----------------------------------------------------------------------------
    def node(self) -> Node:
        """This process's exchange node over the runtime's database."""
        with self._lock:
            if self._node is None:
                from tripline.exchange.service import Node

                self._node = Node(settings=self.settings, db=self.db, transport=self._transport)
            return self._node

    def audit_key(self) -> NodeKey | None:
        """The key that signs the audit log's heads (the exchange node's), or None before
        ``tripline exchange node init``: account and admin changes are then logged, not chained."""
        try:
            return self.node().key
        except NotFoundError:
            return None

    # --- cargo --------------------------------------------------------------------------------
    def matchers(self, settings: Settings | None = None) -> tuple[PartyScreener, GoodsClassifier]:
        """Cargo's party screener and goods classifier over this runtime's screener and classifier
        (a ``MatcherFactory``: ``settings`` is accepted and ignored; the runtime's own are used)."""
        del settings
        from tripline.cargo.adapters import ControlsGoods, ScreeningParties

        screener = self.screener()
        if len(screener) == 0:
            raise NotFoundError("no watch lists are loaded: run `tripline lists load` first", field="lists")
        return ScreeningParties(screener), ControlsGoods(self.classifier())

    # --- start-up -----------------------------------------------------------------------------
    def warm(self) -> list[tuple[str, str]]:
        """Build everything a request could need now; (part, state) lines for the start-up report.

        A part that cannot be built yet (no lists loaded, no node identity) is reported, not
        raised: the server still starts and the request that needs it gets the same error.
        """
        from tripline.errors import TriplineError

        report: list[tuple[str, str]] = []
        try:
            report.append(("screener", f"{len(self.screener()):,} listed entities"))
        except TriplineError as exc:
            report.append(("screener", f"not ready: {exc.reason}"))
        try:
            classifier = self.classifier()
            report.append(("classifier", f"{len(classifier.by_code):,} control entries"))
        except TriplineError as exc:
            report.append(("classifier", f"not ready: {exc.reason}"))
        from tripline.auth.service import warm as warm_passwords

        report.append(("password hashing", warm_passwords()))
        try:
            report.append(("exchange node", self.node().node_id))
        except TriplineError as exc:
            report.append(("exchange node", f"not ready: {exc.reason}"))
        return report
