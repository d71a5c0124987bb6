"""Folded words: the same in Norwegian and Swedish, upper or lower case, on every database."""

from losen.lib.search import fold, words


def test_fold_writes_norwegian_and_swedish_letters_alike_in_lower_case():
    assert fold("Østfold") == fold("östfold") == "ostfold"
    assert fold("Særskilt ÄR") == "sarskilt ar"
    assert fold("Å gå") == "a ga"


def test_fold_drops_other_accents_and_punctuation_and_keeps_one_space():
    assert fold("  Café – «Klart  jeg kan»!\n") == "cafe klart jeg kan"


def test_words_are_folded_and_each_kept_once_in_the_order_typed():
    assert words("Klart  KLART jeg, kan") == ["klart", "jeg", "kan"]
    assert words("  ") == []
