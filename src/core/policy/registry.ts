/**
 * The policy registry: every version of every policy, and the choice of a policy for an order.
 *
 * - `PolicyRegistry.fromDocuments(docs)`: validates every document (refusing with the bad field's path).
 * - `registry.select(id, paidAt)`: the newest version whose `effectiveFrom` is at or before `paidAt`;
 *   a newer version never changes the policy of an order paid before it took effect.
 * - `PolicyRegistry.lazy(docs)`: the same, validating a policy id's documents when that id is first asked for.
 * - `builtInRegistry()`: the shipped policies (one data file per platform mode in this folder), lazily validated.
 * - `ShopPolicyResolver`: a shop's choice (a default policy, optionally one per order type) plus the
 *   shop's overrides per policy id; overrides are validated against every version up front.
 */
import { localized, type Localized } from '../i18n';
import { applyOverrides, parsePolicy, PolicyValidationError, type Policy, type PolicyOverrides } from './schema';
import { compilePolicy } from './compiled';
import { aliexpressPop } from './aliexpress-pop';
import { aliexpressSemiJit } from './aliexpress-semi-jit';
import { aliexpressSemiSelfSend } from './aliexpress-semi-self-send';
import { aliexpressFullJit } from './aliexpress-full-jit';
import { aliexpressOverseas } from './aliexpress-overseas';
import { amazonSellerFulfilled } from './amazon-seller-fulfilled';
import { shopee } from './shopee';
import { tiktokShopV1, tiktokShopV2 } from './tiktok-shop';
import { temu } from './temu';

export const BUILT_IN_POLICY_DOCUMENTS: readonly unknown[] = [
  aliexpressPop,
  aliexpressSemiJit,
  aliexpressSemiSelfSend,
  aliexpressFullJit,
  aliexpressOverseas,
  amazonSellerFulfilled,
  shopee,
  tiktokShopV1,
  tiktokShopV2,
  temu,
];

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
  /** Documents not validated yet, per the id they name (`PolicyRegistry.lazy`): validated on first use of the id. */
  private readonly pendingById = new Map<string, unknown[]>();

  constructor(policies: readonly Policy[]) {
    for (const policy of policies) {
      const versions = this.versionsById.get(policy.id) ?? [];
      versions.push(policy);
      this.versionsById.set(policy.id, versions);
    }
    for (const [id, versions] of this.versionsById) checkVersions(id, versions);
  }

  /** Validates raw documents (e.g. loaded from JSON) and builds a registry. */
  static fromDocuments(documents: readonly unknown[]): PolicyRegistry {
    return new PolicyRegistry(documents.map((document) => parsePolicy(document)));
  }

  /**
   * A registry that validates the documents of a policy id the first time that id is asked for (`versions`,
   * `get`, `select`), so a command that uses one policy does not validate and compile them all. The same
   * checks and errors as `fromDocuments`, only later; a document without a string `id` is validated at once.
   */
  static lazy(documents: readonly unknown[]): PolicyRegistry {
    const registry = new PolicyRegistry([]);
    for (const document of documents) {
      const id = (document as { id?: unknown } | null)?.id;
      const key = typeof id === 'string' ? id : parsePolicy(document).id;
      const pending = registry.pendingById.get(key) ?? [];
      pending.push(document);
      registry.pendingById.set(key, pending);
    }
    return registry;
  }

  private validated(id: string): Policy[] | undefined {
    const pending = this.pendingById.get(id);
    if (pending) {
      const versions = pending.map((document) => parsePolicy(document));
      checkVersions(id, versions);
      this.versionsById.set(id, versions);
      this.pendingById.delete(id);
    }
    return this.versionsById.get(id);
  }

  ids(): string[] {
    return [...new Set([...this.versionsById.keys(), ...this.pendingById.keys()])].sort();
  }

  versions(id: string): readonly Policy[] {
    return this.validated(id) ?? [];
  }

  get(id: string, version: number): Policy | undefined {
    return this.versions(id).find((policy) => policy.version === version);
  }

  /** The version in force for an order of policy `id` paid at `paidAt` (epoch ms). */
  select(id: string, paidAt: number): Policy {
    const versions = this.validated(id);
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
        [{ path: 'version', message: `${id} has version ${current.version} twice` }],
        'policy registry',
      );
    }
    if (Date.parse(current.effectiveFrom) <= Date.parse(previous.effectiveFrom)) {
      throw new PolicyValidationError(
        [{ path: 'effectiveFrom', message: `${id} v${current.version} must take effect after v${previous.version}` }],
        'policy registry',
      );
    }
  }
}

/** The shipped policies, each validated on first use (`PolicyRegistry.lazy`); test/unit tests validate them all. */
let builtIn: PolicyRegistry | undefined;
export function builtInRegistry(): PolicyRegistry {
  builtIn ??= PolicyRegistry.lazy(BUILT_IN_POLICY_DOCUMENTS);
  return builtIn;
}

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
