"""The tiny expression language of conditions (``if``) and effects (``set``).

Authors need conditions such as ``trust >= 2 and not visited(shed)``, but a story file must
never run code, so this module parses the language itself and evaluates the tree; there is
no ``eval``. Every parse error carries the column where it happened.

Grammar (lowest precedence first)::

    effects    := effect (";" effect)*
    effect     := NAME ("=" | "+=" | "-=") expr
    expr       := or
    or         := and ("or" and)*
    and        := not ("and" not)*
    not        := "not" not | comparison
    comparison := sum (("==" | "!=" | "<" | "<=" | ">" | ">=") sum)?
    sum        := unary (("+" | "-") unary)*
    unary      := "-" unary | atom
    atom       := INT | "true" | "false" | STRING | "role" | NAME
                | ("visited" | "noted") "(" ID ")" | "(" expr ")"
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

Value = int | bool | str

FUNCTIONS = ("visited", "noted")
KEYWORDS = ("and", "or", "not", "true", "false", "role", *FUNCTIONS)

# Bounds that keep arbitrary input from exhausting the stack or the CPU: real conditions
# are a few dozen tokens, nest a few levels and compare small numbers.
MAX_TOKENS = 256
MAX_NESTING = 32
MAX_DIGITS = 15


class ExprError(Exception):
    """A syntax or type error, at a 0-based column of the expression text."""

    def __init__(self, message: str, column: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.column = column


# --- syntax tree -------------------------------------------------------------------


@dataclass(frozen=True)
class Literal:
    """An integer, boolean or string constant."""

    value: Value


@dataclass(frozen=True)
class Var:
    """A story variable."""

    name: str
    column: int


@dataclass(frozen=True)
class Role:
    """The role the learner plays."""


@dataclass(frozen=True)
class Call:
    """``visited(id)`` or ``noted(id)``."""

    func: str
    arg: str
    column: int


@dataclass(frozen=True)
class Unary:
    """``not x`` or ``-x``."""

    op: str
    operand: Node


@dataclass(frozen=True)
class Binary:
    """A binary operation: logic, comparison or arithmetic."""

    op: str
    left: Node
    right: Node
    column: int


Node = Literal | Var | Role | Call | Unary | Binary


@dataclass(frozen=True)
class Effect:
    """``name op expr`` where op is ``=``, ``+=`` or ``-=``."""

    name: str
    op: str
    expr: Node
    column: int


# --- tokens --------------------------------------------------------------------------

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<int>\d+)
      | (?P<str>'[^']*'|"[^"]*")
      | (?P<name>[A-Za-z_][A-Za-z0-9_.\-]*)
      | (?P<op>==|!=|<=|>=|\+=|-=|[<>=+\-();])
    )""",
    re.VERBOSE,
)


@dataclass(frozen=True)
class _Tok:
    kind: str
    text: str
    column: int


_TRAILING_SPACE = re.compile(r"\s*\Z")


