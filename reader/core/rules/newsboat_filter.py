"""newsboat's filter language, translated to Byline's (reader/core/rules/expr.py) and back.

newsboat writes `attribute op literal` terms joined by `and`/`or`, with parentheses. What its
2.21 matcher does, and so what a translation must keep (newsboat src/matcher.cpp):

- `=`/`==` and `!=` compare whole strings, case-sensitive; Byline's `=` ignores case, so an
  equality on text with letters becomes an anchored regular expression;
- `=~`/`!~` are POSIX extended regexes with REG_ICASE: Byline's `~` with `(?i)`;
- `#`/`!#` test whether the literal is one of the space-separated words of the value (tags);
- `<`, `>`, `<=`, `>=`, `between a:b` compare integers (`age` is whole days since publication);
- `and` and `or` have the same precedence and group left to right (filter/FilterParser.cpp
  builds `a or b and c` as `(a or b) and c`), so every translation spells its grouping out.

A term that cannot be said in Byline makes the whole expression untranslatable, with the
reason; a term that translates with a small difference adds a note. Neither is ever silent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from reader.core.rules.expr import BoolOp, Compare, Flag, Node, Not
from reader.core.rules.expr import parse as parse_byline

# ---------------------------------------------------------------- newsboat's tree


@dataclass(frozen=True, slots=True)
class Term:
    attr: str
    op: str
    value: str
    column: int


@dataclass(frozen=True, slots=True)
class Logic:
    op: str  # and | or
    left: NbNode
    right: NbNode


NbNode = Term | Logic


class FilterError(ValueError):
    """An expression newsboat itself would reject, or one Byline cannot say; str() is why."""


_TOKEN = re.compile(
    r"""(?P<space>\s+)
      | (?P<lparen>\()
      | (?P<rparen>\))
      | (?P<op>==|!=|=~|!~|<=|>=|!\#|=|<|>|\#)
      | (?P<string>"[^"]*")
      | (?P<range>-?\d+:-?\d+)
      | (?P<number>-?\d+)
      | (?P<word>[A-Za-z_.\-]+)
    """,
    re.X,
)


def _tokens(source: str) -> list[tuple[str, str, int]]:
    out = []
    pos = 0
    while pos < len(source):
        match = _TOKEN.match(source, pos)
        if match is None:
            raise FilterError(f"unexpected character {source[pos]!r} at column {pos + 1}")
        kind = match.lastgroup or ""
        if kind != "space":
            text = match.group()
            if kind == "word" and text.lower() == "between":
                kind = "op"
            out.append((kind, text, pos))
        pos = match.end()
    out.append(("end", "", len(source)))
    return out


def parse_filter(source: str) -> NbNode:
    """newsboat's grammar (filter/filter.atg): terms and groups joined left to right."""
    tokens = _tokens(source)
    pos = 0

    def take() -> tuple[str, str, int]:
        nonlocal pos
        pos += 1
        return tokens[pos - 1]

    def expr(depth: int) -> NbNode:
        if depth > 50:
            raise FilterError("nested too deeply")
        node = operand(depth)
        while tokens[pos][0] == "word" and tokens[pos][1].lower() in ("and", "or"):
            op = take()[1].lower()
            node = Logic(op, node, operand(depth))
        return node

    def operand(depth: int) -> NbNode:
        kind, text, column = take()
        if kind == "lparen":
            node = expr(depth + 1)
            if take()[0] != "rparen":
                raise FilterError(f"a '(' at column {column + 1} is never closed")
            return node
        if kind != "word":
            raise FilterError(f"expected an attribute at column {column + 1}, found {text!r}")
        op_kind, op, op_column = take()
        if op_kind != "op":
            raise FilterError(f"expected an operator after {text} at column {op_column + 1}")
        value_kind, value, value_column = take()
        if value_kind not in ("string", "number", "range"):
            raise FilterError(f"expected a value after {op} at column {value_column + 1}")
        if value_kind == "string":
            value = value[1:-1]
        return Term(text, "=" if op == "==" else op.lower(), value, column)

    node = expr(0)
    if tokens[pos][0] != "end":
        raise FilterError(f"unexpected {tokens[pos][1]!r} at column {tokens[pos][2] + 1}")
    return node


# ---------------------------------------------------------------- to Byline


@dataclass(frozen=True, slots=True)
class Translation:
    """`byline` is the expression in Byline's language (None when it cannot be said, and
    `problem` says why); `notes` are the small differences a reader should know about."""

    source: str
    byline: str | None
    problem: str | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)


