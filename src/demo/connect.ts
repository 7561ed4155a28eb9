/**
 * The demo's shop is connected the way an owner connects one: through the platform's authorisation flow, against the
 * fake marketplace (its consent page speaks the platform's redirect protocol), not with a pasted token. The steps are
 * the dashboard's (app/shop-authorisation.ts): Connect starts an authorisation with a single-use `state`; the seller
 * agrees on the consent page, which redirects to the callback with a code; the callback exchanges the code at
 * `/auth/token/create` and stores the access and refresh tokens encrypted with their expiry. Here the demo plays the
 * seller's browser: it asks the consent page's approve step for the redirect and hands its `code` and `state` to the
 * callback's use case directly (the redirect address is never fetched, so no server needs to be listening on it).
 */
import type { AppContext } from '../app/context';
import { beginAuthorisation, completeAuthorisation } from '../app/shop-authorisation';
import { answerConsent } from '../integrations/aliexpress/fake-consent';
import type { FakeAliExpressServer } from '../integrations/aliexpress/fake-server';
import { DEMO_APP_SECRET, DEMO_SHOP_ID } from './catalogue';

/** Where the dashboard's callback would be; only its form matters to the consent page. */
const DEMO_CALLBACK = 'http://127.0.0.1/marketplace/aliexpress/callback';

export async function connectDemoShop(ctx: AppContext, fake: FakeAliExpressServer, masterKey: Buffer): Promise<void> {
  const app = {
    appKey: fake.appKey,
    appSecret: DEMO_APP_SECRET,
    gatewayUrl: fake.url,
    authUrl: fake.url,
    publicUrl: undefined,
  };
  const started = await beginAuthorisation(ctx, app, {
    shopId: DEMO_SHOP_ID,
    redirectUri: DEMO_CALLBACK,
    actor: 'demo',
    bindToBrowser: false,
  });
  // The seller clicks Authorise on the consent page: the platform answers with the redirect to the callback.
  const back = await answerConsent(started.url);
  await completeAuthorisation(
    ctx,
    { app, masterKey },
    { state: back.state, code: back.code, error: back.error, binding: undefined },
  );
}
