"""A thin HTTP client for the tests: the API as a user drives it."""

from __future__ import annotations

from collections.abc import Iterator

import httpx


class Api:
    def __init__(self, base_url: str) -> None:
        self.http = httpx.Client(base_url=base_url, timeout=30)
        self.token: str | None = None

    def login(self, username: str, password: str) -> Api:
        response = self.http.post("/auth/token", data={"username": username, "password": password})
        assert response.status_code == 200, response.text
        self.token = response.json()["access_token"]
        return self

    def as_user(self, username: str, password: str) -> Api:
        return Api(str(self.http.base_url)).login(username, password)

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def post(self, path: str, body: dict, expect: int | None = None) -> httpx.Response:
        response = self.http.post(path, json=body, headers=self.headers())
        if expect is not None:
            assert response.status_code == expect, f"{path}: {response.status_code} {response.text}"
        return response

    def get(self, path: str, expect: int | None = 200, **params) -> httpx.Response:
        response = self.http.get(path, params={k: v for k, v in params.items() if v is not None},
                                 headers=self.headers())
        if expect is not None:
            assert response.status_code == expect, f"{path}: {response.status_code} {response.text}"
        return response

    def create_catalogue(self) -> None:
        """A small centre: one hall, one department, two windows with a clerk each, three items."""
        self.post("/catalogue/departments", {"code": "SJ", "name": "市场监管局"}, 201)
        self.post("/catalogue/halls", {"code": "SMZX", "name": "市民中心政务服务大厅", "level": "city"}, 201)
        for window, staff, name in (("A01", "S01", "张敏"), ("A02", "S02", "李强")):
            self.post("/catalogue/windows", {"code": window, "name": f"{window} 窗口", "hall": "SMZX",
                                             "department": "SJ"}, 201)
            self.post("/catalogue/staff", {"code": staff, "name": name, "window": window, "department": "SJ",
                                           "role": "window_staff"}, 201)
        for code, kind, legal, promised in (("SPJY", "promised", 20, 5), ("GTHS", "promised", 15, 1),
                                            ("SBKB", "immediate", 1, 0)):
            self.post("/catalogue/items", {"code": code, "name": f"事项 {code}", "department": "SJ", "kind": kind,
                                           "legal_days": legal, "promised_days": promised}, 201)

    def new_case(self, item: str, at: str) -> str:
        body = {"item": item, "channel": "window", "applicant": {"name": "王芳"}, "at": at}
        return self.post("/cases", body, 201).json()["id"]

    def submit_case(self, item: str) -> str:
        """A case submitted now (no business time: clerks may not backdate far)."""
        body = {"item": item, "channel": "window", "applicant": {"name": "王芳", "phone": "13812345678"}}
        return self.post("/cases", body, 201).json()["id"]

    def create_user(self, username: str, password: str, roles: list[str], **scope: str) -> None:
        """A user with roles and, for clerks or department users, their window or department."""
        self.post("/users", {"username": username, "password": password, "roles": roles, **scope}, 201)

    def sign_in(self, username: str, password: str) -> httpx.Response:
        """One sign-in attempt, whatever its answer."""
        return self.http.post("/auth/token", data={"username": username, "password": password})

    def post_raw(self, path: str, content: bytes | Iterator[bytes]) -> httpx.Response:
        """A JSON body sent as given: malformed, huge, or chunked (no Content-Length) from an iterator."""
        return self.http.post(path, content=content, headers={"Content-Type": "application/json", **self.headers()})
