"""The lampiran: the focus list as the annex of a decree (SK Bupati/Walikota), DOCX and PDF.

Both files hold the same content (:class:`Lampiran`): the list (code, village, district, rank,
score, reason in the reader's language), the method in plain words, the data files with their
SHA-256 and the analysis date, the configuration fingerprint, a map of the focus villages
(:func:`geo.presentation.printmap.focus_map`) and a signature block whose place, date, title and
name are left as dotted lines for the region to fill.

DOCX (python-docx) so that the legal section can edit it; a region's own ``.docx`` (letterhead,
styles, header/footer) may be given as ``template``: its body is kept and the lampiran is
appended with its styles. The PDF is drawn with fpdf2 (real text flow and tables across pages,
which matplotlib's map PDFs do not give), in DejaVu Sans shipped with matplotlib (Unicode).
Only village aggregates and codes go in; every user text is passed through
:func:`geo.common.privacy.mask_id_numbers` (a NIK typed into a title is not printed).
"""

from __future__ import annotations

import hashlib
import io
import json
from functools import partial
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from geo.common.errors import GeoInputError
from geo.common.messages import render_cell
from geo.export.pdf_document import a4_document, document_text, write_bytes_atomic
from geo.export.pdf_document import heading as pdf_heading
from geo.i18n import date_text, number, t

_safe = document_text
_atomic = write_bytes_atomic


@dataclass(frozen=True)
class LampiranRow:
    rank: int | None
    village_code: str
    village_name: str
    district_name: str
    score: str
    reason: str

    def to_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass(frozen=True)
class Lampiran:
    """The lampiran's content, in one language (texts already rendered)."""

    lang: str
    title: str
    rows: tuple[LampiranRow, ...]
    method: tuple[str, ...]
    sources: tuple[tuple[str, str], ...]
    analysed_on: str
    config_fingerprint: str

    def to_dict(self) -> dict:
        return {"lang": self.lang, "title": self.title, "rows": [r.to_dict() for r in self.rows],
                "method": list(self.method),
                "sources": [{"file": f, "sha256": s} for f, s in self.sources],
                "analysed_on": self.analysed_on, "config_fingerprint": self.config_fingerprint}


