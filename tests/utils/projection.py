"""Read models filled from a centre's whole log, as a rebuild would fill them."""

from __future__ import annotations

from domain.application import ServiceCentre
from projections.backends import ClickHouse
from projections.projector import Projector
from streams.follower import NotificationFollower


def projected(store: ClickHouse, centre: ServiceCentre) -> ClickHouse:
    projector = Projector(store, centre.calendar)
    projector.create_tables()
    NotificationFollower(centre, projector.project, 0).catch_up()
    return store
