/** A planner thread of the pool (app/plan-pool.ts): plans each task it is sent and posts back the outcome. */
import { parentPort } from 'node:worker_threads';
import { runPlanTask, type PlanOutcome, type PlanTask } from './plan-compute';

export type PlanThreadReply = { id: number; outcome: PlanOutcome } | { id: number; error: string };

parentPort?.on('message', (message: { id: number; task: PlanTask }) => {
  let reply: PlanThreadReply;
  try {
    reply = { id: message.id, outcome: runPlanTask(message.task) };
  } catch (error) {
    reply = { id: message.id, error: error instanceof Error ? error.message : String(error) };
  }
  parentPort!.postMessage(reply);
});
