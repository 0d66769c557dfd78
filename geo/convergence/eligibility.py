"""Programme eligibility rules: a small, safe expression over household columns.

``desil <= 4``, ``dep_housing == 1 and desil <= 5``, ``not recv_pkh == 1`` — parsed with
:func:`ast.parse` and checked against a strict whitelist (``and``/``or``/``not``, the six
comparisons, household column names, number and text constants). Nothing is ever passed to
``eval``: the checked tree is evaluated on whole pandas columns.
"""

from __future__ import annotations

import ast
import operator
from dataclasses import dataclass

import pandas as pd

from geo.common.errors import GeoInputError

_COMPARE = {
    ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt,
    ast.LtE: operator.le, ast.Gt: operator.gt, ast.GtE: operator.ge,
}
MAX_LENGTH = 500


def _refuse(expression: str, what: str) -> GeoInputError:
    return GeoInputError("err.eligible_expression", source="eligible",
                         expression=expression[:MAX_LENGTH], what=what)


def _check(node: ast.AST, expression: str) -> None:
    """Raise unless every node of the tree is on the whitelist."""
    if isinstance(node, ast.Expression):
        _check(node.body, expression)
    elif isinstance(node, ast.BoolOp):
        for value in node.values:
            _check(value, expression)
    elif isinstance(node, ast.UnaryOp):
        if not isinstance(node.op, ast.Not):
            # a minus sign before a number is a negative constant, nothing else is allowed
            if isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Constant) \
                    and _is_number(node.operand.value):
                return
            raise _refuse(expression, type(node.op).__name__)
        _check(node.operand, expression)
    elif isinstance(node, ast.Compare):
        for op in node.ops:
            if type(op) not in _COMPARE:
                raise _refuse(expression, type(op).__name__)
        _check(node.left, expression)
        for value in node.comparators:
            _check(value, expression)
    elif isinstance(node, ast.Name):
        if node.id.startswith("_"):
            raise _refuse(expression, node.id)
    elif isinstance(node, ast.Constant):
        if not (_is_number(node.value) or isinstance(node.value, str)):
            raise _refuse(expression, repr(node.value))
    else:
        raise _refuse(expression, type(node).__name__)


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


@dataclass(frozen=True)
class Eligibility:
    """A checked eligibility expression; :meth:`evaluate` gives one True/False per household."""

    expression: str

    def __post_init__(self):
        parse(self.expression)

    @property
    def columns(self) -> tuple[str, ...]:
        """The household columns the expression reads, in order of first use."""
        names = [n.id for n in ast.walk(parse(self.expression)) if isinstance(n, ast.Name)]
        return tuple(dict.fromkeys(names))

    def evaluate(self, households: pd.DataFrame) -> pd.Series:
        """A boolean Series on ``households.index``; a missing value makes a comparison False."""
        missing = [c for c in self.columns if c not in households.columns]
        if missing:
            raise GeoInputError("err.eligible_column", source="eligible",
                                expression=self.expression, column=missing[0],
                                columns=", ".join(map(str, households.columns)))
        tree = parse(self.expression)
        result = _value(tree.body, households, self.expression)
        if not isinstance(result, pd.Series):  # a constant expression
            return pd.Series(bool(result), index=households.index)
        return result.fillna(False).astype(bool)

    def to_dict(self) -> dict:
        return {"expression": self.expression, "columns": list(self.columns)}


def parse(expression) -> ast.Expression:
    """The checked tree of ``expression``; :class:`GeoInputError` naming it if it is refused."""
    if not isinstance(expression, str) or not expression.strip():
        raise _refuse(str(expression), "empty")
    if len(expression) > MAX_LENGTH:
        raise _refuse(expression, "too long")
    try:
        tree = ast.parse(expression.strip(), mode="eval")
    except SyntaxError:
        raise _refuse(expression, "syntax") from None
    _check(tree, expression)
    return tree


def _mask(value, index) -> pd.Series:
    if isinstance(value, pd.Series):
        return value.astype("boolean").fillna(False).astype(bool)
    return pd.Series(bool(value), index=index)


def _value(node: ast.AST, households: pd.DataFrame, expression: str):
    index = households.index
    if isinstance(node, ast.BoolOp):
        masks = [_mask(_value(v, households, expression), index) for v in node.values]
        out = masks[0]
        for mask in masks[1:]:
            out = (out & mask) if isinstance(node.op, ast.And) else (out | mask)
        return out
    if isinstance(node, ast.UnaryOp):
        if isinstance(node.op, ast.USub):
            return -node.operand.value
        return ~_mask(_value(node.operand, households, expression), index)
    if isinstance(node, ast.Compare):
        left = _value(node.left, households, expression)
        out = pd.Series(True, index=index)
        for op, right_node in zip(node.ops, node.comparators):
            right = _value(right_node, households, expression)
            out = out & _mask(_compare(op, left, right, expression), index)
            left = right
        return out
    if isinstance(node, ast.Name):
        return _column(households[node.id])
    if isinstance(node, ast.Constant):
        return node.value
    raise _refuse(expression, type(node).__name__)  # unreachable after _check


def _column(values: pd.Series) -> pd.Series:
    if pd.api.types.is_bool_dtype(values):
        return values.astype("Int64")
    if pd.api.types.is_numeric_dtype(values):
        return values
    return values.astype("string")


def _compare(op, left, right, expression: str):
    def numeric(side):
        return isinstance(side, pd.Series) and pd.api.types.is_numeric_dtype(side) or _is_number(side)

    def text(side):
        return isinstance(side, pd.Series) and pd.api.types.is_string_dtype(side) or isinstance(side, str)

    if numeric(left) and text(right) or text(left) and numeric(right):
        raise GeoInputError("err.eligible_types", source="eligible", expression=expression)
    return _COMPARE[type(op)](left, right)
