"""The quarterly report (issue 15): the region's trend against its RPJMD target, movement in and
out of desil 1 between registry waves, the focus list and how its villages moved, pockets that
persisted — as PDF (fpdf2, DejaVu Sans as :mod:`geo.export.lampiran`) and XLSX (openpyxl), in
one language.

:func:`build_quarterly` gathers the content (:class:`Quarterly`: numbers, no household key or
personal value, only village aggregates and codes); :func:`pdf_bytes` / :func:`xlsx_bytes` draw
it; :func:`write_quarterly` writes ``quarterly_<lang>.pdf`` / ``.xlsx`` whole or not at all.
"""

from __future__ import annotations

import io
from functools import partial
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd

from geo.common.safe_text import neutralise_cell
from geo.export.pdf_document import a4_document, write_bytes_atomic
from geo.export.pdf_document import document_text as _safe
from geo.export.pdf_document import heading as pdf_heading
from geo.i18n import date_text, number, t
from geo.targets.store import OfficialRate, Target
from geo.targets.trajectory import Trajectory, trajectory
from geo.waves.change import village_change
from geo.waves.focus import FocusComparison, PersistedPockets, focus_vs_similar
from geo.waves.movement import Waves

__all__ = ["FORMATS", "Quarterly", "build_quarterly", "chart_png", "pdf_bytes", "write_quarterly",
           "xlsx_bytes"]

FORMATS = ("pdf", "xlsx")


@dataclass(frozen=True)
class Quarterly:
    """The report's content in one language (see the module notes)."""

    lang: str
    region: str
    region_code: str | None
    first: str
    last: str
    created: str
    waves: Waves = field(repr=False)
    target: Target | None = None
    rates: tuple[OfficialRate, ...] = ()
    path: Trajectory | None = None
    focus_title: str = ""
    focus: pd.DataFrame = field(default=None, repr=False)
    comparison: FocusComparison | None = field(default=None, repr=False)
    pockets: PersistedPockets | None = None
    names: dict = field(default_factory=dict, repr=False)


def build_quarterly(waves: Waves, villages: pd.DataFrame, *, lang: str = "id", region: str = "",
                    region_code: str | None = None, target: Target | None = None,
                    rates=(), focus_codes=(), focus_title: str = "",
                    pockets: PersistedPockets | None = None) -> Quarterly:
    """The report's content: ``waves`` (:func:`geo.waves.movement.movement`), the village layer
    (codes and names), the region's stored target and official ``rates``, the focus list's
    codes (e.g. the last saved decision's, named ``focus_title``) and the persisted pockets."""
    first, last = waves.labels[0], waves.labels[-1]
    change = village_change(waves.villages, first, last)
    names = {}
    if "village_name" in villages.columns:
        names = dict(zip(villages["village_code"].astype(str), villages["village_name"].astype(str)))
    codes = [str(c) for c in focus_codes]
    rows = change.set_index(change["village_code"].astype(str))
    focus = pd.DataFrame({
        "village_code": codes,
        "village_name": [names.get(c, "") for c in codes],
        "desil1_share_first": [rows["desil1_share_first"].get(c, np.nan) for c in codes],
        "desil1_share_last": [rows["desil1_share_last"].get(c, np.nan) for c in codes],
        "change_pp": [rows["change_desil1_share"].get(c, np.nan) for c in codes],
    })
    table = waves.villages.set_index(waves.villages["village_code"].astype(str))
    for column in ("stuck_desil1", "left_desil1", "entered_desil1"):
        focus[column] = [int(table[column].get(c, 0)) if c in table.index else 0 for c in codes]
    rates = tuple(sorted(rates, key=lambda r: r.year))
    return Quarterly(lang=lang, region=_safe(region), region_code=region_code, first=first,
                     last=last, created=datetime.now(timezone.utc).date().isoformat(),
                     waves=waves, target=target, rates=rates,
                     path=trajectory(target, list(rates)) if target is not None else None,
                     focus_title=_safe(focus_title), focus=focus,
                     comparison=focus_vs_similar(change, codes) if codes else None,
                     pockets=pockets, names=names)


