"""Hostile requests through HTTP on the embedded deployment: each once gave a 500, a coerced value,
a parsed 50 MB body, an echoed personal value or a guessable sign-in; now each is refused plainly."""

from __future__ import annotations

import statistics
import time
from datetime import timedelta

import jwt
import pytest

from api.keys import Keys
from domain.clock import utc_now
from tests.e2e.embedded import SECRET_KEY, embedded_api
from tests.utils.api_client import Api

PASSWORD = "hostile-admin-password"
MEGABYTE = 1024 * 1024


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    with embedded_api(tmp_path_factory.mktemp("hostile"), PASSWORD) as admin:
        admin.create_catalogue()
        admin.create_user("clerk1", "clerk-password", ["clerk"], window="A01")
        yield admin


@pytest.fixture(scope="module")
def clerk(api):
    return api.as_user("clerk1", "clerk-password")


@pytest.fixture(scope="module")
def accepted_case(clerk) -> str:
    case_id = clerk.submit_case("SPJY")
    clerk.post(f"/cases/{case_id}/accept", {"window": "A01", "staff": "S01"}, 200)
    return case_id


def refused_field(response) -> list:
    """The location of the one field a 422 names."""
    assert response.status_code == 422, response.text
    errors = response.json()["detail"]
    assert len(errors) == 1 and set(errors[0]) == {"loc", "msg", "type"}, errors
    return errors[0]["loc"]


def test_a_lone_surrogate_is_refused_naming_the_field(api, clerk, accepted_case):
    # Escaped in the JSON text, as a client would send it: Python's json keeps half a UTF-16 pair.
    suspend = clerk.post_raw(f"/cases/{accepted_case}/suspend", rb'{"reason": "other", "note": "x\ud800"}')
    assert refused_field(suspend) == ["body", "note"]
    submit = clerk.post_raw("/cases", rb'{"item": "SPJY", "channel": "window", "applicant": {"name": "\udc00"}}')
    assert refused_field(submit) == ["body", "applicant", "name"]
    in_a_list = api.post_raw("/users", rb'{"username": "u1", "password": "long-enough", "roles": ["\ud800"]}')
    assert refused_field(in_a_list)[:2] == ["body", "roles"]
    as_a_field_name = clerk.post_raw(f"/cases/{accepted_case}/resume", rb'{"\ud800": 1}')
    assert refused_field(as_a_field_name) == ["body"]
    assert clerk.get(f"/cases/{accepted_case}").json()["state"] == "accepted"


@pytest.mark.parametrize("version", [b"1e400", b"NaN", b"-Infinity", b"true", b'"1"', b"1.5", b"1.0"])
def test_expected_version_must_be_a_json_integer(clerk, accepted_case, version):
    response = clerk.post_raw(f"/cases/{accepted_case}/resume", b'{"expected_version": ' + version + b"}")
    assert refused_field(response) == ["body", "expected_version"]


def test_integer_fields_take_no_booleans_or_strings(api):
    item = {"code": "STRICT", "name": "x", "department": "SJ", "kind": "promised", "legal_days": 5}
    assert refused_field(api.post("/catalogue/items", {**item, "promised_days": True})) == ["body", "promised_days"]
    assert refused_field(api.post("/catalogue/items", {**item, "promised_days": "3"})) == ["body", "promised_days"]
    api.post("/catalogue/items", {**item, "promised_days": 3}, 201)


def test_bodies_over_one_megabyte_are_refused_before_parsing(api):
    body = b'{"code": "BIG", "name": "' + b"x" * (2 * MEGABYTE) + b'"}'
    declared = api.post_raw("/catalogue/departments", body)
    assert declared.request.headers["Content-Length"] == str(len(body))

    def chunks():
        for start in range(0, len(body), 64 * 1024):
            yield body[start:start + 64 * 1024]

    chunked = api.post_raw("/catalogue/departments", chunks())
    assert "Content-Length" not in chunked.request.headers
    for response in (declared, chunked):
        assert response.status_code == 413, response.text
        assert "too large" in response.json()["detail"]
    just_under = api.post_raw("/catalogue/departments", b'{"code": "BIG", "name": "' + b"x" * (MEGABYTE - 100) + b'"}')
    assert refused_field(just_under) == ["body", "name"]  # parsed and validated: too long for a name


