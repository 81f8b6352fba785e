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
  /** Base URL of the application's status API (http or https). */
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
