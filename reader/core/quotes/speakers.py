"""Turn the mention a cue attaches to into a name: pronouns, descriptions, full names."""

from __future__ import annotations

import bisect
import re

from reader.core.quotes.attribution import _nationality, _np_at_end, _np_in
from reader.core.quotes.context import _Article
from reader.core.quotes.lexicon import (
    _CUE_RE,
    _FOREIGN_PRON,
    _NAME_AFTER,
    _NAME_APPOSED,
    _NAME_RE,
    _ORG,
    _PLURAL,
    _SENT_END,
    _TITLE,
    _UP,
    _words,
)


def _resolve(art: _Article, a: int, b: int) -> tuple[str | None, bool]:
    """Name for the mention ``[a, b)``; True when it was a pronoun or description.

    A pronoun resolved to a name further back than the paragraph before is recorded in
    ``art.far`` so the caller can lower its confidence.
    """
    mention = art.text[a:b]
    low = mention.lower()
    low = _FOREIGN_PRON.get(low, low)
    if low in ("he", "she", "his", "her"):
        name = _nearest_name(art, a, low)
        return (name, True) if name else (mention, False)
    if low in ("it", "they"):  # “the report says … It also points out”
        name = _nearest_source(art, a, low)
        return (name, True) if name else (mention, False)
    if low in ("who", "which", "that"):  # “Smith, who said …”
        span = _np_in(art.masked[max(0, a - 120) : a].rstrip(" ,"), max(0, a - 120), False)
        if low == "who" and span and not art.person_like(*span):
            return None, False  # “a businessman in Tehran, who said”: not Tehran
        if span and art.text[span[0] : span[1]].lower() not in ("it", "that", "which"):
            return _resolve(art, *span)[0], True
        return None, False
    if low.startswith("the ") and _only_roles(mention):  # “the President”
        name = _described(art, a, mention)
        if name:
            return name, True
        if mention.split()[-1][:1].isupper():
            art.far = True  # “the President” the text never named: say it, unsure
        return mention, False
    if low.startswith("the ") and mention.split()[-1].islower():
        name = _described(art, a, mention)
        if name:
            return name, True
        if mention.split()[-1].lower() in _MEDIA_NOUNS:  # “said the outlet”
            name = _nearest_source(art, a, "org")
            if name:
                return name, True
    return mention, False


#: How many paragraphs back a pronoun may find its name (beyond the one before: “low”).
_PRONOUN_PARAS = 4


def _nearest_name(art: _Article, pos: int, pron: str) -> str | None:
    """Nearest person-like name before ``pos`` whose known gender fits the pronoun.

    “Person-like” means titled, written in full (two words or more) or a surname
    that was earlier written in full, so “the 13th Amendment” never speaks.
    """
    want = "she" if pron in ("she", "her") else "he"
    names = sorted(art.names() + art.possessives())
    k = bisect.bisect_left(names, (pos, pos))
    text = art.text
    here = bisect.bisect_right(art.para_starts, pos) - 1
    floor = art.paras[max(0, here - _PRONOUN_PARAS)][0]
    near = art.paras[max(0, here - 1)][0]  # this paragraph or the one before: sure
    for a, b in reversed(names[max(0, k - 40) : k]):
        if a < floor:
            break
        art.far = a < near
        if b > pos:
            continue
        described = _described_between(art.masked, b, pos, want)
        if described:
            return described  # “a friend's grandmother …, and she told me”: the nearer one
        if _label_line(text, a, b):
            continue  # “Old Solution: Baking Soda Cocktail” on a line of its own: a heading
        full = _full_name(art, text[a:b], a)
        if _ORG.search(full) or text[max(0, a - 4) : a] == "the ":
            continue  # “at the Kent County Republican headquarters”: a thing, not a person
        known = _gender(art, full, text[a:b], text[max(0, a - 9) : a])
        if known and want not in known:
            continue
        if " " in full or re.match(_TITLE, text[a:b]):
            return full
        if full.isupper() or _only_roles(full):
            continue  # “NATO”, “U.S.”, “President”
        # a one-word name is a person when the article shows it: it spoke somewhere before
        # (“Obama said”, “Trump has repeatedly questioned”) or a role stands before it
        # (“streamer QTCinderella”); places and things (“Greenland”) never are
        if art.place_like(full) or (_nationality(text, a, b) and text[b : b + 1] == " "):
            continue  # “in Iran”, “American forces”
        if re.search(r"(?:ans|ese|ists|ites)$", full) or _PLURAL_RE.fullmatch(full):
            continue  # “Americans”, “Republicans”: a group, not he or she
        if full in art.speakers_before(pos) or _ROLE_BEFORE.search(text, max(0, a - 30), a):
            return full
    return None


