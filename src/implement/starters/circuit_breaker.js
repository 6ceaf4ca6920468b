// A circuit breaker, checked by `patterns implement circuit-breaker`.
//
// The protocol loop at the bottom is done: it reads one JSON request per line on stdin and
// prints exactly one JSON reply per line on stdout. Your work is the Breaker class. Log
// with console.error if you like; stdout is for replies only.
"use strict";
const readline = require("readline");

class Breaker {
  constructor(config) {
    // The `config` request, e.g. {failure_threshold: 5, open_when_failures:
    // "reach_threshold", recovery_timeout_ms: 60000, trial_after_timeout: "strictly_after",
    // success_threshold: 2, half_open_max_calls: null, ...}. README.md lists every field.
    this.config = config;
    this.state = "CLOSED";
  }

  // A call arrives at nowMs: return true to let it run, false to reject it.
  call(nowMs) {
    throw new Error("call is not written yet");
  }

  // The call this breaker let run finished at nowMs: record it.
  result(nowMs, success) {
    throw new Error("result is not written yet");
  }

  // "CLOSED", "OPEN" or "HALF_OPEN" at nowMs (waiting alone moves nothing).
  currentState(nowMs) {
    throw new Error("state is not written yet");
  }
}

let breaker = null;

function handle(request) {
  switch (request.op) {
    case "hello":
    case "reset":
      breaker = null;
      return { ok: true };
    case "config":
      breaker = new Breaker(request);
      return { ok: true };
    case "call":
      return { allow: Boolean(breaker.call(request.now_ms)) };
    case "result":
      breaker.result(request.now_ms, request.success);
      return { ok: true };
    case "state":
      return { state: breaker.currentState(request.now_ms) };
    default:
      return { error: `unknown op ${JSON.stringify(request.op)}` };
  }
}

readline.createInterface({ input: process.stdin }).on("line", (line) => {
  let reply;
  try {
    reply = handle(JSON.parse(line));
  } catch (error) {
    reply = { error: String(error && error.message ? error.message : error) };
  }
  process.stdout.write(JSON.stringify(reply) + "\n");
});
