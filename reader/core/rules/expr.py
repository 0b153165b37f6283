"""The filter language of [[rules]] and [[views]]: a tokenizer, a recursive-descent parser
and a compiler to SQL. Never `eval`: an expression is data the user wrote in a config file.

    expr    := and ("or" and)*
    and     := not ("and" not)*
    not     := "not" not | atom
    atom    := "(" expr ")" | FLAG | FIELD OP VALUE
    FLAG    := unread | saved | has_enclosure
    FIELD   := title | author | content | link | feed | tag | speaker | age
    OP      := = | != | ~ | !~ | contains | < | >
    VALUE   := "double-quoted string" | duration (30d, 12h, 15m, 2w)

One evaluation, one semantics: an expression compiles to a SQL condition over `entries`, and
the string tests in it are SQLite functions implemented here in Python (reader/core/rules/sqlfuncs.py), so a
view paged from SQL, `byline rules apply` over the whole cache and the rules run on the new
entries of a refresh all decide with the same code. `=` and `contains` ignore case
(str.casefold); `~` is a Python regular expression as written (add `(?i)` to ignore case),
searched in at most MAX_REGEX_INPUT characters so a hostile feed cannot make it run for
seconds. A field with several values (feed: title or URL; tag; speaker) matches when any of
its values does; `!=` and `!~` are the negation of `=` and `~`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from reader.core.rules.sqlfuncs import compiled_pattern
from reader.core.store import filters

MAX_EXPR_CHARS = 4_000
MAX_DEPTH = 50

TEXT_FIELDS = ("title", "author", "content", "link", "feed", "tag", "speaker")
FLAGS = ("unread", "saved", "has_enclosure")
FIELDS = (*TEXT_FIELDS, "age", *FLAGS)
OPS = ("=", "!=", "~", "!~", "contains", "<", ">")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}


class ExprError(ValueError):
    """A problem in an expression, at a column (0-based offset into the expression)."""

    def __init__(self, message: str, column: int) -> None:
        super().__init__(message)
        self.message, self.column = message, column

    def caret(self, source: str) -> str:
        """The expression with a caret under the problem, for messages."""
        return f"{source}\n{' ' * self.column}^"


# ---------------------------------------------------------------- tokens


@dataclass(frozen=True, slots=True)
class Token:
    kind: str  # word | op | string | duration | lparen | rparen | end
    value: str | float
    column: int


_TOKEN = re.compile(
    r"""(?P<space>\s+)
      | (?P<lparen>\()
      | (?P<rparen>\))
      | (?P<op>!=|!~|=|~|<|>)
      | (?P<string>")
      | (?P<duration>\d+(?:\.\d+)?[smhdw])\b
      | (?P<number>\d[\w.]*)
      | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
    """,
    re.X,
)


def tokenize(source: str) -> list[Token]:
    tokens: list[Token] = []
    pos = 0
    while pos < len(source):
        match = _TOKEN.match(source, pos)
        if match is None:
            raise ExprError(f"unexpected character {source[pos]!r}", pos)
        kind = match.lastgroup
        if kind == "space":
            pos = match.end()
        elif kind == "string":
            value, pos = _string(source, pos)
            tokens.append(Token("string", value, match.start()))
        elif kind == "duration":
            text = match.group()
            tokens.append(Token("duration", float(text[:-1]) * _UNITS[text[-1]], pos))
            pos = match.end()
        elif kind == "number":
            raise ExprError(
                f"{match.group()!r} is not a duration: write a number and a unit"
                " (s, m, h, d or w), e.g. 30d",
                pos,
            )
        else:
            assert kind is not None
            tokens.append(Token(kind, match.group(), pos))
            pos = match.end()
    tokens.append(Token("end", "", len(source)))
    return tokens


def _string(source: str, start: int) -> tuple[str, int]:
    """A double-quoted string: \\" is a quote, \\\\ a backslash; any other backslash stays
    as written, so regular expressions such as "\\d+" need no doubling."""
    out: list[str] = []
    pos = start + 1
    while pos < len(source):
        char = source[pos]
        if char == '"':
            return "".join(out), pos + 1
        if char == "\\" and pos + 1 < len(source) and source[pos + 1] in '"\\':
            out.append(source[pos + 1])
            pos += 2
            continue
        out.append(char)
        pos += 1
    raise ExprError("this string has no closing double quote", start)


# ---------------------------------------------------------------- the tree


@dataclass(frozen=True, slots=True)
class Compare:
    field: str
    op: str
    value: str | float
    column: int


@dataclass(frozen=True, slots=True)
class Flag:
    field: str


@dataclass(frozen=True, slots=True)
class Not:
    inner: Node


@dataclass(frozen=True, slots=True)
class BoolOp:
    op: str  # and | or
    items: tuple[Node, ...]


Node = Compare | Flag | Not | BoolOp


@dataclass(frozen=True, slots=True)
class Expr:
    """A parsed expression and the text it came from."""

    source: str
    tree: Node

    @property
    def uses_speaker(self) -> bool:
        return "speaker" in _fields(self.tree)

    def __str__(self) -> str:
        return self.source


# What a test costs an entry: column flags and times (SQL only), then the feed's names and
# tags (found once per feed), then a short text through Python, then the body, then the
# quote finder. `and`/`or` test their cheap terms first (SQL and Python alike), so an
# expensive test runs only on the entries the cheap ones leave undecided.
_COST = {"age": 0, "feed": 1, "tag": 1, "title": 2, "author": 2, "link": 2, "content": 3}


def cost(node: Node) -> int:
    if isinstance(node, Flag):
        return 0
    if isinstance(node, Compare):
        return _COST.get(node.field, 4)  # speaker: the quote finder
    if isinstance(node, Not):
        return cost(node.inner)
    return max(cost(i) for i in node.items)


def cheap_first(items: tuple[Node, ...]) -> list[Node]:
    """The terms of an `and`/`or` in the order to test them (same result in any order)."""
    return sorted(items, key=cost)


def _fields(node: Node) -> set[str]:
    if isinstance(node, Compare | Flag):
        return {node.field}
    if isinstance(node, Not):
        return _fields(node.inner)
    return set().union(*(_fields(i) for i in node.items))


class _Parser:
    def __init__(self, source: str) -> None:
        self.tokens = tokenize(source)
        self.pos = 0
        self.depth = 0

    def peek(self) -> Token:
        return self.tokens[self.pos]

    def take(self) -> Token:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def is_word(self, word: str) -> bool:
        token = self.peek()
        return token.kind == "word" and str(token.value).lower() == word

    def parse(self) -> Node:
        node = self.parse_or()
        token = self.peek()
        if token.kind != "end":
            raise ExprError(f"expected 'and', 'or' or the end, found {_show(token)}", token.column)
        return node

    def parse_or(self) -> Node:
        items = [self.parse_and()]
        while self.is_word("or"):
            self.take()
            items.append(self.parse_and())
        return items[0] if len(items) == 1 else BoolOp("or", tuple(items))

    def parse_and(self) -> Node:
        items = [self.parse_not()]
        while self.is_word("and"):
            self.take()
            items.append(self.parse_not())
        return items[0] if len(items) == 1 else BoolOp("and", tuple(items))

    def parse_not(self) -> Node:
        if self.is_word("not"):
            token = self.take()
            self._enter(token)
            node = Not(self.parse_not())
            self.depth -= 1
            return node
        return self.parse_atom()

    def _enter(self, token: Token) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExprError(f"nested more than {MAX_DEPTH} levels deep", token.column)

    def parse_atom(self) -> Node:
        token = self.take()
        if token.kind == "lparen":
            self._enter(token)
            node = self.parse_or()
            closing = self.take()
            if closing.kind != "rparen":
                raise ExprError(f"expected ')', found {_show(closing)}", closing.column)
            self.depth -= 1
            return node
        if token.kind != "word":
            raise ExprError(f"expected a field, 'not' or '(', found {_show(token)}", token.column)
        name = str(token.value).lower()
        if name not in FIELDS:
            raise ExprError(
                f"unknown field {token.value!r}; fields: {', '.join(FIELDS)}", token.column
            )
        if name in FLAGS:
            return Flag(name)
        op_token = self.take()
        op = str(op_token.value).lower() if op_token.kind in ("op", "word") else ""
        if op not in OPS:
            raise ExprError(
                f"expected an operator after {name} (= != ~ !~ contains < >), found {_show(op_token)}",
                op_token.column,
            )
        value = self.take()
        return _compare(name, op, op_token, value)


def _compare(name: str, op: str, op_token: Token, value: Token) -> Compare:
    if name == "age":
        if op not in ("<", ">"):
            raise ExprError("age compares with < or > (age > 30d)", op_token.column)
        if value.kind != "duration":
            raise ExprError(
                f"expected a duration such as 30d or 12h, found {_show(value)}", value.column
            )
        return Compare(name, op, float(value.value), value.column)
    if op in ("<", ">"):
        raise ExprError(f"{op} only compares age; {name} takes = != ~ !~ contains", op_token.column)
    if value.kind != "string":
        raise ExprError(f'expected a "double-quoted string", found {_show(value)}', value.column)
    text = str(value.value)
    if op in ("~", "!~"):
        try:
            compiled_pattern(text)
        except re.error as err:
            column = value.column + 1 + (err.pos or 0)
            raise ExprError(f"not a valid regular expression: {err.msg}", column) from None
    return Compare(name, op, text, value.column)


def _show(token: Token) -> str:
    if token.kind == "end":
        return "the end"
    if token.kind == "string":
        return f'"{token.value}"'
    if token.kind == "duration":
        return "a duration"
    return repr(token.value)


def parse(source: str) -> Expr:
    """Parse an expression; ExprError says what is wrong and at which column."""
    if len(source) > MAX_EXPR_CHARS:
        raise ExprError(f"longer than {MAX_EXPR_CHARS} characters", MAX_EXPR_CHARS)
    if not source.strip():
        raise ExprError("empty expression", 0)
    return Expr(source, _Parser(source).parse())


# ---------------------------------------------------------------- SQL

# What each field reads in the cache is the store's (reader/core/store/filters.py); the
# language, its order of evaluation and its string tests are written here.


def to_sql(expr: Expr, now: float) -> tuple[str, list]:
    """A SQL condition over `entries` and its params; it calls sqlfuncs.FUNCTIONS, which the
    connection must have (Store.use_functions)."""
    params: list = []
    return _sql(expr.tree, now, params), params


def _sql(node: Node, now: float, params: list) -> str:
    if isinstance(node, BoolOp):
        terms = cheap_first(node.items)
        return "(" + f" {node.op.upper()} ".join(_sql(i, now, params) for i in terms) + ")"
    if isinstance(node, Not):
        return f"(NOT {_sql(node.inner, now, params)})"
    if isinstance(node, Flag):
        return filters.FLAGS[node.field]
    if node.field == "age":
        params.append(now - float(node.value))
        return filters.age(older=node.op == ">")  # age > 30d: published before now-30d
    negate = node.op in ("!=", "!~")
    op = {"!=": "=", "!~": "~"}.get(node.op, node.op)
    value = str(node.value) if op == "~" else str(node.value).casefold()
    if node.field == "speaker":
        test = _speaker_sql(op, value, params)
    elif node.field == "feed":
        test = filters.feed(_text_test(op, filters.FEED_NAME, value, params))
    elif node.field == "tag":  # a feed's tags, then a tag a rule gave the entry (params' order)
        feed_tags = _text_test(op, filters.FEED_TAG, value, params)
        test = filters.tag(feed_tags, _text_test(op, filters.OWN_TAG, value, params))
    elif node.field == "content":
        test = filters.content(_text_test(op, filters.BODY, value, params))
    else:
        test = _text_test(op, filters.COLUMNS[node.field], value, params)
    return f"(NOT {test})" if negate else test


def _text_test(op: str, column: str, value: str, params: list) -> str:
    """`column op value` for =, contains (value casefolded) and ~, as SQL. Always the Python
    functions: measured, Python's casefold() and `in` beat SQLite's lower() and instr() on
    1 KB bodies (14 against 25 µs an entry), and GLOB to spot the few letters casefold()
    turns into ASCII (ß, ﬁ, the Kelvin sign) cost 0.5 ms an entry."""
    func = {"=": "byline_eq", "contains": "byline_contains", "~": "byline_re"}[op]
    params.append(value)
    return f"{func}({column}, ?)"


def _speaker_sql(op: str, value: str, params: list) -> str:
    """Speakers come from the quote finder, run on the entry's own content. A name the text
    does not contain cannot be a speaker (pronouns resolve to names written before them), so
    for = and contains the cheap word test goes first and the quote finder runs only on the
    entries that pass it."""
    call = f"byline_speaker({filters.SPEAKER_SOURCE}, ?, ?)"
    if op == "~":
        params.extend([op, value])
        return call
    params.extend([value, op, value])
    # CASE, not AND: SQLite may evaluate the terms of an AND in any order.
    return f"(CASE WHEN byline_contains({filters.COLUMNS['content']}, ?) THEN {call} ELSE 0 END)"