def _described_between(text: str, b: int, pos: int, want: str) -> str | None:
    """A person of the pronoun's gender described (not named) between the name ending at
    ``b`` and the pronoun at ``pos`` (“a friend's grandmother”): the pronoun stands for that
    description, never for the name before it (the label rule: a role phrase when only a
    role is given)."""
    nouns = _DESCRIBED_SHE if want == "she" else _DESCRIBED_HE
    found = None
    para = text.rfind("\n", 0, pos) + 1  # only in the pronoun's own paragraph
    for m in nouns.finditer(text, max(b, para), pos):
        if not _PREDICATE_BEFORE.search(text, max(0, m.start() - 16), m.start()):
            found = m.group(0)  # not “she is a black woman”, “Smith, a mother of two”
    return found


_PREDICATE_BEFORE = re.compile(
    r"(?:,|\b(?:is|was|are|were|be|been|being|as|became|becomes|remains|like))\s*$", re.I
)


def _label_line(text: str, a: int, b: int) -> bool:
    """A name ending a short line with no sentence punctuation (a heading, a label run in
    with the prose by the feed): “Old Solution: Baking Soda Cocktail⏎”."""
    if text[b : b + 1] != "\n":
        return False
    line_start = text.rfind("\n", 0, a) + 1
    line = text[line_start:b]
    return len(line) <= 80 and not re.search(r"[.!?;,]\s", line)


_ROLE_BEFORE = re.compile(
    r"(?<![\w’'])(?!(?:the|a|an|in|of|at|on|to|from|for|with|by|and|or|but|that|than|as|"
    r"into|over|about|after|before|said|says|told|its|his|her|their|our|is|was|were|are|"
    r"how|when|where|why|what|which|who|whom|whose|then|also|even|just|only|not|never|"
    r"while|since|until|because|if|so|yet|like|unlike|between|among|against|toward)\s)"
    r"[a-z][a-z\-]{2,}(?<!ed)(?<!ing)(?<!ly)\s+$"  # a noun: “streamer QTCinderella”
)
#: Words that name a role, not a person: “the President” is resolved, never a name itself.
_ROLE_WORDS = _words(
    """president vice prime minister chancellor secretary governor senator mayor king queen
    pope premier chairman chairwoman chair ceo director leader spokesperson spokesman
    spokeswoman general ambassador judge justice attorney foreign defense defence interior
    finance u.s. us uk u.k. eu deputy state former then acting"""
)


def _only_roles(name: str) -> bool:
    words = [w for w in name.casefold().split() if w != "the"]
    return bool(words) and all(w in _ROLE_WORDS for w in words)


_FEMALE_ROLES = _words(
    """wife mother daughter sister woman girl actress widow queen princess grandmother aunt
    niece girlfriend businesswoman congresswoman chairwoman spokeswoman"""
)
_MALE_ROLES = _words(
    """husband father son brother man boy actor widower king prince grandfather uncle nephew
    boyfriend businessman congressman chairman spokesman"""
)
_DET_WORD = r"(?:a|an|my|his|her|their|our|your|[\w]+[’']s)"
_DESCRIBED_SHE = re.compile(
    rf"(?<![\w’']){_DET_WORD}\s+(?:[\w’'\-]+\s+){{0,2}}?"
    rf"(?:{'|'.join(sorted(_FEMALE_ROLES))}|[a-z]+woman)(?![\w’'])",
    re.I,
)
_DESCRIBED_HE = re.compile(
    rf"(?<![\w’']){_DET_WORD}\s+(?:[\w’'\-]+\s+){{0,2}}?"
    rf"(?:{'|'.join(sorted(_MALE_ROLES))}|(?:fisher|police|fire|sales|country|states|"
    rf"spokes|business|congress|gentle|chair|door|handy|middle)man)(?![\w’'])",
    re.I,
)
_ROLE_GENDER = re.compile(rf"\b({'|'.join(sorted(_FEMALE_ROLES | _MALE_ROLES))}),?\s+$", re.I)
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
    role = _ROLE_GENDER.search(
        art.text, max(0, art.text.find(full) - 24), max(0, art.text.find(full))
    )
    if role:  # “Woody Allen’s wife Soon-Yi Previn”, “his son Hunter”
        return {"she"} if role.group(1).lower() in _FEMALE_ROLES else {"he"}
    votes = art.gender_votes()
    he = sum(votes.get(n, {}).get("he", 0) for n in {name, full})
    she = sum(votes.get(n, {}).get("she", 0) for n in {name, full})
    return {"he"} if he > she else {"she"} if she > he else set()


