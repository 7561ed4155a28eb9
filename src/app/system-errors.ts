/**
 * The operating system's and SQLite's refusals (a file that is not there, a folder without permission, a full disk,
 * a file that is no database), said in both languages with the file they are about and what to do. Node and
 * better-sqlite3 say them in English only ("ENOENT: no such file or directory, open '…'", "file is not a database");
 * the CLI's error printer and `backup` / `restore` say them through here. Light: nothing but i18n, so the CLI's
 * entry loads it at no cost.
 */
import { localized, type Localized } from '../core/i18n';

interface SystemError {
  code?: unknown;
  path?: unknown;
  dest?: unknown;
  syscall?: unknown;
  address?: unknown;
  port?: unknown;
  hostname?: unknown;
}

/** What a sentence names: the file given, else the one the error carries, else the file or the database. */
function subject(error: SystemError, file: string | undefined, sqlite: boolean): Localized {
  // A rename onto a folder or an existing file is about where it was going.
  const target =
    error.syscall === 'rename' && typeof error.dest === 'string' ? error.dest : (error.path as string | undefined);
  const named = file ?? (typeof target === 'string' ? target : undefined);
  if (named) return localized(named, named);
  return sqlite ? localized('the database', '数据库') : localized('the file', '该文件');
}

function fileSystem(code: string, what: Localized): Localized | undefined {
  const [en, zh] = [what.en, what['zh-CN']];
  switch (code) {
    case 'ENOENT':
      return localized(
        `${en}: no such file or folder. Check the path and try again.`,
        `${zh}：文件或文件夹不存在。请检查路径后重试。`,
      );
    case 'EACCES':
    case 'EPERM':
      return localized(
        `${en}: permission denied. Check the permissions of the file and its folder, then try again.`,
        `${zh}：没有访问权限。请检查该文件及其所在文件夹的权限后重试。`,
      );
    case 'EEXIST':
      return localized(
        `${en} already exists. Choose another name, or move it away first.`,
        `${zh} 已存在。请换一个名称，或先把它移走。`,
      );
    case 'ENOSPC':
    case 'EDQUOT':
      return localized(
        `The disk holding ${en} is full: nothing was written. Free some space and try again.`,
        `${zh} 所在的磁盘已满：未写入任何内容。请释放磁盘空间后重试。`,
      );
    case 'EISDIR':
    case 'ENOTEMPTY':
      return localized(`${en} is a folder: give the path of a file.`, `${zh} 是文件夹：请给出文件的路径。`);
    case 'ENOTDIR':
      return localized(
        `${en}: a part of the path is a file, not a folder. Check the path.`,
        `${zh}：路径中有一部分是文件而不是文件夹。请检查路径。`,
      );
    case 'EROFS':
      return localized(
        `${en} is on a read-only disk: choose a place that can be written.`,
        `${zh} 位于只读磁盘上：请换一个可写入的位置。`,
      );
    case 'EBUSY':
      return localized(
        `${en} is in use by another program. Close it and try again.`,
        `${zh} 正被另一个程序占用。请关闭该程序后重试。`,
      );
    case 'EMFILE':
    case 'ENFILE':
      return localized(
        'Too many files are open on this computer. Close some programs and try again.',
        '本机打开的文件过多。请关闭一些程序后重试。',
      );
    case 'EIO':
      return localized(
        `Reading or writing ${en} failed (a disk error). Check the disk, then try again.`,
        `读写 ${zh} 失败（磁盘错误）。请检查磁盘后重试。`,
      );
    default:
      return undefined;
  }
}

/** SQLite's primary result codes (an extended one, SQLITE_IOERR_READ, is said as its primary, SQLITE_IOERR). */
function sqlite(code: string, what: Localized): Localized | undefined {
  const [en, zh] = [what.en, what['zh-CN']];
  switch (/^SQLITE_[A-Z]+/.exec(code)?.[0]) {
    case 'SQLITE_NOTADB':
      return localized(
        `${en} is not a SQLite database (is it the right file?).`,
        `${zh} 不是数据库文件（是否选错了文件？）。`,
      );
    case 'SQLITE_CORRUPT':
      return localized(
        `${en} is damaged (the database file is corrupt). Use another copy of it, such as a backup.`,
        `${zh} 已损坏（数据库文件损坏）。请改用它的另一份副本，例如备份。`,
      );
    case 'SQLITE_BUSY':
    case 'SQLITE_LOCKED':
      return localized(
        `${en} is busy with another process. Try again in a moment.`,
        `${zh} 正被另一个进程占用。请稍后重试。`,
      );
    case 'SQLITE_CANTOPEN':
      return localized(
        `Cannot open ${en}: check that it and its folder exist and that you may write there.`,
        `无法打开 ${zh}：请确认它及其所在文件夹存在，并且您有写入权限。`,
      );
    case 'SQLITE_READONLY':
    case 'SQLITE_PERM':
    case 'SQLITE_AUTH':
      return localized(
        `${en} can only be read: check the permissions of the file and its folder.`,
        `${zh} 只能读取、不能写入：请检查该文件及其所在文件夹的权限。`,
      );
    case 'SQLITE_FULL':
      return fileSystem('ENOSPC', what);
    case 'SQLITE_IOERR':
      return fileSystem('EIO', what);
    default:
      return undefined;
  }
}

/** A network refusal: the address it is about, as the error names it. */
function network(code: string, error: SystemError): Localized | undefined {
  const where =
    typeof error.hostname === 'string'
      ? error.hostname
      : typeof error.address === 'string'
        ? `${error.address}${typeof error.port === 'number' ? `:${error.port}` : ''}`
        : undefined;
  const at = (en: string, zh: string) => localized(where ? `${en} ${where}` : en, where ? `${zh} ${where}` : zh);
  switch (code) {
    case 'ECONNREFUSED': {
      const w = at('Nothing answers at', '没有服务在监听');
      return localized(
        `${w.en}. Check the address, and that the service there is running.`,
        `${w['zh-CN']}。请检查地址，并确认该服务正在运行。`,
      );
    }
    case 'ENOTFOUND':
    case 'EAI_AGAIN': {
      const w = at('No such host:', '找不到主机');
      return localized(
        `${w.en}. Check the address and the network connection.`,
        `${w['zh-CN']}。请检查地址和网络连接。`,
      );
    }
    case 'ETIMEDOUT':
    case 'ECONNRESET':
    case 'EPIPE':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH': {
      const w = at('The connection failed to', '无法连接到');
      return localized(`${w.en}. Check the network connection and try again.`, `${w['zh-CN']}。请检查网络连接后重试。`);
    }
    default:
      return undefined;
  }
}

/**
 * A file system, SQLite or network error said in both languages (about `file` when given, else the path the error
 * names), or undefined for an error of another kind.
 */
export function systemErrorMessage(thrown: unknown, file?: string): Localized | undefined {
  if (typeof thrown !== 'object' || thrown === null) return undefined;
  const error = thrown as SystemError;
  if (typeof error.code !== 'string') return undefined;
  const code = error.code;
  if (code.startsWith('SQLITE_')) return sqlite(code, subject(error, file, true));
  return fileSystem(code, subject(error, file, false)) ?? network(code, error);
}

/**
 * What a command line prints for an error nobody said in words: a system error in both languages, else the error's
 * own (English) text, which in Chinese is introduced as such.
 */
export function unexpectedError(thrown: unknown): Localized {
  const known = systemErrorMessage(thrown);
  if (known) return known;
  const text = thrown instanceof Error ? thrown.message : String(thrown);
  return localized(text, `出错了（以下是原始错误信息）：${text}`);
}
