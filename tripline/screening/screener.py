"""The screener: an index over listed entities, and the scoring of one query against it.

>>> screener = Screener.from_entities(entities)          # doctest: +SKIP
>>> screener.screen(ScreeningQuery.build("SBIG", country="IR")).to_dict()  # doctest: +SKIP

A screener holds no global state and is immutable once built: build one per process (or per
list version) and share it; `screen` is safe to call from several threads.
"""

from __future__ import annotations

import itertools
import re
import time
from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import replace
from functools import lru_cache
from typing import Any

import numpy as np
import structlog

from tripline.forkmap import can_fork, fork_map
from tripline.lists.model import ListedEntity
from tripline.screening.build import Builder
from tripline.screening.columns import Arrays, Ints, Postings, Ragged, Records, StringIds, Strings
from tripline.screening.entities import (
    ONE_WORD_PERSON_FACTOR,
    WEAK_FACTOR,
    _name_factor,
    clean_identifier,
)
from tripline.screening.entities import (
    IndexedEntity as IndexedEntity,  # re-exported: prefilter names them from here
)
from tripline.screening.entities import (
    IndexedName as IndexedName,
)
from tripline.screening.index import NameIndex, key_groups, reading_key_groups
from tripline.screening.normalize import NameForm, Normaliser, Token
from tripline.screening.prefilter import BoundJob, TokenTable
from tripline.screening.result import (
    DEFAULT_LIMIT,
    DEFAULT_THRESHOLD,
    ListedRow,
    Match,
    ScreeningQuery,
    ScreeningResult,
)
from tripline.screening.scorer import NameScore, NameScorer
from tripline.screening.scripts import readable
from tripline.screening.state import restore_state

log = structlog.get_logger(__name__)

IntArray = np.ndarray[Any, np.dtype[np.int64]]

COUNTRY_AGREE = 0.05
COUNTRY_CONFLICT = 0.15
BIRTH_AGREE = 0.05
BIRTH_CONFLICT = 0.2
CANDIDATE_LIMIT = 25
READING_CANDIDATES = 8  # more candidates of a name in another script, by its reading's words alone
TOKEN_KEY_CACHE = 200_000
BLOCK_SIZE = 256  # queries whose candidates are bounded together
PARALLEL_MIN = 2_000  # fewer distinct queries than this are screened in-process (forking costs ~0.2 s)


@lru_cache(maxsize=64)
def names_a_person(query_schema: str | None) -> bool:
    """Whether a query of this schema names a person: it is then compared as a person's name
    with every candidate, also with an entity a list did not mark as a person (a CSL row without
    a schema), so the rules for persons' names (common names need more evidence) hold there too."""
    if not query_schema:
        return False
    from followthemoney import model

    schema = model.get(query_schema)
    return schema is not None and schema.is_a("Person")


@lru_cache(maxsize=1024)
def schemata_match(query_schema: str, entity_schema: str) -> bool:
    """Whether an entity of `entity_schema` can be what a query of `query_schema` names."""
    from followthemoney import model  # imported when a query names a schema: it loads the whole model

    q = model.get(query_schema)
    e = model.get(entity_schema)
    if q is None or e is None:
        return True
    return q.can_match(e) or e.can_match(q)


