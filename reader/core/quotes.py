"""Find direct quotations in article text and say who spoke them.

Pure Python (stdlib ``re`` only) so it runs in the engine, the CLI, tests and
benchmarks alike. Two passes:

1. *Marks*: pair quotation marks across many typographic conventions (English,
   German/Polish, French/Russian, Danish, Swedish, CJK, straight ASCII) while
   never mistaking an apostrophe for a mark and never letting an unclosed mark
   run past its paragraph.
2. *Attribution*: look at the sentence around each quotation (with the text of
   every quotation masked out, so words *inside* quotes never act as cues) for
   a speech cue and the noun phrase it attaches to.

Measured with ``python bench/eval_quotes.py`` against PolNeAr annotations.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

__all__ = ["Quote", "extract"]


@dataclass(frozen=True, slots=True)
class Quote:
    """One quotation.

    ``speaker`` is the resolved name (pronouns and descriptions like "the
    Belarusian dictator" are replaced by the fitting name written before them);
    ``speaker_start``/``speaker_end`` locate the *mention* the cue attaches to,
    as written (so they may point at "he" while ``speaker`` says "Jane Doe").
    ``confidence`` is "high" when a cue in the quotation's own sentence names the
    speaker, "low" when the speaker is inherited from an earlier quotation of the
    paragraph or when nobody is named.
    """

    start: int
    end: int
    text: str
    kind: str
    speaker: str | None
    cue: str | None
    confidence: str
    speaker_start: int | None = None
    speaker_end: int | None = None


# ---------------------------------------------------------------------------
# Pass 1: quotation marks
# ---------------------------------------------------------------------------

#: Which closing marks end a quotation opened by each mark. “ closes „ (German)
#: but opens in English; » opens in Danish but closes in French.
_CLOSERS: dict[str, str] = {
    "“": '”"',  # mixed “…" is a common typo
    "„": "“”",
    "«": "»",
    "»": "«",
    "”": "”",
    "‘": "’",
    "‚": "‘’",
    "「": "」",
    "『": "』",
    '"': '"”',
    "'": "'",
}
_MARK_RE = re.compile("[“”„«»‘’‚「」『』\"']")
#: Marks whose unclosed use is too ambiguous (apostrophes, inches) to keep.
_WEAK = "'\"‘‚"
_SPACE = " \t\u00a0\u202f\u2009"
_OPEN_BEFORE = "([{—–-/:;,“”„«»‘‚「『\"' \t\n\u00a0\u202f\u2009\u2060"
#: Doubled apostrophes or backticks (''…'', ``…'') stand for a double mark; they are
#: rewritten as WORD JOINER + '"' so offsets stay the same.
_JOINER = "\u2060"
_DOUBLED = re.compile("''|``")
_MAX_PARAGRAPHS = 12  # a multi-paragraph quotation may continue this far
_MAX_QUOTE = 4000  # characters within one paragraph
_MAX_DEPTH = 4
_MAX_MARKS = 64  # marks one quotation may contain (nested pairs count once)


def _is_letter(ch: str) -> bool:
    return ch.isalpha()


def _can_open(text: str, i: int) -> bool:
    """Decide from the neighbours whether the mark at ``i`` may open a quotation."""
    mark = text[i]
    prev = text[i - 1] if i else " "
    nxt = text[i + 1] if i + 1 < len(text) else " "
    if nxt in "\n" or (nxt in _SPACE and mark not in "«„"):
        return False  # an opener hugs what follows (French « x » excepted)
    if mark in "“„«「『":
        return True
    if mark in "»”":  # Danish »x«, Swedish ”x”: only at a word start
        return prev in _OPEN_BEFORE and (nxt.isalnum() or nxt in "„‚‘'\"")
    if mark in "‘'":  # never the apostrophe of it’s, ’90s, rock 'n' roll
        return prev in _OPEN_BEFORE and prev not in "'‘" and _is_letter(nxt)
    if mark == "‚":
        return prev in _OPEN_BEFORE
    if mark == '"':
        return prev in _OPEN_BEFORE
    return False


def _can_close(text: str, i: int, opener: str) -> bool:
    """Decide whether the mark at ``i`` closes a quotation opened by ``opener``."""
    mark = text[i]
    prev = text[i - 1]
    nxt = text[i + 1] if i + 1 < len(text) else " "
    if mark not in _CLOSERS[opener]:
        return False
    if prev in _SPACE and opener not in "«»":  # French « x » has inner spaces
        return opener in '”"' and not (nxt.isalnum())
    if mark in "’'‘":  # it’s, can’t: a letter after means apostrophe
        return not _is_letter(nxt)
    return True


def _match(
    text: str, i: int, limit: int, memo: dict[int, int | None] | None = None, depth: int = 0
) -> int | None:
    """Index of the mark closing the one at ``i`` before ``limit``; nested pairs are skipped.

    Depth, length and the marks looked at are capped and inner results memoised,
    so hostile text (a paragraph of ten thousand “ marks) stays linear.
    """
    memo = {} if memo is None else memo
    if i in memo:
        return memo[i]
    memo[i] = None  # also guards against re-entry
    if depth > _MAX_DEPTH:
        return None
    opener = text[i]
    limit = min(limit, i + _MAX_QUOTE)
    pos = i + 1
    for _ in range(_MAX_MARKS):
        m = _MARK_RE.search(text, pos, limit)
        if m is None:
            return None
        k = m.start()
        if _can_close(text, k, opener):
            memo[i] = k
            return k
        ch = text[k]
        symmetric = ch in _CLOSERS[opener] and ch == opener
        if not symmetric and ch not in "'’" and _can_open(text, k):
            inner = _match(text, k, limit, memo, depth + 1)
            if inner is not None:
                pos = inner + 1
                continue
        elif symmetric and _can_open(text, k) and text[k - 1] in _SPACE:
            return None  # a fresh opener of the same kind: ours was never closed
        pos = k + 1
    return None


def _paragraphs(text: str) -> list[tuple[int, int]]:
    """Paragraph spans: blank-line separated blocks (a single newline does not end one)."""
    spans = []
    pos = 0
    for m in re.finditer(r"\n[ \t]*\n\s*", text):
        spans.append((pos, m.start()))
        pos = m.end()
    spans.append((pos, len(text)))
    return [(a, b) for a, b in spans if b > a]


def _continuation(text: str, paras: list[tuple[int, int]], p: int, i: int) -> int | None:
    """Close of a quotation that runs over paragraphs: each next one reopens with the mark."""
    opener = text[i]
    for q in range(p + 1, min(p + _MAX_PARAGRAPHS, len(paras))):
        start, stop = paras[q]
        if text[start] != opener or not _can_open(text, start):
            return None
        close = _match(text, start, stop)
        if close is not None:
            return close
    return None


def _trim(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and (text[a].isspace() or text[a] == _JOINER):
        a += 1
    while b > a and (text[b - 1].isspace() or text[b - 1] == _JOINER):
        b -= 1
    return a, b


def _find_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of top-level quotations, inner whitespace trimmed."""
    spans: list[tuple[int, int]] = []
    paras = _paragraphs(text)
    p = 0
    pos = 0
    while p < len(paras):
        start, stop = paras[p]
        pos = max(pos, start)
        m = _MARK_RE.search(text, pos, stop)
        if m is None:
            p += 1
            continue
        i = m.start()
        if not _can_open(text, i):
            pos = i + 1
            continue
        close = _match(text, i, stop)
        if close is None:
            close = _continuation(text, paras, p, i)
        if close is None:
            if text[i] in _WEAK:
                pos = i + 1
                continue
            close = min(stop, i + _MAX_QUOTE)  # unclosed: bounded by its paragraph
        a, b = _trim(text, i + 1, close)
        if any(ch.isalnum() for ch in text[a:b]):
            spans.append((a, b))
        pos = close + 1
        while p < len(paras) and paras[p][1] < pos:
            p += 1
    return spans


# ---------------------------------------------------------------------------
# Pass 2: attribution vocabulary
# ---------------------------------------------------------------------------


def _words(spaced: str) -> frozenset[str]:
    """Word lists are kept as prose so they stay readable and easy to extend."""
    return frozenset(spaced.split())


def _forms(base: str) -> list[str]:
    """Inflections of a regular English verb (say → says, said, saying is special-cased)."""
    if base.endswith("e"):
        return [base, base + "s", base + "d", base[:-1] + "ing"]
    if base.endswith("y") and base[-2] not in "aeiou":
        return [base, base[:-1] + "ies", base[:-1] + "ied", base + "ing"]
    if base.endswith(("s", "sh", "ch", "x", "z")):
        return [base, base + "es", base + "ed", base + "ing"]
    return [base, base + "s", base + "ed", base + "ing"]


_IRREGULAR = {
    "say": ["say", "says", "said", "saying"],
    "tell": ["tell", "tells", "told", "telling"],
    "write": ["write", "writes", "wrote", "written", "writing"],
    "admit": ["admit", "admits", "admitted", "admitting"],
    "quip": ["quip", "quips", "quipped", "quipping"],
    "put it": ["put it", "puts it", "putting it"],
    "think": ["think", "thinks", "thought"],
    "testify": ["testify", "testifies", "testified", "testifying"],
    "point out": ["point out", "points out", "pointed out", "pointing out"],
    "go on": ["went on", "goes on", "going on"],
    "read": ["reads"],  # “the letter reads”; bare “read” is mostly an imperative
}
_REGULAR = _words(
    """add stress warn claim deny insist reply explain ask note argue recall acknowledge
    declare announce state remark comment suggest assert contend concede complain
    respond observe predict promise vow urge boast conclude describe dismiss report
    shout yell chant whisper exclaim mention confirm emphasize emphasise reiterate
    maintain allege recount muse proclaim pledge scoff sneer lament counter retort
    believe agree disagree caution charge accuse criticize criticise praise tweet cite
    continue joke hint wonder estimate speculate demand plead call blast slam mock
    condemn decry denounce deride ridicule lambaste chide scold tout quip liken laud hail"""
)
#: Verbs whose bare form is more often a noun ("the state", "a note"): only inflected
#: forms count, and the bare form only right after a pronoun ("what they call").
_NOUNISH = _words(
    """claim note state remark comment promise vow report counter charge joke hint
    estimate demand plead call pledge lament retort boast tweet blast slam mock praise
    ridicule quip"""
)
#: Nouns that carry someone's words: “Trump’s claim that …” makes Trump the speaker.
_SPEECH_NOUNS = (
    r"(?:claims?|statements?|comments?|remarks?|words|assertions?|descriptions?|"
    r"warnings?|promises?|pledges?|tweets?|accusations?|arguments?|suggestions?|"
    r"insistence|contention|boasts?|vows?|assessments?|predictions?|characterization|"
    r"references?|response|reply|answer|testimony|explanation|admission|denial|call)"
)


#: Cues in the languages whose marks we read, for `„…“, sagte X`, `« … », a déclaré X`,
#: `«…», — сказал X` and the preposed `X sagte: „…“` / `X a déclaré : « … »`.
_FOREIGN = _words(
    """sagte sagten sagt erklärte erklärten erklärt betonte betonten betont meinte meinten
    meint schrieb schreibt warnte warnt fügte ergänzte ergänzt kritisierte berichtete
    dit déclaré affirmé expliqué ajouté souligné estimé écrit indiqué précisé assuré
    confié lancé répondu raconté insisté martelé reconnu
    déclare affirme explique ajoute souligne estime indique précise assure raconte
    сказал сказала сказали заявил заявила заявили отметил отметила отметили добавил
    добавила добавили говорит говорил говорила написал написала подчеркнул подчеркнула
    подчеркнули пояснил пояснила пояснили сообщил сообщила сообщили рассказал рассказала
    ответил ответила признал признала уточнил уточнила считает"""
)
#: French past tenses take “a”: « … », a déclaré X; X a dit : « … ».
_FRENCH_PAST = frozenset(
    f for f in _FOREIGN if f.endswith(("é", "it")) and not f.startswith(("déclare", "écrit"))
) | {"écrit"}
_ACCORDING = r"(?:[Aa]ccording\s+to|[Ss]elon|[Ll]aut|[Пп]о\s+словам)"
#: Subject pronouns of those languages, with the English pronoun they resolve like.
_FOREIGN_PRON = {
    "il": "he",
    "elle": "she",
    "er": "he",
    "sie": "she",
    "он": "he",
    "она": "she",
    "ils": "they",
    "elles": "they",
    "они": "they",
}


def _verb_forms() -> tuple[list[str], list[str]]:
    """(forms that are always cues, bare nounish forms that need a pronoun before)."""
    forms = {f for forms in _IRREGULAR.values() for f in forms} | set(_FOREIGN)
    forms |= {"according to", "Selon", "selon", "laut", "Laut", "по словам", "По словам"}
    forms |= {"a " + f for f in _FRENCH_PAST}
    bare = []
    for base in _REGULAR:
        inflected = _forms(base)
        forms.update(inflected[1:] if base in _NOUNISH else inflected)
        if base in _NOUNISH:
            bare.append(base)
    return sorted(forms, key=len, reverse=True), bare


def _alt(words: list[str]) -> str:
    return "(?:" + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in words) + ")"


