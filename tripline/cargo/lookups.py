"""Every distinct party and goods line of a manifest looked up once, in forked processes that
share the built screener and classifier (:mod:`tripline.forkmap`); the local and the Spark
engines both fill their extractor's caches this way before scoring."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tripline.cargo.indicators import IndicatorExtractor
from tripline.cargo.model import Shipment
from tripline.cargo.ports import GoodsMatch, PartyHit
from tripline.forkmap import can_fork, fork_map


def _lookup_chunk(extractor: IndicatorExtractor, task: tuple[str, list[Any]]) -> list[Any]:
    kind, keys = task
    if kind == "party":
        batch = getattr(extractor.screener, "screen_parties", None)  # the block path when the screener has one
        if batch is not None:
            return list(batch(keys))
        return [extractor.screener.screen_party(name, country) for name, country in keys]
    return [extractor.classifier.classify_goods(description, hs) for description, hs in keys]


def warm_caches(extractor: IndicatorExtractor, shipments: Sequence[Shipment], workers: int, chunk: int = 64) -> int:
    """Screen every distinct party and classify every distinct goods line once, in ``workers`` forked
    processes that share the built screener and classifier; the results fill the extractor's caches.

    Returns the number of look-ups made. Without ``fork`` (or with one worker) nothing is done here:
    the caches then fill as the shipments are scored.
    """
    if workers <= 1 or not can_fork():
        return 0
    parties, goods = extractor.cache_keys(shipments)
    tasks: list[tuple[str, list[Any]]] = [
        ("party", list(parties[i : i + chunk])) for i in range(0, len(parties), chunk)
    ]
    tasks += [("goods", list(goods[i : i + chunk])) for i in range(0, len(goods), chunk)]
    if not tasks:
        return 0
    results = fork_map(extractor, _lookup_chunk, tasks, workers)
    party_hits: dict[tuple[str, str | None], list[PartyHit]] = {}
    goods_hits: dict[tuple[str, str], list[GoodsMatch]] = {}
    for (kind, keys), values in zip(tasks, results, strict=True):
        target: dict[Any, Any] = party_hits if kind == "party" else goods_hits
        target.update(zip(keys, values, strict=True))
    extractor.fill(party_hits, goods_hits)
    return len(parties) + len(goods)
