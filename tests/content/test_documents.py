"""Marketing documents: every demo asset, PDF and Word files, and files that cannot be read."""

from __future__ import annotations

import csv
from pathlib import Path

import docx
import pytest

from callinsight.content.documents import SUFFIXES, Document, iter_documents, read_document
from callinsight.errors import IngestError

DEMO = Path(__file__).resolve().parents[2] / "corpora" / "demo"
CONTENT = DEMO / "content"
MARKUP = ("<p>", "</", "<h1", "<li", "<td", "**", "](", "|", "```", "&amp;", "\n#")


def _library_rows() -> dict[str, dict[str, str]]:
    with (DEMO / "content_library.csv").open(encoding="utf-8") as f:
        return {row["asset_id"]: row for row in csv.DictReader(f)}


def _pdf(text_lines: list[str], info: dict[str, str]) -> bytes:
    """A minimal valid PDF: one page of Helvetica text and a document information dictionary."""
    stream = "BT /F1 12 Tf 72 720 Td 14 TL " + " ".join(f"({line}) '" for line in text_lines)
    stream += " ET"
    info_entries = " ".join(f"/{key} ({value})" for key, value in info.items())
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        "/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream",
        f"<< {info_entries} >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info 6 0 R >>\n"
        f"startxref\n{xref}\n%%EOF\n"
    ).encode()
    return out


# --- the demo content library -------------------------------------------------------------------


def test_every_demo_document_reads_with_its_library_metadata():
    rows = _library_rows()
    results = list(iter_documents(CONTENT))
    errors = [r for r in results if isinstance(r, IngestError)]
    assert errors == []
    documents = [r for r in results if isinstance(r, Document)]
    assert len(documents) == 36  # README.md is skipped
    assert [d.path for d in documents] == sorted(d.path for d in documents)
    assert {d.path.suffix for d in documents} == {".md", ".html", ".txt"}
    assert sorted(d.meta["asset_id"] for d in documents) == sorted(rows)
    for doc in documents:
        row = rows[doc.meta["asset_id"]]
        assert doc.path.name.startswith(row["asset_id"])
        assert doc.title == row["title"], doc.path.name
        assert doc.meta["url"] == row["url"], doc.path.name
        assert doc.meta["type"] == row["type"], doc.path.name
        assert len(doc.text) > 1000, doc.path.name
        assert not doc.text.startswith("---"), doc.path.name
        assert "asset_id" not in doc.text, doc.path.name
        for mark in MARKUP:
            assert mark not in doc.text, (doc.path.name, mark)
        assert "\n\n\n" not in doc.text


def test_markdown_loses_its_syntax_but_keeps_its_words():
    doc = read_document(CONTENT / "A-001-roi-calculator.md")
    paragraphs = doc.text.split("\n\n")
    assert paragraphs[0] == "AP Automation ROI Calculator"  # '# ' marker gone
    assert "What you enter" in paragraphs  # '## ' heading is its own paragraph
    # '- **Monthly invoice volume.** Count ...' -> bullet and emphasis gone
    assert any(p.startswith("Monthly invoice volume. Count every") for p in paragraphs)
    assert "Cost per invoice $8.40 $3.05" in paragraphs  # a table row, cells separated by spaces
    assert "Payback period - 7.6 months" in paragraphs


def test_html_keeps_blocks_and_table_cells_and_drops_the_head():
    doc = read_document(CONTENT / "A-003-pricing-explained.html")
    paragraphs = doc.text.split("\n\n")
    assert doc.meta == {
        "asset_id": "A-003",
        "url": "https://corvala.example/pricing/explained",
        "type": "one-pager",
    }
    assert paragraphs[0] == doc.title  # the <h1>
    assert "Invoices 1 to 1,000 each month: $0.70 each" in paragraphs
    assert "1,500 $1,200 $950 $2,150 $1.43" in paragraphs
    assert "utf-8" not in doc.text  # <head> content is not body text
    assert "Corvala pricing explained" not in doc.text.replace(doc.title, "")  # nor is <title>


def test_html_entities_scripts_and_unclosed_head(tmp_path):
    path = tmp_path / "page.htm"
    path.write_text(
        "<html><head><title>Fallback &amp; title</title><script>var x = '<p>';</script>"
        '<meta name="description" content="A summary">'
        '<meta name="keywords" content="ap, roi">'
        "<body><div>Caf&eacute; &lt;ok&gt;<br>next line</div><style>p {}</style>"
        "<pre>  keep\n  lines</pre><ul><li>one</li><li>two</li></ul></body></html>",
        encoding="utf-8",
    )
    doc = read_document(path)
    assert doc.title == "Fallback & title"  # no meta title, no <h1>: the <title>
    assert doc.meta == {"summary": "A summary", "tags": "ap;roi"}
    assert doc.text == "Café <ok>\nnext line\n\nkeep\nlines\n\none\n\ntwo"


def test_plain_text_header_lines_are_metadata_only_at_the_top():
    doc = read_document(CONTENT / "A-033-lisbon-office-video.txt")
    assert doc.meta["asset_id"] == "A-033"
    assert doc.text.startswith("INSIDE OUR NEW LISBON OFFICE\nVideo, 3:12.")
    assert "Say olá to Corvala Lisbon." in doc.text  # UTF-8 decoded


