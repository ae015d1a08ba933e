"""A synthetic centre straight into the read models, for the read-side benchmark.

    .venv/bin/python bench/synthetic.py --cases 1000000 --data DIR    # chDB in DIR/chdb
    .venv/bin/python bench/synthetic.py --cases 1000000 --clickhouse clickhouse://127.0.0.1:9000/bench
    SUNLIGHT_ADMIN_PASSWORD=... .venv/bin/sunlight api --data DIR    # then ask it through HTTP

Shaped like a real centre: two years of history up to today, ~100 windows in 10 halls, items of
every kind with promised limits from 0 to 60 working days (mean ~15), one case in twenty late by
1-10 working days, one in seven suspended once (补正, not counted), half the results mailed: about
3% of cases are open at any moment, and a few percent of those are overdue; six in ten concluded
cases reviewed (about 3% bad), a few inspections, commendations and cards a working day. The rows are made
by ClickHouse itself (INSERT … SELECT from numbers(), drawn from hashes of the case number; each
chunk's case_state rows folded from its events by GROUP BY), so a 10M-case store takes minutes,
not hours, and never holds a Python object per event. The events
are not in any event store: the read models are all there is (no audit, no case view by id).
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from domain.calendar import WorkingCalendar  # noqa: E402
from domain.clock import TimeBounds  # noqa: E402
from projections.backends import ChdbClickHouse, ClickHouse, ServerClickHouse  # noqa: E402
from projections.case_state import first_overdue_sql  # noqa: E402
from projections.projector import Projector  # noqa: E402

CHUNK = 250_000
HALLS = 10
WINDOWS = 100
DEPARTMENTS = [f"D{number:02d}" for number in range(1, 13)]
# code, kind, legal days, promised days, weight
ITEMS = [("I01", "immediate", 1, 0, 12), ("I02", "immediate", 1, 0, 8), ("P01", "promised", 5, 1, 8),
         ("P03", "promised", 10, 3, 8), ("P05", "promised", 20, 5, 10), ("P10", "promised", 20, 10, 10),
         ("P15", "promised", 30, 15, 10), ("P20", "promised", 45, 20, 12), ("R30", "reported", 60, 30, 10),
         ("J45", "joint", 90, 45, 8), ("J60", "joint", 120, 60, 4)]


def sql_array(values) -> str:
    return "[" + ", ".join(f"'{value}'" if isinstance(value, str) else str(value) for value in values) + "]"


def weighted_items() -> list[int]:
    """Item indexes (1-based, as ClickHouse arrays count), repeated by weight: a hash picks one."""
    return [index for index, item in enumerate(ITEMS, 1) for _ in range(item[4])]


def case_events_sql(first: int, count: int, start_ord: int, span: int, today_ord: int) -> str:
    """The events of cases first .. first+count-1 as case_events rows."""
    h = "cityHash64(number, {})".format  # one independent draw per salt
    picks = weighted_items()
    return f"""
INSERT INTO case_events (case_id, version, position, event_type, state_after, occurred_us, occurred_on,
    occurred_ord, occurred_ord_before, recorded_us, item_code, item_name, item_kind, department_code, channel,
    window_code, hall_code, staff_code, staff_name, promised_days, legal_days, reason, counts, extended_days,
    outcome, actor_user, actor_role, hash, previous_hash)
SELECT case_id, version, toUInt64(number * 8 + version), e.1, e.2,
       (toInt64(toUInt32(day)) * 86400 + 3600 + e.4 * 60) * 1000000, day, ord, ord - 1,
       (toInt64(toUInt32(day)) * 86400 + 3600 + e.4 * 60 + 45) * 1000000,
       item, concat('事项 ', item), kind, department, 'window', window, hall, staff, concat('员工 ', staff),
       promised, legal, e.5, 0, 0, e.6, 'synthetic', 'clerk', '', ''
