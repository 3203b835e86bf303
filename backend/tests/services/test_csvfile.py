import pytest

from app.services import csvfile
from tests.conftest import csv_bytes


def test_parse_with_and_without_ids(model, records):
    ids, rows = csvfile.parse(csv_bytes(model.features, records[:3]), model.features, 10)
    assert ids == ["r0", "r1", "r2"]
    assert rows[1] == [records[1][f] for f in model.features]
    ids, rows = csvfile.parse(csv_bytes(model.features, records[:2], ids=False), model.features, 10)
    assert ids == [None, None] and len(rows) == 2


def test_columns_in_any_order_with_bom_and_crlf(model, records):
    feats = list(reversed(model.features))
    text = ",".join(feats) + "\r\n" + ",".join(repr(records[0][f]) for f in feats) + "\r\n\r\n"
    _, rows = csvfile.parse(b"\xef\xbb\xbf" + text.encode(), model.features, 10)
    assert rows == [[records[0][f] for f in model.features]]


@pytest.mark.parametrize(
    "make, msg",
    [
        (lambda f, r: b"", "empty"),
        (lambda f, r: b"\x00\x01\x02", "binary"),
        (lambda f, r: b"\xff\xfe" + b"a" * 10, "not UTF-8"),
        (lambda f, r: csv_bytes(f, [])[:-1] + b"\n", "no data rows"),
        (lambda f, r: csv_bytes(f[1:], r), "missing column 'mean_radius'"),
        (lambda f, r: csv_bytes(f, r).replace(b"id,", b"id,colour,", 1), "unknown column 'colour'"),
        (lambda f, r: csv_bytes(f, r).replace(b"mean_texture", b"mean_radius", 1), "appears twice"),
        (lambda f, r: csv_bytes(f, r).replace(b"r1,", b"r1,1,", 1), "line 3: 32 fields"),
        (lambda f, r: csv_bytes(f, r).replace(b"r1,", b"r1,abc", 1), "line 3: column mean_radius: 'abc"),
        (lambda f, r: csv_bytes(f, [dict(r[0], mean_radius=float("nan"))]), "line 2: column mean_radius: 'nan' is not a finite"),
        (lambda f, r: csv_bytes(f, [dict(r[0], worst_area=float("inf"))]), "column worst_area: 'inf' is not a finite"),
        (lambda f, r: csv_bytes(f, r * 4), "more than 5 data rows"),
    ],
)
def test_rejects(model, records, make, msg):
    with pytest.raises(csvfile.CsvError, match=msg.replace("(", r"\(")):
        csvfile.parse(make(model.features, records[:2]), model.features, 5)


def test_results_format(model, records):
    preds = model.predict_rows([[records[0][f] for f in model.features]])
    out = csvfile.results([None], preds, model.classes).decode().splitlines()
    assert out[0] == "id,label,p_malignant,p_benign"
    assert out[1].startswith("1,{},".format(preds[0]["label"]))
