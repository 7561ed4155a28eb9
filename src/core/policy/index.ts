/** Platform policies: schema, shipped data, registry. See schema.ts and registry.ts for the API. */
export * from './schema';
export * from './registry';
export { builtInRegistry } from './built-in';
export { BUILT_IN_POLICY_DOCUMENTS } from './documents';
export { compilePolicy, HOUR_MS, DAY_MS, type CompiledPolicy } from './compiled';
export { zoneClock } from '../zone-clock';
