"""The bilingual glossary read against English questions (no model needed)."""
from index.glossary import glossary


def test_an_english_word_is_found_in_the_singular_and_the_plural():
    terms = glossary()
    assert [e.vietnamese for e in terms.in_english("the solution groups")] == ["giải pháp"]
    assert "trách nhiệm, nhiệm vụ" in [e.vietnamese for e in terms.in_english("the duty of the finance dept")]
    assert [e.vietnamese for e in terms.in_english("press")] == ["phóng viên báo chí"]  # not "pres" + s


def test_english_names_shortened_or_spaced_differently_are_found():
    terms = glossary()
    found = [e.vietnamese for e in terms.in_english("what does the VN - Korea friendship assoc do?")]
    assert "Hội Hữu nghị Việt Nam - Hàn Quốc" in found
