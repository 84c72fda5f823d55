"""Japanese MOFA/METI export-ban lists of designated entities, as text extracted from the PDFs.

The text is irregular (line breaks of the PDF, entries glued to the previous address,
full-width digits, several alias layouts). What is sound to rely on:

- a title line starting ``○``, then ``指定日`` (designation date) and ``最終更新日`` (last update:
  ``report.published``);
- entries numbered 1, 2, 3... in order: an entry starts where the *next expected number*
  appears at a line start (or glued after the end of an address) followed by a Japanese
  name. Using the expected number, not any number, keeps addresses from starting entries;
- in each entry: the Japanese name (aliases in ``（別称、A、B及びC）``), the English name
  (aliases after ``a.k.a., the following N aliases:`` as dash lines, or on lines after
  ``別称：``), then ``所在地：`` and the addresses (separated by ``; and``).

Numbers that cannot be found and entries without an English name are reported as warnings;
``report.declared_count`` is the highest entry number found (the list's own numbering).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from tripline.errors import FormatError
from tripline.lists.formats import entities as fe
from tripline.lists.formats.reader import DEFAULT_LIMITS, ReadLimits, decode_head, text_lines
from tripline.lists.model import ListEntry, LoadReport, SourceSpec

_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_JAPANESE = re.compile(r"[\u3005-\u3007\u300c-\u300f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff66-\uff9f]")
_BRACKETED = re.compile(r"（[^（）]*）")
_UPDATED = re.compile(r"最終更新日\s*[：:]\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_AKA = re.compile(r",?\s*a\.k\.a\.?,?\s*|,?\s*(?=the\s*following\s*[a-z]*\s*alias)", re.IGNORECASE)
_FOLLOWING = re.compile(r"^\s*(?:the\s*)?follow(?:ing)?\s*[a-z]*\s*alias(?:es)?\s*:?\s*", re.IGNORECASE)
_DASH_ITEM = re.compile(r"(?:^|\n|:|;)\s*[-—–‐]\s*")
_ADDRESS_SPLIT = re.compile(r";\s*and\s+|;\s+|,\s+and,\s+")
_JP_ALIAS_SPLIT = re.compile(r"、|､|及び")
_ADDRESS_MARK = re.compile(r"\s*所\s*在\s*地\s*[：:]\s*")
_ALIAS_MARK = re.compile(r"(?:^|(?<=\n))\s*別\s*称\s*[：:]\s*")
MAX_ENTRIES = 100_000


@dataclass
class _Item:
    number: int
    jp: list[str] = field(default_factory=list)
    en: list[str] = field(default_factory=list)
    alias_jp: list[str] = field(default_factory=list)
    alias_en: list[str] = field(default_factory=list)
    address: list[str] = field(default_factory=list)


class MetiTextFormat:
    name = "meti_txt"
    title = "Japan MOFA/METI designated-entity list (PDF text)"

    def sniff(self, path: Path, head: bytes) -> bool:
        text = decode_head(head)
        return text.lstrip("\ufeff").startswith("○") and "指定日" in text and "所在地" in text

    def parse(
        self, paths: Sequence[Path], spec: SourceSpec, report: LoadReport, limits: ReadLimits = DEFAULT_LIMITS
    ) -> Iterator[ListEntry]:
        for path in paths:
            yield from _parse_file(path, spec, report, limits)


def _parse_file(path: Path, spec: SourceSpec, report: LoadReport, limits: ReadLimits) -> Iterator[ListEntry]:
    lines: list[str] = []
    for line in text_lines(path, limits=limits):
        if not lines and not line.lstrip("\ufeff").startswith("○"):  # refuse at the first line, not at the end
            raise FormatError("not a METI designated-entity list: no title line starting with ○", file=path, line=1)
        lines.append(line.rstrip("\r\n"))
    if not lines:
        raise FormatError("empty file: no METI list", file=path, line=1)
    start = next((i + 1 for i, line in enumerate(lines[:20]) if "最終更新日" in line), None)
    if start is None:
        raise FormatError("not a METI designated-entity list: no 最終更新日 (last update) line", file=path, line=1)
    updated = _UPDATED.search(lines[start - 1].translate(_FULLWIDTH_DIGITS))
    if updated:
        report.published = date(int(updated.group(1)), int(updated.group(2)), int(updated.group(3)))
    body = "\n".join(lines[start:]).translate(_FULLWIDTH_DIGITS)
    chunks = _split_entries(body)
    if not chunks:
        raise FormatError("no numbered entries found", file=path, line=start + 1)
    last = chunks[-1][0]
    report.declared_count = (report.declared_count or 0) + last
    found = {number for number, _ in chunks}
    missing = [n for n in range(1, last + 1) if n not in found]
    if missing:
        report.warnings.append(f"{path.name}: entries {missing[:20]} not found in the text")
    no_english: list[int] = []
    for number, text in chunks:
        report.rows += 1
        item = _read_item(number, text)
        entry = _entry(spec, item)
        if entry is None:
            no_english.append(number)
            report.skipped += 1
            continue
        yield entry
    if no_english:
        report.warnings.append(f"{path.name}: entries {no_english[:20]} have no name that could be read; skipped")


def _split_entries(body: str) -> list[tuple[int, str]]:
    """Cut the body at the entry numbers 1, 2, 3... in order (see the module docstring)."""
    starts: list[tuple[int, int, int]] = []  # (number, start of number, start of text)
    position = 0
    number = 1
    while number < MAX_ENTRIES:
        match = _find_number(body, number, position)
        if match is None:
            # tolerate one gap in the numbering: try the number after
            match = _find_number(body, number + 1, position)
            if match is None:
                break
            number += 1
        starts.append((number, match[0], match[1]))
        position = match[1]
        number += 1
    chunks = []
    for index, (num, _, text_start) in enumerate(starts):
        end = starts[index + 1][1] if index + 1 < len(starts) else len(body)
        chunks.append((num, body[text_start:end].strip()))
    return chunks


_NUMBER = re.compile(r"(?:(?<=\n)|(?<=^)|(?<=[A-Za-z.)」]))(\d{1,5})[ \u3000]?(?=[^\d\s,./\-)])")


def _find_number(body: str, number: int, position: int) -> tuple[int, int] | None:
    wanted = str(number)
    for match in _NUMBER.finditer(body, position):
        if match.group(1) != wanted:
            continue
        line_end = body.find("\n", match.end())
        rest = body[match.end() : line_end if line_end >= 0 else len(body)]
        if rest[:1] in {"年", "月", "日"} or not _JAPANESE.search(rest):
            continue
        return match.start(1), match.end()
    return None


def _is_japanese(line: str) -> bool:
    return len(_JAPANESE.findall(_BRACKETED.sub("", line))) >= 2


def _read_item(number: int, text: str) -> _Item:
    item = _Item(number)
    phase = "jp"
    depth = 0  # brackets of the Japanese name still open at the end of the previous line
    text = _ADDRESS_MARK.sub("\n所在地：", text)
    text = _ALIAS_MARK.sub("\n別称：", text)
    for raw in text.split("\n"):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("所在地："):
            phase = "address"
            line = line[4:].strip()
        elif line.startswith("別称："):
            phase = "alias_jp"
            line = line[3:].strip()
        if not line:
            continue
        if phase == "jp":
            jp_part, rest, depth = _split_mixed(line, depth)
            if rest and (" " not in rest and jp_part):  # a Latin word ending the Japanese name ("... FZC")
                jp_part, rest = line, ""
            if jp_part:
                item.jp.append(jp_part)
            if not rest:
                continue
            phase = "en"
            line = rest
        if phase == "en":
            item.en.append(line)
        elif phase == "alias_jp":
            if _is_japanese(line) or not item.alias_jp:
                item.alias_jp.append(line)
            else:
                phase = "alias_en"
                item.alias_en.append(line)
        elif phase == "alias_en":
            item.alias_en.append(line)
        else:
            item.address.append(line)
    return item


def _split_mixed(line: str, depth: int) -> tuple[str, str, int]:
    """Split a line of the Japanese block into the Japanese name and an English name printed after it.

    The Japanese part runs to the last Japanese character outside brackets, or to the end of
    a bracket that belongs to it (opened right after Japanese text, or starting with 別称).
    Brackets of the English part (``Afox Corporation（元富科技集團股份有限公司）``) stay with it.
    """
    split = 0
    owned = depth > 0
    for index, char in enumerate(line):
        if char in "（(":
            if depth == 0:
                owned = line[index + 1 : index + 3] == "別称" or (index > 0 and bool(_JAPANESE.match(line[index - 1])))
            depth += 1
        elif char in "）)":
            depth = max(0, depth - 1)
        elif depth == 0 and _JAPANESE.match(char):
            split = index + 1
            continue
        if owned and (depth > 0 or char in "）)"):
            split = index + 1
    return line[:split].strip(), line[split:].strip(), depth if owned else 0


def _entry(spec: SourceSpec, item: _Item) -> ListEntry | None:
    jp_text = _join(item.jp)
    jp_aliases: list[str] = []
    bracket = re.search(r"[（(]別称[、､,]?(.*)[）)]", jp_text)
    if bracket:
        jp_aliases = [a.strip() for a in _JP_ALIAS_SPLIT.split(bracket.group(1)) if a.strip()]
        jp_text = jp_text[: bracket.start()]
    jp_name = jp_text.strip(" 。.")
    en_text = "\n".join(item.en)
    native = [a.strip() for group in re.findall(r"（([^（）]*)）", en_text) for a in group.split("、") if a.strip()]
    en_text = _BRACKETED.sub("", en_text)
    en_aliases: list[str] = []
    parts = _AKA.split(en_text, maxsplit=1)
    en_name = " ".join(parts[0].split()).strip(" ,.")
    if len(parts) > 1:
        rest = _FOLLOWING.sub("", parts[1])
        en_aliases = [_strip_alias(a) for a in _DASH_ITEM.split(rest)]
    alias_en = " ".join(item.alias_en)
    en_aliases += [a.strip() for a in alias_en.split(";")]
    jp_aliases += [a.strip() for a in _join(item.alias_jp).replace("；", ";").split(";")]
    name = en_name or jp_name
    if not name:
        return None
    entity = fe.make("LegalEntity", spec, str(item.number))
    fe.add(entity, "name", name)
    fe.add(entity, "alias", [jp_name] if en_name else [])
    fe.add(entity, "alias", [a for a in (*jp_aliases, *en_aliases, *native) if a])
    address = " ".join(item.address)
    for part in _ADDRESS_SPLIT.split(address):
        text = part.strip(" .;")
        if text:
            fe.add(entity, "address", text)
            fe.add(entity, "country", text.rsplit(",", 1)[-1].strip(" ."))
    return fe.entry(entity, spec, str(item.number))


def _join(lines: list[str]) -> str:
    """Join wrapped lines: no space where Japanese text was cut, one space between Latin words."""
    out = ""
    for line in lines:
        if out and not (_JAPANESE.match(out[-1]) or _JAPANESE.match(line[0])):
            out += " "
        out += line
    return out


def _strip_alias(text: str) -> str:
    cleaned = " ".join(text.split())
    for suffix in ("; and", ";", " and", "."):
        cleaned = cleaned.removesuffix(suffix)
    return cleaned.strip(" ,")


FORMAT = MetiTextFormat()
