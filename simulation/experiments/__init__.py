"""Many runs: the runner, executors, experiment files, sweeps and their store.

Also statistics over replications, SALib sensitivity analysis, calibration targets,
the Bass check, scenario discovery (PRIM) and the results folders of ``run``,
``compare`` and ``calibrate``.
Runners return values; saving is explicit.
"""