FROM (
    SELECT *, arrayJoin(arrayEnumerate(events)) AS version, events[version] AS e, toUInt32(e.3) AS ord
    FROM (
        SELECT *,
            arrayFilter(x -> x.3 <= {today_ord}, [
                ('CaseSubmitted', 'submitted', acc_ord, 0, '', ''),
                ('CaseAccepted', 'accepted', acc_ord, 30, '', ''),
                ('CaseSuspended', 'suspended', if(suspended, suspend_ord, 4294967295), 60, 'supplement', ''),
                ('CaseResumed', 'accepted', if(suspended, resume_ord, 4294967295), 90, '', ''),
                ('CaseConcluded', 'concluded', concluded_ord, 300, '', 'approved'),
                ('CaseDelivered', 'delivered', if(mailed, concluded_ord + 2, 4294967295), 400, '', '')
            ]) AS events
        FROM (
            SELECT number,
                {case_id_sql('number')} AS case_id,
                {sql_array(picks)}[1 + {h(1)} % {len(picks)}] AS item_index,
                {sql_array([item[0] for item in ITEMS])}[item_index] AS item,
                {sql_array([item[1] for item in ITEMS])}[item_index] AS kind,
                {sql_array([item[2] for item in ITEMS])}[item_index] AS legal,
                {sql_array([item[3] for item in ITEMS])}[item_index] AS promised,
                {h(2)} % {WINDOWS} AS window_number,
                concat('W', substring(toString(1001 + window_number), 2)) AS window,
                concat('H', substring(toString(101 + window_number % {HALLS}), 2)) AS hall,
                {sql_array(DEPARTMENTS)}[1 + window_number % {len(DEPARTMENTS)}] AS department,
                concat(window, '-', toString(1 + {h(3)} % 2)) AS staff,
                toUInt32({start_ord} + {h(4)} % {span}) AS acc_ord,
                -- one case in twenty is late, by 1 to 10 working days; the rest take 60-100% of N
                if({h(5)} % 20 = 0, promised + 1 + {h(6)} % 10,
                   intDiv(promised * (60 + {h(7)} % 41), 100)) AS taken,
                {h(8)} % 7 = 0 AND promised > 1 AS suspended,
                toUInt32(acc_ord + {h(9)} % greatest(1, intDiv(promised, 2))) AS suspend_ord,
                toUInt32(suspend_ord + 1 + {h(10)} % 10) AS resume_ord,
                toUInt32(acc_ord + taken + if(suspended, resume_ord - suspend_ord, 0)) AS concluded_ord,
                {h(11)} % 2 = 0 AS mailed
            FROM numbers({first}, {count})
        ) AS drawn
    ) AS planned
) AS happened
ANY LEFT JOIN (SELECT ordinal AS ord, day FROM calendar_days WHERE is_workday = 1) AS workdays USING ord
"""


def case_id_sql(number: str) -> str:
    return f"concat('00000000-0000-4000-8000-', substring(toString(1000000000000 + {number}), 2))"


def case_state_sql(first: int, count: int) -> str:
    """The case_state rows of cases first .. first+count-1, folded in SQL from their events (the
    synthetic events only: submitted, accepted, suspended once, resumed, concluded, delivered)."""
    never, no_date, open_end = "toInt64(9223372036854775807)", "toDate(0)", "toUInt32(4294967295)"

    def at(event: str, column: str, otherwise: str) -> str:
        return f"if(countIf(event_type = '{event}') > 0, anyIf({column}, event_type = '{event}'), {otherwise})"

    def suspension(column: str) -> str:
        return f"groupArrayIf({column}, event_type = 'CaseSuspended')"

    def resumption(column: str, otherwise: str) -> str:
        return (f"if(countIf(event_type = 'CaseResumed') > 0, groupArrayIf({column}, event_type = 'CaseResumed'), "
                f"arrayMap(x -> {otherwise}, {suspension('version')}))")

    first_id, last_id = (f"{case_id_sql(str(number))}" for number in (first, first + count))
    return f"""