def test_markdown_front_matter_values_become_strings(tmp_path):
    path = tmp_path / "launch-notes.markdown"
    path.write_text(
        "---\nasset_id: X-9\nTags: [roi, pricing]\npublished: 2026-01-05\n---\n\n"
        "Intro with a [link](https://example.com) and `code`.\n\n"
        "```\nraw <b>text</b>\n```\n",
        encoding="utf-8",
    )
    doc = read_document(path)
    assert doc.meta == {"asset_id": "X-9", "tags": "roi;pricing", "published": "2026-01-05"}
    assert doc.title == "Launch notes"  # no title, no heading: the file stem in words
    assert doc.text == "Intro with a link and code.\n\nraw <b>text</b>"


def test_plain_text_without_a_header_is_all_body_and_cp1252_decodes(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_bytes("Note: this is body.\n\nPrice in \u20ac and caf\u00e9.\n".encode("cp1252"))
    doc = read_document(path)
    assert doc.meta == {}
    assert doc.text == "Note: this is body.\n\nPrice in \u20ac and caf\u00e9."


# --- PDF and Word ---------------------------------------------------------------------------------


def test_pdf_text_and_info_dictionary(tmp_path):
    path = tmp_path / "ap-benchmark.pdf"
    path.write_bytes(
        _pdf(
            ["AP benchmark 2026", "Teams close the month in 4.2 days."],
            {
                "Title": "AP Benchmark Report",
                "Author": "Leah Goldstein",
                "Subject": "Close times by team size",
                "Keywords": "benchmark, close",
            },
        )
    )
    doc = read_document(path)
    assert doc.title == "AP Benchmark Report"
    assert doc.meta == {
        "title": "AP Benchmark Report",
        "owner": "Leah Goldstein",
        "summary": "Close times by team size",
        "tags": "benchmark;close",
    }
    assert "AP benchmark 2026" in doc.text
    assert "Teams close the month in 4.2 days." in doc.text


def test_docx_paragraphs_tables_and_core_properties(tmp_path):
    word = docx.Document()
    word.core_properties.subject = "Why teams switch"
    word.core_properties.keywords = "payloop; migration"
    word.add_heading("Switching from Payloop", level=1)
    word.add_paragraph("Most teams move in a weekend.")
    table = word.add_table(rows=3, cols=2)
    table.cell(0, 0).text = "Step"
    table.cell(0, 1).text = "Owner"
    table.cell(1, 0).text = "Export vendors"
    table.cell(1, 1).text = "Controller"
    table.cell(2, 0).merge(table.cell(2, 1)).text = "Two steps in all"
    word.add_paragraph("Questions: sales@corvala.example")
    path = tmp_path / "payloop-switch.docx"
    word.save(str(path))

    doc = read_document(path)
    assert doc.title == "Switching from Payloop"  # no core title: the first heading
    assert doc.meta == {"summary": "Why teams switch", "tags": "payloop;migration"}
    assert doc.text.split("\n\n") == [
        "Switching from Payloop",
        "Most teams move in a weekend.",
        "Step Owner",
        "Export vendors Controller",
        "Two steps in all",  # a merged cell once, not once per column
        "Questions: sales@corvala.example",
    ]


# --- files that cannot be read --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("broken.pdf", b"%PDF-1.4\n1 0 obj\n<< /Type /Catal", "E123"),
        ("broken.docx", b"PK\x03\x04 not really a zip", "E123"),
        ("empty.txt", b"", "E124"),
        ("only-front-matter.md", b"---\nasset_id: A-1\n---\n", "E124"),
        ("only-head.html", b"<html><head><title>T</title></head><body> </body></html>", "E124"),
        ("binary.txt", b"\x81\x8d\x8f\x90\x9d", "E123"),
        ("bad-yaml.md", b"---\ntitle: [unclosed\n---\nbody\n", "E123"),
    ],
)
def test_unreadable_files_raise_ingest_errors_naming_the_file(tmp_path, name, data, code):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(IngestError) as caught:
        read_document(path)
    assert caught.value.code == code
    assert name in caught.value.message


def test_unknown_suffix_and_missing_file(tmp_path):
    assert ".pdf" in SUFFIXES and ".xlsx" not in SUFFIXES
    with pytest.raises(IngestError, match=r"\[E123\].*unsupported file type '.xlsx'"):
        read_document(tmp_path / "sheet.xlsx")
    with pytest.raises(IngestError, match=r"\[E101\].*missing.md"):
        read_document(tmp_path / "missing.md")


def test_one_bad_file_does_not_stop_the_folder(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.md").write_text("---\nasset_id: A-1\n---\n# First\n\nBody one.\n")
    (tmp_path / "sub" / "b.html").write_text("<h1>Second</h1><p>Body two.</p>")
    (tmp_path / "sub" / "c.pdf").write_bytes(b"%PDF-1.7 truncated")
    (tmp_path / "d.txt").write_text("asset_id: A-4\n\nBody four.\n")
    # skipped: README, hidden files and folders, lock files, unknown suffixes
    (tmp_path / "README.md").write_text("# About this folder\n")
    (tmp_path / ".draft.md").write_text("# Hidden\n")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.md").write_text("# Hidden too\n")
    (tmp_path / "~$lock.docx").write_bytes(b"lock")
    (tmp_path / "data.csv").write_text("a,b\n")

    results = list(iter_documents(tmp_path))
    assert [type(r).__name__ for r in results] == [
        "Document",
        "Document",
        "Document",
        "IngestError",
    ]
    a, d, b, c = results  # sorted by path: a.md, d.txt, sub/b.html, sub/c.pdf
    assert (a.title, a.text, a.meta) == ("First", "First\n\nBody one.", {"asset_id": "A-1"})
    assert (d.title, d.text, d.meta) == ("D", "Body four.", {"asset_id": "A-4"})
    assert (b.title, b.text) == ("Second", "Second\n\nBody two.")
    assert c.code == "E123" and "c.pdf" in c.message
