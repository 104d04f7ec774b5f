"""Renders the documents of corpus.py into the files of the extraction corpus.

For each document DIR=docs/NN-slug: source.txt (the plain text, UTF-8, or TCVN3 / VNI bytes),
source.fodt (LibreOffice's flat ODT: the header and the signature in tables, articles with
automatic numbering "Điều N."), gen.pdf (written by fpdf2 with a TrueType font, another
generator than LibreOffice) and expected.json (the fields `vanban extract --json` must give,
without their line numbers, which differ between formats). make.sh then has LibreOffice
convert source.fodt into lo.docx and lo.pdf.
"""

import json
import os
import re
import sys
import textwrap
import unicodedata
from xml.sax.saxutils import escape

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))

sys.path.insert(0, HERE)
from corpus import DOCS  # noqa: E402

MOTTO = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
TYPES = {"NGHỊ QUYẾT": "Nghị quyết", "QUYẾT ĐỊNH": "Quyết định", "CHỈ THỊ": "Chỉ thị"}


def nfc(s):
    return unicodedata.normalize("NFC", s)


def date_vn(d):
    y, m, day = d
    mm = f"{m:02d}" if m < 3 else str(m)
    return f"ngày {day:02d} tháng {mm} năm {y}"


def iso(d):
    return None if d is None else f"{d[0]:04d}-{d[1]:02d}-{d[2]:02d}"


def normalised(number):
    n = re.sub(r"\s+", "", number)
    head, _, rest = n.partition("/")
    if len(head) == 1 and head.isdigit():
        return "0" + n
    return n


# ---- legacy encodings (the tables of src/domain/extract/legacy.rs) ----

def _tables():
    src = open(os.path.join(REPO, "src/domain/extract/legacy.rs"), encoding="utf-8").read()

    def table(name):
        body = src[src.index(f"const {name}"):]
        body = body[: body.index("];")]
        return body

    def ch(tok):
        tok = tok.strip().strip("'")
        if tok.startswith("\\u{"):
            return chr(int(tok[3:-1], 16))
        return tok

    tcvn = [(ch(a), ch(b)) for a, b in re.findall(r"\('([^']+)',\s*'([^']+)'\)", table("TCVN3"))]
    letters = [(ch(a), ch(b)) for a, b in re.findall(r"\('([^']+)',\s*'([^']+)'\)", table("VNI_LETTERS"))]
    marks = []
    for m, ms in re.findall(r"\('([^']+)',\s*&\[([^\]]*)\]\)", table("VNI_MARKS")):
        consts = {"CIRCUMFLEX": "\u0302", "BREVE": "\u0306", "GRAVE": "\u0300",
                  "ACUTE": "\u0301", "TILDE": "\u0303", "HOOK": "\u0309", "DOT": "\u0323"}
        chars = []
        for t in ms.split(","):
            t = t.strip()
            if not t:
                continue
            chars.append(consts.get(t) or ch(t))
        marks.append((ch(m), chars))
    return tcvn, letters, marks


def to_tcvn3(s):
    tcvn, _, _ = _tables()
    code = {u: b for b, u in tcvn}
    out = []
    for c in s:
        out.append(code.get(c) or code.get(c.lower()) or c)
    return "".join(out)


def to_vni(s):
    _, letters, marks = _tables()
    letter = {u: b for b, u in letters}
    out = []
    for c in s:
        lower = c.lower()
        up = (lambda b: b.upper()) if c.isupper() else (lambda b: b)
        if lower in letter:
            out.append(up(letter[lower]))
            continue
        parts = unicodedata.normalize("NFD", lower)
        base, ms = parts[0], list(parts[1:])
        if "\u031b" in ms:
            ms.remove("\u031b")
            base = "ô" if base == "o" else "ö"
        out.append(up(base))
        if ms:
            for m, want in marks:
                if sorted(want) == sorted(ms):
                    out.append(up(m))
                    break
            else:
                raise ValueError(f"no VNI mark for {c!r}")
    return "".join(out)


# ---- the document as text lines ----

