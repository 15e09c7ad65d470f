"""The claim language: a comparison of arithmetic expressions, parsed with ``ast`` against an
allow-list and evaluated by a small interpreter (never ``eval``, ``exec`` or ``compile``).

    params == filters * (in_channels * prod(kernel_size) + 1)
    inputs == params / (units * 4)
    kernel_size[0] <= 3 and use_bias == 1

Allowed: int and float literals (``True``/``False`` as 1/0), names, ``+ - * / // % **``, unary
``-``/``+``, comparisons (chains too: ``1 <= units < 8``), ``and``/``or``/``not``, indexing a tuple
(``kernel_size[0]``) and calls to ``prod``, ``min``, ``max``, ``ceil``, ``floor``, ``abs``.  Anything
else (attribute access, other calls, strings, lambdas, comprehensions …) is refused with the
offending token and its column.

``/`` between whole numbers is exact (a :class:`~fractions.Fraction`), so ``params / 4 == 1.5``
carries no float rounding.  Numbers are bounded (:data:`MAX_BITS`): ``10 ** 10 ** 10`` is refused
while parsing, and the same bound holds for every value a sample computes.

Pure Python, standard library only: the worker processes evaluate ``--where`` with it too.
"""

from __future__ import annotations

import ast
import difflib
import math
import warnings
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, cast

Number = int | float | Fraction
Value = Number | tuple[Number, ...] | bool

#: The only callable names, each with its arity rule checked at evaluation.
FUNCTIONS: tuple[str, ...] = ("prod", "min", "max", "ceil", "floor", "abs")
#: Names observed by building the layer in Keras (a claim may use them, ``--where`` may not).
OBSERVED: tuple[str, ...] = ("params", "trainable", "non_trainable", "bytes")
#: Names read from the input shape.
INPUT_NAMES: tuple[str, ...] = ("inputs", "in_channels")
#: Largest magnitude of any number, in bits (about 1e1233): ample for parameter counts and bytes,
#: small enough that no expression can make the interpreter compute for long.
MAX_BITS = 4096
MAX_LENGTH = 1000
MAX_NODES = 400

_COMPARE_OPS: dict[type[ast.cmpop], tuple[str, Callable[[object, object], bool]]] = {
    ast.Eq: ("==", lambda a, b: a == b),
    ast.NotEq: ("!=", lambda a, b: a != b),
    ast.Lt: ("<", lambda a, b: a < b),  # type: ignore[operator]
    ast.LtE: ("<=", lambda a, b: a <= b),  # type: ignore[operator]
    ast.Gt: (">", lambda a, b: a > b),  # type: ignore[operator]
    ast.GtE: (">=", lambda a, b: a >= b),  # type: ignore[operator]
}
_BIN_OPS: dict[type[ast.operator], str] = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
    ast.FloorDiv: "//",
    ast.Mod: "%",
    ast.Pow: "**",
}
_REFUSED_OPS: dict[type[ast.AST], str] = {
    ast.MatMult: "@",
    ast.BitAnd: "&",
    ast.BitOr: "|",
    ast.BitXor: "^",
    ast.LShift: "<<",
    ast.RShift: ">>",
    ast.Invert: "~",
    ast.Is: "is",
    ast.IsNot: "is not",
    ast.In: "in",
    ast.NotIn: "not in",
}
#: Friendly names for the node types people are most likely to try.
_NODE_NAMES: dict[type[ast.AST], str] = {
    ast.Lambda: "lambda",
    ast.IfExp: "conditional expression",
    ast.ListComp: "comprehension",
    ast.SetComp: "comprehension",
    ast.DictComp: "comprehension",
    ast.GeneratorExp: "generator expression",
    ast.List: "list literal",
    ast.Tuple: "tuple literal",
    ast.Set: "set literal",
    ast.Dict: "dict literal",
    ast.JoinedStr: "f-string",
    ast.NamedExpr: "assignment expression",
    ast.Starred: "starred expression",
    ast.Await: "await",
    ast.Yield: "yield",
    ast.YieldFrom: "yield",
    ast.Slice: "slice",
}


