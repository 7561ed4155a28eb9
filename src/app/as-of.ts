/**
 * Read views "as of" another instant (`--at` on the CLI, `at=` on the API): the same use case with its clock set to
 * that instant. Only reads take it; nothing is written at a pretended time.
 */
import { localized } from '../core/i18n';
import { parseInstant } from '../core/time';
import type { AppContext } from './context';
import { ValidationError } from './errors';

/** Parses an ISO 8601 instant (with Z or an offset); a bad one is a ValidationError naming `field`. */
export function parseAsOf(text: string, field: string): number {
  const at = parseInstant(text);
  if (at === undefined) {
    throw new ValidationError([
      {
        row: 0,
        field,
        message: localized(
          `${field} "${text}" is not a time: give an ISO 8601 time with Z or an offset, e.g. 2026-11-20T10:00:00Z.`,
          `${field}「${text}」不是有效时间：请使用带 Z 或时差的 ISO 8601 时间，例如 2026-11-20T10:00:00Z。`,
        ),
      },
    ]);
  }
  return at;
}

/** `ctx` with its clock at `at` (unchanged when `at` is undefined). */
export function contextAt(ctx: AppContext, at: number | undefined): AppContext {
  return at === undefined ? ctx : { ...ctx, now: () => at };
}

/** `ctx` with its clock at the instant `text` names (`at=` of a read route); a bad one is a ValidationError on `field`. */
export function contextAsOf(ctx: AppContext, text: string | undefined, field = 'at'): AppContext {
  return contextAt(ctx, text === undefined ? undefined : parseAsOf(text, field));
}
