"""An upper bound on the name score of every candidate name of a query, in a few array operations.

:meth:`NameScorer.compare_forms` aligns two names token by token in Python: exact, explained,
and about 50 microseconds a pair. Most names that retrieval hands over cannot reach the
threshold, and proving that needs no alignment: a token contributes at most its best
similarity to any token of the other name. :class:`TokenTable` holds every token of the
indexed names as arrays (ids of its text, romanisation, skeleton and consonants; lengths,
weights), so that for one query

* the similarity of each query token (and each joined pair of query tokens) to each
  candidate token (and joined candidate pair) follows the rules of
  :meth:`NameScorer.similarity` in order, as element-by-element array operations over all
  (query token, candidate token) cells, with RapidFuzz's ``cpdist`` computing in compiled
  code the edit distances that lengths and end letters do not already rule out;
* the best similarity of every token on either side gives the coverage bound, and the
  subset rule, the cap on names matched only by generic words and the acronym rule add
  their own ceilings.

And since everything is element by element, a block of queries is bounded together
(:meth:`TokenTable.bounds_many`): each array operation's cost is shared by the whole block.

Only the names whose bound reaches the floor are then aligned in full, so screening returns
exactly what scoring every candidate would (``tests/screening/test_prefilter.py`` checks the
bound against the full score pair by pair, and the matrix against ``similarity``).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import OSA

from tripline.screening.normalize import NameForm, Normaliser, Token, consonants, skeleton
from tripline.screening.rules import (
    ABBREVIATION,
    ACRONYM,
    ACRONYM_MAX_PREFIX,
    ACRONYM_MIN_WORDS,
    BARE_ACRONYM,
    BARE_NAME,
    BARE_NAME_MAX_TOKENS,
    BARE_NAME_MIN_LENGTH,
    EXACT,
    GENERIC_CAP,
    GENERIC_FULL_MIN_TOKENS,
    INITIAL,
    JOIN_MIN,
    JOIN_MIN_LETTERS,
    JOIN_SLACK,
    MAX_TYPO_BUDGET,
    MIN_CONSONANTS,
    MIN_SKELETON,
    PERSON_SUBSET_BOUND,
    PREFIX,
    SKELETON_CROSS_SCRIPT,
    SKELETON_SAME_SCRIPT,
    SPELLING,
    SUBSET_FACTOR,
    SUBSET_MIN_DISTINCTIVE,
    TYPO_SLOPE,
    TYPO_STEPS,
    acronym_fit,
)
from tripline.screening.scripts import readable

if TYPE_CHECKING:
    from tripline.screening.screener import IndexedEntity, IndexedName

IntArray = np.ndarray[Any, np.dtype[np.int64]]
FloatArray = np.ndarray[Any, np.dtype[np.float64]]
BoolArray = np.ndarray[Any, np.dtype[np.bool_]]

BUDGET_STEPS = np.array(TYPO_STEPS)  # rules.typo_budget: one more edit allowed from each length on
ROW_CACHE_SIZE = 100_000
ROW_FIELDS = 14  # see TokenTable.row_info
ROUNDING = 1e-4  # compare_forms rounds its score to 4 places
_ABSENT = -2  # a query-side id not in the table: never equal to a table id (>= 0) or to -1


def ragged_positions(starts: IntArray, lengths: IntArray) -> IntArray:
    """``concatenate([arange(s, s + n) for s, n in zip(starts, lengths)])`` without the loop."""
    ends = np.cumsum(lengths)
    if len(ends) == 0 or ends[-1] == 0:
        return np.zeros(0, dtype=np.int64)
    return np.repeat(starts - (ends - lengths), lengths) + np.arange(int(ends[-1]), dtype=np.int64)


class _Ids:
    """Distinct strings numbered in order of first sight."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}

    def __call__(self, value: str) -> int:
        found = self.ids.get(value)
        if found is None:
            found = self.ids[value] = len(self.ids)
        return found


@dataclass(frozen=True, slots=True)
class BoundJob:
    """One query form and the candidate names to bound for it (see :meth:`TokenTable.bounds`)."""

    form: NameForm
    names: IntArray
    q_person: BoolArray | None = None


