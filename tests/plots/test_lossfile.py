"""Every accepted export format, every limit, and messages that name the line."""

from __future__ import annotations

import json

import numpy as np
import pytest

from bot.plots.errors import PlotError
from bot.plots.lossfile import parse_loss_file, parse_values
from bot.plots.models import MAX_POINTS, MAX_UPLOAD_BYTES


def test_plain_list_any_separator() -> None:
    data = parse_values("2.3, 1.9 1.6\n1.4;1.3,\n# a comment\n1.2")
    assert data.train.y.tolist() == [2.3, 1.9, 1.6, 1.4, 1.3, 1.2]
    assert data.x_label == "index" and data.val is None


def test_plain_list_file_keeps_nan_and_inf() -> None:
    data = parse_loss_file("loss.txt", b"1.0\n0.8\nnan\ninf\n-Infinity\n")
    assert np.isnan(data.train.y[2]) and np.isinf(data.train.y[3]) and data.train.y[4] < 0


def test_plain_list_error_names_the_line() -> None:
    with pytest.raises(PlotError, match="line 3: expected a number, got 'abc'"):
        parse_values("1.0\n0.9\n0.8 abc\n")


def test_tensorboard_scalar_csv() -> None:
    csv = b"Wall time,Step,Value\n1700000000.1,0,2.5\n1700000001.2,100,1.5\n1700000002.3,200,1.0\n"
    data = parse_loss_file("run-train-tag-loss.csv", csv)
    assert data.x_label == "step"
    assert data.train.x.tolist() == [0, 100, 200] and data.train.y.tolist() == [2.5, 1.5, 1.0]


def test_lightning_metrics_csv_with_alternating_blank_cells() -> None:
    csv = (
        b"epoch,step,train_loss,val_loss\n"
        b"0,49,2.0,\n"
        b"0,99,1.8,\n"
        b"0,99,,1.9\n"
        b"1,149,1.5,\n"
        b"1,199,1.3,\n"
        b"1,199,,1.6\n"
    )
    data = parse_loss_file("metrics.csv", csv)
    assert data.x_label == "step"
    assert data.train.x.tolist() == [49, 99, 149, 199] and data.train.y.tolist() == [2.0, 1.8, 1.5, 1.3]
    assert data.val is not None and data.val.x.tolist() == [99, 199] and data.val.y.tolist() == [1.9, 1.6]


@pytest.mark.parametrize(
    ("header", "train", "val"),
    [
        ("Epoch,Loss,Val_Loss", "Loss", "Val_Loss"),
        ("epoch,training_loss,validation_loss", "training_loss", "validation_loss"),
        ("epoch,loss_epoch,valid_loss", "loss_epoch", "valid_loss"),
        ("epoch,accuracy,loss,val_accuracy,val_loss", "loss", "val_loss"),  # Keras CSVLogger
        ("epoch,train/loss,val/loss", "train/loss", "val/loss"),
    ],
)
def test_column_aliases_case_insensitive(header: str, train: str, val: str) -> None:
    cols = header.split(",")
    rows = []
    for e in range(4):
        rows.append(
            ",".join(
                str(e) if c.lower() == "epoch" else f"{1 / (e + 1) + (0.1 if c == val else 0):.3f}"
                for c in cols
            )
        )
    data = parse_loss_file("log.csv", ("\n".join([header, *rows]) + "\n").encode())
    assert data.train.name == train and data.val is not None and data.val.name == val
    assert data.x_label == "epoch" and data.train.x.tolist() == [0, 1, 2, 3]
    assert data.val.y[0] == pytest.approx(1.1)


def test_tab_and_semicolon_separated() -> None:
    for sep in ("\t", ";"):
        text = f"step{sep}loss\n1{sep}0.5\n2{sep}0.4\n"
        assert parse_loss_file("x.tsv", text.encode()).train.y.tolist() == [0.5, 0.4]


def test_csv_error_names_line_and_column() -> None:
    csv = b"step,loss\n1,0.9\n2,0.8\n3,0.7\n4,0.6\n5,0.5\n6,abc\n"
    with pytest.raises(PlotError, match="line 7: expected a number in column 'loss', got 'abc'"):
        parse_loss_file("m.csv", csv)


def test_csv_without_a_loss_column_lists_what_it_found() -> None:
    with pytest.raises(PlotError, match=r"expected a loss column.*found columns: epoch, accuracy"):
        parse_loss_file("m.csv", b"epoch,accuracy\n1,0.5\n")


def test_keras_history_json() -> None:
    history = {"loss": [1.0, 0.7, 0.5], "val_loss": [1.1, 0.9, 0.95], "accuracy": [0.5, 0.6, 0.7]}
    data = parse_loss_file("history.json", json.dumps(history).encode())
    assert data.x_label == "epoch" and data.train.y.tolist() == [1.0, 0.7, 0.5]
    assert data.val is not None and data.val.y.tolist() == [1.1, 0.9, 0.95]
    wrapped = parse_loss_file("h.json", json.dumps({"history": history}).encode())
    assert wrapped.train.y.tolist() == [1.0, 0.7, 0.5]


