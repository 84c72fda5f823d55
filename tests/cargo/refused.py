"""Manifests a reader must refuse whole, one of each class the issue names (made from a good file).

Each entry: a description, the file, and a fragment of the error the refusal must state. The
store test and the CLI test both go through every entry: nothing stored, earlier manifests intact.
"""

from __future__ import annotations

import re
from pathlib import Path

from tests.cargo.conftest import make_shipment
from tripline.cargo.readers import write_manifest
from tripline.lists.formats.reader import DEFAULT_LIMITS


def refused_manifests(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    folder = tmp_path / "refused"
    folder.mkdir(exist_ok=True)
    shipments = [make_shipment(bill_of_lading=f"R{i}") for i in range(3)]

    def written(name: str) -> tuple[Path, bytes]:
        path = folder / name
        write_manifest(path, shipments)
        return path, path.read_bytes()

    out: dict[str, tuple[Path, str]] = {}

    def add(what: str, name: str, content: bytes, says: str) -> None:
        path = folder / name
        path.write_bytes(content)
        out[what] = (path, says)

    # wrong encoding: latin-1 where UTF-8 is the format's encoding
    for suffix in (".csv", ".jsonl", ".edi"):
        _, good = written(f"good{suffix}")
        text = good.decode("utf-8").replace("Ningbo", "Ni\u00f1gbo")
        add(f"latin-1 {suffix}", f"latin{suffix}", text.encode("latin-1"), "not valid utf-8")
    # empty
    for suffix, says in ((".csv", "empty file"), (".jsonl", "empty file"), (".edi", "empty file")):
        add(f"empty {suffix}", f"empty{suffix}", b"", says)
    add("empty .parquet", "empty.parquet", b"", "not a Parquet file")
    # truncated: cut inside the last record (CSV, JSON lines), the footer gone (Parquet)
    _, csv_bytes = written("whole.csv")
    add("truncated CSV", "cut.csv", csv_bytes[: len(csv_bytes) - 40], "truncated")
    _, jsonl_bytes = written("whole.jsonl")
    add("truncated JSON lines", "cut.jsonl", jsonl_bytes[: len(jsonl_bytes) - 40], "truncated")
    _, parquet_bytes = written("whole.parquet")
    add("truncated Parquet", "cut.parquet", parquet_bytes[:-100], "not a Parquet file")
    # EDIFACT: a message cut before its UNT; a segment lost (UNT count); the UNZ count altered; no UNZ
    _, edi_bytes = written("whole.edi")
    edi = edi_bytes.decode("utf-8")
    add("EDIFACT cut inside a message", "cut.edi", edi[: len(edi) * 2 // 3].encode(), "UNT")
    lines = edi.split("\n")
    lines.remove(next(line for line in lines if line.startswith("MEA")))
    add("EDIFACT segment lost (UNT count)", "lost.edi", "\n".join(lines).encode(), "truncated or altered")
    unz = re.search(r"UNZ\+(\d+)", edi)
    assert unz is not None
    altered = edi[: unz.start(1)] + str(int(unz.group(1)) + 1) + edi[unz.end(1) :]
    add("EDIFACT UNZ count altered", "unz.edi", altered.encode(), "UNZ")
    add("EDIFACT without UNZ", "no-unz.edi", edi[: edi.rindex("UNZ+")].encode(), "UNZ")
    # huge: a line past the read limit (the file is never read whole)
    long = "A" * (DEFAULT_LIMITS.max_line_bytes + 10)
    add("huge JSON line", "huge.jsonl", jsonl_bytes + f'{{"bill_of_lading": "{long}"}}\n'.encode(), "longer than")
    add("huge CSV line", "huge.csv", csv_bytes + f"{long}\n".encode(), "longer than")
    add(
        "huge EDIFACT segment",
        "huge.edi",
        edi_bytes.replace(b"CNI+", f"FTX+AAA+++{long}'\nCNI+".encode(), 1),
        "longer than",
    )
    # wrong format: CSV content under a Parquet name, a CSV without the flat columns, JSON in .csv
    add("CSV named .parquet", "csv-named.parquet", b"bill_of_lading,containers\nR9,CSQU3054383\n", "not a Parquet")
    add("CSV without the columns", "no-columns.csv", b"bill_of_lading,containers\nR9,CSQU3054383\n", "missing column")
    add("JSON lines named .csv", "json-named.csv", jsonl_bytes, "missing column")
    add("CSV named .edi", "csv-named.edi", csv_bytes, "not a valid EDIFACT")
    add("Parquet named .jsonl", "parquet-named.jsonl", parquet_bytes, "utf-8")
    return out
