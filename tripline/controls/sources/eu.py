"""EU Annex I (Reg. 2021/821) from the structured paragraph fixture, and its code count from the text.

The fixture (a Django dump) holds ``regulations.regulation`` rows (one per 5-character entry)
and ``regulations.paragraph`` rows forming a tree by ``path`` (4 characters per level) with a
label in ``code`` ("2B006.", "a.", "1.", "Note:") and a ``note_type``.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import structlog

from tripline.controls.items import ItemBuilder, note_kind
from tripline.controls.model import ControlEntry, ItemKind, Source
from tripline.controls.regimes import RegimeBook
from tripline.controls.sources.files import read_text
from tripline.controls.textnorm import clean
from tripline.controls.vocabulary import Vocabulary
from tripline.errors import FormatError

log = structlog.get_logger(__name__)

CODE_RE = re.compile(r"^\d[A-E]\d{3}$")
_LABEL = re.compile(r"^(?:[a-z]|\d{1,2})\.?$")
_TEXT_HEADING = re.compile(r"(?m)^\s*(\d[A-E]\d{3})\s")


def parse_eu_fixture(path: Path, vocabulary: Vocabulary, regimes: RegimeBook) -> tuple[list[ControlEntry], list[str]]:
    """Entries and warnings; one entry per ``regulations.regulation`` row, none dropped."""
    try:
        rows = json.loads(read_text(path))
    except json.JSONDecodeError as exc:
        raise FormatError(f"not JSON: {exc.msg}", file=path, line=exc.lineno) from exc
    if not isinstance(rows, list):
        raise FormatError("expected a list of fixture rows", file=path)
    regulations: dict[int, str] = {}
    paragraphs: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for index, row in enumerate(rows):
        model = row.get("model") if isinstance(row, dict) else None
        fields = row.get("fields") if isinstance(row, dict) else None
        if not isinstance(fields, dict):
            raise FormatError("fixture row without fields", file=path, field=f"[{index}]")
        if model == "regulations.regulation":
            code = str(fields.get("code", ""))
            if not CODE_RE.match(code):
                raise FormatError(f"not an Annex I code: {code!r}", file=path, field=f"[{index}].fields.code")
            if row["pk"] in regulations:
                raise FormatError(f"regulation pk {row['pk']} occurs twice", file=path, field=f"[{index}].pk")
            regulations[row["pk"]] = code
        elif model == "regulations.paragraph":
            regulation = fields.get("regulation")
            if not isinstance(regulation, int):
                raise FormatError("paragraph without regulation", file=path, field=f"[{index}].fields.regulation")
            paragraphs[regulation].append({**fields, "_index": index})
    orphans = set(paragraphs) - set(regulations)
    if orphans:
        first = paragraphs[sorted(orphans, key=str)[0]][0]
        raise FormatError(
            "paragraph of an unknown regulation", file=path, field=f"[{first['_index']}].fields.regulation"
        )
    entries: list[ControlEntry] = []
    warnings: list[str] = []
    seen: set[str] = set()
    for pk, code in regulations.items():
        if code in seen:
            raise FormatError(f"entry {code} occurs twice", file=path, field="regulations.regulation")
        seen.add(code)
        entry, problems = _entry(
            code, sorted(paragraphs.get(pk, []), key=lambda p: p["path"]), path, vocabulary, regimes
        )
        entries.append(entry)
        warnings.extend(problems)
    return entries, warnings


def _entry(
    code: str, paras: list[dict[str, Any]], path: Path, vocabulary: Vocabulary, regimes: RegimeBook
) -> tuple[ControlEntry, list[str]]:
    warnings: list[str] = []
    builder = ItemBuilder(code, vocabulary, decimal_comma=True)
    title = ""
    codes_by_path: dict[str, str] = {}
    note_paths: set[str] = set()
    texts: list[str] = []
    for para in paras:
        p_path, label, text = str(para["path"]), str(para.get("code") or "").strip(), clean(str(para.get("text") or ""))
        depth = len(p_path) // 4
        parent_code = codes_by_path.get(p_path[:-4], code)
        texts.append(f"{label} {text}".strip())
        if depth == 1 and label.rstrip(".") == code:
            if title:
                builder.add(code, ItemKind.NOTE, text, 1)
            else:
                title = re.sub(r",?\s*as follows:?$", "", text).strip()
            codes_by_path[p_path] = code
            continue
        kind = note_kind(label) if not _LABEL.match(label) else None
        if p_path[:-4] in note_paths:  # numbered paragraphs inside a note belong to the note
            note_paths.add(p_path)
            codes_by_path[p_path] = parent_code
            builder.extend_last(f"{label} {text}".strip())
            continue
        if para.get("note_type") == "base" and _LABEL.match(label):
            item_code = f"{parent_code}.{label.rstrip('.')}"
            codes_by_path[p_path] = item_code
            builder.add(item_code, ItemKind.ITEM, text, item_code.count(".") - 0)
        else:
            if kind is None:
                kind = ItemKind.NOTE
                warnings.append(f"{path}, {code} paragraph {p_path}: unknown label {label!r}; kept as a note")
            codes_by_path[p_path] = parent_code
            note_paths.add(p_path)
            body = re.sub(r"^(?:Technical\s+)?Notes?\s*\d*:?\s*|^N\.B\.\s*\d*:?\s*", "", text).strip()
            builder.add(parent_code, kind, body, depth)
    if not title:
        warnings.append(f"{path}, {code}: no heading paragraph; title left empty")
        title = code
    entry = ControlEntry(
        source=Source.EU,
        code=code,
        title=title,
        text="\n".join(texts),
        regimes=tuple(r for r in (regimes.by_number(code),) if r is not None),
        regime_refs=regimes.refs(code),
        items=builder.build(),
    )
    return entry, warnings


def eu_text_codes(path: Path) -> set[str]:
    """The entry codes that head a line of the Annex I plain text (an independent count)."""
    return set(_TEXT_HEADING.findall(read_text(path)))
