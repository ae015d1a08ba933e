"""A small synchronous HTTP client of the Sunlight API.

The UI talks to the API only through this module; it imports nothing else of the project.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from urllib.parse import quote

import httpx

CATALOGUE_KINDS = ("halls", "departments", "windows", "staff", "items")


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
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


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
                 data: dict | None = None, auth: bool = True) -> Any:
        headers = {"Accept": "application/json"}
        if auth and self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        if params:
            params = {k: _param(v) for k, v in params.items() if v is not None and v != ""}
        try:
            response = self._http.request(method, path, params=params or None, data=data,
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
        """The items of one catalogue: halls, departments, windows, staff or items."""
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

