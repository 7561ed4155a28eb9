/**
 * A pack session's moves (core/pack-station.ts `packSessionMachine`): its row locked, each move decided by the
 * machine (a refusal says why, in the station's words), written at the row's version (a session changed meanwhile is
 * a 409 to scan again), then its declared after-hooks (pack-session-hooks.ts). The scan (pack-scan.ts), the weighing
 * (pack-weighing.ts) and the session's start and end (pack-sessions.ts) move it only through here.
 */
import { localized, type Localized } from '../core/i18n';
import { packSessionMachine, type PackSessionAction, type PackSessionState } from '../core/pack-station';
import { decide } from '../core/state-machine';
import type { Executor } from '../store/orders';
import * as packSessions from '../store/pack-sessions';
import type { PackSessionRow } from '../store/schema-packing';
import type { AppContext } from './context';
import { ConflictError, NotFoundError } from './errors';
import { afterPackSessionTransition, type PackSessionHookContext } from './pack-session-hooks';

export async function lockSession(ctx: AppContext, trx: Executor, id: number): Promise<PackSessionRow> {
  const session = await packSessions.getSession(trx, id, ctx.store.dialect === 'postgres');
  if (!session) throw new NotFoundError(localized(`pack session ${id} not found.`, `未找到打包会话 ${id}。`));
  return session;
}

/** The session's move by `action`, decided by its machine; refused (409 `pack.session_state`) with why, else the new state. */
export function decideSession(session: PackSessionRow, action: PackSessionAction, doing: Localized): PackSessionState {
  const decision = decide(packSessionMachine, session.status as PackSessionState, action, {});
  if (decision.ok) return decision.to;
  const why: Record<string, Localized> = {
    scanning: localized('items are still being scanned', '商品仍在扫描中'),
    weighing: localized('the packed parcel must be weighed first', '已装好的包裹需要先称重'),
    held: localized(
      'the parcel is held for a weight check: re-weigh it or accept it with a reason',
      '包裹因重量异常暂停：请重新称重或填写理由放行',
    ),
    done: localized('the session is finished', '会话已完成'),
    cancelled: localized('the session was cancelled', '会话已取消'),
  };
  const reason = why[session.status] ?? localized(session.status, session.status);
  throw new ConflictError(
    'pack.session_state',
    localized(`Cannot ${doing.en} now: ${reason.en}.`, `现在不能${doing['zh-CN']}：${reason['zh-CN']}。`),
    session.status,
  );
}

/** What each move is, in the refusal's words. */
export const DOING: Record<PackSessionAction, Localized> = {
  scan: localized('scan items', '扫描商品'),
  pack_parcel: localized('scan items', '扫描商品'),
  hold: localized('weigh a parcel', '称重'),
  next_parcel: localized('weigh a parcel', '称重'),
  finish: localized('weigh a parcel', '称重'),
  cancel: localized('cancel the session', '取消会话'),
};

/** Writes the session at its version, moved by `action` (decided by the machine: the one place its state changes). */
/** Its declared after-hooks (pack-session-hooks.ts) then run, their events pushed to `hooks.events`. */
export async function moveSession(
  trx: Executor,
  session: PackSessionRow,
  action: PackSessionAction,
  changes: Partial<Omit<PackSessionRow, 'id' | 'version' | 'status'>>,
  hooks?: PackSessionHookContext,
): Promise<PackSessionRow> {
  const moved = await saveSession(trx, session, { ...changes, status: decideSession(session, action, DOING[action]) });
  for (const hook of afterPackSessionTransition[action]) {
    if (!hooks) throw new Error(`pack session: the ${action} move runs hooks and needs their context`);
    await hook.run(trx, moved, hooks);
  }
  return moved;
}

async function saveSession(
  trx: Executor,
  session: PackSessionRow,
  changes: Partial<Omit<PackSessionRow, 'id' | 'version'>>,
): Promise<PackSessionRow> {
  if (!(await packSessions.updateSession(trx, session.id, session.version, changes))) {
    throw new ConflictError(
      'pack.session_changed',
      localized(
        'the session changed meanwhile (another scan?): scan again.',
        '会话已被修改（另一次扫描？）：请重新扫描。',
      ),
      session.status,
    );
  }
  return { ...session, ...changes, version: session.version + 1 };
}
