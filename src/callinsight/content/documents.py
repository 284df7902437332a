"""Marketing documents as text plus metadata, for importing a content library from a folder.

Each format keeps its metadata in its own way: YAML front matter in Markdown, ``<meta name=...>``
in HTML, leading ``key: value`` lines in plain text, the document info of a PDF and the core
properties of a Word file. :func:`read_document` gives back the same :class:`Document` for all of
them; :func:`iter_documents` walks a folder and turns a file it cannot read into an
:class:`IngestError` instead of stopping.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token

from callinsight.errors import E, IngestError

SUFFIXES: frozenset[str] = frozenset({".md", ".markdown", ".html", ".htm", ".pdf", ".docx", ".txt"})

# The metadata a plain-text document may open with; other keys are not taken as metadata, so a
# body that starts with "Note: ..." stays body.
# fmt: off
TEXT_KEYS = frozenset({
    "asset_id", "title", "url", "type", "tags", "persona", "stage", "owner", "published", "summary",
})
# fmt: on

_ENCODINGS = ("utf-8", "utf-8-sig", "cp1252")
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S)
_TEXT_META_LINE = re.compile(r"^([A-Za-z_][\w-]*)[ \t]*:[ \t]*(.*)$")
_BLANK_LINES = re.compile(r"\n[ \t]*\n\s*")
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")


@dataclass(frozen=True)
class Document:
    """One marketing document, read."""

    path: Path
    title: str  # from metadata, else first heading, else <title>, else the file stem in words
    text: str  # readable body text: paragraphs separated by blank lines, no markup
    meta: dict[str, str]  # metadata found in the file, keys lowercase (asset_id, url, type, ...)


@dataclass(frozen=True)
class _Parsed:
    text: str
    meta: dict[str, str]
    heading: str = ""  # first top-level heading
    html_title: str = ""  # an HTML <title>


def read_document(path: Path) -> Document:
    """Read one document by its suffix.

    Raises :class:`IngestError`: E101 when the file is missing, E123 when it cannot be read
    (unsupported type, corrupt PDF or Word file, undecodable text, bad front matter) and E124
    when it holds no text.
    """
    path = Path(path)
    reader = _READERS.get(path.suffix.lower())
    if reader is None:
        raise IngestError(
            E.E123,
            path=path,
            reason=f"unsupported file type '{path.suffix}'; expected one of "
            + ", ".join(sorted(SUFFIXES)),
        )
    if not path.is_file():
        raise IngestError(E.E101, path=path)
    try:
        parsed = reader(path)
    except OSError as error:
        raise IngestError(E.E123, path=path, reason=_reason(error)) from None
    text = _paragraphs(parsed.text)
    if not text:
        raise IngestError(E.E124, path=path)
    meta = {k: v for k, v in parsed.meta.items() if v}
    title = meta.get("title") or parsed.heading or parsed.html_title or _stem_words(path)
    return Document(path=path, title=title, text=text, meta=meta)


def iter_documents(folder: Path) -> Iterator[Document | IngestError]:
    """Every document under ``folder``, recursively, sorted by path.

    Skips hidden files and folders, Office lock files (``~$...``), README files and unknown
    suffixes. A file that cannot be read is yielded as its :class:`IngestError`, so one bad file
    never stops an import.
    """
    folder = Path(folder)
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if any(part.startswith((".", "~$")) for part in relative.parts):
            continue
        if path.suffix.lower() not in SUFFIXES or path.stem.lower() == "readme":
            continue
        if not path.is_file():
            continue
        try:
            yield read_document(path)
        except IngestError as error:
            yield error


# --- shared helpers ---------------------------------------------------------------------------


def _decode(path: Path) -> str:
    data = path.read_bytes()
    for encoding in _ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            raise IngestError(E.E123, path=path, reason="binary data, not text")
        return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    raise IngestError(
        E.E123, path=path, reason="text is not UTF-8 or Windows-1252 (cp1252); re-save it as UTF-8"
    )


def _meta_value(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple | set):
        return ";".join(s for s in (_meta_value(v) for v in value) if s)
    return str(value).strip()


def _tags(value: str) -> str:
    """Keywords written with commas or semicolons, joined by ';' like the library CSV."""
    return ";".join(t.strip() for t in re.split(r"[;,]", value) if t.strip())


def _paragraphs(text: str) -> str:
    """Lines trimmed, runs of spaces collapsed, paragraphs separated by exactly one blank line."""
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    blocks = _BLANK_LINES.split("\n".join(lines).strip())
    return "\n\n".join(b.strip() for b in blocks if b.strip())


def _stem_words(path: Path) -> str:
    words = re.sub(r"[-_.\s]+", " ", path.stem).strip()
    return words[:1].upper() + words[1:] if words else path.name


# --- Markdown ----------------------------------------------------------------------------------

_MD = MarkdownIt("commonmark").enable(["table", "strikethrough"])


def _read_markdown(path: Path) -> _Parsed:
    source = _decode(path)
    meta: dict[str, str] = {}
    match = _FRONT_MATTER.match(source)
    if match:
        try:
            front = yaml.safe_load(match.group(1))
        except yaml.YAMLError as error:
            raise IngestError(
                E.E123, path=path, reason=f"front matter is not valid YAML: {error}"
            ) from None
        if front is not None and not isinstance(front, dict):
            raise IngestError(
                E.E123, path=path, reason="front matter is not a mapping of key: value"
            )
        meta = {str(k).strip().lower(): _meta_value(v) for k, v in (front or {}).items()}
        source = source[match.end() :]
    return _markdown_text(source, meta)


def _markdown_text(source: str, meta: dict[str, str]) -> _Parsed:
    blocks: list[str] = []
    heading = ""
    row: list[str] = []  # cells of the table row being read; each row becomes one paragraph
    tokens = _MD.parse(source)
    for i, token in enumerate(tokens):
        if token.type == "inline":
            text = _inline_text(token.children or [])
            parent = tokens[i - 1].type if i else ""
            if parent in ("th_open", "td_open"):
                row.append(text)
            elif text:
                blocks.append(text)
                if parent == "heading_open" and tokens[i - 1].tag == "h1" and not heading:
                    heading = text
        elif token.type in ("fence", "code_block"):
            blocks.append(token.content.rstrip("\n"))
        elif token.type == "html_block":
            blocks.append(_html_fragment_text(token.content))
        elif token.type == "tr_close":
            blocks.append(" ".join(c for c in row if c))
            row = []
    return _Parsed(text="\n\n".join(blocks), meta=meta, heading=heading)


def _inline_text(children: list[Token]) -> str:
    parts: list[str] = []
    for child in children:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type == "softbreak":
            parts.append(" ")
        elif child.type == "hardbreak":
            parts.append("\n")
        elif child.type == "image":
            parts.append(_inline_text(child.children or []))
        elif child.type == "html_inline" and child.content.startswith("<br"):
            parts.append("\n")
        # emphasis and link markers, other inline HTML: markup, not text
    return "".join(parts).strip()


# --- HTML --------------------------------------------------------------------------------------

# Elements whose start and end break the text into paragraphs.
# fmt: off
_HTML_BLOCKS = frozenset({
    "address", "article", "aside", "blockquote", "caption", "dd", "details", "div", "dl", "dt",
    "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr",
    "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table", "tr", "ul",
})
# fmt: on
_HTML_DROPPED = frozenset({"script", "style", "noscript", "template", "svg", "head"})
# Standard meta names, for pages that do not use the library's own keys.
_HTML_META_ALIASES = {"description": "summary", "keywords": "tags", "author": "owner"}


class _HTMLText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.title = ""
        self.heading = ""
        self.blocks: list[str] = []
        self._line: list[str] = []
        self._dropped: list[str] = []  # open elements whose content is not text
        self._in_title = False
        self._in_h1 = False
        self._h1: list[str] = []
        self._pre = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "meta":
            self._meta(dict(attrs))
        elif tag == "title":
            self._in_title = True
        elif tag == "body":
            # a page that never closes its <head> still has a body worth reading
            self._dropped = [t for t in self._dropped if t != "head"]
        elif tag in _HTML_DROPPED:
            self._dropped.append(tag)
        elif tag == "br":
            self._line.append("\n")
        elif tag in ("td", "th"):
            self._line.append(" ")
        elif tag in _HTML_BLOCKS:
            self._flush()
            if tag == "pre":
                self._pre += 1
            if tag == "h1" and not self.heading:
                self._in_h1 = True

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # <br/>, <meta .../>: never holds content, so no end tag will follow
        if tag in _HTML_DROPPED:
            return
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        elif self._dropped and tag == self._dropped[-1]:
            self._dropped.pop()
        elif tag in _HTML_BLOCKS and not self._dropped:
            self._flush()
            if tag == "pre":
                self._pre = max(0, self._pre - 1)
            if tag == "h1" and self._in_h1:
                self._in_h1 = False
                self.heading = _SPACES.sub(" ", " ".join(self._h1)).strip()

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        elif not self._dropped:
            self._line.append(data if self._pre else re.sub(r"\s+", " ", data))
            if self._in_h1:
                self._h1.append(data)

    def close(self) -> None:
        super().close()
        self._flush()
        self.title = _SPACES.sub(" ", self.title.replace("\n", " ")).strip()

    def _flush(self) -> None:
        text = "".join(self._line)
        self._line = []
        if not self._pre:
            text = "\n".join(line.strip() for line in text.split("\n"))
        if text.strip():
            self.blocks.append(text.strip("\n"))

    def _meta(self, attrs: dict[str, str | None]) -> None:
        name = (attrs.get("name") or attrs.get("property") or "").strip().lower()
        content = (attrs.get("content") or "").strip()
        if not name or not content:
            return
        key = name if name in TEXT_KEYS else _HTML_META_ALIASES.get(name, name)
        if key in self.meta and key != name:
            return  # the library's own key wins over a standard alias
        self.meta[key] = _tags(content) if key == "tags" else content


def _parse_html(source: str) -> _HTMLText:
    parser = _HTMLText()
    parser.feed(source)
    parser.close()
    return parser


def _html_fragment_text(source: str) -> str:
    return "\n\n".join(_parse_html(source).blocks)


def _read_html(path: Path) -> _Parsed:
    parser = _parse_html(_decode(path))
    return _Parsed(
        text="\n\n".join(parser.blocks),
        meta=parser.meta,
        heading=parser.heading,
        html_title=parser.title,
    )


# --- plain text --------------------------------------------------------------------------------


def _read_text(path: Path) -> _Parsed:
    lines = _decode(path).split("\n")
    meta: dict[str, str] = {}
    body_start = 0
    # Metadata only when the very first line is a metadata line; it stops at the first line
    # that is not one (normally the blank line before the body).
    for i, line in enumerate(lines):
        match = _TEXT_META_LINE.match(line.strip())
        if match is None or match.group(1).lower() not in TEXT_KEYS:
            body_start = i
            break
        meta[match.group(1).lower()] = match.group(2).strip()
    else:
        body_start = len(lines)
    return _Parsed(text="\n".join(lines[body_start:]), meta=meta)


# --- PDF ---------------------------------------------------------------------------------------


def _read_pdf(path: Path) -> _Parsed:
    from pypdf import PdfReader

    # pypdf raises many kinds of exception on a damaged file (its own, ValueError, KeyError,
    # struct and zlib errors); any of them means this one file cannot be read.
    try:
        reader = PdfReader(path)
        if reader.is_encrypted and not reader.decrypt(""):
            raise IngestError(E.E123, path=path, reason="PDF is encrypted with a password")
        info = reader.metadata or {}
        pages = [page.extract_text() or "" for page in reader.pages]
        meta = {
            "title": _pdf_info(info, "/Title"),
            "summary": _pdf_info(info, "/Subject"),
            "tags": _tags(_pdf_info(info, "/Keywords")),
            "owner": _pdf_info(info, "/Author"),
        }
    except IngestError:
        raise
    except Exception as error:
        raise IngestError(E.E123, path=path, reason=_reason(error)) from None
    return _Parsed(text="\n\n".join(pages), meta=meta)


def _pdf_info(info: Mapping[str, object], key: str) -> str:
    value = info.get(key)
    if hasattr(value, "get_object"):
        value = value.get_object()
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    return _meta_value(value)


# --- Word --------------------------------------------------------------------------------------

# python-docx stamps this author into files made from its own template.
_DOCX_TEMPLATE_AUTHOR = "python-docx"


def _read_docx(path: Path) -> _Parsed:
    import docx

    # A damaged .docx fails as a bad zip, a missing part (KeyError, PackageNotFoundError) or
    # malformed XML (lxml); any of them means this one file cannot be read.
    try:
        document = docx.Document(str(path))
        props = document.core_properties
        blocks, heading = _docx_blocks(document)
        meta = {
            "title": _meta_value(props.title),
            "summary": _meta_value(props.subject),
            "tags": _tags(_meta_value(props.keywords)),
            "owner": _meta_value(props.author),
        }
    except Exception as error:
        raise IngestError(E.E123, path=path, reason=_reason(error)) from None
    if meta["owner"] == _DOCX_TEMPLATE_AUTHOR:
        meta["owner"] = ""
    return _Parsed(text="\n\n".join(blocks), meta=meta, heading=heading)


def _docx_blocks(container: object) -> tuple[list[str], str]:
    """Paragraphs and table rows in document order, and the first Title or Heading 1 text."""
    from docx.table import Table

    blocks: list[str] = []
    heading = ""
    for item in container.iter_inner_content():  # type: ignore[attr-defined]
        if isinstance(item, Table):
            for row in item.rows:
                cells: list[str] = []
                seen: set[int] = set()
                for cell in row.cells:
                    if id(cell._tc) in seen:  # a merged cell repeats across the columns it spans
                        continue
                    seen.add(id(cell._tc))
                    inner, _ = _docx_blocks(cell)
                    cells.append(" ".join(" ".join(inner).split()))
                blocks.append(" ".join(c for c in cells if c))
            continue
        text = item.text.strip()
        if not text:
            continue
        blocks.append(text)
        style = (item.style.name if item.style is not None else "").lower()
        if not heading and style in ("title", "heading 1"):
            heading = text
    return blocks, heading


def _reason(error: Exception) -> str:
    message = str(error).strip()
    return f"{type(error).__name__}: {message}" if message else type(error).__name__


_READERS: dict[str, Callable[[Path], _Parsed]] = {
    ".md": _read_markdown,
    ".markdown": _read_markdown,
    ".html": _read_html,
    ".htm": _read_html,
    ".txt": _read_text,
    ".pdf": _read_pdf,
    ".docx": _read_docx,
}
