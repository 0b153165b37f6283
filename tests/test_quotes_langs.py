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


# -- attribution cues in German, French and Russian -------------------------------


@pytest.mark.parametrize(
    ("text", "speaker", "cue"),
    [
        # German: postposed after the comma, preposed with a colon, “so X”, separable verbs
        (
            "„Das Brot ist gut, weil wir Zeit haben“, sagte Becker dem Lokalradio.",
            "Becker",
            "sagte",
        ),
        ("„Das Brot ist gut“, erklärte Anna Becker.", "Anna Becker", "erklärte"),
        ("„Das Brot ist gut“, betonte Becker.", "Becker", "betonte"),
        ("„Das Brot ist gut“, meinte die Bäckerin.", "die Bäckerin", "meinte"),
        ("„Das Brot ist gut“, fügte Becker hinzu.", "Becker", "fügte"),
        ("„Das Brot ist gut“, so Becker.", "Becker", "so"),
        ("Becker sagte: „Das Brot ist gut.“", "Becker", "sagte"),
        ("Anna Becker erklärte: „Das Brot ist gut.“", "Anna Becker", "erklärte"),
        ("Laut Becker ist „das Brot heute wieder gut“.", "Becker", "Laut"),
        # French: « … », a déclaré X / dit-il; X a déclaré : « … »; selon X
        ("« Nous avons gagné », a déclaré Marie Dubois.", "Marie Dubois", "a déclaré"),
        ("« Nous avons gagné », a dit Marie Dubois.", "Marie Dubois", "a dit"),
        ("« Nous avons gagné », a affirmé Marie Dubois à la presse.", "Marie Dubois", "a affirmé"),
        ("« Nous avons gagné », a ajouté le maire.", "le maire", "a ajouté"),
        ("Marie Dubois a déclaré : « Nous avons gagné ce soir. »", "Marie Dubois", "a déclaré"),
        ("Marie Dubois a dit : « Nous avons gagné ce soir. »", "Marie Dubois", "a dit"),
        ("« Nous avons gagné », selon Marie Dubois.", "Marie Dubois", "selon"),
        # Russian: «…», — сказал X; X заявил: «…»; по словам X
        (
            "«Мост будет готов к Новому году, даже если нам придётся работать по выходным», "
            "— сказал Соколов журналистам.",
            "Соколов",
            "сказал",
        ),
        ("«Мост будет готов», — заявила Соколова.", "Соколова", "заявила"),
        ("«Мост будет готов», — отметил Соколов.", "Соколов", "отметил"),
        ("«Мост будет готов», — добавила Соколова.", "Соколова", "добавила"),
        ("«Мост будет готов», — подчеркнул мэр Соколов.", "Соколов", "подчеркнул"),
        ("«Мост будет готов», — пояснила Соколова.", "Соколова", "пояснила"),
        ("«Мост будет готов», сказал Соколов.", "Соколов", "сказал"),
        ("Соколов заявил: «Мост будет готов к зиме».", "Соколов", "заявил"),
        ("Анна Соколова заявила: «Мост будет готов».", "Анна Соколова", "заявила"),
    ],
)
def test_foreign_cues(text: str, speaker: str, cue: str) -> None:
    found = extract(text)
    assert len(found) == 1, found
    assert (found[0].speaker, found[0].cue, found[0].confidence) == (speaker, cue, "high")


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ("Pierre Martin a parlé. « C’est le meilleur pain du quartier », dit-il.", "Pierre Martin"),
        ("Marie Dubois a parlé. « C’est le meilleur pain », a-t-elle ajouté.", "Marie Dubois"),
        ("Anna Becker kam spät. „Das Brot ist gut“, sagte sie.", "Anna Becker"),
        ("Анна Соколова пришла первой. «Мост будет готов», — сказала она.", "Анна Соколова"),
    ],
)
def test_foreign_pronoun_after_the_verb_is_resolved(text: str, speaker: str) -> None:
    (q,) = extract(text)
    assert q.speaker == speaker and q.confidence == "high"
    assert text[q.speaker_start : q.speaker_end] in ("il", "elle", "sie", "она")


def test_french_pronoun_takes_the_fitting_gender() -> None:
    text = "Mme Dubois et M. Martin sont venus. « C’est le meilleur pain », dit-il."
    assert extract(text)[0].speaker == "M. Martin"


def test_russian_surname_ending_gives_gender() -> None:
    text = "Иван Петров и Анна Соколова приехали. «Мост будет готов», — сказал он."
    assert extract(text)[0].speaker == "Иван Петров"
    text = "Анна Соколова и Иван Петров приехали. «Мост будет готов», — сказала она."
    assert extract(text)[0].speaker == "Анна Соколова"


def test_english_pronoun_in_a_french_sample() -> None:
    text = "Sophie Martin bakes. « C’est le meilleur pain du quartier, et il le sait », she said"
    (q,) = extract(text)
    assert (q.text, q.speaker) == (
        "C’est le meilleur pain du quartier, et il le sait",
        "Sophie Martin",
    )
