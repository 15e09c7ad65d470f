"""A tiny arithmetic evaluator for formula templates: parsed with :mod:`ast`, never ``eval``-ed.

Templates are written as people read them: ``u × (d + 1)``, ``F · (kh · kw · C + 1)``.
Only numbers, names, parentheses and ``+ - × · * / //`` are accepted.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping

_NAME = re.compile(r"[A-Za-z_][A-Za-z_0-9]*")


def to_python(template: str) -> str:
    return template.replace("×", "*").replace("·", "*").replace("−", "-").replace(",", "")


def substitute(template: str, values: Mapping[str, object]) -> str:
    """Replace each name in ``template`` by its value (ints with thousands separators are not used
    here, so the result stays a readable expression: ``10 × (784 + 1)``)."""

    def value(m: re.Match[str]) -> str:
        name = m.group(0)
        if name not in values:
            return name
        # "3u" is 3 × u: with the number in, it must not read "38".
        glued = m.start() > 0 and template[m.start() - 1].isdigit()
        return f" × {values[name]}" if glued else str(values[name])

    return _NAME.sub(value, template)


def evaluate(template: str, values: Mapping[str, int] | None = None) -> int:
    """Evaluate ``template`` with ``values`` for its names; raises ``ValueError`` on anything else."""
    values = values or {}
    tree = ast.parse(to_python(template), mode="eval")

    def ev(node: ast.AST) -> int:
        if isinstance(node, ast.Expression):
            return ev(node.body)
        if isinstance(node, ast.Constant) and isinstance(node.value, int) and not isinstance(node.value, bool):
            return node.value
        if isinstance(node, ast.Name):
            if node.id not in values:
                raise ValueError(f"unknown name {node.id!r} in {template!r}")
            return int(values[node.id])
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return -ev(node.operand)
        if isinstance(node, ast.BinOp):
            left, right = ev(node.left), ev(node.right)
            if isinstance(node.op, ast.Add):
                return left + right
            if isinstance(node.op, ast.Sub):
                return left - right
            if isinstance(node.op, ast.Mult):
                return left * right
            if isinstance(node.op, (ast.Div, ast.FloorDiv)):
                if right == 0 or left % right:
                    raise ValueError(f"{left} / {right} is not a whole number in {template!r}")
                return left // right
        raise ValueError(f"unsupported expression {ast.dump(node)} in {template!r}")

    return ev(tree)
