"""The A4 page both signed documents share (the lampiran and the quarterly report).

One setup — DejaVu Sans from matplotlib's own fonts (no download, Indonesian and English
glyphs), page breaks, headings — so the two documents read alike and a change of font or margin
is made once. Texts that came from files pass through :func:`document_text` first.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import matplotlib
import pandas as pd

from geo.common.privacy import mask_id_numbers

FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"


def document_text(text) -> str:
    """A cell or name as it may appear in a document: blank for missing, ID-like digits masked."""
    if text is None or (isinstance(text, float) and text != text) or text is pd.NA:
        return ""
    return str(mask_id_numbers([str(text)]).iloc[0])


def a4_document(title: str):
    """A new portrait A4 fpdf2 document in DejaVu Sans, with its first page added."""
    from fpdf import FPDF

    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_title(title)
    pdf.set_creator("geo (poverty-pocket map)")
    pdf.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_page()
    return pdf


def heading(pdf, text: str, size: int = 12) -> None:
    """A bold heading across the page, then back to body text."""
    pdf.ln(2)
    pdf.set_font("DejaVu", "B", size)
    pdf.multi_cell(pdf.epw, 7, text, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 10)


def write_bytes_atomic(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` whole or not at all (a temporary file beside it, renamed)."""
    handle, temp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.chmod(temp, 0o644)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return path
