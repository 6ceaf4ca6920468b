// A rate limiter, checked by `patterns implement rate-limiter`.
//
// The protocol loop at the bottom is done: it reads one JSON request per line on stdin and
// prints exactly one JSON reply per line on stdout. Your work is the Limiter class. Log
// with console.error if you like; stdout is for replies only.
"use strict";
const readline = require("readline");

class Limiter {
  constructor(config) {
    // The `config` request, e.g. {algorithm: "token-bucket", rate: 10, burst: 5}.
    // README.md lists each algorithm's fields. Count exactly: in thousandths of a token,
    // or in nowMs * rate, never with fractions.
    this.config = config;
  }

  // A request arrives at nowMs: return true to admit it, false to reject it.
  request(nowMs) {
    throw new Error("request is not written yet");
  }
}

let limiter = null;

function handle(request) {
  switch (request.op) {
    case "hello":
    case "reset":
      limiter = null;
      return { ok: true };
    case "config":
      limiter = new Limiter(request);
      return { ok: true };
    case "request":
      return { allow: Boolean(limiter.request(request.now_ms)) };
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
