"""The catalogue: departments, halls, windows, staff and service items; complaint categories and areas (12345)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel

from api.complaint_schemas import AreaCreate, ComplaintCategoryCreate
from api.deps import Admin, DeploymentDep, Reader
from api.schemas import DepartmentCreate, HallCreate, ItemCreate, ItemLimitsChange, StaffCreate, WindowCreate
from projections import queries

router = APIRouter(prefix="/catalogue", tags=["catalogue"])

KINDS = {"departments": "department", "halls": "hall", "windows": "window", "staff": "staff", "items": "item",
         "complaint-categories": "complaint_category", "areas": "area"}


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


@router.post("/complaint-categories", status_code=201)
def create_complaint_category(body: ComplaintCategoryCreate, deployment: DeploymentDep, caller: Admin) -> dict:
    """Register a complaint category (诉求分类) under its parent, if any: a tree of any depth (class → … →
    sub-item). Answers with its `depth` (1 at the top) and `path` (the codes from the top down to it)."""
    return register_in_tree(deployment, caller.actor, "complaint_category", body)


@router.post("/areas", status_code=201)
def create_area(body: AreaCreate, deployment: DeploymentDep, caller: Admin) -> dict:
    """Register an area (区域: district → street → community) under its parent, with its coordinates if known
    (lat and lon together); answers with its `depth` and `path` like a category."""
    return register_in_tree(deployment, caller.actor, "area", body)


def register_in_tree(deployment, actor, kind: str, body: BaseModel) -> dict:
    fields = body.model_dump()
    entry = deployment.centre.register(kind, actor=actor, **fields)
    deployment.after_write()
    return {**fields, "depth": entry.depth, "path": entry.path}


@router.post("/items/{code}/limits")
def change_item_limits(code: str, body: ItemLimitsChange, deployment: DeploymentDep, caller: Admin) -> dict:
    """Change an item's limits; cases already accepted keep the limits in force at acceptance."""
    item = deployment.centre.change_item_limits(code, legal_days=body.legal_days, promised_days=body.promised_days,
                                                actor=caller.actor, at=body.at)
    deployment.after_write()
    return {"code": item.code, "legal_days": item.legal_days, "promised_days": item.promised_days,
            "version": item.version}


@router.get("/{kind}")
def read_catalogue(kind: Literal["departments", "halls", "windows", "staff", "items", "complaint-categories", "areas"],
                   deployment: DeploymentDep, _: Reader) -> dict:
    """List one kind of catalogue entry, from the read models; the trees' entries with `parent`, `depth`,
    `path` (and an area's `lat`, `lon`)."""
    deployment.wait_for_read_models()
    entry_kind = KINDS[kind]
    items = queries.catalogue(deployment.clickhouse, entry_kind)
    return {"items": items, "count": len(items)}
