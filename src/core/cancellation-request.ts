/**
 * A buyer's request to cancel an order (marketplace-rules §1.5): the seller accepts or refuses it, and a request left
 * unanswered past the policy's answer time (`buyerCancellation.answerHours`, 48 h of elapsed time on AliExpress)
 * cancels the order by the platform's own hand. Pure: the facts and the instant come in.
 */
import type { Policy } from './policy/schema';
import { HOUR_MS } from './time';

const CANCELLATION_ANSWERS = ['accepted', 'refused'] as const;
export type CancellationAnswer = (typeof CANCELLATION_ANSWERS)[number];

/** What is known of the request: when it came, and the seller's answer if any. */
export interface CancellationRequestFacts {
  requestedAt: number;
  answeredAt?: number;
  answer?: CancellationAnswer;
}

/**
 * open: waiting for the seller's answer (until `answerBy`); lapsed: unanswered past `answerBy`, so the platform has
 * cancelled the order; accepted / refused: answered.
 */
export type CancellationRequestState = 'open' | 'lapsed' | CancellationAnswer;

export interface CancellationRequest {
  state: CancellationRequestState;
  requestedAt: number;
  /** The answer is due by this instant; null when the policy knows no answer time (the request never lapses). */
  answerBy: number | null;
  answeredAt: number | null;
}

/** The answer deadline of a request made at `requestedAt`: elapsed hours, so a daylight-saving switch changes nothing. */
export function answerDeadline(policy: Policy, requestedAt: number): number | null {
  const rule = policy.buyerCancellation;
  return rule === null ? null : requestedAt + rule.answerHours * HOUR_MS;
}

/** The request as of `at`. An answer given after the answer time came too late: the request had already lapsed. */
export function cancellationRequestOf(
  request: CancellationRequestFacts,
  policy: Policy,
  at: number,
): CancellationRequest {
  const answerBy = answerDeadline(policy, request.requestedAt);
  const answered = request.answer !== undefined && request.answeredAt !== undefined && request.answeredAt <= at;
  let state: CancellationRequestState;
  if (answered && (answerBy === null || request.answeredAt! <= answerBy)) state = request.answer!;
  else state = answerBy !== null && at > answerBy ? 'lapsed' : 'open';
  return { state, requestedAt: request.requestedAt, answerBy, answeredAt: answered ? request.answeredAt! : null };
}

/** The policy rests the answer time on an assumption (its note starts with ASSUMPTION). */
export function answerTimeIsAssumed(policy: Policy): boolean {
  return policy.buyerCancellation !== null && /^\s*ASSUMPTION\b/i.test(policy.buyerCancellation.note);
}