def article_lines(doc):
    """Each article: (number, heading, [paragraphs])."""
    return doc["articles"]


def body_paragraphs(doc):
    """The paragraphs between the title and the signature, in order (strings)."""
    out = []
    if doc.get("authority"):
        out.extend(("center-bold", a) for a in doc["authority"].split("\n"))
    for p in doc.get("preamble", []):
        out.append(("italic", p))
    if doc.get("decides"):
        out.append(("center-bold", doc["decides"]))
    for p in doc.get("intro", []):
        out.append(("body", p))
    for n, (heading, paras) in enumerate(doc["articles"], 1):
        out.append(("article", (n, heading)))
        for p in paras:
            out.append(("body", p))
    for p in doc.get("outro", []):
        out.append(("body", p))
    return out


def header_rows(doc):
    left = doc["issuer"] + (["-------"] if doc.get("rules", True) else [])
    right = MOTTO + (["---------------"] if doc.get("rules", True) else [])
    return left, right


def number_text(doc, sep=" "):
    return f"Số:{sep}{doc['number']}"


def date_text(doc):
    return f"{doc['place']}, {date_vn(doc['date'])}"


def signature_lines(doc):
    return doc["capacity"] + ([doc["position"]] if doc.get("position") else [])


def annex_heading(a):
    return f"PHỤ LỤC {a['label']}".strip()


def annex_lines(doc):
    """The annexes after the signature, as text lines: heading, title, "(Kèm theo …)", the
    table's rows (cells separated by tabs) and the paragraphs."""
    lines = []
    for a in doc.get("annexes", []):
        lines.append("")
        lines.append(annex_heading(a))
        lines.extend(a["title"])
        lines.append(a["attached"])
        lines.append("")
        lines.extend("\t".join(row) for row in a["table"])
        lines.extend(a["paras"])
    return lines


def render_txt(doc):
    lines = []
    left, right = header_rows(doc)
    for i in range(max(len(left), len(right))):
        a = left[i] if i < len(left) else ""
        b = right[i] if i < len(right) else ""
        lines.append(f"{a}\t{b}" if a else f"\t\t{b}")
    gap = "          " if doc.get("so_gap") else " "
    lines.append(f"{number_text(doc, gap)}\t{date_text(doc)}")
    lines.append("")
    lines.append(doc["type"])
    lines.extend(doc["title"])
    lines.append("_______________")
    lines.append("")
    width = doc.get("wrap")
    for kind, p in body_paragraphs(doc):
        if kind == "article":
            n, heading = p
            text = f"Điều {n}. {heading}"
        else:
            text = p
        if width and kind in ("body", "article"):
            lines.extend(textwrap.wrap(text, width))
        else:
            lines.append(text)
    lines.append("")
    sig = signature_lines(doc)
    rec = ["Nơi nhận:"] + doc["recipients"]
    block = sig + ["", "", doc["signer"]]
    if doc.get("signature_first"):
        lines.extend(f"\t\t\t\t{s}" if s else "" for s in block)
        lines.append("")
        lines.extend(rec)
    else:
        for i in range(max(len(rec), len(block))):
            a = rec[i] if i < len(rec) else ""
            b = block[i] if i < len(block) else ""
            lines.append(f"{a}\t\t{b}".rstrip() if a else (f"\t\t\t\t{b}" if b else ""))
    lines.extend(annex_lines(doc))
    text = "\n".join(lines) + "\n"
    return text


# ---- flat ODT for LibreOffice ----

FODT_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
 office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
<office:font-face-decls>
 <style:font-face style:name="F" svg:font-family="'{font}'" xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"/>
</office:font-face-decls>
<office:styles>
 <style:style style:name="Standard" style:family="paragraph">
  <style:paragraph-properties fo:margin-top="0cm" fo:margin-bottom="0.1cm"/>
  <style:text-properties style:font-name="F" fo:font-size="13pt"/>
 </style:style>
 <text:list-style style:name="Dieu">
  <text:list-level-style-number text:level="1" style:num-prefix="Điều " style:num-suffix="." style:num-format="1">
   <style:list-level-properties text:list-level-position-and-space-mode="label-alignment">
    <style:list-level-label-alignment text:label-followed-by="space" fo:text-indent="0cm" fo:margin-left="0cm"/>
   </style:list-level-properties>
   <style:text-properties fo:font-weight="bold"/>
  </text:list-level-style-number>
 </text:list-style>
