"""The sign-in throttle, with a clock the test moves: 5 failures in 15 minutes lock a username."""

from __future__ import annotations

from api.auth import LoginThrottle


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_five_failures_within_the_window_lock_the_username_for_the_lockout():
    clock = Clock()
    throttle = LoginThrottle(clock=clock)
    for _ in range(4):
        throttle.failed("clerk1")
    assert throttle.retry_after("clerk1") == 0
    throttle.failed("clerk1")
    assert throttle.retry_after("clerk1") == 15 * 60 and throttle.retry_after("clerk2") == 0
    clock.now += 15 * 60 - 1
    assert throttle.retry_after("clerk1") == 1
    clock.now += 1
    assert throttle.retry_after("clerk1") == 0


def test_failures_older_than_the_window_do_not_count():
    clock = Clock()
    throttle = LoginThrottle(clock=clock)
    for _ in range(4):
        throttle.failed("clerk1")
    clock.now += 15 * 60 + 1
    throttle.failed("clerk1")
    assert throttle.retry_after("clerk1") == 0


def test_a_success_forgets_the_failures():
    throttle = LoginThrottle(clock=Clock())
    for _ in range(4):
        throttle.failed("clerk1")
    throttle.succeeded("clerk1")
    throttle.failed("clerk1")
    assert throttle.retry_after("clerk1") == 0


def test_made_up_usernames_cannot_grow_the_table_without_bound():
    throttle = LoginThrottle(clock=Clock(), max_users=100)
    for number in range(1000):
        throttle.failed(f"nobody{number}" + "x" * 1000)
    assert len(throttle._entries) == 100
    assert all(len(key) <= 64 for key in throttle._entries)
