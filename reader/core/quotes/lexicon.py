"""Pass 2 vocabulary: word lists, cue verbs per language and the compiled regexes.

Built once, at import.
"""

from __future__ import annotations

import re

from reader.core.quotes.marks import QUOTE_MARKS


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
    """One alternation of ``words`` (a space matches any run of spaces), factored by common
    prefixes: the same matches as ``w1|w2|…`` longest first, 3x faster to scan, since the
    regex engine no longer tries each of ~900 verb forms at every word (bench/quotes_speed.py).
    """
    trie: dict = {}
    for word in words:
        node = trie
        for token in re.findall(r" |.", word, re.S):
            node = node.setdefault(token, {})
        node[""] = {}
    return "(?:" + _alt_node(trie) + ")"


def _alt_node(node: dict) -> str:
    """The pattern below a trie node: its branches, then (optionally) stopping here; a
    greedy ``?`` tries the longer forms first, as the longest-first list did."""
    ends = "" in node
    branches = [
        (r"\s+" if token == " " else re.escape(token)) + _alt_node(child)
        for token, child in sorted(node.items())
        if token != ""
    ]
    if not branches:
        return ""
    if len(branches) == 1 and not ends:
        return branches[0]
    return "(?:" + "|".join(branches) + ")" + ("?" if ends else "")


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
#: “Ottawa police”, “Kremlin spokesman”, “Pentagon officials”: a body's people, named by it.
_NAMED_GROUP = rf"{_NAME}\s+(?:{_PLURAL}|spokesman|spokeswoman|spokesperson|official)"
_NP = rf"(?:{_NAMED_GROUP}|{_NAME}|{_DET_NP}|{_PLURAL}|{_PRON})"
#: “IMF chief economist Maury Obstfeld”, “Tulsa police Chief Chuck Jordan”.
_ROLE_NAME = rf"{_NAME}\s+(?:[a-z][\w\-]*\s+){{1,3}}{_NAME}"

#: Words that may stand between a subject and its verb: "he later said".
_FILLER = (
    r"(?:has|have|had|was|were|is|are|also|then|once|again|further|never|not|did|does|"
    r"do|would|will|could|might|may|can|should|must|even|only|first|herself|himself|"
    r"themselves|been|"
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
#: “…,” (.pdf) Judge X wrote: a short parenthesis (a file type, a link note) may stand first.
_AFTER_LEAD = r"[\s,;:—–\-]*(?:\([^()~\n]{1,12}\)\s*)?"
#: What may follow a name before its verb: “Rep. Moore (D-Wis.)”, “Mr. Morgan of the
#: Sierra Club”, “Flynn, a top adviser,”.
_NP_TAIL = (
    rf"(?:\s*\([^)~\n]{{1,40}}\))?(?:\s+(?:of|from|at)\s+(?:the\s+)?{_NAME})?"
    # “Clifford, president of X in the U.S.,” / “Pruitt, the attorney general, one of …,”
    # “Fajans, a University of California, Berkeley professor of physics, and LBNL faculty
    # scientist,”: an apposition of up to three comma-separated parts
    r"(?:\s*,(?:[^,.;~\n]|\.(?=[\w,])){1,160}(?:,(?:[^,.;~\n]|\.(?=[\w,])){1,100}){0,2},)?"
)
_AFTER_NP_CUE = re.compile(
    rf"{_AFTER_LEAD}(?P<np>{_ROLE_NAME}|{_NP}){_NP_TAIL}(?:\s+{_FILLER})*\s+"
    rf"(?P<cue>{_CUE_PLAIN})"
)
#: Subjects after a non-English verb: „…“, sagte er / meinte die Bäckerin; « … », a
#: ajouté le maire; «…», — сказала она.
_FOREIGN_NP = (
    r"(?:(?:le|la|les|der|die|das)\s+|l[’'])[\w\-]+"
    r"(?:\s+(?!(?:dem|den|der|die|das|des|le|la|les|au|aux|du|de|à)\s)[a-zà-ÿß][\w\-]*)?"
    r"|il|elle|ils|elles|er|sie|он|она|они|ich|wir|je|nous|я|мы"  # “dem X” is an object
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
#: “said Latvian foreign minister Baiba Braze”: a capitalised word, a lower-case role, a name.
_AFTER_CUE_NAME_ROLE = re.compile(
    rf"{_AFTER_LEAD}(?P<cue>{_VERB})\s+{_UPWORD}\s+"
    r"(?!(?:am|im|dem|der|die|das|den|beim|vom|zum|zur|au|aux|du|de|des|le|la|les|à|en|"
    r"на|в|во|с)\s)"  # “sagte Becker dem Lokalradio”: not a role
    rf"{_LOWROLE}(?P<np>{_NAME})(?![\w’'])"
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
#: “Jane Roe: “…””. (Not a handle: “@someone: “…”” in a list of posts is often a
#: post quoting a talk, whose words are the speaker's, not the poster's.)
_HANDLE = r"@[A-Za-z0-9_]{2,30}"
_COLON_LEAD = re.compile(rf"\s*(?P<np>{_NAME})\s*:\s*$")
#: A credit line: “…” ~ Dave Ramsey / “…” - Some Group[2] / “…” -@someone, the name alone
#: ending the line (an em dash is _AFTER_DASH's).
_AFTER_CREDIT = re.compile(rf"\s*(?:~|-)\s*(?P<np>{_NAME}|{_HANDLE})[ \t]*(?=\n|$)")
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
    r"Journal|Press|Service|Board|Fund|Campaign|Club|Amendment|Act|States|Republic|Affairs|"
    r"Olympics|Games|Summit|Forum|Conference|Festival|Cup|Championship|League|Bureau|Police)\b"
)
_NAME_AFTER = re.compile(rf"\s+(?P<n>{_NAME})")
_NAME_APPOSED = re.compile(rf"(?P<n>{_NAME}),\s+(?:the|a|an)\s+(?:[\w’'\-]+\s+){{0,4}}$")
_PRON_ANY = re.compile(r"(?<![\w’'])(?:he|she|they|we|I|He|She|They|We)(?![\w])")
_LEAD_TRIM = re.compile(rf"[\s{re.escape(QUOTE_MARKS)}~\u2060]*")

_STOPCAPS = _words(
    """A An The But And Or So Yet If When While As After Before Since Although Though In On
    At Of For From To By With Without About Asked Still However Meanwhile Then This That
    These Those It He She They We I You His Her Their Its Our My Your Instead Speaking
    Later Earlier Last Next Monday Tuesday Wednesday Thursday Friday Saturday Sunday Once
    January February March April May June July August September October November
    December Photo Read Watch Also Now Even Because Despite During Until Under Over
    There Here What Who Why How Where Which Yes No Not One Two Following
    According Like Unlike Among Between Through Across Amid Against Following Via Per Upon
    Within Without Beyond Toward Towards Inside Outside Except Plus Regardless Imagine
    Remember Consider Note Think Take Let Make Say Ask"""
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
_SENT_END = re.compile(
    r"[.!?]+[”\"’')\]]*\s+(?=[\"“‘'(\[]?[\w~])"
    r"|\n[ \t]*(?=(?:[*+•\-]|\d{1,2}[.)])[ \t])"  # a list item starts a sentence
)
_ING = re.compile(r"\w+ing$")
