"""The catalogue: departments, halls, windows, staff and service items."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel

from api.deps import Admin, DeploymentDep, Reader
from api.schemas import DepartmentCreate, HallCreate, ItemCreate, ItemLimitsChange, StaffCreate, WindowCreate
from projections import queries

router = APIRouter(prefix="/catalogue", tags=["catalogue"])

KINDS = {"departments": "department", "halls": "hall", "windows": "window", "staff": "staff", "items": "item"}


def register(deployment, actor, kind: str, body: BaseModel) -> dict:
    fields = body.model_dump()
    deployment.centre.register(kind, actor=actor, **fields)
    deployment.after_write()
    return fields


@router.post("/departments", status_code=201)
def create_department(body: DepartmentCreate, deployment: DeploymentDep, caller: Admin) -> dict:
    """Register a department (部门)."""
    return register(deployment, caller.actor, "department", body)


@router.post("/halls", status_code=201)
def create_hall(body: HallCreate, deployment: DeploymentDep, caller: Admin) -> dict:
    """Register a hall (大厅) at city, district, street or community level."""
    return register(deployment, caller.actor, "hall", body)


@router.post("/windows", status_code=201)
def create_window(body: WindowCreate, deployment: DeploymentDep, caller: Admin) -> dict:
    """Register a window (窗口) in a hall, belonging to a department."""
    return register(deployment, caller.actor, "window", body)


@router.post("/staff", status_code=201)
def create_staff(body: StaffCreate, deployment: DeploymentDep, caller: Admin) -> dict:
    """Register a member of staff (工作人员) at a window."""
    return register(deployment, caller.actor, "staff", body)


@router.post("/items", status_code=201)
def create_item(body: ItemCreate, deployment: DeploymentDep, caller: Admin) -> dict:
    """Register a service item (事项) with its legal and promised limits in working days."""
    return register(deployment, caller.actor, "item", body)


@router.post("/items/{code}/limits")
def change_item_limits(code: str, body: ItemLimitsChange, deployment: DeploymentDep, caller: Admin) -> dict:
    """Change an item's limits; cases already accepted keep the limits in force at acceptance."""
    item = deployment.centre.change_item_limits(code, legal_days=body.legal_days, promised_days=body.promised_days,
                                                actor=caller.actor, at=body.at)
    deployment.after_write()
    return {"code": item.code, "legal_days": item.legal_days, "promised_days": item.promised_days,
            "version": item.version}


@router.get("/{kind}")
def read_catalogue(kind: Literal["departments", "halls", "windows", "staff", "items"],
                   deployment: DeploymentDep, _: Reader) -> dict:
    """List one kind of catalogue entry, from the read models."""
    deployment.wait_for_read_models()
    items = queries.catalogue(deployment.clickhouse, KINDS[kind])
    return {"items": items, "count": len(items)}
