"""The ranking config as pydantic models: types, bounds and defaults in one place.

Each section is a frozen pydantic dataclass: it is the runtime value the ranking reads
(immutable, so a cached result matches its config, and ``dataclasses.replace`` makes a changed,
re-validated copy) and the description that a config file is validated against
(:class:`ConfigFile`, ``extra="forbid"``). Every check raises a :class:`PydanticCustomError`
whose type is a message code of ``geo/i18n/catalogue/config.toml`` (``config.<type>``) with its
parameters; :mod:`geo.config.load` adds the file, the line and the key.
"""

import difflib
import json
import math
from collections.abc import Mapping
from dataclasses import asdict, field, replace
from fractions import Fraction
from typing import Annotated

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, PlainValidator, WithJsonSchema, model_validator
from pydantic.dataclasses import dataclass
from pydantic_core import ArgsKwargs, PydanticCustomError

from geo.common.codes import normalise_village_code
from geo.common.columns import scorable_columns
from geo.households.schema import DEPRIVATIONS, GLOBAL_MPI_K, GLOBAL_MPI_WEIGHTS
from geo.i18n import Message
from geo.indicators.mpi import DEFAULT_MISSING_RULE, MISSING_RULES

DIRECTIONS = ("higher_is_worse", "higher_is_better")
NORMALISATIONS = ("minmax", "zscore", "percentile")
MISSING_POLICIES = ("worst", "median", "zero", "exclude")
QUADRANT_SPLITS = ("median", "mean")
ISOLATED_HANDLING = ("label", "knn")
POCKET_CORRECTIONS = ("none", "fdr", "bonferroni")
POCKET_SMOOTHINGS = ("eb", "raw")
PIN_ACTIONS = ("in", "out")
#: the largest relative indicator weight (weights are divided by their sum; 1e308 overflowed it)
MAX_WEIGHT = 1000
#: the longest label or description text of a config
MAX_LABEL = 500


#: Columns a config may score with or map as pockets (the column registry's list).
INDICATOR_COLUMNS: tuple[str, ...] = scorable_columns()

_STRICT = ConfigDict(extra="forbid", arbitrary_types_allowed=True)


# --------------------------------------------------------------------------------- checks

def problem(code: str, at: tuple = (), **params) -> PydanticCustomError:
    """A validation error whose type is the message code ``config.<code>``.

    ``at`` extends the error's key path below the field being validated (a key inside a
    mapping, a pin of a list); ``params`` fill the message.
    """
    return PydanticCustomError(code, code, {"at": at, **params})


def did_you_mean(word, choices) -> Message | str:
    """``; did you mean 'weight'?`` for the closest valid name, or ``""``."""
    match = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.5)
    return Message("config.did_you_mean", {"name": repr(match[0])}) if match else ""


def _number(value, *, low=None, high=None, integer=False, low_open=False):
    kind = int if integer else (int, float)
    if isinstance(value, bool) or not isinstance(value, kind):
        raise problem("whole_number" if integer else "number", value=repr(value))
    if isinstance(value, float) and not math.isfinite(value):
        # TOML's nan/inf and YAML's .nan/.inf pass every range check (nan < 0 is False)
        raise problem("not_finite", value=repr(value))
    if (low is not None and (value < low or (low_open and value == low))) or \
            (high is not None and value > high):
        if low is not None and high is not None:
            code = "range_above_at_most" if low_open else "range_between"
        elif low is not None:
            code = "range_above" if low_open else "range_at_least"
        else:
            code = "range_at_most"
        raise problem(code, value=repr(value), low=low, high=high)
    return value


def number(**bounds):
    """A number field (``integer=True``: a whole number) within ``low``/``high``."""
    integer = bounds.get("integer", False)
    kind = int if integer else float

    def check(value):
        value = _number(value, **bounds)
        return value if integer else float(value)

    return Annotated[kind, PlainValidator(check), WithJsonSchema(
        {"type": "integer" if integer else "number",
         **({"minimum": bounds["low"]} if "low" in bounds else {}),
         **({"maximum": bounds["high"]} if "high" in bounds else {})})]


def choice(choices: tuple[str, ...]):
    """A text field that must be one of ``choices``."""
    def check(value):
        if value not in choices:
            raise problem("not_one_of", value=repr(value), choices=", ".join(choices),
                          suggestion=did_you_mean(value, choices))
        return value

    return Annotated[str, PlainValidator(check), WithJsonSchema({"enum": list(choices)})]


