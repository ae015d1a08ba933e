"""Errors become HTTP answers that name the problem: 403, 404, 409 or 422 (with the field), 503 when
a server is down. No 422 carries what the client submitted, and no error is a 500."""

from __future__ import annotations

import logging
from typing import Any

import psycopg
from eventsourcing.persistence import InterfaceError, OperationalError
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from api.scope import OutOfScope
from api.vault import UnknownApplicant
from domain.case_commands import CaseNotFound, NotConfigured, VersionConflict
from domain.base import DuplicateCode, IllegalTransition, InvalidValue, UnknownReference
from domain.calendar import CalendarOverridesError
from domain.clock import OutOfRange
from projections.backends import ReadModelUnavailable

log = logging.getLogger("sunlight")


class ErrorMessage(BaseModel):
    """Every error but a 422: one message saying what is wrong."""

    detail: str


def documented(description: str) -> dict[str, Any]:
    """An error answer for a route's `responses=` (OpenAPI)."""
    return {"model": ErrorMessage, "description": description}


# Answers any route may give besides its own, documented once for the whole API.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: documented("The body cannot be read: not UTF-8, JSON or form data"),
    401: documented("Not signed in, or the token is invalid or expired"),
    403: documented("The signed-in user lacks the role, or the record is outside their scope"),
    404: documented("No such record"),
    409: documented("Conflict: a duplicate code, an illegal transition or a stale expected_version"),
    413: documented("Request body over 1 MB"),
    503: documented("A server the deployment needs is unreachable; try again later"),
}


def field_error(field: str, message: str, kind: str = "value_error", location: str = "body") -> JSONResponse:
    """The same shape FastAPI uses for its own validation errors."""
    loc = [location, *field.split(".")]
    return JSONResponse(status_code=422, content={"detail": [{"loc": loc, "msg": message, "type": kind}]})


def public_validation_error(error: dict[str, Any]) -> dict[str, Any]:
    """FastAPI's {loc, msg, type} without `input` and `ctx`: they hold what was submitted (personal data,
    or values JSON cannot carry, such as NaN or a lone surrogate), which an error must never echo."""
    loc = [part if isinstance(part, int) else printable(str(part)) for part in error["loc"]]
    return {"loc": loc, "msg": printable(error["msg"]), "type": error["type"]}


def printable(text: str) -> str:
    """Text that UTF-8 can encode: a lone surrogate is escaped."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def unavailable(request: Request, error: Exception, what: str) -> JSONResponse:
    # The class name is enough to diagnose; the message may carry addresses, and the client gets neither.
    cause = type(error.__cause__).__name__ if error.__cause__ else "-"
    log.warning("503 for %s %s: %s cannot answer (%s, caused by %s)", request.method, request.url.path, what,
                type(error).__name__, cause)
    return JSONResponse(status_code=503, content={"detail": f"service unavailable: {what} cannot answer right "
                                                            "now; try again later"})


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def invalid_request(_: Request, error: RequestValidationError) -> JSONResponse:
        return JSONResponse(status_code=422, content={"detail": [public_validation_error(e) for e in error.errors()]})

    @app.exception_handler(CaseNotFound)
    @app.exception_handler(UnknownApplicant)
    async def not_found(_: Request, error: Exception) -> JSONResponse:
        return JSONResponse(status_code=404, content={"detail": str(error)})

    @app.exception_handler(OutOfScope)
    async def out_of_scope(_: Request, error: OutOfScope) -> JSONResponse:
        return JSONResponse(status_code=403, content={"detail": str(error)})

    @app.exception_handler(OutOfRange)
    async def out_of_range(_: Request, error: OutOfRange) -> JSONResponse:
        return field_error(error.field, str(error), "out_of_range", error.location)

    @app.exception_handler(NotConfigured)
    async def not_configured(_: Request, error: NotConfigured) -> JSONResponse:
        return JSONResponse(status_code=503, content={"detail": f"this deployment cannot do that: {error}"})

    @app.exception_handler(DuplicateCode)
    @app.exception_handler(IllegalTransition)
    @app.exception_handler(VersionConflict)
    async def conflict(_: Request, error: Exception) -> JSONResponse:
        return JSONResponse(status_code=409, content={"detail": str(error)})

    @app.exception_handler(UnknownReference)
    async def unknown_reference(_: Request, error: UnknownReference) -> JSONResponse:
        return field_error(error.field, str(error), "unknown_reference")

    @app.exception_handler(InvalidValue)
    async def invalid_value(_: Request, error: InvalidValue) -> JSONResponse:
        return field_error(error.field, str(error))

    @app.exception_handler(CalendarOverridesError)
    async def bad_calendar(_: Request, error: CalendarOverridesError) -> JSONResponse:
        # A deployment configured wrongly: nothing the client can change, so unavailable, not a 500.
        return JSONResponse(status_code=503, content={"detail": f"calendar overrides: {error}"})

    # eventsourcing wraps the driver's errors in its own; psycopg's may still escape (e.g. from its pool).
    @app.exception_handler(OperationalError)
    @app.exception_handler(InterfaceError)
    @app.exception_handler(psycopg.OperationalError)
    @app.exception_handler(psycopg.InterfaceError)
    async def store_down(request: Request, error: Exception) -> JSONResponse:
        return unavailable(request, error, "the event store")

    @app.exception_handler(ReadModelUnavailable)
    async def read_models_down(request: Request, error: ReadModelUnavailable) -> JSONResponse:
        return unavailable(request, error, "the read models")
