"""The ranking configuration: which indicators score a village, the focus-list rules, the
robustness draws and the poverty-pocket settings, read from TOML or YAML.

A config is something a planner edits by hand, so every mistake is reported with the file, the
line and the key, and a suggestion for the closest valid name (``wieght`` -> ``weight``,
``mpi_mo`` -> ``mpi_m0``). ``tomllib`` gives no positions, so the TOML key lines come from a
small scanner over the text; YAML lines come from the composed node marks.

The documented default lives in ``config/default.toml`` (see ``docs/ranking.md``).
"""

from __future__ import annotations

import bisect
import difflib
import json
import math
import re
import tomllib
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from fractions import Fraction
from pathlib import Path

import pandas as pd
import yaml

from geo.common.codes import normalise_village_code
from geo.common.columns import scorable_columns
from geo.common.errors import GeoInputError
from geo.households.schema import DEPRIVATIONS, GLOBAL_MPI_K, GLOBAL_MPI_WEIGHTS

DEFAULT_CONFIG_PATH = Path(__file__).resolve().parents[1] / "config" / "default.toml"

#: Columns of the village indicator table a config may weight (the column registry's list).
INDICATOR_COLUMNS: tuple[str, ...] = scorable_columns()
DIRECTIONS = ("higher_is_worse", "higher_is_better")
NORMALISATIONS = ("minmax", "zscore", "percentile")
MISSING_POLICIES = ("worst", "median", "zero", "exclude")
QUADRANT_SPLITS = ("median", "mean")
ISOLATED_HANDLING = ("label", "knn")
PIN_ACTIONS = ("in", "out")

_SECTIONS = ("description", "indicator", "scoring", "mpi", "focus", "robustness", "pockets")
_INDICATOR_KEYS = ("column", "label", "direction", "weight", "normalisation", "missing")
_SCORING_KEYS = ("rank_empty_villages",)
_MPI_KEYS = ("k", "weights")
_FOCUS_KEYS = ("top_n", "score_threshold", "cover_extreme_poor", "min_per_district",
               "quadrant_split", "pins")
_PIN_KEYS = ("village_code", "action", "reason", "by")
_ROBUSTNESS_KEYS = ("draws", "spread", "seed")
_POCKETS_KEYS = ("variable", "permutations", "seed", "alpha", "fdr", "isolated",
                 "snap_tolerance_m")


@dataclass(frozen=True)
class IndicatorSpec:
    """One indicator in the composite score.

    ``weight`` is relative: weights are divided by their sum, so 2/1/1 means 50/25/25 %.
    """

    column: str
    weight: float
    direction: str = "higher_is_worse"
    normalisation: str = "minmax"
    missing: str = "median"
    label: str = ""


@dataclass(frozen=True)
class Pin:
    """A person's decision to force a village in or out of the focus list, with the reason."""

    village_code: str
    action: str
    reason: str
    by: str


@dataclass(frozen=True)
class FocusRules:
    """Which villages enter the focus list (lokus); a village enters when *any* active rule
    picks it, then pins override (pinned out never appears, pinned in always does)."""

    top_n: int | None = None
    score_threshold: float | None = None
    cover_extreme_poor: float | None = None
    min_per_district: bool = False
    quadrant_split: str = "median"
    pins: tuple[Pin, ...] = ()


@dataclass(frozen=True)
class MpiSettings:
    """Alkire–Foster cut-off and indicator weights, passed to the indicators step."""

    k: Fraction = GLOBAL_MPI_K
    weights: Mapping[str, Fraction] = field(default_factory=lambda: dict(GLOBAL_MPI_WEIGHTS))


@dataclass(frozen=True)
class RobustnessSettings:
    """Weight perturbation: ``draws`` random weight sets within +/- ``spread`` (relative)."""

    draws: int = 500
    spread: float = 0.25
    seed: int = 0


@dataclass(frozen=True)
class PocketSettings:
    """Local Moran's I / Getis-Ord Gi* settings for the poverty-pocket map."""

    variable: str = "desil1_share"
    permutations: int = 999
    seed: int = 12345
    alpha: float = 0.05
    fdr: bool = False
    isolated: str = "label"
    snap_tolerance_m: float = 5.0


