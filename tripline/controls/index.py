"""The unit of ranking: one control code with its EU and CCL entries, and the lexical ranker."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from typing import Protocol

from tripline.controls.bm25 import BM25
from tripline.controls.catalogue import Catalogue
from tripline.controls.model import ControlEntry, Item, ItemKind, Source
from tripline.controls.textnorm import tokens

SOFTWARE_WORDS = re.compile(
    r"\b(software|technology|source code|know-how|technical data|firmware|drawings|blueprints)\b", re.IGNORECASE
)


@dataclass
class CodeDoc:
    """A code as it appears in either list (EU Annex I and/or the CCL)."""

    code: str
    eu: ControlEntry | None = None
    ccl: ControlEntry | None = None
    item_texts: dict[str, list[str]] = field(default_factory=dict)

    @property
    def primary(self) -> ControlEntry:
        """The entry whose item tree is evaluated: the current CCL text when there is one."""
        entry = self.ccl or self.eu
        assert entry is not None
        return entry

    @property
    def title(self) -> str:
        return (self.eu or self.primary).title

    @property
    def software(self) -> bool:
        return self.code[1] in "DE"

    def items(self) -> list[Item]:
        return [i for i in self.primary.items if i.kind is ItemKind.ITEM]


def build_docs(catalogue: Catalogue) -> list[CodeDoc]:
    docs: dict[str, CodeDoc] = {}
    for entry in catalogue:
        doc = docs.setdefault(entry.code, CodeDoc(entry.code))
        if entry.source is Source.EU:
            doc.eu = entry
        else:
            doc.ccl = entry
        for item in entry.items:
            if item.kind is ItemKind.ITEM:
                doc.item_texts.setdefault(item.code, []).append(item.text)
    return [docs[c] for c in sorted(docs)]


HEAD_SPLIT = re.compile(
    r"\b(?:for|used (?:in|for|by|to)|intended|to be used|destined|suitable for|designed for|application)\b",
    re.IGNORECASE,
)
TAIL_WEIGHT = 0.5  # words after "for ..." name a purpose or a material, not the goods


def split_head(text: str) -> tuple[str, str]:
    """("filament winding machine", "for carbon fibre rocket motor cases")."""
    m = HEAD_SPLIT.search(text)
    if m is None or m.start() == 0:
        return text, ""
    return text[: m.start()], text[m.start() :]


_SEGMENT = re.compile(r"[,;(]|\b(?:with|of|from|in|on|having)\b|\s(?=\d[\d.,/]*\s)", re.IGNORECASE)
_CONDITIONAL = re.compile(r"\b(?:having|when|if|unless|where|which)\b|:", re.IGNORECASE)
_EXCLUSION = re.compile(
    r"\b(?:does|do) not (?:control|apply)|\bnot controlled by\b|\bis not (?:controlled|specified)\b", re.IGNORECASE
)


def head_segment(text: str) -> list[str]:
    """Stemmed words of the noun phrase that names the goods: the words before the first comma,
    number, "with", "of", "for"...: "C-350 maraging steel, 20 tons" -> [marag, steel]."""
    words = tokens(_SEGMENT.split(split_head(text)[0])[0])
    return [w for w in words if not any(ch.isdigit() for ch in w)]  # model numbers do not name goods


# words that end a goods phrase without saying what the goods are ("bar stock", "500 kg drums")
GENERIC_HEADS = frozenset(
    tokens(
        "stock bar bars product products unit units set sets item items part parts kit kits assembly assemblies "
        "lot lots piece pieces drum drums pack package shipment consignment type model series grade "
        "gas powder liquid solution"
    )
)


def head_term(text: str) -> str | None:
    """The stemmed head noun of a description: "C-350 maraging steel, 20 tons" -> "steel",
    "VascoMax C-300 bar stock" -> "vascomax"."""
    toks = head_segment(text)
    while len(toks) > 1 and toks[-1] in GENERIC_HEADS:
        toks = toks[:-1]
    return toks[-1] if toks else None


class Ranker(Protocol):
    """Scores codes for a query; about 0..1, higher is better; only codes worth showing.
    ``expansion`` is vocabulary text for the head of the description, ``tail`` for the rest."""

    name: str

    def scores(self, text: str, expansion: str, tail: str = "") -> dict[str, float]: ...


class LexicalRanker:
    """BM25 over titles (counted twice) and item texts of both lists, normalised to about 0..1.

    The normaliser counts every word of the description, also those no entry contains (at the
    mean idf), so that a description explained by an entry only in part scores lower.
    """

    name = "lexical"

    def __init__(self, docs: list[CodeDoc]) -> None:
        self.docs = docs
        self.position = {doc.code: i for i, doc in enumerate(docs)}
        corpus = []
        for doc in docs:
            toks = tokens(doc.title) * 2
            for texts in doc.item_texts.values():
                for text in texts:
                    toks.extend(tokens(text))
            if doc.ccl is not None and doc.eu is not None:
                toks.extend(tokens(doc.ccl.title))
            corpus.append(toks)
        self.doc_terms = [frozenset(toks) for toks in corpus]
        self.bm25 = BM25(corpus)
        idfs = sorted(self.bm25.idf(t) for t in self.bm25.postings)
        self.unknown_idf = idfs[len(idfs) // 2] if idfs else 1.0
        item_keys: list[tuple[str, str]] = []
        item_corpus: list[list[str]] = []
        for doc in docs:
            for item_code, texts in doc.item_texts.items():
                item_keys.append((doc.code, item_code))
                item_corpus.append([t for text in texts for t in tokens(text)])
        self.items_bm25 = BM25(item_corpus)
        self.item_keys = item_keys

    def query_terms(self, text: str, expansion: str) -> list[str]:
        return [t for t in dict.fromkeys(tokens(text) + tokens(expansion)) if t in self.bm25]

    def weights(self, text: str, expansion: str, tail: str = "") -> dict[str, float]:
        """Query terms with weights: head words and their vocabulary 1.0, the rest 0.5."""
        head, rest = split_head(text)
        out: dict[str, float] = {}
        for t in tokens(rest) + tokens(tail):
            out[t] = TAIL_WEIGHT
        for t in tokens(head) + tokens(expansion):
            out[t] = 1.0
        return out

    def scores(self, text: str, expansion: str, tail: str = "") -> dict[str, float]:
        weights = self.weights(text, expansion, tail)
        terms = [t for t in weights if t in self.bm25]
        if not terms:
            return {}
        unknown = sum(w for t, w in weights.items() if t not in self.bm25)
        ceiling = self.bm25.ceiling(terms, weights) + unknown * self.unknown_idf * (self.bm25.k1 + 1)
        allow_software = bool(SOFTWARE_WORDS.search(text))
        out = {}
        for i, raw in self.bm25.scores(terms, weights).items():
            doc = self.docs[i]
            if doc.software and not allow_software:
                continue
            out[doc.code] = 2.0 * raw / ceiling
        return out

    def prepare(self) -> None:
        """Build the lazily computed tables now rather than on the first query."""
        _ = self._exclusions

    def has_term(self, code: str, term: str) -> bool:
        i = self.position.get(code)
        return i is not None and term in self.doc_terms[i]

    def exclusion(self, doc: CodeDoc, text: str) -> str | None:
        """A note of the entry that excludes goods named with words the entry's items do not use
        ("2B006.c does not control ... autocollimators"); the note text, or None. Notes that
        exclude only under conditions ("... having any of the following") are left to the
        parameter checks."""
        head = set(head_segment(text))
        for distinctive, note in self._exclusions.get(doc.code, ()):
            if head & distinctive:
                return note
        return None

    @cached_property
    def _exclusions(self) -> dict[str, list[tuple[frozenset[str], str]]]:
        out: dict[str, list[tuple[frozenset[str], str]]] = defaultdict(list)
        for i, doc in enumerate(self.docs):
            for entry in (doc.ccl, doc.eu):
                if entry is None:
                    continue
                for item in entry.items:
                    m = _EXCLUSION.search(item.text) if item.kind is not ItemKind.ITEM else None
                    if m is not None and not _CONDITIONAL.search(item.text, m.end()):
                        distinctive = frozenset(tokens(item.text)) - self.doc_terms[i]
                        out[doc.code].append((distinctive, f"{item.code}: {item.text[:160]}"))
        return dict(out)

    def matched_terms(self, code: str, terms: list[str]) -> list[str]:
        i = self.position.get(code)
        return [] if i is None else [t for t in terms if t in self.doc_terms[i]]

    def item_scores(self, text: str, expansion: str, tail: str = "") -> dict[str, list[tuple[str, float]]]:
        """Per code, its sub-items that match the query, best first (item code, raw score)."""
        weights = self.weights(text, expansion, tail)
        terms = [t for t in weights if t in self.items_bm25]
        out: dict[str, list[tuple[str, float]]] = defaultdict(list)
        for i, score in self.items_bm25.scores(terms, weights).items():
            code, item_code = self.item_keys[i]
            out[code].append((item_code, score))
        for scored in out.values():
            scored.sort(key=lambda p: -p[1])
        return out


def best_items(scored: list[tuple[str, float]], limit: int = 3) -> list[str]:
    """The items within 60 % of the best item's score."""
    if not scored:
        return []
    top = scored[0][1]
    return [code for code, score in scored[:limit] if score >= 0.6 * top]
