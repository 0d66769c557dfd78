"""Make a decision from files, and re-run a saved one with its stored config.

A re-run reads the same input files (the paths kept with the decision, or the ones given)
and refuses when a file is missing or its SHA-256 differs from the fingerprint saved with the
decision: the list would then come from other data than the one signed.
"""

from __future__ import annotations

from pathlib import Path

from geo.common.errors import GeoInputError
from geo.common.fingerprint import file_sha256, source_files
from geo.config import RankConfig
from geo.decisions.store import Decision, DecisionStore


def _inputs(boundaries, households) -> list[dict]:
    paths = [boundaries] if isinstance(boundaries, (str, Path)) else list(boundaries)
    out = [{"role": "boundaries", "path": str(Path(p).resolve())} for p in paths]
    if households is not None:
        out.append({"role": "households", "path": str(Path(households).resolve())})
    return out


def _fingerprints(inputs: list[dict]) -> dict[str, str]:
    return {part.name: file_sha256(part) for i in inputs for part in source_files(i["path"])}


def decide(boundaries, households, *, title: str, decided_by: str, workspace,
           config: RankConfig | str | Path | None = None, note: str = "", result=None):
    """Analyse the files, save the focus list as a decision; returns ``(id, result)``.

    ``result`` may be given when the analysis was already run on these files (the app).
    """
    from geo.pipeline.analysis import analyse, as_config

    config = as_config(config)
    inputs = _inputs(boundaries, households)
    if result is None:
        result = analyse([i["path"] for i in inputs if i["role"] == "boundaries"], households,
                         config=config)
    decision = Decision.from_selection(result.villages.drop(columns="geometry"), title=title,
                                       decided_by=decided_by, config=config,
                                       sources=_fingerprints(inputs), note=note)
    decision.inputs = inputs
    return DecisionStore(workspace).save(decision), result


def check_inputs(decision: Decision, inputs: list[dict] | None = None) -> list[dict]:
    """The decision's input files, each checked against its saved SHA-256.

    Raises
    ------
    GeoInputError
        ``err.decision_no_inputs`` when the decision kept no input paths and none are given;
        ``err.decision_input_missing`` / ``err.decision_input_changed`` naming the file.
    """
    inputs = inputs or decision.inputs
    if not inputs:
        raise GeoInputError("err.decision_no_inputs", source=f"decision {decision.id}",
                            id=str(decision.id))
    for item in inputs:
        for part in source_files(item["path"]):
            name = part.name
            if not part.is_file():
                raise GeoInputError("err.decision_input_missing", source=name, file=name,
                                    id=str(decision.id))
            saved = decision.sources.get(name)
            if saved is None or file_sha256(part) != saved:
                raise GeoInputError("err.decision_input_changed", source=name, file=name,
                                    id=str(decision.id))
    return inputs


def rerun(store: DecisionStore, decision_id: int, *, boundaries=None, households=None):
    """Re-run a saved decision with its stored config on its checked input files.

    ``boundaries`` / ``households`` replace the kept paths (e.g. the files were moved); they
    must still carry the saved fingerprints. Returns the :class:`AnalysisResult`.
    """
    from geo.pipeline.analysis import analyse

    decision = store.load(decision_id)
    config = store.config_of(decision_id)
    if config is None:
        raise GeoInputError("err.decision_config", source=f"decision {decision_id}",
                            id=str(decision_id))
    given = _inputs(boundaries, households) if boundaries is not None else None
    inputs = check_inputs(decision, given)
    return analyse([i["path"] for i in inputs if i["role"] == "boundaries"],
                   next((i["path"] for i in inputs if i["role"] == "households"), None),
                   config=config)


def check_sources(decision: Decision, sources: dict[str, str]) -> None:
    """Refuse when the data at hand (``{file name: SHA-256}``, e.g.
    ``AnalysisResult.method.sha256_of()``) is not the data the decision was made on.

    Raises
    ------
    GeoInputError
        ``err.decision_input_missing`` naming a saved file the data at hand lacks;
        ``err.decision_input_changed`` naming a file whose fingerprint differs, or a file at
        hand that the decision did not use.
    """
    for name, saved in sorted(decision.sources.items()):
        if name not in sources:
            raise GeoInputError("err.decision_input_missing", source=name, file=name,
                                id=str(decision.id))
        if sources[name] != saved:
            raise GeoInputError("err.decision_input_changed", source=name, file=name,
                                id=str(decision.id))
    for name in sorted(set(sources) - set(decision.sources)):
        raise GeoInputError("err.decision_input_changed", source=name, file=name,
                            id=str(decision.id))


def rerun_on_result(store: DecisionStore, decision_id: int, result):
    """Re-run a saved decision with its stored config on an analysis already in memory (the
    app's session data): checks the fingerprints (:func:`check_sources`), then rescores.

    Returns ``(decision, rescored AnalysisResult)``; compare them with
    :func:`geo.decisions.history.compare` and :func:`focus_of`.
    """
    from geo.pipeline.analysis import rescore

    decision = store.load(decision_id)
    config = store.config_of(decision_id)
    if config is None:
        raise GeoInputError("err.decision_config", source=f"decision {decision_id}",
                            id=str(decision_id))
    check_sources(decision, result.method.sha256_of())
    return decision, rescore(result, config)


def focus_of(result):
    """``village_code``, ``village_name``, ``rank`` of a result's focus list, by rank."""
    import pandas as pd

    villages = result.villages
    chosen = villages[villages["in_focus_list"].fillna(False).astype(bool)]
    columns = [c for c in ("village_code", "village_name", "rank") if c in chosen]
    return pd.DataFrame(chosen[columns]).sort_values("rank", na_position="last") \
        .reset_index(drop=True)