@dataclass(frozen=True)
class RankConfig:
    """Everything that decides a ranking; immutable so a cached result matches its config."""

    indicators: tuple[IndicatorSpec, ...]
    rank_empty_villages: bool = False
    mpi: MpiSettings = field(default_factory=MpiSettings)
    focus: FocusRules = field(default_factory=FocusRules)
    robustness: RobustnessSettings = field(default_factory=RobustnessSettings)
    pockets: PocketSettings = field(default_factory=PocketSettings)
    description: str = ""

    @classmethod
    def from_dict(cls, data: Mapping, *, source: str | None = None,
                  lines: Mapping[tuple, int] | None = None) -> RankConfig:
        """Validate a parsed config (as from TOML, YAML or :meth:`to_dict`).

        ``lines`` maps key paths such as ``("indicator", 1, "weight")`` to 1-based line numbers
        so that errors can name the line; ``source`` is the file name for messages.
        """
        return _Validator(source, lines or {}).config(data)

    def to_dict(self) -> dict:
        """Plain data (fractions as ``"1/6"`` strings) that :meth:`from_dict` reads back."""
        data = asdict(self)
        out = {"description": self.description} if self.description else {}
        out["indicator"] = [{k: v for k, v in spec.items() if v != "" or k != "label"}
                            for spec in data["indicators"]]
        out["scoring"] = {"rank_empty_villages": self.rank_empty_villages}
        out["mpi"] = {"k": str(self.mpi.k),
                      "weights": {k: str(v) for k, v in self.mpi.weights.items()}}
        focus = {k: v for k, v in data["focus"].items() if v is not None and k != "pins"}
        focus["pins"] = [dict(p) for p in data["focus"]["pins"]]
        out["focus"] = focus
        out["robustness"] = data["robustness"]
        out["pockets"] = data["pockets"]
        return out

    def to_json(self) -> str:
        """The config as JSON text, e.g. to store with a saved decision."""
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False)

    @property
    def weights(self) -> dict[str, float]:
        """Indicator column -> weight as a share of 1."""
        total = sum(spec.weight for spec in self.indicators)
        return {spec.column: spec.weight / total for spec in self.indicators}

    def with_weights(self, weights: Mapping[str, float]) -> RankConfig:
        """A copy with new weights for some indicators (e.g. from the app's sliders)."""
        unknown = set(weights) - {spec.column for spec in self.indicators}
        if unknown:
            raise GeoInputError(f"no indicator {sorted(unknown)} in the config; "
                                f"indicators are {[s.column for s in self.indicators]}")
        specs = tuple(replace(s, weight=float(weights.get(s.column, s.weight)))
                      for s in self.indicators)
        if any(not (math.isfinite(s.weight) and s.weight >= 0) for s in specs) or \
                sum(s.weight for s in specs) <= 0:
            raise GeoInputError("weights must be finite numbers, zero or more, and not all zero")
        return replace(self, indicators=specs)

    def with_focus(self, **changes) -> RankConfig:
        """A copy with some focus rules changed (``top_n=20``, ``pins=(...)``)."""
        return replace(self, focus=replace(self.focus, **changes))


def load_config(path) -> RankConfig:
    """Read and validate a ranking config from a ``.toml``, ``.yaml`` or ``.yml`` file.

    Raises
    ------
    GeoInputError
        Naming the file, the line and the key, with the closest valid name, for unknown keys,
        unknown indicator columns, bad values or syntax errors.
    """
    path = Path(path)
    if not path.is_file():
        raise GeoInputError("config file not found; check the path", source=str(path))
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise GeoInputError("config is not UTF-8 text; save it as UTF-8",
                            source=str(path)) from None
    suffix = path.suffix.lower()
    if suffix == ".toml":
        data, lines = _parse_toml(text, str(path))
    elif suffix in (".yaml", ".yml"):
        data, lines = _parse_yaml(text, str(path))
    else:
        raise GeoInputError(f"unknown config type {suffix!r}: use a .toml, .yaml or .yml file",
                            source=str(path))
    return RankConfig.from_dict(data, source=str(path), lines=lines)