_VERB_FORMS, _BARE_NOUNISH = _verb_forms()
_NOUNISH_S = frozenset(_forms(b)[1] for b in _NOUNISH)
_VERB = _alt(_VERB_FORMS)
_PRON_VERB = rf"(?:(?<=\bthey )|(?<=\bwe )|(?<=\bI )|(?<=\byou )){_alt(_BARE_NOUNISH)}"

_UP = "A-ZÀ-ÖØ-ÞĀĂĄĆČĎĐĒĖĘĚĞĢĪĮİĶĹĻĽŁŃŅŇŌŐŒŔŘŚŞŠŢŤŪŮŰŲŹŻŽА-ЯЁΑ-Ω"
_TITLE = (
    r"(?:Mr|Mrs|Ms|Dr|Sen|Sens|Rep|Reps|Gov|Rev|Gen|Lt|Col|Capt|Prof|Sgt|Atty|Pres|Supt"
    r"|Cmdr|Adm|Maj|Hon|St|Jr|Sr)\."
)
#: Initials first (“Paul D. Ryan”, “G.K. Butterfield”), or the name would end at “D”.
_UPWORD = rf"(?:[{_UP}]\.(?:[{_UP}]\.)*(?=[ \t\u00a0])|[{_UP}][\w’'\-]*)"
_PARTICLE = r"(?:de|van|von|der|den|al|bin|da|del|la|le|du|di|dos|ibn|y)"
_NAME = (
    rf"(?:{_TITLE}\s+)*{_UPWORD}(?:[ \t\u00a0]+(?:{_TITLE}|{_UPWORD}|{_PARTICLE}(?=\s+[{_UP}])))*"
)
_PRON = r"(?:he|she|they|we|I|you|it|He|She|They|We|You|It|who|which)"
_DET = (
    r"(?:the|a|an|another|one|some|many|most|several|other|his|her|their|its|our|two|"
    r"three|four|both|all|these|those|The|A|An|Another|One|Some|Many|Most|Several|Other|"
    r"His|Her|Their|Its|Our|Two|Three|Both|All|These|Those)"
)
_NOT_NP = (
    r"(?!(?:that|which|who|and|but|or|to|when|as|if|because|he|she|they|it|was|were|is|"
    r"are|has|have|had|would|will|also|said|says)\b)"
)
_NPWORD = rf"{_NOT_NP}[\w’'\-.]+"
_DET_NP = rf"{_DET}\s+(?:{_NPWORD}\s+){{0,5}}?{_NPWORD}"
_PLURAL = (
    r"(?:sources|officials|critics|experts|analysts|aides|observers|supporters|"
    r"protesters|protestors|residents|witnesses|authorities|police|prosecutors|"
    r"lawmakers|investigators|voters|advisers|advisors|organizers|activists|"
    r"opponents|researchers|scientists|economists|leaders|people|officers|"
    r"democrats|republicans|reporters|doctors|spokesmen|historians|others|many|some)"
)
_NP = rf"(?:{_NAME}|{_DET_NP}|{_PLURAL}|{_PRON})"
#: “IMF chief economist Maury Obstfeld”, “Tulsa police Chief Chuck Jordan”.
_ROLE_NAME = rf"{_NAME}\s+(?:[a-z][\w\-]*\s+){{1,3}}{_NAME}"