INSERT INTO case_state
SELECT case_id, max(version), max(position), argMax(state_after, version),
    {at('CaseSubmitted', 'item_code', "''")}, {at('CaseSubmitted', 'item_name', "''")},
    {at('CaseSubmitted', 'item_kind', "''")}, {at('CaseSubmitted', 'department_code', "''")},
    {at('CaseSubmitted', 'channel', "''")},
    {at('CaseAccepted', 'window_code', "''")}, {at('CaseAccepted', 'hall_code', "''")},
    {at('CaseAccepted', 'staff_code', "''")}, {at('CaseAccepted', 'staff_name', "''")},
    {at('CaseAccepted', 'department_code', "''")},
    {at('CaseAccepted', 'promised_days', '0')}, {at('CaseAccepted', 'legal_days', '0')},
    {at('CaseSubmitted', 'occurred_us', never)}, {at('CaseSubmitted', 'occurred_on', no_date)},
    {at('CaseAccepted', 'occurred_us', never)}, {at('CaseAccepted', 'occurred_on', no_date)},
    {at('CaseAccepted', 'occurred_ord', open_end)},
    {never}, {no_date},
    {at('CaseConcluded', 'occurred_us', never)}, {at('CaseConcluded', 'occurred_on', no_date)},
    {at('CaseConcluded', 'occurred_ord', open_end)}, {at('CaseConcluded', 'outcome', "''")},
    {at('CaseDelivered', 'occurred_us', never)},
    {never}, {no_date}, {open_end},
    0, {never}, {no_date},
    {suspension('version')}, {suspension('occurred_us')}, {suspension('occurred_on')},
    {suspension('occurred_ord')}, {suspension('occurred_ord_before')}, {suspension('reason')},
    {suspension('counts')},
    {resumption('occurred_us', never)}, {resumption('occurred_on', no_date)},
    {resumption('occurred_ord_before', open_end)},
    [], [], [],
    groupArrayIf(occurred_on, event_type = 'CaseAccepted'), groupArrayIf(staff_code, event_type = 'CaseAccepted'),
    groupArrayIf(department_code, event_type = 'CaseAccepted'),
    argMax(occurred_us, version),
    {first_overdue_sql(at('CaseAccepted', 'occurred_ord', open_end), at('CaseAccepted', 'promised_days', '0'),
                       suspension('occurred_ord_before'), resumption('occurred_ord_before', open_end),
                       suspension('counts'))}
FROM case_events
WHERE case_id >= {first_id} AND case_id < {last_id}
GROUP BY case_id
"""


def reviews_sql(first: int, count: int) -> str:
    """review_state rows for the concluded cases first .. first+count-1: six in ten reviewed the hour
    after, about 3% of them bad (差评), half of those verified and rectified on the spot the next day."""
    first_id, last_id = (case_id_sql(str(number)) for number in (first, first + count))
    never, no_date = "toInt64(9223372036854775807)", "toDate(0)"
    return f"""
INSERT INTO review_state (review_id, version, position, state, case_id, window_code, staff_code, staff_department,
    rating, channel, given_us, given_on, given_ord, verified_us, verified_on, outcome, decided_us, upheld, deadline,
    deadline_us, rectified_us, rectified_on, rectified_on_time, return_us, return_rating)
SELECT concat('10000000', substring(case_id, 9)) AS review_id, if(worked, 2, 1), 0,
    multiIf(worked, 'rectified', rating <= 2, 'awaiting_verification', 'recorded'), case_id, window_code, staff_code,
    staff_department, rating, 'pad', concluded_us + 3600000000, concluded_on, concluded_ord,
    if(worked, concluded_us + 86400000000, {never}), if(worked, concluded_on + 1, {no_date}),
    if(worked, 'rectify_now', ''), {never}, 0, {no_date}, {never},
    if(worked, concluded_us + 86400000000, {never}), if(worked, concluded_on + 1, {no_date}), toUInt8(worked),
    {never}, 0
