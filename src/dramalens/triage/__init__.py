"""The script desk: intake, the persistent job queue and its workers, scoring, review, export.

Where things live:

- ``models`` (tables and migrations), ``intake`` (uploads, zip batches, :class:`SubmissionMeta`
  and the pipeline's :class:`SubmissionInput`), ``jobs`` (the queue with leases; the only place a
  result becomes JSON), ``worker`` (threads), ``distributed`` (the same on a Dask cluster),
  ``watch`` (a dropped-files folder);
- ``pipeline`` (parse → analyse → compare → score, from the typed Analysis), ``result`` (the
  :class:`TriageResult` a pipeline hands back), ``scoring`` (the rubric), ``catalogs`` (the
  desk's handles on the catalog);
- ``desk`` (the service layer the web pages, the API and the CLI call), ``runs`` (batch work the
  CLI starts), ``listing`` (the ranked queue), ``review``, ``auth``, ``throttle``, ``export``.

The web app is :mod:`dramalens.web`.
"""