def quote(value: str) -> str:
    """A Byline string literal holding exactly `value` (expr._string's escapes: a backslash
    is doubled only where it would otherwise escape a quote, a backslash or the end)."""
    out = ['"']
    for index, char in enumerate(value):
        if char == '"':
            out.append('\\"')
        elif char == "\\" and (index + 1 == len(value) or value[index + 1] in '"\\'):
            out.append("\\\\")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


_POSIX_CLASSES = {
    "alpha": "a-zA-Z", "digit": "0-9", "alnum": "a-zA-Z0-9", "upper": "A-Z", "lower": "a-z",
    "space": r"\s", "blank": r" \t", "punct": r"!-/:-@\[-`{-~", "xdigit": "0-9A-Fa-f",
    "word": r"\w", "cntrl": r"\x00-\x1f\x7f", "print": r"\x20-\x7e", "graph": r"\x21-\x7e",
}  # fmt: skip


def posix_to_python(pattern: str) -> str:
    """A POSIX extended regex as Python's `re` reads it: [[:alpha:]] classes and GNU's \\< \\>
    word edges rewritten; the rest of ERE means the same in Python."""
    for name, chars in _POSIX_CLASSES.items():
        pattern = pattern.replace(f"[:{name}:]", chars)
    return pattern.replace(r"\<", r"\b").replace(r"\>", r"\b")


def _has_case(text: str) -> bool:
    return any(c.lower() != c.upper() for c in text)


def _exact(field_name: str, value: str, negate: bool) -> str:
    """newsboat's case-sensitive whole-string equality in Byline's terms."""
    if not _has_case(value):
        return f"{field_name} {'!=' if negate else '='} {quote(value)}"
    pattern = "^" + re.escape(value) + r"\Z"
    return f"{field_name} {'!~' if negate else '~'} {quote(pattern)}"


def _regex(field_name: str, value: str, negate: bool) -> str:
    pattern = "(?i)" + posix_to_python(value)
    try:
        re.compile(pattern)
    except re.error as err:
        raise FilterError(f"the regular expression {value!r} does not carry over: {err}") from None
    return f"{field_name} {'!~' if negate else '~'} {quote(pattern)}"


def _word(field_name: str, value: str, negate: bool, ignore_case: bool = False) -> str:
    """Byline's indexed content is case-folded: a word test on it must ignore case."""
    pattern = ("(?i)" if ignore_case else "") + "(^| )" + re.escape(value) + r"( |\Z)"
    return f"{field_name} {'!~' if negate else '~'} {quote(pattern)}"


def _number(term: Term) -> int:
    try:
        return int(term.value)
    except ValueError:
        raise FilterError(
            f"{term.attr} {term.op} needs a whole number, not {term.value!r}"
        ) from None


_TEXT = {"title": "title", "author": "author", "link": "link", "content": "content"}
_FEED = {"feedurl": "feed", "feedtitle": "feed"}
_NO_COUNTERPART = {
    "date": "newsboat's date is a formatted string; compare age (days) instead",
    "guid": "Byline's filters cannot see an entry's id",
    "articleindex": "positions in a list are not a property of an entry in Byline",
    "feedindex": "positions in a list are not a property of an entry in Byline",
    "description": "Byline's filters cannot see a feed's description",
    "feedlink": "Byline's filters cannot see a feed's home page",
    "total_count": "Byline's filters test entries, not a feed's counts",
    "unread_count": "Byline's filters test entries, not a feed's counts",
    "latest_article_age": "Byline's filters test entries, not a feed's dates",
    "feed_date": "Byline's filters test entries, not a feed's dates",
    "enclosure_type": "Byline's filters can only ask whether an entry has an enclosure",
    "rtl": "Byline has no right-to-left flag",
}