FROM (
    SELECT *, toUInt8(multiIf(draw < 20, 1, draw < 30, 2, draw < 60, 3, draw < 150, 4, 5)) AS rating,
        rating <= 2 AND cityHash64(case_id, 2) % 2 = 0 AS worked
    FROM (SELECT *, cityHash64(case_id, 1) % 1000 AS draw FROM case_state
          WHERE case_id >= {first_id} AND case_id < {last_id} AND concluded_us != {never}
              AND cityHash64(case_id, 0) % 10 < 6)
)
"""


def supervision_sql(start_ord: int, today_ord: int) -> str:
    """Two years of inspections, commendations and cards: a few a working day across the windows."""
    return f"""
INSERT INTO supervision_records (record_id, record_kind, kind, window_code, staff_code, note, occurred_us,
    occurred_on, actor_user, actor_role, position)
SELECT concat('20000000-0000-4000-8000-', substring(toString(1000000000000 + number), 2)),
    record_kind, kind, window_code, if(cityHash64(number, 3) % 10 < 7, concat(window_code, '-1'), ''), '',
    (toInt64(toUInt32(day)) * 86400 + 7200) * 1000000, day, 'supervisor', 'supervisor', 0
FROM (
    SELECT number, multiIf(draw < 70, 'inspection', draw < 95, 'commendation', 'card') AS record_kind,
        multiIf(draw < 70, ['absent', 'off_post', 'chatting', 'phone', 'rude'][cityHash64(number, 1) % 5 + 1],
                draw < 95, ['letter', 'banner'][cityHash64(number, 1) % 2 + 1], 'yellow') AS kind,
        concat('W', substring(toString(1000 + cityHash64(number, 2) % {WINDOWS} + 1), 2)) AS window_code, day
    FROM (
        SELECT number, cityHash64(number, 4) % 100 AS draw, workdays[cityHash64(number, 5) % length(workdays) + 1] AS day
        FROM (SELECT number FROM numbers({3 * (today_ord - start_ord + 1)})) AS records
        CROSS JOIN (SELECT groupArray(day) AS workdays FROM calendar_days
                    WHERE is_workday = 1 AND ordinal BETWEEN {start_ord} AND {today_ord}) AS days
    )
)
"""


COMPLAINT_CLASSES, COMPLAINT_ITEMS, DISTRICTS, STREETS = 9, 20, 10, 10


# 82% satisfied or basically satisfied, as the seeds report for dispatched matters
CALLBACK_VERDICTS = ["satisfied"] * 6 + ["basically_satisfied"] * 2 + ["unsatisfied"] * 2


def once(expr: str) -> str:
    """A one-element array of `expr`, empty for a merged complaint (ClickHouse 18.16 will not mix an
    empty array literal with a typed one in if())."""
    return f"arraySlice([{expr}], 1, if(merged, 0, 1))"


def complaints_sql(first: int, count: int, start_day: date, days: int) -> str:
    """complaint_state rows for complaints first .. first+count-1, received over `days` days from
    start_day: a 12345 of 9 classes × 20 items and 10 districts × 10 streets; nine in ten dispatched
    within 2 hours to one of the departments, replied after 1–20 days (due in 10), most approved and
    called back the next day (82% satisfied or basically), one in ten sent back once, 3% merged, 1%
    problem tickets. Dates are calendar days (the working-day ordinals are approximate)."""
    never, no_date = "toInt64(9223372036854775807)", "toDate(0)"
    day0 = (start_day - date(1970, 1, 1)).days
    h = "cityHash64(number, {})".format
    return f"""
INSERT INTO complaint_state (complaint_id, version, position, state, reference, request_type, category, category_path,
    area, area_path, channel, subject_window, subject_staff, subject_department, received_us, received_on, updated_on,
    dispatch_us, dispatch_on, dispatch_ord, dispatch_departments, within_2h, limit_days, due_date, due_ord, department,
    answered_us, first_reply_us, first_reply_on, first_reply_on_time, replied_us, replied_on, replied_ord,
    first_redo_us, first_redo_on, approval_us, approval_on, approval_ord, approval_departments, callback_us,
    callback_on, callback_verdicts, merged_us, merged_on, merged_ord, merged_into, problem_us, problem_on,
    escalation_level, objection_count, redo_count, reopen_count, verified_us, verified_on, valid, closed_us)
