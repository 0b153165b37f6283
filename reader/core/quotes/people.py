"""One person, one key: speaker names as the quote finder wrote them, made comparable.

Beside reader/core/quotes rather than in it: importing that package builds its tables
(~0.5 s), which `byline people` and the People view, which only read the index, must not pay.

"Volodymyr Zelensky", "Zelensky", "President Zelensky", "Mr. Zelensky", "Zelensky's" are one
person; "Donald Trump", "Trump", "President Donald J. Trump" another (issue 15). A key is the
name without honorifics, titles, middle initials, suffixes, possessives or Latin accents,
case-folded, hyphens kept as one token ("ocasio-cortez"); Cyrillic stays in its own script
(ё folded to е), never transliterated. Pure functions, no I/O: the quote index calls them
when it stores an article's quotes, the People view when it merges keys across articles.

Within an article a bare surname resolves to the full name written earlier (`article_keys`);
across articles a bare surname joins a full name only when exactly one full name carries it
(`merge_keys`), so two people who share a surname stay apart.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


def _words(spaced: str) -> frozenset[str]:
    return frozenset(spaced.split())


# Words that say what someone is, not who: dropped from the front of a name up to the last
# one ("Ukrainian President Volodymyr Zelensky", "Secretary of State Marco Rubio").
_TITLES = _words(
    """mr mrs ms miss mx dr prof professor sir dame lord lady madam madame monsieur herr frau
    president vice prime minister ministers premier chancellor secretary state foreign
    defense defence interior finance home deputy general attorney sen senator rep
    representative congressman congresswoman gov governor mayor lt lieutenant col colonel
    gen maj major capt captain sgt sergeant adm admiral cmdr commander king queen prince
    princess pope rev reverend father bishop archbishop cardinal rabbi imam sheikh judge
    justice chief executive ceo cfo coo cto founder cofounder co-founder chair chairman
    chairwoman chairperson spokesman spokeswoman spokesperson ambassador envoy director
    officer agent detective inspector coach dean speaker leader leaders minority majority
    house senate party former late then acting interim incumbent elected designate
    councillor councilor councilman councilwoman alderman treasurer commissioner sheriff
    superintendent mp mep lawmaker legislator analyst economist researcher scientist
    historian editor correspondent reporter activist lawyer strategist
    us u.s. uk u.k. un eu nato of the for and
    господин госпожа президент премьер министр глава председатель генерал мэр губернатор
    депутат спикер пресс-секретарь"""
)
# Nationality and place words written before a title ("Ukrainian President", "Russian
# Foreign Minister"): the last title word decides where the name starts, so these go too.
_SUFFIXES = _words("jr jr. sr sr. ii iii iv phd md esq")
_PARTICLES = _words("van von der den de da di du la le bin al el ibn")  # kept inside a name
_ARTICLES = _words("the a an")
# Sentence words a finder may leave at a name's front ("Whether Anutin", "But Carney").
_LEADS = _words(
    """whether if when while as but and so because although though after before since then
    also even only still yet meanwhile however despite with without for from by about
    against under over like unlike including during amid among between to at in on of
    according thanks dear yes no why how what where who this that these those his her their
    its our my your said says told asked monday tuesday wednesday thursday friday saturday
    sunday january february march april may june july august september october november
    december"""
)
# A last word that makes the whole an organisation: "State Department" keeps its "State".
_BODIES = _words(
    """department ministry office house council party government agency court committee
    police army navy company commission bureau administration campaign министерство"""
)
_DASHES = re.compile("[\u2010\u2011\u2012\u2013\u2212\u00ad-]")
_POSSESSIVE = re.compile(r"(?:['’]s|['’])$")
_TOKEN = re.compile(r"[^\W\d_](?:[\w.'’-]*[^\W_])?\.?", re.U)
_INITIAL = re.compile(r"^(?:(?:[^\W\d_]\.)+|[^\W\d_])$")
_NOBODY = _words(
    """i me we us you they them it he she him her his one who someone somebody people
    ich wir du ihr sie er es man je nous tu vous on il elle ils elles я мы ты вы он она оно
    они"""
)
_LATIN = re.compile(r"[A-Za-z]")


@dataclass(frozen=True, slots=True)
class SpeakerName:
    """A speaker as the index keeps it: `name` to show (titles gone, case kept) and `key`."""

    name: str
    key: str

    @property
    def tokens(self) -> list[str]:
        return self.key.split()

    @property
    def surname(self) -> str:
        return surname_of(self.key)

    @property
    def is_full(self) -> bool:
        """More than a surname ("ursula von der leyen", not "von der leyen" or "trump")."""
        return self.surname != self.key


def surname_of(key: str) -> str:
    """The family name of a key: its last word, with the particles before it ("von der
    leyen", "de gaulle", "le pen")."""
    tokens = key.split()
    for i, token in enumerate(tokens[:-1]):
        if token in _PARTICLES:
            return " ".join(tokens[i:])
    return tokens[-1] if tokens else key


def _fold_token(token: str) -> str:
    """Case-fold; drop accents from Latin letters only (й, ё stay Cyrillic; ё reads as е)."""
    token = token.casefold().replace("ё", "е").replace("’", "'")
    if not _LATIN.search(unicodedata.normalize("NFKD", token)):
        return token
    out = []
    for ch in unicodedata.normalize("NFKD", token):
        if unicodedata.combining(ch) and out and _LATIN.fullmatch(out[-1]):
            continue
        out.append(ch)
    return unicodedata.normalize("NFC", "".join(out))


# Function words inside a title ("Secretary of State"), not titles on their own.
_GLUE = _words("of the for and")
# What ties a name to where it is from: "Mark Carney of Canada", "Jane Doe from Reuters".
_AFFILIATION = _words("of from at")


def _without_affiliation(raw: list[str]) -> list[str]:
    """`raw` without an of/from/at phrase after a name: "Prime Minister Mark Carney of Canada"
    is Mark Carney, not Canada (the title rule below cut at the last "of"). Only after a
    name (not "Secretary of State …") and when no title follows ("Bank of England Governor
    Andrew Bailey" names Andrew Bailey)."""
    for i in range(1, len(raw) - 1):
        before = raw[i - 1]
        if (
            raw[i].casefold() in _AFFILIATION
            and before[:1].isupper()
            and before.casefold().rstrip(".") not in _TITLES
            and not any(t.casefold().rstrip(".") in _TITLES - _GLUE for t in raw[i + 1 :])
        ):
            return raw[:i]
    return raw


def normalise(speaker: str | None) -> SpeakerName | None:
    """The name and key of a speaker as written, or None when nothing names anyone."""
    if not speaker:
        return None
    text = _DASHES.sub("-", speaker)
    text = re.sub(r"\s*-\s*", "-", text).strip(" \t\n,.;:—–-")
    raw = [t for t in _TOKEN.findall(text)]
    if not raw:
        return None
    raw[-1] = _POSSESSIVE.sub("", raw[-1])
    raw = [t.rstrip("'’") for t in raw if t.rstrip("'’")]
    # Suffixes off the end ("Jr.", "III"), articles off the front ("the Kremlin").
    while len(raw) > 1 and raw[-1].casefold() in _SUFFIXES:
        raw.pop()
    while len(raw) > 1 and (raw[0].casefold() in _ARTICLES or raw[0].casefold() in _LEADS):
        raw.pop(0)
    raw = _without_affiliation(raw)
    # Titles: drop everything up to the last title word before the final token, when what
    # follows starts with a capital (a name); "a Pentagon spokesperson" stays a description.
    cut = 0
    for i, token in enumerate(raw[:-1] if raw[-1].casefold() not in _BODIES else ()):
        titled = token.casefold().rstrip(".") in _TITLES or token.casefold() in _TITLES
        if titled and raw[i + 1][:1].isupper():
            cut = i + 1
    lead = raw[:cut]
    if lead and any(t[:1].islower() and t.casefold() not in _TITLES for t in lead):
        cut = 0  # "a Pentagon spokesperson Jane Doe" is rare; keep descriptions whole
    raw = raw[cut:]
    if not raw:
        return None
    # Initials: leading ones merge ("J. K." -> "jk"), middle ones go ("Donald J. Trump").
    lead_initials: list[str] = []
    while len(raw) > 1 and _INITIAL.match(raw[0]):
        lead_initials.append(raw.pop(0).replace(".", ""))
    if len(raw) > 2:
        raw = [raw[0], *[t for t in raw[1:-1] if not _INITIAL.match(t)], raw[-1]]
    if len(raw) == 1 and not lead_initials and raw[0].casefold() in _NOBODY:
        return None
    initials = "".join(lead_initials)
    name_tokens = (["".join(f"{c}." for c in initials)] if initials else []) + [
        t.rstrip(".") for t in raw
    ]
    key_tokens = ([initials] if initials else []) + [t.rstrip(".") for t in raw]
    key = " ".join(_fold_token(t) for t in key_tokens if t)
    if not key:
        return None
    return SpeakerName(" ".join(name_tokens), key)


_CLAUSE_BREAK = re.compile(r"[\n,;:()\[\]“”„\"«»!?]|\.\s")


def _written_before(text: str, surname: str, before: int) -> list[SpeakerName]:
    """Full names ending in `surname` that `text` writes before offset `before`
    ("Ukrainian President Volodymyr Zelensky spoke…" for a later "Zelensky said")."""
    found = []
    pattern = re.compile(r"(?<![\w-])" + re.escape(surname) + r"(?![\w-])")
    for match in pattern.finditer(text, 0, max(0, before)):
        head = text[max(0, match.start() - 100) : match.start()]
        breaks = list(_CLAUSE_BREAK.finditer(head))
        head = head[breaks[-1].end() :] if breaks else head
        tokens = _TOKEN.findall(head)
        run: list[str] = []
        for token in reversed(tokens):
            if token[:1].isupper() or token.casefold() in _PARTICLES:
                run.insert(0, token)
            else:
                break
        if not run:
            continue
        name = normalise(" ".join([*run, match.group()]))
        if name is not None and name.is_full:
            found.append(name)
    return found


def article_keys(
    speakers: Sequence[str | None],
    text: str | None = None,
    positions: Sequence[int] | None = None,
) -> list[SpeakerName | None]:
    """Keys for one article's speakers, in text order: a bare surname resolves to the full
    name used earlier in the same article (as a speaker, or written in `text` before the
    speaker's position, `positions[i]`), when exactly one full name with it came before."""
    out: list[SpeakerName | None] = []
    full: dict[str, dict[str, SpeakerName]] = {}  # surname -> key -> name, seen so far
    for i, speaker in enumerate(speakers):
        name = normalise(speaker)
        if name is not None and name.is_full:
            full.setdefault(name.surname, {})[name.key] = name
        elif name is not None:
            earlier = dict(full.get(name.key, {}))
            if text is not None and positions is not None:
                written = normalise(speaker)
                shown = written.name.rsplit(" ", 1)[-1] if written else ""
                for found in _written_before(text, shown, positions[i]) if shown else ():
                    if found.surname == name.key:
                        earlier.setdefault(found.key, found)
            if len(earlier) == 1:
                name = next(iter(earlier.values()))
        out.append(name)
    return out


def merge_keys(keys: Iterable[str]) -> dict[str, str]:
    """Across articles: each bare-surname key that exactly one full-name key ends with maps
    to that full key; every other key maps to itself. Two full names sharing a surname
    ("donald trump", "melania trump") keep a bare "trump" on its own."""
    keys = set(keys)
    carriers: dict[str, set[str]] = {}
    for key in keys:
        family = surname_of(key)
        if family != key:
            carriers.setdefault(family, set()).add(key)
            last = key.rsplit(" ", 1)[1]
            if last != family:  # "von der leyen" is also written (and found) as "Leyen"
                carriers.setdefault(last, set()).add(key)
    merged = {}
    for key in keys:
        found = carriers.get(key) if surname_of(key) == key else None
        merged[key] = next(iter(found)) if found and len(found) == 1 else key
    return merged


# ---------------------------------------------------------------- what the People view shows

#: Words of a caption, a photo credit or a link, never of a person's name: “Photo Credit
#: Jane Doe”, “Getty Images”, “Image courtesy of …”, “Read More”.
_NOT_IN_NAMES = _words(
    """photo photos photograph photography image images picture pictures credit credits
    courtesy illustration caption via getty shutterstock alamy file video watch read more
    click here listen subscribe newsletter podcast episode chapter part"""
)


def human_form(name: str) -> bool:
    """Could ``name`` be shown as who someone is: capitalised words (particles and “of”
    inside allowed), no digits, no caption, credit or link word, at most six words."""
    tokens = name.split()
    if not tokens or len(tokens) > 6 or any(ch.isdigit() for ch in name):
        return False
    for token in tokens:
        low = token.casefold().strip(".,’'")
        if low in _NOT_IN_NAMES:
            return False
        if not token[:1].isupper() and low not in _PARTICLES and low not in _GLUE:
            return False
    return True


def display_name(forms: dict[str, int]) -> str | None:
    """The name to show for one person from the forms written for them (form → weight):
    the fullest human-name form (most words, then most used), never a caption, credit or
    title fragment; None when no form is one (such a “person” is not listed)."""
    human = [(len(f.split()), w, f) for f, w in forms.items() if human_form(f)]
    if not human:
        return None
    return max(human)[2]


_SITE_SPLIT = re.compile(r"\s+[-–—|:·»]\s+|:\s+")


def site_keys(titles: Iterable[str]) -> set[str]:
    """Keys that name the sites themselves, from their feed titles: “BBC News - World” gives
    “bbc news” and “world”'s outlet part “bbc news”; “The Week” gives “week”. A speaker with
    one of these keys is the site printing its own words, not a person."""
    out: set[str] = set()
    for title in titles:
        parts = [p for p in _SITE_SPLIT.split(title or "") if p.strip()]
        for part in parts[:1] if len(parts) > 1 else parts:
            name = normalise(part)
            if name is not None:
                out.add(name.key)
        whole = normalise(title or "")
        if whole is not None:
            out.add(whole.key)
    return out


#: Last words of a news outlet's name (“The New York Times”, “Washington Post”) and agencies
#: or broadcasters known by one name. Their reports are sources, not people who speak, so
#: the People view leaves them out (the quotes keep them as speakers).
_OUTLET_HEADS = _words(
    """times post journal guardian telegraph herald tribune gazette chronicle examiner
    observer independent economist newsweek magazine daily weekly wire newswire press"""
)
_OUTLETS = _words(
    """reuters ap afp bloomberg cnn bbc npr cbs nbc abc msnbc politico axios semafor vox
    wired bankrate cnbc dpa xinhua tass ria kyodo yonhap ansa efe"""
)
_OUTLET_NAMES = frozenset(
    ("associated press", "fox news", "al jazeera", "sky news", "agence france-presse")
)


def is_outlet(key: str) -> bool:
    """Is this speaker key a news outlet (its report quoted, nobody speaking)?"""
    tokens = key.split()
    if not tokens:
        return False
    if key in _OUTLET_NAMES or (len(tokens) == 1 and tokens[0] in _OUTLETS):
        return True
    return tokens[-1] in _OUTLET_HEADS or (tokens[-1] == "news" and len(tokens) <= 3)
