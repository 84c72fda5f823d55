"""Sub-item labels ("a", "b.1", "b.3.a") and their order, shared by the CCL and EU parsers."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tripline.controls.model import Comparison, Item, ItemKind, Parameter
from tripline.controls.params import extract, open_comparison
from tripline.controls.vocabulary import Vocabulary

LABEL_RE = re.compile(r"^(?P<label>[a-z](?:\.(?:\d{1,2}|[a-z]))*)(?:\.\s+|\s+(?=[A-Z'\"“(]))")


def _part_key(part: str) -> tuple[int, int]:
    return (0, int(part)) if part.isdigit() else (1, ord(part[0]) - 96)


def is_next_label(label: str, current: str | None) -> bool:
    """Whether ``label`` can follow ``current`` in an item list: its first child, or a later
    sibling of it or of one of its ancestors (gaps allowed: lists skip reserved items)."""
    parts = label.split(".")
    if current is None:
        return len(parts) == 1
    cur = current.split(".")
    if len(parts) == len(cur) + 1 and parts[:-1] == cur:
        return parts[-1] in ("a", "1")
    if len(parts) > len(cur):
        return False
    prefix, last = parts[:-1], parts[-1]
    mine = cur[: len(parts)]
    if prefix != mine[:-1]:
        return False
    a, b = _part_key(last), _part_key(mine[-1])
    return a[0] == b[0] and a[1] > b[1]


def note_kind(head: str) -> ItemKind | None:
    """The kind of a note heading ("Technical Notes:", "Note 2:", "N.B.:"), or None."""
    low = head.lower().lstrip()
    if low.startswith("technical note"):
        return ItemKind.TECHNICAL_NOTE
    if low.startswith("note"):
        return ItemKind.NOTE
    if low.startswith("n.b"):
        return ItemKind.NB
    return None


@dataclass
class ItemBuilder:
    """Collects items and notes of one entry in document order and extracts parameters."""

    code: str
    vocabulary: Vocabulary
    decimal_comma: bool = False
    items: list[tuple[str, ItemKind, list[str], int]] = field(default_factory=list)

    def add(self, code: str, kind: ItemKind, text: str, depth: int) -> None:
        self.items.append((code, kind, [text], depth))

    def extend_last(self, text: str) -> bool:
        if not self.items:
            return False
        self.items[-1][2].append(text)
        return True

    def build(self) -> tuple[Item, ...]:
        out: list[Item] = []
        opens: dict[str, tuple[str, Comparison]] = {}
        for code, kind, texts, depth in self.items:
            text = " ".join(t for t in texts if t)
            params: tuple[Parameter, ...] = ()
            if kind is ItemKind.ITEM:
                parent = code.rsplit(".", 1)[0]
                params = extract(
                    text,
                    decimal_comma=self.decimal_comma,
                    key_for=self.vocabulary.key_for,
                    inherited=opens.get(parent),
                )
                opened = open_comparison(text)
                if opened is not None:
                    opens[code] = (opened[0], opened[1])
            out.append(Item(code, kind, text, depth, params))
        return tuple(out)