#: Words that may stand between a subject and its verb: "he later said".
_FILLER = (
    r"(?:has|have|had|was|were|is|are|also|then|once|again|further|never|not|did|does|"
    r"do|would|will|could|might|may|even|only|first|herself|himself|themselves|been|"
    r"being|just|already|still|later|often|sometimes|always|usually|[a-z]+ly|last\s+\w+|"
    r"on\s+\w+day|\w+day)"
)
_CUE = (
    rf"(?<![\w’'\-])(?:(?P<quoted>quoted|quotes|quoting)\s+(?P<qnp>{_NP})\s+as\s+"
    rf"(?:saying|stating)"
    rf"|(?P<asq>(?:was|were|is|are|been|being)\s+quoted\s+as\s+(?:saying|stating))"
    rf"|(?P<poss>{_NAME}(?=[’']s\s)|(?<![\w’'])(?:his|her|their|His|Her|Their)(?=\s))"
    rf"(?:[’']s)?\s+(?:[a-z\-]+\s+){{0,2}}?{_SPEECH_NOUNS}"
    rf"|(?P<verb>{_VERB}|{_PRON_VERB}))(?![\w’'])"
)
_CUE_RE = re.compile(_CUE)
_CUE_PLAIN = re.sub(r"\(\?P<\w+>", "(?:", _CUE)
_AFTER_LEAD = r"[\s,;:—–\-]*"
#: What may follow a name before its verb: “Rep. Moore (D-Wis.)”, “Mr. Morgan of the
#: Sierra Club”, “Flynn, a top adviser,”.
_NP_TAIL = (
    rf"(?:\s*\([^)~\n]{{1,40}}\))?(?:\s+(?:of|from|at)\s+(?:the\s+)?{_NAME})?"
    r"(?:\s*,[^,.;~\n]{1,160},)?"
)
_AFTER_NP_CUE = re.compile(
    rf"{_AFTER_LEAD}(?P<np>{_ROLE_NAME}|{_NP}){_NP_TAIL}(?:\s+{_FILLER})*\s+"
    rf"(?P<cue>{_CUE_PLAIN})"
)
#: Subjects after a non-English verb: „…“, sagte er / meinte die Bäckerin; « … », a
#: ajouté le maire; «…», — сказала она.
_FOREIGN_NP = (
    r"(?:(?:le|la|les|der|die|das|den|dem)\s+|l[’'])[\w\-]+(?:\s+[a-zà-ÿß][\w\-]*)?"
    r"|il|elle|ils|elles|er|sie|он|она|они"
)
_AFTER_CUE_NP = re.compile(
    rf"{_AFTER_LEAD}(?P<cue>{_VERB})(?:\s+{_FILLER})?\s+(?P<np>{_NAME}|{_DET_NP}|{_PLURAL}|"
    rf"he|she|they|we|{_FOREIGN_NP})(?![\w’']){_NP_TAIL}"
)
#: « … », dit-il / a-t-elle ajouté: French puts the pronoun after the verb.
_AFTER_INVERT = re.compile(
    rf"{_AFTER_LEAD}(?:(?P<cue>{_VERB})-(?:t-)?(?P<np>il|elle|ils|elles|on)"
    rf"|a-t-(?P<np2>il|elle|ils|elles|on)\s+(?P<cue2>{_VERB}))(?![\w’'\-])"
)
#: „…“, so Becker. (German: “according to Becker”), closing the sentence.
_AFTER_SO = re.compile(rf"\s*,\s*(?P<cue>so)\s+(?P<np>{_NAME})\s*(?=$|[.;\n(])")
#: Lower-case words describing a person before the name: “retired Air Force general
#: Lloyd Newton”, “9/11 widow Terry Strada”, “panel Chairman Rep. Jason Chaffetz”.
_LOWROLE = (
    r"(?:(?!(?:and|but|or|nor|while|as|when|then|so|because|if|after|before|since|until|"
    r"though|although|said|says|told|according|in|at|from|to|into|across|of|for|on|with|"
    r"about|against|by|than|over|under|near|between|among|through|during|like|via|the|a|"
    r"an|his|her|their|its|our|my|your|this|that|these|those|who|which|it|he|she|they|we|"
    r"was|were|is|are|has|have|had|not|also|only|even|just)\b)[a-z0-9а-яё][\w/\-]*\s+){1,3}"
)
_AFTER_ROLE_CUE = re.compile(
    rf"{_AFTER_LEAD}(?:{_LOWROLE}(?:{_NAME}\s+{_LOWROLE})?(?P<np>{_NAME})|(?P<poss>{_NAME}[’']s(?:\s+[a-z][\w\-]*){{1,3}}?))"
    rf"{_NP_TAIL}(?:\s+{_FILLER})*\s+(?P<cue>{_VERB})(?![\w’'])"
)
_AFTER_CUE_ROLE = re.compile(
    rf"{_AFTER_LEAD}(?P<cue>{_VERB})\s+{_LOWROLE}(?:{_NAME}\s+{_LOWROLE})?(?P<np>{_NAME})"
    r"(?![\w’'])"
    rf"(?=\s*(?:$|[.,;(\n]|{_NP_TAIL}\s*(?:$|[.,;\n])))"
)
_AFTER_AS_PUT = re.compile(
    rf"{_AFTER_LEAD}as\s+(?P<np>{_NAME}|{_DET_NP}|{_PRON})\s+(?P<cue>put\s+it|puts\s+it)"
)
_AFTER_DASH = re.compile(rf"\s*(?P<cue>[―—–]+)\s*(?P<np>{_NAME})\s*(?=$|[.,;/\n(])")
_AFTER_OK = re.compile(
    rf"\s*(?:$|[.,;:(\n]|(?:in|on|at|during|after|before|to|via|from|of|in|last|this|"
    rf"yesterday|today|tonight|earlier|later|{_FILLER})\b)"
)
_ACCORDING_RE = re.compile(
    rf"(?P<cue>{_ACCORDING})\s+(?P<np>(?:[^,;:~\n.]|\.(?!\s))+?)(?=\s*(?:[,;:~\n]|\.\s|\.?$))"
)
_BY_RE = re.compile(rf"\s+by\s+(?P<np>{_NAME}|{_DET_NP}|{_PLURAL})")
_INVERTED = re.compile(rf"\s+(?P<np>{_NAME})\s*[,:]")
_COLON_LEAD = re.compile(rf"\s*(?P<np>{_NAME})\s*:\s*$")
#: “footage of Hillary Clinton asking, “…””: the named person does the speaking.
_SEEN_DOING = re.compile(
    rf"\b(?:of|showing|shows|showed|features|featuring|hear|heard|see|saw|watch|watched)\s+"
    rf"(?P<np>{_NAME})$"
)
_FILLER_TAIL = re.compile(rf"(?:^|\s+){_FILLER}\s*$")
_CONJ_TAIL = re.compile(r"(?:^|\s|,)(?:and|but|then|before|after|while|to)\s*$")
_PROGRESSIVE_TAIL = re.compile(r"(?:\s(?:is|are|was|were|been|be)|[’']s|[’']re)\s*$")
_END_PRON = re.compile(rf"(?<![\w’']){_PRON}\s*$")
_END_NAME = re.compile(rf"(?<![\w’'.])(?:(?:the|The)\s+)?{_NAME}\s*$")
_END_POSS = re.compile(rf"(?<![\w’'.]){_NAME}[’']s(?:\s+[a-z][\w\-]*){{1,3}}\s*$")
_END_DET = re.compile(rf"(?<![\w’']){_DET_NP}\s*$")
_END_PLURAL = re.compile(rf"(?<![\w’']){_PLURAL}\s*$", re.IGNORECASE)
_APPOSITIVE = re.compile(r",[^,~]{1,160},\s*$")
_RELATIVE = re.compile(r"(?:^|[\s,])(?P<rel>who|which|that)\s*$")
_NAME_RE = re.compile(rf"(?<![\w’'.]){_NAME}")
_ORG = re.compile(
    r"\b(?:University|School|College|Department|Committee|Party|House|Post|Times|News|"
    r"Network|Council|Association|Institute|Center|Centre|Foundation|Agency|Company|Inc|"
    r"Corp|Group|Senate|Congress|Church|Bank|Court|Ministry|Office|Commission|Union|"
    r"Journal|Press|Service|Board|Fund|Campaign|Club|Amendment|Act|States|Republic)\b"
)
_NAME_AFTER = re.compile(rf"\s+(?P<n>{_NAME})")
_NAME_APPOSED = re.compile(rf"(?P<n>{_NAME}),\s+(?:the|a|an)\s+(?:[\w’'\-]+\s+){{0,4}}$")
_PRON_ANY = re.compile(r"(?<![\w’'])(?:he|she|they|we|I|He|She|They|We)(?![\w])")
_LEAD_TRIM = re.compile(r"[\s“”„«»‘’‚「」『』\"'~\u2060]*")

