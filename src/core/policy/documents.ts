/**
 * The shipped policy documents, as written (one data file per platform mode). Read only to validate them: the build
 * writes them validated to built-in-policies.generated.ts (`builtInPoliciesModule` in schema.ts), which is what the
 * registry serves.
 */
import { aliexpressFullJit } from './aliexpress-full-jit';
import { aliexpressOverseas } from './aliexpress-overseas';
import { aliexpressPop } from './aliexpress-pop';
import { aliexpressSemiJit } from './aliexpress-semi-jit';
import { aliexpressSemiSelfSend } from './aliexpress-semi-self-send';
import { amazonSellerFulfilled } from './amazon-seller-fulfilled';
import { shopee } from './shopee';
import { temu } from './temu';
import { tiktokShopV1, tiktokShopV2 } from './tiktok-shop';

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
