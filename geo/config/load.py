"""Reading a ranking config from a file or a text, and turning validation errors into messages.

A config is something a planner edits by hand, so every mistake is reported with the file, the
line and the key, and a suggestion for the closest valid name (``wieght`` -> ``weight``,
``mpi_mo`` -> ``mpi_m0``). The models (:mod:`geo.config.models`) say what is valid; this module
finds where a problem is (:mod:`geo.config.lines`) and words it as a
:class:`geo.i18n.Message` of ``geo/i18n/catalogue/config.toml``.

A config file (TOML or YAML, or such a text) need only hold what differs from the project's
default, ``config/default.toml``: :func:`with_defaults` fills every table and key it leaves out
from that file, so ``[pockets] seed = 7`` alone is the default config with another seed. A
saved config in JSON (:meth:`RankConfig.to_json`, kept with a decision) is complete and is read
as it is.
"""

from __future__ import annotations

import json
import logging
import tomllib
import typing
from collections.abc import Mapping
from pathlib import Path

import yaml
from pydantic import BaseModel, ValidationError

from geo.common.errors import GeoInputError
from geo.common.safe_yaml import MAX_CONFIG_BYTES, BudgetError, compose_limited, read_limited
from geo.config.lines import toml_lines, yaml_lines
from geo.config.models import ConfigFile, RankConfig, did_you_mean
from geo.i18n import Message

log = logging.getLogger(__name__)

DEFAULT_CONFIG_PATH = Path(__file__).resolve().parents[2] / "config" / "default.toml"


def input_error(message: Message, source: str | None = None) -> GeoInputError:
    """The project's input error for a config problem (the one place that builds it): the
    message stays a code, rendered in the reader's language where it is shown."""
    return GeoInputError(message, source=source)


class _ParseError(Exception):
    """A config text that is not TOML / YAML / JSON; carries the message."""

    def __init__(self, message: Message):
        super().__init__(str(message))
        self.message = message


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
        raise input_error(Message("config.not_found"), str(path))
    try:
        text = read_limited(path)  # a regular file of at most 1 MiB
    except UnicodeDecodeError:
        raise input_error(Message("config.not_utf8"), str(path)) from None
    except BudgetError as exc:
        raise input_error(Message("config.too_large", {"size": f"{exc.size} bytes",
                                                       "limit": f"{exc.limit} bytes"}),
                          str(path)) from None
    suffix = path.suffix.lower()
    try:
        if suffix == ".toml":
            data, lines = _parse_toml(text)
        elif suffix in (".yaml", ".yml"):
            data, lines = _parse_yaml(text)
        else:
            raise _ParseError(Message("config.unknown_type", {"suffix": repr(suffix)}))
    except _ParseError as exc:
        raise input_error(exc.message, str(path)) from None
    log.debug("read config %s (%d keys located)", path.name, len(lines))
    if path.resolve() != DEFAULT_CONFIG_PATH:
        data = with_defaults(data)
    return RankConfig.from_dict(data, source=str(path), lines=lines)


def config_from_text(text: str, *, source: str = "config text") -> RankConfig:
    """Read and validate a config given as text: JSON (:meth:`RankConfig.to_json`), TOML or YAML.

    Used for the config kept with a saved decision, which may be any of the three. Text that
    starts with ``{`` is JSON, read as it is (a complete config); otherwise TOML is tried, then
    YAML, and what the text leaves out comes from ``config/default.toml`` as for a file
    (:func:`with_defaults`).

    Raises
    ------
    GeoInputError
        When the text is none of the three or is not a valid config (with line and key).
    """
    if not isinstance(text, str) or not text.strip():
        raise input_error(Message("config.empty"), source)
    if len(text) > MAX_CONFIG_BYTES:
        raise input_error(Message("config.too_large", {"size": f"{len(text)} bytes",
                                                       "limit": f"{MAX_CONFIG_BYTES} bytes"}), source)
    if text.lstrip().startswith("{"):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise input_error(Message("config.bad_json", {"line": str(exc.lineno), "problem": exc.msg}),
                              source) from None
        lines: dict = {}
    else:
        try:
            data, lines = _parse_toml(text)
        except _ParseError as toml_error:
            try:
                data, lines = _parse_yaml(text)
            except _ParseError as yaml_error:
                raise input_error(Message("config.neither", {"toml": toml_error.message,
                                                             "yaml": yaml_error.message}),
                                  source) from None
        data = with_defaults(data)
    return RankConfig.from_dict(data, source=source, lines=lines)


