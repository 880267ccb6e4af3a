"""A small, safe arithmetic language for calculated questions (no ``eval``).

A formula is made of numbers (``3``, ``2.5``, ``1e-3``), wildcards in braces (``{a}``), the
operators ``+ - * /`` and ``^`` (power, right-associative; ``**`` is read the same),
parentheses, the constant ``pi`` (also ``pi()`` as Moodle writes it) and the functions of
``FUNCTIONS``. Anything else (a name such as ``__import__``, a string, an attribute, a
comma outside a call) is refused with its position. Evaluation works on floats only, so no
formula can build a huge integer; a result that is not a finite number (division by zero,
overflow, ``sqrt(-1)``) raises ``FormulaError`` too.

``parse(text)`` returns an opaque tree, ``evaluate(tree, values)`` a float and
``wildcards(tree)`` the names it uses.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass

#: Longest formula accepted (characters) and deepest nesting (parentheses, calls, signs).
MAX_LENGTH = 500
MAX_DEPTH = 40


def _round(x: float, digits: float = 0.0) -> float:
    return float(round(x, int(digits)))


#: name -> (function, least and most arguments)
FUNCTIONS = {
    "sqrt": (math.sqrt, 1, 1), "abs": (abs, 1, 1), "min": (min, 1, 10), "max": (max, 1, 10),
    "round": (_round, 1, 2), "pow": (math.pow, 2, 2), "exp": (math.exp, 1, 1),
    "log": (math.log, 1, 1), "ln": (math.log, 1, 1), "log10": (math.log10, 1, 1),
    "floor": (math.floor, 1, 1), "ceil": (math.ceil, 1, 1), "sin": (math.sin, 1, 1),
    "cos": (math.cos, 1, 1), "tan": (math.tan, 1, 1), "asin": (math.asin, 1, 1),
    "acos": (math.acos, 1, 1), "atan": (math.atan, 1, 1),
}
WILDCARD_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,30}\Z")
_TOKEN = re.compile(r"\s*(?:(?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)"
                    r"|\{(?P<wildcard>[^{}]*)\}|(?P<name>[A-Za-z_][A-Za-z0-9_]*)"
                    r"|(?P<op>\*\*|[-+*/^(),]))")


class FormulaError(ValueError):
    """A formula that cannot be read or evaluated: ``code`` (a message code), the 1-based
    character ``position`` where it went wrong and the offending ``value``."""

    def __init__(self, code: str, position: int = 0, value: str = ""):
        self.code, self.position, self.value = code, position, value
        super().__init__(f"{code} at {position}: {value}")


@dataclass(frozen=True)
class _Node:
    kind: str  # number | wildcard | unary | binary | call
    value: object = None
    args: tuple = ()


def _tokens(text: str) -> list[tuple[str, str, int]]:
    found, position = [], 0
    while position < len(text):
        if text[position:].strip() == "":
            break
        match = _TOKEN.match(text, position)
        if match is None:  # refused when the parser reaches it, so earlier problems come first
            at = position + len(text[position:]) - len(text[position:].lstrip())
            found.append(("bad", text[at], at + 1))
            position = at + 1
            continue
        kind = match.lastgroup
        start = match.start(kind) - (1 if kind == "wildcard" else 0)  # a wildcard's brace
        found.append((kind, match.group(kind), start + 1))
        position = match.end()
    return found


class _Parser:
    def __init__(self, text: str):
        self.tokens = _tokens(text)
        self.index = 0
        self.end = len(text) + 1

    def peek(self) -> tuple[str, str, int] | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def take(self, op: str | None = None) -> tuple[str, str, int]:
        token = self.peek()
        if token is None:
            raise FormulaError("formula.incomplete", self.end, "")
        if op is not None and (token[0] != "op" or token[1] != op):
            raise FormulaError("formula.expected", token[2], f"{op} / {token[1]}")
        self.index += 1
        return token

    def is_op(self, *ops: str) -> bool:
        token = self.peek()
        return token is not None and token[0] == "op" and token[1] in ops

    def expression(self, depth: int) -> _Node:
        if depth > MAX_DEPTH:
            raise FormulaError("formula.too_deep", (self.peek() or ("", "", self.end))[2], "")
        node = self.term(depth)
        while self.is_op("+", "-"):
            op = self.take()[1]
            node = _Node("binary", op, (node, self.term(depth)))
        return node

    def term(self, depth: int) -> _Node:
        node = self.unary(depth)
        while self.is_op("*", "/"):
            op = self.take()[1]
            node = _Node("binary", op, (node, self.unary(depth)))
        return node

    def unary(self, depth: int) -> _Node:
        if depth > MAX_DEPTH:
            raise FormulaError("formula.too_deep", (self.peek() or ("", "", self.end))[2], "")
        if self.is_op("+", "-"):
            op = self.take()[1]
            return _Node("unary", op, (self.unary(depth + 1),))
        return self.power(depth)

    def power(self, depth: int) -> _Node:
        base = self.atom(depth)
        if self.is_op("^", "**"):
            self.take()
            return _Node("binary", "^", (base, self.unary(depth + 1)))
        return base

    def atom(self, depth: int) -> _Node:
        kind, value, position = self.take()
        if kind == "number":
            return _Node("number", float(value))
        if kind == "wildcard":
            name = value.strip()
            if not WILDCARD_NAME.match(name):
                raise FormulaError("formula.wildcard_name", position, value)
            return _Node("wildcard", name)
        if kind == "name":
            return self.call(value, position, depth)
        if kind == "bad":
            raise FormulaError("formula.character", position, value)
        if value == "(":
            node = self.expression(depth + 1)
            self.take(")")
            return node
        raise FormulaError("formula.unexpected", position, value)

    def call(self, name: str, position: int, depth: int) -> _Node:
        if name == "pi":
            if self.is_op("("):
                self.take("(")
                self.take(")")
            return _Node("number", math.pi)
        if name not in FUNCTIONS:
            raise FormulaError("formula.unknown_function", position, name)
        if not self.is_op("("):
            raise FormulaError("formula.expected", position, f"( / {name}")
        self.take("(")
        args = [self.expression(depth + 1)]
        while self.is_op(","):
            self.take(",")
            args.append(self.expression(depth + 1))
        self.take(")")
        _, least, most = FUNCTIONS[name]
        if not least <= len(args) <= most:
            raise FormulaError("formula.arguments", position, name)
        return _Node("call", name, tuple(args))


def parse(text: str) -> _Node:
    """The tree of ``text``; raises ``FormulaError`` naming the position of the problem."""
    if not isinstance(text, str) or not text.strip():
        raise FormulaError("formula.empty", 1, "")
    if len(text) > MAX_LENGTH:
        raise FormulaError("formula.too_long", MAX_LENGTH, str(len(text)))
    parser = _Parser(text)
    node = parser.expression(0)
    extra = parser.peek()
    if extra is not None:
        code = "formula.character" if extra[0] == "bad" else "formula.unexpected"
        raise FormulaError(code, extra[2], extra[1])
    return node


def wildcards(node: _Node) -> set[str]:
    """The wildcard names a formula uses."""
    if node.kind == "wildcard":
        return {str(node.value)}
    found: set[str] = set()
    for child in node.args:
        found |= wildcards(child)
    return found


def evaluate(node: _Node, values: Mapping[str, float]) -> float:
    """The value of the formula for ``values``; raises ``FormulaError`` when it has none."""
    try:
        result = _evaluate(node, values)
    except (ArithmeticError, ValueError) as error:
        if isinstance(error, FormulaError):
            raise
        raise FormulaError("formula.math", 0, str(error)[:40]) from error
    if not math.isfinite(result):
        raise FormulaError("formula.math", 0, repr(result))
    return result


def _evaluate(node: _Node, values: Mapping[str, float]) -> float:
    if node.kind == "number":
        return float(node.value)
    if node.kind == "wildcard":
        if node.value not in values:
            raise FormulaError("formula.unknown_wildcard", 0, str(node.value))
        return float(values[node.value])
    args = [_evaluate(child, values) for child in node.args]
    if node.kind == "unary":
        return -args[0] if node.value == "-" else args[0]
    if node.kind == "binary":
        left, right = args
        if node.value == "+":
            return left + right
        if node.value == "-":
            return left - right
        if node.value == "*":
            return left * right
        if node.value == "/":
            return left / right
        return math.pow(left, right)
    function = FUNCTIONS[str(node.value)][0]
    return float(function(*args))
