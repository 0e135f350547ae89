"""Dask clients for batch work that outgrows one machine: catalog import and dedupe, triage.

One helper so that every stage connects the same way: ``"local"`` starts a loopback-only
``LocalCluster``; ``tcp://host:8786`` (or tls/ws) connects to a running scheduler with a bounded
wait. Dask is an optional extra (``pip install 'dramalens[dask]'``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from .errors import ConfigError

if TYPE_CHECKING:  # dask is the optional ``dask`` extra; only its type is needed here
    from distributed import Client

__all__ = ["dask_client"]


@contextmanager
def dask_client(address: str, *, processes: bool = True, n_workers: int = 2, timeout: str | float = "10s") -> Iterator[Client]:
    """A Dask client for ``address`` (``"local"`` or ``tcp://…``), closed on exit.

    ``timeout`` bounds the wait for a remote scheduler (a wrong address fails, never hangs).

    >>> with dask_client("local", processes=False) as client:  # doctest: +SKIP
    ...     client.submit(sum, [1, 2]).result()
    3
    """
    try:  # the optional dask extra (~200 MB), imported only when a cluster is asked for
        from dask.distributed import Client, LocalCluster
    except ImportError as exc:
        raise ConfigError("Dask is not installed", hint="pip install 'dramalens[dask]'") from exc
    if address == "local":
        # Loopback only and no dashboard: a local cluster serves nobody but this process. (An
        # in-process cluster talks over inproc:// and takes no host.) The scheduler still opens
        # an HTTP server for its health routes, on every interface at :8787 unless told where.
        where = {"host": "127.0.0.1"} if processes else {}
        cluster = LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=processes,  # type: ignore[no-untyped-call]  # dask is unannotated
                               dashboard_address=None, scheduler_kwargs={"dashboard_address": "127.0.0.1:0"}, **where)
        client = Client(cluster)  # type: ignore[no-untyped-call]  # dask is unannotated
        try:
            yield client
        finally:
            client.close()  # type: ignore[no-untyped-call]  # dask is unannotated
            cluster.close()
    elif address.startswith(("tcp://", "tls://", "ws://", "wss://")):
        try:
            client = Client(address, timeout=timeout)  # type: ignore[no-untyped-call]  # dask is unannotated
        except (OSError, ValueError) as exc:  # unreachable (timed out), or a malformed host:port
            raise ConfigError(f"cannot reach the Dask scheduler at {address}: {exc}", hint="start one with `dask scheduler`, or use --dask local") from exc
        try:
            yield client
        finally:
            client.close()  # type: ignore[no-untyped-call]  # dask is unannotated
    else:
        raise ConfigError(f"--dask must be 'local' or a scheduler address like tcp://host:8786; got {address!r}")