def test_keras_history_with_nan() -> None:
    data = parse_loss_file("h.json", b'{"loss": [1.0, NaN, null]}')
    assert data.train.y[0] == 1.0 and np.isnan(data.train.y[1:]).all()


def test_json_lists() -> None:
    assert parse_loss_file("l.json", b"[3, 2, 1.5]").train.y.tolist() == [3, 2, 1.5]
    tb = parse_loss_file("tb.json", b"[[1700000000.0, 10, 2.0], [1700000001.0, 20, 1.0]]")
    assert tb.train.x.tolist() == [10, 20] and tb.train.y.tolist() == [2.0, 1.0]
    records = parse_loss_file("r.json", b'[{"step": 1, "loss": 2}, {"step": 2, "loss": 1, "val_loss": 1.5}]')
    assert records.val is not None and records.val.x.tolist() == [2]


def test_json_errors() -> None:
    with pytest.raises(PlotError, match="line 2: invalid JSON"):
        parse_loss_file("h.json", b'{"loss": [1,\n ]]}')
    with pytest.raises(PlotError, match="'loss' item 2: expected a number, got 'abc'"):
        parse_loss_file("h.json", b'{"loss": [1, "abc"]}')


def test_size_cap() -> None:
    with pytest.raises(PlotError, match=r"file too large .* at most 5 MB"):
        parse_loss_file("big.txt", b"1\n" * (MAX_UPLOAD_BYTES // 2 + 1))


def test_point_cap() -> None:
    text = " ".join(["1"] * (MAX_POINTS + 1))
    with pytest.raises(PlotError, match="too many points"):
        parse_values(text)
    assert parse_values(" ".join(["1"] * 1000)).train.y.size == 1000


def test_empty_and_binary() -> None:
    with pytest.raises(PlotError, match="empty"):
        parse_loss_file("e.csv", b"  \n")
    with pytest.raises(PlotError, match="not look like a text file"):
        parse_loss_file("x.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    with pytest.raises(PlotError, match="no loss values"):
        parse_values("# only a comment")


def _csv(rows: list[tuple[float, float, float]], sep: str = ",", header: str = "step,loss,val_loss") -> str:
    return header.replace(",", sep) + "\n" + "".join(sep.join(f"{v:g}" for v in r) + "\n" for r in rows)


@pytest.mark.parametrize("sep", [",", "\t", ";"])
def test_the_c_fast_path_reads_exactly_what_the_careful_path_reads(sep: str) -> None:
    rng = np.random.default_rng(3)
    rows = [(float(i), float(v), float(w)) for i, (v, w) in enumerate(rng.random((500, 2)))]
    rows[7] = (7.0, float("nan"), float("inf"))
    fast = parse_loss_file("m.csv", _csv(rows, sep).encode())
    # a comment line sends the same numbers down the line-by-line path
    careful = parse_loss_file("m.csv", (_csv(rows, sep) + "# end of run\n").encode())
    for a, b in ((fast.train, careful.train), (fast.val, careful.val)):
        assert a is not None and b is not None
        np.testing.assert_array_equal(a.x, b.x)
        np.testing.assert_array_equal(a.y, b.y)
        assert a.name == b.name
    assert fast.x_label == careful.x_label == "step"


def test_a_text_column_or_a_decimal_comma_still_reads_or_names_the_line() -> None:
    mixed = parse_loss_file("m.csv", b"run,step,loss\na,0,2.0\nb,1,1.5\n")
    assert mixed.train.y.tolist() == [2.0, 1.5]
    with pytest.raises(PlotError, match="line 3: expected a number in column 'loss', got '1,5'"):
        parse_loss_file("m.csv", b"step;loss\n0;2\n1;1,5\n")
    with pytest.raises(PlotError, match="line 3: expected a number in column 'loss', got 'oops'"):
        parse_loss_file("m.csv", b"step,loss\n0,2\n1,oops\n")


def test_a_plain_list_of_a_million_values_fits_the_upload_limit_and_is_read() -> None:
    text = "\n".join(["0.5", "0.4", "0.3", "0.2"] * (MAX_POINTS // 4)) + "\n"
    assert len(text) <= MAX_UPLOAD_BYTES
    data = parse_loss_file("losses.txt", text.encode())
    assert data.train.y.size == MAX_POINTS
    assert data.train.y[:5].tolist() == [0.5, 0.4, 0.3, 0.2, 0.5]


@pytest.mark.parametrize("text", ["1 2\n3 4\n", "1, 2\n3; 4", "1 2\n3\n4", "1e-3 2\n3 nan"])
def test_a_plain_list_in_rows_reads_in_reading_order(text: str) -> None:
    # uniform rows take numpy's C reader, ragged ones the careful path: the same numbers either way
    expected = [float(t) for t in text.replace(",", " ").replace(";", " ").split()]
    np.testing.assert_array_equal(parse_values(text).train.y, expected)
