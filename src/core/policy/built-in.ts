/**
 * `builtInRegistry()`: the shipped policies (one data file per platform mode in this folder, listed in
 * documents.ts), validated by the build into built-in-policies.generated.ts and read here as data: frozen, never
 * re-parsed, so neither zod nor the documents load on the read path. test/unit/policy.test.ts checks that the
 * generated file is current.
 */
import { BUILT_IN_POLICIES } from './built-in-policies.generated';
import { deepFreeze } from './policy-types';
import { PolicyRegistry } from './registry';

let builtIn: PolicyRegistry | undefined;
export function builtInRegistry(): PolicyRegistry {
  builtIn ??= new PolicyRegistry(deepFreeze(BUILT_IN_POLICIES));
  return builtIn;
}
