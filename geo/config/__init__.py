"""The ranking configuration: which indicators score a village, the focus-list rules, the
robustness draws and the poverty-pocket settings, read from TOML, YAML or JSON.

- :mod:`geo.config.models` — the pydantic models: types, bounds and defaults in one place;
  ``ConfigFile.model_json_schema()`` is the JSON Schema of a config file.
- :mod:`geo.config.load` — :func:`load_config`, :func:`config_from_text`,
  :func:`default_config`; errors name the file, the line and the key, with did-you-mean.
- :mod:`geo.config.lines` — where each key of a TOML / YAML text is.

The documented default lives in ``config/default.toml`` (see ``docs/ranking.md``).
"""

from geo.config.load import DEFAULT_CONFIG_PATH, config_from_text, default_config, load_config
from geo.config.models import (
    DIRECTIONS,
    INDICATOR_COLUMNS,
    ISOLATED_HANDLING,
    MISSING_POLICIES,
    NORMALISATIONS,
    PIN_ACTIONS,
    QUADRANT_SPLITS,
    ConfigFile,
    FocusRules,
    IndicatorSpec,
    MpiSettings,
    Pin,
    PocketSettings,
    RankConfig,
    RobustnessSettings,
    ScoringSettings,
    scorable_columns,
)

__all__ = [
    "DEFAULT_CONFIG_PATH", "DIRECTIONS", "INDICATOR_COLUMNS", "ISOLATED_HANDLING",
    "MISSING_POLICIES", "NORMALISATIONS", "PIN_ACTIONS", "QUADRANT_SPLITS", "ConfigFile",
    "FocusRules", "IndicatorSpec", "MpiSettings", "Pin", "PocketSettings", "RankConfig",
    "RobustnessSettings", "ScoringSettings", "config_from_text", "default_config",
    "load_config", "scorable_columns",
]
