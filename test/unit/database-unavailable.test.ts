import { describe, expect, it } from 'vitest';
import { DatabaseUnavailableError, isConnectionError, isDatabaseUnavailable } from '../../src/store/unavailable';

describe('database unavailable', () => {
  it('types the driver errors of a server that is away, and nothing else', () => {
    const driver = (code: string | undefined, message: string) =>
      Object.assign(new Error(message), code ? { code } : {});
    for (const error of [
      driver('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432'),
      driver('57P01', 'terminating connection due to administrator command'),
      driver('57P03', 'the database system is starting up'),
      driver('08006', 'connection failure'),
      driver(undefined, 'Connection terminated unexpectedly'),
      driver(undefined, 'timeout exceeded when trying to connect'),
      new AggregateError([driver('ECONNREFUSED', 'a'), driver('ECONNREFUSED', 'b')]),
    ]) {
      expect(isConnectionError(error), error.message).toBe(true);
      expect(isDatabaseUnavailable(new DatabaseUnavailableError(error))).toBe(true);
    }
    // A query the database refused is not an outage.
    for (const error of [
      driver('23505', 'duplicate key'),
      driver('40P01', 'deadlock detected'),
      driver('42P01', 'relation does not exist'),
    ]) {
      expect(isConnectionError(error)).toBe(false);
    }
    // Another dependency refusing its connection (a carrier, a tracking provider) is not the database.
    const fetchFailed = new TypeError('fetch failed', {
      cause: driver('ECONNREFUSED', 'connect ECONNREFUSED 10.0.0.1:443'),
    });
    expect(isDatabaseUnavailable(fetchFailed)).toBe(false);
    expect(
      isDatabaseUnavailable(new Error('wrapped', { cause: new DatabaseUnavailableError(driver('57P01', 'x')) })),
    ).toBe(true);
    expect(new DatabaseUnavailableError(driver('57P01', 'x')).reason).toBe('57P01');
  });
});
