import pytest
import spacy
import yaml

from callinsight.errors import ExtractError
from callinsight.extract.rules import CueMatcher, expand
from callinsight.extract.taxonomy import load_taxonomy


def test_expand_alternatives_optionals_gaps_and_joined_words():
    assert expand("(way) too expensive|pricey ... for us") == [
        ["way too expensive", "way too pricey", "too expensive", "too pricey"],
        ["for us"],
    ]
    assert expand("your case_study|guide") == [["your case study", "your guide"]]


@pytest.fixture(scope="module")
def matcher():
    nlp = spacy.blank("en")
    return nlp, CueMatcher(
        nlp,
        {
            "cues": {
                "price": ["can't afford", "out_of|over ... budget"],
                "authority": ["sign off|sign-off"],
            },
            "other_cues": {"price": ["budget"]},
        },
    )


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("We can't afford it.", "price"),
        ("We can’t afford it.", "price"),  # typographic apostrophe
        ("we cannot afford that", "price"),
        ("That's way over our annual budget.", "price"),  # gap of up to four words
        ("The CFO has to SIGN OFF first.", "authority"),
    ],
)
def test_cues_match_on_norms(matcher, text, label):
    nlp, cues = matcher
    doc = cues(nlp.make_doc(text))
    assert [s.label_ for s in doc.spans["cues"]] == [label]


def test_each_group_keeps_its_own_spans(matcher):
    nlp, cues = matcher
    doc = cues(nlp.make_doc("That's way over our annual budget."))
    assert [(s.text, s.label_) for s in doc.spans["cues"]] == [("over our annual budget", "price")]
    assert [(s.text, s.label_) for s in doc.spans["other_cues"]] == [("budget", "price")]
    # A group with no spans is not written: five empty groups per sentence cost more than
    # the matching.
    assert "other_cues" not in cues(nlp.make_doc("Fine.")).spans


def _patterns(node, path=""):
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _patterns(value, f"{path}/{key}")
    elif isinstance(node, list) and path.endswith(("/patterns", "/terms")):
        for pattern in node:
            yield path, pattern


def test_shipped_patterns_do_not_repeat_a_word_inside_an_alternative(taxonomy_dir):
    """ "your billboard|your_ad" means "your billboard" or "your your ad": words bind tighter
    than "|", so an alternative repeating a word before it in its segment is a mistake."""
    mistakes = []
    for path in sorted(taxonomy_dir.glob("*.yaml")):
        for where, pattern in _patterns(yaml.safe_load(path.read_text(encoding="utf-8"))):
            before: set[str] = set()
            for slot in pattern.split():
                if slot == "...":
                    before = set()
                    continue
                options = slot.strip("()").split("|")
                if any("_" in o and o.split("_")[0] in before for o in options):
                    mistakes.append(f"{path.name}{where}: {pattern}")
                before |= {o.split("_")[0] for o in options}
    assert mistakes == []


def test_gap_longer_than_four_words_does_not_match(matcher):
    nlp, cues = matcher
    doc = cues(nlp.make_doc("over the next three long quarters our budget"))
    assert list(doc.spans.get("cues", [])) == []


def test_default_taxonomy_loads(taxonomy_dir):
    t = load_taxonomy(taxonomy_dir)
    assert t.categories == [
        "price", "timing", "competitor", "integration", "security",
        "authority", "need", "trust", "contract", "resources",
    ]  # fmt: skip
    assert {"search", "podcast", "ai_assistant", "other"} <= set(t.channels)
    assert set(t.prompts) == {"attribution", "research", "opinion"}


def _copy(src, dst):
    dst.mkdir()
    for p in src.iterdir():
        (dst / p.name).write_bytes(p.read_bytes())
    return dst


def test_broken_taxonomy_is_a_clear_error(taxonomy_dir, tmp_path):
    folder = _copy(taxonomy_dir, tmp_path / "tax")
    (folder / "objections.yaml").write_text("categories: [price, timing")
    with pytest.raises(ExtractError) as err:
        load_taxonomy(folder)
    assert err.value.code == "E501"
    assert "objections.yaml" in err.value.message


def test_category_without_examples_is_refused(taxonomy_dir, tmp_path):
    folder = _copy(taxonomy_dir, tmp_path / "tax")
    (folder / "objections.yaml").write_text(
        "categories:\n  price:\n    description: cost\n    patterns: ['too expensive']\n"
    )
    with pytest.raises(ExtractError, match=r"\[E501\].*'price' needs example phrasings"):
        load_taxonomy(folder)
