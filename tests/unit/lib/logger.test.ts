import { describe, expect, it } from "vitest";
import { jsonLogger, serializeError } from "../../../functions/lib/logger.js";

describe("jsonLogger", () => {
  const capture = (level?: "DEBUG" | "INFO" | "WARN" | "ERROR" | "SILENT") => {
    const lines: string[] = [];
    const logger = jsonLogger({ level, service: "svc", write: (l) => lines.push(l), timestamp: () => "T" });
    return { logger, entries: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
  };

  it("writes one JSON object per entry with level, message, timestamp, service and the details", () => {
    const { logger, entries } = capture();
    logger.warn("redis down", { key: "k", attempts: 2 });
    expect(entries()).toEqual([{ level: "WARN", message: "redis down", timestamp: "T", service: "svc", key: "k", attempts: 2 }]);
  });

  it("drops entries below its level", () => {
    const { logger, entries } = capture("WARN");
    logger.debug("d");
    logger.info("i");
    logger.error("e");
    expect(entries().map((e) => e.level)).toEqual(["ERROR"]);
  });

  it("serializes errors in the details with name, message, stack and their cause chain", () => {
    const { logger, entries } = capture();
    const cause = new TypeError("socket closed");
    logger.error("L2 read failed", { error: new Error("L2 read failed: socket closed", { cause }) });
    const error = entries()[0]!.error as Record<string, unknown>;
    expect(error).toMatchObject({ name: "Error", message: "L2 read failed: socket closed", cause: { name: "TypeError", message: "socket closed" } });
    expect(typeof error.stack).toBe("string");
  });

  it("leaves values that are not errors as they are", () => {
    expect(serializeError("text")).toBe("text");
  });
});