class ClaimSyntaxError(ValueError):
    """The text is not a claim this language accepts; ``column`` is 1-based (None: the whole text)."""

    def __init__(self, message: str, text: str = "", column: int | None = None, width: int = 1, hint: str = "") -> None:
        where = f" at column {column}" if column is not None else ""
        super().__init__(f"{message}{where}{hint}")
        self.message, self.text, self.column, self.width, self.hint = message, text, column, max(1, width), hint

    def pointer(self) -> str:
        """The text with a caret line under the offending token (empty without a column)."""
        if self.column is None or not self.text:
            return ""
        return f"  {self.text}\n  {' ' * (self.column - 1)}{'^' * self.width}"


class EvalError(ArithmeticError):
    """A claim that cannot be evaluated on one sample (a name without a numeric value, a division
    by zero, a number out of bounds …)."""


@dataclass(frozen=True)
class Expr:
    """A parsed claim or condition.  ``names`` are the value names it uses (function names
    excluded), with the 1-based column and width of the first use of each."""

    text: str
    tree: ast.Expression
    names: Mapping[str, tuple[int, int]]

    def evaluate(self, values: Mapping[str, Value | None]) -> bool:
        """True or False on these values; :class:`EvalError` when it cannot be decided."""
        return _Interpreter(values).truth(self.tree.body)

    def substituted(self, values: Mapping[str, Value | None]) -> str:
        """The text with each name replaced by its value, e.g. ``7850 == 10 * (784 + 1)``."""

        class Substitute(ast.NodeTransformer):
            def visit_Name(self, node: ast.Name) -> ast.AST:
                value = values.get(node.id)
                if value is None:
                    return node
                constant: Any = _display_constant(value)  # ast.Constant's stubs know no tuples
                if isinstance(constant, Fraction):
                    ratio = ast.BinOp(ast.Constant(constant.numerator), ast.Div(), ast.Constant(constant.denominator))
                    return ast.copy_location(ratio, node)
                return ast.copy_location(ast.Constant(value=constant), node)

        tree = Substitute().visit(_copy(self.tree))
        return ast.unparse(tree)

    def sides(self, values: Mapping[str, Value | None]) -> list[tuple[str, str]]:
        """Each operand of each comparison, as source text and the value it evaluates to
        (``"?"`` plus the reason where it cannot be evaluated)."""
        out: list[tuple[str, str]] = []
        interpreter = _Interpreter(values)
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Compare):
                for operand in (node.left, *node.comparators):
                    source = ast.get_source_segment(self.text, operand) or ast.unparse(operand)
                    try:
                        shown = format_value(interpreter.run(operand))
                    except EvalError as exc:
                        shown = f"? ({exc})"
                    out.append((source, shown))
        return out


