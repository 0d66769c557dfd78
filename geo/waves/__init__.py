"""Registry waves (issue 15): several household files of one region, linked by household key.

:func:`geo.waves.read.read_waves` reads every wave with the household reader and joins it to the
villages (same ingest, privacy and join rules as ``python -m geo rank``);
:func:`geo.waves.movement.movement` counts who stayed in, left or entered desil 1.
"""