</office:styles>
<office:automatic-styles>
 <style:page-layout style:name="pm1">
  <style:page-layout-properties fo:page-width="21cm" fo:page-height="29.7cm" fo:margin-top="2cm" fo:margin-bottom="2cm" fo:margin-left="3cm" fo:margin-right="2cm"/>
 </style:page-layout>
 <style:style style:name="C" style:family="paragraph" style:parent-style-name="Standard">
  <style:paragraph-properties fo:text-align="center"/>
 </style:style>
 <style:style style:name="CB" style:family="paragraph" style:parent-style-name="Standard">
  <style:paragraph-properties fo:text-align="center"/>
  <style:text-properties fo:font-weight="bold"/>
 </style:style>
 <style:style style:name="CI" style:family="paragraph" style:parent-style-name="Standard">
  <style:paragraph-properties fo:text-align="center"/>
  <style:text-properties fo:font-style="italic"/>
 </style:style>
 <style:style style:name="TB" style:family="paragraph" style:parent-style-name="Standard">
  <style:paragraph-properties fo:text-align="center" fo:margin-top="0.4cm"/>
  <style:text-properties fo:font-weight="bold" fo:font-size="14pt"/>
 </style:style>
 <style:style style:name="J" style:family="paragraph" style:parent-style-name="Standard">
  <style:paragraph-properties fo:text-align="justify" fo:text-indent="1cm" fo:margin-top="0.15cm"/>
 </style:style>
 <style:style style:name="I" style:family="paragraph" style:parent-style-name="Standard">
  <style:paragraph-properties fo:text-align="justify" fo:text-indent="1cm"/>
  <style:text-properties fo:font-style="italic"/>
 </style:style>
 <style:style style:name="A" style:family="paragraph" style:parent-style-name="Standard" style:list-style-name="Dieu">
  <style:paragraph-properties fo:text-align="justify" fo:text-indent="1cm" fo:margin-top="0.2cm"/>
  <style:text-properties fo:font-weight="bold"/>
 </style:style>
 <style:style style:name="S" style:family="paragraph" style:parent-style-name="Standard">
  <style:text-properties fo:font-size="11pt"/>
 </style:style>
 <style:style style:name="SB" style:family="paragraph" style:parent-style-name="Standard">
  <style:text-properties fo:font-size="12pt" fo:font-weight="bold" fo:font-style="italic"/>
 </style:style>
 <style:style style:name="PB" style:family="paragraph" style:parent-style-name="Standard">
  <style:paragraph-properties fo:text-align="center" fo:break-before="page"/>
  <style:text-properties fo:font-weight="bold" fo:font-size="14pt"/>
 </style:style>
 <style:style style:name="Grid" style:family="table">
  <style:table-properties style:width="16cm" table:align="left"/>
 </style:style>
 <style:style style:name="GridCell" style:family="table-cell"><style:table-cell-properties fo:padding="0.05cm" fo:border="0.5pt solid #000000"/></style:style>
 <style:style style:name="Tab" style:family="table">
  <style:table-properties style:width="16cm" table:align="left"/>
 </style:style>
 <style:style style:name="ColL" style:family="table-column"><style:table-column-properties style:column-width="{left}cm"/></style:style>
 <style:style style:name="ColR" style:family="table-column"><style:table-column-properties style:column-width="{right}cm"/></style:style>
 <style:style style:name="Cell" style:family="table-cell"><style:table-cell-properties fo:padding="0.05cm" fo:border="none"/></style:style>
