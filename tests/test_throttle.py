"""Login throttling: failures counted in the database per account+address and per address,
429 while locked (page and JSON), reset on success, same answers for unknown names."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from hypothesis import given, settings as hsettings, strategies as st
from sqlalchemy import func, insert, select

from dramalens.errors import TooManyRequests
from dramalens.triage import throttle
from dramalens.triage.auth import add_user, issue_token, login_attempt
from dramalens.triage.models import login_failures, now, settings
from dramalens.web.app import create_app
from triage_support import csrf_of, fast_hash, login, new_engine  # noqa: F401

pytestmark = pytest.mark.usefixtures("fast_hash")


class Clock:
    def __init__(self, t: float = 1_800_000_000.0):
        self.t = t

    def __call__(self) -> float:
        return self.t


def _app(path, clock):
    app = create_app(f"sqlite:///{path}", clock=clock)
    return app


def _client(app, address: str) -> TestClient:
    return TestClient(app, client=(address, 50000))


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def app(tmp_path, clock):
    app = _app(tmp_path / "thr.sqlite", clock)
    add_user(app.state.desk.engine, "ann", "password-a")
    return app


def test_lockout_after_five_then_window_passes(app, clock):
    c = _client(app, "10.0.0.1")
    for _ in range(5):
        assert login(c, "ann", "wrong-pass").status_code == 401
    locked = login(c, "ann", "password-a")
    assert locked.status_code == 429
    assert "session" not in "".join(locked.cookies.keys())
    assert int(locked.headers["Retry-After"]) == 900
    assert "15" in locked.text  # minutes until the next try, in the page
    clock.t += 899
    assert login(c, "ann", "password-a").status_code == 429
    clock.t += 2  # the oldest failure left the window
    ok = login(c, "ann", "password-a")
    assert ok.status_code == 303 and ok.headers["location"] == "/queue"


def test_locked_message_is_translated(app):
    c = _client(app, "10.0.0.2")
    for _ in range(5):
        login(c, "ann", "nope-nope")
    c.cookies.set("dl_lang", "zh")
    zh = login(c, "ann", "password-a")
    assert zh.status_code == 429 and "分钟后再试" in zh.text
    c.cookies.set("dl_lang", "en")
    en = login(c, "ann", "password-a")
    assert en.status_code == 429 and "Try again in" in en.text


def test_json_client_gets_error_shape(app):
    c = _client(app, "10.0.0.3")
    for _ in range(5):
        login(c, "ann", "nope-nope")
    page = c.get("/login")
    r = c.post("/login", data={"name": "ann", "password": "password-a", "csrf_token": csrf_of(page.text)},
               headers={"Accept": "application/json"}, follow_redirects=False)
    assert r.status_code == 429
    body = r.json()
    assert body["error"] == "TooManyRequests" and "try again" in body["message"]
    assert int(r.headers["Retry-After"]) > 0


def test_other_address_not_locked_by_account_limit(app):
    a = _client(app, "10.0.0.4")
    for _ in range(5):
        login(a, "ann", "nope-nope")
    assert login(a, "ann", "password-a").status_code == 429
    b = _client(app, "10.0.0.5")
    assert login(b, "ann", "password-a").status_code == 303


def test_address_limit_across_accounts(app, clock):
    c = _client(app, "10.0.0.6")
    for i in range(20):  # 4 names x 5 would hit the account limit; spread over 20 names
        assert login(c, f"guess{i}", "nope-nope").status_code == 401
    assert login(c, "ann", "password-a").status_code == 429  # ann never failed, the address did
    assert login(_client(app, "10.0.0.7"), "ann", "password-a").status_code == 303
    clock.t += 901
    assert login(c, "ann", "password-a").status_code == 303


def test_success_resets_account_counter(app):
    c = _client(app, "10.0.0.8")
    for _ in range(4):
        login(c, "ann", "nope-nope")
    assert login(c, "ann", "password-a").status_code == 303
    for _ in range(4):  # four more: would be 8 without the reset
        assert login(c, "ann", "nope-nope").status_code == 401
    assert login(c, "ann", "password-a").status_code == 303


def test_unknown_user_same_responses(app):
    def run(name, address):
        c = _client(app, address)
        out = []
        for _ in range(6):
            r = login(c, name, "nope-nope")
            out.append((r.status_code, r.headers.get("Retry-After"),
                        r.text.replace(name, "NAME").replace(csrf_of(r.text), "TOKEN")))
        return out

    assert run("ann", "10.0.1.1") == run("nobody", "10.0.1.2")
    assert [s for s, _, _ in run("nobody2", "10.0.1.3")] == [401] * 5 + [429]


def test_unknown_user_still_verifies_dummy_hash(app, monkeypatch):
    from dramalens.triage import auth

    calls = []
    real = auth._hasher

    class Spy:
        def verify(self, h, p):
            calls.append(h)
            return real.verify(h, p)

        def __getattr__(self, name):
            return getattr(real, name)

    monkeypatch.setattr(auth, "_hasher", Spy())
    assert login_attempt(app.state.desk.engine, "nobody", "whatever1", "10.0.2.1") is None
    assert calls == [auth._dummy_hash()]


def test_counters_survive_new_app_instance(tmp_path, clock):
    path = tmp_path / "persist.sqlite"
    first = _app(path, clock)
    add_user(first.state.desk.engine, "ann", "password-a")
    c = _client(first, "10.0.3.1")
    for _ in range(5):
        login(c, "ann", "nope-nope")
    first.state.desk.engine.dispose()
    second = _app(path, clock)  # another worker process or a restart
    assert login(_client(second, "10.0.3.1"), "ann", "password-a").status_code == 429
    assert login(_client(second, "10.0.3.2"), "ann", "password-a").status_code == 303


def test_wrong_api_tokens_lock_the_address(app):
    engine = app.state.desk.engine
    good = {"Authorization": f"Bearer {issue_token(engine, 'ann')}"}
    c = _client(app, "10.0.4.1")
    assert c.get("/api/submissions", headers=good).status_code == 200
    for i in range(20):
        r = c.get("/api/submissions", headers={"Authorization": f"Bearer dl_guess{i}"})
        assert r.status_code == 403
    r = c.get("/api/submissions", headers=good)
    assert r.status_code == 429 and r.json()["error"] == "TooManyRequests" and "Retry-After" in r.headers
    assert _client(app, "10.0.4.2").get("/api/submissions", headers=good).status_code == 200
    # A missing token is not a guess: it is not counted.
    for _ in range(25):
        assert _client(app, "10.0.4.3").get("/api/submissions").status_code in (401, 403)
    assert _client(app, "10.0.4.3").get("/api/submissions", headers=good).status_code == 200


def test_locked_attempt_checks_nothing_and_counts_nothing(tmp_path, monkeypatch):
    engine = new_engine(tmp_path)
    add_user(engine, "ann", "password-a")
    t = now()
    for _ in range(5):
        login_attempt(engine, "ann", "nope-nope", "a", at=t)
    from dramalens.triage import auth

    monkeypatch.setattr(auth, "authenticate", lambda *a: pytest.fail("password checked while locked"))
    for _ in range(3):
        with pytest.raises(TooManyRequests) as info:
            login_attempt(engine, "ANN ", "password-a", "a", at=t + 10)  # case and spaces do not escape
        assert info.value.status_code == 429 and info.value.retry_after == 890
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(login_failures)).scalar_one() == 5


def test_policy_from_settings_row(tmp_path):
    engine = new_engine(tmp_path)
    add_user(engine, "ann", "password-a")
    with engine.begin() as conn:
        conn.execute(insert(settings).values(key="login_throttle", updated_at=now(),
                                             value=json.dumps({"account_limit": 2, "window_seconds": 60})))
    policy = throttle.load_policy(engine)
    assert (policy.account_limit, policy.address_limit, policy.window_seconds) == (2, 20, 60)
    t = 1000.0
    assert login_attempt(engine, "ann", "nope-nope", "a", at=t) is None
    assert login_attempt(engine, "ann", "nope-nope", "a", at=t) is None
    with pytest.raises(TooManyRequests):
        login_attempt(engine, "ann", "password-a", "a", at=t + 59)
    assert login_attempt(engine, "ann", "password-a", "a", at=t + 61) is not None


@pytest.mark.parametrize("bad", [{"account_limit": 0}, {"window_seconds": -1}, {"address_limit": "5"},
                                 {"other": 1}, [5]])
def test_bad_policy_refused(tmp_path, bad):
    from dramalens.errors import ConfigError

    engine = new_engine(tmp_path)
    with engine.begin() as conn:
        conn.execute(insert(settings).values(key="login_throttle", updated_at=now(), value=json.dumps(bad)))
    with pytest.raises(ConfigError):
        throttle.load_policy(engine)


_SHARED = {}


@hsettings(max_examples=40, deadline=None)
@given(times=st.lists(st.floats(min_value=0, max_value=2000, allow_nan=False), min_size=0, max_size=12),
       offset=st.floats(min_value=0, max_value=1000, allow_nan=False))
def test_lock_matches_count_in_window(tmp_path_factory, times, offset):
    if "engine" not in _SHARED:  # one migrated database; each example gets its own address
        _SHARED["engine"] = new_engine(tmp_path_factory.mktemp("h"))
        _SHARED["n"] = 0
    engine = _SHARED["engine"]
    _SHARED["n"] += 1
    address = f"h{_SHARED['n']}"
    name = f"ann{_SHARED['n']}"  # the per-account limit counts across addresses: one name each
    probe = max(times, default=0.0) + offset
    policy = throttle.ThrottlePolicy(account_limit=3, address_limit=5, window_seconds=600)
    with engine.begin() as conn:
        for t in times:
            conn.execute(insert(login_failures).values(account=name, address=address, at=t))
    recent = sorted(t for t in times if probe - 600 < t)
    lock = throttle.check(engine, name, address, at=probe, policy=policy)
    assert (lock is not None) == (len(recent) >= 3)
    if lock is not None:
        # At the lock's retry time the count in the window is below the limit; a moment before, not.
        assert lock.retry_at > probe
        assert throttle.check(engine, name, address, at=lock.retry_at + 1e-3, policy=policy) is None
        assert throttle.check(engine, name, address, at=lock.retry_at - 1e-3, policy=policy) is not None