def test_a_422_never_echoes_personal_input(clerk):
    name, id_number, phone = "欧阳秀英", "110101199003071234", 13812345678
    as_number = clerk.post("/cases", {"item": "SPJY", "channel": "window",
                                      "applicant": {"name": name, "id_number": id_number, "phone": phone}})
    assert refused_field(as_number) == ["body", "applicant", "phone"]
    too_long = clerk.post("/cases", {"item": "SPJY", "channel": "window",
                                     "applicant": {"name": name, "id_number": id_number * 3}})
    assert refused_field(too_long) == ["body", "applicant", "id_number"]
    for response in (as_number, too_long):
        assert name not in response.text and id_number not in response.text and str(phone) not in response.text


def test_unknown_user_and_wrong_password_take_as_long(api):
    # Each try uses its own username: five failures of one would lock it.
    for number in range(5):
        api.create_user(f"timed{number}", "right-password", ["auditor"])

    def seconds(username: str) -> float:
        started = time.perf_counter()
        response = api.sign_in(username, "wrong-password")
        elapsed = time.perf_counter() - started
        assert (response.status_code, response.json()) == (401, {"detail": "wrong username or password"})
        return elapsed

    wrong, unknown = [], []
    for number in range(5):  # interleaved, so a busy moment of the machine falls on both
        wrong.append(seconds(f"timed{number}"))
        unknown.append(seconds(f"nobody{number}"))
    # Before, an unknown user was answered ~100 times faster (no password hash was checked).
    assert statistics.median(unknown) >= statistics.median(wrong) / 2, (unknown, wrong)


def test_five_failures_lock_the_username_for_fifteen_minutes(api):
    api.create_user("target", "right-password", ["auditor"])
    api.create_user("bystander", "right-password", ["auditor"])
    for _ in range(5):
        assert api.sign_in("target", "wrong-password").status_code == 401
    locked = api.sign_in("target", "right-password")
    assert locked.status_code == 429, locked.text
    assert "too many failed sign-ins" in locked.json()["detail"]
    assert 14 * 60 <= int(locked.headers["Retry-After"]) <= 15 * 60
    assert api.sign_in("bystander", "right-password").status_code == 200


def test_a_token_without_expiry_or_subject_is_refused(api):
    key = Keys(SECRET_KEY.encode()).token_signing
    expires = utc_now() + timedelta(minutes=5)
    claims = {"sub": "admin", "roles": ["admin"], "exp": expires}
    for token, status in ((jwt.encode(claims, key, algorithm="HS256"), 200),  # the key is right…
                          (jwt.encode({"sub": "admin", "roles": ["admin"]}, key, algorithm="HS256"), 401),
                          (jwt.encode({"roles": ["admin"], "exp": expires}, key, algorithm="HS256"), 401)):
        bearer = Api(str(api.http.base_url))
        bearer.token = token
        assert bearer.get("/users/me", expect=None).status_code == status


@pytest.mark.parametrize("as_of", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:00:00-05:00", "9999-12-31T23:59:59",
                                   "2200-01-01", "2003-12-31T23:59:59"])
def test_as_of_outside_the_bounds_is_a_422_naming_it(api, clerk, accepted_case, as_of):
    for path in (f"/cases/{accepted_case}", "/warnings"):
        response = clerk.get(path, expect=None, as_of=as_of)
        assert refused_field(response) == ["query", "as_of"]
        assert "2004-01-01" in response.json()["detail"][0]["msg"]


def test_at_the_far_end_of_as_of_the_read_models_agree_with_the_case(clerk, accepted_case):
    last = "2099-12-31T23:59:59"
    itself = clerk.get(f"/cases/{accepted_case}", as_of=last).json()
    listed = {item["case_id"]: item for item in clerk.get("/warnings", as_of=last).json()["items"]}
    assert itself["warning"] == "red" and listed[accepted_case]["remaining_workdays"] == itself["remaining_workdays"]
    assert clerk.get("/health").json()["status"] == "ok"  # and the next request of anyone is answered


def test_a_business_time_outside_the_bounds_is_a_422_and_nothing_is_written(clerk, accepted_case):
    for at in ("0001-01-01T00:00:00", "0001-01-01T00:00:00+14:00", "9999-12-31T23:00:00-05:00"):
        response = clerk.post(f"/cases/{accepted_case}/suspend", {"reason": "other", "at": at})
        assert refused_field(response) == ["body", "at"]
    assert clerk.get(f"/cases/{accepted_case}").json()["version"] == 2
