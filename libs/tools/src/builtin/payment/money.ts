import { z } from 'zod';

/** ISO 4217 currencies whose minor unit is not the cent (everything else has 2 decimals). */
const DECIMALS: Readonly<Record<string, number>> = {
  BIF: 0,
  CLP: 0,
  DJF: 0,
  GNF: 0,
  ISK: 0,
  JPY: 0,
  KMF: 0,
  KRW: 0,
  PYG: 0,
  RWF: 0,
  UGX: 0,
  VND: 0,
  VUV: 0,
  XAF: 0,
  XOF: 0,
  XPF: 0,
  BHD: 3,
  IQD: 3,
  JOD: 3,
  KWD: 3,
  LYD: 3,
  OMR: 3,
  TND: 3,
};

export const CurrencySchema = z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as EUR');

/** An amount as people write it: `12.5`, `"12.50"`. Converted to integer minor units before any use. */
export const AmountSchema = z.union([z.number().positive(), z.string().regex(/^\d+(\.\d+)?$/)]);

export function decimalsOf(currency: string): number {
  return DECIMALS[currency] ?? 2;
}

/** `"12.50" EUR` → `1250`; `null` if the amount has more decimals than the currency or is not finite. */
export function toMinorUnits(amount: number | string, currency: string): number | null {
  const text = typeof amount === 'number' ? String(amount) : amount.trim();
  const match = /^(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) return null;
  const decimals = decimalsOf(currency);
  const fraction = match[2] ?? '';
  if (fraction.replace(/0+$/, '').length > decimals) return null;
  const minor = Number(match[1]) * 10 ** decimals + Number(fraction.padEnd(decimals, '0').slice(0, decimals) || '0');
  return Number.isSafeInteger(minor) ? minor : null;
}

/** `1250` EUR → `"12.50"`. */
export function formatMinorUnits(minor: number, currency: string): string {
  const decimals = decimalsOf(currency);
  if (decimals === 0) return String(minor);
  const text = String(Math.abs(minor)).padStart(decimals + 1, '0');
  return `${minor < 0 ? '-' : ''}${text.slice(0, -decimals)}.${text.slice(-decimals)}`;
}
