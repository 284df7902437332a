"""The NER pipeline: the bundled small English model, with only what entities need."""

from callinsight import load_settings
from callinsight.extract.language import entity_pipeline


def test_ner_runs_alone_and_still_finds_names():
    nlp = entity_pipeline(load_settings().spacy_model)
    # The model's NER carries its own tok2vec: the shared one (for the tagger and parser)
    # would only double the cost.
    assert nlp.pipe_names == ["ner"]
    assert not nlp.get_pipe("ner").model.ops.use_blis  # numpy's BLAS: see entity_pipeline
    doc = nlp("Dana Whitfield at Copperline Logistics told me about you in Chicago.")
    labels = {e.text: e.label_ for e in doc.ents}
    assert labels.get("Dana Whitfield") == "PERSON"
    assert labels.get("Chicago") == "GPE"