_STOPCAPS = _words(
    """A An The But And Or So Yet If When While As After Before Since Although Though In On
    At Of For From To By With Without About Asked Still However Meanwhile Then This That
    These Those It He She They We I You His Her Their Its Our My Your Instead Speaking
    Later Earlier Last Next Monday Tuesday Wednesday Thursday Friday Saturday Sunday Once
    January February March April May June July August September October November
    December Photo Read Watch Also Now Even Because Despite During Until Under Over
    There Here What Who Why How Where Which Yes No Not One Two Following
    According Like Unlike Among Between Through Across Amid Against Following"""
)
_PREPS = _words(
    """in at from to into across of for on with about against by than over under near
    toward towards between among through during after before like via"""
)
_ABBREV = _words(
    """mr mrs ms dr sen rep gov rev gen lt col capt prof sgt st jr sr no vs inc co corp jan
    feb mar apr jun jul aug sep sept oct nov dec u.s a.m p.m e.g i.e etc ft mt"""
)
_FUNCTION = _words(
    """a an the of and or in on at to for with by from as is are be it its my our your
    his her their not no vs de la le el y und der die das et du des"""
)
_SENT_END = re.compile(r"[.!?]+[”\"’')\]]*\s+(?=[\"“‘'(\[]?[\w~])")
_ING = re.compile(r"\w+ing$")


# ---------------------------------------------------------------------------
# Pass 2: attribution
# ---------------------------------------------------------------------------


@dataclass(slots=True)
class _Attr:
    """A speaker mention found for one quotation (before pronoun resolution)."""

    start: int
    end: int
    cue: str
    adjacent: bool = False  # the cue touches the quote: “Yes,” he said


