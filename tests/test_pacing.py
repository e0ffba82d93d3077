"""The outbox's pacer and the rate limiter's slots keep one schedule: sleeps that wake a few
milliseconds late do not slow a broadcast down, and a stalled event loop does not release a
burst that Telegram would answer with a 429."""

from __future__ import annotations

import itertools
import random

from jobs.sender import LATE_SLACK, Rates, next_slot


def starts(spacing: float, lateness: list[float]) -> list[float]:
    """When each send starts when each wakes `lateness[i]` after its slot."""
    due, started = float("-inf"), []
    now = 0.0
    for late in lateness:
        now = max(now, due) + late
        started.append(now)
        due = next_slot(due, now, spacing)
    return started


def test_late_wake_ups_do_not_slow_a_broadcast():
    spacing = 1 / Rates().outbox
    wakes = random.Random(7).choices([0.0005, 0.001, 0.002, 0.0029], k=3000)
    sent = starts(spacing, wakes)
    rate = (len(sent) - 1) / (sent[-1] - sent[0])
    assert rate > 0.995 / spacing  # 28.8 a second planned is 28.8 sent, not 28


def test_a_stalled_loop_does_not_release_a_burst():
    rates = Rates()
    spacing = 1 / rates.free_slots
    wakes = [0.001] * 100
    wakes[40] = 0.5  # the event loop was busy for half a second
    wakes[41:45] = [0.02, 0.0, 0.004, 0.0]
    sent = starts(spacing, wakes)
    for first in range(len(sent) - 30):
        # Telegram's 30 in a second: 31 sends span more than a second, with room to spare.
        assert sent[first + 30] - sent[first] >= 30 * spacing - LATE_SLACK > 1.025
    assert min(b - a for a, b in itertools.pairwise(sent)) >= spacing - LATE_SLACK
