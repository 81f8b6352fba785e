/**
 * StreamRegistry: the stream applications (StreamingContexts, see streaming-kafka/) that told this
 * broker's dashboard where their own status page is, so one dashboard lists them all. A registration
 * is `POST /api/v1/streams` with an application id, a name and the URL of the application's status
 * API; posting the same id again refreshes it (the application re-registers periodically, as a
 * heartbeat), `DELETE /api/v1/streams/:appId` removes it (at StreamingContext.stop).
 *
 * Bounded: at most MAX_STREAM_APPS applications (registering one more drops the one seen longest ago)
 * and a registration not refreshed for STREAM_REGISTRATION_TTL_MS is forgotten. Kept in memory only:
 * applications register again after a broker restart.
 */

/** Most applications kept. */
export const MAX_STREAM_APPS = 100;
/** A registration not refreshed for this long (ms) is dropped. */
export const STREAM_REGISTRATION_TTL_MS = 10 * 60_000;

/** What an application sends. */
export interface StreamRegistration {
  /** Spark's application id style: `[A-Za-z0-9._:-]`, 1-128 characters. */
  appId: string;
  /** Human-readable name (Spark's spark.app.name). */
  name: string;
  /**
   * URL of the application's status document (a StreamingContext registers
   * `http://127.0.0.1:<spark.ui.port>/api/v1/streaming/status`), http or https. The dashboard reads it
   * through `GET /api/v1/streams/:appId/status` (fetchStreamStatus), which only forwards to loopback URLs.
   */
  statusUrl: string;
  /** The batch interval (ms), when the application has one. */
  batchIntervalMs?: number;
}

/** A registered application. Times are ms since the epoch. */
export interface StreamApplication extends Omit<StreamRegistration, 'batchIntervalMs'> {
  batchIntervalMs: number | null;
  registeredAt: number;
  lastSeenAt: number;
}

/** See the module comment. */
export class StreamRegistry {
  private readonly apps = new Map<string, StreamApplication>();

  /** Add or refresh an application; returns it and whether it is new. */
  register(r: StreamRegistration, now: number): { app: StreamApplication; created: boolean } {
    this.expire(now);
    const old = this.apps.get(r.appId);
    const app: StreamApplication = { appId: r.appId, name: r.name, statusUrl: r.statusUrl, batchIntervalMs: r.batchIntervalMs ?? null, registeredAt: old?.registeredAt ?? now, lastSeenAt: now };
    this.apps.delete(r.appId);
    this.apps.set(r.appId, app); // Map order = least recently seen first
    while (this.apps.size > MAX_STREAM_APPS) this.apps.delete(this.apps.keys().next().value!);
    return { app, created: old === undefined };
  }

  /** One registered application, if still registered. */
  get(appId: string, now: number): StreamApplication | undefined {
    this.expire(now);
    return this.apps.get(appId);
  }

  /** Remove an application; false when it was not registered. */
  remove(appId: string): boolean {
    return this.apps.delete(appId);
  }

  /** Every application still registered, by name then id. */
  list(now: number): StreamApplication[] {
    this.expire(now);
    return [...this.apps.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.appId < b.appId ? -1 : a.appId > b.appId ? 1 : 0));
  }

  private expire(now: number): void {
    for (const [id, app] of this.apps) if (now - app.lastSeenAt > STREAM_REGISTRATION_TTL_MS) this.apps.delete(id);
  }
}

/** Longest wait for an application's status answer, ms. */
export const STREAM_STATUS_TIMEOUT_MS = 3000;
/** Largest status answer forwarded (bytes). */
export const STREAM_STATUS_MAX_BYTES = 16 * 1024 * 1024;

/** Whether `url` names this host: localhost, 127.0.0.0/8 or ::1. */
export function isLoopbackUrl(url: URL): boolean {
  const h = url.hostname.toLowerCase();
  return h === 'localhost' || h.endsWith('.localhost') || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) || h === '[::1]' || h === '[::ffff:127.0.0.1]' || h === '[::ffff:7f00:1]';
}

/** A failed forward: HTTP status, error code (see fetchStreamStatus), message. */
export class StreamStatusError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * GET a registered application's status document (the broker's proxy for the dashboard, which cannot
 * read another origin). Only loopback URLs are fetched — registration needs no token, so forwarding
 * anywhere else would let anyone make the broker fetch arbitrary addresses; redirects are not followed.
 * Errors (StreamStatusError): 403 STATUS_URL_NOT_LOOPBACK; 504 STREAM_APP_TIMEOUT after `timeoutMs`;
 * 502 STREAM_APP_UNREACHABLE (connection failed: the application stopped?), STREAM_APP_ERROR (it
 * answered non-2xx), STREAM_APP_BAD_RESPONSE (not JSON, or larger than STREAM_STATUS_MAX_BYTES).
 */
export async function fetchStreamStatus(app: StreamApplication, timeoutMs = STREAM_STATUS_TIMEOUT_MS): Promise<unknown> {
  const url = new URL(app.statusUrl);
  if (!isLoopbackUrl(url)) throw new StreamStatusError(403, 'STATUS_URL_NOT_LOOPBACK', `The status URL of ${app.appId} (${app.statusUrl}) is not on this host; the dashboard only forwards to loopback addresses.`);
  let r: Response;
  try {
    r = await fetch(url, { headers: { accept: 'application/json' }, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
  } catch (e) {
    const err = e as Error & { cause?: { code?: string; message?: string } };
    if (err.name === 'TimeoutError' || err.name === 'AbortError') throw new StreamStatusError(504, 'STREAM_APP_TIMEOUT', `${app.appId} did not answer within ${timeoutMs} ms (${app.statusUrl})`);
    throw new StreamStatusError(502, 'STREAM_APP_UNREACHABLE', `${app.appId} is unreachable at ${app.statusUrl}: ${err.cause?.code ?? err.cause?.message ?? err.message}`);
  }
  try {
    if (!r.ok) throw new StreamStatusError(502, 'STREAM_APP_ERROR', `${app.appId} answered HTTP ${r.status} at ${app.statusUrl}`);
    const length = Number(r.headers.get('content-length') ?? 0);
    if (length > STREAM_STATUS_MAX_BYTES) throw new StreamStatusError(502, 'STREAM_APP_BAD_RESPONSE', `${app.appId}'s status is too large (${length} bytes)`);
    const text = await r.text();
    if (text.length > STREAM_STATUS_MAX_BYTES) throw new StreamStatusError(502, 'STREAM_APP_BAD_RESPONSE', `${app.appId}'s status is too large (${text.length} characters)`);
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new StreamStatusError(502, 'STREAM_APP_BAD_RESPONSE', `${app.appId} did not answer JSON at ${app.statusUrl}`);
    }
  } catch (e) {
    if (e instanceof StreamStatusError) throw e;
    const err = e as Error;
    if (err.name === 'TimeoutError' || err.name === 'AbortError') throw new StreamStatusError(504, 'STREAM_APP_TIMEOUT', `${app.appId} did not answer within ${timeoutMs} ms (${app.statusUrl})`);
    throw new StreamStatusError(502, 'STREAM_APP_UNREACHABLE', `${app.appId}: ${err.message}`);
  }
}