def format_value(value: Value) -> str:
    """Fractions as ``157/2 (78.5)`` (whole ones as ints), floats without noise, tuples as tuples."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, Fraction):
        if value.denominator == 1:
            return str(value.numerator)
        try:
            return f"{value} ({float(value):.6g})"
        except OverflowError:  # past a float (about 1e308): the fraction alone
            return str(value)
    if isinstance(value, float):
        return f"{value:.10g}"
    if isinstance(value, tuple):
        return "(" + ", ".join(format_value(v) for v in value) + ("," if len(value) == 1 else "") + ")"
    return str(value)


def _display_constant(value: Value) -> object:
    if isinstance(value, tuple):
        return tuple(_display_constant(v) for v in value)
    if isinstance(value, Fraction):
        if value.denominator == 1:
            return value.numerator
        try:
            return float(value)
        except OverflowError:  # past a float: shown as the division it is
            return value
    return value


def _copy(tree: ast.Expression) -> ast.Expression:
    # ast nodes have no copy protocol of their own; parse the unparsed text again.
    return ast.parse(ast.unparse(tree), mode="eval")


# -- parsing ---------------------------------------------------------------------------------


#: Every character ``str.splitlines`` breaks at (not only \n and \r: U+0085, U+2028 …); the
#: parser's source positions assume one line.
_LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")


def parse(text: str, *, allowed_names: Iterable[str] | None = None, what: str = "claim") -> Expr:
    """Parse ``text`` as a claim (a comparison, possibly joined by and/or/not).

    ``allowed_names``: when given, any other name is refused (with the nearest known ones).
    Raises :class:`ClaimSyntaxError` naming the offending token and its column."""
    if not text.strip():
        raise ClaimSyntaxError(f"the {what} is empty", text)
    if len(text) > MAX_LENGTH:
        raise ClaimSyntaxError(f"the {what} is {len(text)} characters long; at most {MAX_LENGTH} are accepted", text)
    breaks = [i for i, ch in enumerate(text) if ch in _LINE_BREAKS]
    if breaks:
        raise ClaimSyntaxError(f"the {what} must be one line: a line break {text[breaks[0]]!r}", text, breaks[0] + 1)
    # A leading space is an "unexpected indent" to the parser: parse the stripped text and shift
    # the columns back, so they count in what the person typed.
    offset = len(text) - len(text.lstrip())
    stripped = text.strip()
    try:
        with warnings.catch_warnings():  # "invalid decimal literal" and the like: refused below or harmless
            warnings.simplefilter("ignore", SyntaxWarning)
            tree = ast.parse(stripped, mode="eval")
    except SyntaxError as exc:
        if exc.lineno not in (None, 1) or not exc.offset:  # the parser ran out of text
            raise ClaimSyntaxError(
                f"cannot parse the {what}: {exc.msg} (it ends too early)", text, offset + len(stripped) + 1
            ) from None
        raise ClaimSyntaxError(f"cannot parse the {what}: {exc.msg}", text, offset + exc.offset) from None
    except (ValueError, RecursionError, MemoryError) as exc:  # null bytes, absurd nesting
        raise ClaimSyntaxError(f"cannot parse the {what}: {type(exc).__name__}: {exc}", text) from None
    # The tree's columns count UTF-8 bytes: a leading U+00A0 is one character but two bytes.
    shift = len(text[:offset].encode("utf-8", errors="surrogatepass"))
    if shift:
        for node in ast.walk(tree):
            if hasattr(node, "col_offset"):
                node.col_offset += shift
                end = getattr(node, "end_col_offset", None)
                if end is not None:
                    setattr(node, "end_col_offset", end + shift)  # noqa: B010
    nodes = sum(1 for _ in ast.walk(tree))
    if nodes > MAX_NODES:
        raise ClaimSyntaxError(f"the {what} has {nodes} syntax nodes; at most {MAX_NODES} are accepted", text)
    checker = _Checker(text, what)
    checker.boolean(tree.body, top=True)
    if allowed_names is not None:
        check_names(text, checker.names, set(allowed_names))
    _fold_constants(text, tree.body)
    return Expr(text, tree, dict(checker.names))


def check_names(text: str, names: Mapping[str, tuple[int, int]], allowed: set[str], prefix: str = "") -> None:
    """Refuse the first name (by column) outside ``allowed``, suggesting the nearest ones."""
    for name, (column, width) in sorted(names.items(), key=lambda item: item[1]):
        if name not in allowed:
            close = difflib.get_close_matches(name, sorted(allowed), n=3, cutoff=0.6)
            suggestion = f" (did you mean {' or '.join(close)}?)" if close else ""
            raise ClaimSyntaxError(f"{prefix}unknown name {name!r}", text, column, width, suggestion)


def _position(node: ast.AST) -> tuple[int, int]:
    start = getattr(node, "col_offset", 0)
    end = getattr(node, "end_col_offset", None) or start + 1
    return start + 1, max(1, end - start)


class _Checker:
    """Walks the tree once: every node must be on the allow-list, comparisons and and/or/not sit
    where a truth value is expected and arithmetic where a number is."""

    def __init__(self, text: str, what: str) -> None:
        self.text, self.what = text, what
        self.names: dict[str, tuple[int, int]] = {}

    def fail(self, message: str, node: ast.AST, token: str | None = None) -> None:
        column, width = _position(node)
        segment = token if token is not None else (ast.get_source_segment(self.text, node) or "")
        if len(segment) > 40:
            segment = segment[:37] + "..."
        shown = f": {segment!r}" if segment else ""
        raise ClaimSyntaxError(f"{message}{shown}", self.text, column, width)

    def refuse(self, node: ast.AST) -> None:
        """Refusal of a node that is not on the allow-list, named as precisely as possible."""
        if isinstance(node, ast.Attribute):
            column = (getattr(node.value, "end_col_offset", None) or node.col_offset) + 1
            token = "." + node.attr
            raise ClaimSyntaxError(f"attribute access is not allowed: {token!r}", self.text, column, len(token))
        if isinstance(node, ast.Constant):
            kind = {str: "string", bytes: "bytes", complex: "complex number"}.get(type(node.value), type(node.value).__name__)
            if node.value is None:
                kind = "None"
            if node.value is Ellipsis:
                kind = "Ellipsis"
            self.fail(f"{kind} literals are not allowed (only int and float numbers)", node)
        name = _NODE_NAMES.get(type(node), type(node).__name__)
        self.fail(f"{name} is not allowed", node)

    def boolean(self, node: ast.expr, top: bool = False) -> None:
        """A truth value: a comparison, and/or/not of truth values, or (inside and/or/not, or as a
        whole ``--where`` condition) a number, true when not zero (``not use_bias``)."""
        if isinstance(node, ast.Compare):
            for op in node.ops:
                if type(op) not in _COMPARE_OPS:
                    symbol = _REFUSED_OPS.get(type(op), type(op).__name__)
                    self.fail(f"operator {symbol!r} is not allowed", node, symbol)
            for operand in (node.left, *node.comparators):
                self.number(operand)
        elif isinstance(node, ast.BoolOp):
            for value in node.values:
                self.boolean(value)
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            self.boolean(node.operand)
        elif isinstance(node, (ast.Constant, ast.Name, ast.BinOp, ast.Call, ast.Subscript)) or (
            isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd))
        ):
            self.number(node)  # refuse what is not allowed at all before what is misplaced
            if top and self.what == "claim":
                self.fail("a claim must be a comparison such as 'params == units * (inputs + 1)', not a number", node)
        else:
            self.refuse(node)

    def number(self, node: ast.expr) -> None:
        if isinstance(node, ast.Constant):
            if isinstance(node.value, (bool, int, float)):
                if isinstance(node.value, int) and node.value.bit_length() > MAX_BITS:
                    self.fail(f"number literal longer than {MAX_BITS} bits", node, str(node.value)[:20] + "...")
                return
            self.refuse(node)
        elif isinstance(node, ast.Name):
            if node.id in FUNCTIONS:
                self.fail(f"{node.id} is a function; call it as {node.id}(...)", node)
            if node.id.startswith("__"):
                self.fail("dunder names are not allowed", node)
            self.names.setdefault(node.id, _position(node))
        elif isinstance(node, ast.BinOp):
            if type(node.op) not in _BIN_OPS:
                symbol = _REFUSED_OPS.get(type(node.op), type(node.op).__name__)
                self.fail(f"operator {symbol!r} is not allowed", node, symbol)
            self.number(node.left)
            self.number(node.right)
        elif isinstance(node, ast.UnaryOp):
            if isinstance(node.op, ast.Not):
                self.fail("'not' gives a truth value where a number is expected", node)
            if not isinstance(node.op, (ast.USub, ast.UAdd)):
                symbol = _REFUSED_OPS.get(type(node.op), type(node.op).__name__)
                self.fail(f"operator {symbol!r} is not allowed", node, symbol)
            self.number(node.operand)
        elif isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute):
                self.refuse(func)
            if not isinstance(func, ast.Name):
                self.fail(f"only calls to {', '.join(FUNCTIONS)} are allowed", func)
            assert isinstance(func, ast.Name)
            if func.id not in FUNCTIONS:
                self.fail(f"calling {func.id!r} is not allowed (only {', '.join(FUNCTIONS)})", func, "")
            if node.keywords:
                keyword = node.keywords[0]
                self.fail(f"{func.id}() takes no keyword arguments", keyword, keyword.arg or "**")
            if not node.args:
                self.fail(f"{func.id}() needs an argument", node)
            for arg in node.args:
                if isinstance(arg, ast.Starred):
                    self.refuse(arg)
                self.number(arg)
        elif isinstance(node, ast.Subscript):
            if isinstance(node.slice, ast.Slice):
                self.refuse(node.slice)
            self.number(node.value)
            self.number(node.slice)
        elif isinstance(node, (ast.Compare, ast.BoolOp)):
            self.fail("a truth value is used where a number is expected", node)
        else:
            self.refuse(node)


def _has_name(node: ast.AST) -> bool:
    return any(isinstance(n, ast.Name) for n in ast.walk(node))


def _fold_constants(text: str, node: ast.expr) -> None:
    """Evaluate every largest name-free arithmetic part now, so a runaway constant
    (``10 ** 10 ** 10``) or a division by zero is refused before anything runs."""
    if isinstance(node, (ast.BinOp, ast.UnaryOp, ast.Call, ast.Subscript)) and not isinstance(getattr(node, "op", None), ast.Not):
        if not _has_name(node):
            try:
                _Interpreter({}).run(node)
            except EvalError as exc:
                column, width = _position(node)
                raise ClaimSyntaxError(str(exc), text, column, width) from None
            return
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.expr):
            _fold_constants(text, child)


# -- evaluation ------------------------------------------------------------------------------


def _check_size(value: Number) -> Number:
    if isinstance(value, int) and value.bit_length() > MAX_BITS:
        raise EvalError(f"a number larger than 2**{MAX_BITS}")
    if isinstance(value, Fraction) and max(value.numerator.bit_length(), value.denominator.bit_length()) > MAX_BITS:
        raise EvalError(f"a fraction with more than {MAX_BITS} bits")
    if isinstance(value, float) and not math.isfinite(value):
        raise EvalError("a float overflow (inf or nan)")
    return value


def _bits(value: Number) -> int:
    if isinstance(value, float):
        return math.frexp(value)[1] if value else 0
    if isinstance(value, Fraction):
        return max(value.numerator.bit_length(), value.denominator.bit_length())
    return int(value).bit_length()


def _normal(value: Number) -> Number:
    return value.numerator if isinstance(value, Fraction) and value.denominator == 1 else value


class _Interpreter:
    def __init__(self, values: Mapping[str, Value | None]) -> None:
        self.values = values

    def run(self, node: ast.expr) -> Value:
        method = getattr(self, f"_{type(node).__name__}", None)
        if method is None:  # the checker refused these already; this is the second line of defence
            raise EvalError(f"{type(node).__name__} cannot be evaluated")
        result: Value = method(node)
        return result

    def number(self, node: ast.expr) -> Number:
        value = self.run(node)
        if isinstance(value, tuple):
            source = ast.unparse(node)
            raise EvalError(f"{source} is a tuple {format_value(value)}; index it ({source}[0]) or use prod/min/max")
        if isinstance(value, bool):
            return int(value)
        return value

    def _Constant(self, node: ast.Constant) -> Value:
        value = node.value
        if isinstance(value, bool):
            return int(value)
        if isinstance(value, (int, float)):
            return _check_size(value)
        raise EvalError(f"{type(value).__name__} literal")

    def _Name(self, node: ast.Name) -> Value:
        if node.id not in self.values:
            raise EvalError(f"unknown name {node.id!r}")
        value = self.values[node.id]
        if value is None:
            raise EvalError(f"{node.id} has no numeric value here (None)")
        return value

    def _UnaryOp(self, node: ast.UnaryOp) -> Value:
        if isinstance(node.op, ast.Not):
            return not self.truth(node.operand)
        value = self.number(node.operand)
        return -value if isinstance(node.op, ast.USub) else +value

    def truth(self, node: ast.expr) -> bool:
        if isinstance(node, (ast.Compare, ast.BoolOp)) or (isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not)):
            return bool(self.run(node))
        return self.number(node) != 0

    def _BoolOp(self, node: ast.BoolOp) -> Value:
        if isinstance(node.op, ast.And):
            return all(self.truth(v) for v in node.values)
        return any(self.truth(v) for v in node.values)

    def _Compare(self, node: ast.Compare) -> Value:
        left = self.run(node.left)
        for op, comparator in zip(node.ops, node.comparators):
            right = self.run(comparator)
            symbol, compare = _COMPARE_OPS[type(op)]
            if isinstance(left, tuple) != isinstance(right, tuple):
                raise EvalError(f"cannot compare a tuple with a number: {format_value(left)} {symbol} {format_value(right)}")
            if isinstance(left, tuple) and symbol not in ("==", "!="):
                raise EvalError(f"tuples can only be compared with == or !=: {format_value(left)} {symbol} {format_value(right)}")
            if not compare(left, right):
                return False
            left = right
        return True

    def _BinOp(self, node: ast.BinOp) -> Value:
        a, b = self.number(node.left), self.number(node.right)
        op = type(node.op)
        try:
            if op is ast.Add:
                result: Number = a + b
            elif op is ast.Sub:
                result = a - b
            elif op is ast.Mult:
                if _bits(a) + _bits(b) > MAX_BITS + 1:
                    raise EvalError(f"a product larger than 2**{MAX_BITS}")
                result = a * b
            elif op is ast.Div:
                if isinstance(a, float) or isinstance(b, float):
                    result = a / b
                else:
                    result = Fraction(a) / Fraction(b)
            elif op is ast.FloorDiv:
                result = a // b
            elif op is ast.Mod:
                result = a % b
            else:
                result = self._power(a, b)
        except ZeroDivisionError:
            raise EvalError(f"division by zero in {ast.unparse(node)}") from None
        except OverflowError:
            raise EvalError(f"a float overflow in {ast.unparse(node)}") from None
        return _check_size(_normal(result))

    @staticmethod
    def _power(a: Number, b: Number) -> Number:
        if isinstance(b, Fraction) and b.denominator == 1:
            b = b.numerator
        if isinstance(b, int) and isinstance(a, float):
            if abs(b) > MAX_BITS:
                raise EvalError(f"exponent {b} is larger than {MAX_BITS}")
            return a**b  # a float result overflows (OverflowError) rather than running away
        if isinstance(b, int):
            if a in (0, 1, -1):
                if a == 0 and b < 0:
                    raise ZeroDivisionError
                return a**b if b >= 0 else Fraction(1) / a**-b
            if abs(b) * max(1, _bits(a)) > MAX_BITS:
                raise EvalError(f"{format_value(a)} ** {b} exceeds 2**{MAX_BITS}")
            return a**b if b >= 0 else Fraction(1) / Fraction(a) ** -b
        # A fractional or float exponent: computed in floats (which overflow, not run away).
        result: object = float(a) ** float(b)
        if not isinstance(result, float):  # a negative base to a fractional power: complex
            raise EvalError(f"{format_value(a)} ** {format_value(b)} is not a real number")
        return result

    def _Subscript(self, node: ast.Subscript) -> Value:
        container = self.run(node.value)
        index = self.number(node.slice)
        if not isinstance(container, tuple):
            raise EvalError(f"{ast.unparse(node.value)} is {format_value(container)}, not a tuple; it cannot be indexed")
        if isinstance(index, Fraction) and index.denominator == 1:
            index = index.numerator
        if not isinstance(index, int):
            raise EvalError(f"index {format_value(index)} is not a whole number")
        if not -len(container) <= index < len(container):
            raise EvalError(f"index {index} is out of range for {ast.unparse(node.value)} = {format_value(container)}")
        return container[index]

    def _Call(self, node: ast.Call) -> Value:
        assert isinstance(node.func, ast.Name)
        name = node.func.id
        args = [self.run(a) for a in node.args]
        if name in ("prod", "min", "max"):
            if len(args) == 1 and isinstance(args[0], tuple):
                items: list[Number] = list(args[0])
            else:
                items = []
                for arg, source in zip(args, node.args):
                    if isinstance(arg, tuple):
                        raise EvalError(f"{name}() takes one tuple or several numbers; {ast.unparse(source)} is a tuple")
                    items.append(int(arg) if isinstance(arg, bool) else arg)
            if not items:
                raise EvalError(f"{name}() of an empty tuple")
            if name == "min":
                return min(items)
            if name == "max":
                return max(items)
            result: Number = 1
            for item in items:
                if _bits(result) + _bits(item) > MAX_BITS + 1:
                    raise EvalError(f"a product larger than 2**{MAX_BITS}")
                result = result * item
            return _check_size(result)
        if len(args) != 1:
            raise EvalError(f"{name}() takes exactly one number, got {len(args)} arguments")
        value = self.number(node.args[0])
        if name == "abs":
            return cast(Number, abs(value))
        try:
            return math.ceil(value) if name == "ceil" else math.floor(value)
        except (OverflowError, ValueError) as exc:
            raise EvalError(f"{name}({format_value(value)}): {exc}") from None


__all__ = [
    "FUNCTIONS",
    "INPUT_NAMES",
    "MAX_BITS",
    "OBSERVED",
    "ClaimSyntaxError",
    "EvalError",
    "Expr",
    "check_names",
    "format_value",
    "parse",
]
