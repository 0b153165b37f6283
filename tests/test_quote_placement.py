"""Speaker-label placement and the sentence around a quote (pure engine functions)."""

from __future__ import annotations

from reader.core.quotes import Quote, extract
from reader.core.quotes.placement import speaker_labels
from reader.core.quotes.sentence import sentence_around

TEXT = (
    "Treasurer Paul Whitcombe warned of a gap in the budget. He added: “We will be back here "
    "in the spring, with the same numbers.”\n\n"
    "“The ferry is not a luxury, it is how our nurses get home,” said Ines Okafor."
)


def test_label_goes_after_the_paragraph_never_inside_it() -> None:
    quotes = extract(TEXT)
    labels = speaker_labels(TEXT, quotes)
    assert len(labels) == 1
    label = labels[0]
    first_para_end = TEXT.index("\n\n")
    assert label.at == first_para_end
    assert label.text == "— Treasurer Paul Whitcombe"
    # Okafor is named by the cue right there: no label repeats her.
    assert all("Okafor" not in lab.text for lab in labels)


def test_low_confidence_and_partial_speakers_get_no_label() -> None:
    text = "He spoke. “We will win this one easily,” he said.\n\nNext."
    low = Quote(11, 40, text[11:40], "quote", "Jane Doe", None, "low", 0, 2)
    partial = Quote(11, 40, text[11:40], "partial", "Jane Doe", "said", "high", 43, 45)
    high = Quote(11, 40, text[11:40], "quote", "Jane Doe", "said", "high", 43, 45)
    assert speaker_labels(text, [low]) == []
    assert speaker_labels(text, [partial]) == []
    [label] = speaker_labels(text, [high])
    assert label.at == text.index("\n\n") and label.quotes == (0,)


def test_one_label_per_paragraph_lists_each_speaker_once() -> None:
    text = "“One two three four,” he said. “Five six seven eight,” she said.\n\nEnd."
    quotes = [
        Quote(1, 20, text[1:20], "quote", "Al Bo", "said", "high", 22, 24),
        Quote(32, 51, text[32:51], "quote", "Cy Di", "said", "high", 53, 56),
        Quote(32, 51, text[32:51], "quote", "Al Bo", "said", "high", 53, 56),
    ]
    [label] = speaker_labels(text, quotes)
    assert label.speakers == ("Al Bo", "Cy Di") and label.quotes == (0, 1, 2)


def test_sentence_around_skips_abbreviations_and_stops_at_the_quote() -> None:
    text = (
        'Mr. Smith went home. The U.S. team, said Dr. Jones, was "not ready at all. Sorry." '
        "She left."
    )
    [quote] = extract(text)
    assert sentence_around(text, quote.start, quote.end) == (
        'The U.S. team, said Dr. Jones, was "not ready at all. Sorry."'
    )
    assert sentence_around("", 0, 0) == ""


def test_sentence_around_keeps_the_cue_after_the_quote() -> None:
    text = "First one. “We will be back here in the spring,” he added. Then more."
    [quote] = extract(text)
    assert sentence_around(text, quote.start, quote.end) == (
        "“We will be back here in the spring,” he added."
    )


def test_find_quote_again_and_its_marks() -> None:
    from reader.core.quotes.locate import find_quote, marks_around

    text = "Intro.\n\n« Nous garderons le bac », a dit le maire. Then “we will see it\nsoon”."
    quotes = extract(text)
    index, offset = find_quote(text, quotes, quotes[0].text)
    assert index == 0 and offset is None
    index, offset = find_quote(text, quotes, "will see it soon")  # whitespace forgiven
    assert index is None and offset == text.index("will see")
    assert find_quote(text, quotes, "never written here") == (None, None)
    q = quotes[0]
    assert marks_around(text, q.start, q.end) == ("«", "»")
    assert marks_around("plain words here", 6, 11) == ("“", "”")