class _Columns:
    """Tokens as columns: ids in a :class:`TokenTable` (see :meth:`TokenTable.row_info`),
    lengths, first and last letters, flags."""

    def __init__(self, fields: IntArray) -> None:
        cols = fields.T
        (
            self.text_id,
            self.rom_id,
            self.skel_id,
            self.cons_id,
            self.rom_len,
            self.text_len,
            self.first,
            self.rom_first,
            self.rom_last,
            self.text_last,
        ) = cols[:10]
        self.alpha, self.dotted, self.generic, self.romanised = cols[10:] != 0


class _Rows(_Columns):
    """Query-side tokens as arrays of their ids in a :class:`TokenTable`."""

    def __init__(self, table: TokenTable, tokens: Sequence[Token]) -> None:
        self.tokens = tokens
        self.size = len(tokens)
        # a token the table holds has its fields there already; only new tokens are computed
        vids = np.fromiter((table.vocab.get(t, -1) for t in tokens), dtype=np.int64, count=len(tokens))
        fields = table.fields[vids]
        new = np.flatnonzero(vids < 0).tolist()
        if new:
            fields[new] = np.array([table.row_info(tokens[i]) for i in new], dtype=np.int64)
        super().__init__(fields)
        self.any_dotted = bool(self.dotted.any())
        self.weight = np.array([t.weight for t in tokens], dtype=np.float64)
        self.roms = np.array([t.rom for t in tokens], dtype=object)
        self.texts = np.array([t.text for t in tokens], dtype=object)
        n_text = len(table.text_ids)
        abbreviated = [
            (r, table.abbreviation_ids(t.text)) for r, t in enumerate(tokens) if t.text in table.abbreviations
        ]
        self.abbreviations = np.array([r * n_text + a for r, ids in abbreviated for a in ids], dtype=np.int64)
        self.has_abbreviation = np.zeros(len(tokens), dtype=bool)
        self.has_abbreviation[[r for r, ids in abbreviated if ids]] = True


