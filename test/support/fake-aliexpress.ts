/**
 * The fake AliExpress for a test file: `useFakeAliExpress({ seed })` starts it before the file's tests (with the
 * test app's key and secret, and the pasted seller token `FAKE_TOKEN` accepted) and closes it after them. It answers
 * the server itself, usable once the file's tests run; connect a shop to it with `connectFakeShop` (pasted token, as
 * `shop connect` does) or `authoriseFakeShop` (through the consent page, with a refresh token), both in
 * outbox-fixtures.ts.
 */
import { afterAll, beforeAll } from 'vitest';
import {
  startFakeAliExpressServer,
  type FakeAliExpressServer,
  type FakeServerOptions,
} from '../../src/integrations/aliexpress/fake-server';
import { FAKE_APP_KEY, FAKE_APP_SECRET, FAKE_TOKEN } from './outbox-fixtures';

export function useFakeAliExpress(options: Partial<FakeServerOptions> = {}): FakeAliExpressServer {
  let server: FakeAliExpressServer | undefined;
  beforeAll(async () => {
    server = await startFakeAliExpressServer({
      appKey: FAKE_APP_KEY,
      appSecret: FAKE_APP_SECRET,
      accessTokens: [FAKE_TOKEN],
      ...options,
    });
  });
  afterAll(async () => {
    await server?.close();
    server = undefined;
  });
  // The server is started in beforeAll: the handle reads it at each use.
  return new Proxy({} as FakeAliExpressServer, {
    get(_target, property) {
      if (!server) throw new Error('the fake AliExpress is used outside the tests of its file (it is not started)');
      return Reflect.get(server, property);
    },
  });
}