def _full_name(art: _Article, name: str, pos: int) -> str:
    """Longest earlier form of a name (“Eismont” → “Natalia Eismont”); a bare first name
    is the one full name written before that starts with it (“Stephen says” after
    “architect Stephen Francis Jones”), never one of two."""
    best = name
    for a, cand in art.by_surname().get(name.split()[-1], ()):
        if a >= pos:
            break
        if len(cand) > len(best) and "\n" not in cand:
            best = cand
    if best == name:
        best = _by_first_name(art, name, pos) or name
    return best


def _by_first_name(art: _Article, name: str, pos: int) -> str | None:
    """The one full name written before ``pos`` that starts with the bare first name
    ``name`` (“Kofi says” after “designer Kofi Mensah Asante”); None for two or more."""
    if " " in name or not name[:1].isupper() or name.isupper():
        return None
    if name not in art.name_openers():
        return None  # never written as the start of a longer name: no look-up of every name
    if any(a < pos for a, _ in art.by_surname().get(name, ()) if " " in _):
        return None  # a surname too (“Trump”): the surname rule decides
    firsts = {c for a, c in art.by_first().get(name, ()) if a < pos and "\n" not in c}
    return firsts.pop() if len(firsts) == 1 else None


def _described(art: _Article, pos: int, mention: str) -> str | None:
    """“the Belarusian dictator” → the name earlier written as “Belarusian dictator X”.

    A qualified role (“the U.S. President”) only matches where the qualifier is written
    too, so “Russian President Vladimir Putin” never answers for it."""
    words = mention.split()
    head = words[-1]
    if len(words) > 2 and words[-2][:1].isupper():
        head = " ".join(words[1:])
    text = art.text
    lo = max(0, pos - 4000)
    best = None
    head_rx = r"\s+".join(re.escape(w) for w in head.split())
    for m in re.finditer(rf"(?i)(?<![\w’']){head_rx}\b", text[lo:pos]):
        at = lo + m.end()
        after = _NAME_AFTER.match(text, at, pos)  # “dictator Alexander Lukashenko”
        if after:
            best = after.group("n")
            continue
        before = _NAME_APPOSED.search(text, max(0, lo + m.start() - 120), lo + m.start())
        if before:  # “Lukashenko, the Belarusian dictator”
            best = before.group("n")
    return best


#: Capitalised words that open sentences but never name anyone: quantifiers, ordinals,
#: discourse words. (Sentence-initial function words are already in ``_STOPCAPS``.)
_NEVER_NAMES = _words(
    """some many most several few others other all both each every ever first second third
    fourth fifth finally lastly next also someone somebody everyone everybody anyone nobody
    none whatever whoever sure yes no okay well oh so"""
)
#: Function words that a name never holds in the middle: a headline's Title Case does.
_TITLE_CASE_WORDS = _words(
    """From To For With And Or Is Are Was Were Has Have Had Will Would Can Could In On At By
    As Against After Over Into Needs Need Gets Turned Turns Says Said How Why What When
    Where Who Which This That These Those Not No Its Their"""
)
_PLURAL_RE = re.compile(_PLURAL, re.IGNORECASE)
_PRONOUN_CONTRACTION = re.compile(r"(?i:i|we|you|they|he|she|it)[’'](?:ve|ll|d|re|m|s)")
_GENERIC = re.compile(
    r"(?i:(?:many|most|some|few|all|other|the|these|those|such)\s+)?(?i:people|folks|everyone|others|"
    r"everybody|anyone|anybody|someone|somebody|nobody|users|readers|viewers|consumers|"
    r"customers|listeners|humans|evidence|research|studies|data|things)"
)
_LOWER_HYPHEN = re.compile(r"\w-[a-z]")
_CAMEL = re.compile(r"[a-z][A-Z].*[a-z][A-Z]|[A-Z]{2,}[a-z]+[A-Z]")