def _flag(value):
    if not isinstance(value, bool):
        raise problem("not_a_flag", value=repr(value))
    return value


def _text(value):
    if not isinstance(value, str) or not value.strip():
        raise problem("empty_text", value=repr(value))
    return value.strip()


def _column(value):
    columns = scorable_columns()
    if value not in columns:
        raise problem("unknown_column", value=repr(value), suggestion=did_you_mean(value, columns))
    return value


def _village_code(value):
    code = normalise_village_code([str(value)]).iloc[0]
    if pd.isna(code):
        raise problem("not_a_village_code", value=repr(value))
    return str(code)


def _top_n(value):
    if value is None:
        return None
    return _number(value, low=0, integer=True) or None


def _share(value):
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 1 < value <= 100:
        raise problem("share_not_percent", value=repr(value), share=value / 100, percent=value)
    return float(_number(value, low=0, high=1, low_open=True))


def _threshold(value):
    return None if value is None else float(_number(value, low=0, high=100))


def _mpi_problem(exc) -> PydanticCustomError:
    # the indicators step's own checks; its message (a Message once GeoInputError carries one)
    # is passed on whole
    text = getattr(exc, "message", None) or str(exc)
    for prefix in ("weights: ", "k: "):
        if isinstance(text, str):
            text = text.removeprefix(prefix)
    return problem("mpi", text=text)


def _mpi_k(value):
    from geo.common.errors import GeoInputError
    from geo.indicators.mpi import exact_k

    try:
        return exact_k(value)
    except GeoInputError as exc:
        raise _mpi_problem(exc) from None


def _mpi_weights(value):
    from geo.common.errors import GeoInputError
    from geo.indicators.mpi import exact_weights

    if not isinstance(value, Mapping):
        raise problem("not_a_table", what="[mpi.weights]", kind=type(value).__name__)
    for key in value:
        if key not in DEPRIVATIONS:
            raise problem("unknown_key", at=(key,), setting=repr(key), what="[mpi.weights]",
                          suggestion=did_you_mean(key, DEPRIVATIONS), valid=", ".join(DEPRIVATIONS))
    try:
        return exact_weights(dict(value))
    except GeoInputError as exc:
        raise _mpi_problem(exc) from None


Flag = Annotated[bool, PlainValidator(_flag), WithJsonSchema({"type": "boolean"})]
Text = Annotated[str, PlainValidator(_text), WithJsonSchema({"type": "string", "minLength": 1})]
def _label(value):
    text = str(value)
    if len(text) > MAX_LABEL:
        raise problem("label_too_long", value=repr(text[:40] + "…"), limit=MAX_LABEL)
    return text


Label = Annotated[str, PlainValidator(_label),
                  WithJsonSchema({"type": "string", "maxLength": MAX_LABEL})]
Column = Annotated[str, PlainValidator(_column), WithJsonSchema({"enum": list(INDICATOR_COLUMNS)})]
FractionText = WithJsonSchema({"type": "string", "examples": ["1/3"]})


# --------------------------------------------------------------------------------- sections

@dataclass(frozen=True, config=_STRICT)
class IndicatorSpec:
    """One indicator in the composite score (``[[indicator]]``).

    ``weight`` is relative: weights are divided by their sum, so 2/1/1 means 50/25/25 %.
    """

    column: Column
    weight: number(low=0, high=MAX_WEIGHT)  # relative; a bound keeps the sum finite (issue 18)
    direction: choice(DIRECTIONS) = "higher_is_worse"
    normalisation: choice(NORMALISATIONS) = "minmax"
    missing: choice(MISSING_POLICIES) = "median"
    label: Label = ""


@dataclass(frozen=True, config=_STRICT)
class Pin:
    """A person's decision to force a village in or out of the focus list, with the reason."""

    village_code: Annotated[str, PlainValidator(_village_code),
                            WithJsonSchema({"type": "string", "examples": ["35.73.01.1001"]})]
    action: choice(PIN_ACTIONS)
    reason: Text
    by: Text