class _Article:
    """Per-article state: the masked text, sentence and name indexes."""

    def __init__(self, text: str, spans: list[tuple[int, int]]):
        self.text = text
        chars = list(text)
        for a, b in spans:
            for k in range(a, b):
                if chars[k] != "\n":
                    chars[k] = "~"
        self.masked = "".join(chars)
        self.paras = _paragraphs(text)
        self.para_starts = [a for a, _ in self.paras]
        self._names: list[tuple[int, int]] | None = None
        self._surnames: dict[str, list[tuple[int, str]]] | None = None
        self._gender: dict[str, dict[str, int]] | None = None

    def para_of(self, pos: int) -> tuple[int, int]:
        k = bisect.bisect_right(self.para_starts, pos) - 1
        return self.paras[max(k, 0)]

    def sentence_start(self, pos: int) -> int:
        """Start of the sentence holding ``pos``; quotations are masked so never split it."""
        lo = self.para_of(pos)[0]
        start = lo
        for m in _SENT_END.finditer(self.masked, max(lo, pos - 600), pos):
            if not self._abbrev_before(m.start()):
                start = m.end()
        return start

    def _abbrev_before(self, dot: int) -> bool:
        if self.masked[dot] != ".":
            return False
        m = re.search(r"([\w.]+)$", self.masked[max(0, dot - 12) : dot])
        if not m:
            return False
        word = m.group(1)
        return word.lower() in _ABBREV or (len(word) == 1 and word.isupper())

    def names(self) -> list[tuple[int, int]]:
        """Spans of capitalised names that could be people (for pronoun resolution)."""
        if self._names is None:
            found = []
            for m in _NAME_RE.finditer(self.masked):
                span = _strip_caps(self.masked, m.start(), m.end())
                if span and self.person_like(*span):
                    found.append(span)
            self._names = found
        return self._names

    def by_surname(self) -> dict[str, list[tuple[int, str]]]:
        """Name mentions grouped by their last word, in text order."""
        if self._surnames is None:
            self._surnames = {}
            for a, b in self.names():
                name = self.text[a:b]
                self._surnames.setdefault(name.split()[-1], []).append((a, name))
        return self._surnames

    def gender_votes(self) -> dict[str, dict[str, int]]:
        """Pronouns names take in “Smith said she …” / “Smith told reporters he …”,
        keyed by the name as written (relatives share a surname)."""
        if self._gender is None:
            self._gender = {}
            s = self.masked
            for m in _PRON_HE_SHE.finditer(s):
                verb = _SAID_BEFORE.search(s, max(0, m.start() - 30), m.start())
                if verb is None:
                    continue
                lo = max(0, verb.start() - 80)
                found = _END_NAME.search(_strip_fillers(s[lo : verb.start()]))
                span = found and _strip_caps(s, lo + found.start(), lo + found.end())
                if not span:
                    continue
                name = self.text[span[0] : span[1]].strip()
                seen = [c for at, c in self.by_surname().get(name, ()) if at < span[0]]
                fulls = {c for c in seen if " " in c and "\n" not in c}
                if " " not in name and len(fulls) == 1 and " " in seen[0]:
                    # “Brown” after “Tom Brown”; never one of two Trumps, nor the bare
                    # “Trump” of an article that names “Ivanka Trump” only later
                    name = fulls.pop()
                votes = self._gender.setdefault(name, {})
                g = m.group("p").lower()
                votes[g] = votes.get(g, 0) + 1
        return self._gender

    def person_like(self, a: int, b: int) -> bool:
        """Not the object of a preposition, a possessive, a (D-Mo.) tag or a SHOUTED line."""
        s = self.masked
        before = s[max(0, a - 12) : a].split()
        if before and before[-1].lower() in _PREPS:
            return False
        if s[a - 1 : a] in "(-/" and a > 0 or s[b : b + 2] in ("’s", "'s"):
            return False
        name = s[a:b]
        return not (name.isupper() and " " in name)


def _strip_caps(s: str, a: int, b: int) -> tuple[int, int] | None:
    """Drop sentence-initial function words (“But Trump” → “Trump”) and a possessive."""
    while a < b:
        m = re.match(r"[^\s]+", s[a:b])
        if not m or m.group(0) not in _STOPCAPS:
            break
        a += m.end()
        while a < b and s[a].isspace():
            a += 1
    if s[b - 2 : b] in ("’s", "'s"):
        b -= 2
    return (a, b) if b > a else None


def _strip_fillers(window: str) -> str:
    """Drop auxiliaries and adverbs before a verb: “Smith has repeatedly” → “Smith”."""
    while True:
        m = _FILLER_TAIL.search(window)
        if not m or m.start() == len(window):
            return window.rstrip()
        window = window[: m.start()]


def _np_at_end(art: _Article, lo: int, hi: int) -> tuple[int, int] | None:
    """The noun phrase that ends right before a verb at ``hi`` (its subject)."""
    raw = art.masked[max(lo, hi - 200) : hi]
    base = hi - len(raw)
    window = _strip_fillers(raw)
    if re.search(r"(?:he|she|they|it|He|She|They|It)[’']s$", window):
        window = window[:-2]  # “He’s claiming”
    m = _RELATIVE.search(window)
    if m:
        return base + m.start("rel"), base + m.end("rel")
    app = _APPOSITIVE.search(window)
    if app and not _END_PRON.search(window[: app.end()].rstrip(", ")):
        inner = re.fullmatch(rf",\s*({_NAME}),\s*", window[app.start() :])
        if inner:  # “The mayor, Jane Smith, said”: the name is more useful
            return base + app.start() + inner.start(1), base + app.start() + inner.end(1)
        found = _np_in(window[: app.start()], base)
        if found:
            return found
    return _np_in(window, base)


def _np_in(window: str, base: int) -> tuple[int, int] | None:
    """Subject candidates tried from the most to the least specific."""
    for rx in (_END_PRON, _END_POSS, _END_NAME, _END_DET, _END_PLURAL):
        m = rx.search(window)
        if not m:
            continue
        a, b = m.start(), len(window.rstrip())
        if rx is _END_NAME:
            span = _strip_caps(window, a, b)
            if span is None or window[span[1] : b] in ("’s", "'s"):
                continue
            if window[a:b].startswith(("the ", "The ")) and span[0] == a + 4:
                span = (a, span[1])  # keep “the White House” whole
            a, b = span
        return base + a, base + b
    return None


def _clause_subject(art: _Article, lo: int, hi: int) -> tuple[int, int] | None:
    """First subject-like mention in ``[lo, hi)``: the doer of “…, telling X that”."""
    s = art.masked
    best: tuple[int, int] | None = None
    m = _PRON_ANY.search(s, lo, hi)
    if m:
        best = (m.start(), m.end())
    for m in _NAME_RE.finditer(s, lo, best[0] if best else hi):
        span = _strip_caps(s, m.start(), m.end())
        if span is None or not art.person_like(*span):
            continue
        if re.match(r"\s+[a-z]+\s", s[span[1] : span[1] + 30]) and _nationality(s, *span):
            continue
        return span
    if best is None:
        m = re.match(rf"\s*({_DET_NP})(?=\s+(?:{_FILLER}\s+)*\w)", s[lo:hi])
        if m:
            best = (lo + m.start(1), lo + m.end(1))
    return best


def _nationality(s: str, a: int, b: int) -> bool:
    """“Ukrainian airstrikes”: a capitalised adjective, not a person."""
    word = s[a:b]
    return " " not in word and word.endswith(("an", "ese", "ish", "ic", "i"))