def _pct(value, lang, decimals=2) -> str:
    return "–" if value is None or (isinstance(value, float) and np.isnan(value)) else \
        f"{number(value, lang, decimals)} %"


def _pp(value, lang, decimals=2) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "–"
    sign = "+" if value > 0 else ""
    return sign + t("trend.points", lang, value=number(value, lang, decimals))


def _summary(q: Quarterly) -> list[tuple[str, str]]:
    """(label, value) lines of the target section."""
    lang, out = q.lang, []
    if q.target is None:
        return [(t("quarterly.no_target", lang), "")]
    p = q.path
    out.append((t("target", lang), f"{_pct(q.target.value_pct, lang)}"
                + (f" ({q.target.target_year})" if q.target.target_year else "")))
    if q.target.baseline_pct is not None:
        out.append((t("trend.baseline_pct", lang).replace(" (%)", ""),
                    f"{_pct(q.target.baseline_pct, lang)} ({q.target.baseline_year})"))
    if p is not None:
        out.append((t("trend.latest", lang, year=str(p.latest_year or "–")), _pct(p.latest_pct, lang)))
        out.append((t("trend.path_at_latest", lang), _pct(p.path_at_latest, lang)))
        out.append((t("quarterly.gap", lang), _pp(p.gap_pp, lang)))
        out.append((t("trend.planned", lang), _pp(p.planned_per_year, lang)))
        out.append((t("trend.needed", lang), _pp(p.needed_per_year, lang)))
        status = ("quarterly.status_met" if p.met else "quarterly.status_on_track" if p.on_track
                  else "quarterly.status_behind" if p.on_track is False else "quarterly.status_unknown")
        out.append((t("quarterly.status", lang), t(status, lang)))
    return out


def _movement(q: Quarterly) -> list[tuple[str, str]]:
    w, lang = q.waves, q.lang
    return [(t(f"trend.m_{key}", lang), number(value, lang)) for key, value in (
        ("matched", w.matched), ("only_first", w.only_first), ("only_last", w.only_last),
        ("stuck", w.stuck_desil1), ("left", w.left_desil1), ("entered", w.entered_desil1),
        ("mpi_matched", w.mpi_matched), ("stuck_mpi", w.stuck_mpi_poor),
        ("left_mpi", w.left_mpi_poor), ("entered_mpi", w.entered_mpi_poor))]


def _focus_headers(lang) -> list[str]:
    return [t("quarterly.col_code", lang), t("village", lang),
            t("quarterly.col_share", lang, wave=""), "", t("quarterly.col_change", lang),
            t("trend.m_stuck", lang), t("trend.m_left", lang), t("trend.m_entered", lang)]


def _focus_cells(q: Quarterly, row) -> list[str]:
    lang = q.lang
    share = lambda v: "–" if pd.isna(v) else f"{number(v * 100, lang, 1)} %"  # noqa: E731
    return [str(row.village_code), _safe(row.village_name), share(row.desil1_share_first),
            share(row.desil1_share_last), _pp(row.change_pp, lang, 1), number(row.stuck_desil1, lang),
            number(row.left_desil1, lang), number(row.entered_desil1, lang)]


def _comparison(q: Quarterly) -> list[tuple[str, str]]:
    c, lang = q.comparison, q.lang
    return [(t("trend.focus_change", lang), _pp(c.focus_change_pp, lang)),
            (t("trend.similar_change", lang), _pp(c.similar_change_pp, lang)),
            (t("trend.difference", lang), _pp(c.difference_pp, lang))]


def _rule(q: Quarterly) -> str:
    c = q.comparison
    return t("trend.focus_rule", q.lang, nearest=c.nearest, compared=c.compared,
             unmatched=c.unmatched, gap=_pp(c.baseline_gap_pp, q.lang, 1).lstrip("+"))


