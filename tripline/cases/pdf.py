"""A case file as a PDF for a ministry's briefing (fpdf2).

Names on watch lists come in many scripts, so a Unicode TrueType font (DejaVu Sans, packaged
by Debian as ``fonts-dejavu-core``) is used when present; otherwise the PDF core font, with
characters outside Latin-1 replaced.
"""

from __future__ import annotations

import io
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from tripline.cases.evidence import evidence_lines
from tripline.cases.figures import pdf_drawings
from tripline.cases.service import CaseFile, ItemKind

FONT_CANDIDATES = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/dejavu/DejaVuSans.ttf"),
)
BOLD_CANDIDATES = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
    Path("/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf"),
)

KIND_TITLES = {
    ItemKind.ENTITY: "Entities",
    ItemKind.SHIPMENT: "Shipments",
    ItemKind.CONTAINER: "Containers",
    ItemKind.DOCUMENT: "Documents",
    ItemKind.EXCHANGE: "Exchanges",
}


class _CasePDF(FPDF):
    def __init__(self, case: CaseFile) -> None:
        super().__init__(format="A4")
        self.case = case
        regular = next((p for p in FONT_CANDIDATES if p.exists()), None)
        bold = next((p for p in BOLD_CANDIDATES if p.exists()), None)
        if regular is not None:
            self.add_font("body", "", str(regular))
            self.add_font("body", "B", str(bold or regular))
            self.family = "body"
            self.unicode = True
        else:
            self.family = "helvetica"
            self.unicode = False
        self.set_auto_page_break(auto=True, margin=18)
        self.set_title(f"Case {case.id}: {case.title}")
        self.set_author(case.authority)
        self.set_creator("Tripline")

    def text_of(self, value: str) -> str:
        if self.unicode:
            return value
        return value.encode("latin-1", "replace").decode("latin-1")

    def header(self) -> None:
        self.set_font(self.family, "", 8)
        self.set_text_color(80, 80, 80)
        self.cell(0, 5, self.text_of(f"{self.case.authority} · case {self.case.id} · RESTRICTED"), align="R")
        self.ln(8)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(self.family, "", 8)
        self.set_text_color(80, 80, 80)
        self.cell(0, 5, f"page {self.page_no()}/{{nb}}", align="C")

    def heading(self, text: str) -> None:
        self.ln(3)
        self.set_font(self.family, "B", 12)
        self.set_text_color(0, 0, 0)
        self.cell(0, 7, self.text_of(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def para(self, text: str, size: int = 10) -> None:
        self.set_font(self.family, "", size)
        self.set_text_color(0, 0, 0)
        self.multi_cell(0, 5, self.text_of(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def figure(self, caption: str, svg: bytes) -> None:
        """A figure drawn from SVG as vector graphics across the text width, its caption below."""
        width = self.w - self.l_margin - self.r_margin
        text = svg.decode("utf-8").replace('font-family="sans-serif"', f'font-family="{self.family}"')
        if not self.unicode:  # the core font: Latin-1 only
            text = self.text_of(text.replace("—", "-").replace("→", "->"))
        svg = text.encode("utf-8")
        self.ln(1)
        self.image(io.BytesIO(svg), x=self.l_margin, w=width)
        self.para(caption, size=8)
        self.set_font(self.family, "", 10)


def render_case_pdf(case: CaseFile) -> bytes:
    """The case file: summary, every linked item by kind with its evidence in words and its figures
    (the spectrum of each container's recorded portal scan with its verdict), the relationship graph,
    notes and the full timeline. The same file whichever edge asks (console, API, CLI). A drawing's
    text is set in the file's own font (DejaVu Sans when installed)."""
    figures, graph = pdf_drawings(case)
    pdf = _CasePDF(case)
    pdf.alias_nb_pages()
    pdf.add_page()
    pdf.set_font(pdf.family, "B", 16)
    pdf.multi_cell(0, 8, pdf.text_of(f"Case {case.id}: {case.title}"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.para(
        f"Status: {case.status.value}   Opened by {case.created_by} on {case.created_at:%Y-%m-%d %H:%M} UTC   "
        f"Last change {case.updated_at:%Y-%m-%d %H:%M} UTC"
    )
    if case.summary:
        pdf.heading("Summary")
        pdf.para(case.summary)
    for kind, title in KIND_TITLES.items():
        items = case.items_of(kind)
        if not items:
            continue
        pdf.heading(f"{title} ({len(items)})")
        for item in items:
            pdf.para(f"• {item.label}  [{item.ref}]")
            for line in evidence_lines(item.details):
                pdf.para("    " + line, size=9)
            for caption, svg in figures.get(item.id, ()):
                pdf.figure(caption, svg)
    pdf.heading("Relationships")
    pdf.figure(*graph)
    if case.notes:
        pdf.heading(f"Notes ({len(case.notes)})")
        for note in case.notes:
            pdf.para(f"{note.at:%Y-%m-%d %H:%M} {note.author}:", size=9)
            pdf.para(note.body)
    pdf.heading("Timeline")
    for event in case.timeline:
        pdf.para(f"{event.at:%Y-%m-%d %H:%M:%S} UTC  {event.actor}  {event.action}: {event.detail}", size=9)
    return bytes(pdf.output())
