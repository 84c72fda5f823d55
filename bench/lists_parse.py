"""Benchmark: parse every bundled watch list into FollowTheMoney entities; time per source and format.

Baseline, measured in the same run on the same bytes: reading each file with the standard
library only (gzip + ``csv.reader`` / ``xml.etree.iterparse`` / line splitting), building no
entity. The difference is what the parsers cost (decoding checks, joins, remark parsing, FtM
cleaning of names, countries and dates). FollowTheMoney's one-time country table is warmed up
first and reported on its own line. Peak memory: a second pass under ``tracemalloc``.

    .venv/bin/python bench/lists_parse.py            # all bundled lists
    .venv/bin/python bench/lists_parse.py --quick    # three small lists
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import os
import time
import tracemalloc
import xml.etree.ElementTree as ET
from pathlib import Path

from tripline.lists.formats import FORMATS
from tripline.lists.model import LoadReport, SourceSpec
from tripline.lists.sources import load_sources, source_paths
from tripline.settings import Settings

QUICK = ("un_sc", "us_ofac_cons", "jp_meti_belarus")


def _raw_bytes(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data


def baseline(spec: SourceSpec, paths: list[Path]) -> int:
    """Records read with the standard library alone (no checks, no entities)."""
    count = 0
    for path in paths:
        data = _raw_bytes(path)
        if spec.format == "un_xml":
            count += sum(1 for _, el in ET.iterparse(io.BytesIO(data)) if el.tag in ("INDIVIDUAL", "ENTITY"))
        elif spec.format in {"meti_txt", "ftm_json"}:
            count += data.decode("utf-8").count("\n")
        else:
            encoding = "cp1252" if spec.format in {"ofac_csv", "hmt_csv"} else "utf-8-sig"
            delimiter = "\t" if spec.format == "bis_dpl" else ","
            count += sum(1 for _ in csv.reader(io.StringIO(data.decode(encoding), newline=""), delimiter=delimiter))
    return count


def parse(spec: SourceSpec, paths: list[Path]) -> int:
    report = LoadReport()
    return sum(1 for _ in FORMATS[spec.format].parse(paths, spec, report))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="only a few small lists")
    args = parser.parse_args()
    settings = Settings()
    specs = [s for s in load_sources(settings) if not args.quick or s.id in QUICK]

    t0 = time.perf_counter()
    from followthemoney import model

    warm = model.make_entity("Company")
    warm.add("country", "Democratic People's Republic of Korea", fuzzy=True)
    init = time.perf_counter() - t0

    rows = []
    for spec in specs:
        paths = source_paths(spec, settings.data_dir)
        t = time.perf_counter()
        records = baseline(spec, paths)
        base = time.perf_counter() - t
        t = time.perf_counter()
        c = time.process_time()
        entities = parse(spec, paths)
        took = time.perf_counter() - t
        cpu = time.process_time() - c
        tracemalloc.start()
        parse(spec, paths)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        rows.append((spec.id, spec.format, records, entities, base, took, peak, cpu))

    print(f"FollowTheMoney one-time init (country table): {init:.2f} s; load average {os.getloadavg()[0]:.1f}\n")
    header = f"{'source':26} {'format':10} {'raw recs':>9} {'entities':>9} {'baseline s':>10} {'parse s':>8}"
    print(header + f" {'cpu s':>7} {'x base':>7} {'ent/s':>8} {'peak MiB':>9}")
    print("-" * (len(header) + 35))
    for sid, fmt, records, entities, base, took, peak, cpu in rows:
        ratio = took / base if base > 0 else float("nan")
        rate = entities / took if took > 0 else float("nan")
        print(f"{sid:26} {fmt:10} {records:9d} {entities:9d} {base:10.3f} {took:8.3f} {cpu:7.2f}"
              f" {ratio:7.1f} {rate:8.0f} {peak / 2**20:9.1f}")  # fmt: skip
    total_base = sum(r[4] for r in rows)
    total = sum(r[5] for r in rows)
    print("-" * (len(header) + 35))
    entities_total = sum(r[3] for r in rows)
    peak_max = max(r[6] for r in rows) / 2**20
    cpu_total = sum(r[7] for r in rows)
    print(f"{'all':37} {sum(r[2] for r in rows):9d} {entities_total:9d} {total_base:10.3f} {total:8.3f}"
          f" {cpu_total:7.2f} {total / total_base:7.1f} {entities_total / total:8.0f} {peak_max:9.1f}")  # fmt: skip


if __name__ == "__main__":
    main()