def _term(term: Term, notes: list[str]) -> str:
    attr, op, value = term.attr.lower(), term.op, term.value
    negate = op in ("!=", "!~", "!#")
    if attr in _TEXT or attr in _FEED:
        name = _TEXT.get(attr) or _FEED[attr]
        if attr in _FEED:
            other = "titles" if attr == "feedurl" else "addresses"
            notes.append(f"{attr}: Byline's `feed` also matches feed {other}")
        if attr == "content" and op in ("=~", "!~", "#", "!#"):
            notes.append("content: Byline matches the article's text, not its HTML markup")
        if op in ("=", "!=") and attr == "content":
            raise FilterError(
                "content = compares newsboat's whole HTML; Byline matches the article's text"
                " (use content =~)"
            )
        if op in ("=", "!="):
            return _exact(name, value, negate)
        if op in ("=~", "!~"):
            return _regex(name, value, negate)
        if op in ("#", "!#"):
            return _word(name, value, negate, ignore_case=attr == "content")
        raise FilterError(f"{attr} {op} compares numbers; {attr} is text")
    if attr == "tags":
        if op in ("#", "!#"):
            return f"tag {'!=' if negate else '='} {quote(value)}"
        if op in ("=~", "!~"):
            notes.append("tags =~: Byline tests each tag, newsboat the tags joined by spaces")
            return _regex("tag", value, negate)
        if op in ("=", "!=") and value == "":
            return f'tag {"~" if negate else "!~"} "."'
        raise FilterError(f'tags {op} {value!r} has no Byline form; use tags # "name"')
    if attr == "unread":
        if op in ("=", "!=", "#", "!#") and value in ("yes", "no"):
            return "unread" if (value == "yes") != negate else "not unread"
        raise FilterError(f'unread is "yes" or "no"; unread {op} {value!r} has no Byline form')
    if attr == "flags":
        return _flags(op, value, negate)
    if attr == "enclosure_url" and op in ("=", "!=") and value == "":
        return "has_enclosure" if negate else "not has_enclosure"
    if attr == "age":
        return _age(term)
    reason = _NO_COUNTERPART.get(attr, "Byline has no such field")
    raise FilterError(f"{attr}: {reason}")


def _flags(op: str, value: str, negate: bool) -> str:
    """Flagged items come over as saved, each flag letter also as the entry tag flag:X."""
    if op in ("=", "!=") and value == "":
        return "saved" if negate else "not saved"
    if op in ("=~", "!~", "#", "!#", "=", "!=") and re.fullmatch(r"[A-Za-z]", value):
        return f"tag {'!=' if negate else '='} {quote('flag:' + value)}"
    raise FilterError(f'flags {op} {value!r}: only one flag letter, or "", carries over')


def _age(term: Term) -> str:
    """newsboat's age is whole days since publication: age > 30 is 31 days or more."""
    op = term.op
    if op == "between":
        low, _, high = term.value.partition(":")
        if not high:
            raise FilterError(f"age between needs a range such as 0:7, not {term.value!r}")
        lo, hi = sorted((int(low), int(high)))
        upper = f"age < {hi + 1}d"
        return upper if lo <= 0 else f"(age > {lo}d and {upper})"
    days = _number(term)
    if op == "<":
        return f"age < {max(days, 0)}d"
    if op == "<=":
        return f"age < {days + 1}d"
    if op == ">":
        return f"age > {days + 1}d"
    if op == ">=":
        return f"age > {days}d"
    if op in ("=", "!="):
        both = f"age > {days}d and age < {days + 1}d"
        return f"({both})" if op == "=" else f"not ({both})"
    raise FilterError(f"age {op} has no Byline form; age takes < > <= >= = != between")


def _render_tree(node: NbNode, notes: list[str]) -> str:
    """Left-grouped chains of one operator stay flat; any other grouping is bracketed."""
    if isinstance(node, Term):
        return _term(node, notes)
    left = _render_tree(node.left, notes)
    if isinstance(node.left, Logic) and node.left.op != node.op:
        left = f"({left})"
    right = _render_tree(node.right, notes)
    if isinstance(node.right, Logic):
        right = f"({right})"
    return f"{left} {node.op} {right}"


def translate(source: str) -> Translation:
    """newsboat's expression in Byline's language, or the reason it cannot be."""
    notes: list[str] = []
    try:
        text = _render_tree(parse_filter(source), notes)
        parse_byline(text)  # never hand over an expression Byline would refuse
    except FilterError as err:
        return Translation(source, None, str(err))
    except ValueError as err:  # an ExprError: a bug here, reported, never written
        return Translation(source, None, f"translated to something Byline rejects: {err}")
    return Translation(source, text, None, tuple(dict.fromkeys(notes)))


# ---------------------------------------------------------------- back to newsboat


