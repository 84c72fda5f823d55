"""Map a function over chunks in forked worker processes that share one read-only object.

The object (a built screener, an indicator extractor with its matchers) is not pickled to the
workers: it is handed to them by ``fork``, copy-on-write, and the garbage collector is frozen
meanwhile so that it does not write to (and so copy) the shared pages. Only the chunks and the
results travel through pipes.

Do not fork from a process that runs other threads (the API server): callers there map in
process (``workers=1``).
"""

from __future__ import annotations

import gc
import multiprocessing
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

C = TypeVar("C")
R = TypeVar("R")

# (shared object, function) of the map in progress: set in the parent just before the pool forks,
# read by the children (which inherit it), cleared when the map is done
_SHARED: list[tuple[Any, Callable[[Any, Any], Any]]] = []


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def _call(chunk: Any) -> Any:
    shared, func = _SHARED[-1]
    return func(shared, chunk)


def fork_map(shared: Any, func: Callable[[Any, C], R], chunks: Sequence[C], workers: int) -> list[R]:
    """``[func(shared, chunk) for chunk in chunks]``, in `workers` forked processes (in this
    process when `workers` is 1 or the platform cannot fork). Neither `shared` nor `func` is
    pickled: the workers inherit both."""
    if workers <= 1 or not can_fork() or len(chunks) <= 1:
        return [func(shared, chunk) for chunk in chunks]
    _SHARED.append((shared, func))
    gc.freeze()
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            return pool.map(_call, chunks, chunksize=1)
    finally:
        _SHARED.pop()
        gc.unfreeze()
