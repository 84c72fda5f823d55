"""Score two names: align their tokens, weigh what matched against what did not.

The name score is symmetric coverage: every token of both names carries a weight (1 for a
distinctive token, less for generic words such as "trading" and for single letters); aligned
token pairs contribute their similarity times their weights, unaligned tokens nothing::

    score = (matched weight of A + matched weight of B) / (total weight of A + total weight of B)

Token similarity, best first: exact; same romanisation ("Wysokototschnye" / "Vysokotochnye");
known abbreviation ("Intl" / "International") or a dotted prefix ("Ind." / "Industries");
edit distance (transpositions count once) within a budget that grows with token length and is
zero for tokens shorter than four letters or with digits; same consonant skeleton (what
Arabic-script names keep). Adjacent tokens may be joined ("Fang Wei" / "Fangwei"; never an
initial: "J. Yang" is not "Jiang"), and a
single token may be the acronym of the other name ("SBIG"). A name whose matched tokens are
all generic words is capped below any sensible threshold, so "Trading Co" never matches.

Rules for real names (each says in the notes what it did):

* persons: an initial matches a given name it begins ("J." / "John"); a name matched only on
  common given and family names (names-dataset ranks, :mod:`frequency`) while one name has
  words the other lacks needs more evidence (capped below the threshold: country, birth date or
  an identifier must agree); two names that each have a word the other lacks (the same first
  names, different family or tribal names) are different people; a given name written as an
  initial needs the family name as written and an initial that stands for a given name of a
  listed person (not the family name before a comma, not a particle); a person's name is no
  company's acronym, and against a listed name with a legal form it is capped; Korean family
  names match across romanisations ("Pak" / "Park" / "Bak") as the first or last word only;
* companies: a name whose only distinctive word is shared with a name that has other
  distinctive words does not match ("Mahan Travel Agency" / "Mahan"), nor one whose only
  distinctive word matched through an edit; the bare first distinctive word of a short listed
  name does ("Mahan" / "Mahan Air", "Al-Mintaqa" / "Al-Mintaqa Branch 227"), unless many
  companies use that word (:func:`~tripline.screening.frequency.load_company_words`: "Pacific"),
  which then carries no match alone; letter codes one letter apart ("MTSKT" / "MTSST") differ;
* Han, Hangul and Kana names compare syllable by syllable: one different character, a
  different name.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz.distance import OSA

from tripline.screening.frequency import (
    COMMON_RANK,
    Commonness,
    CompanyWord,
    NameFrequency,
    load_company_words,
    load_frequency,
)
from tripline.screening.normalize import _STOPWORDS, NameForm, Normaliser, Token, consonants
from tripline.screening.rules import (
    ABBREVIATION,
    ACRONYM,
    BARE_ACRONYM,
    BARE_NAME,
    BARE_NAME_MAX_TOKENS,
    BARE_NAME_MIN_LENGTH,
    COMMON_COMPANY_FIRST_SHARE,
    COMMON_COMPANY_LISTED,
    COMMON_COMPANY_OWNERS,
    COMMON_NAME_CAP,
    EXACT,
    FAMILY_CONFLICT_CAP,
    FUZZY_ONE_WORD_CAP,
    FUZZY_ONE_WORD_MIN,
    GENERIC_CAP,
    GENERIC_FULL_MIN_TOKENS,
    INITIAL,
    INITIALS_CAP,
    JOIN_MIN,
    JOIN_MIN_LETTERS,
    JOIN_SLACK,
    LETTER_CODE_CAP,
    LETTER_CODE_MAX_LENGTH,
    LETTER_CODE_MAX_VOWELS,
    MIN_CONSONANTS,
    MIN_SKELETON,
    NAMESAKE_MIN_LENGTH,
    NUMBER_CAP,
    ONE_NAME_READ_CAP,
    ONE_WORD_CAP,
    PERSON_COMPANY_CAP,
    PERSON_SUBSET_FACTOR,
    PREFIX,
    PREFIXED_ACRONYM,
    RARE_NAME_MIN_LENGTH,
    RARE_PERSON_SUBSET_FACTOR,
    SHORT_ACRONYM,
    SKELETON_CROSS_SCRIPT,
    SKELETON_SAME_SCRIPT,
    SPELLING,
    SUBSET_FACTOR,
    SUBSET_MIN_DISTINCTIVE,
    SYLLABLE_CAP,
    SYLLABLE_NAME_COUNTRIES,
    TYPO_SLOPE,
    acronym_fit,
    typo_budget,
)
from tripline.screening.scripts import ScriptReader, readable

KOREAN_FAMILY = "Korean family name spelling"

__all__ = ["NO_MATCH", "NameScore", "NameScorer", "TokenMatch", "typo_budget"]


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
    # a cap the names' own forms set, not how their words aligned (a person's initial that says
    # too little, a person's name against a company's): a reading across scripts stays under it
    form_cap: float | None = None

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
NO_READING = NameScore(0.0, notes=("no syllable of the reading is spelled in the Latin name",))


@functools.lru_cache(maxsize=4096)
def _is_territory(word: str) -> bool:
    """A country or territory name ('australia'): after a listed company's leading word it is where
    the company sits ("Huawei Technologies (Australia)"), not its name. rigour's table loads on the
    first call (about 1.5 s of CPU), so it is asked only on this rare path."""
    from rigour.territories import lookup_territory

    return lookup_territory(word) is not None


class NameScorer:
    """Compares :class:`NameForm` objects; caches token similarities (one per process is fine)."""

    def __init__(
        self,
        normaliser: Normaliser | None = None,
        cache_size: int = 500_000,
        frequency: NameFrequency | None = None,
    ) -> None:
        self.normaliser = normaliser or Normaliser()
        self._equivalents = self.normaliser.vocabulary.equivalents
        self._nicknames = self.normaliser.vocabulary.nicknames
        self._particles = self.normaliser.vocabulary.person_particles
        self._cache: dict[tuple[str, str, bool, bool, bool], tuple[float, str]] = {}
        self._cache_size = cache_size
        self._frequency = frequency
        self._company_words: dict[str, CompanyWord] | None = None
        self._reader: ScriptReader | None = None

    @property
    def reader(self) -> ScriptReader:
        """Readings of Hangul, Han and Kana names (:mod:`scripts`), built when first needed."""
        if self._reader is None:
            self._reader = ScriptReader(self.normaliser)
        return self._reader

    @property
    def frequency(self) -> NameFrequency:
        """Given- and family-name ranks, read when a person's name first needs them."""
        if self._frequency is None:
            self._frequency = load_frequency()
        return self._frequency

    def common_company_word(self, word: str) -> CompanyWord | None:
        """The counts of `word` when many companies use it in their names (``company_words.tsv.gz``)."""
        if self._company_words is None:
            self._company_words = load_company_words()
        hit = self._company_words.get(word)
        if hit is None or not hit.is_common(COMMON_COMPANY_OWNERS, COMMON_COMPANY_LISTED, COMMON_COMPANY_FIRST_SHARE):
            return None
        return hit

    def _frequent_company_word(self, word: str) -> bool:
        """A word in the names of COMMON_COMPANY_LISTED listed organisations or more, or of
        COMMON_COMPANY_OWNERS register owners, brand or not ("shahid": 109 listed names):
        shared, it says little about which of them is meant."""
        if self._company_words is None:
            self._company_words = load_company_words()
        hit = self._company_words.get(word)
        return hit is not None and (hit.listed >= COMMON_COMPANY_LISTED or hit.owners >= COMMON_COMPANY_OWNERS)

    def _given_name(self, word: str) -> Commonness | None:
        """`word` as a given name among some country's COMMON_RANK most common, or None."""
        hit = self.frequency.given.get(word)
        return Commonness(word, "given", hit[0], hit[1]) if hit is not None and hit[0] <= COMMON_RANK else None

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
        if c.text in self._equivalents.get(q.text, ()):
            return ABBREVIATION, self._equivalence(q.text, c.text)
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
                return 1.0 - TYPO_SLOPE * dist / length, f"{dist} letter{'s' if dist > 1 else ''} differ"
        if len(q.skeleton) >= MIN_SKELETON and q.skeleton == c.skeleton:
            sim = SKELETON_CROSS_SCRIPT if cross_script else SKELETON_SAME_SCRIPT
            return sim, "same consonants"
        if cross_script:
            # Arabic script may not write a word's first short vowel ("Azam" / "zam")
            qc, cc = consonants(q.rom), consonants(c.rom)
            if len(qc) >= MIN_CONSONANTS and qc == cc:
                return SKELETON_CROSS_SCRIPT, "same consonants"
        return 0.0, ""

    def _equivalence(self, a: str, b: str) -> str:
        """What kind of equivalent word `b` is for `a` (both in the vocabulary's equivalents)."""
        if b in self._nicknames.get(a, ()):
            return "nickname"
        if b in self.normaliser.vocabulary.korean_family_variants.get(a, ()):
            return KOREAN_FAMILY
        abbr = self.normaliser.vocabulary.abbreviations
        if b in abbr.get(a, ()) or a in abbr.get(b, ()):
            return "abbreviation"
        return "name variant"

    def compare_forms(self, q: NameForm, c: NameForm) -> NameScore:
        """Align the tokens of two names and score the alignment (a Hangul, Han or Kana name
        against a Latin one: by its reading, :meth:`_read_across`)."""
        if q.latin != c.latin and q.tokens and c.tokens:
            read = self._read_across(q, c)
            if read is not None:
                final, by_reading = read
                if final:
                    return by_reading
                plain = self._compare_tokens(q, c)
                if plain.form_cap is not None:  # the reading does not lift what the forms cap
                    return plain
                return by_reading if by_reading.score > plain.score else plain
        return self._compare_tokens(q, c)

    def _compare_tokens(self, q: NameForm, c: NameForm) -> NameScore:
        qt, ct = q.tokens, c.tokens
        if not qt or not ct:
            return NO_MATCH
        if q.key == c.key:
            return self._identical(q)
        cross = q.latin != c.latin
        options: list[tuple[float, tuple[int, ...], tuple[int, ...], str, str, str]] = []
        q_edge, c_edge = (0, len(qt) - 1), (0, len(ct) - 1)
        for i, a in enumerate(qt):
            for j, b in enumerate(ct):
                sim, how = self.similarity(a, b, cross)
                if how == KOREAN_FAMILY and not (i in q_edge and j in c_edge):
                    continue  # a family name's spelling: first or last word of both names
                if sim > 0.0:
                    options.append((sim, (i,), (j,), how, a.text, b.text))
        person = q.person or c.person
        if person:
            self._initials(qt, ct, options)
        if len(qt) > 1:
            self._joined(qt, ct, cross, options, query_side=True)
        if len(ct) > 1:
            self._joined(ct, qt, cross, options, query_side=False)
        # best first; among equals, the pair of closest lengths ("bydy" takes "ubaidi", not "bd")
        options.sort(key=lambda o: (o[0], len(o[1]) + len(o[2]), -abs(len(o[4]) - len(o[5]))), reverse=True)
        used_q: dict[int, tuple[float, str]] = {}
        used_c: dict[int, tuple[float, str]] = {}
        partner: dict[int, int] = {}  # query token -> the (first) candidate token it matched
        matches: list[TokenMatch] = []
        matched_q = matched_c = 0.0
        distinctive = False
        for sim, qpos, cpos, how, qtext, ctext in options:
            if any(i in used_q for i in qpos) or any(j in used_c for j in cpos):
                continue
            for i in qpos:
                used_q[i] = (sim, how)
                partner[i] = cpos[0]
            for j in cpos:
                used_c[j] = (sim, how)
            matches.append(TokenMatch(qtext, ctext, sim, how))
            matched_q += sim * sum(qt[i].weight for i in qpos)
            matched_c += sim * sum(ct[j].weight for j in cpos)
            distinctive = distinctive or any(not qt[i].generic for i in qpos)
        total = q.total_weight + c.total_weight
        score = (matched_q + matched_c) / total
        notes: list[str] = []
        form_caps: list[float] = []  # see NameScore.form_cap
        factor = SUBSET_FACTOR
        if person:
            rare = self._rare_name(qt, ct, used_q, partner, q.latin, c.latin)
            factor = RARE_PERSON_SUBSET_FACTOR if rare else PERSON_SUBSET_FACTOR
        if score < factor:
            subset = self._subset(qt, ct, set(used_q), set(used_c), matches, factor)
            if subset > score:
                score = subset
                said = f" ({rare!r} is a rare name: less is needed)" if person and rare else ""
                notes.append(f"every word of the shorter name found in the longer{said}: x{factor:g}")
        if (not matches or not distinctive) and not q.person:  # a person's initials are no company's acronym
            acronym = self._acronym(q, c)
            if acronym is not None:
                return acronym
        if matches and not distinctive and score > GENERIC_CAP and not _whole_generic_name(qt, ct, used_q, used_c):
            score = GENERIC_CAP
            notes.append(f"only generic words matched: capped at {GENERIC_CAP}")
        elif matches:
            score = self._real_name_rules(q, c, used_q, used_c, partner, score, notes, form_caps)
        return NameScore(
            score=round(min(score, 1.0), 4),
            matches=tuple(matches),
            unmatched_query=tuple(t.text for i, t in enumerate(qt) if i not in used_q),
            unmatched_candidate=tuple(t.text for j, t in enumerate(ct) if j not in used_c),
            notes=tuple(notes),
            form_cap=min(form_caps) if form_caps else None,
        )

    def _read_across(self, q: NameForm, c: NameForm) -> tuple[bool, NameScore] | None:
        """A Hangul, Han or Kana name against a Latin one, either way round (:mod:`scripts`):
        read syllable by syllable or by sound. A name of syllables (Hangul, Chinese) is scored
        by its reading alone (one syllable differing is another name); a Japanese name takes
        the better of its reading and the plain comparison."""
        flip = q.latin
        readable_form, latin = (c, q) if flip else (q, c)
        if not readable(readable_form, listed=flip):
            return None
        reader = self.reader
        reading = reader.reading(readable_form.original)
        if reading is None:
            return None
        found = reader.compare(reading, latin, rare=lambda word: self.frequency.commonness(word) is None)
        if found is None:
            return (True, NO_READING) if reading.syllables else None
        how = f"{reading.script} read by {found.how}"
        matches = tuple(TokenMatch(b, a, sim, how) if flip else TokenMatch(a, b, sim, how) for a, b, sim in found.pairs)
        notes = [f"{reading.script} name read as {reading.shown!r}", *found.notes]
        if found.capped:
            notes.append(f"only generic words matched: capped at {GENERIC_CAP}")
        unmatched_r, unmatched_l = found.unmatched_reading, found.unmatched_latin
        value = found.score
        left = [w for w in (*unmatched_r, *unmatched_l) if len(w) > 1 and w.isalpha() and w not in self._particles]
        one = found.pairs[0][1] if len(found.pairs) == 1 else ""
        common = self.frequency.commonness(one) if one and left and (q.person or c.person) else None
        # a syllable of the Hangul name in place of a word of the Latin one, or of a Chinese name
        # in place of a romanised syllable: as in the same script, a syllable that differs is
        # another name (가가가 / "ga del ga", 王小华 / "Wang Xiao Ming")
        one_for_one = len(unmatched_r) == 1 and len(unmatched_l) == 1 and _SYLLABLE.match(unmatched_l[0])
        swapped = (q.person or c.person) and (
            (reading.script == "hangul" and unmatched_r and unmatched_l) or (reading.script == "han" and one_for_one)
        )
        if swapped and value > SYLLABLE_CAP:
            value = SYLLABLE_CAP
            notes.append(
                f"{reading.script} syllable {', '.join(unmatched_r)!r} in place of {' '.join(unmatched_l)!r}: "
                f"a different name, capped at {SYLLABLE_CAP:g}"
            )
        elif common is not None and value > ONE_NAME_READ_CAP:
            value = ONE_NAME_READ_CAP
            notes.append(
                f"{common.describe()}, the one name of a person found ({' '.join(left)!r} not): "
                f"more evidence needed, capped at {ONE_NAME_READ_CAP:g}"
            )
        score = NameScore(
            score=value,
            matches=matches,
            unmatched_query=unmatched_l if flip else unmatched_r,
            unmatched_candidate=unmatched_r if flip else unmatched_l,
            notes=tuple(notes),
        )
        return bool(reading.syllables), score

    @staticmethod
    def _initials(
        qt: tuple[Token, ...],
        ct: tuple[Token, ...],
        options: list[tuple[float, tuple[int, ...], tuple[int, ...], str, str, str]],
    ) -> None:
        """Persons: a single letter matches a word it begins ("J." / "John")."""
        for i, a in enumerate(qt):
            for j, b in enumerate(ct):
                one = (len(a.text) == 1) != (len(b.text) == 1)
                if one and a.text[0] == b.text[0] and a.text.isalpha() and b.text.isalpha():
                    options.append((INITIAL, (i,), (j,), "initial", a.text, b.text))

    def _real_name_rules(
        self,
        q: NameForm,
        c: NameForm,
        used_q: dict[int, tuple[float, str]],
        used_c: dict[int, tuple[float, str]],
        partner: dict[int, int],
        score: float,
        notes: list[str],
        form_caps: list[float],
    ) -> float:
        """The caps and the bare-name rule of the module docstring; each adds its note (and a cap
        the forms set, to `form_caps`)."""
        qt, ct = q.tokens, c.tokens
        if q.person and not c.person and c.legal_forms and score > PERSON_COMPANY_CAP:
            notes.append(
                f"a person's name against a company's name (legal form {_shown_forms(c.legal_forms)}): "
                f"capped at {PERSON_COMPANY_CAP:g}"
            )
            form_caps.append(PERSON_COMPANY_CAP)
            return PERSON_COMPANY_CAP
        codes = [
            (qt[i].text, ct[partner[i]].text)
            for i, (_, how) in used_q.items()
            if "differ" in how and not (q.person or c.person) and (_letter_code(qt[i]) or _letter_code(ct[partner[i]]))
        ]
        if codes and score > LETTER_CODE_CAP:
            shown = ", ".join(f"{a!r}/{b!r}" for a, b in codes)
            notes.append(f"letter codes that differ ({shown}) are different names: capped at {LETTER_CODE_CAP:g}")
            return LETTER_CODE_CAP
        if q.numbers and c.numbers and not (q.numbers <= c.numbers or c.numbers <= q.numbers) and score > NUMBER_CAP:
            shown = f"{' '.join(sorted(q.numbers - c.numbers))} / {' '.join(sorted(c.numbers - q.numbers))}"
            notes.append(f"the numbers in the names differ ({shown}): another entity, capped at {NUMBER_CAP:g}")
            return NUMBER_CAP
        syllabic = q.syllables and c.syllables and q.script == c.script and q.syllables != c.syllables
        if syllabic and score > SYLLABLE_CAP and (q.person or c.person or len(q.syllables) == len(c.syllables)):
            differ = [f"{a}/{b}" for a, b in zip(q.syllables, c.syllables, strict=False) if a != b]
            shown = ", ".join(differ) if differ else "a syllable more or less"
            notes.append(
                f"{q.script} names differ in a syllable ({shown}): a different name, capped at {SYLLABLE_CAP:g}"
            )
            return SYLLABLE_CAP
        if q.person or c.person:
            return self._person_rules(q, c, used_q, used_c, partner, score, notes, form_caps)
        dq = [i for i, t in enumerate(qt) if not t.generic]
        dc = [j for j, t in enumerate(ct) if not t.generic]
        left_q = [qt[i].text for i in dq if i not in used_q]
        left_c = [ct[j].text for j in dc if j not in used_c]
        if len(dc) == 1 and dc[0] in used_c and left_q and score > ONE_WORD_CAP:
            notes.append(
                f"only {ct[dc[0]].text!r} is shared; {' '.join(left_q)!r} not in the listed name: "
                f"capped at {ONE_WORD_CAP:g}"
            )
            return ONE_WORD_CAP
        rest_q = [t.text for i, t in enumerate(qt) if i not in used_q and t.text not in _STOPWORDS]
        rest_c = [t.text for j, t in enumerate(ct) if j not in used_c and t.text not in _STOPWORDS]
        shared = [i for i in dq if i in used_q]
        if len(shared) == 1 and rest_q and rest_c and score > ONE_WORD_CAP:
            notes.append(
                f"only {qt[shared[0]].text!r} is shared; {' '.join(rest_q)!r} and {' '.join(rest_c)!r} differ "
                f"(a sister company?): capped at {ONE_WORD_CAP:g}"
            )
            return ONE_WORD_CAP
        # a company named after a person ("Shahid Kazemi Group"): the shared words are words many
        # listed companies use ("shahid": martyr) but for one at most, and one name has a given
        # name the other lacks ("Shahid Ahmad Kazemi Industries Group"): named after another person
        telling = [qt[i].text for i in shared if not self._frequent_company_word(qt[i].text)]
        given = [w for w in left_q + left_c if len(w) >= NAMESAKE_MIN_LENGTH and self._given_name(w) is not None]
        if len(shared) >= 2 and len(telling) <= 1 and given and score > ONE_WORD_CAP:
            frequent = ", ".join(repr(qt[i].text) for i in shared if qt[i].text not in telling)
            hit = self._given_name(given[0])
            assert hit is not None
            notes.append(
                f"{frequent}: in many listed names; {hit.describe()}, in one name only "
                f"(named after another person?): capped at {ONE_WORD_CAP:g}"
            )
            return ONE_WORD_CAP
        strong = [i for i in dq if i in used_q and used_q[i][0] >= FUZZY_ONE_WORD_MIN]
        loose = [qt[i].text for i in dq if i in used_q and used_q[i][0] < FUZZY_ONE_WORD_MIN]
        if len(strong) == 1 and (left_q or left_c or loose) and score > ONE_WORD_CAP:
            common = self.common_company_word(qt[strong[0]].text)
            if common is not None:
                rest = " ".join(left_q + left_c + loose)
                notes.append(
                    f"{common.describe()}, the only word found ({rest!r} not, or only with an edit): "
                    f"capped at {ONE_WORD_CAP:g}"
                )
                return ONE_WORD_CAP
        sims = [used_q[i][0] for i in dq if i in used_q]
        if (len(dq) == 1 or len(dc) == 1) and sims and max(sims) < FUZZY_ONE_WORD_MIN and score > FUZZY_ONE_WORD_CAP:
            notes.append(
                f"the only distinctive word matched with an edit (a short name needs more): "
                f"capped at {FUZZY_ONE_WORD_CAP:g}"
            )
            return FUZZY_ONE_WORD_CAP
        # the bare name: the query's one distinctive word is the listed name's first distinctive
        # word, or its last one after a leading word ("Sinai Province" / "ISIS-Sinai Province");
        # one word with a legal form is a whole company's name, not a bare word ("Mitsui & Co Ltd")
        head = partner.get(dq[0], -1) if len(dq) == 1 else -1
        if (
            dc
            and head in (dc[0], dc[-1])
            and left_c
            and not rest_q
            and not (q.legal_forms and len(qt) == 1)
            and score < BARE_NAME
            and len(dc) <= BARE_NAME_MAX_TOKENS
            and len(qt[dq[0]].text) >= BARE_NAME_MIN_LENGTH
            and qt[dq[0]].text.isalpha()
            and used_c[head][0] >= SPELLING
            and (head == dc[0] or not _is_territory(qt[dq[0]].text))
            and self.common_company_word(qt[dq[0]].text) is None
        ):
            where = "" if head == dc[0] else ", after its leading word"
            notes.append(f"the bare distinctive word of the listed name {c.key!r}{where}: {BARE_NAME:g}")
            return BARE_NAME
        return score

    def _person_rules(
        self,
        q: NameForm,
        c: NameForm,
        used_q: dict[int, tuple[float, str]],
        used_c: dict[int, tuple[float, str]],
        partner: dict[int, int],
        score: float,
        notes: list[str],
        form_caps: list[float],
    ) -> float:
        qt, ct = q.tokens, c.tokens
        particles = self._particles
        left_q = [t.text for i, t in enumerate(qt) if i not in used_q and _telling(t, particles)]
        left_c = [t.text for j, t in enumerate(ct) if j not in used_c and _telling(t, particles)]
        if left_q and left_c and score > FAMILY_CONFLICT_CAP:
            notes.append(
                f"{' '.join(left_q)!r} and {' '.join(left_c)!r} differ: each name has a word the other lacks "
                f"(another person of the family?), capped at {FAMILY_CONFLICT_CAP:g}"
            )
            return FAMILY_CONFLICT_CAP
        initials = self._initials_evidence(q, c, used_q, partner)
        if initials and score > INITIALS_CAP:
            notes.append(f"{initials}: capped at {INITIALS_CAP:g}")
            form_caps.append(INITIALS_CAP)
            return INITIALS_CAP
        matched = [
            (i, partner[i], how)
            for i, (_, how) in sorted(used_q.items())
            if how != "initial" and len(qt[i].text) > 1 and qt[i].text not in particles
        ]
        common = [self._commonness(qt[i], ct[j], q.latin, c.latin) for i, j, _ in matched]
        fuzzy = [(qt[i].text, ct[j].text) for i, j, how in matched if "differ" in how or "consonants" in how]
        syllabic = [
            hit for hit in common if hit is not None and hit.kind == "family" and hit.country in SYLLABLE_NAME_COUNTRIES
        ]
        short_fuzzy = [(a, b) for a, b in fuzzy if _SYLLABLE.match(a) and _SYLLABLE.match(b)]
        if syllabic and short_fuzzy and score > SYLLABLE_CAP:
            shown = ", ".join(f"{a!r}/{b!r}" for a, b in short_fuzzy)
            notes.append(
                f"{syllabic[0].describe()}: a romanised syllable name, where one syllable more or less ({shown}) "
                f"is another name: capped at {SYLLABLE_CAP:g}"
            )
            return SYLLABLE_CAP
        initial = any(how == "initial" for _, how in used_q.values())
        approximate = any(how != "exact" for _, _, how in matched)
        bare = len(matched) <= 2  # a given and a family name, nothing more
        # a particle one name has and the other lacks ("Ahmed" / "AL-AHMED"): not another
        # person by itself, but not the same name either
        loose_q = [t.text for i, t in enumerate(qt) if i not in used_q and t.text in particles]
        loose_c = [t.text for j, t in enumerate(ct) if j not in used_c and t.text in particles]
        weak = left_q or left_c or initial or (approximate and bare) or (bare and (loose_q or loose_c))
        if weak and score > COMMON_NAME_CAP and all(hit is not None and hit.rank <= COMMON_RANK for hit in common):
            said = "; ".join(hit.describe() for hit in common if hit is not None) or "only initials matched"
            if left_q or left_c or loose_q or loose_c:
                missing = f"{' '.join(left_q + left_c + loose_q + loose_c)!r} not matched"
            elif initial:
                missing = "given names as initials"
            else:
                missing = "matched only approximately"
            notes.append(f"{said}; no other evidence agrees ({missing}): capped at {COMMON_NAME_CAP:g}")
            return COMMON_NAME_CAP
        return score

    def _initials_evidence(
        self,
        q: NameForm,
        c: NameForm,
        used_q: dict[int, tuple[float, str]],
        partner: dict[int, int],
    ) -> str:
        """A query that writes a given name as an initial ("J. Smith") says little: its family
        name must be found as written (not through an edit), and an initial must align with a
        given name of the listed person: not with the family name (the words before a comma in
        "TUITO, Oded"), not with a particle ("al"), not with a name no list marks as a person's.
        What is wrong, or "" when nothing is."""
        qt, ct = q.tokens, c.tokens
        initials = [i for i, t in enumerate(qt) if len(t.text) == 1 and t.text.isalpha()]
        if not initials or not (q.latin or all(qt[i].dotted for i in initials)):
            return ""  # a letter of another script is an initial when written with its period ("ع. الشمري")
        particles = self._particles
        names = [i for i, t in enumerate(qt) if len(t.text) > 1 and t.text not in particles]
        loose = [qt[i].text for i in names if i not in used_q or used_q[i][0] < SPELLING]
        if not names or loose:
            shown = f"{' '.join(loose)!r} not found as written" if loose else "nothing but initials"
            return f"a given name written as an initial needs the family name as written ({shown})"
        family = self._family_words(c)
        aligned = 0
        for i in initials:
            if i not in used_q:
                continue
            word, how = ct[partner[i]].text, used_q[i][1]
            if how not in ("initial", "exact") or word in particles or word in family:
                return f"the initial {qt[i].text!r} stands for {word!r}, not a given name of the listed person"
            aligned += 1
        if not aligned:
            return f"no initial of the query aligns with a given name of {c.original!r}"
        if not c.person:
            return f"{c.original!r} is not listed as a person: an initial and a family name need more evidence"
        return ""

    def _family_words(self, c: NameForm) -> frozenset[str]:
        """The family name of a listed person's name written "FAMILY, Given" (words before the comma)."""
        if "," not in c.original:
            return frozenset()
        before = c.original.split(",", 1)[0]
        return frozenset(t.text for t in self.normaliser.form(before, person=True).tokens)

    def _rare_name(
        self,
        qt: tuple[Token, ...],
        ct: tuple[Token, ...],
        used_q: dict[int, tuple[float, str]],
        partner: dict[int, int],
        q_latin: bool,
        c_latin: bool,
    ) -> str:
        """A matched word of a person's name that is no country's common name (names-dataset:
        not among the COMMON_RANK most common), matched exactly or as a spelling: its text, or ""."""
        if not (q_latin or c_latin):
            return ""
        for i, (sim, _how) in used_q.items():
            tok = qt[i]
            if sim < SPELLING or len(tok.text) < RARE_NAME_MIN_LENGTH or tok.text in self._particles:
                continue
            if not tok.text.isalpha() or tok.generic:
                continue
            if self._commonness(tok, ct[partner[i]], q_latin, c_latin) is None:
                return tok.text
        return ""

    def _commonness(self, a: Token, b: Token, a_latin: bool, b_latin: bool) -> Commonness | None:
        """How common the name of an aligned token pair is: the Latin side's word, or, between
        two names in Arabic-like scripts, the most common name with the same consonants."""
        frequency = self.frequency
        if a_latin or b_latin:  # a Latin side gives the reading: its word, and nothing looser
            return frequency.commonness(a.text if a_latin else b.text) or (
                frequency.commonness(b.text) if a_latin and b_latin else None
            )
        tok = a
        hit = frequency.by_consonants(consonants(tok.rom), lambda name: consonants(self.normaliser.romanise(name)))
        return frequency.written_as(hit, tok.text) if hit is not None else None

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
        if all(t.generic for t in q.tokens) and len(q.tokens) < GENERIC_FULL_MIN_TOKENS:
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
            if len(side[i].text) < JOIN_MIN_LETTERS or len(side[i + 1].text) < JOIN_MIN_LETTERS:
                continue
            joined_text = side[i].text + side[i + 1].text
            first, size = joined_text[0], len(joined_text)
            plausible = [
                (j, b)
                for j, b in enumerate(other)
                if b.text[0] == first and size - JOIN_SLACK <= len(b.text) <= size + JOIN_SLACK
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
        """One name is an acronym of the other, either way round: its one distinctive word
        spelled by the first letters (or two) of the other's words (:func:`rules.acronym_fit`)."""
        skippable = self.normaliser.acronym_skippable
        for short, long_, short_is_query in ((q, c, True), (c, q, False)):
            distinctive = [t for t in short.tokens if not t.generic]
            if len(distinctive) != 1:
                continue  # "KGI International" is the acronym plus generic words
            word = distinctive[0].text
            fit = acronym_fit(word, long_.words, skippable)
            if fit < 0:
                continue
            alone = len(short.tokens) == 1
            sim = ACRONYM if len(word) >= 4 else (BARE_ACRONYM if alone else SHORT_ACRONYM)
            how = "acronym"
            if fit:
                sim = min(sim, PREFIXED_ACRONYM)
                how = "acronym of word beginnings"
            full = long_.key
            match = TokenMatch(word, full, sim, how) if short_is_query else TokenMatch(full, word, sim, how)
            return NameScore(score=sim, matches=(match,))
        return None


# one romanised Korean or Chinese syllable (an optional initial, a vowel group, an optional final):
# two such that differ are two names; a word of another shape ("obng", "hlanig") is a typo
_SYLLABLE = re.compile(
    r"^(?:kk|tt|pp|ss|jj|ch|sh|zh|ts|ry|py|ky|hy|ny|my|[bcdfghjklmnpqrstwxyz])?"
    r"(?:yae|yeo|wae|iao|uai|yue|ae|ya|eo|ye|wa|oe|yo|wo|we|wi|yu|eu|ui|ou|ai|ao|ei|ia|ie|io|iu|ua|ue|uo|yi|[aeiou])"
    r"(?:ng|[nmklpt])?$"
)


def _whole_generic_name(
    qt: Sequence[Token], ct: Sequence[Token], used_q: dict[int, tuple[float, str]], used_c: dict[int, tuple[float, str]]
) -> bool:
    """A name of at least ``GENERIC_FULL_MIN_TOKENS`` generic words ("Korean National Insurance
    Corporation") found word for word, exactly, in the other name, which has nothing else but an
    acronym of them ("... (KNIC)"): the listed name itself, not a few common words."""
    if len(qt) < GENERIC_FULL_MIN_TOKENS or len(used_q) != len(qt):
        return False
    if any(sim < 1.0 for sim, _how in used_q.values()):
        return False
    initials = "".join(t.text[0] for t in qt)
    rest = [t.text for j, t in enumerate(ct) if j not in used_c]
    # the acronym may carry the legal form's letter the name form drops ("KNIC": Corporation)
    return len(rest) <= 1 and all(r.startswith(initials) and len(r) <= len(initials) + 2 for r in rest)


def _telling(token: Token, particles: frozenset[str]) -> bool:
    """Whether a word one person's name has and the other lacks tells them apart (not an
    initial, a generic word or a particle such as "al", "ash", "bin")."""
    return len(token.text) > 1 and not token.generic and token.text not in particles


def _shown_forms(forms: tuple[str, ...]) -> str:
    shown = [f for f in forms if f != "org-type"]
    return " ".join(shown) if shown else "removed"


def _letter_code(token: Token) -> bool:
    """A short run of letters that is no word one pronounces ("npcap", "sbig", "ktrv"): at most
    one vowel, and its first two letters consonants that begin no English word. An abbreviation
    or code, where one letter more or less is another code, not a typo."""
    text = token.text
    if not text.isalpha() or not 3 <= len(text) <= LETTER_CODE_MAX_LENGTH:
        return False
    if sum(ch in _VOWELS for ch in text) > LETTER_CODE_MAX_VOWELS:
        return False
    return text[0] not in _VOWELS and text[1] not in _VOWELS and text[:2] not in _ONSETS


_VOWELS = frozenset("aeiouy")
# two consonants that begin words of English and of the usual romanisations ("sh", "kh", "zh", "ts")
_ONSETS = frozenset(
    {
        "bl",
        "br",
        "ch",
        "cl",
        "cr",
        "dr",
        "dz",
        "fl",
        "fr",
        "gh",
        "gl",
        "gr",
        "kh",
        "kl",
        "kr",
        "kn",
        "ph",
        "pl",
        "pr",
        "ps",
        "sc",
        "sh",
        "sk",
        "sl",
        "sm",
        "sn",
        "sp",
        "st",
        "sv",
        "sw",
        "th",
        "tr",
        "ts",
        "tw",
        "vl",
        "vr",
        "wh",
        "wr",
        "zh",
        "zv",
    }
)
