"""Input CSV checks and the result CSV format, shared by /files and /jobs.

An input file is UTF-8 text (a BOM is allowed), a header naming every model
feature once (any order) plus an optional `id` column, and at least one data
row; every cell of a feature column is a finite number.
"""
import csv
import io
import math
from typing import List, Optional, Sequence, Tuple

ID_COLUMN = "id"


class CsvError(ValueError):
    """The content is not an acceptable input file; the message says where and why."""


def parse(data: bytes, features: Sequence[str], max_rows: int) -> Tuple[List[Optional[str]], List[List[float]]]:
    """Return (ids, rows in feature order); ids are None when the file has no id column."""
    if not data.strip():
        raise CsvError("file is empty")
    if b"\x00" in data:
        raise CsvError("file is binary, not CSV text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise CsvError("file is not UTF-8 text (byte %d)" % e.start) from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except csv.Error as e:
        raise CsvError("line 1: %s" % e) from None
    header = [h.strip() for h in header]
    seen = set()
    for h in header:
        if h in seen:
            raise CsvError("line 1: column %r appears twice" % h)
        seen.add(h)
    wanted = set(features)
    unknown = [h for h in header if h not in wanted and h != ID_COLUMN]
    if unknown:
        raise CsvError("line 1: unknown column %r (expected the model features and optionally %r)" % (unknown[0], ID_COLUMN))
    missing = [f for f in features if f not in seen]
    if missing:
        raise CsvError("line 1: missing column %r" % missing[0])
    index = [header.index(f) for f in features]
    id_index = header.index(ID_COLUMN) if ID_COLUMN in seen else None
    ids, rows = [], []
    try:
        for cells in reader:
            line = reader.line_num
            if not cells or (len(cells) == 1 and not cells[0].strip()):
                continue  # blank line
            if len(cells) != len(header):
                raise CsvError("line %d: %d fields, header has %d" % (line, len(cells), len(header)))
            if len(rows) >= max_rows:
                raise CsvError("more than %d data rows" % max_rows)
            row = []
            for f, i in zip(features, index):
                raw = cells[i].strip()
                try:
                    v = float(raw)
                except ValueError:
                    raise CsvError("line %d: column %s: %r is not a number" % (line, f, raw[:40])) from None
                if not math.isfinite(v):
                    raise CsvError("line %d: column %s: %r is not a finite number" % (line, f, raw[:40]))
                row.append(v)
            rows.append(row)
            ids.append(cells[id_index].strip() if id_index is not None else None)
    except csv.Error as e:
        raise CsvError("line %d: %s" % (reader.line_num, e)) from None
    if not rows:
        raise CsvError("file has a header but no data rows")
    return ids, rows


def results(ids: Sequence[Optional[str]], predictions: Sequence[dict], classes: Sequence[str]) -> bytes:
    """The job's output: id (or 1-based row number), label, one probability column per class."""
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\n")
    w.writerow([ID_COLUMN, "label"] + ["p_" + c for c in classes])
    for n, (i, p) in enumerate(zip(ids, predictions), start=1):
        w.writerow([i if i is not None else n, p["label"]] + [repr(p["probabilities"][c]) for c in classes])
    return buf.getvalue().encode("utf-8")
