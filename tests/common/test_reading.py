"""Errors of csv, GDAL, GEOS, pyarrow and numpy while a named file is read (issue 18): one line
naming the file (and the row when known), in the reader's language, quoting no cell and no
temporary path, on the command line as in the app (both call the same readers)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from geo.__main__ import main
from geo.common.errors import GeoInputError
from geo.common.reading import reading

ROOT = Path(__file__).resolve().parents[2]
DEMO_HH = ROOT / "data" / "boundaries" / "demo_households.csv"
DEMO = ROOT / "data" / "boundaries" / "demo_villages.geojson"
NIK = "3507012304850001"


def _one_line(capsys) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    return err


def test_a_stray_quote_early_in_a_large_csv_names_the_row(tmp_path, capsys):
    lines = DEMO_HH.read_text(encoding="utf-8").splitlines()
    body = lines[1:] * 12  # ~53,000 rows: far beyond csv's 128 KiB field limit
    cells = body[2].split(",")
    cells[0] = '"' + NIK
    body[2] = ",".join(cells)
    path = tmp_path / "stray_quote.csv"
    path.write_text("\n".join([lines[0], *body]) + "\n", encoding="utf-8")

    assert main(["--lang", "en", "households", str(path)]) == 2
    err = _one_line(capsys)
    assert "stray_quote.csv" in err and "row 3" in err and "quote" in err
    assert NIK not in err
    assert main(["--lang", "id", "households", str(path)]) == 2
    assert "baris 3" in _one_line(capsys)


@pytest.mark.parametrize("suffix", [".parquet", ".gpkg", ".xlsx"])
def test_a_truncated_binary_file_is_one_line(suffix, tmp_path, capsys):
    import geopandas as gpd
    import pandas as pd

    whole = tmp_path / f"whole{suffix}"
    if suffix == ".parquet":
        pd.read_csv(DEMO_HH, dtype=str).to_parquet(whole)
    elif suffix == ".xlsx":
        pd.read_csv(DEMO_HH, dtype=str).to_excel(whole, index=False)
    else:
        gpd.read_file(DEMO).to_file(whole, driver="GPKG")
    data = whole.read_bytes()
    cut = tmp_path / f"cut{suffix}"
    cut.write_bytes(data[: len(data) // 2])
    args = (["boundaries", str(cut), "--out", str(tmp_path / "v.gpkg")] if suffix == ".gpkg"
            else ["households", str(cut)])
    assert main(["--lang", "en", *args]) == 2
    assert f"cut{suffix}" in _one_line(capsys)


def test_a_library_error_inside_a_read_names_the_file_not_its_text():
    with pytest.raises(GeoInputError) as caught:
        with reading("/tmp/upload-x1y2/registry.csv", what="household"):
            raise csv.Error(f"bad cell {NIK} in /tmp/upload-x1y2/registry.csv")
    message = caught.value.render("en")
    assert message.startswith("registry.csv: ") and "csv.Error" in message
    assert NIK not in message and "/tmp/" not in message


def test_an_mpi_weight_of_1e400_is_one_line_on_the_command_line(tmp_path, capsys):
    config = tmp_path / "mpi.toml"
    config.write_text('[mpi.weights]\ndep_nutrition = "1e400"\n', encoding="utf-8")
    assert main(["--lang", "en", "rank", "--boundaries", str(DEMO), "--households",
                 str(DEMO_HH), "--config", str(config), "--out", str(tmp_path / "out")]) == 2
    assert "mpi.toml" in _one_line(capsys)


def test_an_input_library_error_outside_a_read_is_one_line(monkeypatch, capsys):
    import geo.cli.households as command

    def explode(*args, **kwargs):  # as numpy does for a value beyond int64
        raise OverflowError(f"int too large to convert {NIK}")

    monkeypatch.setattr(command, "read_households", explode)
    assert main(["--lang", "en", "households", str(DEMO_HH)]) == 2
    err = _one_line(capsys)
    assert "OverflowError" in err and NIK not in err


def test_the_app_reads_through_the_same_guard(tmp_path):
    from geo.pipeline.analysis import analyse

    path = tmp_path / "stray.csv"
    lines = DEMO_HH.read_text(encoding="utf-8").splitlines()
    body = lines[1:] * 12
    body[0] = '"' + body[0]
    path.write_text("\n".join([lines[0], *body]) + "\n", encoding="utf-8")
    with pytest.raises(GeoInputError) as caught:
        analyse([DEMO], path)
    assert "row 1" in caught.value.render("en")
    json.dumps(caught.value.render("id"))
