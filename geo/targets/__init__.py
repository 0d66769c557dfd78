"""Targets and the official series (issue 15): per region, the RPJMD poverty-rate target and
the official BPS rate by year, kept in the workspace database; the trajectory against the
straight path from the baseline to the target.

:mod:`geo.targets.store` keeps them (:class:`~geo.targets.store.TargetStore`);
:mod:`geo.targets.trajectory` compares the series with the path
(:func:`~geo.targets.trajectory.trajectory`).
"""
