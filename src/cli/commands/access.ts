/**
 * Accounts and access from the shell (issue 10): accounts, shops, users and their roles, passwords, one-time
 * sign-in links and API keys. Passwords and keys are printed once and stored only as hashes.
 */
import type { Command } from 'commander';
import {
  addShop,
  addUser,
  assignWarehouse,
  createAccount,
  createApiKey,
  createSignInLink,
  DEFAULT_ACCOUNT_ID,
  grantRole,
  listApiKeys,
  listUsers,
  parseRole,
  resetPassword,
  revokeApiKey,
} from '../../app/accounts';
import type { Role } from '../../core/access';
import { localized } from '../../core/i18n';
import { toIso } from '../../core/time';
import { codeZh } from '../words';
import { action, printTable, say, withApp } from '../support';

/** `shop:role` pairs, e.g. `--shop ae-1:manager --shop ae-2:viewer`. */
function shopRoles(values: string[]): Array<{ shopId: string; role: Role }> {
  return values.map((value) => {
    const [shopId, role] = value.split(':');
    return { shopId: shopId!, role: parseRole(role ?? '', `--shop ${value}`) };
  });
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

const collect = (value: string, previous: string[]) => [...previous, value];

export function signInUrl(baseUrl: string, token: string): string {
  return `${baseUrl.replace(/\/$/, '')}/auth/link?token=${token}`;
}

export function register(program: Command): void {
  const account = program.command('account').description('Accounts: who owns which shops and warehouses');
  accountCommands(account);
  const user = program.command('user').description('Users, their roles per shop, passwords and sign-in links');
  userCommands(user);
  userSignInCommands(user);
  userListCommand(user);
  const key = program
    .command('key')
    .description('API keys for machines: scoped to shops and a role, shown once, stored hashed, revocable');
  keyCommands(key);
}

/** `account add|shop|warehouse`: an account, and the shops and warehouses it owns. */
function accountCommands(account: Command): void {
  account
    .command('add')
    .description('Create an account')
    .argument('<id>', 'account id')
    .argument('[name]', 'display name (default: the id)')
    .action(
      action(async (id: string, name: string | undefined) =>
        withApp(async (ctx) => {
          await createAccount(ctx, id, name ?? id);
          console.log(say(localized(`Account ${id} created.`, `已创建账户 ${id}。`)));
        }),
      ),
    );
  account
    .command('shop')
    .description('Create a shop in an account')
    .argument('<shop>', 'shop id')
    .requiredOption('--account <account>', 'the account that owns it')
    .option('--name <name>', 'display name')
    .option('--platform <platform>', 'marketplace', 'aliexpress')
    .action(
      action(async (shop: string, o: { account: string; name?: string; platform: string }) =>
        withApp(async (ctx) => {
          await addShop(ctx, {
            id: shop,
            accountId: o.account,
            platform: o.platform,
            ...(o.name ? { name: o.name } : {}),
          });
          console.log(
            say(
              localized(`Shop ${shop} created in account ${o.account}.`, `已在账户 ${o.account} 中创建店铺 ${shop}。`),
            ),
          );
        }),
      ),
    );
  account
    .command('warehouse')
    .description('Give a warehouse (its stock and purchase orders) to an account')
    .argument('<warehouse>', 'warehouse id')
    .requiredOption('--account <account>', 'the account that owns it')
    .action(
      action(async (warehouse: string, o: { account: string }) =>
        withApp(async (ctx) => {
          await assignWarehouse(ctx, warehouse, o.account);
          console.log(
            say(
              localized(
                `Warehouse ${warehouse} now belongs to account ${o.account}.`,
                `仓库 ${warehouse} 现属于账户 ${o.account}。`,
              ),
            ),
          );
        }),
      ),
    );
}

/** `user add|grant`: a user with roles per shop, and a role granted. */
function userCommands(user: Command): void {
  user
    .command('add')
    .description(
      'Add a user: owner of the whole account (--owner) or with roles per shop (--shop SHOP:ROLE, roles owner|manager|packer|viewer). Prints a generated password once unless --password-stdin',
    )
    .argument('<email>', "the user's e-mail, which they sign in with")
    .option('--name <name>', 'display name')
    .option('--account <account>', 'account', DEFAULT_ACCOUNT_ID)
    .option('--owner', 'owner of every shop of the account, present and future')
    .option('--shop <shop:role>', 'a role in one shop (repeatable)', collect, [])
    .option('--password-stdin', 'read the password from standard input')
    .action(
      action(
        async (
          email: string,
          o: { name?: string; account: string; owner?: boolean; shop: string[]; passwordStdin?: boolean },
        ) =>
          withApp(async (ctx) => {
            const password = o.passwordStdin ? await readStdin() : undefined;
            const added = await addUser(ctx, {
              email,
              accountId: o.account,
              accountOwner: o.owner === true,
              shops: shopRoles(o.shop),
              ...(o.name ? { name: o.name } : {}),
              ...(password !== undefined ? { password } : {}),
            });
            console.log(say(localized(`User ${added.email} added.`, `已添加用户 ${added.email}。`)));
            if (password === undefined)
              console.log(
                say(localized(`Password (shown once): ${added.password}`, `密码（仅显示一次）：${added.password}`)),
              );
          }),
      ),
    );
  user
    .command('grant')
    .description('Give a user a role in a shop (SHOP:ROLE); an existing role in that shop is replaced')
    .argument('<email>', "the user's e-mail")
    .argument('<shopRole>', 'SHOP:ROLE, e.g. ae-1:manager (roles owner|manager|packer|viewer)')
    .action(
      action(async (email: string, shopRole: string) =>
        withApp(async (ctx) => {
          const [grant] = shopRoles([shopRole]);
          await grantRole(ctx, email, grant!.shopId, grant!.role);
          console.log(
            say(
              localized(
                `${email} is ${grant!.role} of ${grant!.shopId}.`,
                `${email} 现为 ${grant!.shopId} 的${codeZh(grant!.role)}。`,
              ),
            ),
          );
        }),
      ),
    );
}

/** `user reset-password|link`: a new password, or a one-time sign-in link. */
function userSignInCommands(user: Command): void {
  user
    .command('reset-password')
    .description(
      'Set a new password (generated and printed once unless --password-stdin), clear a lockout and end every session of the user',
    )
    .argument('<email>', "the user's e-mail")
    .option('--password-stdin', 'read the password from standard input')
    .action(
      action(async (email: string, o: { passwordStdin?: boolean }) =>
        withApp(async (ctx) => {
          const given = o.passwordStdin ? await readStdin() : undefined;
          const password = await resetPassword(ctx, email, given);
          console.log(
            say(
              localized(
                `Password of ${email} reset; its sessions are ended.`,
                `已重置 ${email} 的密码；其所有会话已结束。`,
              ),
            ),
          );
          if (given === undefined)
            console.log(say(localized(`New password (shown once): ${password}`, `新密码（仅显示一次）：${password}`)));
        }),
      ),
    );
  user
    .command('link')
    .description('Print a one-time sign-in link (valid 15 minutes)')
    .argument('<email>', "the user's e-mail")
    .option('--base-url <url>', 'where shipby is served', `http://localhost:${process.env.PORT ?? '3000'}`)
    .action(
      action(async (email: string, o: { baseUrl: string }) =>
        withApp(async (ctx) => {
          console.log(signInUrl(o.baseUrl, await createSignInLink(ctx, email)));
        }),
      ),
    );
}

/** `user list`: the users and their roles. */
function userListCommand(user: Command): void {
  user
    .command('list')
    .description('Users with their roles per shop')
    .option('--account <account>', 'only this account')
    .action(
      action(async (o: { account?: string }) =>
        withApp(async (ctx) => {
          const users = await listUsers(ctx, o.account);
          printTable(
            users.map((u) => ({
              id: u.id,
              account: u.account_id,
              email: u.email,
              shops: u.shops.map((s) => `${s.shop_id}:${s.role}`).join(' '),
              locked_until: toIso(u.locked_until),
            })),
            ['id', 'account', 'email', 'shops', 'locked_until'],
          );
        }),
      ),
    );
}

/** `key create|list|revoke`: API keys for machines. */
function keyCommands(key: Command): void {
  key
    .command('create')
    .description('Create a key (printed once)')
    .argument('<name>', 'a name to tell the key by, e.g. the machine that uses it')
    .requiredOption('--role <role>', 'owner | manager | packer | viewer')
    .option('--shop <shop>', 'a shop the key may reach (repeatable)', collect, [])
    .option('--account <account>', 'account', DEFAULT_ACCOUNT_ID)
    .action(
      action(async (name: string, o: { role: string; shop: string[]; account: string }) =>
        withApp(async (ctx) => {
          const created = await createApiKey(ctx, {
            accountId: o.account,
            name,
            role: parseRole(o.role),
            shopIds: o.shop,
            createdBy: 'cli',
          });
          console.log(
            say(
              localized(
                `Key ${created.id} (${created.prefix}…) created. Copy it now, it is not shown again:`,
                `已创建密钥 ${created.id}（${created.prefix}…）。请立即复制，之后不会再显示：`,
              ),
            ),
          );
          console.log(created.token);
        }),
      ),
    );
  key
    .command('list')
    .description('Keys with their shops, role and last use (never the key)')
    .option('--account <account>', 'account', DEFAULT_ACCOUNT_ID)
    .action(
      action(async (o: { account: string }) =>
        withApp(async (ctx) => {
          const keys = await listApiKeys(ctx, o.account);
          printTable(
            keys.map((k) => ({
              id: k.id,
              name: k.name,
              prefix: `${k.prefix}…`,
              role: k.role,
              shops: k.shops.join(' '),
              last_used_at: toIso(k.last_used_at),
              revoked_at: toIso(k.revoked_at),
            })),
            ['id', 'name', 'prefix', 'role', 'shops', 'last_used_at', 'revoked_at'],
          );
        }),
      ),
    );
  key
    .command('revoke')
    .description('Revoke a key: its next request is refused')
    .argument('<id>', 'key id')
    .option('--account <account>', 'account', DEFAULT_ACCOUNT_ID)
    .action(
      action(async (id: string, o: { account: string }) =>
        withApp(async (ctx) => {
          await revokeApiKey(ctx, o.account, Number(id), 'cli');
          console.log(say(localized(`Key ${id} revoked.`, `密钥 ${id} 已撤销。`)));
        }),
      ),
    );
}
