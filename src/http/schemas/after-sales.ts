/** After delivery (http/routes/after-sales.ts): the receipt (app/receipt.ts), cases (app/after-sales-views.ts), the INR rate. */
import { anyValue, bool, items, list, num, numOrNull, object, orNull, ref, str, strOrNull } from './common';

const localized = ref('Localized');

/** When the order confirms itself (app/receipt.ts ReceiptView). */
const Receipt = object({
  order_id: num,
  status: str,
  receipt_confirmed_at: strOrNull,
  last_shipped_at: strOrNull,
  auto_confirm_at: strOrNull,
  days: numOrNull,
  /** `order`, `fallback`, or null. */
  source: strOrNull,
  zone: strOrNull,
  explanation: orNull(localized),
  extension_days: num,
  open_cases: num,
  as_of: str,
  time_left_ms: numOrNull,
});

/** An after-sales case with its evidence (app/after-sales-views.ts CaseView). */
const Case = object({
  id: num,
  order_id: num,
  platform_order_id: str,
  shop_id: str,
  kind: str,
  label: localized,
  state: str,
  source: str,
  platform_case_id: strOrNull,
  reason: str,
  opened_at: strOrNull,
  respond_by: strOrNull,
  overdue: bool,
  responded_at: strOrNull,
  outcome: strOrNull,
  refunded: orNull(ref('Money')),
  resolved_at: strOrNull,
  evidence: list(
    object({
      id: num,
      kind: str,
      file_path: strOrNull,
      sha256: strOrNull,
      content: anyValue,
      added_at: strOrNull,
      added_by: str,
    }),
  ),
});

const InrRate = object({
  shop_id: str,
  window_days: num,
  inr_cases: num,
  inr_withdrawn: num,
  confirmed_orders: num,
  refund_requested_orders: num,
  rate: numOrNull,
  definition: localized,
});

export const AFTER_SALES_SCHEMAS = { Receipt, Case, InrRate };

export const caseList = items(ref('Case'));