class Screener:
    """Screens names against an index of listed entities.

    The index is a set of named arrays (:meth:`arrays`): built here from the entities, or
    mapped from a signed file (:meth:`from_arrays`, ``service.ScreenerCache``). Entities,
    names and their normalised forms are decoded from the arrays when a query reads them.
    """

    def __init__(
        self,
        entities: Iterable[ListedEntity],
        *,
        normaliser: Normaliser | None = None,
        candidate_limit: int = CANDIDATE_LIMIT,
    ) -> None:
        started = time.perf_counter()
        normaliser = normaliser or Normaliser()
        builder = Builder(normaliser)
        for entity in entities:
            builder.add(entity)
        arrays, meta = builder.finish(candidate_limit)
        meta["build_seconds"] = round(time.perf_counter() - started, 3)
        self._attach(arrays, meta, normaliser)
        log.info(
            "screening index built",
            entities=len(self.entities),
            names=len(self.names),
            keys=len(self.index),
            seconds=round(time.perf_counter() - started, 2),
        )

    @classmethod
    def from_entities(cls, entities: Iterable[ListedEntity], **kwargs: object) -> Screener:
        return cls(entities, **kwargs)  # type: ignore[arg-type]

    @classmethod
    def from_arrays(cls, arrays: Arrays, meta: dict[str, Any], *, normaliser: Normaliser | None = None) -> Screener:
        """A screener over arrays :meth:`arrays` gave (e.g. mapped from an index file): no
        item is decoded until a query reads it."""
        screener = cls.__new__(cls)
        screener._attach(arrays, meta, normaliser or Normaliser())
        return screener

    def arrays(self) -> tuple[Arrays, dict[str, Any]]:
        """The whole index as named arrays and a JSON-able description (what an index file holds)."""
        return self._arrays, self._meta

    def _attach(self, arrays: Arrays, meta: dict[str, Any], normaliser: Normaliser) -> None:
        self._arrays, self._meta = arrays, meta
        self.normaliser = normaliser
        self.scorer = NameScorer(normaliser)
        self.candidate_limit: int = meta["candidate_limit"]
        self.table: TokenTable = restore_state(arrays, "table", meta["table"], normaliser=normaliser)
        self.index: NameIndex = restore_state(arrays, "index", meta["index"])
        self.entities: Sequence[IndexedEntity] = Records(arrays, IndexedEntity, "entities")
        forms = Records(arrays, NameForm, "forms", refs={"Token": self.table.tokens})
        self.names: Sequence[IndexedName] = Records(arrays, IndexedName, "names", nested={"form": forms})
        self.identifiers: Mapping[str, Sequence[int]] = Postings(arrays, "identifiers")
        self.snapshot_ids: dict[str, int] = dict(meta["snapshot_ids"])
        self.name_start = Ints(arrays["entity.name_start"])  # entity i's names are names[start[i]:start[i + 1]]
        self.by_id: Mapping[str, int] = StringIds(arrays, "by_id")
        self.schemas: list[str] = list(meta["schemas"])  # entity_schema holds positions in this list
        self.entity_schema = arrays["entity.schema"]
        self.entity_group = arrays["entity.group"]  # entities listed as one party share a group
        self.groups = Ragged(arrays, "groups")  # the entity numbers of each group
        self.links = Strings(arrays, "entity.link")  # the first link each entity took part in ("" alone)
        self.build_seconds: float = meta["build_seconds"]
        self._token_keys: dict[Token | str, frozenset[str]] = {}  # blocking keys of query tokens

    def __len__(self) -> int:
        return len(self.entities)

    def __getstate__(self) -> dict[str, Any]:
        return {"arrays": self._arrays, "meta": self._meta, "normaliser": self.normaliser}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._attach(state["arrays"], state["meta"], state["normaliser"])

    # -- querying ---------------------------------------------------------------------------

    def query_forms(self, query: ScreeningQuery) -> tuple[NameForm, NameForm]:
        """The query name as an organisation name and as a person name."""
        n = self.normaliser
        return n.form(query.name, person=False), n.form(query.name, person=True)

    def candidates(self, query: ScreeningQuery) -> list[int]:
        """Name numbers that reach the scorer (exposed to measure retrieval recall)."""
        return self._candidates([query])[0]

    def _candidates(self, queries: Sequence[ScreeningQuery]) -> list[list[int]]:
        """Candidates of each query. A query whose distinctive words find nothing is tried
        again with its generic words too ("STG Group" when only "Stroytransgaz Group" is
        listed): the scorer caps such a match, and shows it below that cap, explained."""
        found = self.index.candidates_many([self._key_groups(q) for q in queries], self.candidate_limit)
        again = [i for i, names in enumerate(found) if not names and self._has_generic(queries[i])]
        if again:
            retried = self.index.candidates_many(
                [self._key_groups(queries[i], generic=True) for i in again], self.candidate_limit
            )
            for i, names in zip(again, retried, strict=True):
                found[i] = names
        # a name in another script is also looked up by its reading's words' keys alone: the keys
        # of its transliteration and of its syllables ("gong", "shi" of 公共株式会社) would otherwise
        # crowd out the one Latin name its reading meets ("カマズ" kamazu / "KAMAZ"), never scored
        read = [(i, groups) for i, q in enumerate(queries) if (groups := self._reading_groups(q))]
        if read:
            more = self.index.candidates_many([groups for _, groups in read], READING_CANDIDATES)
            for (i, _), names in zip(read, more, strict=True):
                have = set(found[i])
                found[i] = found[i] + [n for n in names if n not in have]
        return found

    def _reading_groups(self, query: ScreeningQuery) -> list[AbstractSet[str]]:
        org, _ = self.query_forms(query)
        return reading_key_groups(org, self.scorer.reader, words_only=True) if readable(org) else []

    def _has_generic(self, query: ScreeningQuery) -> bool:
        return any(t.generic for form in self.query_forms(query) for t in form.tokens)

    def _key_groups(self, query: ScreeningQuery, *, generic: bool = False) -> list[AbstractSet[str]]:
        org, person = self.query_forms(query)
        cache = self._token_keys
        if len(cache) >= TOKEN_KEY_CACHE:
            cache.clear()
        reader = self.scorer.reader if readable(org) else None  # a name in Hangul, Han, Kana or an abjad
        groups = key_groups(org, self.normaliser, query=True, generic=generic, cache=cache, reader=reader)
        if person.key != org.key:
            groups += key_groups(person, self.normaliser, query=True, generic=generic, cache=cache, reader=reader)
        return groups

    def screen(
        self, query: ScreeningQuery, *, threshold: float = DEFAULT_THRESHOLD, limit: int = DEFAULT_LIMIT
    ) -> ScreeningResult:
        """Ranked matches for `query`, best first, none scoring below `threshold`."""
        return self.screen_block([query], threshold=threshold, limit=limit)[0]

    def screen_block(
        self, queries: Sequence[ScreeningQuery], *, threshold: float = DEFAULT_THRESHOLD, limit: int = DEFAULT_LIMIT
    ) -> list[ScreeningResult]:
        """`screen` for each of `queries`, with the bounds of all their candidates computed
        together (:meth:`TokenTable.bounds_many`): the same results, a fraction of the cost."""
        reachable = threshold - COUNTRY_AGREE - BIRTH_AGREE  # adjustments add at most this much
        numbers, owner = self._block_candidates(queries)
        starts = np.searchsorted(owner, np.arange(len(queries) + 1)).tolist()
        jobs, positions = self._bound_jobs(queries, numbers, starts)
        upper = np.empty(len(numbers), dtype=np.float64)
        for where, bound in zip(positions, self.table.bounds_many(jobs), strict=True):
            upper[where] = bound
        reach = upper >= reachable
        id_hits = [self._identifier_hits(q) for q in queries]
        for i, hits in enumerate(id_hits):
            if hits:  # an entity found by identifier has its names scored whatever their bound
                span = range(starts[i], starts[i + 1])
                entity_of = self.table.name_entity[numbers[span]].tolist()
                reach[span] |= np.array([e in hits for e in entity_of], dtype=bool)
        kept = np.flatnonzero(reach)
        kept_numbers, kept_upper = numbers[kept].tolist(), upper[kept].tolist()
        cuts = np.searchsorted(kept, starts).tolist()
        return [
            self._result(query, self._best_names(query, kept_numbers[lo:hi], kept_upper[lo:hi]), hits, threshold, limit)
            for query, hits, lo, hi in zip(queries, id_hits, cuts, cuts[1:], strict=False)
        ]

    def _result(
        self,
        query: ScreeningQuery,
        best: dict[int, tuple[float, IndexedName, NameScore]],
        id_hits: dict[int, tuple[str, str]],
        threshold: float,
        limit: int,
    ) -> ScreeningResult:
        """The matches of the entities found by name (`best`) or identifier, best first."""
        reachable = threshold - COUNTRY_AGREE - BIRTH_AGREE
        found: dict[int, Match] = {}
        for entity_no in set(best) | set(id_hits):
            if entity_no not in id_hits and best[entity_no][0] < reachable:
                continue
            match = self._finish(query, entity_no, best.get(entity_no), id_hits.get(entity_no))
            if match is not None and match.score >= threshold:
                found[entity_no] = match
        return ScreeningResult(query=query, matches=tuple(self._grouped(found)[:limit]), threshold=threshold)

    def _grouped(self, found: dict[int, Match]) -> list[Match]:
        """One match per party, best first: the best-scoring row of each group of linked rows,
        with the group's other rows in ``also_listed_as`` (their own score when they matched)."""
        order = sorted(found, key=lambda no: (-found[no].score, found[no].caption, found[no].entity_id))
        done: set[int] = set()
        out: list[Match] = []
        for entity_no in order:
            group = int(self.entity_group[entity_no])
            if group in done:
                continue
            done.add(group)
            members = self.groups[group]
            match = found[entity_no]
            if len(members) > 1:
                rows = [self._listed_row(no, found.get(no)) for no in members if no != entity_no]
                rows.sort(key=lambda r: (r.list, r.list_entry_id, r.entity_id))
                match = replace(match, also_listed_as=tuple(rows))
            out.append(match)
        return out

    def _listed_row(self, entity_no: int, match: Match | None) -> ListedRow:
        entity = self.entities[entity_no]
        return ListedRow(
            entity_id=entity.entity_id,
            caption=entity.caption,
            schema=entity.schema,
            list=entity.source_id,
            list_entry_id=entity.entry_id,
            linked_by=self.links[entity_no],
            score=None if match is None else match.score,
        )

    def _block_candidates(self, queries: Sequence[ScreeningQuery]) -> tuple[IntArray, IntArray]:
        """Every query's candidate names (schema-filtered), flat, and the query of each."""
        candidates = self._candidates(queries)
        counts = [len(c) for c in candidates]
        numbers = np.fromiter(itertools.chain.from_iterable(candidates), dtype=np.int64, count=sum(counts))
        owner = np.repeat(np.arange(len(queries), dtype=np.int64), counts)
        with_schema = [i for i, q in enumerate(queries) if q.schema]
        if with_schema and len(numbers):
            keep = np.ones(len(numbers), dtype=bool)
            schema_of = self.entity_schema[self.table.name_entity[numbers]]
            for i in with_schema:
                schema = queries[i].schema
                assert schema is not None
                allowed = np.array([schemata_match(schema, s) for s in self.schemas], dtype=bool)
                mine = owner == i
                keep[mine] = allowed[schema_of[mine]]
            numbers, owner = numbers[keep], owner[keep]
        return numbers, owner

    def _bound_jobs(
        self, queries: Sequence[ScreeningQuery], numbers: IntArray, starts: list[int]
    ) -> tuple[list[BoundJob], list[slice | IntArray]]:
        """The bound jobs for a block's candidates (`numbers`, query i's at
        ``starts[i]:starts[i + 1]``) and the positions each job's bounds go to: a person's names
        are bounded with the query's person form, an organisation's with its organisation form
        (one job when the two forms differ only in that flag)."""
        is_person = self.table.name_entity_person[numbers]
        running = np.concatenate(([0], np.cumsum(is_person)))
        persons = (running[starts[1:]] - running[starts[:-1]]).tolist()
        jobs: list[BoundJob] = []
        positions: list[slice | IntArray] = []
        for i, query in enumerate(queries):
            lo, hi = starts[i], starts[i + 1]
            if lo == hi:
                continue
            org, person = self.query_forms(query)
            span: slice | IntArray = slice(lo, hi)
            if names_a_person(query.schema):  # a person's name against every candidate
                jobs.append(BoundJob(person, numbers[span]))
            elif persons[i] == 0:
                jobs.append(BoundJob(org, numbers[span]))
            elif persons[i] == hi - lo:
                jobs.append(BoundJob(person, numbers[span]))
            elif (org.tokens, org.latin, org.acronyms) == (person.tokens, person.latin, person.acronyms):
                jobs.append(BoundJob(org, numbers[span], q_person=is_person[span]))  # one job, both forms
            else:
                mask = is_person[span]
                orgs, people = lo + np.flatnonzero(~mask), lo + np.flatnonzero(mask)
                jobs += [BoundJob(org, numbers[orgs]), BoundJob(person, numbers[people])]
                positions.append(orgs)
                span = people
            positions.append(span)
        return jobs, positions

    def _best_names(
        self, query: ScreeningQuery, name_numbers: Iterable[int], bounds: Sequence[float] | None = None
    ) -> dict[int, tuple[float, IndexedName, NameScore]]:
        """The best-scoring name of each entity among `name_numbers`, in that order.

        With `bounds` (one per name, from :meth:`TokenTable.bounds`), a name whose bound is
        below the score of a name already found for its entity is not scored: it could not
        replace it.
        """
        org, person = self.query_forms(query)
        if names_a_person(query.schema):
            org = person
        best: dict[int, tuple[float, IndexedName, NameScore]] = {}
        scorer = self.scorer
        for i, name_no in enumerate(name_numbers):
            name = self.names[name_no]
            entity = self.entities[name.entity_no]
            if query.schema and not schemata_match(query.schema, entity.schema):
                continue
            current = best.get(name.entity_no)
            if current is not None and bounds is not None and bounds[i] < current[0]:
                continue
            name_score = scorer.compare_forms(person if entity.person else org, name.form)
            score = name_score.score * _name_factor(name, entity)
            if current is None or score > current[0]:
                best[name.entity_no] = (score, name, name_score)
        return best

    def score_entity(self, query: ScreeningQuery, entity_id: str) -> Match | None:
        """Score `query` against every name of one indexed entity (no retrieval, no threshold)."""
        entity_no = self.by_id.get(entity_id)
        if entity_no is None:
            return None
        start, end = self.name_start[entity_no], self.name_start[entity_no + 1]
        best = self._best_names(query, range(start, end))
        id_hits = self._identifier_hits(query)
        return self._finish(query, entity_no, best.get(entity_no), id_hits.get(entity_no))

    def entity_names(self, entity_id: str) -> list[str]:
        entity_no = self.by_id.get(entity_id)
        if entity_no is None:
            return []
        start, end = self.name_start[entity_no], self.name_start[entity_no + 1]
        return [self.names[i].text for i in range(start, end)]

    def screen_many(
        self,
        queries: Sequence[ScreeningQuery],
        *,
        threshold: float = DEFAULT_THRESHOLD,
        limit: int = DEFAULT_LIMIT,
        workers: int = 1,
    ) -> list[ScreeningResult]:
        """`screen` for each query, in order; identical queries are screened once.

        With ``workers > 1`` (and at least ``PARALLEL_MIN`` distinct queries, on a platform
        that forks) the distinct queries are split over forked worker processes that share
        this screener copy-on-write. Do not fork from a process that runs other threads (the
        API server): keep ``workers=1`` there.
        """
        distinct = list(dict.fromkeys(queries))
        if workers > 1 and len(distinct) >= PARALLEL_MIN and can_fork():
            results = _screen_forked(self, distinct, threshold, limit, workers)
        else:
            results = self._screen_blocks(distinct, threshold, limit)
        by_query = dict(zip(distinct, results, strict=True))
        return [by_query[q] for q in queries]

    def _screen_blocks(self, queries: Sequence[ScreeningQuery], threshold: float, limit: int) -> list[ScreeningResult]:
        out: list[ScreeningResult] = []
        for start in range(0, len(queries), BLOCK_SIZE):
            out.extend(self.screen_block(queries[start : start + BLOCK_SIZE], threshold=threshold, limit=limit))
        return out

    def _identifier_hits(self, query: ScreeningQuery) -> dict[int, tuple[str, str]]:
        values = list(query.identifiers)
        if any(ch.isdigit() for ch in query.name):
            values.extend(tok for tok in re.split(r"[\s,;/]+", query.name) if any(ch.isdigit() for ch in tok))
        if not values:
            return {}
        hits: dict[int, tuple[str, str]] = {}
        for value in values:
            cleaned = clean_identifier(value)
            if cleaned is None:
                continue
            for entity_no in self.identifiers.get(cleaned, ()):
                entity = self.entities[entity_no]
                prop = next(p for p, v in entity.identifiers if v == cleaned)
                hits[entity_no] = (prop, cleaned)
        return hits

    def _finish(
        self,
        query: ScreeningQuery,
        entity_no: int,
        scored: tuple[float, IndexedName, NameScore] | None,
        id_hit: tuple[str, str] | None,
    ) -> Match | None:
        entity = self.entities[entity_no]
        if query.schema and not schemata_match(query.schema, entity.schema):
            return None
        explanation: list[str] = []
        score = 0.0
        matched_name = entity.caption
        if scored is not None:
            score, name, name_score = scored
            matched_name = name.text
            explanation.append(
                f"name {query.name!r} ~ {name.kind} {name.text!r}: {name_score.describe()} "
                f"(name score {name_score.score:.2f})"
            )
            if name.kind == "weak alias":
                explanation.append(f"weak alias: counts {WEAK_FACTOR:g} of a full name")
            if entity.person and len(name.form.tokens) == 1:
                explanation.append(f"a one-word name of a person: counts {ONE_WORD_PERSON_FACTOR:g} of a full name")
        if id_hit is not None:
            prop, value = id_hit
            score = 1.0
            explanation.append(f"identifier {value} equals the entity's {prop}: exact match")
        if score <= 0.0:
            return None
        if query.country and entity.countries:
            if query.country in entity.countries:
                score = min(1.0, score + COUNTRY_AGREE)
                explanation.append(f"country {query.country.upper()} agrees (+{COUNTRY_AGREE:g})")
            else:
                score -= COUNTRY_CONFLICT
                listed = ", ".join(sorted(c.upper() for c in entity.countries))
                explanation.append(
                    f"country {query.country.upper()} conflicts with listed {listed} (-{COUNTRY_CONFLICT:g})"
                )
        if query.birth_date and entity.birth_dates:
            agree = any(_dates_agree(query.birth_date, d) for d in entity.birth_dates)
            if agree:
                score = min(1.0, score + BIRTH_AGREE)
                explanation.append(f"birth date {query.birth_date} agrees (+{BIRTH_AGREE:g})")
            else:
                score -= BIRTH_CONFLICT
                listed = ", ".join(entity.birth_dates)
                explanation.append(f"birth date {query.birth_date} conflicts with {listed} (-{BIRTH_CONFLICT:g})")
        score = round(max(0.0, min(1.0, score)), 4)
        explanation.append(f"score {score:.2f}")
        return Match(
            entity_id=entity.entity_id,
            caption=entity.caption,
            schema=entity.schema,
            list=entity.source_id,
            list_entry_id=entity.entry_id,
            score=score,
            matched_name=matched_name,
            explanation=tuple(explanation),
        )


def _dates_agree(a: str, b: str) -> bool:
    """Dates agree when they are equal to the precision both give ("1973" ~ "1973-03-25")."""
    n = min(len(a), len(b))
    return a[:n] == b[:n]


def _screen_forked(
    screener: Screener, queries: list[ScreeningQuery], threshold: float, limit: int, workers: int
) -> list[ScreeningResult]:
    """Screen `queries` in `workers` forked processes; the children inherit the index unpickled."""
    size = max(1, min(2 * BLOCK_SIZE, len(queries) // (workers * 4)))
    chunks = [queries[i : i + size] for i in range(0, len(queries), size)]
    done = fork_map(screener, lambda s, chunk: s._screen_blocks(chunk, threshold, limit), chunks, workers)
    return [result for chunk in done for result in chunk]