def default_config() -> RankConfig:
    """The documented default (``config/default.toml``): depth and size of extreme poverty."""
    return load_config(DEFAULT_CONFIG_PATH)


#: Tables taken whole from the file that gives them, never merged key by key: MPI weights must
#: sum to 1 together. Lists of tables (``[[indicator]]``, pins) are always taken whole.
WHOLE_TABLES: frozenset[tuple[str, ...]] = frozenset({("mpi", "weights")})

#: Keys of the default file that belong to another key: the default ``description`` describes
#: the default ``[[indicator]]`` list, so a file with its own indicators does not inherit it.
GOES_WITH = {"description": "indicator"}


#: (table, older key) -> the key it is an older spelling of: the default's value of the newer key
#: is not merged into a file that gives the older one.
SYNONYMS = {("pockets", "fdr"): "correction"}


def with_defaults(data: Mapping, defaults: Mapping | None = None) -> dict:
    """A config file's data completed from the default config (``config/default.toml``).

    Merge rules: a table the file leaves out comes from the defaults; a table it gives in part
    is merged key by key (``[focus] top_n`` given, ``min_per_district`` from the defaults);
    lists (``[[indicator]]``, ``[[focus.pins]]``) and :data:`WHOLE_TABLES` (``[mpi.weights]``)
    given in the file replace the default's as a whole; ``description`` is inherited only with
    the default indicators. A value of another kind than the default's (``focus = 3``) is kept
    as given, so that validation names it. Key paths (and so line numbers) stay those of the
    file: every key the file gives keeps its place.

    To switch off a focus rule that the defaults set, give it its "off" value
    (``top_n = 0``).
    """
    if defaults is None:
        defaults, _ = _parse_toml(DEFAULT_CONFIG_PATH.read_text(encoding="utf-8"))
    if not isinstance(data, Mapping):
        return data
    merged = _merge(data, defaults, ())
    for key, owner in GOES_WITH.items():
        if key not in data and owner in data:
            merged.pop(key, None)
    for (table, older), newer in SYNONYMS.items():
        given = data.get(table)
        # an older spelling given (``fdr = true``) stands for the newer key; the default's
        # value of the newer key would contradict it
        if isinstance(given, Mapping) and older in given and newer not in given:
            merged[table].pop(newer, None)
    return merged


def _merge(given: Mapping, defaults: Mapping, path: tuple) -> dict:
    out = dict(defaults)
    for key, value in given.items():
        default = defaults.get(key)
        if (isinstance(value, Mapping) and isinstance(default, Mapping)
                and (*path, key) not in WHOLE_TABLES):
            out[key] = _merge(value, default, (*path, key))
        else:
            out[key] = value
    return out


def validate(data, *, source: str | None, lines: Mapping[tuple, int]) -> ConfigFile:
    """``data`` checked against :class:`ConfigFile`; the first problem raised as an input error.

    The first problem is an unknown key if there is one (a misspelt key also makes its
    correctly spelt neighbour look missing), otherwise the one on the earliest line.
    """
    try:
        return ConfigFile.model_validate(data)
    except ValidationError as exc:
        problems = [_describe(error) for error in exc.errors(include_url=False)]
    located = [(path, message, _line(path, lines)) for path, message in problems]
    path, message, line = min(
        located, key=lambda p: (not _is_unknown_key(p[1]), p[2] if p[2] is not None else 0))
    key = _display(path) or "config"
    if line is None:
        raise input_error(Message("config.at_key", {"setting": key, "problem": message}), source)
    raise input_error(Message("config.at_line", {"line": str(line), "setting": key, "problem": message}),
                      source)


# ----------------------------------------------------------------------------- parsing

def _parse_toml(text: str) -> tuple[dict, dict]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _ParseError(Message("config.bad_toml", {"problem": str(exc)})) from None
    return data, toml_lines(text)


