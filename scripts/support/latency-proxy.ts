import { connect, createServer } from "node:net";
import type { Server, Socket } from "node:net";

/**
 * An in-process TCP proxy that makes a loopback server cost what it costs inside an AWS region: each chunk is
 * delayed by a one-way latency (plus jitter) in each direction, keeping order per connection.
 *
 * It also counts round trips: a "flight" starts each time the client sends after having received something (or
 * on a new connection's first send). A pipelined batch of Redis commands or one HTTP request is one flight,
 * however many TCP chunks it takes, so the count is what a latency-bound client actually waits for.
 */
export interface LatencyProxy {
  readonly port: number;
  readonly address: string;
  readonly stats: { connections: number; roundTrips: number; bytesUp: number; bytesDown: number; slowed: number };
  resetStats(): void;
  setDelay(oneWayMs: number, jitterMs?: number): void;
  /** Tail latency: each round trip, with this probability, waits `extraMs` more before it reaches the server (0 = none). */
  setTail(probability: number, extraMs: number): void;
  /** The next `count` round trips wait `extraMs` more (deterministic, for tests). */
  slowNext(count: number, extraMs: number): void;
  close(): Promise<void>;
}

export async function startLatencyProxy(options: {
  targetPort: number;
  targetHost?: string;
  /** One-way delay added in each direction. @default 1 */
  oneWayMs?: number;
  /** Uniform random extra delay, 0..jitterMs, per chunk. @default 0 */
  jitterMs?: number;
  /** See {@link LatencyProxy.setTail}. @default none */
  tail?: { probability: number; extraMs: number };
}): Promise<LatencyProxy> {
  let oneWayMs = options.oneWayMs ?? 1;
  let jitterMs = options.jitterMs ?? 0;
  let tail = options.tail ?? { probability: 0, extraMs: 0 };
  let forced = { count: 0, extraMs: 0 };
  const stats = { connections: 0, roundTrips: 0, bytesUp: 0, bytesDown: 0, slowed: 0 };
  /** Extra delay for a round trip that starts now. */
  const tailMs = () => {
    if (forced.count > 0) {
      forced.count--;
      stats.slowed++;
      return forced.extraMs;
    }
    if (tail.probability > 0 && Math.random() < tail.probability) {
      stats.slowed++;
      return tail.extraMs;
    }
    return 0;
  };
  const sockets = new Set<Socket>();

  const server: Server = createServer((client) => {
    stats.connections++;
    const upstream = connect({ port: options.targetPort, host: options.targetHost ?? "127.0.0.1" });
    sockets.add(client);
    sockets.add(upstream);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    let awaitingReply = false;
    // A slowed round trip delays every chunk of its request (and, per connection order, whatever follows it).
    let extra = 0;
    const up = delayedWriter(upstream, () => oneWayMs + extra, () => jitterMs);
    const down = delayedWriter(client, () => oneWayMs, () => jitterMs);
    client.on("data", (chunk: Buffer) => {
      stats.bytesUp += chunk.length;
      if (!awaitingReply) {
        stats.roundTrips++;
        awaitingReply = true;
        extra = tailMs();
      }
      up(chunk);
    });
    upstream.on("data", (chunk: Buffer) => {
      stats.bytesDown += chunk.length;
      awaitingReply = false;
      down(chunk);
    });
    const closeBoth = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on("close", closeBoth);
    upstream.on("close", closeBoth);
    client.on("error", closeBoth);
    upstream.on("error", closeBoth);
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as { port: number };
  return {
    port,
    address: `127.0.0.1:${port}`,
    stats,
    resetStats: () => Object.assign(stats, { connections: 0, roundTrips: 0, bytesUp: 0, bytesDown: 0, slowed: 0 }),
    setTail: (probability, extraMs) => {
      tail = { probability, extraMs };
    },
    slowNext: (count, extraMs) => {
      forced = { count, extraMs };
    },
    setDelay: (ms, jitter = 0) => {
      oneWayMs = ms;
      jitterMs = jitter;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Writes chunks to `socket` after a delay, never reordering them (a later chunk never overtakes). */
function delayedWriter(socket: Socket, delay: () => number, jitter: () => number): (chunk: Buffer) => void {
  let lastDue = 0;
  return (chunk) => {
    const ms = delay() + (jitter() > 0 ? Math.random() * jitter() : 0);
    if (ms <= 0) {
      socket.write(chunk);
      return;
    }
    const due = Math.max(performance.now() + ms, lastDue);
    lastDue = due;
    setTimeout(() => {
      if (!socket.destroyed) socket.write(chunk);
    }, due - performance.now());
  };
}
