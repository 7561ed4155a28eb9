/**
 * The operating system's and SQLite's refusals in both languages (app/system-errors.ts): each names the file and
 * says what to do, with no English left in the Chinese; the CLI's error printer says them in the seller's language.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { systemErrorMessage, unexpectedError } from '../../src/app/system-errors';
import { reportError } from '../../src/cli/support';
import { englishWords } from '../support/english-words';

const FILE = '/srv/shipby/backup.db';

/** An error as Node's file system throws it. */
function fsError(code: string, more: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(`${code}: something, open '${FILE}'`), { code, path: FILE, syscall: 'open', ...more });
}

describe('system errors in both languages', () => {
  it.each([
    ['ENOENT', 'no such file or folder', '不存在'],
    ['EACCES', 'permission denied', '没有访问权限'],
    ['EPERM', 'permission denied', '没有访问权限'],
    ['EEXIST', 'already exists', '已存在'],
    ['ENOSPC', 'is full', '磁盘已满'],
    ['EISDIR', 'is a folder', '是文件夹'],
    ['ENOTDIR', 'not a folder', '不是文件夹'],
    ['EROFS', 'read-only disk', '只读磁盘'],
    ['EBUSY', 'in use by another program', '另一个程序占用'],
  ])('%s names the file and what to do', (code, en, zh) => {
    const said = systemErrorMessage(fsError(code))!;
    expect(said.en).toContain(FILE);
    expect(said.en).toContain(en);
    expect(said['zh-CN']).toContain(FILE);
    expect(said['zh-CN']).toContain(zh);
    expect(said['zh-CN']).toMatch(/请/); // what to do
    expect(englishWords(said['zh-CN'], [FILE])).toEqual([]);
  });

  it.each([
    ['SQLITE_NOTADB', 'is not a SQLite database', '不是数据库文件'],
    ['SQLITE_CORRUPT', 'is damaged', '已损坏'],
    ['SQLITE_CORRUPT_VTAB', 'is damaged', '已损坏'],
    ['SQLITE_BUSY', 'busy with another process', '另一个进程占用'],
    ['SQLITE_CANTOPEN', 'Cannot open', '无法打开'],
    ['SQLITE_CANTOPEN_ISDIR', 'Cannot open', '无法打开'],
    ['SQLITE_READONLY', 'can only be read', '只能读取'],
    ['SQLITE_FULL', 'is full', '磁盘已满'],
    ['SQLITE_IOERR_READ', 'a disk error', '磁盘错误'],
  ])('SQLite %s names the file given and what to do', (code, en, zh) => {
    const error = Object.assign(new Error('file is not a database'), { code });
    const said = systemErrorMessage(error, FILE)!;
    expect(said.en).toContain(en);
    expect(said.en).toContain(FILE);
    expect(said['zh-CN']).toContain(zh);
    expect(said['zh-CN']).toContain(FILE);
    expect(englishWords(said['zh-CN'], [FILE])).toEqual([]);
    // Without a file, SQLite's errors are about the database.
    expect(systemErrorMessage(error)!['zh-CN']).toContain('数据库');
  });

  it('a rename is about where it was going; a network error about the address', () => {
    const rename = fsError('EISDIR', { syscall: 'rename', path: '/tmp/x.partial', dest: '/srv/shipby' });
    expect(systemErrorMessage(rename)).toEqual({
      en: '/srv/shipby is a folder: give the path of a file.',
      'zh-CN': '/srv/shipby 是文件夹：请给出文件的路径。',
    });
    const refused = Object.assign(new Error('connect ECONNREFUSED'), {
      code: 'ECONNREFUSED',
      address: '127.0.0.1',
      port: 9,
    });
    expect(systemErrorMessage(refused)).toEqual({
      en: 'Nothing answers at 127.0.0.1:9. Check the address, and that the service there is running.',
      'zh-CN': '没有服务在监听 127.0.0.1:9。请检查地址，并确认该服务正在运行。',
    });
    const unknownHost = Object.assign(new Error('getaddrinfo ENOTFOUND'), {
      code: 'ENOTFOUND',
      hostname: 'ae.example',
    });
    expect(systemErrorMessage(unknownHost)!['zh-CN']).toBe('找不到主机 ae.example。请检查地址和网络连接。');
  });

  it('leaves other errors alone, and says an unknown one as it is, introduced in Chinese', () => {
    expect(systemErrorMessage(new Error('boom'))).toBeUndefined();
    expect(systemErrorMessage(Object.assign(new Error('x'), { code: 'ERR_SOMETHING_ELSE' }))).toBeUndefined();
    expect(systemErrorMessage('ENOENT')).toBeUndefined();
    expect(unexpectedError(new Error('boom'))).toEqual({ en: 'boom', 'zh-CN': '出错了（以下是原始错误信息）：boom' });
  });
});

describe("the CLI's error printer", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
    process.exitCode = undefined;
  });

  function printed(lang: string, error: unknown): string {
    vi.stubEnv('SHIPBY_LANG', lang);
    const lines: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((line: string) => void lines.push(line));
    reportError(error);
    return lines.join('\n');
  }

  it("says a file system error in the seller's language, naming the file, even a full disk", () => {
    expect(printed('zh-CN', fsError('ENOENT'))).toBe(`${FILE}：文件或文件夹不存在。请检查路径后重试。`);
    expect(process.exitCode).toBe(1);
    expect(printed('en', fsError('ENOENT'))).toBe(`${FILE}: no such file or folder. Check the path and try again.`);
    // A file's full disk is the file's, not the database's.
    expect(printed('zh-CN', fsError('ENOSPC'))).toBe(`${FILE} 所在的磁盘已满：未写入任何内容。请释放磁盘空间后重试。`);
  });

  it("keeps an unknown error's own text in English, and introduces it in Chinese", () => {
    expect(printed('en', new Error('boom'))).toBe('boom');
    expect(printed('zh-CN', new Error('boom'))).toBe('出错了（以下是原始错误信息）：boom');
  });
});
