"""The lampiran of the decree: every focus village named, no personal value, both languages."""

from __future__ import annotations

import io
import zipfile

import pandas as pd
import pytest
from pypdf import PdfReader

from geo.__main__ import main
from geo.pipeline.analysis import demo_sources

NIK = "3573010101010001"
KK = "3573019876543210"
TITLE = f"Lokus 2026 <b>&amp; NIK {NIK}"


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    """The demo households with a NIK and a No. KK column (dropped at ingest)."""
    folder = tmp_path_factory.mktemp("planted")
    boundaries, households = demo_sources()
    table = pd.read_csv(households, dtype=str)
    table.insert(0, "nik", NIK)
    table.insert(1, "no_kk", KK)
    path = folder / "households.csv"
    table.to_csv(path, index=False)
    return str(boundaries), str(path)


def _docx_text(path) -> str:
    with zipfile.ZipFile(path) as archive:
        return "".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist()
                       if n.endswith(".xml"))


def _pdf_text(path) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_lampiran_names_every_focus_village_and_no_personal_value(planted, tmp_path, lang):
    boundaries, households = planted
    out = tmp_path / lang
    assert main(["export", "--boundaries", boundaries, "--households", households,
                 "--formats", "lampiran,csv", "--title", TITLE, "--lang", lang,
                 "--out", str(out)]) == 0
    focus = pd.read_csv(out / "focus_list.csv", dtype=str)
    assert len(focus) == 10
    docx, pdf = _docx_text(out / "lampiran.docx"), _pdf_text(out / "lampiran.pdf")
    pdf_flat = " ".join(pdf.split())
    for code, name in zip(focus.iloc[:, 1], focus.iloc[:, 2]):  # code and village columns
        assert code in docx and name in docx
        assert code in pdf_flat and name in pdf_flat
    raw = (out / "lampiran.docx").read_bytes() + (out / "lampiran.pdf").read_bytes()
    for secret in (NIK, KK):
        assert secret not in docx and secret not in pdf and secret.encode() not in raw
    assert "Lokus 2026" in docx and "Lokus 2026" in pdf
    assert "<b>" not in docx  # the title is text in the XML, not markup
    heading = {"id": "Metode", "en": "Method"}[lang]
    assert heading in docx and heading in pdf
    assert "SHA-256" in pdf and "demo_villages.geojson" in pdf
    with zipfile.ZipFile(out / "lampiran.docx") as archive:
        assert any(n.startswith("word/media/") for n in archive.namelist())  # the map


def test_a_region_template_is_used(planted, tmp_path):
    from docx import Document

    template = tmp_path / "kop.docx"
    doc = Document()
    doc.sections[0].header.paragraphs[0].text = "PEMERINTAH KOTA CONTOH"
    doc.add_paragraph("Kop surat")
    doc.save(template)
    boundaries, households = planted
    assert main(["export", "--boundaries", boundaries, "--households", households,
                 "--formats", "lampiran", "--lampiran-template", str(template),
                 "--out", str(tmp_path / "out")]) == 0
    text = _docx_text(tmp_path / "out" / "lampiran.docx")
    assert "PEMERINTAH KOTA CONTOH" in text and "Kop surat" in text and "Metode" in text
    broken = tmp_path / "broken.docx"
    broken.write_bytes(io.BytesIO(b"not a docx").getvalue())
    assert main(["export", "--boundaries", boundaries, "--formats", "lampiran",
                 "--lampiran-template", str(broken), "--out", str(tmp_path / "bad")]) == 2