def _parse_yaml(text: str) -> tuple[dict, dict]:
    try:
        node = compose_limited(text)  # an alias bomb is refused before it is expanded
        data = yaml.safe_load(text)
    except BudgetError as exc:
        raise _ParseError(Message("config.yaml_aliases", {"limit": str(exc.limit)})) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        if mark is None:
            raise _ParseError(Message("config.bad_yaml", {"problem": problem})) from None
        raise _ParseError(Message("config.bad_yaml_at", {"line": str(mark.line + 1),
                                                         "problem": problem})) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise _ParseError(Message("config.not_a_mapping"))
    return data, yaml_lines(node)


# ----------------------------------------------------------------------------- messages

_UNKNOWN = ("unexpected_keyword_argument", "extra_forbidden")
_NOT_A_TABLE = ("dataclass_type", "model_type", "dict_type", "dataclass_args_type",
                "model_attributes_type")
_NOT_A_LIST = ("list_type", "tuple_type", "too_short")


def _is_unknown_key(message: Message) -> bool:
    return message.code == "config.unknown_key"


def _describe(error: dict) -> tuple[tuple, Message]:
    """The key path and the message of one pydantic error."""
    kind, loc, ctx = error["type"], tuple(error["loc"]), dict(error.get("ctx") or {})
    if kind in _UNKNOWN:
        container = loc[:-1]
        allowed = _keys_of(_type_at(container))
        return loc, Message("config.unknown_key", {
            "setting": repr(loc[-1]), "what": _what(container),
            "suggestion": did_you_mean(loc[-1], allowed), "valid": ", ".join(allowed)})
    if kind == "missing":
        return _missing(loc, error.get("input"))
    if kind in _NOT_A_TABLE:
        return loc, Message("config.not_a_table", {"what": _what(loc),
                                                   "kind": type(error.get("input")).__name__})
    if kind == "too_short" and loc == ("indicator",):  # an empty list given in the file
        return loc, Message("config.no_indicators")
    if kind in _NOT_A_LIST:
        code = {("indicator",): "config.indicator_not_list",
                ("focus", "pins"): "config.pins_not_list"}.get(loc, "config.not_a_list")
        return loc, Message(code, {"setting": _display(loc)})
    if f"config.{kind}" in _codes():
        at = tuple(ctx.pop("at", ()))
        return loc + at, Message(f"config.{kind}", ctx)
    return loc, Message("config.invalid", {"problem": error.get("msg", kind)})


def _missing(loc: tuple, given) -> tuple[tuple, Message]:
    container, key = loc[:-1], loc[-1]
    if container == () and key == "indicator":
        return container, Message("config.no_indicators")
    if len(container) == 2 and container[0] == "indicator":
        if key == "column":
            return container, Message("config.indicator_no_column")
        column = given.get("column") if isinstance(given, Mapping) else None
        return container, Message("config.indicator_no_weight", {"column": repr(column)})
    if container[-2:-1] == ("pins",):
        return container, Message("config.pin_missing", {"setting": key})
    return container, Message("config.missing_key", {"setting": key, "what": _what(container)})


def _codes() -> set[str]:
    from geo.i18n import catalogue

    return {code for code in catalogue() if code.startswith("config.")}


def _type_at(path: tuple):
    """The model class that the section at ``path`` is validated as."""
    current = ConfigFile
    for part in path:
        if isinstance(part, int):
            args = [a for a in typing.get_args(current) if a is not Ellipsis]
            current = args[0] if args else None
        else:
            fields = _fields(current)
            current = fields[part].annotation if part in fields else None
        current = _unwrap(current)
    return current


def _unwrap(annotation):
    while typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    return annotation


def _fields(cls) -> dict:
    if isinstance(cls, type) and issubclass(cls, BaseModel):
        return cls.model_fields
    return getattr(cls, "__pydantic_fields__", {})


def _keys_of(cls) -> tuple[str, ...]:
    return tuple(_fields(cls))


def _what(path: tuple) -> str | Message:
    """How a section is named in messages: ``[focus]``, ``[[indicator]]``, ``a pin``."""
    if not path:
        return Message("config.the_config")
    if path[-2:-1] == ("pins",):
        return Message("config.a_pin")
    if path[0] == "indicator":
        return "[[indicator]]"
    return "[" + ".".join(str(p) for p in path) + "]"


def _line(path: tuple, lines: Mapping[tuple, int]) -> int | None:
    for cut in range(len(path), -1, -1):
        line = lines.get(path[:cut])
        if line is not None:
            return line
    return None


def _display(path: tuple) -> str:
    out = ""
    for part in path:
        out += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out
