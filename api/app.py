"""The FastAPI application of one deployment."""

from __future__ import annotations

from contextlib import asynccontextmanager

from fastapi import FastAPI

from api.bootstrap import Deployment
from api.errors import ERROR_RESPONSES, install_error_handlers
from api.limits import BodySizeLimit
from api.routes import (
    applicants, audit, cards, cases, catalogue, commendations, complaint_figures, complaints, findings, inspections,
    metrics, reviews, schemes, scores, system, warnings,
)


def create_app(deployment: Deployment) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI):
        deployment.start()
        yield
        deployment.stop()

    app = FastAPI(title="Sunlight", version="0.1.0", lifespan=lifespan, responses=ERROR_RESPONSES,
                  description="Event-sourced performance supervision for service centres and 12345 hotlines.")
    app.state.deployment = deployment
    app.add_middleware(BodySizeLimit)
    install_error_handlers(app)
    # complaint_figures before complaints: /complaints/kpis is not a complaint's id
    for module in (system, catalogue, cases, reviews, inspections, commendations, cards, schemes, warnings, metrics,
                   findings, scores, complaint_figures, complaints, applicants, audit):
        app.include_router(module.router)
    return app
