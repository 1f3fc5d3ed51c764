"""Requests a minute per key, counted apart for uploads and other requests, on a fake clock."""

from service.rate_limits import RateLimiter, RequestClass

UPLOAD, REQUEST = RequestClass.UPLOAD, RequestClass.REQUEST


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def limiter(clock: FakeClock, uploads: int = 2, requests: int = 3) -> RateLimiter:
    return RateLimiter({UPLOAD: uploads, REQUEST: requests}, clock)


def test_requests_pass_until_the_limit_then_are_refused_with_the_seconds_to_wait() -> None:
    clock = FakeClock()
    limits = limiter(clock)
    assert all(limits.hit("k1", REQUEST).allowed for _ in range(3))
    clock.now += 20.2
    refused = limits.hit("k1", REQUEST)
    assert not refused.allowed
    assert refused.retry_after == 40  # the window opened by the first request ends 39.8 s later
    assert refused.limit == 3


def test_the_wait_is_never_announced_as_zero_seconds() -> None:
    clock = FakeClock()
    limits = limiter(clock, requests=1)
    limits.hit("k1", REQUEST)
    clock.now += 59.99
    assert limits.hit("k1", REQUEST).retry_after == 1


def test_a_new_window_opens_when_the_minute_is_over() -> None:
    clock = FakeClock()
    limits = limiter(clock)
    for _ in range(3):
        limits.hit("k1", REQUEST)
    assert not limits.hit("k1", REQUEST).allowed
    clock.now += 60
    assert all(limits.hit("k1", REQUEST).allowed for _ in range(3))
    assert not limits.hit("k1", REQUEST).allowed


def test_refused_requests_do_not_count() -> None:
    clock = FakeClock()
    limits = limiter(clock, requests=1)
    limits.hit("k1", REQUEST)
    for _ in range(10):
        assert not limits.hit("k1", REQUEST).allowed
    clock.now += 60
    assert limits.hit("k1", REQUEST).allowed


def test_uploads_and_other_requests_are_counted_apart() -> None:
    clock = FakeClock()
    limits = limiter(clock)
    assert limits.hit("k1", UPLOAD).allowed and limits.hit("k1", UPLOAD).allowed
    assert not limits.hit("k1", UPLOAD).allowed
    assert all(limits.hit("k1", REQUEST).allowed for _ in range(3))


def test_two_keys_are_counted_apart() -> None:
    clock = FakeClock()
    limits = limiter(clock)
    for _ in range(3):
        limits.hit("k1", REQUEST)
    assert not limits.hit("k1", REQUEST).allowed
    assert limits.hit("k2", REQUEST).allowed


def test_ended_windows_are_forgotten() -> None:
    clock = FakeClock()
    limits = limiter(clock)
    for key in ("k1", "k2", "k3"):
        limits.hit(key, REQUEST)
    clock.now += 61
    limits.hit("k4", UPLOAD)
    assert len(limits._windows) == 1