def chart_png(q: Quarterly) -> bytes | None:
    """The official series against the straight path (matplotlib, Agg); None without a path."""
    if q.path is None or not q.path.has_path:
        return None
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    frame = q.path.frame()
    fig = Figure(figsize=(7, 3), dpi=150)
    ax = fig.add_subplot()
    ax.plot(frame.index, frame["path_pct"], "--", color="#888888", label=t("trend.path", q.lang))
    official = frame["official_pct"].dropna()
    ax.plot(official.index, official.to_numpy(), "o-", color="#b2182b",
            label=t("trend.official_pct", q.lang))
    ax.axhline(q.target.value_pct, color="#2166ac", linewidth=0.8)
    ax.set_xticks(list(frame.index))
    ax.set_xticklabels([str(y) for y in frame.index])
    ax.set_ylabel("%")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


def pdf_bytes(q: Quarterly) -> bytes:
    """The report as PDF (A4 portrait)."""
    lang = q.lang
    title = t("quarterly.title", lang, region=q.region or q.region_code or "")
    pdf = a4_document(title)
    width = pdf.epw
    heading = partial(pdf_heading, pdf)

    def pairs(rows, widths=(95, 85)):
        pdf.set_font("DejaVu", "", 9)
        with pdf.table(col_widths=widths, text_align=("LEFT", "RIGHT"), line_height=5,
                       first_row_as_headings=False) as table:
            for label, value in rows:
                table.row([label, value])
        pdf.set_font("DejaVu", "", 10)

    def text(line, size=10):
        pdf.set_font("DejaVu", "", size)
        pdf.multi_cell(width, 5, line, new_x="LMARGIN", new_y="NEXT", align="L")
        pdf.set_font("DejaVu", "", 10)

    heading(title, 14)
    text(t("quarterly.subtitle", lang, first=q.first, last=q.last,
           date=date_text(q.created, lang)))
    heading(t("quarterly.h_target", lang))
    pairs(_summary(q))
    png = chart_png(q)
    if png is not None:
        pdf.ln(2)
        pdf.image(io.BytesIO(png), w=width)
    heading(t("quarterly.h_movement", lang, first=q.first, last=q.last))
    text(t("trend.waves_rule", lang, first=q.first, last=q.last), 8)
    pairs(_movement(q))
    if pdf.get_y() > pdf.h - pdf.b_margin - 62:  # the 11-row matrix stays on one page
        pdf.add_page()
    heading(t("quarterly.h_transition", lang, first=q.first, last=q.last), 10)
    pdf.set_font("DejaVu", "", 7)
    with pdf.table(text_align="RIGHT", line_height=4) as table:
        table.row([t("trend.desil", lang)] + [str(j) for j in range(1, 11)])
        for i in range(1, 11):
            table.row([str(i)] + [number(q.waves.transition[str(i)][str(j)], lang)
                                  for j in range(1, 11)])
    pdf.set_font("DejaVu", "", 10)

    heading(t("quarterly.h_focus", lang))
    if q.focus is None or not len(q.focus):
        text(t("quarterly.no_focus", lang))
    else:
        text(t("quarterly.focus_source", lang, title=q.focus_title or "–", n=len(q.focus)))
        pdf.set_font("DejaVu", "", 7)
        headers = _focus_headers(lang)
        headers[2] = t("quarterly.col_share", lang, wave=q.first)
        headers[3] = t("quarterly.col_share", lang, wave=q.last)
        with pdf.table(col_widths=(22, 34, 17, 17, 18, 16, 16, 16), text_align="LEFT",
                       line_height=4) as table:
            table.row(headers)
            for row in q.focus.itertuples():
                table.row(_focus_cells(q, row))
        pdf.set_font("DejaVu", "", 10)
        c = q.comparison
        if c is not None:
            pdf.ln(2)
            pairs(_comparison(q))
            text(_rule(q), 8)

    heading(t("trend.pockets_title", lang))
    if q.pockets is None:
        text(t("quarterly.no_pockets", lang))
    else:
        p = q.pockets
        text(t("trend.pockets_counts", lang, persisted=len(p.persisted), new=len(p.new),
               gone=len(p.gone), first=p.first, last=p.last))
        if p.persisted:
            pdf.set_font("DejaVu", "", 8)
            with pdf.table(col_widths=(40, 140), text_align="LEFT", line_height=4.5) as table:
                table.row([t("quarterly.col_code", lang), t("village", lang)])
                for code in p.persisted:
                    table.row([code, _safe(q.names.get(code, ""))])
            pdf.set_font("DejaVu", "", 10)
    return bytes(pdf.output())


