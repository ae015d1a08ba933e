"""Personal data through HTTP on the embedded deployment: sealed in the event store, opened for the
roles that serve the applicant, masked for the rest, erased on request without touching the chain."""

from __future__ import annotations

import pytest

from tests.e2e.embedded import embedded_api

PASSWORD = "personal-admin-password"
PERSON = {"name": "欧阳明月", "id_number": "37020219900101123X", "phone": "13912345678"}


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    data = tmp_path_factory.mktemp("personal")
    with embedded_api(data, PASSWORD) as admin:
        admin.create_catalogue()
        for user, roles, scope in (("clerk1", ["clerk"], {"window": "A01"}), ("dept1", ["department"], {"department": "SJ"}),
                                   ("auditor", ["auditor"], {}), ("supervisor", ["supervisor"], {})):
            admin.create_user(user, f"{user}-password", roles, **scope)
        yield admin, data


@pytest.fixture(scope="module")
def case(deployment):
    admin, _ = deployment
    clerk = admin.as_user("clerk1", "clerk1-password")
    created = clerk.post("/cases", {"item": "SPJY", "channel": "window", "applicant": PERSON}, 201).json()
    clerk.post(f"/cases/{created['id']}/accept", {"window": "A01", "staff": "S01"}, 200)
    return created


def traces(value: str) -> list[bytes]:
    """How a value could sit in a file: UTF-8, or escaped as JSON writes non-ASCII text."""
    escaped = value.encode("ascii", "backslashreplace").replace(b"\\u", b"\\\\u")
    return [value.encode(), value.encode("unicode_escape"), escaped]


def test_the_event_store_and_the_log_hold_no_personal_data_in_clear(deployment, case):
    _, data = deployment
    stored = b"".join(path.read_bytes() for path in data.glob("events.sqlite3*"))
    log = (data / "api.log").read_bytes()
    for value in PERSON.values():
        for trace in traces(value):
            assert trace not in stored, value
            assert trace not in log, value
    assert case["applicant_ref"].encode() in stored


def test_roles_that_serve_the_applicant_see_them_others_see_them_masked(deployment, case):
    admin, _ = deployment
    clear = {user: admin.as_user(user, f"{user}-password").get(f"/cases/{case['id']}").json()["applicant"]
             for user in ("clerk1", "dept1")}
    assert clear == {"clerk1": PERSON, "dept1": PERSON}
    assert case["applicant"] == PERSON  # the clerk who submitted it
    for user in ("auditor", "supervisor"):
        seen = admin.as_user(user, f"{user}-password").get(f"/cases/{case['id']}").json()
        assert seen["applicant"] == {"name": "欧***", "id_number": "**************123X", "phone": "*********78"}
        assert seen["applicant_ref"] == case["applicant_ref"]
    history = admin.as_user("auditor", "auditor-password").get(f"/cases/{case['id']}/history").json()
    submitted = history["events"][0]["payload"]
    assert submitted["applicant_ref"] == case["applicant_ref"] and submitted["applicant"]["name"] == "欧***"


def test_short_values_are_never_shown_whole(deployment):
    admin, _ = deployment
    clerk = admin.as_user("clerk1", "clerk1-password")
    short = clerk.post("/cases", {"item": "SPJY", "channel": "window",
                                  "applicant": {"name": "王", "id_number": "1234", "phone": "110"}}, 201).json()
    seen = admin.as_user("auditor", "auditor-password").get(f"/cases/{short['id']}").json()["applicant"]
    assert seen == {"name": "*", "id_number": "***4", "phone": "***"}


def test_erasure_destroys_the_key_and_leaves_the_case_its_figures_and_the_chain(deployment, case):
    admin, _ = deployment
    clerk = admin.as_user("clerk1", "clerk1-password")
    before = clerk.get(f"/cases/{case['id']}").json()
    assert clerk.post(f"/applicants/{case['applicant_ref']}/erase", {}).status_code == 403
    erased = admin.post(f"/applicants/{case['applicant_ref']}/erase", {}, 200).json()
    assert (erased["ref"], erased["erased"], erased["erased_by"]) == (case["applicant_ref"], True, "admin")

    after = clerk.get(f"/cases/{case['id']}").json()
    assert after["applicant"] == {"name": "[erased]", "id_number": "[erased]", "phone": "[erased]"}
    figures = ("state", "version", "elapsed_workdays", "remaining_workdays", "deadline", "warning")
    assert {key: after[key] for key in figures} == {key: before[key] for key in figures}
    verdict = admin.get(f"/audit/case/{case['id']}/verify").json()
    assert (verdict["valid"], verdict["events"]) == (True, 2)
    # Erasing again changes nothing; an unknown reference is a 404.
    assert admin.post(f"/applicants/{case['applicant_ref']}/erase", {}, 200).json()["erased_at"] == erased["erased_at"]
    assert admin.post("/applicants/ap_nobody/erase", {}).status_code == 404