@dataclass(frozen=True, config=_STRICT)
class FocusRules:
    """Which villages enter the focus list (lokus); a village enters when *any* active rule
    picks it, then pins override (pinned out never appears, pinned in always does)."""

    top_n: Annotated[int | None, PlainValidator(_top_n),
                     WithJsonSchema({"type": "integer", "minimum": 0})] = None
    score_threshold: Annotated[float | None, PlainValidator(_threshold),
                               WithJsonSchema({"type": "number", "minimum": 0, "maximum": 100})] = None
    cover_extreme_poor: Annotated[float | None, PlainValidator(_share),
                                  WithJsonSchema({"type": "number", "exclusiveMinimum": 0,
                                                  "maximum": 1})] = None
    min_per_district: Flag = False
    quadrant_split: choice(QUADRANT_SPLITS) = "median"
    pins: tuple[Pin, ...] = ()

    @model_validator(mode="after")
    def _one_action_per_village(self):
        actions: dict[str, tuple[str, int]] = {}
        for i, pin in enumerate(self.pins):
            earlier = actions.get(pin.village_code)
            if earlier and earlier[0] != pin.action:
                raise problem("pinned_both", at=("pins", i), village=pin.village_code,
                              other=str(earlier[1] + 1))
            actions[pin.village_code] = (pin.action, i)
        return self


@dataclass(frozen=True, config=_STRICT)
class MpiSettings:
    """Alkire–Foster cut-off, indicator weights and the rule for a household's missing answers
    (``not_deprived``, ``complete_case``, ``reweight``: :mod:`geo.indicators.mpi`), passed to
    the indicators step. A saved config without ``missing`` was made under ``not_deprived``."""

    k: Annotated[Fraction, PlainValidator(_mpi_k), FractionText] = GLOBAL_MPI_K
    weights: Annotated[Mapping[str, Fraction], PlainValidator(_mpi_weights),
                       WithJsonSchema({"type": "object",
                                       "propertyNames": {"enum": list(DEPRIVATIONS)}})] = \
        field(default_factory=lambda: dict(GLOBAL_MPI_WEIGHTS))
    missing: choice(MISSING_RULES) = DEFAULT_MISSING_RULE


@dataclass(frozen=True, config=_STRICT)
class RobustnessSettings:
    """Weight perturbation: ``draws`` random weight sets within +/- ``spread`` (relative)."""

    draws: number(low=1, integer=True) = 500
    spread: number(low=0, high=0.99) = 0.25
    seed: number(low=0, integer=True) = 0


@dataclass(frozen=True, config=_STRICT)
class PocketSettings:
    """Local Moran's I / Getis-Ord Gi* settings for the poverty-pocket map.

    ``correction`` is the multiple-testing rule (``"none"``, ``"fdr"`` Benjamini–Hochberg,
    ``"bonferroni"``); the older ``fdr = true`` is read as ``correction = "fdr"`` (and
    ``fdr = false`` as the default), so configs and saved decisions written before still load.
    ``smoothing = "eb"`` tests a rate as its Empirical Bayes standardised rate over its base
    (households, people), ``"raw"`` as it is (:mod:`geo.spatial.rates`).
    """

    variable: Column = "desil1_share"
    permutations: number(low=99, integer=True) = 9999
    seed: number(low=0, integer=True) = 12345
    alpha: number(low=0, high=0.5, low_open=True) = 0.05
    correction: choice(POCKET_CORRECTIONS) = "none"
    smoothing: choice(POCKET_SMOOTHINGS) = "eb"
    isolated: choice(ISOLATED_HANDLING) = "label"
    snap_tolerance_m: number(low=0, high=1000) = 5.0

    @model_validator(mode="before")
    @classmethod
    def _fdr_is_a_correction(cls, data):
        """``fdr = true`` (older configs) -> ``correction = "fdr"``; both given must agree."""
        kwargs = data.kwargs if isinstance(data, ArgsKwargs) else data
        if not isinstance(kwargs, Mapping) or "fdr" not in kwargs:
            return data
        kwargs = dict(kwargs)
        fdr = kwargs.pop("fdr")
        try:
            fdr = _flag(fdr)
        except PydanticCustomError as exc:
            raise problem("not_a_flag", at=("fdr",), value=repr(fdr)) from exc
        if "correction" in kwargs:
            if fdr != (kwargs["correction"] == "fdr"):
                raise problem("fdr_and_correction", at=("fdr",),
                              correction=repr(kwargs["correction"]))
        elif fdr:
            kwargs["correction"] = "fdr"
        else:
            kwargs["correction"] = "none"
        return ArgsKwargs(data.args, kwargs) if isinstance(data, ArgsKwargs) else kwargs


