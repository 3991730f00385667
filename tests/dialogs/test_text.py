"""Normalisation: inflected, compounded, misspelt and diacritic-free words meet the registry's."""

import pytest

from services.text import Analyzer, carries_no_role_information, fold, stem

REGISTRY_TEXTS = [
    "Håller expertgruppens medlemsregister uppdaterat.",
    "Bokar möteslokaler och lokal till träffar.",
    "Ansvarar för gruppens budget.",
    "Ordförande",
    "Sekreterare",
    "Logistik",
]


@pytest.fixture(scope="module")
def analyzer():
    analyzer = Analyzer(REGISTRY_TEXTS)
    vocabulary = {}
    for text in REGISTRY_TEXTS:
        for terms in analyzer.index_words(text, "sv"):
            for term in terms:
                vocabulary[term] = frozenset({"sv"})
    analyzer.set_vocabulary(vocabulary)
    return analyzer


def terms_of(analyzer, word):
    (analysed,) = analyzer.query_words(word, "sv")
    return {t for reading in analysed.readings for t in reading.terms}


def test_folding_lets_members_type_without_swedish_letters():
    assert fold("Ordförande på Måltider") == "ordforande pa maltider"
    assert stem("ordforande", "sv") == stem("ordförande", "sv")


@pytest.mark.parametrize(
    ("inflected", "base"),
    [
        ("mötena", "möte"),
        ("protokollet", "protokoll"),
        ("medlemmarna", "medlem"),
        ("agendan", "agenda"),
        ("budgeten", "budget"),
        ("styrelsens", "styrelse"),
    ],
)
def test_swedish_inflections_meet_their_base_form(inflected, base):
    assert stem(inflected, "sv") == stem(base, "sv")


@pytest.mark.parametrize(
    "word",
    [
        "vem",
        "Vem",
        "ansvarar",
        "ansvarig",
        "kontakta",
        "who",
        "responsible",
        "contact",
        "the",
        "och",
    ],
)
def test_asking_words_carry_no_role_information(word):
    assert carries_no_role_information(word)


@pytest.mark.parametrize("word", ["budget", "sekreterare", "lokal", "minutes", "chair"])
def test_content_words_carry_role_information(word):
    assert not carries_no_role_information(word)


def test_a_compound_in_the_question_meets_the_registry_compound(analyzer):
    (register,) = [t for t in terms_of(analyzer, "medlemsregister")]
    assert register in terms_of(analyzer, "medlemsregistret")


@pytest.mark.parametrize(
    ("compound", "part"),
    [("budgetansvarig", "budget"), ("lokalen", "lokal"), ("träfflokalen", "lokal"),
     # A role's title before "rollen": "vem har sekreterarrollen?".
     ("sekreterarrollen", "sekreterare"), ("ordföranderollen", "ordförande")],
)
def test_compounds_and_inflections_reach_registry_words(analyzer, compound, part):
    assert terms_of(analyzer, part) <= terms_of(analyzer, compound)


def test_budgetansvarig_means_budget_and_nothing_about_responsibility(analyzer):
    assert terms_of(analyzer, "budgetansvarig") == terms_of(analyzer, "budget")


def test_a_group_name_inside_a_compound_is_found(analyzer):
    (word,) = analyzer.query_words("logistikgruppen")
    assert stem("logistik", "sv") in word.names


@pytest.mark.parametrize(
    ("typo", "meant"),
    [("ordförnade", "ordförande"), ("sekretrare", "sekreterare"), ("budjet", "budget"),
     # Two letters swapped before an inflection the stemmer then cuts otherwise.
     ("budegten", "budgeten")],
)
def test_typos_close_to_a_registry_word_read_as_that_word(analyzer, typo, meant):
    assert terms_of(analyzer, typo) == terms_of(analyzer, meant)


@pytest.mark.parametrize(
    "word", ["vädret", "klockan", "helgen", "många", "weather", "lunchen", "bokstav", "pratar"]
)
def test_off_topic_words_do_not_become_registry_words(analyzer, word):
    assert terms_of(analyzer, word) == set()


@pytest.mark.parametrize(
    "text", ["Ordförande", "É", "logistikgruppen", "Å" * 40, "Ö" * 41, "ﬁnans", "x" * 5000, ""]
)
def test_folding_is_the_same_remembered_or_not(text):
    from services.text import _fold, _remembered_fold

    remembered = _remembered_fold.cache_info().currsize
    assert fold(text) == _fold(text) == fold(text)
    # Only words up to 40 characters are remembered, so long texts are not kept.
    assert _remembered_fold.cache_info().currsize <= remembered + (len(text) <= 40)


def test_words_that_ask_for_someone_are_marked(analyzer):
    words = analyzer.query_words("Vem ansvarar för budgeten? Who's the contact?", None)
    assert [w.surface for w in words if w.asks_for_someone] == ["vem", "ansvarar", "contact"]


@pytest.mark.parametrize(
    "text",
    ["Vem är Ordförande?", "WHO IS THE CHAIR?", "ﬁnans", "Ǆ", "İstanbul", "e\u0301", "ß",
     "Ångström Ωhm ½", "한국", "\u00a0x", "x" * 60, "ÅÄÖ åäö éü"],
)
def test_folding_is_lowercase_compatibility_decomposed_without_combining_marks(text):
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text.casefold())
    assert fold(text) == "".join(c for c in decomposed if not unicodedata.combining(c))


def test_a_plural_ending_is_not_split_off_as_a_word_of_its_own():
    # "ner" is a word of the registry ("skrivit ner"), but in "rekommendationer" it is only the
    # plural ending: split off, "vem skriver ner det vi säger?" found the role that recommends.
    analyzer = Analyzer(["Ger rekommendationer.", "Jag har skrivit ner vad som sades."])
    (recommendations,) = analyzer.index_words("rekommendationer", "sv")
    (down,) = analyzer.index_words("ner", "sv")
    assert set(down).isdisjoint(recommendations)
    assert stem("rekommendation", "sv") in recommendations
