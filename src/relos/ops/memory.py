"""The garbage collector of a served worker: long-lived objects kept out of its sweeps.

A worker holds millions of objects that live as long as it does: the modules, the event
catalogue, and the planner's sea network and airspace, loaded in the background at start.
CPython's full collection walks every tracked object, so with the network loaded each one
held the interpreter for 90-170 ms, stalling every request of that worker (the tail of the
load bench), and the young collections ran hundreds of times a minute. `gc.freeze()` moves
everything alive at that moment to a generation the collector never walks; what requests
allocate afterwards is collected as before.
"""

from __future__ import annotations

import gc

# Young collections every this many net allocations (CPython's default is 700): a request
# allocates thousands of short-lived objects, most freed by reference counting, and each
# young collection costs a fraction of a millisecond whatever it finds.
YOUNG_THRESHOLD = 20_000


def keep_long_lived() -> None:
    """Collect what is garbage now, then freeze the rest (call once loading is done; a
    second call freezes what was loaded since)."""
    gc.collect()
    gc.freeze()


def tune_collector() -> None:
    """Fewer young collections; the older generations keep CPython's ratios."""
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)
