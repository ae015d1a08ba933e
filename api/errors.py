"""Domain errors become HTTP answers that name the problem: 404, 409 or 422 (with the field)."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from domain.application import CaseNotFound, VersionConflict
from domain.base import BusinessTimeError, DuplicateCode, IllegalTransition, InvalidValue, UnknownReference
from domain.calendar import CalendarOverridesError


def field_error(field: str, message: str, kind: str = "value_error") -> JSONResponse:
    """The same shape FastAPI uses for its own validation errors."""
    loc = ["body", *field.split(".")]
    return JSONResponse(status_code=422, content={"detail": [{"loc": loc, "msg": message, "type": kind}]})


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(CaseNotFound)
    async def not_found(_: Request, error: CaseNotFound) -> JSONResponse:
        return JSONResponse(status_code=404, content={"detail": str(error)})

    @app.exception_handler(DuplicateCode)
    @app.exception_handler(IllegalTransition)
    @app.exception_handler(VersionConflict)
    async def conflict(_: Request, error: Exception) -> JSONResponse:
        return JSONResponse(status_code=409, content={"detail": str(error)})

    @app.exception_handler(UnknownReference)
    async def unknown_reference(_: Request, error: UnknownReference) -> JSONResponse:
        return field_error(error.field, str(error), "unknown_reference")

    @app.exception_handler(InvalidValue)
    @app.exception_handler(BusinessTimeError)
    async def invalid_value(_: Request, error: InvalidValue | BusinessTimeError) -> JSONResponse:
        return field_error(error.field, str(error))

    @app.exception_handler(CalendarOverridesError)
    async def bad_calendar(_: Request, error: CalendarOverridesError) -> JSONResponse:
        return JSONResponse(status_code=500, content={"detail": f"calendar overrides: {error}"})