def _attr_after(art: _Article, qend: int, punct: str) -> _Attr | None:
    """`“…,” X said` / `“…,” said X` / `“…,” according to X` / `“…” ― X`."""
    s = art.masked
    pos = qend + 1  # skip the closing mark
    seg = s[pos : pos + 200].split("\n", 1)[0]
    strict = punct in ".:"  # “We won.” Smith said the polls… is not attribution
    lead = re.match(_AFTER_LEAD, seg).end()
    m = _ACCORDING_RE.match(seg, lead)
    if m:
        return _Attr(pos + m.start("np"), pos + m.end("np"), m.group("cue"), True)
    m = _AFTER_CUE_NP.match(seg)
    if m and not m.group("cue").endswith("ing") and seg[m.end() : m.end() + 2] not in ("’s", "'s"):
        return _Attr(pos + m.start("np"), pos + m.end("np"), m.group("cue"), True)
    m = _AFTER_NP_CUE.match(seg)
    if m and not (strict and not _AFTER_OK.match(seg, m.end())):
        c = _CUE_RE.match(seg, m.start("cue"))
        if c.group("quoted"):
            return _Attr(pos + c.start("qnp"), pos + c.end("qnp"), c.group(0), True)
        if c.group("verb") and not c.group(0).endswith("ing"):
            a, b = _trim_np(seg, m.start("np"), m.end("np"))
            return _Attr(pos + a, pos + b, c.group(0), True)
    m = _AFTER_INVERT.match(seg)
    if m:
        g, c = ("np", "cue") if m.group("np") else ("np2", "cue2")
        return _Attr(pos + m.start(g), pos + m.end(g), m.group(c), True)
    m = _AFTER_SO.match(seg)
    if m:
        return _Attr(pos + m.start("np"), pos + m.end("np"), m.group("cue"), True)
    m = _AFTER_ROLE_CUE.match(seg)
    if (
        m
        and not m.group("cue").endswith("ing")
        and not (strict and not _AFTER_OK.match(seg, m.end()))
    ):
        g = "np" if m.group("np") else "poss"
        return _Attr(pos + m.start(g), pos + m.end(g), m.group("cue"), True)
    m = _AFTER_CUE_ROLE.match(seg)
    if m and not m.group("cue").endswith("ing"):
        return _Attr(pos + m.start("np"), pos + m.end("np"), m.group("cue"), True)
    m = _AFTER_AS_PUT.match(seg) or _AFTER_DASH.match(seg)
    if m:
        return _Attr(pos + m.start("np"), pos + m.end("np"), m.group("cue"), True)
    return None


def _trim_np(s: str, a: int, b: int) -> tuple[int, int]:
    while b > a and s[b - 1] in " ,":
        b -= 1
    span = _strip_caps(s, a, b)
    return span if span else (a, b)


def _last_cue(s: str, lo: int, hi: int) -> re.Match[str] | None:
    last = None
    for m in _CUE_RE.finditer(s, lo, hi):
        last = m
    return last


def _attr_before(art: _Article, qstart: int, floor: int) -> _Attr | None:
    """`X said (that) “…”`, `…, telling Y that “…”`, `what she described as “…”`."""
    s = art.masked
    open_mark = qstart - 1
    while open_mark > floor and s[open_mark - 1] in _SPACE + '“„«»‘‚「『"\u2060':
        open_mark -= 1
    last = _last_cue(s, max(floor, open_mark - 220), open_mark)
    if last is None:
        lead = _LEAD_TRIM.match(s, floor, open_mark).end()
        m = _ACCORDING_RE.match(s, lead, open_mark)
        if m:  # “According to X, … “…””: the frame covers the whole sentence
            return _Attr(*_according_np(s, m), m.group("cue"))
        m = _COLON_LEAD.fullmatch(s, floor, open_mark)
        if m and art.person_like(m.start("np"), m.end("np")):
            return _Attr(m.start("np"), m.end("np"), ":", True)
        return None
    gap = s[last.end() : open_mark].strip(" ,:;—–-")
    adjacent = gap in ("", "that")
    if last.group("poss") and not (adjacent or gap.startswith(("that ", "of "))):
        return None  # “Trump’s statement about “…”” names a topic, not words
    span = _cue_subject(art, last, floor, open_mark)
    if span is None:
        return None
    frame = _reporting_frame(art, span, floor)
    if frame is not None:
        return _Attr(frame[0], frame[1], frame[2], adjacent)
    return _Attr(span[0], span[1], last.group(0), adjacent)


_FRAME_GAP = re.compile(r"[\s,]*(?:that\s+)?")


def _reporting_frame(art: _Article, span: tuple[int, int], floor: int):
    """“Lynch said she recalled thinking, “…””: a pronoun clause reported by an outer
    speaker; the outer subject is the one the text names as the source."""
    s = art.masked
    if s[span[0] : span[1]].lower() not in ("he", "she", "they", "we", "i"):
        return None
    outer = _last_cue(s, floor, span[0])
    if outer is None or not outer.group("verb") or outer.group(0).endswith("ing"):
        return None
    if _FRAME_GAP.match(s, outer.end(), span[0]).end() != span[0]:
        return None
    sub = _cue_subject(art, outer, floor, outer.start())
    if sub is None:
        return None
    return sub[0], sub[1], outer.group(0)


def _according_np(s: str, m: re.Match[str]) -> tuple[int, int]:
    """The source of an according-to frame; German “Laut Becker ist …” has no comma,
    so the verb that follows the name ends it."""
    a, b = m.start("np"), m.end("np")
    if m.group("cue").lower() == "laut":
        name = _NAME_RE.match(s, a, b)
        if name and re.match(r"\s+[a-zäöüß]", s[name.end() : b]):
            return a, name.end()
    return a, b


def _cue_subject(art: _Article, cue: re.Match[str], floor: int, hi: int):
    """Who performs the cue, by its grammar: quoted Y as saying, Y’s claim, by Y, …"""
    s = art.masked
    if cue.group("quoted"):
        return cue.start("qnp"), cue.end("qnp")
    if cue.group("poss"):
        return _trim_np(s, cue.start("poss"), cue.end("poss"))
    verb = cue.group(0)
    m = _ACCORDING_RE.match(s, cue.start(), hi)
    if m:
        return _according_np(s, m)
    if re.fullmatch(_ACCORDING, verb):
        return None
    m = _BY_RE.match(s, cue.end(), hi)
    if m and verb.endswith("ed"):
        return m.start("np"), m.end("np")  # accused by critics of …
    before = _strip_fillers(s[floor : cue.start()])
    if _ING.match(verb.split()[0]):
        m = _SEEN_DOING.search(before)
        if m and not _ORG.search(m.group("np")):
            return _trim_np(s, floor + m.start("np"), floor + m.end("np"))
    progressive = _PROGRESSIVE_TAIL.search(s[floor : cue.start()])
    if (_ING.match(verb.split()[0]) and not cue.group("asq") and not progressive) or (
        _CONJ_TAIL.search(before)
    ):
        return _clause_subject(art, floor, cue.start())
    span = _np_at_end(art, floor, cue.start())
    if span and verb in _NOUNISH_S and _adjective_use(s, *span):
        return None  # “the Republican claims” is a noun phrase, not a speaker
    if span is None:
        m = _INVERTED.match(s, cue.end(), hi)  # “…,” said Smith, “…”
        if m:
            return m.start("np"), m.end("np")
    return span


def _adjective_use(s: str, a: int, b: int) -> bool:
    word = s[a:b]
    before = s[max(0, a - 8) : a].split()
    return " " not in word and bool(before) and before[-1] in ("the", "a", "an", "its", "their")


