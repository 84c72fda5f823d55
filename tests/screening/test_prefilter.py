"""The vectorised bound (`tripline/screening/prefilter.py`) against the scorer it bounds.

Screening prunes every candidate name whose bound is below the floor, so two things must hold
exactly: the table's token similarities are the scorer's, and the bound of a name is never
below the score the full alignment gives it. Both are checked on every (query, candidate)
pair of the 500 labelled cases and on generated names (hypothesis).
"""

from __future__ import annotations

import dataclasses
import string

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.screening.cases import Case
from tripline.screening.entities import _name_factor
from tripline.screening.normalize import NameForm, Token
from tripline.screening.prefilter import BoundJob, TokenTable
from tripline.screening.result import ScreeningQuery
from tripline.screening.screener import Screener


def _expected(screener: Screener, rows: list[Token], vids: list[int], cross: bool) -> list[float]:
    table = screener.table
    return [screener.scorer.similarity(r, table.tokens[v], cross)[0] for r, v in zip(rows, vids, strict=True)]


def _check_similarities(screener: Screener, rows: list[Token], vids: list[int]) -> None:
    same, cross = screener.table.pair_similarities(rows, np.array(vids, dtype=np.int64))
    assert same.tolist() == _expected(screener, rows, vids, False)
    assert cross.tolist() == _expected(screener, rows, vids, True)


def _score(screener: Screener, form: NameForm, name_no: int) -> float:
    name = screener.names[name_no]
    return screener.scorer.compare_forms(form, name.form).score * _name_factor(name, screener.entities[name.entity_no])


def test_similarities_are_the_scorers_on_every_case_pair(screener: Screener, cases: list[Case]) -> None:
    table = screener.table
    rows: list[Token] = []
    vids: list[int] = []
    for case in cases:
        org, person = screener.query_forms(case.query)
        joined = [table.joined_token(a, b) for a, b in zip(org.tokens, org.tokens[1:], strict=False)]
        for name_no in screener.candidates(case.query):
            start, end = table.tok_start[name_no], table.tok_start[name_no + 1]
            j_start, j_end = table.join_start[name_no], table.join_start[name_no + 1]
            columns = table.tok_vid[start:end].tolist() + table.join_vid[j_start:j_end].tolist()
            for tok in (*org.tokens, *person.tokens, *joined):
                rows.extend([tok] * len(columns))
                vids.extend(columns)
    assert len(rows) > 20_000
    _check_similarities(screener, rows, vids)
    same, _ = table.pair_similarities(rows, np.array(vids, dtype=np.int64))
    assert {0.0, 1.0} < set(same.tolist())  # exact matches, misses and everything between occur


def _edit(text: str, data: st.DataObject) -> str:
    """One to three random edits of `text`: the typos, romanisations and abbreviations names
    arrive with."""
    letters = string.ascii_lowercase
    for _ in range(data.draw(st.integers(1, 3))):
        kind = data.draw(st.sampled_from(["sub", "ins", "del", "swap", "cut", "spell"]))
        i = data.draw(st.integers(0, max(len(text) - 1, 0)))
        if kind == "sub" and text:
            text = text[:i] + data.draw(st.sampled_from(letters)) + text[i + 1 :]
        elif kind == "ins":
            text = text[:i] + data.draw(st.sampled_from(letters)) + text[i:]
        elif kind == "del" and len(text) > 1:
            text = text[:i] + text[i + 1 :]
        elif kind == "swap" and i + 1 < len(text):
            text = text[:i] + text[i + 1] + text[i] + text[i + 2 :]
        elif kind == "cut" and len(text) > 3:
            text = text[: max(2, i)]
        elif kind == "spell":
            text = text.replace(
                *data.draw(st.sampled_from([("v", "w"), ("i", "y"), ("k", "c"), ("u", "ou"), ("s", "ss")]))
            )
    return text or "a"


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_similarities_are_the_scorers_on_edited_tokens(screener: Screener, data: st.DataObject) -> None:
    table = screener.table
    vid = data.draw(st.integers(0, len(table.tokens) - 1))
    text = _edit(table.tokens[vid].text, data)
    row = screener.normaliser.token(text, dotted=data.draw(st.booleans()))
    others = data.draw(st.lists(st.integers(0, len(table.tokens) - 1), min_size=1, max_size=30))
    vids = [vid, *others]
    _check_similarities(screener, [row] * len(vids), vids)


