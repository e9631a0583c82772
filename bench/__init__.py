"""livefeed's benchmarks, run from the repository root as modules of this package:

    python -m bench.run --smoke      # every kernel-side benchmark with a tiny load (see run.py)
    python -m bench.soak --smoke     # the memory soak, a few seconds of it

What they share with the tests (the kernel driver, servers, the JupyterLab and browser harness)
comes from `tests.support`, which the repository root on `sys.path` makes importable.
"""
