import { describe, expect, it } from "vitest";
import { badRequestRule, BadRequestError, errorResponder, errorRule, jsonResponse } from "../../../functions/lib/http.js";
import { jsonLogger } from "../../../functions/lib/logger.js";

class NotFound extends Error {
  constructor(readonly id: string) {
    super(`no ${id}`);
  }
}
class Subclass extends NotFound {}
/** Same name as NotFound, another class: must not match NotFound's rule. */
class Impostor extends Error {
  override name = "NotFound";
}

function responder() {
  const logs: Array<Record<string, unknown>> = [];
  const respond = errorResponder(
    [
      badRequestRule,
      errorRule(NotFound, 404, (e) => ({ error: "NotFound", message: e.message, id: e.id }), { log: { level: "warn", message: "not found", details: (e) => ({ id: e.id }) } }),
      errorRule(RangeError, 503, () => ({ error: "Busy", message: "retry shortly" }), { headers: { "retry-after": "5" } }),
    ],
    jsonLogger({ level: "DEBUG", write: (line) => logs.push(JSON.parse(line) as Record<string, unknown>) }),
  );
  return { respond, logs };
}

describe("JSON responses", () => {
  it("are JSON with no-store unless the caller says otherwise", () => {
    expect(jsonResponse(200, { a: 1 })).toEqual({ statusCode: 200, headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" }, body: '{"a":1}' });
    expect(jsonResponse(200, {}, { "cache-control": "max-age=60" }).headers).toMatchObject({ "cache-control": "max-age=60" });
  });
});

describe("the error table", () => {
  it("answers a BadRequestError 400 with its code, message and every problem, unlogged", () => {
    const { respond, logs } = responder();
    const err = new BadRequestError("two things wrong", [{ field: "a", value: "x", allowed: "a number" }, { field: "b", value: null, allowed: "is required" }], "UnknownThing");
    const res = respond(err, "req-1");
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body)).toEqual({ error: "UnknownThing", message: "two things wrong", problems: [{ field: "a", value: "x", allowed: "a number" }, { field: "b", value: null, allowed: "is required" }] });
    expect(logs).toEqual([]);
  });

  it("matches by class (subclasses included, look-alike names not), with the rule's headers and log", () => {
    const { respond, logs } = responder();
    expect(JSON.parse(respond(new Subclass("x1"), "req-2").body)).toEqual({ error: "NotFound", message: "no x1", id: "x1" });
    expect(logs).toEqual([expect.objectContaining({ level: "WARN", message: "not found", requestId: "req-2", id: "x1" })]);
    expect(respond(new RangeError("busy"), "req-3")).toMatchObject({ statusCode: 503, headers: { "retry-after": "5" } });
    expect(respond(new Impostor("looks like it"), "req-4").statusCode).toBe(500);
  });

  it("answers anything else 500 naming the request id, logging the error with its cause, echoing nothing", () => {
    const { respond, logs } = responder();
    const res = respond(new Error("db password wrong", { cause: new Error("ECONNRESET") }), "req-5");
    expect(res.statusCode).toBe(500);
    expect(JSON.parse(res.body)).toEqual({ error: "InternalError", message: "internal error (request req-5)" });
    expect(logs).toEqual([expect.objectContaining({ level: "ERROR", message: "request failed", requestId: "req-5", error: expect.objectContaining({ message: "db password wrong", cause: expect.objectContaining({ message: "ECONNRESET" }) }) })]);
    expect(respond("a string", "req-6").statusCode).toBe(500);
  });
});
