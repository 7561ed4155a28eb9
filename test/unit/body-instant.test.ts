/** A body's time field: an instant when it has a zone or offset, absent when absent, else a 400 naming the field. */
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/app/errors';
import { bodyInstant } from '../../src/http/input-guards';

describe('bodyInstant', () => {
  it('reads a time with Z or an offset, and passes an absent field through', () => {
    expect(bodyInstant('at', '2026-12-07T10:00:00Z')).toBe(Date.parse('2026-12-07T10:00:00Z'));
    expect(bodyInstant('at', '2026-12-07T18:00:00+08:00')).toBe(Date.parse('2026-12-07T10:00:00Z'));
    expect(bodyInstant('at', undefined)).toBeUndefined();
  });

  it('refuses a text that is not such a time, naming the field in both languages', () => {
    let thrown: unknown;
    try {
      bodyInstant('agreed_at', 'tomorrow');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ValidationError);
    const [issue] = (thrown as ValidationError).issues;
    expect(issue).toMatchObject({ row: 0, field: 'agreed_at' });
    expect(issue!.message.en).toBe('agreed_at "tomorrow" is not a time with a zone or offset.');
    expect(issue!.message['zh-CN']).toBe('agreed_at「tomorrow」不是带时区或偏移量的时间。');
  });
});
