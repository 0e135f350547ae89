"""No 500 from any route for any input: Schemathesis drives the JSON API from its OpenAPI
schema, Hypothesis the form routes; bounded (a few dozen examples a route) so CI runs them."""

from __future__ import annotations

import tempfile
import urllib.parse

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from dramalens.triage.auth import add_user, issue_token
from dramalens.triage.intake import SubmissionMeta, submit
from dramalens.web.app import create_app
from dramalens.triage.worker import Worker
from triage_support import csrf_of, fake_pipeline_for_tests, login, make_script

PASSWORD = "plum-ladder-77"


def _desk():
    """One desk with an admin, a reviewer and a submission, shared by every example (each example
    is one request; none of them needs a fresh database)."""
    folder = tempfile.mkdtemp(prefix="dl-fuzz-")
    app = create_app(f"sqlite:///{folder}/fuzz.sqlite", workers=0)
    engine = app.state.desk.engine
    add_user(engine, "boss", PASSWORD, admin=True, desk="都市")
    ann = add_user(engine, "ann", PASSWORD, desk="都市")
    submit(engine, [("a.txt", make_script(1).encode())], SubmissionMeta(), desk_id=ann.desk_id, by="ann")
    Worker(engine, pipeline=fake_pipeline_for_tests, poll=0.05).run_until_empty()  # its pages show a score
    return app, issue_token(engine, "boss")


APP, TOKEN = _desk()
SCHEMA = schemathesis.openapi.from_dict(APP.openapi())
SCHEMA.app = APP
BOUNDED = settings(max_examples=30, deadline=None, phases=[Phase.explicit, Phase.generate],
                   suppress_health_check=list(HealthCheck))


@SCHEMA.include(path_regex=r"^/api/").parametrize()
@BOUNDED
def test_api_never_answers_500(case):
    response = case.call(headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code < 500, case.as_curl_command()
    if response.status_code >= 400:
        assert response.json().get("message"), response.text  # one clear message, in the API's error shape


@pytest.fixture(scope="module")
def client():
    with TestClient(APP, raise_server_exceptions=False) as c:
        login(c, "boss", PASSWORD)
        c.csrf = csrf_of(c.get("/upload").text)  # type: ignore[attr-defined]
        yield c


# Text that reaches the parsers: numbers of every size and sign, floats, blanks, junk and NULs.
_junk = st.one_of(
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(["", " ", "1e999", "-0", "0x10", "١٢", "NaN", "inf", "9" * 30, "1_000"]),
    st.text(max_size=40),
)
_QUEUE_KEYS = ["page", "batch", "per_page", "min_score", "sort", "direction", "status", "state", "format", "track",
               "trope", "language", "q"]
# Values the queue knows, so examples also reach the sorts and filters past validation.
_known = st.sampled_from(["due", "score", "asc", "desc", "needs_human", "done", "ja", "zh", "new", "vertical", "1"])


@BOUNDED
@given(params=st.dictionaries(st.sampled_from(_QUEUE_KEYS), st.one_of(_junk, _known), max_size=5),
       lang=st.sampled_from(["en", "zh"]))
def test_queue_filters_never_answer_500(client, params, lang):
    client.cookies.set("dl_lang", lang)
    assert client.get("/queue", params=params).status_code < 500
    assert client.get("/catalog", params={"page": params.get("page", "1"), "q": params.get("q", "")}).status_code < 500


@BOUNDED
@given(sid=_junk, status=_junk, version=_junk, text=_junk, assignee=_junk)
def test_script_forms_never_answer_500(client, sid, status, version, text, assignee):
    path = "/submissions/" + urllib.parse.quote(sid, safe="")  # any text, as a browser would send it
    for url in (path, path + "/report"):
        assert client.get(url).status_code < 500, url
    form = {"csrf_token": client.csrf}
    assert client.post(path + "/decision", data={**form, "status": status, "version": version}).status_code < 500
    assert client.post(path + "/notes", data={**form, "text": text}).status_code < 500
    assert client.post(path + "/assign", data={**form, "assignee": assignee}).status_code < 500


@BOUNDED
@given(sid=st.one_of(_junk, st.just("1")), due=_junk, work=_junk, template=st.one_of(_junk, st.just("1")),
       ids=st.lists(st.one_of(_junk, st.just("1")), max_size=3))
def test_workflow_forms_never_answer_500(client, sid, due, work, template, ids):
    path = "/submissions/" + urllib.parse.quote(sid, safe="")
    form = {"csrf_token": client.csrf}
    assert client.post(path + "/due", data={**form, "due": due}).status_code < 500
    assert client.get(path + "/similar", params={"work": work}).status_code < 500
    assert client.post(path + "/decision", data={**form, "status": "consider", "version": "1", "template": template}).status_code < 500
    assert client.post("/queue/decide", data={**form, "ids": ids, "status": "passed", "template": template}).status_code < 500
    assert client.get(path).status_code < 500


@BOUNDED
@given(batch=st.one_of(_junk, st.just("1")), keys=st.lists(st.tuples(st.sampled_from(["title", "format", "episodes", "track", "language", "x"]),
                                                                    st.one_of(_junk, st.just("1"))), max_size=4),
       value=_junk, desk=st.one_of(_junk, st.just("都市")), name=_junk, tid=_junk)
def test_meta_and_template_forms_never_answer_500(client, batch, keys, value, desk, name, tid):
    form = {"csrf_token": client.csrf, **{f"{field}-{sid}": value for field, sid in keys}}
    assert client.post("/batches/" + urllib.parse.quote(batch, safe="") + "/meta", data=form).status_code < 500
    made = client.post("/settings/templates", data={"csrf_token": client.csrf, "desk": desk, "name": name, "text": value})
    assert made.status_code < 500
    drop = "/settings/templates/" + urllib.parse.quote(tid, safe="") + "/delete"
    assert client.post(drop, data={"csrf_token": client.csrf}).status_code < 500
    assert client.get("/settings").status_code < 500


@BOUNDED
@given(weights=st.tuples(_junk, _junk, _junk), meta=st.tuples(_junk, _junk, _junk, _junk), kind=_junk)
def test_settings_upload_and_export_never_answer_500(client, weights, meta, kind):
    o, c, r = weights
    answer = client.post("/settings", data={"csrf_token": client.csrf, "originality": o, "craft": c, "risk": r})
    assert answer.status_code < 500
    episodes, budget, fmt, title = meta
    answer = client.post("/upload", data={"csrf_token": client.csrf, "episodes": episodes, "budget": budget,
                                          "format": fmt, "title": title},
                         files={"file": ("x.txt", "第1集\n林晚：你来了。".encode())})
    assert answer.status_code < 500
    assert client.get("/export.csv", params={"kind": kind}).status_code < 500
    client.post("/settings", data={"csrf_token": client.csrf, "originality": "0.45", "craft": "0.4", "risk": "0.15"})