def _plausible(art: _Article, name: str, a: int) -> bool:
    """Could ``name`` (written at ``a``) be a speaker? Issue 11's list of what never is:
    sentence-initial words and participles (“Some”, “Second”, “Describing Europe”),
    a headline's Title Case run, a product, code or UI token, a possessive fragment."""
    words = name.split()
    if (
        not words
        or _PRONOUN_CONTRACTION.fullmatch(name)
        or re.search(r"(?<![\w.])[a-z]+\. [A-Z]", name)
    ):
        return False  # “I’ve declared”, “the point. You finally meet”
    if len(name) == 1 or any(ch.isdigit() for ch in words[-1]):
        return False  # “H”, “Mössenböck2002”
    if _GENERIC.fullmatch(name):
        return False  # “people would ask”, “many people believe”: nobody in particular
    if re.search(r"[’']s\s+(?:the|a|an|this|that|his|her)\b", name):
        return False  # “Donald Trump’s the president”: a possessive then another phrase
    first = words[0]
    if not (first[:1].isupper() or first[:1].isdigit()):
        return True  # a description: “the mayor”, “critics”, “a Pentagon spokesperson”
    if first.casefold() in _NEVER_NAMES or (_only_roles(name) and first.casefold() != "the"):
        return False  # “President” alone; “the senator” is a description
    if any(w in _TITLE_CASE_WORDS for w in words[1:]):
        return False  # “Takaichi Needs Votes From”, “Europe Has Turned Against U”
    if any(_CAMEL.search(w) for w in words) or name.count("-") >= 2:
        return False  # “NamedModulesPlugin”, “Einstein-Durkheim-Mendel”
    if len(words) == 1 and _LOWER_HYPHEN.search(name):
        return False  # “Evidence-based”
    if a < 0:
        return True  # a name found elsewhere (a pronoun's antecedent): no position to judge
    initial = art.sentence_start(a + 1) >= a - 1
    if initial and len(words) <= 2 and re.search(r"(?:ing|ed|ly)$", first):
        return False  # “Describing Europe”, “Accelerating AI”: a participle opening it
    one = len(words) == 1 and initial and not _PLURAL_RE.fullmatch(first)
    # a common word that opens the sentence (“Users”, “Second”) is no name
    return not (one and first.casefold() in art.lower_words())


_MEDIA_NOUNS = _words(
    """outlet paper newspaper site website magazine network publication broadcaster
    channel station agency"""
)


def _nearest_source(art: _Article, pos: int, pron: str) -> str | None:
    """“it”/“they” → the subject of the last speech cue in this paragraph or the one
    before, when it is an organisation, a work or a group (“the report says”, “the
    campaign said”, “officials said”): never a person."""
    here = bisect.bisect_right(art.para_starts, pos) - 1
    lo = art.paras[max(0, here - 1)][0]
    s = art.masked
    for cue in reversed(list(_CUE_RE.finditer(s, lo, pos))):
        if not cue.group("verb"):
            continue
        span = _np_at_end(art, art.sentence_start(cue.start()), cue.start())
        after = _NAME_AFTER.match(s, cue.end())  # “…,” said NerdWallet
        if after and (span is None or not art.text[span[0] : span[1]].strip("~ ,")):
            span = after.span("n")
        if span is None:
            continue
        found = art.text[span[0] : span[1]]
        low = found.casefold()
        if low in ("it", "they", "he", "she", "i", "we", "you", "who", "which", "that"):
            continue
        plural = bool(_PLURAL_RE.search(found)) or (found.endswith("s") and " " not in found)
        if pron == "they" and not plural and not _ORG.search(found):
            continue
        if pron == "org" and not (found[:1].isupper() and not low.startswith("the ")):
            continue
        if pron == "it" and (plural or not (_ORG.search(found) or low.startswith("the "))):
            continue
        return found
    if pron in ("it", "they"):
        return _sentence_subject(art, lo, pos, pron)
    return None


