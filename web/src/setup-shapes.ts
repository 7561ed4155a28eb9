/** The first run's API shapes (GET /setup), shared by the banner and the checklist: the server's response schema. */
import type { components } from './api-types.gen';

export type SetupStatus = components['schemas']['SetupStatus'];
export type SetupStep = SetupStatus['steps'][number];
export type SetupStepName = SetupStep['step'];
