"""The editable vocabularies in ``corpora/taxonomy/``: objection categories, attribution
channels and the rep prompts that open an attribution or research answer.

Each file is YAML a marketer can edit:
- ``objections.yaml``: ``categories: {name: {description, examples, patterns}}`` and
  ``not_objections: {name: {description, examples, patterns}}`` (pain about the current tool,
  neutral questions, praise: what must never count as an objection);
- ``channels.yaml``: ``channels: {name: {description, terms, entities, examples}}``, and
  ``not_channels``: phrases that hold a channel's term but are no channel ("Google Sheets");
- ``prompts.yaml``: ``prompts: {attribution|research|opinion: {description, examples, patterns}}``
  (what a rep asks) and ``statements: {name: {description, patterns}}`` (what a prospect says
  unasked: how they found the seller, what they researched, a piece of content they saw, and
  phatic questions such as "can you hear me?" that are not buyer questions).

Patterns are phrases matched on spaCy token norms (case-insensitive; "can't" matches "can’t"):
``a|b`` is an alternative, ``(word)`` optional, and ``...`` stands for up to four words.
A digest of every file is stored with each analysed call, so ``callinsight rescan`` knows which
calls an edit affects.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import yaml

from callinsight.errors import E, ExtractError


@dataclass(frozen=True, slots=True)
class Category:
    """An objection category, a not-objection class, a channel or a prompt kind."""

    name: str
    description: str
    examples: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    terms: tuple[str, ...] = ()  # channels: words that signal the channel in an answer
    entities: tuple[str, ...] = ()  # channels: well-known named sources


@dataclass(frozen=True, slots=True)
class Taxonomy:
    objections: dict[str, Category]
    not_objections: dict[str, Category]
    channels: dict[str, Category]
    prompts: dict[str, Category]
    statements: dict[str, Category]
    not_channels: tuple[str, ...]  # phrases holding a channel term that are no channel
    digest: str
    folder: Path

    @property
    def categories(self) -> list[str]:
        return list(self.objections)


def _strings(path: Path, where: str, value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ExtractError(E.E501, path=path, reason=f"{where} must be a list of non-empty strings")
    return tuple(v.strip() for v in value)


def _section(path: Path, doc: dict, key: str, required: bool = True) -> dict[str, Category]:
    raw = doc.get(key)
    if raw is None and not required:
        return {}
    if not isinstance(raw, dict) or not raw:
        raise ExtractError(E.E501, path=path, reason=f"'{key}' must map names to entries")
    out: dict[str, Category] = {}
    for name, entry in raw.items():
        if not isinstance(entry, dict):
            raise ExtractError(E.E501, path=path, reason=f"{key}.{name} must be a mapping")
        where = f"{key}.{name}"
        description = entry.get("description", "")
        if not isinstance(description, str):
            raise ExtractError(E.E501, path=path, reason=f"{where}.description must be text")
        out[str(name)] = Category(
            name=str(name),
            description=description.strip(),
            examples=_strings(path, f"{where}.examples", entry.get("examples")),
            patterns=_strings(path, f"{where}.patterns", entry.get("patterns")),
            terms=tuple(t.lower() for t in _strings(path, f"{where}.terms", entry.get("terms"))),
            entities=_strings(path, f"{where}.entities", entry.get("entities")),
        )
    return out


def _read(path: Path) -> tuple[dict, bytes]:
    if not path.is_file():
        raise ExtractError(E.E501, path=path, reason="file not found")
    data = path.read_bytes()
    try:
        doc = yaml.safe_load(data)
    except yaml.YAMLError as exc:
        raise ExtractError(E.E501, path=path, reason=f"not valid YAML: {exc}") from exc
    if not isinstance(doc, dict):
        raise ExtractError(E.E501, path=path, reason="top level must be a mapping")
    return doc, data


def load_taxonomy(folder: Path) -> Taxonomy:
    """Read and check the three vocabulary files. Raises ExtractError [E501] naming the file."""
    digest = hashlib.sha256()
    docs = {}
    for name in ("objections.yaml", "channels.yaml", "prompts.yaml"):
        docs[name], data = _read(folder / name)
        digest.update(name.encode() + b"\0" + data)
    objections = _section(folder / "objections.yaml", docs["objections.yaml"], "categories")
    for cat in objections.values():
        if not cat.examples:
            raise ExtractError(
                E.E501,
                path=folder / "objections.yaml",
                reason=f"category '{cat.name}' needs example phrasings",
            )
    return Taxonomy(
        objections=objections,
        not_objections=_section(
            folder / "objections.yaml", docs["objections.yaml"], "not_objections", required=False
        ),
        channels=_section(folder / "channels.yaml", docs["channels.yaml"], "channels"),
        prompts=_section(folder / "prompts.yaml", docs["prompts.yaml"], "prompts"),
        statements=_section(folder / "prompts.yaml", docs["prompts.yaml"], "statements"),
        not_channels=_strings(
            folder / "channels.yaml", "not_channels", docs["channels.yaml"].get("not_channels")
        ),
        digest=digest.hexdigest(),
        folder=folder,
    )