_THE_NOUN = re.compile(rf"[Tt]he\s+(?:[{_UP}][\w.\-]*\s+)*[a-z][a-z\-]+")
_POSS_NOUN = re.compile(r"[’']s\s+[a-z][a-z\-]+")
_VERB_NEXT = re.compile(
    r"\s+(?:is|was|are|were|has|have|had|will|would|read|reads|[a-z]\w*ed|[a-z]\w*s)\b"
)


class _Span:
    """A matched subject (``start("np")``/``end("np")`` like a regex match)."""

    def __init__(self, a: int, b: int):
        self.a, self.b = a, b

    def start(self, _group: str = "np") -> int:
        return self.a

    def end(self, _group: str = "np") -> int:
        return self.b


def _subject_at(s: str, start: int, pos: int) -> _Span | None:
    """“The article read”, “Clinton’s campaign is”, “The United Nations said” at ``start``."""
    m = _THE_NOUN.match(s, start, pos)
    if m is None:
        name = _NAME_RE.match(s, start, pos)
        if name is None:
            return None
        end = name.end() - 2 if s[name.end() - 2 : name.end()] in ("’s", "'s") else name.end()
        poss = _POSS_NOUN.match(s, end, pos)
        m = _Span(start, poss.end()) if poss else _Span(start, end)
    else:
        m = _Span(m.start(), m.end())
    return m if _VERB_NEXT.match(s, m.end(), pos) else None


def _sentence_subject(art: _Article, lo: int, pos: int, pron: str) -> str | None:
    """The subject opening the nearest sentence before ``pos`` that can be “it” (an
    organisation, “the article”, “Clinton’s campaign”) or “they” (a group)."""
    s = art.masked
    starts = [lo] + [m.end() for m in _SENT_END.finditer(s, lo, pos)]
    for start in reversed(starts):
        m = _subject_at(s, start, pos)
        if m is None:
            continue
        found = art.text[m.start("np") : m.end("np")]
        head = found.split()[-1].lower()
        plural = head.endswith("s") and not head.endswith("ss")
        org = bool(_ORG.search(found)) or head in _GROUP_NOUNS
        if pron == "it" and not plural and (org or found[:4].lower() == "the "):
            return found
        if pron == "they" and (plural or org):
            return found
    return None


#: Lower-case heads that name an organisation or a text, which “it” may stand for.
_GROUP_NOUNS = _words(
    """campaign committee government administration company firm agency council court
    ministry department party group team league union board commission report article
    letter statement study survey poll paper newspaper magazine network museum"""
)


#: Heads of descriptions that name people or bodies who speak: “a Pentagon spokesperson”.
_PERSON_HEADS = _words(
    """spokesperson spokesman spokeswoman official officials minister president lawyer
    lawyers attorney attorneys analyst analysts expert experts critic critics police
    protesters protestors residents witnesses authorities prosecutors lawmakers senator
    senators governor mayor chief director leader leaders chair chairman chairwoman ceo
    founder owner businessman businesswoman man woman friend friends author writer reporter
    reporters journalist journalists scientist scientists researcher researchers professor
    doctor doctors economist economists adviser advisers advisor advisors aide aides
    employee employees worker workers member members manager judge justice court agency
    ministry department government administration campaign statement report newspaper
    source sources diplomat diplomats officer officers soldier soldiers student students
    teacher teachers parent parents mother father wife husband son daughter chef outlet
    paper network magazine voters supporters opponents activists organizers email emails
    letter memo document documents filing post message note release article"""
)


def _person_or_body(art: _Article, speaker: str) -> bool:
    """Is ``speaker`` someone a news text quotes: a full name, a titled or role-bearing
    name, or a description of a person or body? (Not “Python”, “the compiler”, “Walter”.)"""
    words = speaker.split()
    caps = [w for w in words if w[:1].isupper() and w.casefold() != "the"]
    if len(caps) >= 2 or re.match(_TITLE, speaker):
        return True
    if len(words) == 1 and " " in _full_name(art, speaker, len(art.text)):
        return True  # “Trump” after “Donald Trump”
    head = re.sub(r"[’']s$", "", words[-1]).casefold()
    return head in _PERSON_HEADS or bool(_PLURAL_RE.fullmatch(words[-1]))