def xlsx_bytes(q: Quarterly) -> bytes:
    """The report as a workbook: summary, series, movement per village, transition, focus,
    pockets (every text cell neutralised against formulas)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    lang = q.lang
    book = Workbook()
    bold = Font(bold=True)

    def sheet(name, header, rows, first=False):
        ws = book.active if first else book.create_sheet()
        ws.title = name[:31]
        ws.append([neutralise_cell(h) for h in header])
        for cell in ws[1]:
            cell.font = bold
        for row in rows:
            ws.append([neutralise_cell(v) if isinstance(v, str) else v for v in row])
        for column in ws.columns:
            width = max(len(str(c.value or "")) for c in column)
            ws.column_dimensions[column[0].column_letter].width = min(max(10, width + 2), 60)
        return ws

    title = t("quarterly.title", lang, region=q.region or q.region_code or "")
    summary = [(title, ""), (t("quarterly.subtitle", lang, first=q.first, last=q.last,
                                date=date_text(q.created, lang)), "")]
    compared = (_comparison(q) + [(_rule(q), "")]) if q.comparison is not None else []
    sheet(t("quarterly.sheet_summary", lang), [t("quarterly.col_item", lang),
                                                t("quarterly.col_value", lang)],
          summary + _summary(q) + _movement(q) + compared, first=True)
    path_rows = q.path.points if q.path is not None else ()
    sheet(t("quarterly.sheet_series", lang),
          [t("trend.year", lang), t("trend.official_pct", lang), t("trend.path", lang)],
          [(p["year"], p["official_pct"], p["path_pct"]) for p in path_rows])
    table = q.waves.villages
    cols = ["village_code", "stuck_desil1", "left_desil1", "entered_desil1",
            *[c for c in table.columns if c.startswith(("desil1_share_", "m0_"))]]
    sheet(t("quarterly.sheet_villages", lang),
          [t("quarterly.col_code", lang), t("village", lang), t("trend.m_stuck", lang),
           t("trend.m_left", lang), t("trend.m_entered", lang), *cols[4:]],
          [(str(r[0]), q.names.get(str(r[0]), ""), int(r[1]), int(r[2]), int(r[3]),
            *[None if pd.isna(v) else float(v) for v in r[4:]])
           for r in table[cols].itertuples(index=False)])
    sheet(t("quarterly.sheet_transition", lang),
          [f"{q.first} \\ {q.last}"] + [str(j) for j in range(1, 11)],
          [[int(i)] + [q.waves.transition[str(i)][str(j)] for j in range(1, 11)]
           for i in range(1, 11)])
    focus = q.focus if q.focus is not None else pd.DataFrame()
    headers = _focus_headers(lang)
    headers[2] = t("quarterly.col_share", lang, wave=q.first)
    headers[3] = t("quarterly.col_share", lang, wave=q.last)
    headers[4] = t("quarterly.col_change", lang)
    sheet(t("quarterly.sheet_focus", lang), headers,
          [(r.village_code, r.village_name,
            *[None if pd.isna(v) else float(v) for v in (r.desil1_share_first,
                                                           r.desil1_share_last, r.change_pp)],
            int(r.stuck_desil1), int(r.left_desil1), int(r.entered_desil1))
           for r in focus.itertuples()])
    pockets = q.pockets
    status_rows = []
    if pockets is not None:
        for key in ("persisted", "new", "gone"):
            status_rows += [(code, q.names.get(code, ""), t(f"quarterly.pocket_{key}", lang))
                            for code in getattr(pockets, key)]
    sheet(t("quarterly.sheet_pockets", lang),
          [t("quarterly.col_code", lang), t("village", lang), t("quarterly.col_status", lang)],
          status_rows)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def write_quarterly(q: Quarterly, out_dir, formats=FORMATS) -> dict[str, Path]:
    """Write the chosen formats as ``quarterly_<lang>.<format>`` into ``out_dir``."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    makers = {"pdf": pdf_bytes, "xlsx": xlsx_bytes}
    return {f: write_bytes_atomic(out / f"quarterly_{q.lang}.{f}", makers[f](q)) for f in formats}
