"""Line numbers of the keys of a config text, so that errors can name the line.

``tomllib`` gives no positions, so the TOML key lines come from a small scanner over the text;
YAML lines come from the composed node marks. Both give ``{key path: 1-based line}`` with key
paths such as ``("indicator", 1, "weight")`` (list items by 0-based index).
"""

from __future__ import annotations

import bisect
import re

import yaml


def toml_lines(text: str) -> dict[tuple, int]:
    """Key path -> line of every key, table and list item of a TOML text ``tomllib`` accepted."""
    return _TomlLines(text).scan()


def yaml_lines(node) -> dict[tuple, int]:
    """Key path -> line of every key and list item of a composed YAML node."""
    lines: dict[tuple, int] = {}
    _yaml_lines(node, (), lines)
    return lines


def _yaml_lines(node, path: tuple, lines: dict) -> None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key_path = path + (key_node.value,)
            lines[key_path] = key_node.start_mark.line + 1
            _yaml_lines(value_node, key_path, lines)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            lines[path + (i,)] = item.start_mark.line + 1
            _yaml_lines(item, path + (i,), lines)


class _TomlLines:
    """Line number of every key path in a TOML text that ``tomllib`` already accepted.

    Handles tables, arrays of tables, dotted keys, inline tables and (multi-line) arrays; the
    text is known to be valid, so the scanner only needs to find where things are.
    """

    _KEY = re.compile(r'\s*(?:([A-Za-z0-9_-]+)|"((?:[^"\\]|\\.)*)"|\'([^\']*)\')\s*')

    def __init__(self, text: str):
        self.text = text
        self.newlines = [m.start() for m in re.finditer("\n", text)]
        self.lines: dict[tuple, int] = {}
        self.counters: dict[tuple, int] = {}

    def line(self, i: int) -> int:
        return bisect.bisect_left(self.newlines, i) + 1

    def scan(self) -> dict[tuple, int]:
        text, i, table = self.text, 0, ()
        while True:
            i = self._skip(i, newlines=True)
            if i >= len(text):
                return self.lines
            if text.startswith("[[", i):
                names, i = self._keys(i + 2)
                i = text.index("]]", i) + 2
                self.counters[tuple(names)] = self.counters.get(tuple(names), -1) + 1
                table = self._resolve(names)
                self.lines.setdefault(table[:-1], self.line(i))
                self.lines[table] = self.line(i)
            elif text[i] == "[":
                names, i = self._keys(i + 1)
                i = text.index("]", i) + 1
                table = self._resolve(names)
                self.lines[table] = self.line(i)
            else:
                i = self._pair(i, table)

    def _resolve(self, names: list[str]) -> tuple:
        path: list = []
        for depth, name in enumerate(names):
            path.append(name)
            index = self.counters.get(tuple(names[: depth + 1]))
            if index is not None:
                path.append(index)
        return tuple(path)

    def _keys(self, i: int) -> tuple[list[str], int]:
        names = []
        while True:
            m = self._KEY.match(self.text, i)
            names.append(next(g for g in m.groups() if g is not None))
            i = m.end()
            if i < len(self.text) and self.text[i] == ".":
                i += 1
                continue
            return names, i

    def _pair(self, i: int, table: tuple) -> int:
        start = i
        names, i = self._keys(i)
        path = table + tuple(names)
        self.lines[path] = self.line(start)
        i = self.text.index("=", i) + 1
        return self._value(i, path)

    def _skip(self, i: int, *, newlines: bool) -> int:
        text = self.text
        while i < len(text):
            c = text[i]
            if c in " \t\r" or (newlines and c == "\n"):
                i += 1
            elif c == "#":
                end = text.find("\n", i)
                i = len(text) if end < 0 else end
            else:
                break
        return i

    def _value(self, i: int, path: tuple) -> int:
        text = self.text
        i = self._skip(i, newlines=False)
        c = text[i]
        if c == "{":
            i += 1
            while True:
                i = self._skip(i, newlines=True)
                if text[i] == "}":
                    return i + 1
                if text[i] == ",":
                    i += 1
                    continue
                i = self._pair(i, path)
        if c == "[":
            i, index = i + 1, 0
            while True:
                i = self._skip(i, newlines=True)
                if text[i] == "]":
                    return i + 1
                if text[i] == ",":
                    i += 1
                    continue
                self.lines[path + (index,)] = self.line(i)
                i = self._value(i, path + (index,))
                index += 1
        for quote in ('"""', "'''", '"', "'"):
            if text.startswith(quote, i):
                return self._string_end(i, quote)
        m = re.compile(r"[^,\]}\n#]*").match(text, i)
        return m.end()

    def _string_end(self, i: int, quote: str) -> int:
        j = i + len(quote)
        while True:
            if quote[0] == '"' and self.text[j] == "\\":
                j += 2
            elif self.text.startswith(quote, j):
                j += len(quote)
                while quote == '"""' and self.text.startswith('"', j):
                    j += 1  # up to two quotes may end a multi-line string
                return j
            else:
                j += 1
