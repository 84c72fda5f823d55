"""Score two names: align their tokens, weigh what matched against what did not.

The name score is symmetric coverage: every token of both names carries a weight (1 for a
distinctive token, less for generic words such as "trading" and for single letters); aligned
token pairs contribute their similarity times their weights, unaligned tokens nothing::

    score = (matched weight of A + matched weight of B) / (total weight of A + total weight of B)

Token similarity, best first: exact; same romanisation ("Wysokototschnye" / "Vysokotochnye");
known abbreviation ("Intl" / "International") or a dotted prefix ("Ind." / "Industries");
edit distance (transpositions count once) within a budget that grows with token length and is
zero for tokens shorter than four letters or with digits; same consonant skeleton (what
Arabic-script names keep). Adjacent tokens may be joined ("Fang Wei" / "Fangwei"), and a
single token may be the acronym of the other name ("SBIG"). A name whose matched tokens are
all generic words is capped below any sensible threshold, so "Trading Co" never matches.
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz.distance import OSA

from tripline.screening.normalize import NameForm, Normaliser, Token, consonants

EXACT = 1.0
SPELLING = 0.95
ABBREVIATION = 0.95
PREFIX = 0.85
SKELETON_CROSS_SCRIPT = 0.85
SKELETON_SAME_SCRIPT = 0.7
ACRONYM = 0.86
SHORT_ACRONYM = 0.7  # three letters: shown at low thresholds only
GENERIC_CAP = 0.5
JOIN_MIN = 0.85
SUBSET_FACTOR = 0.85
PERSON_SUBSET_FACTOR = 0.8  # "Jorge Rodriguez" for "Jorge Jesus RODRIGUEZ GOMEZ": at the threshold, not above
SUBSET_MIN_DISTINCTIVE = 2


@dataclass(frozen=True, slots=True)
class TokenMatch:
    """One aligned pair of tokens (or joined tokens)."""

    query: str
    candidate: str
    similarity: float
    how: str

    def describe(self) -> str:
        if self.how == "exact":
            return f"{self.query!r} exact"
        return f"{self.query!r}~{self.candidate!r} ({self.how}, {self.similarity:.2f})"


@dataclass(frozen=True, slots=True)
class NameScore:
    """The score of one name pair and how it came about."""

    score: float
    matches: tuple[TokenMatch, ...] = ()
    unmatched_query: tuple[str, ...] = ()
    unmatched_candidate: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    def describe(self) -> str:
        parts = [m.describe() for m in self.matches]
        text = ", ".join(parts) if parts else "no token matched"
        if self.unmatched_query:
            text += f"; not in list name: {' '.join(self.unmatched_query)}"
        if self.unmatched_candidate:
            text += f"; not in query: {' '.join(self.unmatched_candidate)}"
        for note in self.notes:
            text += f"; {note}"
        return text


NO_MATCH = NameScore(0.0, notes=("nothing comparable (only legal forms or stop words)",))


def typo_budget(length: int) -> int:
    """Edits allowed in a token of this length."""
    if length < 4:
        return 0
    if length < 8:
        return 1
    if length < 12:
        return 2
    return 3


class NameScorer:
    """Compares :class:`NameForm` objects; caches token similarities (one per process is fine)."""

    def __init__(self, normaliser: Normaliser | None = None, cache_size: int = 500_000) -> None:
        self.normaliser = normaliser or Normaliser()
        self._abbreviations = self.normaliser.vocabulary.abbreviations
        self._cache: dict[tuple[str, str, bool, bool, bool], tuple[float, str]] = {}
        self._cache_size = cache_size

    def compare_names(self, a: str, b: str, *, person: bool = False) -> NameScore:
        n = self.normaliser
        return self.compare_forms(n.form(a, person=person), n.form(b, person=person))

    def similarity(self, q: Token, c: Token, cross_script: bool) -> tuple[float, str]:
        key = (q.text, c.text, cross_script, q.dotted, c.dotted)
        hit = self._cache.get(key)
        if hit is None:
            hit = self._similarity(q, c, cross_script)
            if len(self._cache) >= self._cache_size:
                self._cache.clear()
            self._cache[key] = hit
        return hit

    def _similarity(self, q: Token, c: Token, cross_script: bool) -> tuple[float, str]:
        if q.text == c.text:
            return EXACT, "exact"
        if q.rom == c.rom:
            return SPELLING, "spelling variant"
        abbr = self._abbreviations
        if c.text in abbr.get(q.text, ()) or q.text in abbr.get(c.text, ()):
            return ABBREVIATION, "abbreviation"
        if (q.dotted and len(q.text) >= 2 and len(c.text) > len(q.text) and c.text.startswith(q.text)) or (
            c.dotted and len(c.text) >= 2 and len(q.text) > len(c.text) and q.text.startswith(c.text)
        ):
            return PREFIX, "abbreviation"
        if not (q.text.isalpha() and c.text.isalpha()):
            return 0.0, ""
        length = max(len(q.rom), len(c.rom))
        budget = typo_budget(min(len(q.rom), len(c.rom)))
        if budget:
            dist = min(
                OSA.distance(q.rom, c.rom, score_cutoff=budget), OSA.distance(q.text, c.text, score_cutoff=budget)
            )
            if dist <= budget:
                return 1.0 - 0.6 * dist / length, f"{dist} letter{'s' if dist > 1 else ''} differ"
        if len(q.skeleton) >= 3 and q.skeleton == c.skeleton:
            sim = SKELETON_CROSS_SCRIPT if cross_script else SKELETON_SAME_SCRIPT
            return sim, "same consonants"
        if cross_script:
            # Arabic script may not write a word's first short vowel ("Azam" / "zam")
            qc, cc = consonants(q.rom), consonants(c.rom)
            if len(qc) >= 2 and qc == cc:
                return SKELETON_CROSS_SCRIPT, "same consonants"
        return 0.0, ""

    def compare_forms(self, q: NameForm, c: NameForm) -> NameScore:
        """Align the tokens of two names and score the alignment."""
        qt, ct = q.tokens, c.tokens
        if not qt or not ct:
            return NO_MATCH
        if q.key == c.key:
            return self._identical(q)
        cross = q.latin != c.latin
        options: list[tuple[float, tuple[int, ...], tuple[int, ...], str, str, str]] = []
        for i, a in enumerate(qt):
            for j, b in enumerate(ct):
                sim, how = self.similarity(a, b, cross)
                if sim > 0.0:
                    options.append((sim, (i,), (j,), how, a.text, b.text))
        if len(qt) > 1:
            self._joined(qt, ct, cross, options, query_side=True)
        if len(ct) > 1:
            self._joined(ct, qt, cross, options, query_side=False)
        options.sort(key=lambda o: (o[0], len(o[1]) + len(o[2])), reverse=True)
        used_q: set[int] = set()
        used_c: set[int] = set()
        matches: list[TokenMatch] = []
        matched_q = matched_c = 0.0
        distinctive = False
        for sim, qpos, cpos, how, qtext, ctext in options:
            if used_q.intersection(qpos) or used_c.intersection(cpos):
                continue
            used_q.update(qpos)
            used_c.update(cpos)
            matches.append(TokenMatch(qtext, ctext, sim, how))
            matched_q += sim * sum(qt[i].weight for i in qpos)
            matched_c += sim * sum(ct[j].weight for j in cpos)
            distinctive = distinctive or any(not qt[i].generic for i in qpos)
        total = q.total_weight + c.total_weight
        score = (matched_q + matched_c) / total
        notes: list[str] = []
        factor = PERSON_SUBSET_FACTOR if (q.person or c.person) else SUBSET_FACTOR
        if score < factor:
            subset = self._subset(qt, ct, used_q, used_c, matches, factor)
            if subset > score:
                score = subset
                notes.append(f"every word of the shorter name found in the longer: x{factor:g}")
        if not matches or not distinctive:
            acronym = self._acronym(q, c)
            if acronym is not None:
                return acronym
        if matches and not distinctive and score > GENERIC_CAP:
            score = GENERIC_CAP
            notes.append(f"only generic words matched: capped at {GENERIC_CAP}")
        return NameScore(
            score=round(min(score, 1.0), 4),
            matches=tuple(matches),
            unmatched_query=tuple(t.text for i, t in enumerate(qt) if i not in used_q),
            unmatched_candidate=tuple(t.text for j, t in enumerate(ct) if j not in used_c),
            notes=tuple(notes),
        )

    @staticmethod
    def _subset(
        qt: tuple[Token, ...],
        ct: tuple[Token, ...],
        used_q: set[int],
        used_c: set[int],
        matches: list[TokenMatch],
        factor: float,
    ) -> float:
        """An organisation named by part of its name ("Pars Energy Gostar" for "Pars Energy-Gostar
        Drilling and Exploration"): every word of the shorter name matched, two distinctive."""
        shorter, used = (qt, used_q) if len(qt) <= len(ct) else (ct, used_c)
        if len(used) != len(shorter) or sum(1 for t in shorter if not t.generic) < SUBSET_MIN_DISTINCTIVE:
            return 0.0
        if any(m.similarity < JOIN_MIN for m in matches):
            return 0.0
        return factor * min(m.similarity for m in matches)

    def _identical(self, q: NameForm) -> NameScore:
        if all(t.generic for t in q.tokens):
            note = f"only generic words matched: capped at {GENERIC_CAP}"
            return NameScore(
                GENERIC_CAP, tuple(TokenMatch(t.text, t.text, EXACT, "exact") for t in q.tokens), notes=(note,)
            )
        return NameScore(1.0, tuple(TokenMatch(t.text, t.text, EXACT, "exact") for t in q.tokens))

    def _joined(
        self,
        side: tuple[Token, ...],
        other: tuple[Token, ...],
        cross: bool,
        options: list[tuple[float, tuple[int, ...], tuple[int, ...], str, str, str]],
        *,
        query_side: bool,
    ) -> None:
        for i in range(len(side) - 1):
            joined_text = side[i].text + side[i + 1].text
            first, size = joined_text[0], len(joined_text)
            plausible = [
                (j, b) for j, b in enumerate(other) if b.text[0] == first and size - 3 <= len(b.text) <= size + 3
            ]
            if not plausible:
                continue
            joined = self.normaliser.token(joined_text)
            for j, b in plausible:
                sim, how = self.similarity(joined, b, cross)
                if sim >= JOIN_MIN:
                    shown = f"{side[i].text} {side[i + 1].text}"
                    if query_side:
                        options.append((sim, (i, i + 1), (j,), f"joined, {how}", shown, b.text))
                    else:
                        options.append((sim, (j,), (i, i + 1), f"joined, {how}", b.text, shown))

    def _acronym(self, q: NameForm, c: NameForm) -> NameScore | None:
        for short, long_, short_is_query in ((q, c, True), (c, q, False)):
            if not long_.acronyms or len(short.tokens) >= len(long_.tokens):
                continue
            distinctive = [t for t in short.tokens if not t.generic]
            if len(distinctive) != 1:
                continue  # "KGI International" is the acronym plus generic words
            word = distinctive[0].text
            if not word.isalpha() or len(word) < 3 or word not in long_.acronyms:
                continue
            sim = ACRONYM if len(word) >= 4 else SHORT_ACRONYM
            full = long_.key
            match = TokenMatch(word, full, sim, "acronym") if short_is_query else TokenMatch(full, word, sim, "acronym")
            return NameScore(score=sim, matches=(match,))
        return None
