"""Turn a raw name into comparable tokens: Unicode, case, script, legal forms, romanisation.

Every name, on a list or in a query, goes through :meth:`Normaliser.form`:

1. NFKC and case folding; legal forms removed in the original script (rigour's org-type
   table for Latin and Cyrillic forms, the vocabulary's native forms for Chinese/Japanese);
2. transliteration to ASCII (rigour / ICU via normality: Cyrillic, Greek, Han -> pinyin,
   Arabic and Persian script -> consonant-heavy Latin);
3. tokenisation; bare legal-form tokens ("corp", "ooo") removed unless nothing would be left;
   a legal form written onto the name ("KraftwerkGmbH") split off first; digits typed for
   letters inside a word ("H0ng") read as the letters; number words and ordinals as numbers
   ("Fifty-Five", "Second", "2nd"), "No." before a number dropped, Roman numerals in
   organisations' names read ("Argo II"); for persons, titles in front ("Minister") removed and
   initials kept one by one ("M.-L.");
4. per token: a romanised form that folds spelling conventions together ("tsch" -> "ch",
   "w" -> "v", "y" -> "i"...) and a consonant skeleton (vowels dropped: the script of
   Arabic and Persian writes no short vowels).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace

from rapidfuzz.distance import OSA
from rigour.names import remove_org_types, remove_person_prefixes, tokenize_name
from rigour.text.scripts import is_latin
from text_to_num import alpha2digit

from tripline.screening.rules import acronym_fit
from tripline.screening.vocabulary import Vocabulary, load_vocabulary
from tripline.translit import ascii_text_safe

SINGLE_LETTER_WEIGHT = 0.25
_DOTTED = re.compile(r"(\w+)\.")
_VOWELS = str.maketrans("", "", "aeiou")
_CROSS_VOWELS = str.maketrans("", "", "aeiouv")  # Arabic script writes long u as w (romanised v)
_STOPWORDS = frozenset({"of", "the", "and", "for", "de", "la", "del", "des", "du", "und", "y", "e", "i"})
_DIGITS = re.compile(r"\d+")
_CAMEL = re.compile(r"[a-z][A-Z]")
_ARABIC = re.compile("[\u0600-\u06ff]")
# one Arabic or Persian letter with a period, a word of its own: an initial ("ع. الشمري", "م. علي")
_ARABIC_INITIAL = re.compile("(?<!\\S)([\u0621-\u064a\u067e\u0686\u0698\u06a9\u06af\u06cc])\\.(?=\\s|$)")
_ORDINAL = re.compile(r"^(\d+)(?:st|nd|rd|th)$")
_LEET = str.maketrans("0134578", "oieasty")  # digits typed for letters
_LEET_RUN = re.compile(r"(?<=[a-z])[0134578]+(?=[a-z])")
NUMBER_MARKS = frozenset({"no", "nos", "nr", "number", "num"})  # words that announce a number ("No. 39")
_MARKED_NUMBER = re.compile(r"^(?:no|nr)(\d+)$")
# Roman numerals read in organisations' names (not "xi": a pinyin syllable; I, V, X only last)
ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9, "x": 10, "xii": 12}
# English number words text2num reads ("fifty", "five"...): only names with one go through it
NUMBER_WORDS = frozenset(
    [
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
        "twenty",
        "thirty",
        "forty",
        "fifty",
        "sixty",
        "seventy",
        "eighty",
        "ninety",
        "hundred",
        "thousand",
    ]
)
_BRACKETED = re.compile(r"\s*[(（]([^()（）]*)[)）]")
_SYLLABIC = (("han", 0x3400, 0x9FFF), ("hangul", 0xAC00, 0xD7AF), ("kana", 0x3040, 0x30FF))


@dataclass(frozen=True, slots=True)
class Token:
    """One name token in its comparable forms."""

    text: str  # ASCII, lower case
    rom: str  # romanisation conventions folded together
    skeleton: str  # first letter + consonants of `rom`
    weight: float  # 1.0 for a distinctive token, less for generic words and single letters
    generic: bool
    dotted: bool  # written with a trailing period in the original ("Ind.")


@dataclass(frozen=True, slots=True)
class NameForm:
    """A name ready for comparison."""

    original: str
    tokens: tuple[Token, ...]
    latin: bool  # the original was written in Latin script
    legal_forms: tuple[str, ...]  # legal-form words that were removed
    only_legal: bool  # the name was nothing but legal forms / stop words
    acronyms: frozenset[str] = frozenset()  # initials, with and without stop words and legal forms
    person: bool = False  # normalised as a person's name
    syllables: tuple[str, ...] = ()  # a Han/Hangul/Kana name: the reading of each character
    script: str = ""  # "han", "hangul" or "kana" when `syllables` is set
    rewritten: bool = False  # initials kept apart or a title removed: the organisation form differs
    numbers: frozenset[str] = frozenset()  # the numbers written in the name ("39", "322")
    words: tuple[str, ...] = ()  # every word, legal forms and stop words too: what an acronym of the name spells

    @property
    def key(self) -> str:
        return " ".join(t.text for t in self.tokens)

    @property
    def total_weight(self) -> float:
        return sum(t.weight for t in self.tokens)

    def initials(self) -> str:
        return "".join(t.text[0] for t in self.tokens if t.text not in _STOPWORDS)


def _acronyms(raw_tokens: list[str], kept: list[str]) -> frozenset[str]:
    out = set()
    for words in (raw_tokens, kept):
        if len(words) >= 3:
            out.add("".join(w[0] for w in words))
            content = [w for w in words if w not in _STOPWORDS]
            if len(content) >= 3:
                out.add("".join(w[0] for w in content))
    return frozenset(out)


class Normaliser:
    """Builds :class:`NameForm` objects; keeps a per-instance cache (reuse one per process)."""

    def __init__(self, vocabulary: Vocabulary | None = None, cache_size: int = 200_000) -> None:
        self.vocabulary = vocabulary or load_vocabulary()
        self._cache: dict[tuple[str, bool], NameForm] = {}
        self._token_cache: dict[tuple[str, bool], Token] = {}
        self._ascii_cache: dict[str, str] = {}
        self._cache_size = cache_size
        self._rules = self.vocabulary.romanisation
        # words an acronym may leave out or count ("CASIC": China Aerospace Science and Industry Corporation)
        self.acronym_skippable = frozenset(_STOPWORDS | self.vocabulary.legal_forms)
        self._generic_by_length: dict[int, list[str]] = {}
        for word in self.vocabulary.generic_words | self.vocabulary.legal_forms:
            if len(word) >= 5:
                self._generic_by_length.setdefault(len(word), []).append(word)

    def form(self, name: str, *, person: bool = False) -> NameForm:
        """The comparable form of `name` (`person` keeps words that look like legal forms)."""
        cache_key = (name, person)
        hit = self._cache.get(cache_key)
        if hit is not None:
            return hit
        result = self._person_from_organisation(name) if person else None
        if result is None:
            result = self._form(name, person)
        if len(self._cache) >= self._cache_size:
            self._cache.clear()
        self._cache[cache_key] = result
        return result

    def _person_from_organisation(self, name: str) -> NameForm | None:
        """The person form of a name already normalised as an organisation, when the two can
        only differ in the flag: nothing was removed as a legal form and no title starts it."""
        org = self._cache.get((name, False))
        if org is None or org.legal_forms or org.rewritten:
            return None
        if org.numbers and not any(ch.isdigit() for ch in name):
            return None  # numbers read from words: Roman numerals are read in organisations' names only
        original = unicodedata.normalize("NFKC", name).casefold()
        if remove_person_prefixes(original) != original:
            return None
        if org.tokens and org.tokens[0].text in self.vocabulary.person_titles:
            return None
        return replace(org, person=True)

    def _form(self, name: str, person: bool) -> NameForm:
        vocab = self.vocabulary
        nfkc = unicodedata.normalize("NFKC", name)
        original = nfkc.casefold()
        if not person:
            split = split_joined_forms(nfkc, vocab.joined_legal_forms)
            if split is not nfkc:
                original = split.casefold()
        text = remove_person_prefixes(original) if person else original
        latin = text.isascii() or all(is_latin(ch) for ch in text if ch.isalpha())
        removed: list[str] = []
        if not person:
            for native in vocab.native_forms_longest_first:
                if native in text:
                    removed.append(native)
                    text = text.replace(native, " ")
        words = None
        if not person and ("(" in text or "（" in text):
            text = self._drop_repeated_brackets(text)
        name_words = tuple(t for t in tokenize_name(self.ascii(text)) if t.isascii() and t.isalnum())
        if not person:
            stripped = remove_org_types(text, replacement=" ")
            if set(tokenize_name(text)) - set(tokenize_name(stripped)) <= ROMAN.keys():
                # "Argo II", "Argo,II": a Roman numeral, not the org type rigour reads in "II" (compared by name
                # tokens, not by spaces: after a comma the numeral is no word of its own)
                stripped = text
            if stripped.split() != text.split() and stripped.strip():
                # keep the words rigour's wider table took when nothing distinctive is left
                # without them ("STG Group": "stg" abbreviates a Dutch foundation, and is the name)
                words = self._words(stripped)
                if any(t not in vocab.legal_forms and not self.token(t).generic for t in words[2]):
                    removed.append("org-type")
                    text = stripped
                else:
                    words = None
        ascii_name, dotted, kept = words or self._words(text, person=person)
        if not latin and _ARABIC.search(text):
            # the article written onto the word in Arabic script ("الشكوى" -> "al shkwy")
            kept = [part for t in kept for part in (("al", t[2:]) if t.startswith("al") and len(t) >= 5 else (t,))]
        rewritten = False
        if person:
            rewritten = any(len(t) == 1 for t in kept) and len(kept) > 1
            while len(kept) > 1 and kept[0] in vocab.person_titles:
                kept = kept[1:]
                rewritten = True
            if "," in ascii_name:  # "AL-ZINDANI, Shaykh Abd-al-Majid": a title after the comma too
                after = [t for t in tokenize_name(ascii_name.split(",", 1)[1]) if t.isascii() and t.isalnum()]
                if after and after[0] in vocab.person_titles and len(kept) > 2 and after[0] in kept:
                    kept.remove(after[0])
                    rewritten = True
        all_source = ascii_name if original == text else self.ascii(original)
        all_tokens = [t for t in tokenize_name(all_source) if t.isascii() and t.isalnum()]
        if not person and not _acronym_alone(name, kept, vocab.legal_forms):
            removed.extend(t for t in kept if t in vocab.legal_forms)
            kept = [t for t in kept if t not in vocab.legal_forms]
        if not person and not any(t not in _STOPWORDS for t in kept):  # "The ... Ltd": nothing left
            kept = []  # (a person named only with particles, "Del Del" for 델델, keeps them)
        only_legal = not kept
        tokens = tuple(self.token(t, dotted=t in dotted) for t in kept)
        syllables, script = self._syllables(text)
        return NameForm(
            original=name,
            tokens=tokens,
            latin=latin,
            legal_forms=tuple(removed),
            only_legal=only_legal,
            acronyms=_acronyms(all_tokens, kept) if len(kept) >= 2 or len(all_tokens) >= 3 else frozenset(),
            person=person,
            syllables=syllables,
            script=script,
            rewritten=rewritten,
            numbers=frozenset(n for t in kept if not t.isalpha() for n in _DIGITS.findall(t)),
            words=name_words,
        )

    def _drop_repeated_brackets(self, text: str) -> str:
        """An organisation's name without a bracketed part that only repeats its words
        ("Almaz (Almaz)", "АО «НПП «Краснознамёнец» (АО «НПП «Краснознамёнец»)"): legal forms and
        stop words aside, every word in the brackets is outside them too. Counted twice, the
        repeat would weigh as a word the other name lacks."""
        for m in reversed(list(_BRACKETED.finditer(text))):
            inner = self._content_words(m.group(1))
            outer = text[: m.start()] + " " + text[m.end() :]
            if inner and (inner <= self._content_words(outer) or self._acronym_of(inner, outer)):
                text = outer
        return text

    def _acronym_of(self, inner: set[str], outer: str) -> bool:
        """The bracketed part is one word, the acronym of the rest ("Central Institute of Aviation
        Motors (CIAM)"): an alias written into the name. The acronym rule finds it again from
        the rest, and the name without it is the name itself."""
        if len(inner) != 1:
            return False
        words = tuple(t for t in tokenize_name(self.ascii(outer)) if t.isascii() and t.isalnum())
        return acronym_fit(next(iter(inner)), words, self.acronym_skippable) >= 0

    def _content_words(self, text: str) -> set[str]:
        # a name that is nothing but what rigour reads as an org type ("Sapa") keeps its words
        words = self._words(remove_org_types(text, replacement=" "))[2] or self._words(text)[2]
        legal = self.vocabulary.legal_forms
        return {w for w in words if w not in legal and w not in _STOPWORDS}

    def _syllables(self, text: str) -> tuple[tuple[str, ...], str]:
        """The reading of each character of a name written in Han, Hangul or Kana (one
        character, one syllable), and the script; nothing for other names."""
        if text.isascii():
            return (), ""
        counts = {"han": 0, "hangul": 0, "kana": 0}
        letters = 0
        chars: list[str] = []
        for ch in text:
            if ch.isdigit():
                chars.append(ch)  # "第322" and "第325": the number is part of the name
                continue
            if not ch.isalpha():
                continue
            letters += 1
            code = ord(ch)
            for script, lo, hi in _SYLLABIC:
                if lo <= code <= hi:
                    counts[script] += 1
                    chars.append(ch)
                    break
        if not letters or sum(counts.values()) < letters:
            return (), ""
        script = max(counts, key=lambda k: counts[k])
        return tuple(self.ascii(ch) for ch in chars), script

    def _words(self, text: str, *, person: bool = False) -> tuple[str, set[str], list[str]]:
        """ASCII text, the words written with a trailing period, and the words (runs of
        initials joined, except in a person's name; numbers and digits for letters read)."""
        if person and "." in text and _ARABIC.search(text):
            text = _ARABIC_INITIAL.sub(lambda m: self._latin_initial(m.group(1)) + ".", text)
        ascii_name = self.ascii(text)
        dotted = {m.group(1) for m in _DOTTED.finditer(ascii_name)} if "." in ascii_name else set()
        words = [t for t in tokenize_name(ascii_name) if t.isascii() and t.isalnum()]
        words = read_numbers(words, self.vocabulary.ordinal_words, person=person)
        return ascii_name, dotted, words if person else join_initials(words)

    def _latin_initial(self, letter: str) -> str:
        """The Latin initial of an Arabic-script letter written as an initial: its transliteration's
        first letter; "a" for the letters transliterated as a mark alone (ayn "ع", hamza "ء"), as
        the names they begin are written in Latin ("Abd", "Ali", "Omar" aside)."""
        latin = [ch for ch in self.ascii(letter) if ch.isalpha()]
        return latin[0] if latin else "a"

    def ascii(self, text: str) -> str:
        """Lower-case ASCII transliteration, word by word with a cache (list names repeat words)."""
        if text.isascii():
            return text.lower()
        out = []
        cache = self._ascii_cache
        for word in text.split():
            hit = cache.get(word)
            if hit is None:
                hit = word.lower() if word.isascii() else ascii_text_safe(word).lower()
                if len(cache) >= self._cache_size:
                    cache.clear()
                cache[word] = hit
            out.append(hit)
        return " ".join(out)

    def token(self, text: str, *, dotted: bool = False) -> Token:
        key = (text, dotted)
        hit = self._token_cache.get(key)
        if hit is not None:
            return hit
        rom = self.romanise(text)
        # a letter written with a period is an initial ("E. Martin", "Y. Jiang"), not the "e" or "y" of "and"
        stopword = text in _STOPWORDS and not (dotted and len(text) == 1)
        generic = text in self.vocabulary.generic_words or stopword or self._near_generic(text)
        if generic:
            weight = self.vocabulary.generic_weight
        elif len(text) == 1:
            weight = SINGLE_LETTER_WEIGHT
        else:
            weight = 1.0
        tok = Token(text=text, rom=rom, skeleton=skeleton(rom), weight=weight, generic=generic, dotted=dotted)
        if len(self._token_cache) >= self._cache_size:
            self._token_cache.clear()
        self._token_cache[key] = tok
        return tok

    def _near_generic(self, text: str) -> bool:
        """A misspelt generic word or legal form ("compane") is still generic."""
        if len(text) < 6 or not text.isalpha():
            return False
        words = self._generic_by_length
        for n in (len(text) - 1, len(text), len(text) + 1):
            for word in words.get(n, ()):
                if OSA.distance(text, word, score_cutoff=1) <= 1:
                    return True
        return False

    def romanise(self, text: str) -> str:
        """Fold spelling conventions of transliteration together (see vocabulary `romanisation`)."""
        out = text
        for src, dst in self._rules:
            if src in out:
                out = out.replace(src, dst)
        return _collapse(out)


def _acronym_alone(name: str, kept: list[str], legal_forms: frozenset[str]) -> bool:
    """A name that is one word in capitals without a vowel, which the vocabulary reads as a legal
    form and rigour's table of org types does not ("PSC"): written alone, it is the initials of a
    name ("Proton Shipping Co"), kept as the name's word. "LLC", "CORP" alone are still nothing."""
    if len(kept) != 1 or len(kept[0]) < 3 or kept[0] not in legal_forms or not name.strip().isupper():
        return False
    return not any(ch in "aeiou" for ch in kept[0]) and bool(remove_org_types(kept[0], replacement=" ").strip())


def _collapse(text: str) -> str:
    """Collapse runs of the same letter ("mohammad" -> "mohamad")."""
    if len(text) < 2:
        return text
    chars = [text[0]]
    for ch in text[1:]:
        if ch != chars[-1]:
            chars.append(ch)
    return "".join(chars)


def consonants(rom: str) -> str:
    """The consonants of a romanised token, doubles collapsed (no first-letter exception), as
    compared across scripts: v is dropped too (the w of "ابو" is the u of "Abu"), and a final h."""
    out = _collapse(rom.translate(_CROSS_VOWELS))
    # a final h is the silent ending of Persian "-zadeh" / Arabic "-allah" as often as not
    return out[:-1] if len(out) > 2 and out.endswith("h") else out


def split_joined_forms(text: str, forms: dict[str, frozenset[str]]) -> str:
    """A legal form written onto the name split off ("KraftwerkGmbH" -> "Kraftwerk GmbH"): the
    `any_case` forms at the end of any word with 4+ letters before them, the `camel_case` ones
    only where an upper-case letter follows a lower-case one. Returns `text` itself when
    nothing was split."""
    any_case, camel = forms.get("any_case", frozenset()), forms.get("camel_case", frozenset())
    folded = text.casefold()
    if not any(form in folded for form in any_case) and not _CAMEL.search(text):
        return text
    words = text.split()
    changed = False
    for i, word in enumerate(words):
        if len(word) < 6:
            continue
        folded = word.casefold()
        for form in any_case:
            cut = len(word) - len(form)
            if cut >= 4 and folded.endswith(form) and word[:cut].isalpha():
                words[i] = f"{word[:cut]} {word[cut:]}"
                changed = True
                break
        else:
            for cut in range(len(word) - 1, 3, -1):
                if word[cut].isupper() and word[cut - 1].islower() and folded[cut:] in camel:
                    words[i] = f"{word[:cut]} {word[cut:]}"
                    changed = True
                    break
    return " ".join(words) if changed else text


def read_numbers(words: list[str], ordinals: dict[str, int], *, person: bool = False) -> list[str]:
    """Numbers as digits: number words ("fifty five" -> "55", "one" -> "1", via text2num),
    ordinals ("2nd", "second" -> "2"); the word that announces a number dropped ("No. 39",
    "Number 2" -> "39", "2"); in an organisation's name, Roman numerals after its first word
    ("Argo II" -> "argo 2"; "I", "V", "X" only as the last word); digits typed for letters
    inside a word read as letters ("h0ng" -> "hong")."""
    if any(w in NUMBER_WORDS for w in words):
        # threshold 0: a lone "one" or "two" is a number in a name too ("One-P" / "1-P")
        words = alpha2digit(" ".join(words), "en", threshold=0).split()
    out = []
    last = len(words) - 1
    for i, word in enumerate(words):
        if word in ordinals:
            word = str(ordinals[word])
        elif word[0].isdigit() and (m := _ORDINAL.match(word)):
            word = m.group(1)
        elif word in NUMBER_MARKS and i < last and words[i + 1][0].isdigit():
            continue  # "no" / "number" before a number
        elif word[:2] in ("no", "nr") and (m := _MARKED_NUMBER.match(word)) is not None:
            word = m.group(1)  # "No5", "#5" written as one word ("№5" is "No5" after NFKC)
        elif not person and i > 0 and (value := ROMAN.get(word)) is not None and (i == last or len(word) > 1):
            word = str(value)
        elif not word.isalpha() and not word.isdigit() and _LEET_RUN.search(word):
            word = _LEET_RUN.sub(lambda m: m.group(0).translate(_LEET), word)
        out.append(word)
    return out


def join_initials(tokens: list[str]) -> list[str]:
    """Runs of single letters become one token ("s a de c v" -> "sa de cv", "i b m" -> "ibm")."""
    out: list[str] = []
    run = ""
    for tok in tokens:
        if len(tok) == 1 and tok.isalpha():
            run += tok
            continue
        if run:
            out.append(run)
            run = ""
        out.append(tok)
    if run:
        out.append(run)
    return out


def skeleton(rom: str) -> str:
    """First letter plus the consonants of a romanised token, doubles collapsed."""
    if not rom:
        return rom
    return _collapse(rom[0] + rom[1:].translate(_VOWELS))
