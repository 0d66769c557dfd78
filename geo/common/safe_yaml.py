"""YAML and small text files read within budgets (issue 18): a size cap, and an alias budget
that refuses a "billion laughs" document before it is expanded.

PyYAML's ``safe_load`` shares aliased nodes, but everything that walks the result (line
numbers, defaults, validation) expands them: eight lines of nested aliases became 70 s and 9 GB.
:func:`compose_limited` composes the node graph (cheap: aliases are shared there), counts the
nodes the document *would* have once expanded (memoised per node, so counting is linear), and
refuses above :data:`MAX_NODES`.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from geo.common.input_files import check_input_file

#: a config or rule file larger than this is not a config (the default config is ~4 KB)
MAX_CONFIG_BYTES = 1 << 20
#: nodes of the expanded document (the default config has a few hundred)
MAX_NODES = 100_000


class BudgetError(ValueError):
    """The document is over a budget: ``kind`` is ``"size"`` or ``"aliases"``."""

    def __init__(self, kind: str, size: int, limit: int):
        super().__init__(f"{kind}: {size} > {limit}")
        self.kind, self.size, self.limit = kind, size, limit


def read_limited(path, limit: int = MAX_CONFIG_BYTES) -> str:
    """The UTF-8 text of a regular file of at most ``limit`` bytes (checked before reading)."""
    path = Path(check_input_file(path, limit=False))  # a FIFO would block the open
    size = path.stat().st_size
    if size > limit:
        raise BudgetError("size", size, limit)
    with path.open("rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise BudgetError("size", len(data), limit)
    return data.decode("utf-8")


def expanded_nodes(node, limit: int = MAX_NODES) -> int:
    """How many nodes ``node`` has with every alias expanded (stops counting above ``limit``)."""
    sizes: dict[int, int] = {}

    def size(n, depth=0) -> int:
        key = id(n)
        if key in sizes:
            return sizes[key]
        sizes[key] = limit + 1  # a node inside itself (recursive alias) is over the budget
        if isinstance(n, yaml.MappingNode):
            total = 1 + sum(size(k, depth + 1) + size(v, depth + 1) for k, v in n.value)
        elif isinstance(n, yaml.SequenceNode):
            total = 1 + sum(size(v, depth + 1) for v in n.value)
        else:
            total = 1
        sizes[key] = min(total, limit + 1)
        return sizes[key]

    return 0 if node is None else size(node)


def compose_limited(text: str, limit: int = MAX_NODES):
    """The YAML node graph of ``text``, refused with :class:`BudgetError` when its expansion
    would exceed ``limit`` nodes."""
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    count = expanded_nodes(node, limit)
    if count > limit:
        raise BudgetError("aliases", count, limit)
    return node


def safe_load_limited(text: str, limit: int = MAX_NODES):
    """``yaml.safe_load`` within the alias budget (:func:`compose_limited` first)."""
    compose_limited(text, limit)
    return yaml.safe_load(text)
