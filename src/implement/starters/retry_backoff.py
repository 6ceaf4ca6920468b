#!/usr/bin/env python3
"""Capped exponential backoff with jitter, checked by `patterns implement retry-backoff`.

The protocol loop at the bottom is done: it reads one JSON request per line on stdin and
prints exactly one JSON reply per line on stdout. Your work is the delay function. Log to
stderr (print(..., file=sys.stderr)) if you like; stdout is for replies only.
"""
import json
import math
import sys


def delay(config, attempt, previous_ms, u):
    """The wait before retry number `attempt` (1 = the first retry), in whole milliseconds.

    config: {"base_ms": 1000, "cap_ms": 60000, "multiplier": 2.0, "jitter": "full"}; jitter
    is one of none, full, equal, decorrelated, proportional. u is the uniform draw in
    [0, 1) to use; previous_ms is the previous delay (decorrelated jitter needs it).
    README.md gives the formulas; floor the result with math.floor.
    """
    raise NotImplementedError("delay is not written yet")


def main():
    config = None
    for line in sys.stdin:
        try:
            request = json.loads(line)
            op = request.get("op")
            if op in ("hello", "reset"):
                reply = {"ok": True}
            elif op == "config":
                config = request
                reply = {"ok": True}
            elif op == "delay":
                ms = delay(config, request["attempt"], request["previous_ms"], request["u"])
                reply = {"delay_ms": ms}
            else:
                reply = {"error": f"unknown op {op!r}"}
        except Exception as error:  # any bug becomes an error reply, never silence
            reply = {"error": f"{type(error).__name__}: {error}"}
        print(json.dumps(reply), flush=True)


if __name__ == "__main__":
    main()
