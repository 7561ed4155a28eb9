/**
 * The policy registry: every version of every policy, and the choice of a policy for an order. No zod here: the
 * read path (an order's deadline, `policy list`) only reads validated policies.
 *
 * - `new PolicyRegistry(policies)`: validated policies (schema.ts `policyRegistryFromDocuments` validates raw
 *   documents first), checking that the versions of an id are distinct and take effect in order.
 * - `registry.select(id, paidAt)`: the newest version whose `effectiveFrom` is at or before `paidAt`;
 *   a newer version never changes the policy of an order paid before it took effect.
 * - `builtInRegistry()` (built-in.ts): the shipped policies, validated by the build.
 * - `ShopPolicyResolver`: a shop's choice (a default policy, optionally one per order type) plus the
 *   shop's overrides per policy id; overrides are validated against every version up front, by the
 *   `applyOverrides` of schema.ts, which the caller passes only when the shop has overrides.
 */
import { localized, type Localized } from '../i18n';
import { compilePolicy } from './compiled';
import { type Policy, type PolicyOverrides, PolicyValidationError } from './policy-types';

export class PolicyLookupError extends Error {
  readonly localized: Localized;
  constructor(message: Localized) {
    super(message.en);
    this.name = 'PolicyLookupError';
    this.localized = message;
  }
}

export class PolicyRegistry {
  /** Versions per policy id, oldest first (validated). */
  private readonly versionsById = new Map<string, Policy[]>();

  constructor(policies: readonly Policy[]) {
    for (const policy of policies) {
      const versions = this.versionsById.get(policy.id) ?? [];
      versions.push(policy);
      this.versionsById.set(policy.id, versions);
    }
    for (const [id, versions] of this.versionsById) checkVersions(id, versions);
  }

  ids(): string[] {
    return [...this.versionsById.keys()].sort();
  }

  versions(id: string): readonly Policy[] {
    return this.versionsById.get(id) ?? [];
  }

  get(id: string, version: number): Policy | undefined {
    return this.versions(id).find((policy) => policy.version === version);
  }

  /** The version in force for an order of policy `id` paid at `paidAt` (epoch ms). */
  select(id: string, paidAt: number): Policy {
    const versions = this.versionsById.get(id);
    if (!versions) {
      throw new PolicyLookupError(localized(`No policy named ${id}.`, `没有名为 ${id} 的策略。`));
    }
    for (let i = versions.length - 1; i >= 0; i--) {
      const policy = versions[i]!;
      if (compilePolicy(policy).effectiveFromMs <= paidAt) return policy;
    }
    const first = versions[0]!;
    throw new PolicyLookupError(
      localized(
        `No version of ${id} was in force at ${new Date(paidAt).toISOString()}; the first took effect ${first.effectiveFrom}.`,
        `${new Date(paidAt).toISOString()} 时没有生效的 ${id} 策略版本；最早版本生效于 ${first.effectiveFrom}。`,
      ),
    );
  }
}

/** Orders versions oldest first and refuses a repeated version or one taking effect no later than the one before. */
function checkVersions(id: string, versions: Policy[]): void {
  versions.sort((a, b) => a.version - b.version);
  for (let i = 1; i < versions.length; i++) {
    const previous = versions[i - 1]!;
    const current = versions[i]!;
    if (current.version === previous.version) {
      throw new PolicyValidationError(
        [
          {
            path: 'version',
            message: localized(
              `version: ${id} has version ${current.version} twice.`,
              `version：${id} 的版本 ${current.version} 出现了两次。`,
            ),
          },
        ],
        'policy registry',
      );
    }
    if (Date.parse(current.effectiveFrom) <= Date.parse(previous.effectiveFrom)) {
      throw new PolicyValidationError(
        [
          {
            path: 'effectiveFrom',
            message: localized(
              `effectiveFrom: ${id} v${current.version} must take effect after v${previous.version}.`,
              `effectiveFrom：${id} v${current.version} 的生效时间须晚于 v${previous.version}。`,
            ),
          },
        ],
        'policy registry',
      );
    }
  }
}

/** Applies a shop's overrides to a policy, re-validated (schema.ts `applyOverrides`). */
export type OverrideApplier = (policy: Policy, overrides: PolicyOverrides) => Policy;

/** A shop's choice of policies: one default, optionally one per order type, and its own overrides. */
export interface ShopPolicyChoice {
  defaultPolicyId: string;
  /** e.g. `{ jit: 'aliexpress_semi_jit', overseas: 'aliexpress_overseas' }`. */
  byOrderType?: Readonly<Record<string, string>>;
  /** Overrides per policy id, applied to every version of it. */
  overrides?: Readonly<Record<string, PolicyOverrides>>;
}

export class ShopPolicyResolver {
  private readonly overridden = new Map<Policy, Policy>();

  constructor(
    private readonly registry: PolicyRegistry,
    private readonly choice: ShopPolicyChoice,
    applyOverrides?: OverrideApplier,
  ) {
    const ids = [
      choice.defaultPolicyId,
      ...Object.values(choice.byOrderType ?? {}),
      ...Object.keys(choice.overrides ?? {}),
    ];
    for (const id of ids) {
      if (registry.versions(id).length === 0) {
        throw new PolicyLookupError(localized(`No policy named ${id}.`, `没有名为 ${id} 的策略。`));
      }
    }
    // Validate every override against every version now, so a bad override fails at configuration time.
    for (const [id, overrides] of Object.entries(choice.overrides ?? {})) {
      if (!applyOverrides) throw new Error('a shop with overrides needs applyOverrides (core/policy/schema.ts)');
      for (const policy of registry.versions(id)) this.overridden.set(policy, applyOverrides(policy, overrides));
    }
  }

  policyIdFor(orderType?: string): string {
    return (orderType !== undefined && this.choice.byOrderType?.[orderType]) || this.choice.defaultPolicyId;
  }

  /** The policy (with the shop's overrides) for an order of `orderType` paid at `paidAt`. */
  forOrder(paidAt: number, orderType?: string): Policy {
    const policy = this.registry.select(this.policyIdFor(orderType), paidAt);
    return this.overridden.get(policy) ?? policy;
  }
}
