"""A small synchronous HTTP client of the Sunlight API.

The UI talks to the API only through this module; it imports nothing else of the project.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from urllib.parse import quote

import httpx

CATALOGUE_KINDS = ("halls", "departments", "windows", "staff", "items", "complaint-categories", "areas")


class ApiError(Exception):
    """An API call failed: `status` is the HTTP status (0 when the API could not be
    reached), `message` the API's `detail` (or a description of the failure)."""

    def __init__(self, status: int, message: str):
        super().__init__(f"{status}: {message}" if status else message)
        self.status = status
        self.message = message


def _detail(response: httpx.Response) -> str:
    """The API's error detail as one readable string."""
    try:
        body = response.json()
    except ValueError:
        return response.text.strip() or response.reason_phrase
    detail = body.get("detail") if isinstance(body, dict) else None
    if detail is None:
        return response.text.strip() or response.reason_phrase
    if isinstance(detail, str):
        return detail
    if isinstance(detail, list):  # FastAPI validation errors: [{"loc": [...], "msg": ...}]
        parts = []
        for err in detail:
            if isinstance(err, dict):
                loc = ".".join(str(p) for p in err.get("loc", []) if p not in ("query", "body", "path"))
                msg = err.get("msg", "")
                parts.append(f"{loc}: {msg}" if loc else str(msg))
            else:
                parts.append(str(err))
        return "; ".join(parts)
    return str(detail)


def _quote(segment: str) -> str:
    return quote(str(segment), safe="")


