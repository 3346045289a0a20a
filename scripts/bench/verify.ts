/**
 * Every response of every scenario is checked against the seeded data, outside the timed part: exactly the
 * requested cities, each forecast byte-equal to what was seeded. A fast wrong answer must fail the bench, not
 * win it.
 */
export class VerificationError extends Error {
  constructor(
    readonly scenario: string,
    message: string,
  ) {
    super(`${scenario}: ${message}`);
    this.name = "VerificationError";
  }
}

/** What the checks saw over a measurement (warm-up included). */
export interface VerificationTally {
  /** Responses checked. */
  responses: number;
  /** Cities asked for over all responses. */
  requested: number;
  /**
   * Cities silently absent from responses: neither returned nor reported as failed. Only a scenario allowed to
   * lose data (the write-ups' seed-batch) gets here without the bench stopping.
   */
  missing: number;
  /** Fewest and most cities missing from one response. */
  missingPerResponse: { min: number; max: number };
  /** Cities the scenario reported as failed (an error it returned or threw, e.g. a deadline under overload). */
  failed: number;
  /** Responses with at least one failed city. */
  failedResponses: number;
  /** The first failure's message. */
  firstError?: string;
}

export function newTally(): VerificationTally {
  return { responses: 0, requested: 0, missing: 0, missingPerResponse: { min: Number.POSITIVE_INFINITY, max: 0 }, failed: 0, failedResponses: 0 };
}

/**
 * Checks one response (a Map of city → forecast JSON). Wrong data always throws. A city absent from the response
 * counts as failed when the scenario reported it failed (`failed`, with `error`), else as silently missing,
 * which throws unless `allowMissing` (the write-ups' seed-batch, which drops UnprocessedKeys by design —
 * reported, not hidden).
 */
export function checkForecasts(
  scenario: string,
  requested: readonly string[],
  got: ReadonlyMap<string, string>,
  seeded: ReadonlyMap<string, string>,
  tally: VerificationTally,
  options: { allowMissing?: boolean; failed?: ReadonlySet<string>; error?: string } = {},
): void {
  const asked = new Set(requested);
  for (const id of got.keys()) {
    if (!asked.has(id)) throw new VerificationError(scenario, `returned city ${JSON.stringify(id)}, which was not requested`);
  }
  let missing = 0;
  let failed = 0;
  for (const id of requested) {
    const text = got.get(id);
    if (text === undefined) {
      if (options.failed?.has(id)) failed++;
      else missing++;
      continue;
    }
    const expected = seeded.get(id);
    if (expected === undefined) throw new VerificationError(scenario, `requested city ${JSON.stringify(id)} was never seeded (bench bug)`);
    if (text !== expected) throw new VerificationError(scenario, `forecast of ${id} differs from the seeded one ${describeDifference(text, expected)}`);
  }
  if (missing > 0 && !options.allowMissing) {
    const ids = requested.filter((id) => !got.has(id) && !options.failed?.has(id));
    throw new VerificationError(scenario, `${missing} of ${requested.length} requested cities missing from the response (${ids.slice(0, 5).join(", ")}${ids.length > 5 ? ", …" : ""})`);
  }
  tally.responses++;
  tally.requested += requested.length;
  tally.missing += missing;
  tally.missingPerResponse.min = Math.min(tally.missingPerResponse.min, missing);
  tally.missingPerResponse.max = Math.max(tally.missingPerResponse.max, missing);
  if (failed > 0) {
    tally.failed += failed;
    tally.failedResponses++;
    tally.firstError ??= options.error ?? "failed without a message";
  }
}

/** Checks one value from a single-key cache read. */
export function checkValue(scenario: string, key: string, got: unknown, expected: string, tally: VerificationTally): void {
  if (got === undefined || got === null) throw new VerificationError(scenario, `no value for ${key}`);
  if (got !== expected) {
    throw new VerificationError(scenario, `value of ${key} differs from the seeded one ${typeof got === "string" ? describeDifference(got, expected) : `(got a ${typeof got})`}`);
  }
  tally.responses++;
  tally.requested++;
  tally.missingPerResponse.min = Math.min(tally.missingPerResponse.min, 0);
}

function describeDifference(got: string, expected: string): string {
  let i = 0;
  while (i < got.length && i < expected.length && got[i] === expected[i]) i++;
  return `(${got.length} vs ${expected.length} bytes, first difference at ${i}: ${JSON.stringify(got.slice(i, i + 20))} vs ${JSON.stringify(expected.slice(i, i + 20))})`;
}
