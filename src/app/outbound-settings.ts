/**
 * Checks a URL a seller configures (alert webhook, carrier account, tracking provider) when it is saved, so a URL the
 * outgoing-request guard (integrations/outbound.ts) would refuse is a 400 naming the field at once, not a silent
 * failure later: the scheme, a literal address in any spelling, and the addresses the host name resolves to now.
 * The guard checks again at every connection (the name may resolve elsewhere later); this is for the seller's sake.
 */
import dns from 'node:dns/promises';
import { allowList, checkOutboundUrl, OutboundRefusedError, refusedAddress } from '../integrations/outbound';
import { classifyAddress, isAllowed } from '../integrations/outbound-address';
import type { ImportIssue } from '../core/order-input';
import { ValidationError } from './errors';

export async function outboundUrlOrIssue(text: string, field: string, row = 0): Promise<URL> {
  let url: URL;
  try {
    url = checkOutboundUrl(text, field);
  } catch (error) {
    if (error instanceof OutboundRefusedError)
      throw new ValidationError([{ row, field, message: error.localizedMessage }]);
    throw error;
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
  if (classifyAddress(host) !== undefined || isAllowed(allowList(), host, port)) return url;
  let addresses: Array<{ address: string }> = [];
  try {
    addresses = await dns.lookup(host, { all: true });
  } catch {
    return url; // not resolvable now (offline, a name not yet published): the guard judges it when it connects
  }
  for (const { address } of addresses) {
    const kind = classifyAddress(address);
    if (kind && kind !== 'public' && !isAllowed(allowList(), address, port)) {
      throw new ValidationError([
        { row, field, message: refusedAddress(field, kind, `${address} (${host})`).localizedMessage },
      ]);
    }
  }
  return url;
}

/** The same check as a list of issues (empty when the URL may be used), for forms that gather every issue first. */
export async function outboundUrlIssues(text: string, field: string, row = 0): Promise<ImportIssue[]> {
  try {
    await outboundUrlOrIssue(text, field, row);
    return [];
  } catch (error) {
    if (error instanceof ValidationError) return error.issues;
    throw error;
  }
}
