"""The login brake with the default settings, on a clock the test moves (no waiting)."""
from assistant.access import Limit, LoginGuard, Sessions
from assistant.settings import Settings


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def guard(clock):
    s = Settings()
    minutes = s.login_lockout_minutes * 60
    return LoginGuard(Limit(s.login_free_failures, s.login_lockout_failures, minutes),
                      Limit(s.login_address_lockout_failures // 2, s.login_address_lockout_failures, minutes), clock)


def test_default_account_limit_three_free_then_doubling_waits_then_fifteen_minutes():
    clock = Clock()
    brake = guard(clock)
    waits = []
    for _ in range(10):
        assert brake.wait("Lan", "10.0.0.1")[0] == 0
        locked = brake.failed("lan", "10.0.0.1")  # the name counts whatever its case
        waits.append(round(brake.wait("lan", "10.0.0.2")[0]))
        clock.now += waits[-1]
    assert waits == [0, 0, 0, 1, 2, 4, 8, 16, 32, 900] and locked == [("account", 900.0)]
    brake.failed("lan", "10.0.0.1")  # the try just after a lockout starts no fresh count: locked again
    assert brake.wait("lan", "10.0.0.3") == (900.0, "account")
    clock.now += 3 * 900  # a long quiet spell forgives
    brake.failed("lan", "10.0.0.1")
    assert brake.wait("lan", "10.0.0.1")[0] == 0


def test_a_success_clears_the_count_and_unknown_names_cannot_fill_memory():
    clock = Clock()
    brake = guard(clock)
    for _ in range(3):
        brake.failed("minh", "10.0.0.1")
    brake.succeeded("minh", "10.0.0.1")
    brake.failed("minh", "10.0.0.1")
    assert brake.wait("minh", "10.0.0.1")[0] == 0
    for n in range(LoginGuard.MAX_RECORDS):
        clock.now += 0.001
        brake.failed(f"guess{n}", f"10.1.{n // 256}.{n % 256}")
    assert len(brake.records) <= LoginGuard.MAX_RECORDS


def test_sessions_end_at_their_lifetime():
    clock = Clock()
    sessions = Sessions(60, clock)
    token = sessions.open("lan")
    assert sessions.user(token) == "lan" and sessions.user("forged") is None and sessions.user(None) is None
    clock.now += 61
    assert sessions.user(token) is None
    other = sessions.open("minh")
    sessions.close(other)
    assert sessions.user(other) is None