</office:automatic-styles>
<office:master-styles><style:master-page style:name="Standard" style:page-layout-name="pm1"/></office:master-styles>
<office:body><office:text>
"""


def p(style, text):
    return f'<text:p text:style-name="{style}">{escape(text)}</text:p>\n'


def cell(paras):
    return '<table:table-cell table:style-name="Cell" office:value-type="string">' + "".join(paras) + "</table:table-cell>"


def table(rows, left, right):
    out = ['<table:table table:style-name="Tab"><table:table-column table:style-name="ColL"/><table:table-column table:style-name="ColR"/>']
    for a, b in rows:
        out.append("<table:table-row>" + cell(a) + cell(b) + "</table:table-row>")
    out.append("</table:table>\n")
    return "".join(out)


def render_fodt(doc, encode):
    e = encode
    left, right = header_rows(doc)
    head_l = [p("CB", e(x)) for x in left]
    head_r = [p("CB", e(x)) for x in right]
    so = e(number_text(doc, "\t" if doc.get("so_gap") else " "))
    so_p = p("C", so).replace("\t", "<text:tab/>") if doc.get("so_gap") else p("C", so)
    out = [FODT_HEAD.replace("{font}", doc.get("font", "Liberation Serif")).replace("{left}", "6").replace("{right}", "10")
           .replace('style:num-prefix="Điều "', 'style:num-prefix="' + escape(e("Điều ")) + '"')]
    out.append(table([(head_l, head_r), ([so_p], [p("CI", e(date_text(doc)))])], 6, 10))
    out.append(p("TB", e(doc["type"])))
    out.append(p("CB", e(" ".join(doc["title"]))) if not doc.get("title_breaks") else
               '<text:p text:style-name="CB">' + "<text:line-break/>".join(escape(e(t)) for t in doc["title"]) + "</text:p>\n")
    out.append(p("C", "_______________"))
    for kind, para in body_paragraphs(doc):
        if kind == "article":
            n, heading = para
            out.append('<text:list text:style-name="Dieu"' + (' text:continue-numbering="true"' if n > 1 else "") + '><text:list-item>'
                       + p("A", e(heading)) + "</text:list-item></text:list>\n")
        elif kind == "center-bold":
            out.append(p("CB", e(para)))
        elif kind == "italic":
            out.append(p("I", e(para)))
        else:
            out.append(p("J", e(para)))
    out.append(p("Standard", ""))
    sig = [p("CB", e(s)) for s in signature_lines(doc)] + [p("C", ""), p("C", ""), p("CB", e(doc["signer"]))]
    rec = [p("SB", e("Nơi nhận:"))] + [p("S", e(r)) for r in doc["recipients"]]
    if doc.get("signature_first"):
        out.append(table([([p("S", "")], sig)], 6, 10))
        out.extend(rec)
    else:
        out.append(table([(rec, sig)], 7, 9))
    for a in doc.get("annexes", []):
        out.append(p("PB", e(annex_heading(a))))
        for t in a["title"]:
            out.append(p("CB", e(t)))
        out.append(p("CI", e(a["attached"])))
        if a["table"]:
            cols = len(a["table"][0])
            out.append('<table:table table:style-name="Grid"><table:table-column table:number-columns-repeated="' + str(cols) + '"/>')
            for row in a["table"]:
                out.append("<table:table-row>" + "".join(
                    '<table:table-cell table:style-name="GridCell" office:value-type="string">' + p("Standard", e(c)) + "</table:table-cell>"
                    for c in row) + "</table:table-row>")
            out.append("</table:table>\n")
        for para in a["paras"]:
            out.append(p("J", e(para)))
    out.append("</office:text></office:body></office:document>\n")
    return "".join(out)


# ---- another generator: fpdf2 ----

def render_fpdf(doc, path, encode):
    from fpdf import FPDF

    fonts = "/usr/share/fonts/truetype/dejavu/"
    pdf = FPDF(format="A4", unit="mm")
    pdf.set_margins(25, 20, 18)
    pdf.set_auto_page_break(True, 20)
    pdf.add_font("S", "", fonts + "DejaVuSerif.ttf")
    pdf.add_font("S", "B", fonts + "DejaVuSerif-Bold.ttf")
    pdf.add_font("S", "I", fonts + "DejaVuSerif-Italic.ttf")
    pdf.add_page()
    e = encode
    left, right = header_rows(doc)
    y = pdf.get_y()
    for i in range(max(len(left), len(right))):
        pdf.set_font("S", "B", 11)
        if i < len(left):
            pdf.set_xy(25, y)
            pdf.cell(65, 5.5, e(left[i]), align="C", new_x="LMARGIN", new_y="NEXT")
        if i < len(right):
            pdf.set_xy(92, y)
            pdf.cell(95, 5.5, e(right[i]), align="C", new_x="LMARGIN", new_y="NEXT")
        y += 5.5
    y += 1
    pdf.set_font("S", "", 11)
    pdf.set_xy(25, y)
    if doc.get("so_gap"):
        pdf.cell(10, 6, e("Số:"))
        pdf.set_xy(45, y)
        pdf.cell(45, 6, e(doc["number"]))
    else:
        pdf.cell(65, 6, e(number_text(doc)), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("S", "I", 10.5 if len(date_text(doc)) < 40 else 9.5)
    pdf.set_xy(92, y)
    pdf.cell(95, 6, e(date_text(doc)), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_xy(25, y + 14)
    pdf.set_font("S", "B", 13)
    pdf.multi_cell(0, 7, e(doc["type"]), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("S", "B", 12)
    for t in doc["title"]:
        pdf.multi_cell(0, 6, e(t), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    for kind, para in body_paragraphs(doc):
        if kind == "article":
            n, heading = para
            pdf.set_font("S", "B", 11.5)
            pdf.multi_cell(0, 6, e(f"Điều {n}. {heading}"), align="J", new_x="LMARGIN", new_y="NEXT")
        elif kind == "center-bold":
            pdf.set_font("S", "B", 11.5)
            pdf.multi_cell(0, 6, e(para), align="C", new_x="LMARGIN", new_y="NEXT")
        elif kind == "italic":
            pdf.set_font("S", "I", 11.5)
            pdf.multi_cell(0, 6, e(para), align="J", new_x="LMARGIN", new_y="NEXT")
        else:
            pdf.set_font("S", "", 11.5)
            pdf.multi_cell(0, 6, e(para), align="J", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    block = signature_lines(doc) + ["", "", doc["signer"]]
    rec = ["Nơi nhận:"] + doc["recipients"]
    if pdf.get_y() > 230:
        pdf.add_page()
    y = pdf.get_y()
    if doc.get("signature_first"):
        for s in block:
            pdf.set_font("S", "B", 11)
            pdf.set_xy(105, y)
            pdf.cell(80, 5.5, e(s), align="C", new_x="LMARGIN", new_y="NEXT")
            y += 5.5
        y += 6
        for r in rec:
            pdf.set_font("S", "", 10)
            pdf.set_xy(25, y)
            pdf.cell(70, 5, e(r))
            y += 5
    else:
        ys = y
        for r in rec:
            pdf.set_font("S", "", 10)
            pdf.set_xy(25, ys)
            pdf.cell(70, 5, e(r))
            ys += 5
        for s in block:
            pdf.set_font("S", "B", 11)
            pdf.set_xy(105, y)
            pdf.cell(80, 5.5, e(s), align="C", new_x="LMARGIN", new_y="NEXT")
            y += 5.5
    for a in doc.get("annexes", []):
        pdf.add_page()
        pdf.set_font("S", "B", 13)
        pdf.multi_cell(0, 7, e(annex_heading(a)), align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("S", "B", 12)
        for t in a["title"]:
            pdf.multi_cell(0, 6, e(t), align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("S", "I", 10.5)
        pdf.multi_cell(0, 6, e(a["attached"]), align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(4)
        if a["table"]:
            pdf.set_font("S", "", 9.5)
            with pdf.table(col_widths=(10, 22, 70, 45)[: len(a["table"][0])]) as t:
                for row in a["table"]:
                    r = t.row()
                    for c in row:
                        r.cell(e(c))
            pdf.ln(4)
        pdf.set_font("S", "", 11.5)
        for para in a["paras"]:
            pdf.multi_cell(0, 6, e(para), align="J", new_x="LMARGIN", new_y="NEXT")
    pdf.output(path)


# ---- expected fields ----

def expected(doc):
    x = doc["expect"]
    return {
        "type": TYPES[doc["type"]],
        "number": doc["number"],
        "number_normalised": normalised(doc["number"]),
        "issuer": " ".join(doc["issuer"]),
        "place": doc["place"],
        "issued_on": iso(doc["date"]),
        "title": " ".join(doc["title"]),
        "signer": doc["signer"],
        "signer_position": doc.get("position") or doc["capacity"][-1].split(". ", 1)[-1],
        "signing_capacity": " / ".join(doc["capacity"]) or None,
        "effective_on": iso(x["effective_on"]),
        "articles": len(doc["articles"]),
        "effects": [
            {
                "kind": k,
                "target_number": t,
                "provisions": prov,
                "effective_on": iso(d),
            }
            for (k, t, prov, d) in x.get("effects", [])
        ],
        # Lines and texts differ between formats: an annex is compared by its label and title.
        "annexes": [
            {"label": a["label"], "title": " ".join(a["title"]) or None}
            for a in doc.get("annexes", [])
        ],
        "encoding": doc.get("encoding"),
    }


LONG_ARTICLES = 370


def long_doc():
    """A long decision (about 60 pages printed): the speed benchmark's document."""
    from corpus import DOCS as docs

    base = dict(docs[0])
    articles = []
    for n in range(1, LONG_ARTICLES + 1):
        articles.append((
            f"Quy định về nội dung quản lý thứ {n}",
            [
                f"1. Cơ quan, tổ chức, cá nhân có hoạt động liên quan đến nội dung quản lý thứ {n} trên địa bàn tỉnh phải thực hiện đúng quy hoạch, kế hoạch đã được cấp có thẩm quyền phê duyệt và các quy định của pháp luật có liên quan.",
                f"2. Sở Tài nguyên và Môi trường chủ trì, phối hợp với các sở, ban, ngành và Ủy ban nhân dân cấp huyện hướng dẫn, kiểm tra việc thực hiện nội dung quản lý thứ {n}; tổng hợp, báo cáo Ủy ban nhân dân tỉnh định kỳ hằng năm.",
            ],
        ))
    articles.append(("Hiệu lực thi hành", ["Quyết định này có hiệu lực kể từ ngày 15 tháng 5 năm 2021."]))
    base.update(slug="long", articles=articles)
    return base


