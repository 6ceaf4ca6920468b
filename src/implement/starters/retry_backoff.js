// Capped exponential backoff with jitter, checked by `patterns implement retry-backoff`.
//
// The protocol loop at the bottom is done: it reads one JSON request per line on stdin and
// prints exactly one JSON reply per line on stdout. Your work is the delay function. Log
// with console.error if you like; stdout is for replies only.
"use strict";
const readline = require("readline");

// The wait before retry number `attempt` (1 = the first retry), in whole milliseconds.
// config: {base_ms: 1000, cap_ms: 60000, multiplier: 2, jitter: "full"}; jitter is one of
// none, full, equal, decorrelated, proportional. u is the uniform draw in [0, 1) to use;
// previousMs is the previous delay (decorrelated jitter needs it). README.md gives the
// formulas; floor the result with Math.floor.
function delay(config, attempt, previousMs, u) {
  throw new Error("delay is not written yet");
}

let config = null;

function handle(request) {
  switch (request.op) {
    case "hello":
    case "reset":
      return { ok: true };
    case "config":
      config = request;
      return { ok: true };
    case "delay":
      return { delay_ms: delay(config, request.attempt, request.previous_ms, request.u) };
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