def test_bound_is_never_below_the_score_on_every_case_pair(screener: Screener, cases: list[Case]) -> None:
    pairs = pruned = 0
    for case in cases:
        for query in (case.query, dataclasses.replace(case.query, name=case.query.name.upper() + " Co., Ltd.")):
            org, person = screener.query_forms(query)
            numbers = np.array(screener.candidates(query), dtype=np.int64)
            if not len(numbers):
                continue
            for form in (org, person):
                bounds = screener.table.bounds(form, numbers)
                for name_no, bound in zip(numbers.tolist(), bounds.tolist(), strict=True):
                    score = _score(screener, form, name_no)
                    assert bound >= score, (query.name, screener.names[name_no].text, bound, score)
                    pairs += 1
                    pruned += bound < 0.7
    assert pairs > 10_000
    assert pruned > pairs / 2  # and it is useful: most candidates are provably out of reach


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_bound_is_never_below_the_score_on_generated_names(screener: Screener, data: st.DataObject) -> None:
    """Queries made of listed names' words, edited, reordered, dropped, joined, abbreviated:
    the bound of every name in a random sample of the index still holds."""
    name_no = data.draw(st.integers(0, len(screener.names) - 1))
    words = screener.names[name_no].text.split()
    words = data.draw(st.permutations(words)) if len(words) <= 6 else words
    out = []
    for word in words:
        kind = data.draw(st.sampled_from(["keep", "keep", "edit", "drop", "join", "dot"]))
        if kind == "edit":
            out.append(_edit(word.lower(), data))
        elif kind == "drop" and len(words) > 1:
            continue
        elif kind == "join" and out:
            out[-1] += word
        elif kind == "dot" and len(word) > 3:
            out.append(word[:3] + ".")
        else:
            out.append(word)
    extra = data.draw(st.sampled_from(["", " Trading Co", " LLC", " Industries", " Group"]))
    query = " ".join(out) + extra
    sample = {name_no, *data.draw(st.lists(st.integers(0, len(screener.names) - 1), max_size=40))}
    numbers = np.array(sorted(sample), dtype=np.int64)
    person = data.draw(st.booleans())
    form = screener.normaliser.form(query, person=person)
    for no, bound in zip(numbers.tolist(), screener.table.bounds(form, numbers).tolist(), strict=True):
        assert bound >= _score(screener, form, no), (query, screener.names[no].text)


def test_one_pass_for_both_forms_equals_two(screener: Screener) -> None:
    """A query whose organisation and person forms have the same tokens is bounded once, with
    the person flag per name; that gives what bounding each form separately gives."""
    table = screener.table
    numbers = np.arange(len(screener.names), dtype=np.int64)
    is_person = table.name_entity_person[numbers]
    assert 0 < is_person.sum() < len(numbers)
    for name in ("Ali Reza Mohammadi", "Bakeri Industrial", "Li Fang Wei"):
        org = screener.normaliser.form(name)
        person = screener.normaliser.form(name, person=True)
        assert org.tokens == person.tokens
        merged = table.bounds(org, numbers, q_person=is_person)
        assert merged[~is_person].tolist() == table.bounds(org, numbers[~is_person]).tolist()
        assert merged[is_person].tolist() == table.bounds(person, numbers[is_person]).tolist()


def test_a_block_of_queries_is_bounded_as_each_alone(screener: Screener, cases: list[Case]) -> None:
    jobs = []
    for case in cases[:120]:
        numbers = np.array(screener.candidates(case.query), dtype=np.int64)
        jobs.append(BoundJob(screener.query_forms(case.query)[0], numbers))
    jobs.append(BoundJob(screener.normaliser.form("Ltd"), np.array([1, 2], dtype=np.int64)))  # no tokens
    together = screener.table.bounds_many(jobs)
    for job, bounds in zip(jobs, together, strict=True):
        np.testing.assert_allclose(bounds, screener.table.bounds(job.form, job.names, job.q_person), rtol=0, atol=1e-12)


def test_blocks_give_what_single_queries_give(screener: Screener, cases: list[Case]) -> None:
    queries = [c.query for c in cases] + [ScreeningQuery.build("Shahid Bakeri", country="ir", schema="Organization")]
    block = [r.to_dict() for r in screener.screen_block(queries, threshold=0.6)]
    alone = [screener.screen(q, threshold=0.6).to_dict() for q in queries]
    assert block == alone
    assert sum(bool(r["matches"]) for r in block) > 300


def test_candidates_of_a_block_are_each_querys(screener: Screener, cases: list[Case]) -> None:
    groups = [screener._key_groups(c.query) for c in cases]
    assert screener.index.candidates_many(groups, 25) == [screener.index.candidates(g, 25) for g in groups]
    assert screener.index.candidates_many([[], *groups[:3]], 25)[0] == []


