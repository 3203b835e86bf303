"""Input CSV checks and the result CSV format, shared by /files and /jobs.

An input file is UTF-8 text (a BOM is allowed), a header naming every model
feature once (any order) plus an optional `id` column, and at least one data
row; every cell of a feature column is a finite number.
"""

import csv
import io
import math
from collections.abc import Mapping, Sequence
from typing import Any

ID_COLUMN = "id"

# A spreadsheet runs a cell that starts with one of these as a formula (OWASP "CSV injection");
# tab and carriage return too, since some spreadsheets strip them before looking.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class CsvError(ValueError):
    """The content is not an acceptable input file; the message says where and why."""


def parse(data: bytes, features: Sequence[str], max_rows: int) -> tuple[list[str | None], list[list[float]]]:
    """Return (ids, rows in feature order); ids are None when the file has no id column."""
    if not data.strip():
        raise CsvError("file is empty")
    if b"\x00" in data:
        raise CsvError("file is binary, not CSV text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise CsvError(f"file is not UTF-8 text (byte {e.start})") from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [h.strip() for h in next(reader)]
    except csv.Error as e:
        raise CsvError(f"line 1: {e}") from None
    seen = set()
    for h in header:
        if h in seen:
            raise CsvError(f"line 1: column {h[:40]!r} appears twice")
        seen.add(h)
    wanted = set(features)
    unknown = [h for h in header if h not in wanted and h != ID_COLUMN]
    if unknown:
        raise CsvError(f"line 1: unknown column {unknown[0][:40]!r} (expected the model features and optionally {ID_COLUMN!r})")
    missing = [f for f in features if f not in seen]
    if missing:
        raise CsvError(f"line 1: missing column {missing[0]!r}")
    index = [header.index(f) for f in features]
    id_index = header.index(ID_COLUMN) if ID_COLUMN in seen else None
    ids: list[str | None] = []
    rows: list[list[float]] = []
    try:
        for cells in reader:
            line = reader.line_num
            if not cells or (len(cells) == 1 and not cells[0].strip()):
                continue  # blank line
            if len(cells) != len(header):
                raise CsvError(f"line {line}: {len(cells)} fields, header has {len(header)}")
            if len(rows) >= max_rows:
                raise CsvError(f"more than {max_rows} data rows")
            row = []
            for f, i in zip(features, index, strict=True):
                raw = cells[i].strip()
                try:
                    v = float(raw)
                except ValueError:
                    raise CsvError(f"line {line}: column {f}: {raw[:40]!r} is not a number") from None
                if not math.isfinite(v):
                    raise CsvError(f"line {line}: column {f}: {raw[:40]!r} is not a finite number")
                row.append(v)
            rows.append(row)
            ids.append(cells[id_index].strip() if id_index is not None else None)
    except csv.Error as e:
        raise CsvError(f"line {reader.line_num}: {e}") from None
    if not rows:
        raise CsvError("file has a header but no data rows")
    return ids, rows


def neutralize(cell: str) -> str:
    """A text cell a spreadsheet shows as text: one starting like a formula gets a leading single quote."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def results(ids: Sequence[str | None], predictions: Sequence[Mapping[str, Any]], classes: Sequence[str]) -> bytes:
    """The job's output: id (or 1-based row number), label, one probability column per class.

    Ids come from the uploaded file, so they are neutralized; the other cells are ours.
    """
    buf = io.StringIO(newline="")
    # CRLF (RFC 4180): the writer then quotes any cell holding a CR or an LF, so an id with a bare CR
    # cannot split a row.
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow([ID_COLUMN, "label"] + ["p_" + c for c in classes])
    for n, (i, p) in enumerate(zip(ids, predictions, strict=True), start=1):
        w.writerow(
            [neutralize(i) if i is not None else n, neutralize(p["label"])] + [repr(p["probabilities"][c]) for c in classes]
        )
    return buf.getvalue().encode("utf-8")
