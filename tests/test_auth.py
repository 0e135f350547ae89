"""Accounts: argon2 hashes, sessions, CSRF, API tokens."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from dramalens.errors import ConfigError, PermissionDenied
from dramalens.triage.auth import (add_user, authenticate, check_csrf, end_session, issue_token, secret_key, session_user,
                                   signer, start_session, user_for_token)
from dramalens.triage.models import users
from triage_support import new_engine, fast_hash  # noqa: F401 (fixture)

pytestmark = pytest.mark.usefixtures("fast_hash")


@pytest.fixture
def engine(tmp_path):
    return new_engine(tmp_path)


def test_passwords_are_argon2_and_checked(engine):
    user = add_user(engine, "ann", "s3cret-pass", admin=True, desk="都市")
    with engine.connect() as c:
        stored = c.execute(select(users.c.password_hash)).scalar_one()
    assert stored.startswith("$argon2id$") and "s3cret" not in stored
    assert authenticate(engine, "ann", "s3cret-pass") == user
    assert authenticate(engine, "ann", "wrong") is None
    assert authenticate(engine, "nobody", "s3cret-pass") is None


@pytest.mark.parametrize("name,password", [("", "longenough"), ("a<b", "longenough"), ("ok", "short")])
def test_bad_accounts_refused(engine, name, password):
    with pytest.raises(ConfigError):
        add_user(engine, name, password)


def test_duplicate_user_refused(engine):
    add_user(engine, "ann", "longenough")
    with pytest.raises(ConfigError, match="exists"):
        add_user(engine, "ann", "longenough")


def test_sessions_sign_expire_and_end(engine):
    user = add_user(engine, "ann", "longenough")
    key = secret_key(engine)
    assert secret_key(engine) == key  # generated once, kept
    sid, csrf = start_session(engine, user)
    cookie = signer(key).dumps(sid)
    assert session_user(engine, key, cookie) == (user, csrf)
    assert session_user(engine, key, cookie + "x") is None  # tampered
    assert session_user(engine, "another key", cookie) is None
    assert session_user(engine, key, signer(key).dumps("made-up-id")) is None
    end_session(engine, key, cookie)
    assert session_user(engine, key, cookie) is None


def test_csrf_compare():
    check_csrf("abc", "abc")
    for given in (None, "", "abd"):
        with pytest.raises(PermissionDenied):
            check_csrf("abc", given)
    with pytest.raises(PermissionDenied):
        check_csrf(None, None)


def test_api_tokens(engine):
    user = add_user(engine, "ann", "longenough")
    token = issue_token(engine, "ann")
    assert user_for_token(engine, token) == user
    with engine.connect() as c:
        assert token not in str(c.execute(select(users.c.api_token_hash)).scalar_one())
    newer = issue_token(engine, "ann")
    with pytest.raises(PermissionDenied):
        user_for_token(engine, token)  # replaced
    assert user_for_token(engine, newer) == user
    for bad in (None, "", "dl_nope", "x" * 300):
        with pytest.raises(PermissionDenied):
            user_for_token(engine, bad)
    with pytest.raises(ConfigError):
        issue_token(engine, "nobody")