@dataclass(frozen=True, config=_STRICT)
class ScoringSettings:
    """``[scoring]``: whether villages without households get a rank."""

    rank_empty_villages: Flag = False


OVERLAP_RULES = ("smallest_code", "largest_polygon", "newer_code")  # geo.join.match's


@dataclass(frozen=True, config=_STRICT)
class JoinSettings:
    """``[join]``: the village of a household point lying in two or more villages whose code
    names none of them (overlapping polygons, shared borders): ``smallest_code``,
    ``largest_polygon`` or ``newer_code`` (first listed in a later Kemendagri edition)."""

    overlap: choice(OVERLAP_RULES) = "smallest_code"


# --- programme catalogue (issue 14) ----------------------------------------------------------
PROGRAMME_STRATEGIES = ("reduce_burden", "raise_income", "reduce_pockets")  # Inpres 4/2022
BUDGET_TAGS = ("langsung", "tidak_langsung", "penunjang")  # PMK 97/2023


def _eligible(value):
    """An eligibility expression, checked (never run) at load: ``desil <= 4``."""
    from geo.common.errors import GeoInputError
    from geo.convergence.eligibility import parse

    if not isinstance(value, str) or not value.strip():
        raise problem("empty_text", value=repr(value))
    try:
        parse(value)
    except GeoInputError as exc:
        raise problem("eligible_expression", expression=repr(value),
                      what=str(exc.message.params.get("what", ""))) from None
    return value.strip()


@dataclass(frozen=True, config=_STRICT)
class ProgrammeSpec:
    """One programme of the catalogue (``[[programme]]``): who runs it and who is eligible."""

    name: Text
    agency: Text
    eligible: Annotated[str, PlainValidator(_eligible),
                        WithJsonSchema({"type": "string", "examples": ["desil <= 4"]})]
    strategy: Annotated[str, PlainValidator(lambda v: v if v == "" else _choice_strategy(v)),
                        WithJsonSchema({"enum": ["", *PROGRAMME_STRATEGIES]})] = ""
    budget_tag: Annotated[str, PlainValidator(lambda v: v if v == "" else _choice_tag(v)),
                          WithJsonSchema({"enum": ["", *BUDGET_TAGS]})] = ""


def _one_of(value, choices):
    if value not in choices:
        raise problem("not_one_of", value=repr(value), choices=", ".join(choices),
                      suggestion=did_you_mean(value, choices))
    return value


def _choice_strategy(value):
    return _one_of(value, PROGRAMME_STRATEGIES)


def _choice_tag(value):
    return _one_of(value, BUDGET_TAGS)


class ConfigFile(BaseModel):
    """A complete config (TOML/YAML/JSON): the sections and their keys.

    A config *file* may leave sections and keys out: :func:`geo.config.load.with_defaults`
    fills them from ``config/default.toml`` before validation, so what is validated here is
    always complete (``[[indicator]]`` included).

    ``RankConfig.from_dict`` validates against this model and then builds the
    :class:`~geo.config.RankConfig`; ``ConfigFile.model_json_schema()`` is its JSON Schema.
    """

    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True, frozen=True)

    description: Label = ""
    indicator: list[IndicatorSpec] = Field(min_length=1)
    scoring: ScoringSettings = ScoringSettings()
    mpi: MpiSettings = MpiSettings()
    focus: FocusRules = FocusRules()
    robustness: RobustnessSettings = RobustnessSettings()
    pockets: PocketSettings = PocketSettings()
    join: JoinSettings = JoinSettings()
    programme: list[ProgrammeSpec] = []  # issue 14: the programme catalogue, optional

    @model_validator(mode="after")
    def _indicators_once_and_weighted(self):
        seen: dict[str, int] = {}
        for i, spec in enumerate(self.indicator):
            if spec.column in seen:
                raise problem("listed_twice", at=("indicator", i, "column"),
                              column=repr(spec.column), other=str(seen[spec.column] + 1))
            seen[spec.column] = i
        if sum(spec.weight for spec in self.indicator) <= 0:
            raise problem("weights_all_zero", at=("indicator",))
        names: dict[str, int] = {}
        for i, spec in enumerate(self.programme):
            if spec.name in names:
                raise problem("programme_twice", at=("programme", i, "name"),
                              column=repr(spec.name), other=str(names[spec.name] + 1))
            names[spec.name] = i
        return self


