/**
 * exceljs, loaded when a workbook is first read or written: loading it takes about 0.2 s, and most processes (a
 * server start, a command on a CSV file, a test file) never open a workbook.
 */
import type ExcelJS from 'exceljs';

export async function excel(): Promise<typeof ExcelJS> {
  return (await import('exceljs')).default;
}