def config_from_text(text: str, *, source: str = "config text") -> RankConfig:
    """Read and validate a config given as text: JSON (:meth:`RankConfig.to_json`), TOML or YAML.

    Used for the config kept with a saved decision, which may be any of the three. Text that
    starts with ``{`` is JSON; otherwise TOML is tried, then YAML.

    Raises
    ------
    GeoInputError
        When the text is none of the three or is not a valid config (with line and key).
    """
    if not isinstance(text, str) or not text.strip():
        raise GeoInputError("the config is empty: give the config text (TOML, YAML or JSON)",
                            source=source)
    if text.lstrip().startswith("{"):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise GeoInputError(f"line {exc.lineno}: not valid JSON: {exc.msg}; fix the syntax "
                                "there", source=source) from None
        lines: dict = {}
    else:
        try:
            data, lines = _parse_toml(text, source)
        except GeoInputError as toml_error:
            try:
                data, lines = _parse_yaml(text, source)
            except GeoInputError as yaml_error:
                own = f"{source}: "
                raise GeoInputError(f"neither TOML ({str(toml_error).removeprefix(own)}) nor "
                                    f"YAML ({str(yaml_error).removeprefix(own)})",
                                    source=source) from None
    return RankConfig.from_dict(data, source=source, lines=lines)


def default_config() -> RankConfig:
    """The documented default (``config/default.toml``): depth and size of extreme poverty."""
    return load_config(DEFAULT_CONFIG_PATH)


# ---------------------------------------------------------------------------------------------
# Parsing with positions


def _parse_toml(text: str, source: str) -> tuple[dict, dict]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise GeoInputError(f"not valid TOML: {exc}; fix the syntax there", source=source) from None
    return data, _TomlLines(text).scan()


def _parse_yaml(text: str, source: str) -> tuple[dict, dict]:
    try:
        data = yaml.safe_load(text)
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise GeoInputError(f"{where}not valid YAML: {problem}; fix the syntax there",
                            source=source) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise GeoInputError("line 1: the config must be a mapping of sections "
                            "(indicator, focus, ...)", source=source)
    lines: dict[tuple, int] = {}
    _yaml_lines(node, (), lines)
    return data, lines


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


# ---------------------------------------------------------------------------------------------
# Validation


def _closest(word: str, choices) -> str:
    match = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.5)
    return f"; did you mean {match[0]!r}?" if match else ""


def _display(path: tuple) -> str:
    out = ""
    for part in path:
        out += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


