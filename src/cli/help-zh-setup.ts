/**
 * The Chinese of `--help` (help-zh.ts), keyed by the English description: the program itself, the descriptions
 * several command modules share, and the commands that run and administer shipby (serve, migrate, config, backup,
 * accounts and keys, secrets, worker, demo, the fake AliExpress and the sample carrier). A literal value the seller
 * types (a role, a mode) is quoted in backticks.
 */
export const SETUP_HELP_ZH: Readonly<Record<string, string>> = {
  // the program
  'Ship every order before its deadline.': '让每个订单在截止时间前发货。',

  // shared by several command modules
  'port to listen on': '监听端口',
  'address to listen on': '监听地址',
  'print JSON': '输出 JSON',
  'where --skip-invalid writes refused rows (default: FILE.rejects.csv)':
    '--skip-invalid 写入被拒行的文件（默认：FILE.rejects.csv）',
  'print the report as JSON': '以 JSON 输出报告',
  'only this shop': '仅限此店铺',
  'how many': '显示条数',
  'shipby id or platform order id': 'shipby 编号或平台订单号',
  'the shop, when the platform order id is in several': '店铺（平台订单号在多个店铺中出现时）',
  'as of this time (ISO 8601 with Z or an offset; default now)':
    '按此时间计算（ISO 8601，带 Z 或时区偏移；默认：现在）',
  'the shop': '店铺',
  'the tracking number': '物流单号',
  'parcel id': '包裹编号',
  'the PDF to write': '要写入的 PDF 文件',
  'warehouse id': '仓库编号',
  'seller SKU': '卖家 SKU',

  // serve, migrate, config, backup and restore
  'Serve the API and dashboard (PORT, default 3000; DATABASE_URL, default sqlite:./data/shipby.db)':
    '启动 API 和控制台服务（端口 PORT，默认 3000；数据库 DATABASE_URL，默认 sqlite:./data/shipby.db）',
  'serve only: leave the background jobs to `shipby worker` processes': '只提供服务：后台任务交给 `shipby worker` 进程',
  'Create or upgrade the database schema (DATABASE_URL; default sqlite:./data/shipby.db)':
    '创建或升级数据库结构（DATABASE_URL；默认 sqlite:./data/shipby.db）',
  'The effective configuration (environment variables, secrets masked) and what is wrong with it':
    '当前生效的配置（环境变量，密钥已遮盖）及其中的问题',
  'Copy the SQLite store to FILE while it is in use: consistent, checked (PostgreSQL: prints the pg_dump command)':
    '在使用中把 SQLite 数据库复制到 FILE：数据一致并经过检查（PostgreSQL：打印 pg_dump 命令）',
  'machine-readable output': '输出机器可读的格式',
  'Replace the SQLite store (DATABASE_URL) with a backup FILE; stop every server on it first':
    '用备份文件 FILE 替换 SQLite 数据库（DATABASE_URL）；请先停止使用它的所有服务',
  'where to write the backup': '备份写入的文件',
  'the backup to restore': '要恢复的备份文件',

  // accounts, users and API keys
  'Accounts: who owns which shops and warehouses': '账户：谁拥有哪些店铺和仓库',
  'Create an account': '创建账户',
  'account id': '账户编号',
  'display name (default: the id)': '显示名称（默认：同编号）',
  'Create a shop in an account': '在账户中创建店铺',
  'the account that owns it': '所属账户',
  'display name': '显示名称',
  marketplace: '销售平台',
  'Give a warehouse (its stock and purchase orders) to an account': '把仓库（及其库存和采购单）划归某个账户',
  'Users, their roles per shop, passwords and sign-in links': '用户、各店铺角色、密码和登录链接',
  'Add a user: owner of the whole account (--owner) or with roles per shop (--shop SHOP:ROLE, roles owner|manager|packer|viewer). Prints a generated password once unless --password-stdin':
    '添加用户：整个账户的店主（--owner），或按店铺分配角色（--shop SHOP:ROLE，角色为 `owner`、`manager`、`packer` 或 `viewer`）。除非使用 --password-stdin，否则生成密码并只显示一次',
  account: '账户',
  "the user's e-mail, which they sign in with": '用户的电子邮箱（用于登录）',
  "the user's e-mail": '用户的电子邮箱',
  'SHOP:ROLE, e.g. ae-1:manager (roles owner|manager|packer|viewer)':
    'SHOP:ROLE，例如 `ae-1:manager`（角色为 `owner`、`manager`、`packer` 或 `viewer`）',
  'owner of every shop of the account, present and future': '账户中所有店铺（现有及以后新增）的店主',
  'a role in one shop (repeatable)': '在一个店铺中的角色（可重复）',
  'read the password from standard input': '从标准输入读取密码',
  'Give a user a role in a shop (SHOP:ROLE); an existing role in that shop is replaced':
    '授予用户在某店铺的角色（SHOP:ROLE）；替换其在该店铺的原有角色',
  'Set a new password (generated and printed once unless --password-stdin), clear a lockout and end every session of the user':
    '设置新密码（除非使用 --password-stdin，否则生成并只显示一次），解除锁定并结束该用户的所有会话',
  'Print a one-time sign-in link (valid 15 minutes)': '打印一次性登录链接（15 分钟内有效）',
  'where shipby is served': 'shipby 的访问地址',
  'Users with their roles per shop': '用户及其各店铺角色',
  'only this account': '仅限此账户',
  'API keys for machines: scoped to shops and a role, shown once, stored hashed, revocable':
    '供程序使用的 API 密钥：限定店铺和角色，只显示一次，以哈希保存，可撤销',
  'Create a key (printed once)': '创建密钥（只显示一次）',
  'a name to tell the key by, e.g. the machine that uses it': '用于区分密钥的名称，例如使用它的程序',
  'key id': '密钥编号',
  'owner | manager | packer | viewer': '`owner`（店主）、`manager`（经理）、`packer`（打包员）或 `viewer`（只读）',
  'a shop the key may reach (repeatable)': '此密钥可访问的店铺（可重复）',
  'Keys with their shops, role and last use (never the key)': '密钥的店铺、角色和最近使用时间（不显示密钥本身）',
  'Revoke a key: its next request is refused': '撤销密钥：其后续请求将被拒绝',

  // secrets and worker
  'Stored secrets (marketplace tokens, carrier keys, webhook and provider secrets)':
    '已保存的密钥（平台令牌、承运商密钥、Webhook 和物流追踪服务商的密钥）',
  'Re-encrypt every stored secret from the current master key to a new one, in one transaction (stop the servers first)':
    '在一个事务中把所有已保存的密钥从当前主密钥改用新主密钥加密（请先停止服务）',
  'a file holding the new key: 32 random bytes as base64 or 64 hex digits, e.g. from `openssl rand -base64 32`':
    '存放新主密钥的文件：32 个随机字节，base64 编码或 64 位十六进制数字，例如由 `openssl rand -base64 32` 生成',
  'Run the background jobs (sync, sweeps, tracking polls, outbox and alert delivery, plan refresh) without serving the API':
    '运行后台任务（同步、定时检查、物流轮询、上传队列和提醒发送、计划刷新），不提供 API 服务',
  'also answer GET /metrics on this port (SHIPBY_METRICS_TOKEN)':
    '同时在此端口提供 GET /metrics（SHIPBY_METRICS_TOKEN）',
  'address for --metrics-port': '--metrics-port 的监听地址',

  // demo
  'A simulated day on a fresh database: the fake AliExpress, the dashboard, sync, stock, packing and uploads, at 60× speed':
    '在全新数据库上模拟一天：模拟速卖通、控制台、同步、库存、打包和上传，60 倍速',
  'simulated time per real time (60 = a simulated minute per second)': '模拟时间与真实时间之比（60 = 每秒模拟一分钟）',
  'where the dashboard and API listen': '控制台和 API 的监听端口',
  'simulated hours to run before the clock stops': '时钟停止前模拟运行的小时数',
  'orders on an average day': '平均每天的订单数',
  'seeds the buyers, the faults and the carrier': '买家、故障和承运商的随机种子',
  'the SQLite file (must not exist; default data/demo-<timestamp>.db)':
    'SQLite 文件（不能已存在；默认 data/demo-<时间戳>.db）',
  'when the simulated day starts (ISO 8601; default 08:00 today in Shenzhen)':
    '模拟的一天从何时开始（ISO 8601；默认深圳时间今天 08:00）',
  'no injected marketplace failures on uploads': '上传时不注入平台故障',
  'record first scans locally instead of running the sample tracking provider':
    '在本地记录首次扫描，不运行示例物流追踪服务',
  'make up Cainiao numbers locally instead of buying labels from the sample carrier':
    '在本地生成菜鸟单号，不向示例承运商购买面单',
  'simulated hours from a purchase order to its delivery': '采购单从下单到到货的模拟小时数',
  'exit when the simulated hours are over instead of keeping the dashboard up':
    '模拟时长结束后退出，不再保持控制台运行',

  // the fake AliExpress and the sample carrier
  'Run a fake AliExpress Open Platform (IOP /sync and TOP /router/rest, signed) for tests and development':
    '运行模拟的速卖通开放平台（IOP /sync 和 TOP /router/rest，带签名），用于测试和开发',
  'TCP port (0 = any free port)': 'TCP 端口（0 = 任一空闲端口）',
  'interface to listen on': '监听的网络接口',
  'the app key the fake accepts': '模拟平台接受的 App Key',
  'the app secret the fake signs with (default: the development secret "fake-app-secret")':
    '模拟平台签名用的 App Secret（默认：开发用密钥 "fake-app-secret"）',
  'seller tokens the fake accepts (default: any non-empty token)': '模拟平台接受的卖家令牌（默认：任何非空令牌）',
  'generate this many orders at start': '启动时生成的订单数',
  'seed of the fault dice and generated orders': '故障抽签和生成订单的随机种子',
  'flow control: requests per second per app key': '流量控制：每个 App Key 每秒的请求数',
  'Run the sample carrier (local HTTP server issuing real-format tracking numbers) until stopped':
    '运行示例承运商（本地 HTTP 服务，签发真实格式的物流单号），直到停止',
  'the YunExpress customer code clients must send': '客户端必须发送的云途客户编号',
  'the YunExpress API secret clients must send': '客户端必须发送的云途 API 密钥',
  'keep the serial counter here, so a restart never issues a number twice':
    '序号计数器保存在此文件，重启后也不会重复签发单号',
};