def config_fingerprint(config: dict | None) -> str:
    """SHA-256 of the config (canonical JSON): the same rules give the same fingerprint."""
    text = json.dumps(config or {}, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _method_lines(config: dict, lang: str) -> tuple[str, ...]:
    from geo.common.columns import registry

    known = registry()
    parts = []
    for spec in config.get("indicator", config.get("indicators", ())):
        column = spec.get("column")
        label = known[column].label_text(lang) if column in known else (spec.get("label") or column)
        parts.append(t("lampiran.method_indicator", lang, label=_safe(label),
                       weight=number(float(spec.get("weight", 0)), lang, 2)))
    focus = config.get("focus", {}) or {}
    lines = [t("lampiran.method_score", lang, indicators="; ".join(parts))]
    if focus.get("top_n"):
        lines.append(t("lampiran.method_top", lang, n=int(focus["top_n"])))
    if focus.get("score_threshold") is not None:
        lines.append(t("lampiran.method_threshold", lang,
                       threshold=number(float(focus["score_threshold"]), lang, 1)))
    if focus.get("cover_extreme_poor"):
        lines.append(t("lampiran.method_cover", lang,
                       share=number(100 * float(focus["cover_extreme_poor"]), lang, 0)))
    if focus.get("min_per_district"):
        lines.append(t("lampiran.method_district", lang))
    for pin in focus.get("pins", ()) or ():
        lines.append(t(f"lampiran.method_pin_{pin.get('action')}", lang,
                       code=_safe(pin.get("village_code")), reason=_safe(pin.get("reason")),
                       by=_safe(pin.get("by"))))
    lines.append(t("lampiran.method_privacy", lang))
    return tuple(lines)


def build_lampiran(result, *, lang: str = "id", title: str | None = None) -> Lampiran:
    """The lampiran's content from an analysis result (its focus villages, method, sources)."""
    villages = result.villages
    chosen = villages[villages["in_focus_list"].fillna(False).astype(bool).to_numpy()]
    chosen = chosen.sort_values("rank", na_position="last")
    rows = tuple(
        LampiranRow(rank=None if pd.isna(r["rank"]) else int(r["rank"]),
                    village_code=str(r["village_code"]), village_name=_safe(r.get("village_name")),
                    district_name=_safe(r.get("district_name")),
                    score=number(float(r["score"]), lang, 1) if pd.notna(r.get("score")) else "–",
                    reason=_safe(render_cell(r.get("focus_reason"), lang)))
        for r in chosen.drop(columns="geometry").to_dict("records"))
    method = result.method
    config = dict(method.config or {})
    created = (method.created_at or "")[:10]
    return Lampiran(
        lang=lang, title=_safe(title) or t("lampiran.default_title", lang), rows=rows,
        method=_method_lines(config, lang),
        sources=tuple((s.file, s.sha256) for s in method.sources),
        analysed_on=date_text(created, lang) if created else "–",
        config_fingerprint=config_fingerprint(config))


def map_png(result, lang: str) -> bytes:
    """The focus map of the lampiran, as PNG bytes."""
    from geo.export.layers import build_layers
    from geo.presentation.printmap import focus_map, map_bytes

    layers = build_layers(result)
    fig = focus_map(layers.villages, lang=lang, date=layers.created_at[:10],
                    sources=layers.sources)
    return map_bytes(fig, "png", dpi=150)


def _headers(lang: str) -> list[str]:
    return [t(f"lampiran.col_{c}", lang) for c in
            ("rank", "code", "village", "district", "score", "reason")]


def _cells(row: LampiranRow) -> list[str]:
    return ["" if row.rank is None else str(row.rank), row.village_code, row.village_name,
            row.district_name, row.score, row.reason]


def docx_bytes(lampiran: Lampiran, map_png: bytes, *, template=None) -> bytes:
    """The lampiran as DOCX; ``template`` is a region's .docx whose styles and header are used."""
    from docx import Document
    from docx.shared import Cm, Pt

    try:
        doc = Document(str(template)) if template else Document()
    except Exception as exc:  # python-docx raises several kinds for a file that is no DOCX
        raise GeoInputError("err.lampiran_template", source=Path(str(template)).name,
                            detail=type(exc).__name__) from None
    lang = lampiran.lang
    doc.add_paragraph(t("lampiran.annex_of", lang))
    doc.add_heading(lampiran.title, level=1)
    doc.add_heading(t("lampiran.list_heading", lang, n=len(lampiran.rows)), level=2)
    table = doc.add_table(rows=1, cols=6)
    table.style = "Table Grid" if "Table Grid" in [s.name for s in doc.styles] else None
    for cell, text in zip(table.rows[0].cells, _headers(lang)):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in lampiran.rows:
        for cell, text in zip(table.add_row().cells, _cells(row)):
            cell.text = text
    table.autofit = False
    widths = [Cm(w) for w in (1.8, 3.3, 3.2, 3.0, 1.5, 4.2)]
    for column, width in zip(table.columns, widths):  # LibreOffice reads the grid's widths
        column.width = width
    for row in table.rows:
        for cell, width in zip(row.cells, widths):
            cell.width = width
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(9)
    doc.add_heading(t("lampiran.method_heading", lang), level=2)
    for line in lampiran.method:
        doc.add_paragraph(line, style="List Bullet" if "List Bullet" in
                          [s.name for s in doc.styles] else None)
    doc.add_heading(t("lampiran.sources_heading", lang), level=2)
    doc.add_paragraph(t("lampiran.analysed_on", lang, date=lampiran.analysed_on))
    for name, sha in lampiran.sources:
        doc.add_paragraph(f"{_safe(name)} — SHA-256 {sha}")
    doc.add_paragraph(t("lampiran.config_fingerprint", lang, sha=lampiran.config_fingerprint))
    doc.add_heading(t("lampiran.map_heading", lang), level=2)
    doc.add_picture(io.BytesIO(map_png), width=Cm(16))
    doc.add_paragraph("")
    for key in ("sign_place_date", "sign_title", None, None, "sign_name"):
        doc.add_paragraph(t(f"lampiran.{key}", lang) if key else "")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def pdf_bytes(lampiran: Lampiran, map_png: bytes) -> bytes:
    """The lampiran as PDF (A4 portrait, fpdf2)."""
    lang = lampiran.lang
    pdf = a4_document(lampiran.title)
    width = pdf.epw
    heading = partial(pdf_heading, pdf)

    pdf.set_font("DejaVu", "", 10)
    pdf.multi_cell(width, 5, t("lampiran.annex_of", lang), new_x="LMARGIN", new_y="NEXT",
                   align="L")
    heading(lampiran.title, 14)
    heading(t("lampiran.list_heading", lang, n=len(lampiran.rows)))
    pdf.set_font("DejaVu", "", 8)
    with pdf.table(col_widths=(14, 24, 30, 28, 11, 43), text_align="LEFT",
                   line_height=4.5) as table:
        table.row(_headers(lang))
        for row in lampiran.rows:
            table.row(_cells(row))
    pdf.set_font("DejaVu", "", 10)
    heading(t("lampiran.method_heading", lang))
    for line in lampiran.method:
        pdf.multi_cell(width, 5, f"• {line}", new_x="LMARGIN", new_y="NEXT", align="L")
    heading(t("lampiran.sources_heading", lang))
    pdf.multi_cell(width, 5, t("lampiran.analysed_on", lang, date=lampiran.analysed_on),
                   new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 8)
    for name, sha in lampiran.sources:
        pdf.multi_cell(width, 4.5, f"{_safe(name)} — SHA-256 {sha}", new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(width, 4.5, t("lampiran.config_fingerprint", lang,
                                 sha=lampiran.config_fingerprint), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 10)
    pdf.add_page()
    heading(t("lampiran.map_heading", lang))
    pdf.image(io.BytesIO(map_png), w=width)
    pdf.ln(8)
    for key in ("sign_place_date", "sign_title", None, None, "sign_name"):
        pdf.set_x(pdf.l_margin + width / 2)
        pdf.multi_cell(width / 2, 6, t(f"lampiran.{key}", lang) if key else "",
                       new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def write_lampiran(result, out_dir, *, lang: str = "id", title: str | None = None,
                   template=None) -> list[Path]:
    """Write ``lampiran.docx`` and ``lampiran.pdf`` into ``out_dir``, each whole or not at all."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    content = build_lampiran(result, lang=lang, title=title)
    picture = map_png(result, lang)
    return [_atomic(out_dir / "lampiran.docx", docx_bytes(content, picture, template=template)),
            _atomic(out_dir / "lampiran.pdf", pdf_bytes(content, picture))]


__all__ = ["Lampiran", "LampiranRow", "build_lampiran", "config_fingerprint", "docx_bytes",
           "map_png",
           "pdf_bytes", "write_lampiran"]
