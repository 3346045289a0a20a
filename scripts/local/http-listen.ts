import type { Server } from "node:http";

/**
 * Starts a local HTTP server on `host:port` (0 = a free port) with keep-alive long enough for benchmark clients,
 * and returns its base URL and a `close()` that also drops kept-alive connections (so tests end promptly).
 */
export async function listenLocal(server: Server, options: { port?: number; host?: string } = {}): Promise<{ baseUrl: string; close: () => Promise<void> }> {
  server.keepAliveTimeout = 30_000;
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as { port: number };
  return {
    baseUrl: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
