"""Quotation marks and simple attribution outside English typography."""

from __future__ import annotations

import pytest

from reader.core.quotes import extract


def texts(text: str) -> list[str]:
    return [q.text for q in extract(text)]


# -- German / Polish: „…“ and „…” (“ closes here, though it opens in English) --------


def test_german_low_high_marks() -> None:
    q = extract("„Wir schaffen das nicht mehr“, sagte Müller am Montag.")[0]
    assert (q.text, q.speaker, q.cue) == ("Wir schaffen das nicht mehr", "Müller", "sagte")


def test_german_colon_lead() -> None:
    q = extract("Müller sagte: „Wir haben keine andere Wahl.“")[0]
    assert (q.text, q.speaker) == ("Wir haben keine andere Wahl.", "Müller")


def test_polish_low_and_right_double() -> None:
    assert texts("Kowalski powiedział: „Nie damy rady tego zrobić”. Potem wyszedł.") == [
        "Nie damy rady tego zrobić"
    ]


def test_german_nested_single_marks() -> None:
    assert texts("Er rief „Sie sagte ‚nein‘ und ging“ laut.") == ["Sie sagte ‚nein‘ und ging"]


def test_german_apostrophe_is_not_a_mark() -> None:
    assert texts("Wie geht’s? „Gut geht’s mir heute“, sagte Anna.") == ["Gut geht’s mir heute"]


# -- French: «…» with or without inner spaces ----------------------------------------


def test_french_spaced_guillemets() -> None:
    q = extract("« Nous allons gagner cette bataille », a déclaré Emmanuel Macron.")[0]
    assert (q.text, q.speaker, q.cue) == (
        "Nous allons gagner cette bataille",
        "Emmanuel Macron",
        "a déclaré",
    )


def test_french_narrow_nbsp_guillemets() -> None:
    assert texts("Il a dit «\u202fc’est fini\u202f» hier soir.") == ["c’est fini"]


def test_french_selon() -> None:
    q = extract("Selon Marie Dupont, « la réforme est morte et enterrée ».")[0]
    assert q.speaker == "Marie Dupont"


# -- Russian: «…» with „…“ nested, the dash after the quotation ----------------------


def test_russian_dash_attribution() -> None:
    q = extract("«Мы не отступим ни на шаг», — заявил Путин.")[0]
    assert (q.text, q.speaker, q.cue) == ("Мы не отступим ни на шаг", "Путин", "заявил")


def test_russian_nested_low_marks() -> None:
    q = extract("«Он сказал „нет“ и ушёл прочь», — добавила Анна.")[0]
    assert (q.text, q.speaker) == ("Он сказал „нет“ и ушёл прочь", "Анна")


def test_russian_according_to() -> None:
    q = extract("По словам Ивана Петрова, «всё уже решено заранее».")[0]
    assert q.speaker == "Ивана Петрова"


# -- Danish, Swedish, CJK ------------------------------------------------------------


def test_danish_reversed_guillemets() -> None:
    assert texts("Hun sagde »det er helt umuligt at vinde« i går.") == [
        "det er helt umuligt at vinde"
    ]


def test_french_closing_guillemet_is_not_a_danish_opener() -> None:
    assert texts("« un » et « deux »") == ["un", "deux"]


def test_swedish_right_double_marks() -> None:
    assert texts("Han sa ”vi kommer aldrig att ge upp” igår.") == ["vi kommer aldrig att ge upp"]


@pytest.mark.parametrize(
    ("text", "inner"),
    [
        ("彼は「絶対に諦めない」と言った。", "絶対に諦めない"),
        ("『長い引用の中の言葉です』", "長い引用の中の言葉です"),
    ],
)
def test_cjk_corner_brackets(text: str, inner: str) -> None:
    assert texts(text) == [inner]


def test_unclosed_guillemet_stays_in_paragraph() -> None:
    found = texts("Il a dit « jamais plus.\n\nUn autre paragraphe, « fermé » ici.")
    assert found == ["jamais plus.", "fermé"]