@dataclass(frozen=True, config=_STRICT)
class RankConfig:
    """Everything that decides a ranking; immutable so a cached result matches its config."""

    indicators: tuple[IndicatorSpec, ...]
    rank_empty_villages: Flag = False
    mpi: MpiSettings = field(default_factory=MpiSettings)
    focus: FocusRules = field(default_factory=FocusRules)
    robustness: RobustnessSettings = field(default_factory=RobustnessSettings)
    pockets: PocketSettings = field(default_factory=PocketSettings)
    description: Label = ""
    join: JoinSettings = field(default_factory=JoinSettings)
    programmes: tuple[ProgrammeSpec, ...] = ()  # issue 14

    @classmethod
    def from_dict(cls, data: Mapping, *, source: str | None = None,
                  lines: Mapping[tuple, int] | None = None) -> "RankConfig":
        """Validate a parsed config (as from TOML, YAML or :meth:`to_dict`).

        ``lines`` maps key paths such as ``("indicator", 1, "weight")`` to 1-based line numbers
        so that errors can name the line; ``source`` is the file name for messages.

        Raises
        ------
        GeoInputError
            Naming the source, the line and the key path, e.g.
            ``rank.toml: line 12, indicator[2].weight: -2 is out of range: it must be at least 0``.
        """
        from geo.config.load import validate

        parsed = validate(data, source=source, lines=lines or {})
        return cls(indicators=tuple(parsed.indicator),
                   rank_empty_villages=parsed.scoring.rank_empty_villages,
                   mpi=parsed.mpi, focus=parsed.focus, robustness=parsed.robustness,
                   pockets=parsed.pockets, description=parsed.description, join=parsed.join,
                   programmes=tuple(parsed.programme))

    def to_dict(self) -> dict:
        """Plain data (fractions as ``"1/6"`` strings) that :meth:`from_dict` reads back."""
        data = asdict(self)
        out = {"description": self.description} if self.description else {}
        out["indicator"] = [{k: v for k, v in spec.items() if v != "" or k != "label"}
                            for spec in data["indicators"]]
        out["scoring"] = {"rank_empty_villages": self.rank_empty_villages}
        out["mpi"] = {"k": str(self.mpi.k),
                      "weights": {k: str(v) for k, v in self.mpi.weights.items()},
                      "missing": self.mpi.missing}
        focus = {k: v for k, v in data["focus"].items() if v is not None and k != "pins"}
        focus["pins"] = [dict(p) for p in data["focus"]["pins"]]
        out["focus"] = focus
        out["robustness"] = data["robustness"]
        out["pockets"] = data["pockets"]
        out["join"] = data["join"]
        if self.programmes:
            out["programme"] = [dict(p) for p in data["programmes"]]
        return out

    def to_json(self) -> str:
        """The config as JSON text, e.g. to store with a saved decision."""
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False)

    @property
    def weights(self) -> dict[str, float]:
        """Indicator column -> weight as a share of 1."""
        total = sum(spec.weight for spec in self.indicators)
        return {spec.column: spec.weight / total for spec in self.indicators}

    def with_weights(self, weights: Mapping[str, float]) -> "RankConfig":
        """A copy with new weights for some indicators (e.g. from the app's sliders)."""
        from geo.config.load import input_error

        columns = [s.column for s in self.indicators]
        unknown = sorted(set(weights) - set(columns))
        if unknown:
            raise input_error(Message("config.no_such_indicator", {
                "unknown": ", ".join(unknown), "columns": ", ".join(columns)}))
        try:  # a slider gives a float, a caller may give a numpy number
            new = {s.column: float(weights.get(s.column, s.weight)) for s in self.indicators}
        except (TypeError, ValueError):
            raise input_error(Message("config.slider_weights")) from None
        if any(not math.isfinite(w) or w < 0 for w in new.values()) or sum(new.values()) <= 0:
            raise input_error(Message("config.slider_weights"))
        specs = tuple(replace(s, weight=float(new[s.column])) for s in self.indicators)
        return replace(self, indicators=specs)

    def with_focus(self, **changes) -> "RankConfig":
        """A copy with some focus rules changed (``top_n=20``, ``pins=(...)``)."""
        return replace(self, focus=replace(self.focus, **changes))