class _Validator:
    def __init__(self, source: str | None, lines: Mapping[tuple, int]):
        self.source = source
        self.lines = lines

    def fail(self, path: tuple, message: str):
        for cut in range(len(path), -1, -1):
            line = self.lines.get(path[:cut])
            if line is not None:
                raise GeoInputError(f"line {line}, {_display(path) or 'config'}: {message}",
                                    source=self.source)
        raise GeoInputError(f"{_display(path) or 'config'}: {message}", source=self.source)

    # -- generic checks -------------------------------------------------------------------
    def table(self, data, path: tuple, allowed: tuple[str, ...], what: str) -> dict:
        if not isinstance(data, Mapping):
            self.fail(path, f"{what} must be a table of settings, not {type(data).__name__}")
        for key in data:
            if key not in allowed:
                self.fail(path + (key,), f"unknown key {key!r} in {what}{_closest(key, allowed)} "
                          f"(valid keys: {', '.join(allowed)})")
        return dict(data)

    def choice(self, value, path: tuple, choices: tuple[str, ...]) -> str:
        if value not in choices:
            self.fail(path, f"{value!r} is not one of {', '.join(choices)}"
                            f"{_closest(value, choices)}")
        return value

    def number(self, value, path: tuple, *, low=None, high=None, integer=False,
               low_open=False) -> float | int:
        kind = int if integer else (int, float)
        if isinstance(value, bool) or not isinstance(value, kind):
            self.fail(path, f"{value!r} must be {'a whole number' if integer else 'a number'}")
        if isinstance(value, float) and not math.isfinite(value):
            # TOML's nan/inf and YAML's .nan/.inf pass every range check (nan < 0 is False)
            self.fail(path, f"{value!r} is not a usable number: write a finite value")
        if (low is not None and (value < low or (low_open and value == low))) or \
                (high is not None and value > high):
            bound = f"{'above' if low_open else 'at least'} {low}" if low is not None else ""
            bound += (" and " if bound and high is not None else "") + \
                (f"at most {high}" if high is not None else "")
            self.fail(path, f"{value!r} is out of range: it must be {bound}")
        return value

    def flag(self, value, path: tuple) -> bool:
        if not isinstance(value, bool):
            self.fail(path, f"{value!r} must be true or false")
        return value

    def text(self, value, path: tuple) -> str:
        if not isinstance(value, str) or not value.strip():
            self.fail(path, f"{value!r} must be a non-empty text")
        return value.strip()

    # -- sections ------------------------------------------------------------------------
    def config(self, data) -> RankConfig:
        data = self.table(data, (), _SECTIONS, "the config")
        if "indicator" not in data:
            self.fail((), "no [[indicator]] entries: name at least one indicator to score with")
        raw = data["indicator"]
        if not isinstance(raw, list) or not raw:
            self.fail(("indicator",), "indicator must be a list of [[indicator]] tables")
        indicators = tuple(self.indicator(item, ("indicator", i)) for i, item in enumerate(raw))
        seen: dict[str, int] = {}
        for i, spec in enumerate(indicators):
            if spec.column in seen:
                self.fail(("indicator", i, "column"),
                          f"indicator {spec.column!r} is listed twice "
                          f"(also entry {seen[spec.column] + 1})")
            seen[spec.column] = i
        if sum(spec.weight for spec in indicators) <= 0:
            self.fail(("indicator",),
                      "the indicator weights are all zero: give at least one a weight")
        scoring = self.table(data.get("scoring", {}), ("scoring",), _SCORING_KEYS, "[scoring]")
        rank_empty = self.flag(scoring.get("rank_empty_villages", False),
                               ("scoring", "rank_empty_villages"))
        return RankConfig(
            indicators=indicators,
            rank_empty_villages=rank_empty,
            mpi=self.mpi(data.get("mpi", {})),
            focus=self.focus(data.get("focus", {})),
            robustness=self.robustness(data.get("robustness", {})),
            pockets=self.pockets(data.get("pockets", {})),
            description=str(data.get("description", "")),
        )

    def indicator(self, item, path: tuple) -> IndicatorSpec:
        item = self.table(item, path, _INDICATOR_KEYS, "[[indicator]]")
        if "column" not in item:
            self.fail(path, "this [[indicator]] has no column: say which indicator it scores")
        if "weight" not in item:
            self.fail(path, f"indicator {item['column']!r} has no weight: add e.g. weight = 0.25")
        column = item["column"]
        if column not in INDICATOR_COLUMNS:
            self.fail(path + ("column",), f"unknown indicator column {column!r}"
                      f"{_closest(column, INDICATOR_COLUMNS)} (see docs/ranking.md for the list)")
        return IndicatorSpec(
            column=column,
            weight=float(self.number(item["weight"], path + ("weight",), low=0)),
            direction=self.choice(item.get("direction", "higher_is_worse"), path + ("direction",),
                                  DIRECTIONS),
            normalisation=self.choice(item.get("normalisation", "minmax"),
                                      path + ("normalisation",), NORMALISATIONS),
            missing=self.choice(item.get("missing", "median"), path + ("missing",),
                                MISSING_POLICIES),
            label=str(item.get("label", "")),
        )

    def mpi(self, data) -> MpiSettings:
        from geo.indicators.mpi import exact_k, exact_weights  # the indicators step's own checks

        path = ("mpi",)
        data = self.table(data, path, _MPI_KEYS, "[mpi]")
        weights = data.get("weights", {k: str(v) for k, v in GLOBAL_MPI_WEIGHTS.items()})
        weights = self.table(weights, path + ("weights",), DEPRIVATIONS, "[mpi.weights]")
        try:
            exact = exact_weights(weights)
        except GeoInputError as exc:
            self.fail(path + ("weights",), str(exc).removeprefix("weights: "))
        try:
            k = exact_k(data.get("k", str(GLOBAL_MPI_K)))
        except GeoInputError as exc:
            self.fail(path + ("k",), str(exc).removeprefix("k: "))
        return MpiSettings(k=k, weights=exact)

    def focus(self, data) -> FocusRules:
        path = ("focus",)
        data = self.table(data, path, _FOCUS_KEYS, "[focus]")
        top_n = data.get("top_n")
        if top_n is not None:
            top_n = self.number(top_n, path + ("top_n",), low=0, integer=True) or None
        threshold = data.get("score_threshold")
        if threshold is not None:
            threshold = float(self.number(threshold, path + ("score_threshold",), low=0, high=100))
        cover = data.get("cover_extreme_poor")
        if cover is not None:
            if isinstance(cover, (int, float)) and not isinstance(cover, bool) and 1 < cover <= 100:
                self.fail(path + ("cover_extreme_poor",),
                          f"{cover!r} is a share between 0 and 1: "
                          f"write {cover / 100:g} for {cover:g} %")
            cover = float(self.number(cover, path + ("cover_extreme_poor",), low=0, high=1,
                                      low_open=True))
        pins_raw = data.get("pins", [])
        if not isinstance(pins_raw, list):
            self.fail(path + ("pins",), "pins must be a list of {village_code, action, reason, by}")
        pins = tuple(self.pin(p, path + ("pins", i)) for i, p in enumerate(pins_raw))
        actions: dict[str, tuple[str, int]] = {}
        for i, pin in enumerate(pins):
            earlier = actions.get(pin.village_code)
            if earlier and earlier[0] != pin.action:
                self.fail(path + ("pins", i),
                          f"village {pin.village_code} is pinned both in and out "
                          f"(also pin {earlier[1] + 1}); keep one of the two")
            actions[pin.village_code] = (pin.action, i)
        return FocusRules(
            top_n=top_n,
            score_threshold=threshold,
            cover_extreme_poor=cover,
            min_per_district=self.flag(data.get("min_per_district", False),
                                       path + ("min_per_district",)),
            quadrant_split=self.choice(data.get("quadrant_split", "median"),
                                       path + ("quadrant_split",), QUADRANT_SPLITS),
            pins=pins,
        )

    def pin(self, item, path: tuple) -> Pin:
        item = self.table(item, path, _PIN_KEYS, "a pin")
        for key in _PIN_KEYS:
            if key not in item:
                self.fail(path, f"this pin has no {key}: a pin needs village_code, action "
                          "(in/out), reason and by (who decided)")
        code = normalise_village_code([str(item["village_code"])]).iloc[0]
        if pd.isna(code):
            self.fail(path + ("village_code",), f"{item['village_code']!r} is not a village code "
                      "like 35.73.01.1001")
        return Pin(village_code=str(code),
                   action=self.choice(item["action"], path + ("action",), PIN_ACTIONS),
                   reason=self.text(item["reason"], path + ("reason",)),
                   by=self.text(item["by"], path + ("by",)))

    def robustness(self, data) -> RobustnessSettings:
        path = ("robustness",)
        data = self.table(data, path, _ROBUSTNESS_KEYS, "[robustness]")
        d = RobustnessSettings()
        return RobustnessSettings(
            draws=self.number(data.get("draws", d.draws), path + ("draws",), low=1, integer=True),
            spread=float(self.number(data.get("spread", d.spread), path + ("spread",), low=0,
                                     high=0.99)),
            seed=self.number(data.get("seed", d.seed), path + ("seed",), low=0, integer=True),
        )

    def pockets(self, data) -> PocketSettings:
        path = ("pockets",)
        data = self.table(data, path, _POCKETS_KEYS, "[pockets]")
        d = PocketSettings()
        variable = data.get("variable", d.variable)
        if variable not in INDICATOR_COLUMNS:
            self.fail(path + ("variable",), f"unknown indicator column {variable!r}"
                      f"{_closest(variable, INDICATOR_COLUMNS)}")
        return PocketSettings(
            variable=variable,
            permutations=self.number(data.get("permutations", d.permutations),
                                     path + ("permutations",), low=99, integer=True),
            seed=self.number(data.get("seed", d.seed), path + ("seed",), low=0, integer=True),
            alpha=float(self.number(data.get("alpha", d.alpha), path + ("alpha",), low=0, high=0.5,
                                    low_open=True)),
            fdr=self.flag(data.get("fdr", d.fdr), path + ("fdr",)),
            isolated=self.choice(data.get("isolated", d.isolated), path + ("isolated",),
                                 ISOLATED_HANDLING),
            snap_tolerance_m=float(self.number(data.get("snap_tolerance_m", d.snap_tolerance_m),
                                               path + ("snap_tolerance_m",), low=0, high=1000)),
        )