def _resolve(art: _Article, a: int, b: int) -> tuple[str | None, bool]:
    """Name for the mention ``[a, b)``; True when it was a pronoun or description."""
    mention = art.text[a:b]
    low = mention.lower()
    low = _FOREIGN_PRON.get(low, low)
    if low in ("he", "she", "his", "her"):
        name = _nearest_name(art, a, low)
        return (name, True) if name else (mention, False)
    if low in ("who", "which", "that"):  # “Smith, who said …”
        span = _np_in(art.masked[max(0, a - 120) : a].rstrip(" ,"), max(0, a - 120))
        if span and art.text[span[0] : span[1]].lower() not in ("it", "that", "which"):
            return _resolve(art, *span)[0], True
        return None, False
    if low.startswith("the ") and mention.split()[-1].islower():
        name = _described(art, a, mention)
        if name:
            return name, True
    return mention, False


def _nearest_name(art: _Article, pos: int, pron: str) -> str | None:
    """Nearest person-like name before ``pos`` whose known gender fits the pronoun.

    “Person-like” means titled, written in full (two words or more) or a surname
    that was earlier written in full, so “the 13th Amendment” never speaks.
    """
    want = "she" if pron in ("she", "her") else "he"
    names = art.names()
    k = bisect.bisect_left(names, (pos, pos))
    text = art.text
    for a, b in reversed(names[max(0, k - 40) : k]):
        if b > pos:
            continue
        full = _full_name(art, text[a:b], a)
        if _ORG.search(full):
            continue
        known = _gender(art, full, text[a:b], text[max(0, a - 9) : a])
        if known and want not in known:
            continue
        if " " in full or re.match(_TITLE, text[a:b]):
            return full
    return None


_PRON_HE_SHE = re.compile(r" (?P<p>he|she) ")
_SAID_BEFORE = re.compile(
    r"(?:^|\s)(?:said|says|told\s+\w+|added|argued|insisted|believes|believed|thinks|"
    r"thought|noted|explained)(?:\s+that)?$"
)
_FEMALE_TITLE = re.compile(r"\b(?:Ms|Mrs|Mme|Mlle)\.|\b(?:Frau|Madame|Mademoiselle|госпожа)\s")
_MALE_TITLE = re.compile(r"\b(?:Mr|M)\.\s|\b(?:Herr|Monsieur|господин)\s")
_RU_FEMALE = re.compile(r"[а-я](?:ова|ева|ёва|ина|ына|ская|цкая)$")
_RU_MALE = re.compile(r"[а-я](?:ов|ев|ёв|ин|ын|ский|цкий)$")


def _gender(art: _Article, full: str, name: str, before: str) -> set[str]:
    """Genders a name is known to take: its title (Mr./Ms./Frau/Mme), a Russian
    surname ending, or the pronoun it takes in “Smith said she …”."""
    last = full.split()[-1]
    titled = before + name
    if _FEMALE_TITLE.search(titled) or _FEMALE_TITLE.search(full) or _RU_FEMALE.search(last):
        return {"she"}
    if _MALE_TITLE.search(titled) or _MALE_TITLE.search(full) or _RU_MALE.search(last):
        return {"he"}
    votes = art.gender_votes()
    he = sum(votes.get(n, {}).get("he", 0) for n in {name, full})
    she = sum(votes.get(n, {}).get("she", 0) for n in {name, full})
    return {"he"} if he > she else {"she"} if she > he else set()


def _full_name(art: _Article, name: str, pos: int) -> str:
    """Longest earlier form of a name (“Eismont” → “Natalia Eismont”)."""
    best = name
    for a, cand in art.by_surname().get(name.split()[-1], ()):
        if a >= pos:
            break
        if len(cand) > len(best) and "\n" not in cand:
            best = cand
    return best


def _described(art: _Article, pos: int, mention: str) -> str | None:
    """“the Belarusian dictator” → the name earlier written as “Belarusian dictator X”."""
    head = mention.split()[-1]
    text = art.text
    lo = max(0, pos - 4000)
    best = None
    for m in re.finditer(rf"(?i)(?<![\w’']){re.escape(head)}\b", text[lo:pos]):
        at = lo + m.end()
        after = _NAME_AFTER.match(text, at, pos)  # “dictator Alexander Lukashenko”
        if after:
            best = after.group("n")
            continue
        before = _NAME_APPOSED.search(text, max(0, lo + m.start() - 120), lo + m.start())
        if before:  # “Lukashenko, the Belarusian dictator”
            best = before.group("n")
    return best


def _word_count(s: str) -> int:
    if re.search("[\u3040-\u30ff\u4e00-\u9fff]", s):
        return len(s) // 2
    return len(re.findall(r"\w+(?:[’'\-]\w+)*", s))


def _looks_like_title(art: _Article, a: int, b: int, slot: bool = False) -> bool:
    """“Face the Nation”, “The Apprentice,”: capitalised names of works, not speech.

    ``slot`` says the context already calls for a name (“on CBS’s “…””, “his
    book, “…””), so a single capitalised word is enough.
    """
    words = re.findall(r"[\w’'\-]+", art.text[a:b])
    caps = [w for w in words if w.lower() not in _FUNCTION]
    if not caps or not all(w[0].isupper() or w[0].isdigit() for w in caps) or len(words) > 8:
        return False
    pa, pb = art.para_of(a)
    if _title_case(art.masked[pa:pb]):
        return False  # in a headline every quotation is capitalised
    if len(words) > 1 or slot:
        return True
    before = art.masked[max(0, a - 30) : a - 1].rstrip(_SPACE + '“„«»‘‚「『"\u2060')
    return bool(before) and before[-1].isalpha() and before[-1].islower()


_TITLE_SLOT = re.compile(
    r"(?:\b(?:on|of|in|at|to|for|from|titled|entitled|called|named|dubbed|show|program|"
    r"book|film|song|album|series|column|article|segment|documentary|movie|anthem|hymn|"
    r"poem|podcast|newsletter|episode|broadcast|commentary|essay|editorial|op-ed|novel|"
    r"memoir|play|musical)(?:,\s*|\s+)(?:[\w’'.\-]+[’']s\s+)?"
    rf"|[{_UP}][\w.\-]*[’']s?[’']?s\s+)$"
)
#: “his “Keepin’ It Real” radio program”: a capitalised name before the kind of work.
_WORK_AFTER = re.compile(
    r"[\s,.]*(?:(?:radio|TV|television|talk|news|cable|web|reality|morning|evening)\s+)?"
    r"(?:show|program|programme|podcast|series|documentary|film|movie|book|song|album|"
    r"segment|column|newsletter|broadcast|special|anthem|musical|novel|memoir)s?\b"
)
#: A nickname between the parts of a name: Robert C. “Bobby” Scott.
_NICK_BEFORE = re.compile(rf"(?:[{_UP}][\w’'\-]*|[{_UP}]\.)$")
_NICK_AFTER = re.compile(rf"[{_UP}][\w’'\-]+")


