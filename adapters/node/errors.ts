// Errors with upstream's texts (ZeroMQ.cc, ZeroMQ-Proxy.cc, main.zeek), so
// operators can grep for the same lines they know from Zeek.

/** `ZeroMQ: Failed to bind <which> socket <ep>: <err> (<errno>)`. */
export class BindError extends Error {
  override name = "BindError";
  constructor(
    readonly which: string,
    readonly endpoint: string,
    cause: Error,
    errno?: number,
  ) {
    const n = errno ?? (cause as { errno?: number }).errno;
    super(`ZeroMQ: Failed to bind ${which} socket ${endpoint}: ${cause.message}${n !== undefined ? ` (${n})` : ""}`);
  }
}

/** `ZeroMQ: Failed to connect <which> socket <ep>: <err>`. */
export class ConnectError extends Error {
  override name = "ConnectError";
  constructor(
    readonly which: string,
    readonly endpoint: string,
    cause: Error,
  ) {
    super(`ZeroMQ: Failed to connect ${which} socket ${endpoint}: ${cause.message}`);
  }
}

/** The fatal lines main.zeek turns start-up failures into. */
export const FATAL_PROXY = "Failed to spawn ZeroMQ proxy thread";
export const FATAL_INIT = "Failed initialize ZeroMQ backend";

/** A start-up failure: the specific error (upstream's first line) plus the fatal line. */
export class StartError extends Error {
  override name = "StartError";
  constructor(
    readonly cause: Error,
    readonly fatal: string,
  ) {
    super(`${cause.message}\n${fatal}`);
  }
}