def to_newsboat(source: str) -> str | None:
    """A Byline expression as a newsboat filter, or None when newsboat cannot say it
    (speakers, `contains` on case, a value holding a double quote: newsboat has no escapes)."""
    try:
        tree = parse_byline(source).tree
        text = _back(tree, False)
    except (FilterError, ValueError):
        return None
    while isinstance(tree, Not):
        tree = tree.inner
    outer = isinstance(tree, BoolOp) and len(tree.items) > 1
    return text[1:-1] if outer else text  # the whole expression needs no brackets


def _lit(value: str) -> str:
    if '"' in value:
        raise FilterError("newsboat strings cannot hold a double quote")
    return f'"{value}"'


def _ere(value: str) -> str:
    """A literal as a POSIX extended regex."""
    return re.sub(r"([.^$*+?()\[\]{}|\\])", r"\\\1", value)


_NEGATE = {"=": "!=", "!=": "=", "=~": "!~", "!~": "=~", "#": "!#", "!#": "#"}


def _back(node: Node, negate: bool) -> str:
    if isinstance(node, Not):
        return _back(node.inner, not negate)
    if isinstance(node, BoolOp):
        op = node.op if not negate else ("or" if node.op == "and" else "and")
        parts = [_back(i, negate) for i in node.items]
        return "(" + f" {op} ".join(parts) + ")" if len(parts) > 1 else parts[0]
    if isinstance(node, Flag):
        if node.field == "unread":
            return f'unread = "{"no" if negate else "yes"}"'
        if node.field == "saved":
            return f'flags {"=" if negate else "!="} ""'
        return f'enclosure_url {"=" if negate else "!="} ""'
    return _back_compare(node, negate)


def _back_compare(node: Compare, negate: bool) -> str:
    field_name, op, value = node.field, node.op, node.value
    if field_name == "age":
        days = int(float(value) // 86400)
        if float(value) % 86400:
            raise FilterError("newsboat's age counts whole days")
        if (op == ">") != negate:
            return f"age >= {days}"
        return f"age < {days}"
    if op in ("!=", "!~"):
        negate, op = not negate, op[1:] if op == "!~" else "="
    text = str(value)
    if field_name == "tag" and op == "=" and re.fullmatch(r"flag:[A-Za-z]", text):
        return f"flags {'!#' if negate else '#'} {_lit(text[5:])}"
    exact = re.fullmatch(r"\^((?:\\.|[^\\])*)\\Z", text) if op == "~" else None
    if exact and (field_name in _TEXT or field_name == "feed"):  # _exact wrote it: newsboat's =
        literal = re.sub(r"\\(.)", r"\1", exact.group(1))
        if re.escape(literal) == exact.group(1):
            if field_name == "feed":
                field_name = "feedurl" if "://" in literal else "feedtitle"
            return f"{field_name} {'!=' if negate else '='} {_lit(literal)}"
    if field_name in _TEXT and op == "=" and not _has_case(text):
        return f"{field_name} {'!=' if negate else '='} {_lit(text)}"
    if field_name == "tag" and op == "~" and text == ".":
        return "tags " + ("=" if negate else "!=") + ' ""'
    word = (
        re.fullmatch(r"(\(\?i\))?\(\^\| \)((?:\\.|[^\\])*)\( \|\\Z\)", text) if op == "~" else None
    )
    if (
        word
        and field_name in _TEXT
        and re.escape(re.sub(r"\\(.)", r"\1", word.group(2))) == word.group(2)
    ):
        literal = re.sub(r"\\(.)", r"\1", word.group(2))  # what _word wrote: newsboat's #
        return f"{field_name} {'!#' if negate else '#'} {_lit(literal)}"
    if field_name == "tag" and op == "=":
        return f"tags {'!#' if negate else '#'} {_lit(text)}"
    if field_name == "speaker":
        raise FilterError("newsboat knows nothing of speakers")
    name = {
        "feed": "feedtitle" if op == "=" and "://" not in text else "feedurl",
        "tag": "tags",
    }.get(field_name, field_name)
    if op == "~":
        if not text.startswith("(?i)") and _has_case(text):
            raise FilterError("newsboat's regexes always ignore case")
        pattern = text.removeprefix("(?i)")
    elif op == "=":
        pattern = "^" + _ere(text) + "$"
    else:  # contains
        pattern = _ere(text)
    return f"{name} {_NEGATE['=~'] if negate else '=~'} {_lit(pattern)}"
