// Worker threads do not inherit the parent's TypeScript loader: register tsx, then load the planner thread.
import { register } from 'tsx/esm/api';

register();
await import('./plan-worker.ts');
