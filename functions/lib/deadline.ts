/**
 * One request's time budget, handed explicitly to every layer that spends it — L2 reads and write-backs, the
 * table read and write-back, the origin, the drain before the response — so the answer, with per-key errors for
 * what did not make it, always leaves before the Lambda timeout (and API Gateway's integration timeout).
 *
 * A {@link Deadline} is an absolute instant plus an {@link AbortSignal} that fires at it. Layers derive tighter
 * deadlines from it ({@link Deadline.within} for their own budget, {@link Deadline.reserve} to leave time for
 * work after them, {@link Deadline.linked} to also stop when a sibling wins, as a hedged read does) and never a
 * looser one. A layer that stops because of the deadline records it with {@link Deadline.exceeded}: the request
 * ends with one account of what the deadline cut ({@link Deadline.cuts}), shared by every derived deadline.
 *
 * The clock is `Date.now` (epoch ms, like Lambda's own deadline); signals use real timers, unref'd so a pending
 * deadline never keeps a process alive.
 */

/** Work stopped (or never started) because the request's deadline came. */
export class DeadlineExceededError extends Error {
  constructor(
    /** What was cut: "origin", "table read", "L2 read", … */
    readonly layer: string,
    /** The request's whole budget, for the message. */
    readonly budgetMs: number,
    /** How many items (keys, cities) the cut covered. */
    readonly count = 1,
    options?: ErrorOptions,
  ) {
    super(`${layer}: not done within the request's ${Number.isFinite(budgetMs) ? `${Math.round(budgetMs)} ms ` : ""}deadline`, options);
    this.name = "DeadlineExceededError";
  }
}

/** How a Lambda invocation's deadline is derived from its remaining time. */
export interface InvocationDeadlinePolicy {
  /**
   * Kept free before the function timeout: building and returning the answer, draining what the deadline cut,
   * event-loop lag under load.
   */
  readonly marginMs: number;
  /**
   * The caller's own timeout, counted from the invocation's start: API Gateway's integration timeout for a function
   * behind it (29 s for REST APIs unless raised by quota). The deadline is at most this minus the margin.
   * @default no cap beyond the function timeout
   */
  readonly capMs?: number;
}

/** The part of a Lambda context the deadline is derived from. */
export interface RemainingTime {
  getRemainingTimeInMillis(): number;
}

/** The cuts of one request: shared by a deadline and every deadline derived from it. */
class Ledger {
  readonly cuts: Record<string, number> = {};
  constructor(readonly budgetMs: number) {}
}

const NEVER = new AbortController().signal;

export class Deadline {
  private cachedSignal: AbortSignal | undefined;

  private constructor(
    /** Epoch ms when the budget ends; `Infinity` for {@link Deadline.none}. */
    readonly at: number,
    private readonly ledger: Ledger,
    private readonly extra: readonly AbortSignal[],
  ) {}

  /** A deadline `ms` from now. */
  static after(ms: number): Deadline {
    if (!(ms >= 0)) throw new RangeError(`Deadline.after(${ms}): must be a number of milliseconds ≥ 0`);
    return new Deadline(Date.now() + ms, new Ledger(ms), []);
  }

  /** No deadline: every layer keeps only its own budget (per-call timeouts). What a caller passing none gets. */
  static none(): Deadline {
    return new Deadline(Number.POSITIVE_INFINITY, new Ledger(Number.POSITIVE_INFINITY), []);
  }

  /**
   * The deadline of a Lambda invocation: now + min(remaining time, `capMs`) − `marginMs`, never in the past. The
   * cap counts from now, not from when the caller started its own clock (API Gateway's includes a cold start's
   * init); the margin covers that difference too.
   */
  static forInvocation(context: RemainingTime, policy: InvocationDeadlinePolicy): Deadline {
    const remaining = context.getRemainingTimeInMillis();
    const budget = Math.min(remaining, policy.capMs ?? Number.POSITIVE_INFINITY) - policy.marginMs;
    return Deadline.after(Math.max(0, budget));
  }