SELECT concat('30000000-0000-4000-8000-', substring(toString(1000000000000 + number), 2)),
    4, 0, if(merged, 'merged', if(replied_day <= today, 'closed', 'dispatched')),
    concat('12345-', toString(number)), ['enquiry', 'help', 'suggestion', 'complaint', 'report'][{h(1)} % 5 + 1],
    item, [class, item], street, [district, street], ['phone', 'web', 'wechat', 'app', 'board', 'mail'][{h(2)} % 6 + 1],
    '', '', '', received_us, received_on, received_on + 22,
    {once('dispatch_us')}, {once('toDate(intDiv(dispatch_us, 86400000000))')}, {once('day_ord')},
    {once('department')}, toUInt8(NOT merged AND {h(3)} % 10 < 9), 10, received_on + 14,
    toUInt32(day_ord + 10), if(merged, '', department),
    {never}, if(merged, {never}, reply_us), if(merged, {no_date}, replied_day), toUInt8(reply_days <= 14),
    if(merged, {never}, reply_us), if(merged, {no_date}, replied_day), toUInt32(day_ord + reply_days),
    if(redo, reply_us + 3600000000, {never}), if(redo, replied_day, {no_date}),
    {once('reply_us + 7200000000')}, {once('replied_day')}, {once('toUInt32(day_ord + reply_days)')},
    {once('department')}, {once('reply_us + 86400000000')}, {once('replied_day + 1')},
    {once('verdict')},
    if(merged, received_us + 3600000000, {never}), if(merged, received_on, {no_date}), toUInt32(day_ord),
    '', if(problem, received_us + 86400000000, {never}), if(problem, received_on + 1, {no_date}),
    toUInt8(problem), 0, toUInt16(redo), 0, {never}, {no_date}, 0, {never}
