"""Rebuild the read models from the event store: drop, recreate, replay the whole log."""

from __future__ import annotations

import sys

from projections.projector import Projector
from streams.follower import NotificationFollower, last_position


def rebuild_read_models(settings, progress: bool = False, batch_size: int = 20_000) -> int:
    from api.bootstrap import build_centre, build_clickhouse

    centre = build_centre(settings)
    clickhouse = build_clickhouse(settings)
    try:
        return rebuild(centre, Projector(clickhouse, centre.calendar), progress=progress, batch_size=batch_size)
    finally:
        clickhouse.close()


def rebuild(centre, projector: Projector, progress: bool = False, batch_size: int = 20_000) -> int:
    projector.drop_tables()
    projector.create_tables()
    total = last_position(centre)
    done = 0

    def report(count: int) -> None:
        nonlocal done
        done += count
        if progress:
            width = 30
            filled = width * done // max(total, 1)
            sys.stderr.write(f"\rrebuilding [{'#' * filled}{' ' * (width - filled)}] {done}/{total} events")
            sys.stderr.flush()

    written = NotificationFollower(centre, projector.project, 0, batch_size=batch_size).catch_up(report)
    if progress:
        sys.stderr.write("\n")
    return written