def _tokenize(text: str) -> list[_Tok]:
    tokens: list[_Tok] = []
    pos = 0
    while pos < len(text):
        if _TRAILING_SPACE.match(text, pos):
            break
        if len(tokens) >= MAX_TOKENS:
            raise ExprError(f"the expression is too long (over {MAX_TOKENS} parts)", pos)
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            col = pos + (len(text[pos:]) - len(text[pos:].lstrip()))
            raise ExprError(f"unexpected character {text[col]!r}", col)
        kind = m.lastgroup or "op"
        start = m.start(kind)
        value = m.group(kind)
        if kind == "name" and ("-" in value or "." in value):
            # Names may contain '-' and '.' only as ids inside visited()/noted();
            # elsewhere `a-b` means subtraction, so split such a name back up.
            head = re.match(r"[A-Za-z_][A-Za-z0-9_]*", value)
            assert head is not None
            in_call = len(tokens) >= 2 and tokens[-1].text == "(" and tokens[-2].text in FUNCTIONS
            if not in_call:
                value = head.group(0)
        tokens.append(_Tok(kind, value, start))
        pos = start + len(value)
    tokens.append(_Tok("end", "", len(text)))
    return tokens


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = _tokenize(text)
        self.i = 0
        self.nesting = 0

    def nest(self, tok: _Tok) -> None:
        """Count one more level of ``not``, ``-`` or ``(``; refuse absurd depths."""
        self.nesting += 1
        if self.nesting > MAX_NESTING:
            raise ExprError("the expression is nested too deeply", tok.column)

    def peek(self) -> _Tok:
        return self.tokens[self.i]

    def next(self) -> _Tok:
        tok = self.tokens[self.i]
        if tok.kind != "end":
            self.i += 1
        return tok

    def expect(self, text: str) -> _Tok:
        tok = self.next()
        if tok.text != text:
            found = repr(tok.text) if tok.kind != "end" else "the end"
            raise ExprError(f"expected {text!r} but found {found}", tok.column)
        return tok

    def at_end(self) -> None:
        tok = self.peek()
        if tok.kind != "end":
            raise ExprError(f"unexpected {tok.text!r}", tok.column)

    # precedence climbing
    def expr(self) -> Node:
        return self.or_()

    def or_(self) -> Node:
        left = self.and_()
        while self.peek().text == "or":
            col = self.next().column
            left = Binary("or", left, self.and_(), col)
        return left

    def and_(self) -> Node:
        left = self.not_()
        while self.peek().text == "and":
            col = self.next().column
            left = Binary("and", left, self.not_(), col)
        return left

    def not_(self) -> Node:
        if self.peek().text == "not":
            self.nest(self.next())
            node = Unary("not", self.not_())
            self.nesting -= 1
            return node
        return self.comparison()

    def comparison(self) -> Node:
        left = self.sum()
        tok = self.peek()
        if tok.kind == "op" and tok.text in ("==", "!=", "<", "<=", ">", ">="):
            self.next()
            left = Binary(tok.text, left, self.sum(), tok.column)
            nxt = self.peek()
            if nxt.kind == "op" and nxt.text in ("==", "!=", "<", "<=", ">", ">="):
                raise ExprError("comparisons cannot be chained; use 'and'", nxt.column)
        elif tok.kind == "op" and tok.text == "=":
            raise ExprError("use '==' to compare ('=' assigns, in 'set')", tok.column)
        return left

    def sum(self) -> Node:
        left = self.unary()
        while self.peek().text in ("+", "-") and self.peek().kind == "op":
            tok = self.next()
            left = Binary(tok.text, left, self.unary(), tok.column)
        return left

    def unary(self) -> Node:
        if self.peek().text == "-" and self.peek().kind == "op":
            self.nest(self.next())
            node = Unary("-", self.unary())
            self.nesting -= 1
            return node
        return self.atom()

    def atom(self) -> Node:
        tok = self.next()
        if tok.kind == "int":
            if len(tok.text) > MAX_DIGITS:
                raise ExprError("the number is too large", tok.column)
            return Literal(int(tok.text))
        if tok.kind == "str":
            return Literal(tok.text[1:-1])
        if tok.kind == "name":
            if tok.text == "true":
                return Literal(True)
            if tok.text == "false":
                return Literal(False)
            if tok.text == "role":
                return Role()
            if tok.text in FUNCTIONS:
                self.expect("(")
                arg = self.next()
                if arg.kind not in ("name", "str"):
                    raise ExprError(f"{tok.text}() needs an id", arg.column)
                self.expect(")")
                name = arg.text.strip("'\"") if arg.kind == "str" else arg.text
                return Call(tok.text, name, arg.column)
            if tok.text in ("and", "or", "not"):
                raise ExprError(f"{tok.text!r} needs a value before it", tok.column)
            return Var(tok.text, tok.column)
        if tok.text == "(":
            self.nest(tok)
            node = self.expr()
            self.expect(")")
            self.nesting -= 1
            return node
        if tok.kind == "end":
            raise ExprError("the expression ends too early", tok.column)
        raise ExprError(f"unexpected {tok.text!r}", tok.column)

    def effects(self) -> list[Effect]:
        result: list[Effect] = []
        while True:
            tok = self.next()
            if tok.kind != "name" or tok.text in KEYWORDS:
                raise ExprError("an effect starts with a variable name", tok.column)
            op = self.next()
            if op.text not in ("=", "+=", "-="):
                raise ExprError(f"expected '=', '+=' or '-=' after {tok.text!r}", op.column)
            result.append(Effect(tok.text, op.text, self.expr(), tok.column))
            if self.peek().text == ";":
                self.next()
                if self.peek().kind == "end":
                    break
                continue
            self.at_end()
            return result
        return result


def parse_condition(text: str) -> Node:
    """Parse a condition; raises :class:`ExprError` with a column."""
    parser = _Parser(text)
    if parser.peek().kind == "end":
        raise ExprError("the condition is empty", 0)
    node = parser.expr()
    parser.at_end()
    return node


def parse_effects(text: str) -> list[Effect]:
    """Parse ``a = 1; b += 2``; raises :class:`ExprError` with a column."""
    parser = _Parser(text)
    if parser.peek().kind == "end":
        raise ExprError("'set' is empty", 0)
    return parser.effects()