class TokenTable(_Columns):
    """Every token of the indexed names, and each name as a run of token numbers."""

    def __init__(
        self,
        names: Sequence[IndexedName],
        entities: Sequence[IndexedEntity],
        factors: Sequence[float],
        normaliser: Normaliser,
    ) -> None:
        self.normaliser = normaliser
        self._rows: dict[Token, tuple[int, ...]] = {}
        self._abbreviation_ids: dict[str, frozenset[int]] = {}
        self._joined: dict[str, Token] = {}
        vocab: dict[Token, int] = {}
        texts, roms, skels, conss = _Ids(), _Ids(), _Ids(), _Ids()
        tok_vid: list[int] = []
        join_vid: list[int] = []
        tok_start = [0]
        join_start = [0]
        acro_tid: list[int] = []
        acro_len: list[int] = []
        acro_word: list[str] = []
        distinct: list[int] = []

        def vid(tok: Token) -> int:
            found = vocab.get(tok)
            if found is None:
                found = vocab[tok] = len(vocab)
            return found

        for name in names:
            tokens = name.form.tokens
            tok_vid.extend(vid(t) for t in tokens)
            tok_start.append(len(tok_vid))
            for a, b in itertools.pairwise(tokens):
                join_vid.append(vid(normaliser.token(a.text + b.text)))
            join_start.append(len(join_vid))
            distinctive = [t for t in tokens if not t.generic]
            distinct.append(len(distinctive))
            word = distinctive[0].text if len(distinctive) == 1 else ""
            if word.isalpha() and len(word) >= 3:
                acro_tid.append(texts(word))
                acro_len.append(len(word))
                acro_word.append(word)
            else:
                acro_tid.append(-1)
                acro_len.append(0)
                acro_word.append("")
        self.tokens: list[Token] = list(vocab)
        self.vocab = vocab
        for t in self.tokens:
            texts(t.text)
            roms(t.rom)
            if len(t.skeleton) >= MIN_SKELETON:
                skels(t.skeleton)
            if len(cons := consonants(t.rom)) >= MIN_CONSONANTS:
                conss(cons)
        self.text_ids, self.rom_ids, self.skel_ids, self.cons_ids = texts.ids, roms.ids, skels.ids, conss.ids
        # every token's fields as a query row would have them; the table's own columns are the
        # same, except that a skeleton or consonants too short to compare is -1 here, -2 there
        self.fields = np.array([self._fields(t) for t in self.tokens], dtype=np.int64).reshape(
            len(self.tokens), ROW_FIELDS
        )
        super().__init__(self.fields)
        self.skel_id = np.where(self.skel_id == _ABSENT, -1, self.skel_id)
        self.cons_id = np.where(self.cons_id == _ABSENT, -1, self.cons_id)
        self.text_array = np.array([t.text for t in self.tokens], dtype=object)
        self.rom_array = np.array([t.rom for t in self.tokens], dtype=object)
        self.weight = np.array([t.weight for t in self.tokens], dtype=np.float64)
        self.tok_vid = np.array(tok_vid, dtype=np.int64)
        self.tok_start = np.array(tok_start, dtype=np.int64)
        self.join_vid = np.array(join_vid, dtype=np.int64)
        self.join_start = np.array(join_start, dtype=np.int64)
        self.name_ntok = np.diff(self.tok_start)
        self.name_weight = np.array([n.form.total_weight for n in names], dtype=np.float64)
        self.name_latin = np.array([n.form.latin for n in names], dtype=bool)
        # Hangul, Han or Kana names: scored against Latin ones by their reading (scripts.py)
        self.name_readable = np.array([readable(n.form, listed=True) for n in names], dtype=bool)
        self.name_person = np.array([n.form.person for n in names], dtype=bool)
        self.name_distinct = np.array(distinct, dtype=np.int64)
        self.name_acro_tid = np.array(acro_tid, dtype=np.int64)
        self.name_acro_len = np.array(acro_len, dtype=np.int64)
        self.name_acro_word = np.array(acro_word, dtype=object)  # a name's one distinctive word, when it has one
        self.name_factor = np.array(factors, dtype=np.float64)
        self.name_entity = np.array([n.entity_no for n in names], dtype=np.int64)
        self.name_entity_person = np.array([entities[n.entity_no].person for n in names], dtype=bool)
        # the acronym rule (rules.acronym_fit): each name's words, and which first letters an
        # acronym of it may begin with (those of its words up to the first one it cannot skip)
        skippable = normaliser.acronym_skippable
        words_of = [n.form.words for n in names]
        self.name_words = np.array([" ".join(w) for w in words_of], dtype=object)
        self.name_acro_lead = np.array([_lead_letters(w, skippable) for w in words_of], dtype=np.int64)
        # an acronym takes one or two letters of every word it may not leave out, two at most of the others
        self.name_acro_min = np.array([sum(w not in skippable for w in ws) for ws in words_of], dtype=np.int64)
        self.name_acro_max = np.array(
            [sum(min(ACRONYM_MAX_PREFIX, len(w)) for w in ws) for ws in words_of], dtype=np.int64
        )
        self.abbreviations = normaliser.vocabulary.equivalents  # abbreviations and nicknames, both ways

    # -- token similarity ---------------------------------------------------------------------

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state["_rows"] = {}
        state["_joined"] = {}
        state["_abbreviation_ids"] = {}
        return state

    def joined_token(self, a: Token, b: Token) -> Token:
        """Two adjacent tokens written as one, as far as similarity goes (the joined token's
        weight is never used: the two tokens keep their own)."""
        text = a.text + b.text
        found = self._joined.get(text)
        if found is None:
            rom = self.normaliser.romanise(text)
            found = Token(text=text, rom=rom, skeleton=skeleton(rom), weight=0.0, generic=False, dotted=False)
            if len(self._joined) >= ROW_CACHE_SIZE:
                self._joined.clear()
            self._joined[text] = found
        return found

    def row_info(self, tok: Token) -> tuple[int, ...]:
        """A token's ids in this table (-2 where the table has no such value, or where the
        skeleton or consonants are too short to compare), its lengths, letters and flags: the
        columns of :attr:`fields` (see :class:`_Rows`)."""
        found = self._rows.get(tok)
        if found is None:
            found = self._fields(tok)
            if len(self._rows) >= ROW_CACHE_SIZE:
                self._rows.clear()
            self._rows[tok] = found
        return found

    def _fields(self, tok: Token) -> tuple[int, ...]:
        cons = consonants(tok.rom)
        return (
            self.text_ids.get(tok.text, _ABSENT),
            self.rom_ids.get(tok.rom, _ABSENT),
            self.skel_ids.get(tok.skeleton, _ABSENT) if len(tok.skeleton) >= MIN_SKELETON else _ABSENT,
            self.cons_ids.get(cons, _ABSENT) if len(cons) >= MIN_CONSONANTS else _ABSENT,
            len(tok.rom),
            len(tok.text),
            ord(tok.text[0]),
            ord(tok.rom[0]) if tok.rom else -1,
            ord(tok.rom[-1]) if tok.rom else -1,
            ord(tok.text[-1]),
            tok.text.isalpha(),
            tok.dotted,
            tok.generic,
            tok.rom != tok.text,
        )

    def abbreviation_ids(self, text: str) -> frozenset[int]:
        """Text ids of the known expansions and abbreviations of `text`."""
        found = self._abbreviation_ids.get(text)
        if found is None:
            found = self._abbreviation_ids[text] = frozenset(
                self.text_ids[a] for a in self.abbreviations.get(text, ()) if a in self.text_ids
            )
        return found

    def pair_similarities(self, rows: Sequence[Token], vids: IntArray) -> tuple[FloatArray, FloatArray]:
        """``similarity(rows[i], tokens[vids[i]], cross)`` for each i, same script and cross
        script: the rules of :meth:`NameScorer.similarity` in its order, first one wins."""
        return self._cell_similarities(_Rows(self, rows), np.arange(len(rows), dtype=np.int64), vids)

    def _cell_similarities(self, rows: _Rows, cell_row: IntArray, vid: IntArray) -> tuple[FloatArray, FloatArray]:
        sim = np.zeros(len(vid), dtype=np.float64)
        if not len(vid):
            return sim, sim.copy()
        c_text = self.text_id[vid]
        done = rows.text_id[cell_row] == c_text
        sim[done] = EXACT
        spelling = ~done & (rows.rom_id[cell_row] == self.rom_id[vid])
        sim[spelling] = SPELLING
        done |= spelling
        if len(rows.abbreviations):
            cells = np.flatnonzero(~done & rows.has_abbreviation[cell_row])
            cells = cells[np.isin(cell_row[cells] * len(self.text_ids) + c_text[cells], rows.abbreviations)]
            sim[cells] = ABBREVIATION
            done[cells] = True
        # a dotted token abbreviates a longer one it begins ("ind." / "industries")
        q_len, c_len = rows.text_len[cell_row], self.text_len[vid]
        same_first = rows.first[cell_row] == self.first[vid]
        c_dotted = same_first & self.dotted[vid] & (c_len >= 2) & (q_len > c_len)
        if rows.any_dotted:
            c_dotted |= same_first & rows.dotted[cell_row] & (q_len >= 2) & (c_len > q_len)
        for cell in np.flatnonzero(c_dotted & ~done).tolist():
            q, c = rows.tokens[int(cell_row[cell])].text, self.text_array[int(vid[cell])]
            if c.startswith(q) if len(c) > len(q) else q.startswith(c):
                sim[cell] = PREFIX
                done[cell] = True
        open_ = ~done & self.alpha[vid] & rows.alpha[cell_row]
        q_rom_len, c_rom_len = rows.rom_len[cell_row], self.rom_len[vid]
        budget = np.searchsorted(BUDGET_STEPS, np.minimum(q_rom_len, c_rom_len), side="right")
        # an edit distance is at least the difference in length: most pairs need no distance
        near = (np.abs(q_rom_len - c_rom_len) <= budget) | (
            np.abs(rows.text_len[cell_row] - self.text_len[vid]) <= budget
        )
        typo = np.flatnonzero(open_ & (budget > 0) & near)
        if len(typo):
            # an edit distance is at least the difference in length, and one edit leaves the
            # first or the last letter of a word of three letters or more in place
            q_cells, c_cells, limit = cell_row[typo], vid[typo], budget[typo]
            one = limit == 1
            dist = np.full(len(typo), MAX_TYPO_BUDGET + 1, dtype=np.int64)
            near = (np.abs(q_rom_len[typo] - c_rom_len[typo]) <= limit) & (
                ~one
                | (rows.rom_first[q_cells] == self.rom_first[c_cells])
                | (rows.rom_last[q_cells] == self.rom_last[c_cells])
            )
            cells = np.flatnonzero(near)
            if len(cells):
                dist[cells] = process.cpdist(
                    rows.roms[q_cells[cells]],
                    self.rom_array[c_cells[cells]],
                    scorer=OSA.distance,
                    score_cutoff=MAX_TYPO_BUDGET,
                    dtype=np.int64,
                )
            # the distance of the plain texts differs only where either token's romanisation does
            q_len, c_len = rows.text_len[q_cells], self.text_len[c_cells]
            near = (
                (rows.romanised[q_cells] | self.romanised[c_cells])
                & (np.abs(q_len - c_len) <= limit)
                & (
                    ~one
                    | (q_len < 3)
                    | (c_len < 3)
                    | (rows.first[q_cells] == self.first[c_cells])
                    | (rows.text_last[q_cells] == self.text_last[c_cells])
                )
            )
            cells = np.flatnonzero(near)
            if len(cells):
                dist[cells] = np.minimum(
                    dist[cells],
                    process.cpdist(
                        rows.texts[q_cells[cells]],
                        self.text_array[c_cells[cells]],
                        scorer=OSA.distance,
                        score_cutoff=MAX_TYPO_BUDGET,
                        dtype=np.int64,
                    ),
                )
            ok = dist <= budget[typo]
            hit = typo[ok]
            sim[hit] = 1.0 - TYPO_SLOPE * dist[ok] / np.maximum(q_rom_len[hit], c_rom_len[hit])
            open_[hit] = False
        same_skeleton = open_ & (rows.skel_id[cell_row] == self.skel_id[vid])
        cross = sim.copy()
        sim[same_skeleton] = SKELETON_SAME_SCRIPT
        cross[same_skeleton] = SKELETON_CROSS_SCRIPT
        cross[open_ & ~same_skeleton & (rows.cons_id[cell_row] == self.cons_id[vid])] = SKELETON_CROSS_SCRIPT
        return sim, cross

    # -- the bound ---------------------------------------------------------------------------

    def bounds(self, q: NameForm, name_nos: IntArray, q_person: BoolArray | None = None) -> FloatArray:
        """For each name in `name_nos`: a value that ``compare_forms(q, name).score`` times
        the name's factor (weak alias, one-word person name) provably does not exceed.

        `q_person` (per name) stands for `q.person` when one pass serves a query's organisation
        and person forms, which differ only in that flag when their tokens are the same."""
        return self.bounds_many([BoundJob(q, name_nos, q_person)])[0]

    def bounds_many(self, jobs: Sequence[BoundJob]) -> list[FloatArray]:
        """:meth:`bounds` for many queries at once: the same arithmetic, element by element,
        over all their (query token, candidate token) pairs, so that the cost of each array
        operation is shared by the whole block."""
        out = [np.zeros(len(job.names), dtype=np.float64) for job in jobs]
        active = [j for j, job in enumerate(jobs) if job.form.tokens and len(job.names)]
        if not active:
            return out
        forms = [jobs[j].form for j in active]
        n_per = np.array([len(jobs[j].names) for j in active], dtype=np.int64)
        names = np.concatenate([jobs[j].names for j in active]).astype(np.int64)
        n_names = len(names)
        name_job = np.repeat(np.arange(len(active), dtype=np.int64), n_per)
        job_name_start = np.cumsum(n_per) - n_per
        name_local = np.arange(n_names, dtype=np.int64) - job_name_start[name_job]
        # query tokens: one row each
        k_per = np.array([len(f.tokens) for f in forms], dtype=np.int64)
        rows = _Rows(self, [t for f in forms for t in f.tokens])
        row_job = np.repeat(np.arange(len(active), dtype=np.int64), k_per)
        job_row_start = np.cumsum(k_per) - k_per
        # candidate tokens: one column each, name by name, job by job
        tok_lens = self.name_ntok[names]
        name_col_start = np.cumsum(tok_lens) - tok_lens
        c_vid = self.tok_vid[ragged_positions(self.tok_start[names], tok_lens)]
        c_name = np.repeat(np.arange(n_names, dtype=np.int64), tok_lens)
        job_ncols = np.bincount(name_job, weights=tok_lens, minlength=len(active)).astype(np.int64)
        job_col_start = np.cumsum(job_ncols) - job_ncols
        # (query token, candidate name) pairs, row by row: pair = row_pair_start[row] + name_local
        pair_counts = n_per[row_job]
        row_pair_start = np.cumsum(pair_counts) - pair_counts
        pair_row = np.repeat(np.arange(rows.size, dtype=np.int64), pair_counts)
        pair_name = ragged_positions(job_name_start[row_job], pair_counts)
        q_latin = np.array([f.latin for f in forms], dtype=bool)
        name_cross = self.name_latin[names] != q_latin[name_job]

        def pick(same: FloatArray, cross: FloatArray, cell_name: IntArray) -> FloatArray:
            return np.where(name_cross[cell_name], cross, same)

        q_person = np.concatenate(
            [
                np.full(len(jobs[j].names), jobs[j].form.person) if jobs[j].q_person is None else jobs[j].q_person
                for j in active
            ]
        ).astype(bool)
        pair_person = q_person | self.name_person[names]
        # every query token against every candidate token of its job
        cell_row = np.repeat(np.arange(rows.size, dtype=np.int64), job_ncols[row_job])
        cell_col = ragged_positions(job_col_start[row_job], job_ncols[row_job])
        cell_name = c_name[cell_col]
        cell_vid = c_vid[cell_col]
        sim = pick(*self._cell_similarities(rows, cell_row, cell_vid), cell_name)
        # persons: an initial matches a word it begins (compare_forms' "initial" alignment)
        initial = (
            pair_person[cell_name]
            & ((rows.text_len[cell_row] == 1) != (self.text_len[cell_vid] == 1))
            & (rows.first[cell_row] == self.first[cell_vid])
            & rows.alpha[cell_row]
            & self.alpha[cell_vid]
        )
        sim = np.where(initial, np.maximum(sim, INITIAL), sim)
        best_q = np.zeros(len(pair_row), dtype=np.float64)
        np.maximum.at(best_q, row_pair_start[cell_row] + name_local[cell_name], sim)
        best_c = np.zeros(len(c_vid), dtype=np.float64)
        np.maximum.at(best_c, cell_col, sim)
        # two adjacent query tokens written as one candidate token ("fang wei" / "fangwei")
        self._query_joins(
            forms,
            k_per,
            job_row_start,
            job_ncols,
            job_col_start,
            c_vid,
            c_name,
            name_local,
            row_pair_start,
            best_q,
            best_c,
            pick,
        )
        # two adjacent candidate tokens written as one query token
        join_first = self.join_start[names]
        join_lens = self.join_start[names + 1] - join_first
        join_pos = ragged_positions(join_first, join_lens)
        if len(join_pos):
            j_vid = self.join_vid[join_pos]
            j_name = np.repeat(np.arange(n_names, dtype=np.int64), join_lens)
            j_flat = name_col_start[j_name] + (join_pos - join_first[j_name])
            job_njoins = np.bincount(name_job, weights=join_lens, minlength=len(active)).astype(np.int64)
            job_join_start = np.cumsum(job_njoins) - job_njoins
            cell_row = np.repeat(np.arange(rows.size, dtype=np.int64), job_njoins[row_job])
            cell_join = ragged_positions(job_join_start[row_job], job_njoins[row_job])
            cj_vid = j_vid[cell_join]
            plausible = np.flatnonzero(
                (rows.first[cell_row] == self.first[cj_vid])
                & (np.abs(rows.text_len[cell_row] - self.text_len[cj_vid]) <= JOIN_SLACK)
            )
            if len(plausible):
                cell_row, cell_join, cj_vid = cell_row[plausible], cell_join[plausible], cj_vid[plausible]
                cell_name = j_name[cell_join]
                sim = pick(*self._cell_similarities(rows, cell_row, cj_vid), cell_name)
                good = sim >= JOIN_MIN
                if good.any():
                    sim, cell_row, cell_join, cell_name = sim[good], cell_row[good], cell_join[good], cell_name[good]
                    np.maximum.at(best_q, row_pair_start[cell_row] + name_local[cell_name], sim)
                    np.maximum.at(best_c, j_flat[cell_join], sim)
                    np.maximum.at(best_c, j_flat[cell_join] + 1, sim)
        # coverage: every token at its best similarity
        matched = np.bincount(pair_name, weights=rows.weight[pair_row] * best_q, minlength=n_names)
        matched += np.bincount(c_name, weights=self.weight[c_vid] * best_c, minlength=n_names)
        q_total = np.array([f.total_weight for f in forms], dtype=np.float64)
        bound = np.minimum(matched / (q_total[name_job] + self.name_weight[names]), 1.0)
        # subset rule: every word of the shorter name matched at JOIN_MIN or better
        factor = np.where(pair_person, PERSON_SUBSET_BOUND, SUBSET_FACTOR)
        q_min = np.full(n_names, np.inf)
        np.minimum.at(q_min, pair_name, best_q)
        c_min = np.full(n_names, np.inf)
        np.minimum.at(c_min, c_name, best_c)
        q_distinct = np.bincount(row_job, weights=~rows.generic, minlength=len(active))
        q_ok = (q_distinct[name_job] >= SUBSET_MIN_DISTINCTIVE) & (q_min >= JOIN_MIN)
        c_ok = (self.name_distinct[names] >= SUBSET_MIN_DISTINCTIVE) & (c_min >= JOIN_MIN)
        subset = np.where(k_per[name_job] <= tok_lens, np.where(q_ok, q_min, 0.0), np.where(c_ok, c_min, 0.0))
        bound = np.maximum(bound, subset * factor)
        # only generic words matched: capped
        distinctive_hit = np.bincount(pair_name, weights=(best_q > 0.0) & ~rows.generic[pair_row], minlength=n_names)
        # (not for a query of GENERIC_FULL_MIN_TOKENS or more words, which may be a whole generic name)
        q_tokens = np.array([len(f.tokens) for f in forms], dtype=np.int64)
        whole = q_tokens[name_job] >= GENERIC_FULL_MIN_TOKENS
        bound = np.where((distinctive_hit > 0) | whole, bound, np.minimum(bound, GENERIC_CAP))
        # bare name: a query with one distinctive word, the first distinctive word of a short
        # company name (bounded by that word's best similarity to any of the name's words)
        bare_tok = np.array([_bare_word(f) for f in forms], dtype=np.int64)
        if (bare_tok >= 0).any():
            ok_job = bare_tok[name_job] >= 0
            rows_of = job_row_start[name_job] + np.maximum(bare_tok[name_job], 0)
            d_best = best_q[row_pair_start[rows_of] + name_local]
            distinct = self.name_distinct[names]
            bare = ok_job & ~pair_person & (distinct >= 2) & (distinct <= BARE_NAME_MAX_TOKENS) & (d_best >= SPELLING)
            bound = np.where(bare, np.maximum(bound, BARE_NAME), bound)
        # a reading across scripts (scorer._read_across) is not bounded by the token arrays
        q_readable = np.array([readable(f) for f in forms], dtype=bool)
        read = name_cross & (q_readable[name_job] | self.name_readable[names])
        bound = np.where(read, 1.0, bound)
        bound = (bound + ROUNDING) * self.name_factor[names]
        for a, j in enumerate(active):
            span = slice(int(job_name_start[a]), int(job_name_start[a] + n_per[a]))
            acronyms = self._acronym_bounds(forms[a], names[span])
            if acronyms is not None:
                bound[span] = np.maximum(bound[span], (acronyms + ROUNDING) * self.name_factor[names[span]])
            out[j] = bound[span]
        return out

    def _query_joins(
        self,
        forms: Sequence[NameForm],
        k_per: IntArray,
        job_row_start: IntArray,
        job_ncols: IntArray,
        job_col_start: IntArray,
        c_vid: IntArray,
        c_name: IntArray,
        name_local: IntArray,
        row_pair_start: IntArray,
        best_q: FloatArray,
        best_c: FloatArray,
        pick: Callable[[FloatArray, FloatArray, IntArray], FloatArray],
    ) -> None:
        """Raise the best similarities where two adjacent query tokens, joined, are like a
        candidate token: only for plausible pairs (same first letter, length within 3)."""
        pairs = [
            (a, i)
            for a, f in enumerate(forms)
            for i in range(len(f.tokens) - 1)
            if len(f.tokens[i].text) >= JOIN_MIN_LETTERS and len(f.tokens[i + 1].text) >= JOIN_MIN_LETTERS
        ]
        if not pairs:
            return
        p_job = np.array([a for a, _ in pairs], dtype=np.int64)
        p_left = job_row_start[p_job] + np.array([i for _, i in pairs], dtype=np.int64)
        toks = [forms[a].tokens for a, _ in pairs]
        p_first = np.array([ord(t[i].text[0]) for t, (_, i) in zip(toks, pairs, strict=True)], dtype=np.int64)
        p_len = np.array(
            [len(t[i].text) + len(t[i + 1].text) for t, (_, i) in zip(toks, pairs, strict=True)], dtype=np.int64
        )
        cell_pair = np.repeat(np.arange(len(pairs), dtype=np.int64), job_ncols[p_job])
        cell_col = ragged_positions(job_col_start[p_job], job_ncols[p_job])
        vid = c_vid[cell_col]
        keep = np.flatnonzero(
            (p_first[cell_pair] == self.first[vid]) & (np.abs(self.text_len[vid] - p_len[cell_pair]) <= JOIN_SLACK)
        )
        if not len(keep):
            return
        cell_pair, cell_col, vid = cell_pair[keep], cell_col[keep], vid[keep]
        used, cell_row = np.unique(cell_pair, return_inverse=True)
        joined = _Rows(self, [self.joined_token(toks[p][pairs[p][1]], toks[p][pairs[p][1] + 1]) for p in used.tolist()])
        cell_name = c_name[cell_col]
        sim = pick(*self._cell_similarities(joined, cell_row, vid), cell_name)
        good = sim >= JOIN_MIN
        if not good.any():
            return
        sim, cell_pair, cell_col, cell_name = sim[good], cell_pair[good], cell_col[good], cell_name[good]
        left = p_left[cell_pair]
        np.maximum.at(best_q, row_pair_start[left] + name_local[cell_name], sim)
        np.maximum.at(best_q, row_pair_start[left + 1] + name_local[cell_name], sim)
        np.maximum.at(best_c, cell_col, sim)

    def _acronym_bounds(self, q: NameForm, name_nos: IntArray) -> FloatArray | None:
        """The acronym rule ("SBIG" for "Shahid Bakeri Industrial Group"), either way round, as
        :meth:`NameScorer._acronym` has it (the same :func:`acronym_fit`, at the highest
        similarity it may give); None when it cannot apply to any of the names."""
        out: FloatArray | None = None
        skippable = self.normaliser.acronym_skippable
        distinctive = [t.text for t in q.tokens if not t.generic]
        word = distinctive[0] if len(distinctive) == 1 else ""
        if word.isalpha() and len(word) >= 3:
            sim = ACRONYM if len(word) >= 4 else BARE_ACRONYM
            lead = 1 << _letter_bit(word[0])
            maybe = np.flatnonzero(
                ((self.name_acro_lead[name_nos] & lead) != 0)
                & (self.name_acro_min[name_nos] <= len(word))
                & (self.name_acro_max[name_nos] >= len(word))
            )
            words = self.name_words
            found = [
                i
                for i, no in zip(maybe.tolist(), name_nos[maybe].tolist(), strict=True)
                if acronym_fit(word, tuple(words[no].split()), skippable) >= 0
            ]
            if found:
                out = np.zeros(len(name_nos), dtype=np.float64)
                out[found] = sim
        if len(q.words) >= ACRONYM_MIN_WORDS:
            tids = self.name_acro_tid[name_nos]
            maybe = np.flatnonzero(tids >= 0)
            if len(maybe):
                fits: dict[int, bool] = {}
                hit = np.zeros(len(name_nos), dtype=bool)
                for i, no, tid in zip(maybe.tolist(), name_nos[maybe].tolist(), tids[maybe].tolist(), strict=True):
                    ok = fits.get(tid)
                    if ok is None:
                        ok = fits[tid] = acronym_fit(self.name_acro_word[no], q.words, skippable) >= 0
                    hit[i] = ok
                if hit.any():
                    sims = np.where(hit, np.where(self.name_acro_len[name_nos] >= 4, ACRONYM, BARE_ACRONYM), 0.0)
                    out = sims if out is None else np.maximum(out, sims)
        return out


def _letter_bit(letter: str) -> int:
    """The bit of a first letter in :attr:`TokenTable.name_acro_lead` (a-z, then one for any other)."""
    return ord(letter) - 97 if "a" <= letter <= "z" else 26


def _lead_letters(words: Sequence[str], skippable: frozenset[str]) -> int:
    """The first letters an acronym of a name with these words may begin with, as bits: those of
    its words up to and including the first one the acronym may not leave out."""
    bits = 0
    for w in words:
        bits |= 1 << _letter_bit(w[0])
        if w not in skippable:
            break
    return bits


def _bare_word(form: NameForm) -> int:
    """The position of the one distinctive word of `form` that the bare-name rule of the scorer
    may apply to, or -1."""
    distinctive = [i for i, t in enumerate(form.tokens) if not t.generic]
    if len(distinctive) != 1:
        return -1
    tok = form.tokens[distinctive[0]]
    return distinctive[0] if len(tok.text) >= BARE_NAME_MIN_LENGTH and tok.text.isalpha() else -1
