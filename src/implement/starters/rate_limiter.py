#!/usr/bin/env python3
"""A rate limiter, checked by `patterns implement rate-limiter`.

The protocol loop at the bottom is done: it reads one JSON request per line on stdin and
prints exactly one JSON reply per line on stdout. Your work is the Limiter class. Log to
stderr (print(..., file=sys.stderr)) if you like; stdout is for replies only.
"""
import json
import sys


class Limiter:
    def __init__(self, config):
        # The `config` request, e.g. {"algorithm": "token-bucket", "rate": 10, "burst": 5}.
        # README.md lists each algorithm's fields. Count exactly: in thousandths of a
        # token, or in now_ms * rate, never in floating point.
        self.config = config

    def request(self, now_ms):
        """A request arrives at now_ms: return True to admit it, False to reject it."""
        raise NotImplementedError("request is not written yet")


def main():
    limiter = None
    for line in sys.stdin:
        try:
            request = json.loads(line)
            op = request.get("op")
            if op in ("hello", "reset"):
                limiter, reply = None, {"ok": True}
            elif op == "config":
                limiter, reply = Limiter(request), {"ok": True}
            elif op == "request":
                reply = {"allow": bool(limiter.request(request["now_ms"]))}
            else:
                reply = {"error": f"unknown op {op!r}"}
        except Exception as error:  # any bug becomes an error reply, never silence
            reply = {"error": f"{type(error).__name__}: {error}"}
        print(json.dumps(reply), flush=True)


if __name__ == "__main__":
    main()
