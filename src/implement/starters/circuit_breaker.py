#!/usr/bin/env python3
"""A circuit breaker, checked by `patterns implement circuit-breaker`.

The protocol loop at the bottom is done: it reads one JSON request per line on stdin and
prints exactly one JSON reply per line on stdout. Your work is the Breaker class. Log to
stderr (print(..., file=sys.stderr)) if you like; stdout is for replies only.
"""
import json
import sys


class Breaker:
    def __init__(self, config):
        # The `config` request, e.g. {"failure_threshold": 5, "open_when_failures":
        # "reach_threshold", "recovery_timeout_ms": 60000, "trial_after_timeout":
        # "strictly_after", "success_threshold": 2, "half_open_max_calls": None, ...}.
        # README.md lists every field.
        self.config = config
        self.state = "CLOSED"

    def call(self, now_ms):
        """A call arrives at now_ms: return True to let it run, False to reject it."""
        raise NotImplementedError("call is not written yet")

    def result(self, now_ms, success):
        """The call this breaker let run finished at now_ms: record it."""
        raise NotImplementedError("result is not written yet")

    def current_state(self, now_ms):
        """'CLOSED', 'OPEN' or 'HALF_OPEN' at now_ms (waiting alone moves nothing)."""
        raise NotImplementedError("state is not written yet")


def handle(breaker, request):
    """Returns (reply, breaker) for one request."""
    op = request.get("op")
    if op in ("hello", "reset"):
        return {"ok": True}, None
    if op == "config":
        return {"ok": True}, Breaker(request)
    if breaker is None:
        return {"error": "no config yet"}, None
    if op == "call":
        return {"allow": bool(breaker.call(request["now_ms"]))}, breaker
    if op == "result":
        breaker.result(request["now_ms"], request["success"])
        return {"ok": True}, breaker
    if op == "state":
        return {"state": breaker.current_state(request["now_ms"])}, breaker
    return {"error": f"unknown op {op!r}"}, breaker


def main():
    breaker = None
    for line in sys.stdin:
        try:
            reply, breaker = handle(breaker, json.loads(line))
        except Exception as error:  # any bug becomes an error reply, never silence
            reply = {"error": f"{type(error).__name__}: {error}"}
        print(json.dumps(reply), flush=True)


if __name__ == "__main__":
    main()