def _in_title_slot(art: _Article, a: int, b: int) -> bool:
    """A capitalised name where the sentence calls for one, even if attributed.

    “on CBS’s “Face the Nation,” X said”, “MSNBC’s “Morning Joe””, “his book, “…””,
    “his “Keepin’ It Real” radio program”, and nicknames (Robert C. “Bobby” Scott).
    """
    s = art.masked
    before = s[max(0, a - 40) : a].rstrip(_SPACE + '“„«»‘‚「『"\u2060')
    end = b
    while end < len(s) and s[end] in _SPACE + "”\"’'»«“」』\u2060":
        end += 1
    if _TITLE_SLOT.search(before + " "):
        return _looks_like_title(art, a, b, slot=before.endswith(","))
    if _WORK_AFTER.match(s, end) and _looks_like_title(art, a, b, slot=True):
        return True
    gap = s[a - 2 : a - 1] if a >= 2 else ""
    if gap in _SPACE and gap and _NICK_BEFORE.search(before) and len(art.text[a:b].split()) <= 2:
        nxt = s[end : end + 30]
        if _NICK_AFTER.match(nxt) and _looks_like_title(art, a, b, slot=True):
            return True
    return False


#: Words a quoted term modifies rather than ends with: “the “sex tape” reference”.
_NOT_HEAD = _words(
    """in on at to of for from by with and or but nor that which who whom whose is was are
    were be been has had have will would can could should may might must as than yet so
    often also if when because after before during since until while about into over
    under against between through via per like unlike not never now then there here just
    only even still already again too instead either"""
)
_TERM_DET = re.compile(
    r"(?<![\w’'])(?:the|a|an|its|this|that|these|those|The|A|An|Its|This|That|These|Those)"
    r"\s+(?:[a-z][\w\-]*\s+){0,2}$"
)
_MENTION_WORDS = _words("he she it they we i you him her them us me his hers its their")


def _is_term(art: _Article, a: int, b: int) -> bool:
    """An unattributed quoted word used as a term, not as anyone's words.

    Two shapes: a quoted pronoun (“because “she” is a “he””: the word itself is
    meant), and a short quoted modifier inside a noun phrase (“the “sex tape”
    reference”, “the notorious “carried interest” loophole”).
    """
    words = re.findall(r"[\w’'\-]+", art.text[a:b])
    if words and all(w.lower() in _MENTION_WORDS for w in words):
        return True
    if not words or len(words) > 3 or art.text[b - 1 : b] in ",.;:!?":
        return False
    s = art.masked
    before = s[max(0, a - 40) : a].rstrip(_SPACE + '“„«»‘‚「『"\u2060')
    if not _TERM_DET.search(before + " "):
        return False
    end = b
    while end < len(s) and s[end] in "”\"’'»«“」』\u2060":
        end += 1
    m = re.match(r" ([a-z][a-z\-]+)\b", s[end : end + 30])
    return bool(m) and m.group(1) not in _NOT_HEAD and not m.group(1).endswith("ly")


def _title_case(line: str) -> bool:
    words = [w for w in re.findall(r"[^\W\d_][\w’'\-]*", line) if w.lower() not in _FUNCTION]
    return len(words) >= 3 and sum(w[0].isupper() for w in words) >= 0.8 * len(words)


def _attribute(art: _Article, a: int, b: int, floor: int) -> _Attr | None:
    """Attribution for the quotation ``[a, b)``: after-cue first, then before."""
    inner = art.text[a:b].rstrip()
    close = b
    while close < len(art.text) and art.text[close] in _SPACE + _JOINER:
        close += 1
    found = _attr_after(art, close, inner[-1:])
    if found is None:
        found = _attr_before(art, a, floor)
    lead = _LEAD_TRIM.match(art.masked, floor, a).end()
    if found is None and floor == art.para_of(a)[0] and lead >= a:
        found = _attr_lead_in(art, a)
    return found


def _attr_lead_in(art: _Article, a: int) -> _Attr | None:
    """A paragraph that is a quotation, introduced by “X said:” ending the one before."""
    k = bisect.bisect_right(art.para_starts, a) - 1
    if k <= 0:
        return None
    pa, pb = art.paras[k - 1]
    if not art.text[pa:pb].rstrip().endswith(":"):
        return None
    return _attr_before(art, art.paras[k][0] + 1, art.sentence_start(pb - 1))


def _standalone(art: _Article, a: int, b: int, floor: int) -> bool:
    """A quotation that is a whole sentence by itself: “Neither do I.”"""
    if _LEAD_TRIM.match(art.masked, floor, a).end() < a or art.text[b - 1 : b] not in ".!?…":
        return False
    end = b
    while end < len(art.text) and art.text[end] in "”\"’'»«“」』\u2060":
        end += 1
    return end >= len(art.text) or art.text[end].isspace()


def _may_inherit(art: _Article, prev: Quote, a: int) -> bool:
    """May the quotation at ``a`` inherit ``prev``'s speaker?

    Not when another cue or another person's name stands between them, outside
    the sentence that attributes ``prev`` (“…,” said X, a lawyer for Y. “…”).
    """
    s = art.masked
    lo = max(prev.end, prev.speaker_end or 0)
    m = _SENT_END.search(s, lo, a + 1)
    lo = m.end() if m else a
    if lo < a and _CUE_RE.search(s, lo, a):
        return False
    k = bisect.bisect_left(art.names(), (lo, lo))
    for x, y in art.names()[k:]:
        if x >= a:
            break
        if art.text[x:y].split()[-1] not in (prev.speaker or ""):
            return False
    return True


def extract(text: str) -> list[Quote]:
    """All quotations in ``text`` sorted by start, each with its speaker if the text says."""
    work = _DOUBLED.sub(_JOINER + '"', text) if ("''" in text or "``" in text) else text
    spans = _find_spans(work)
    art = _Article(work, spans)
    quotes: list[Quote] = []
    last_by_para: dict[int, Quote] = {}
    for a, b in spans:
        qtext = text[a:b]  # the caller's text, not the rewritten one
        if _in_title_slot(art, a, b):
            continue
        floor = art.sentence_start(a + 1)
        found = _attribute(art, a, b, floor)
        para = art.para_of(a)[0]
        words = _word_count(qtext)
        if found is not None:
            name, resolved = _resolve(art, found.start, found.end)
            mention = text[found.start : found.end]
            cue = f"{mention} {found.cue}" if resolved else found.cue
            kind = "quote" if words >= 4 or found.adjacent else "partial"
            if name is None:  # an unresolvable “which said”
                q = Quote(a, b, qtext, kind, None, cue, "low")
            else:
                q = Quote(a, b, qtext, kind, name, cue, "high", found.start, found.end)
            last_by_para[para] = q
        else:
            if _looks_like_title(art, a, b) or _is_term(art, a, b):
                continue
            kind = "quote" if words >= 4 else "partial"
            q = Quote(a, b, qtext, kind, None, None, "low")
            prev = last_by_para.get(para)
            whole = kind == "quote" or _standalone(art, a, b, floor)
            if prev is not None and whole and prev.speaker and _may_inherit(art, prev, a):
                q = Quote(
                    a, b, qtext, kind, prev.speaker, None, "low",
                    prev.speaker_start, prev.speaker_end,
                )  # fmt: skip
        quotes.append(q)
    return quotes
