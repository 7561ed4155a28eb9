/**
 * Carrier tracking, one file per concern:
 * - providers.ts     the tracking providers' settings (17TRACK, AfterShip) and their clients
 * - inbox.ts         webhooks: verified, stored raw, answered; processed from the table
 * - ingest.ts        events in: read, plan (core/tracking/plan.ts), write — one transaction per batch
 * - problems.ts      problems raised once (timeline event + alert) and resolved when gone
 * - registration.ts  numbers registered with the providers, retried with backoff when a provider fails
 * - registration-dead.ts  a registration given up: one timeline event and one alert per order
 * - polling.ts       due parcels polled, each claimed by one poller across processes
 * - sweep.ts         the time-based problems and orders whose parcels moved before they shipped
 * - views.ts         the reads: problems, a parcel's tracking, lists
 */
export * from './ingest';
export * from './inbox';
export * from './providers';
export * from './registration';
export * from './polling';
export * from './sweep';
export * from './views';