FROM (
    SELECT *, toDate({day0} + received_day) AS received_on,
        (toInt64({day0} + received_day) * 86400 + 3600 + {h(5)} % 36000) * 1000000 AS received_us,
        received_us + (if({h(3)} % 10 < 9, 600, 9000) + {h(6)} % 3600) * 1000000 AS dispatch_us,
        toUInt32(received_day * 5 / 7) AS day_ord, toDate({day0} + received_day + reply_days) AS replied_day,
        received_us + reply_days * 86400000000 AS reply_us,
        {h(7)} % 100 < 3 AS merged, {h(8)} % 100 < 1 AS problem, {h(9)} % 10 = 0 AS redo
    FROM (
        SELECT number, {h(10)} % {days} AS received_day, 1 + {h(11)} % 20 AS reply_days,
            {sql_array(CALLBACK_VERDICTS)}[{h(4)} % {len(CALLBACK_VERDICTS)} + 1] AS verdict,
            concat('C', toString({h(12)} % {COMPLAINT_CLASSES} + 1)) AS class,
            concat(class, '-', toString({h(13)} % {COMPLAINT_ITEMS} + 1)) AS item,
            concat('A', toString({h(14)} % {DISTRICTS} + 1)) AS district,
            concat(district, '-', toString({h(15)} % {STREETS} + 1)) AS street,
            {sql_array(DEPARTMENTS)}[{h(16)} % {len(DEPARTMENTS)} + 1] AS department,
            toDate({day0 + days}) AS today
        FROM numbers({first}, {count})
    )
)
"""


def catalogue_rows() -> list[dict]:
    def row(kind, code, name="", **fields):
        base = {"entry_kind": kind, "code": code, "name": name or code, "level": "", "hall_code": "",
                "department_code": "", "window_code": "", "role": "", "item_kind": "", "legal_days": 0,
                "promised_days": 0, "version": 1, "position": 0}
        return {**base, **fields}
    rows = [row("department", code, f"部门 {code}") for code in DEPARTMENTS]
    rows += [row("hall", f"H{number:02d}", f"大厅 {number}", level="district") for number in range(1, HALLS + 1)]
    for number in range(WINDOWS):
        code = f"W{number + 1:03d}"
        rows.append(row("window", code, f"窗口 {code}", hall_code=f"H{number % HALLS + 1:02d}",
                        department_code=DEPARTMENTS[number % len(DEPARTMENTS)]))
        for staff in (1, 2):
            rows.append(row("staff", f"{code}-{staff}", f"员工 {code}-{staff}", window_code=code,
                            department_code=DEPARTMENTS[number % len(DEPARTMENTS)], role="window_staff"))
    rows += [row("item", code, f"事项 {code}", department_code=DEPARTMENTS[0], item_kind=kind, legal_days=legal,
                 promised_days=promised) for code, kind, legal, promised, _ in ITEMS]
    return rows


def build(store: ClickHouse, cases: int, today: date, progress: bool = True, complaints: int | None = None) -> Projector:
    """Replace the read models in `store` with `cases` synthetic cases accepted over two years up to today,
    and `complaints` 12345 complaints over the same two years (as many as cases unless said)."""
    calendar = WorkingCalendar()
    projector = Projector(store, calendar, TimeBounds())
    projector.drop_tables()
    projector.create_tables()
    start_ord = projector.ordinals.of(today - timedelta(days=730))[0] + 1
    today_ord = projector.ordinals.of(today)[0]
    store.insert("catalogue", catalogue_rows())
    for first in range(0, cases, CHUNK):
        count = min(CHUNK, cases - first)
        store.execute(case_events_sql(first, count, start_ord, today_ord - start_ord + 1, today_ord))
        store.execute(case_state_sql(first, count))
        store.execute(reviews_sql(first, count))
        if progress:
            done = min(first + CHUNK, cases)
            bar = "#" * (30 * done // cases)
            sys.stderr.write(f"\r  synthetic cases [{bar:<30}] {done:,}/{cases:,}")
            sys.stderr.flush()
    store.execute(supervision_sql(start_ord, today_ord))
    complaints = cases if complaints is None else complaints
    for first in range(0, complaints, CHUNK):
        store.execute(complaints_sql(first, min(CHUNK, complaints - first), today - timedelta(days=730), 730))
        if progress:
            done = min(first + CHUNK, complaints)
            sys.stderr.write(f"\r  synthetic complaints [{'#' * (30 * done // complaints):<30}] {done:,}/{complaints:,}")
            sys.stderr.flush()
    # A store that has been running has merged its parts in the background; do it now.
    store.execute("OPTIMIZE TABLE case_state FINAL")
    store.execute("OPTIMIZE TABLE review_state FINAL")
    store.execute("OPTIMIZE TABLE complaint_state FINAL")
    if progress:
        sys.stderr.write("\n")
    return projector


def open_store(data: Path | None, clickhouse: str | None) -> ClickHouse:
    if clickhouse:
        return ServerClickHouse(clickhouse)
    if data is None:
        raise SystemExit("error: give --data DIR (chDB) or --clickhouse URL")
    return ChdbClickHouse(data / "chdb")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, required=True)
    parser.add_argument("--data", type=Path, help="a data folder for `sunlight api --data` (chDB)")
    parser.add_argument("--clickhouse", help="a ClickHouse server database URL instead")
    parser.add_argument("--complaints", type=int, help="12345 complaints (default: as many as cases)")
    parser.add_argument("--today", type=date.fromisoformat, default=date.today())
    options = parser.parse_args()
    store = open_store(options.data, options.clickhouse)
    started = time.perf_counter()
    build(store, options.cases, options.today, complaints=options.complaints)
    rows = store.query("SELECT count() AS events FROM case_events")[0]["events"]
    states = store.query("SELECT count() AS cases FROM case_state")[0]["cases"]
    reviews = store.query("SELECT count() AS reviews FROM review_state")[0]["reviews"]
    complaints = store.query("SELECT count() AS complaints FROM complaint_state")[0]["complaints"]
    print(f"{options.cases:,} cases ({states:,} case_state rows, {reviews:,} reviews, {complaints:,} complaints), "
          f"{rows:,} events in "
          f"{time.perf_counter() - started:.1f} s")
    store.close()


if __name__ == "__main__":
    main()