def _param(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _body(**fields: Any) -> dict:
    """A JSON body without the fields left out (None): the API's optional fields have defaults."""
    return {k: v for k, v in fields.items() if v is not None}


class SunlightClient:
    def __init__(self, base_url: str, token: str | None = None, timeout: float = 10.0):
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.roles: list[str] = []
        self.username: str | None = None
        self._http = httpx.Client(base_url=self.base_url, timeout=timeout)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> "SunlightClient":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- plumbing ---------------------------------------------------------------------------

    def _request(self, method: str, path: str, *, params: dict | None = None,
                 data: dict | None = None, json: dict | None = None, auth: bool = True) -> Any:
        headers = {"Accept": "application/json"}
        if auth and self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        if params:
            params = {k: _param(v) for k, v in params.items() if v is not None and v != ""}
        try:
            response = self._http.request(method, path, params=params or None, data=data, json=json,
                                          headers=headers)
        except httpx.HTTPError as exc:
            raise ApiError(0, f"cannot reach the API at {self.base_url}: {exc}") from exc
        if response.status_code >= 400:
            raise ApiError(response.status_code, _detail(response))
        try:
            return response.json()
        except ValueError as exc:
            raise ApiError(response.status_code, "the API answered with something other than JSON") from exc

    # -- endpoints --------------------------------------------------------------------------

    def health(self) -> dict:
        return self._request("GET", "/health", auth=False)

    def login(self, username: str, password: str) -> dict:
        """OAuth2 password flow; stores the token (and roles) on the client."""
        body = self._request("POST", "/auth/token", auth=False,
                             data={"username": username, "password": password,
                                   "grant_type": "password"})
        self.token = body["access_token"]
        self.roles = list(body.get("roles", []))
        self.username = body.get("username", username)
        return body

    def warnings(self, **filters: Any) -> dict:
        """GET /warnings; filters: as_of, level, hall, department, window (None omitted)."""
        return self._request("GET", "/warnings", params=filters)

    def catalogue(self, kind: str) -> list[dict]:
        """The items of one catalogue: halls, departments, windows, staff, items, or the two trees of the
        12345 hotline, complaint-categories and areas (`parent`, `depth`, `path`; an area's `lat`, `lon`)."""
        if kind not in CATALOGUE_KINDS:
            raise ValueError(f"unknown catalogue {kind!r}; expected one of {CATALOGUE_KINDS}")
        return self._request("GET", f"/catalogue/{kind}").get("items", [])

    def case(self, case_id: str, as_of: datetime | str | None = None) -> dict:
        return self._request("GET", f"/cases/{_quote(case_id)}", params={"as_of": as_of})

    def history(self, case_id: str) -> dict:
        return self._request("GET", f"/cases/{_quote(case_id)}/history")

    def metrics(self, start: date | str, end: date | str, by: str | None = None, *,
                limit: int | None = None, offset: int | None = None) -> dict:
        """GET /metrics/cases: the figures of the days start..end (inclusive), per `by` group
        (window, hall, department, staff or item) in `items` and for everything in `total`."""
        return self._request("GET", "/metrics/cases", params={"from": start, "to": end, "by": by,
                                                             "limit": limit, "offset": offset})

    def findings(self, start: date | str | None = None, end: date | str | None = None, *,
                 kind: str | None = None, window: str | None = None, department: str | None = None,
                 limit: int | None = None, offset: int | None = None) -> dict:
        """GET /findings: the supervision findings dated start..end (inclusive), one page of them
        in `items` and the number of all of them in `count`."""
        return self._request("GET", "/findings", params={
            "from": start, "to": end, "kind": kind, "window": window, "department": department,
            "limit": limit, "offset": offset})

    def verify(self, stream: str, aggregate_id: str) -> dict:
        """GET /audit/{stream}/{id}/verify: the keyed hash chain and the head, checked by the API."""
        return self._request("GET", f"/audit/{_quote(stream)}/{_quote(aggregate_id)}/verify")


    # -- scores and assessments (issue 7) -----------------------------------------------------

    def window_scores(self, month: str) -> dict:
        """GET /scores/windows: every window's score of the month (YYYY-MM), ranked, with its lines."""
        return self._request("GET", "/scores/windows", params={"month": month})

    def staff_assessments(self, month: str) -> dict:
        """GET /assessments/staff: every staff member's assessment of the month, ranked, with its lines."""
        return self._request("GET", "/assessments/staff", params={"month": month})

    def finalise(self, month: str) -> dict:
        """POST /assessments/{month}/finalise: 422 before the month is over, 409 the second time."""
        return self._request("POST", f"/assessments/{_quote(month)}/finalise", json={})

    def amend(self, month: str, *, subject: str, code: str, points: int, reason: str) -> dict:
        """POST /assessments/{month}/amendments: a correction of a window's (or staff member's) points."""
        return self._request("POST", f"/assessments/{_quote(month)}/amendments",
                             json=_body(subject=subject, code=code, points=points, reason=reason))

    def current_scheme(self, month: str | None = None) -> dict:
        """GET /schemes/current: the scoring scheme the month is scored with (404 if none)."""
        return self._request("GET", "/schemes/current", params={"month": month})

    def what_if(self, month: str, scheme: dict) -> dict:
        """POST /scores/what-if: the month re-scored under `scheme`, beside the scheme in force."""
        return self._request("POST", "/scores/what-if", json={"month": month, "scheme": scheme})

    # -- reviews (好差评) ------------------------------------------------------------------------

    def reviews(self, start: date | str | None = None, end: date | str | None = None, *,
                bad: bool | None = None, state: str | None = None, window: str | None = None,
                staff: str | None = None, limit: int | None = None, offset: int | None = None) -> dict:
        """GET /reviews: the reviews given start..end (inclusive), one page in `items`, all in `count`."""
        return self._request("GET", "/reviews", params={
            "from": start, "to": end, "bad": bad, "state": state, "window": window, "staff": staff,
            "limit": limit, "offset": offset})

    def review(self, review_id: str, as_of: datetime | str | None = None) -> dict:
        """GET /reviews/{id}: its state, deadlines and whole history."""
        return self._request("GET", f"/reviews/{_quote(review_id)}", params={"as_of": as_of})

    def verify_review(self, review_id: str, outcome: str, note: str) -> dict:
        """POST /reviews/{id}/verify (核实): rectify_now, rectify_by_deadline, explain or appeal."""
        return self._request("POST", f"/reviews/{_quote(review_id)}/verify",
                             json=_body(outcome=outcome, note=note))

    def rectify_review(self, review_id: str, note: str) -> dict:
        """POST /reviews/{id}/rectify (整改)."""
        return self._request("POST", f"/reviews/{_quote(review_id)}/rectify", json=_body(note=note))

    def decide_appeal(self, review_id: str, upheld: bool, note: str) -> dict:
        """POST /reviews/{id}/appeal-decision: upheld overturns the review; else it is to be rectified."""
        return self._request("POST", f"/reviews/{_quote(review_id)}/appeal-decision",
                             json={"upheld": bool(upheld), "note": note})

    def return_visit(self, review_id: str, rating: int, note: str) -> dict:
        """POST /reviews/{id}/return-visit (回访): the citizen's new rating, once."""
        return self._request("POST", f"/reviews/{_quote(review_id)}/return-visit",
                             json=_body(rating=rating, note=note))

    # -- inspections, commendations, cards -------------------------------------------------------

    def inspect(self, window: str, kind: str, *, staff: str | None = None, note: str | None = None) -> dict:
        """POST /inspections (现场巡查)."""
        return self._request("POST", "/inspections", json=_body(window=window, staff=staff, kind=kind, note=note))

    def commend(self, window: str, kind: str, *, staff: str | None = None, note: str | None = None) -> dict:
        """POST /commendations (表扬信, 锦旗)."""
        return self._request("POST", "/commendations",
                             json=_body(window=window, staff=staff, kind=kind, note=note))

    def issue_card(self, window: str, colour: str, reason: str, *, staff: str | None = None) -> dict:
        """POST /cards (黄牌, 红牌)."""
        return self._request("POST", "/cards", json=_body(window=window, staff=staff, colour=colour, reason=reason))

    def inspections(self, start: date | str | None = None, end: date | str | None = None, **filters: Any) -> dict:
        """GET /inspections; filters: window, staff, limit, offset (None omitted)."""
        return self._request("GET", "/inspections", params={"from": start, "to": end, **filters})

    def commendations(self, start: date | str | None = None, end: date | str | None = None, **filters: Any) -> dict:
        """GET /commendations; filters: window, staff, limit, offset (None omitted)."""
        return self._request("GET", "/commendations", params={"from": start, "to": end, **filters})

    def cards(self, start: date | str | None = None, end: date | str | None = None, **filters: Any) -> dict:
        """GET /cards; filters: window, staff, limit, offset (None omitted)."""
        return self._request("GET", "/cards", params={"from": start, "to": end, **filters})

    # -- 12345 complaints (市民诉求, issue 8) -----------------------------------------------------

    def complaints(self, start: date | str | None = None, end: date | str | None = None, *,
                   state: str | None = None, department: str | None = None, overdue: bool | None = None,
                   problem: bool | None = None, limit: int | None = None, offset: int | None = None) -> dict:
        """GET /complaints: the complaints received start..end (inclusive), one page in `items`, all in `count`."""
        return self._request("GET", "/complaints", params={
            "from": start, "to": end, "state": state, "department": department, "overdue": overdue,
            "problem": problem, "limit": limit, "offset": offset})

    def complaint(self, complaint_id: str, as_of: datetime | str | None = None) -> dict:
        """GET /complaints/{id} (the id or the reference 12345-YYYYMMDD-NNNN), as it stood at `as_of`."""
        return self._request("GET", f"/complaints/{_quote(complaint_id)}", params={"as_of": as_of})

    def complaint_history(self, complaint_id: str) -> dict:
        """GET /complaints/{id}/history: its events in order, both times, actor, keyed hashes."""
        return self._request("GET", f"/complaints/{_quote(complaint_id)}/history")

    def receive_complaint(self, *, channel: str, type: str, category: str, area: str, content: str,
                          citizen: dict | None = None, subject: dict | None = None) -> dict:
        """POST /complaints (受理): a citizen's request from a channel; 201 with its reference."""
        return self._request("POST", "/complaints", json=_body(channel=channel, type=type, category=category,
                                                               area=area, content=content, citizen=citizen,
                                                               subject=subject))

    def answer_complaint(self, complaint_id: str, reply: str) -> dict:
        """POST /complaints/{id}/answer (直接答复 by the hotline)."""
        return self._request("POST", f"/complaints/{_quote(complaint_id)}/answer", json={"reply": reply})

    def dispatch_complaint(self, complaint_id: str, department: str) -> dict:
        """POST /complaints/{id}/dispatch (转办, 改派 after an objection)."""
        return self._request("POST", f"/complaints/{_quote(complaint_id)}/dispatch", json={"department": department})

    def object_complaint(self, complaint_id: str, reason: str) -> dict:
        """POST /complaints/{id}/object (退单 by the department that holds it)."""
        return self._request("POST", f"/complaints/{_quote(complaint_id)}/object", json={"reason": reason})

    def reply_complaint(self, complaint_id: str, reply: str) -> dict:
        """POST /complaints/{id}/reply (答复 by the department that holds it)."""
        return self._request("POST", f"/complaints/{_quote(complaint_id)}/reply", json={"reply": reply})

    def review_complaint(self, complaint_id: str, approved: bool, note: str | None = None) -> dict:
        """POST /complaints/{id}/review: approved → awaiting callback, else 退回重办."""
        return self._request("POST", f"/complaints/{_quote(complaint_id)}/review",
                             json=_body(approved=bool(approved), note=note))

    def call_back_complaint(self, complaint_id: str, verdict: str, note: str | None = None) -> dict:
        """POST /complaints/{id}/callback (回访): satisfied, basically_satisfied or unsatisfied."""
        return self._request("POST", f"/complaints/{_quote(complaint_id)}/callback",
                             json=_body(verdict=verdict, note=note))

    def merge_complaint(self, complaint_id: str, into: str) -> dict:
        """POST /complaints/{id}/merge (并单) into a master, by its id or reference."""
        return self._request("POST", f"/complaints/{_quote(complaint_id)}/merge", json={"into": into})

    def escalate_complaint(self, complaint_id: str, level: int, note: str | None = None) -> dict:
        """POST /complaints/{id}/escalate (督办) to level 1, 2 or 3 (the level only rises)."""
        return self._request("POST", f"/complaints/{_quote(complaint_id)}/escalate",
                             json=_body(level=int(level), note=note))

    def verify_complaint(self, complaint_id: str, valid: bool, note: str | None = None) -> dict:
        """POST /complaints/{id}/verify (核实 against the window or staff it names), once."""
        return self._request("POST", f"/complaints/{_quote(complaint_id)}/verify",
                             json=_body(valid=bool(valid), note=note))

    def complaint_kpis(self, start: date | str, end: date | str, by: str | None = None,
                       level: int | None = None) -> dict:
        """GET /complaints/kpis: the hotline's figures of start..end per `by` group (department, category, area,
        type or channel; categories and areas at `level`) in `items`, and for everything in `total`."""
        return self._request("GET", "/complaints/kpis", params={"from": start, "to": end, "by": by, "level": level})

    def complaint_hotspots(self, start: date | str, end: date | str, by: str, *, level: int | None = None,
                           period: str | None = None, top: int | None = None) -> dict:
        """GET /complaints/hotspots: the `top` categories or areas by count in start..end, each with its series
        per day, week or month and the count of the stretch before."""
        return self._request("GET", "/complaints/hotspots", params={
            "from": start, "to": end, "by": by, "level": level, "period": period, "top": top})
