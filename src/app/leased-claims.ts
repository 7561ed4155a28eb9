/**
 * A claim from a leased queue (store/leased-queue.ts) for this process, in its own transaction: leases held by
 * processes gone from this host (store/leases.ts `ownerIsGone`) are free at once, not when they run out. Returns the
 * owner the rows are leased to, which alone may settle them.
 */
import type { ClaimOptions, Claimed, LeasedQueue } from '../store/leased-queue';
import { ownerIsGone, processOwnerId } from '../store/leases';
import { inRetriedTransaction } from '../store/transaction-retry';
import type { AppContext } from './context';

export async function claimForThisProcess<Row>(
  ctx: AppContext,
  queue: LeasedQueue<Row>,
  request: Pick<ClaimOptions, 'now' | 'limit' | 'leaseMs' | 'where'>,
): Promise<{ owner: string; claimed: Array<Claimed<Row>> }> {
  const db = ctx.store.db;
  const owner = processOwnerId();
  const goneOwners = (await queue.holders(db, request.now)).filter(ownerIsGone);
  const claimed = await inRetriedTransaction(db, (trx) =>
    queue.claim(trx, { ...request, dialect: ctx.store.dialect, owner, goneOwners }),
  );
  return { owner, claimed };
}