# --- static analysis ----------------------------------------------------------------


def walk(node: Node) -> list[Node]:
    """All nodes of a tree, parents first."""
    out: list[Node] = [node]
    if isinstance(node, Unary):
        out += walk(node.operand)
    elif isinstance(node, Binary):
        out += walk(node.left) + walk(node.right)
    return out


def infer_type(node: Node, variables: dict[str, Value]) -> str:
    """Return ``int``, ``bool`` or ``str``; raise :class:`ExprError` on a type mistake.

    Unknown variables are reported elsewhere; here they are taken to be integers so one
    mistake gives one diagnostic.
    """
    if isinstance(node, Literal):
        return _type_name(node.value)
    if isinstance(node, Var):
        return _type_name(variables[node.name]) if node.name in variables else "int"
    if isinstance(node, Role):
        return "str"
    if isinstance(node, Call):
        return "bool"
    if isinstance(node, Unary):
        inner = infer_type(node.operand, variables)
        want = "bool" if node.op == "not" else "int"
        if inner != want:
            raise ExprError(f"'{node.op}' needs a {_noun(want)}, not a {_noun(inner)}")
        return want
    left = infer_type(node.left, variables)
    right = infer_type(node.right, variables)
    if node.op in ("and", "or"):
        if left != "bool" or right != "bool":
            raise ExprError(f"'{node.op}' joins true/false values", node.column)
        return "bool"
    if node.op in ("+", "-", "<", "<=", ">", ">="):
        if left != "int" or right != "int":
            raise ExprError(f"'{node.op}' works on numbers only", node.column)
        return "int" if node.op in ("+", "-") else "bool"
    if left != right:
        raise ExprError(f"'{node.op}' compares a {_noun(left)} with a {_noun(right)}", node.column)
    return "bool"


def _type_name(value: Value) -> str:
    if isinstance(value, bool):
        return "bool"
    return "int" if isinstance(value, int) else "str"


def _noun(type_name: str) -> str:
    return {"int": "number", "bool": "true/false value", "str": "text"}[type_name]


# --- evaluation ---------------------------------------------------------------------


@dataclass(frozen=True)
class Env:
    """What an expression can see: variables, role, and the two query functions."""

    variables: dict[str, Value]
    role: str
    visited: Callable[[str], bool]
    noted: Callable[[str], bool]


def evaluate(node: Node, env: Env) -> Value:
    """Evaluate a checked tree. Integer overflow cannot happen: Python ints are unbounded."""
    if isinstance(node, Literal):
        return node.value
    if isinstance(node, Var):
        return env.variables.get(node.name, 0)
    if isinstance(node, Role):
        return env.role
    if isinstance(node, Call):
        return env.visited(node.arg) if node.func == "visited" else env.noted(node.arg)
    if isinstance(node, Unary):
        value = evaluate(node.operand, env)
        return (not value) if node.op == "not" else -_int(value)
    if node.op == "and":
        return bool(evaluate(node.left, env)) and bool(evaluate(node.right, env))
    if node.op == "or":
        return bool(evaluate(node.left, env)) or bool(evaluate(node.right, env))
    left = evaluate(node.left, env)
    right = evaluate(node.right, env)
    if node.op == "==":
        return left == right
    if node.op == "!=":
        return left != right
    a, b = _int(left), _int(right)
    if node.op == "+":
        return a + b
    if node.op == "-":
        return a - b
    if node.op == "<":
        return a < b
    if node.op == "<=":
        return a <= b
    if node.op == ">":
        return a > b
    return a >= b


def _int(value: Value) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def apply_effects(effects: list[Effect] | tuple[Effect, ...], env: Env) -> dict[str, Value]:
    """Return the variables after applying ``effects`` in order (the input is not changed)."""
    variables = dict(env.variables)
    for effect in effects:
        value = evaluate(effect.expr, Env(variables, env.role, env.visited, env.noted))
        if effect.op == "+=":
            value = _int(variables.get(effect.name, 0)) + _int(value)
        elif effect.op == "-=":
            value = _int(variables.get(effect.name, 0)) - _int(value)
        variables[effect.name] = value
    return variables


def map_calls(node: Node, func: Callable[[Call], Call]) -> Node:
    """A copy of ``node`` with every ``visited``/``noted`` call passed through ``func``."""
    if isinstance(node, Call):
        return func(node)
    if isinstance(node, Unary):
        return Unary(node.op, map_calls(node.operand, func))
    if isinstance(node, Binary):
        return Binary(node.op, map_calls(node.left, func), map_calls(node.right, func), node.column)
    return node