def test_table_survives_pickling(screener: Screener) -> None:
    import pickle

    table: TokenTable = pickle.loads(pickle.dumps(screener.table))
    form = screener.normaliser.form("Shahid Bakeri Industrial Group")
    numbers = np.arange(min(500, len(screener.names)), dtype=np.int64)
    assert table.bounds(form, numbers).tolist() == screener.table.bounds(form, numbers).tolist()


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_bound_holds_for_the_real_name_rules(screener: Screener, data: st.DataObject) -> None:
    """Queries that exercise the rules of issue 12 (initials for given names, the bare first
    word of a name, a title in front, an acronym of initials or of word beginnings, a name with
    its acronym in brackets, digits for letters, number words, a differing number): the bound
    of every sampled name still holds, for both forms."""
    name_no = data.draw(st.integers(0, len(screener.names) - 1))
    words = [w for w in screener.names[name_no].text.split() if w.isalpha()] or ["Name"]
    kinds = ["initials", "bare", "title", "acronym", "prefixed", "bracketed", "digits", "numbers", "number"]
    kind = data.draw(st.sampled_from(kinds))
    if kind == "initials":
        cut = data.draw(st.integers(1, len(words)))
        query = " ".join([w[0] + "." for w in words[: cut - 1]] + words[cut - 1 :])
    elif kind == "bare":
        query = data.draw(st.sampled_from(words))
    elif kind == "title":
        query = data.draw(st.sampled_from(["General ", "Minister ", "Sheikh "])) + " ".join(words)
    elif kind == "acronym":
        query = "".join(w[0] for w in words[:3]).upper()
    elif kind == "prefixed":  # one or two letters of each word, a generic word after it or not
        sizes = data.draw(st.lists(st.integers(1, 2), min_size=len(words), max_size=len(words)))
        query = "".join(w[:n] for w, n in zip(words, sizes, strict=True)).upper()
        query += data.draw(st.sampled_from(["", " Trading", " Co"]))
    elif kind == "bracketed":  # the name with its acronym in brackets, against names that may be the acronym
        query = " ".join(words) + " (" + "".join(w[0] for w in words).upper() + ")"
    elif kind == "digits":
        query = " ".join(words).replace("o", "0").replace("i", "1")
    elif kind == "numbers":
        query = " ".join(words) + data.draw(st.sampled_from([" Seventh", " 2nd", " Fifty-Five", " 123"]))
    else:
        query = " ".join(words[:2]) + " " + str(data.draw(st.integers(1, 999)))
    sample = {name_no, *data.draw(st.lists(st.integers(0, len(screener.names) - 1), max_size=40))}
    numbers = np.array(sorted(sample), dtype=np.int64)
    for person in (False, True):
        form = screener.normaliser.form(query, person=person)
        for no, bound in zip(numbers.tolist(), screener.table.bounds(form, numbers).tolist(), strict=True):
            assert bound >= _score(screener, form, no), (kind, query, screener.names[no].text)


def test_bound_holds_for_the_real_name_test_pairs() -> None:
    """The pairs of tests/screening/test_real_names.py, indexed and bounded."""
    from tripline.lists.model import ListedEntity

    listed = [
        ("Person", "AL-TIKRITI, Ali Hassan al-Majid"),
        ("Person", "RODRIGUEZ GOMEZ, Jorge Jesus"),
        ("Person", "LAVROV, Sergei Viktorovich"),
        ("Person", "Choe Kwang Su"),
        ("Person", "최광수"),
        ("Person", "SOLEIMANI, Qasem"),
        ("Person", "Robert Menendez"),
        ("Company", "MAHAN AIR"),
        ("Company", "MAHAN"),
        ("Company", "7TH OF TIR"),
        ("Company", "Joint Stock Company 123 Aviation Repair Plant"),
        ("Company", "JSC Sozvezdie Concern"),
        ("Organization", "FEDERAL SECURITY SERVICE"),
    ]
    entities = [
        ListedEntity(f"e{i}", "test", str(i), schema, name, {"name": [name]}, 0)
        for i, (schema, name) in enumerate(listed)
    ]
    screener = Screener(entities)
    queries = [
        "Ali Hassan",
        "Jorge Rodriguez",
        "S. V. Lavrov",
        "Choe Kwang Hyok",
        "최광혁",
        "General Qasem Soleimani",
        "Bob Menendez",
        "Mahan",
        "Mahan Travel Agency",
        "SEVENTH OF TIR",
        "Joint Stock Company 121 Aviation Repair Plant",
        "АО Концерн ‘Созвездие’",
        "FSB",
    ]
    numbers = np.arange(len(screener.names), dtype=np.int64)
    checked = 0
    for query in queries:
        for person in (False, True):
            form = screener.normaliser.form(query, person=person)
            for no, bound in zip(numbers.tolist(), screener.table.bounds(form, numbers).tolist(), strict=True):
                assert bound >= _score(screener, form, no), (query, screener.names[no].text)
                checked += 1
    assert checked == 2 * len(queries) * len(screener.names)