  /** Whether this deadline ends at all. */
  get bounded(): boolean {
    return Number.isFinite(this.at);
  }

  /** The request's whole budget (of the deadline this one was derived from). */
  get budgetMs(): number {
    return this.ledger.budgetMs;
  }

  /** Milliseconds left, 0 once passed, `Infinity` when unbounded. */
  remainingMs(): number {
    return this.bounded ? Math.max(0, this.at - Date.now()) : Number.POSITIVE_INFINITY;
  }

  get expired(): boolean {
    return this.remainingMs() === 0 || this.extra.some((s) => s.aborted);
  }

  /** Aborts at the deadline (reason: a {@link DeadlineExceededError}), or when a linked signal does. */
  get signal(): AbortSignal {
    if (this.cachedSignal === undefined) {
      const own = this.bounded ? timerSignal(this.at - Date.now(), () => new DeadlineExceededError("deadline", this.budgetMs)) : undefined;
      const all = own ? [own, ...this.extra] : [...this.extra];
      this.cachedSignal = all.length === 0 ? NEVER : all.length === 1 ? all[0]! : AbortSignal.any(all);
    }
    return this.cachedSignal;
  }

  /** A budget of at most `ms` from now inside this one (a layer's own limit, e.g. one origin call). */
  within(ms: number): Deadline {
    const at = Math.min(this.at, Date.now() + Math.max(0, ms));
    return at === this.at ? this : new Deadline(at, this.ledger, this.extra);
  }

  /** This deadline ending `ms` earlier: time kept for work after the layer given it (e.g. the write-back). */
  reserve(ms: number): Deadline {
    return ms <= 0 || !this.bounded ? this : new Deadline(this.at - ms, this.ledger, this.extra);
  }

  /** This deadline, also aborted when `signal` aborts (e.g. the losing request of a hedged read). */
  linked(signal: AbortSignal): Deadline {
    return new Deadline(this.at, this.ledger, [...this.extra, signal]);
  }

  /**
   * The error for work this deadline cut, recorded in the request's {@link cuts}: `count` items of `layer`.
   * Call it once per cut, by the layer that stopped.
   */
  exceeded(layer: string, count = 1, options?: ErrorOptions): DeadlineExceededError {
    this.ledger.cuts[layer] = (this.ledger.cuts[layer] ?? 0) + count;
    return new DeadlineExceededError(layer, this.budgetMs, count, options);
  }

  /** What this request's deadline cut so far, by layer (items per layer). */
  get cuts(): Readonly<Record<string, number>> {
    return this.ledger.cuts;
  }

  /**
   * `work`, or a rejection with {@link exceeded}(`layer`, `count`) when the deadline comes first. The work itself
   * is not stopped (pass {@link signal} to it for that); its late result or rejection is ignored.
   */
  race<T>(work: Promise<T>, layer: string, count = 1): Promise<T> {
    if (!this.bounded && this.extra.length === 0) return work;
    if (this.expired) {
      work.catch(() => undefined);
      return Promise.reject(this.exceeded(layer, count));
    }
    const signal = this.signal;
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => {
        work.catch(() => undefined);
        reject(this.exceeded(layer, count));
      };
      signal.addEventListener("abort", onAbort, { once: true });
      work.then(
        (value) => {
          signal.removeEventListener("abort", onAbort);
          resolve(value);
        },
        (err: unknown) => {
          signal.removeEventListener("abort", onAbort);
          reject(err as Error);
        },
      );
    });
  }
}

/** A signal that aborts after `ms` with `reason()`; the timer does not keep the process alive. */
function timerSignal(ms: number, reason: () => Error): AbortSignal {
  const controller = new AbortController();
  if (ms <= 0) {
    controller.abort(reason());
    return controller.signal;
  }
  const timer = setTimeout(() => controller.abort(reason()), ms);
  timer.unref?.();
  return controller.signal;
}