def main():
    if sys.argv[1:] == ["--long"]:
        d = os.path.join(HERE, "long")
        os.makedirs(d, exist_ok=True)
        open(os.path.join(d, "long.fodt"), "w", encoding="utf-8").write(render_fodt(long_doc(), lambda s: s))
        return
    only = set(sys.argv[1:])
    for doc in DOCS:
        slug = doc["slug"]
        if only and slug not in only:
            continue
        d = os.path.join(HERE, "docs", slug)
        os.makedirs(d, exist_ok=True)
        enc = doc.get("encoding")
        encode = {"tcvn3": to_tcvn3, "vni": to_vni}.get(enc, lambda s: s)
        text = render_txt(doc)
        if enc:
            open(os.path.join(d, "source.txt"), "wb").write(encode(text).encode("latin-1"))
        else:
            open(os.path.join(d, "source.txt"), "w", encoding="utf-8").write(nfc(text))
        open(os.path.join(d, "source.fodt"), "w", encoding="utf-8").write(render_fodt(doc, encode))
        with open(os.path.join(d, "expected.json"), "w", encoding="utf-8") as f:
            json.dump(expected(doc), f, ensure_ascii=False, indent=2)
            f.write("\n")
        if not enc:
            render_fpdf(doc, os.path.join(d, "gen.pdf"), encode)


if __name__ == "__main__":
    main()
