"""Issue 11, part 7: analysis keeps its pace while reviewers read because ``serve`` starts its
worker processes at the priority it was given and then lowers its own (``web_niceness``).
Checked on a real ``dramalens serve`` (Linux /proc), never with a clock."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from dramalens.errors import ConfigError
from dramalens.settings import DEFAULT_WEB_NICENESS, load_settings
from dramalens.web.app import create_app

SRC = Path(__file__).resolve().parent.parent / "src"
linux_only = pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads niceness from Linux /proc")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _stat(path: Path) -> list[str]:
    return path.read_text().rsplit(")", 1)[1].split()  # fields from the state on (a name may hold ")")


def _thread_niceness(pid: int) -> list[int]:
    """The niceness of every thread of ``pid`` (on Linux a niceness belongs to a thread)."""
    out = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            out.append(int(_stat(task / "stat")[16]))
        except OSError:  # the thread ended meanwhile
            continue
    return out


def _spawned_children(parent: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if int(_stat(entry / "stat")[1]) == parent and b"spawn_main" in (entry / "cmdline").read_bytes():
                found.append(int(entry.name))
        except (OSError, IndexError, ValueError):
            continue
    return found


def _serve(tmp_path: Path, workers: int, **env: str) -> tuple[subprocess.Popen[bytes], list[int]]:
    """A real ``dramalens serve --workers N`` on a free loopback port, once it answers, and the
    worker processes it spawned."""
    port = _free_port()
    log = (tmp_path / "serve.log").open("wb")
    proc = subprocess.Popen([sys.executable, "-m", "dramalens", "serve", "--db", f"sqlite:///{tmp_path / 'd.sqlite'}",
                             "--port", str(port), "--workers", str(workers)],
                            env={**os.environ, "PYTHONPATH": str(SRC), **env}, stdout=log, stderr=subprocess.STDOUT,
                            cwd=tmp_path)
    deadline = time.monotonic() + 120  # a bound on a hung start-up, not a speed assertion
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail(f"serve did not start: {(tmp_path / 'serve.log').read_text()[-2000:]}")
            time.sleep(0.2)
    # uvicorn runs the app's start-up (which spawns the workers) before it listens.
    return proc, _spawned_children(proc.pid)


def _stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)


@linux_only
@pytest.mark.slow
def test_serve_leaves_its_workers_at_its_priority_and_lowers_its_own_threads(tmp_path):
    base = os.getpriority(os.PRIO_PROCESS, 0)
    if base >= 19:
        pytest.skip("the tests already run at the lowest priority: nothing to lower")
    proc, workers = _serve(tmp_path, 2)
    try:
        assert len(workers) == 2  # --workers N still means N analysis processes
        for pid in workers:
            assert set(_thread_niceness(pid)) == {base}
        web = _thread_niceness(proc.pid)
        assert len(web) > 1 and set(web) == {min(19, base + DEFAULT_WEB_NICENESS)}  # every thread, not only main
    finally:
        _stop(proc)
    for pid in workers:  # stopped with the server
        assert not Path(f"/proc/{pid}").exists() or _stat(Path(f"/proc/{pid}/stat"))[0] == "Z"


@linux_only
@pytest.mark.slow
def test_web_niceness_zero_keeps_the_old_behaviour_and_workers_zero_starts_none(tmp_path):
    base = os.getpriority(os.PRIO_PROCESS, 0)
    proc, workers = _serve(tmp_path, 1, DRAMALENS_WEB_NICENESS="0")
    try:
        assert len(workers) == 1 and set(_thread_niceness(workers[0])) == {base}
        assert set(_thread_niceness(proc.pid)) == {base}
    finally:
        _stop(proc)
    (tmp_path / "d.sqlite").unlink()
    proc, workers = _serve(tmp_path, 0)
    try:  # web only (production beside `dramalens worker`): nothing to yield to, nothing lowered
        assert workers == [] and set(_thread_niceness(proc.pid)) == {base}
    finally:
        _stop(proc)


@linux_only
def test_lower_priority_reaches_threads_started_before_it(tmp_path):
    # In a child: lowering one's own priority cannot be undone without privileges.
    code = textwrap.dedent("""
        import os, threading
        from dramalens.triage.worker import lower_priority
        gate = threading.Event()
        early = threading.Thread(target=gate.wait); early.start()
        base = os.getpriority(os.PRIO_PROCESS, 0)
        now = lower_priority(3)
        seen = {int(open(f"/proc/self/task/{t}/stat").read().rsplit(")", 1)[1].split()[16])
                for t in os.listdir("/proc/self/task")}
        gate.set(); early.join()
        print(base, now, sorted(seen), lower_priority(0), lower_priority(50))
    """)
    out = subprocess.run([sys.executable, "-c", code], env={**os.environ, "PYTHONPATH": str(SRC)},
                         capture_output=True, text=True, check=True).stdout.split(maxsplit=2)
    base, now = int(out[0]), int(out[1])
    assert now == min(19, base + 3)
    assert out[2].split("]")[0] + "]" == f"[{now}]"  # both threads
    assert out[2].split("]")[1].split() == [str(now), "19"]  # 0 changes nothing; the cap is 19


def test_web_niceness_setting_is_checked_and_create_app_refuses_out_of_range():
    assert load_settings(env={}, toml_path=False).web_niceness == DEFAULT_WEB_NICENESS == 5
    assert load_settings(env={"DRAMALENS_WEB_NICENESS": "0"}, toml_path=False).web_niceness == 0
    for bad in ("20", "-1", "ten", "2.5"):
        with pytest.raises(ConfigError, match="DRAMALENS_WEB_NICENESS"):
            load_settings(env={"DRAMALENS_WEB_NICENESS": bad}, toml_path=False)
    with pytest.raises(ConfigError, match="web_niceness"):
        create_app("sqlite://", web_niceness=20)
