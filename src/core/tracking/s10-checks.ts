/**
 * The UPU S10 checks of a tracking number (marketplace-rules.md §4.1), split out of number-check.ts:
 *   - `s10ShapeProblem(number)`: a number shaped like S10 (two letters, digits, a UPU country code) whose digits are
 *     not the 8-digit serial plus the check digit is a mistyped S10, INVALID (not "unrecognised");
 *   - `s10Checks(parts, options)`: check digit, service indicator, country of a number read as S10.
 */
import { localized, type Localized } from '../i18n';
import { isIsoCountry, s10PostFor } from './countries';
import type { TrackingCheck, TrackingCheckOptions } from './check-types';
import { classifyS10Indicator, s10CheckDigit, type S10Parts } from './s10';

const S10_LIKE = /^([A-Z]{2})(\d+)([A-Z]{2})$/;

/**
 * Why `number` (normalised) is a malformed S10, or undefined when it is not S10-shaped or has the right length.
 * `RA20001400TR` → "S10 needs 8 digits and a check digit (9 in all), this has 8".
 */
export function s10ShapeProblem(number: string): Localized | undefined {
  const match = S10_LIKE.exec(number);
  if (!match) return undefined;
  const [, indicator, digits, country] = match as unknown as [string, string, string, string];
  if (digits.length === 9) return undefined;
  if (!s10PostFor(country) && !isIsoCountry(country)) return undefined;
  const count = digits.length;
  const what = count < 9 ? 'a digit is missing' : 'a digit too many';
  const whatZh = count < 9 ? '少了数字' : '多了数字';
  return localized(
    `Shaped like a UPU S10 number (${indicator}…${country}), but S10 needs 8 digits and a check digit (9 in all), this has ${count}: ${what}. Copy the number again from the label.`,
    `形如万国邮联 S10 单号（${indicator}…${country}），但 S10 应有 8 位序号加 1 位校验位（共 9 位数字），此单号有 ${count} 位数字：${whatZh}。请从面单上重新抄录单号。`,
  );
}

export function s10Checks(parts: S10Parts, options: TrackingCheckOptions): TrackingCheck[] {
  const checks: TrackingCheck[] = [];
  const expected = s10CheckDigit(parts.serial);
  checks.push(
    expected === parts.checkDigit
      ? {
          id: 's10-check-digit',
          result: 'pass',
          message: localized(`Check digit ${parts.checkDigit} is correct.`, `校验位 ${parts.checkDigit} 正确。`),
        }
      : {
          id: 's10-check-digit',
          result: 'fail',
          message: localized(
            `Check digit is ${parts.checkDigit} but serial ${parts.serial} requires ${expected}: mistyped or invented number.`,
            `校验位为 ${parts.checkDigit}，而序号 ${parts.serial} 对应的校验位应为 ${expected}：单号输错或为编造。`,
          ),
        },
  );

  const info = classifyS10Indicator(parts.indicator);
  const serviceLetters = options.service?.s10IndicatorFirstLetters;
  const serviceName = options.service?.name ?? localized(options.service?.code ?? '', options.service?.code ?? '');
  if (info.kind === 'reserved') {
    checks.push({
      id: 's10-service-indicator',
      result: 'fail',
      message: localized(
        `Service indicator ${parts.indicator} is reserved by the UPU and never issued.`,
        `业务代码 ${parts.indicator} 为万国邮联保留代码，从不签发。`,
      ),
    });
  } else if (serviceLetters && !serviceLetters.includes(parts.indicator[0]!)) {
    checks.push({
      id: 's10-service-indicator',
      result: 'fail',
      message: localized(
        `${parts.indicator} is ${info.label.en}, but the declared service ${serviceName.en} issues ${[...serviceLetters].map((l) => l + '…').join(' / ')} numbers: wrong logistics method.`,
        `${parts.indicator} 表示${info.label['zh-CN']}，而申报的物流服务 ${serviceName['zh-CN']} 使用 ${[...serviceLetters].map((l) => l + '…').join(' / ')} 开头的单号：物流方式不符。`,
      ),
    });
  } else if (info.kind === 'domestic') {
    const abroad = options.country !== undefined && options.country !== parts.country;
    checks.push({
      id: 's10-service-indicator',
      result: 'warn',
      message: abroad
        ? localized(
            `${parts.indicator} is for domestic/bilateral use in ${parts.country}, but the order goes to ${options.country}: check it is not a domestic parcel's number.`,
            `${parts.indicator} 仅用于 ${parts.country} 国内或双边邮件，而订单寄往 ${options.country}：请确认不是国内包裹的单号。`,
          )
        : localized(
            `${parts.indicator} is a domestic/bilateral service indicator: normal only for a last-mile number in the destination country.`,
            `${parts.indicator} 是国内或双边业务代码：仅在目的国尾程单号中属正常情况。`,
          ),
    });
  } else if (info.kind === 'unassigned') {
    checks.push({
      id: 's10-service-indicator',
      result: 'warn',
      message: localized(
        `${parts.indicator} is not a service indicator in the UPU allocation we know.`,
        `${parts.indicator} 不在已知的万国邮联业务代码分配表中。`,
      ),
    });
  } else {
    checks.push({
      id: 's10-service-indicator',
      result: 'pass',
      message: localized(`${parts.indicator}: ${info.label.en}.`, `${parts.indicator}：${info.label['zh-CN']}。`),
    });
  }

  const post = s10PostFor(parts.country);
  if (post) {
    checks.push({
      id: 's10-country',
      result: 'pass',
      message: localized(`Issued by ${post.post} (${post.countryName}).`, `由 ${post.post}（${parts.country}）签发。`),
    });
  } else if (isIsoCountry(parts.country)) {
    checks.push({
      id: 's10-country',
      result: 'warn',
      message: localized(
        `${parts.country} is an ISO country, but no S10-issuing post for it is on file.`,
        `${parts.country} 是 ISO 国家代码，但系统中没有该地区签发 S10 单号的邮政记录。`,
      ),
    });
  } else {
    checks.push({
      id: 's10-country',
      result: 'fail',
      message: localized(
        `${parts.country} is not a country code: an S10 number ends with the issuing post's ISO country.`,
        `${parts.country} 不是国家代码：S10 单号以签发邮政的 ISO 国家代码结尾。`,
      ),
    });
  }
  return checks;
}
