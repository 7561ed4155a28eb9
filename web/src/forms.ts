/**
 * What the forms that write through the API share: busy while sending, and the API's refusal kept as the form's
 * error (FieldError shows each issue at its field, ErrorText the rest); anything but a refusal is thrown on. A check
 * made before sending gives its error the same shape, so it shows at its field too.
 */
import { useState } from 'react';
import { ApiError, type Localized } from './api';
import { DICTIONARIES } from './i18n';
import type { MessageKey } from './i18n/en';

export interface ApiForm {
  error: unknown;
  setError: (error: unknown) => void;
  busy: boolean;
  /** Runs `send` with the form busy; a refusal becomes the error (through `refused`, which may say it is about a field). */
  run: (send: () => Promise<void>, refused?: (error: ApiError) => ApiError) => Promise<void>;
  /** Whether the error names `field` (its `aria-invalid`). */
  invalid: (field: string) => boolean;
}

export function useApiForm(): ApiForm {
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const run = async (send: () => Promise<void>, refused = (e: ApiError) => e) => {
    setBusy(true);
    try {
      await send();
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      setError(refused(e));
    } finally {
      setBusy(false);
    }
  };
  const invalid = (field: string) => error instanceof ApiError && error.issuesAt(field).length > 0;
  return { error, setError, busy, run, invalid };
}

/** A refusal made before sending: the dictionary's message, in both languages, at `field`. */
export function clientError(field: string, key: MessageKey): ApiError {
  const messages: Localized = { en: DICTIONARIES.en[key], 'zh-CN': DICTIONARIES['zh-CN'][key] };
  return new ApiError(400, 'client_validation', messages, [{ path: field, message: messages.en, messages }]);
}
