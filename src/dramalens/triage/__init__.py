"""The script desk: intake, the persistent job queue and its workers, scoring, review, export.

Modules: ``models`` (tables), ``intake``, ``jobs`` (queue with leases), ``worker``,
``pipeline`` (the one adapter to parsing/analysis/catalog), ``scoring``, ``listing`` (the
ranked queue), ``review``, ``auth``, ``export``. The web app is :mod:`dramalens.web`.
"""
