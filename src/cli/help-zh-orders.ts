/**
 * The Chinese of `--help` (help-zh.ts), keyed by the English description: the commands about orders and what
 * happens to them after the warehouse (import, orders and deadlines, the marketplace connection and uploads,
 * tracking numbers, carrier tracking, receipt confirmation and after-sales cases). A literal value the seller types
 * (a state, a kind, a mode) is quoted in backticks.
 */
export const ORDERS_HELP_ZH: Readonly<Record<string, string>> = {
  // import and example-orders
  'Import orders from a CSV, XLSX, JSON or NDJSON file (idempotent; a file with a bad row is refused whole)':
    '从 CSV、XLSX、JSON 或 NDJSON 文件导入订单（可重复导入；文件中有一行错误则整个文件被拒绝）',
  'the order file': '订单文件',
  'the shop the orders belong to': '订单所属店铺',
  'import the good orders and write the refused rows, with reasons, to a rejects file':
    '导入正确的订单，把被拒的行及原因写入拒收文件',
  'Write sample orders dated relative to now (open, one due within hours, one in the risk check, semi-managed JIT and self-send) as an order file to import':
    '按当前时间生成示例订单（未完成的、几小时内截止的、风控审核中的、半托管 JIT 和半托管自寄），写成可导入的订单文件',
  'where to write the CSV (default: standard output)': 'CSV 的写入位置（默认：标准输出）',
  'relative to this time instead of now (ISO 8601 with Z or an offset)':
    '以此时间而不是现在为基准（ISO 8601，带 Z 或时区偏移）',

  // orders
  'List orders, the most urgent first': '列出订单，最紧急的在前',
  'only this state (new, awaiting_shipment, awaiting_stock, partially_shipped, shipped, in_transit, delivered, completed, cancelled, closed_unfulfilled); comma-separated for several':
    '只看此状态（`new`、`awaiting_shipment`、`awaiting_stock`、`partially_shipped`、`shipped`、`in_transit`、`delivered`、`completed`、`cancelled`、`closed_unfulfilled`）；多个状态用逗号分隔',
  'Show one order: its lines, parcels and timeline': '查看一个订单：商品明细、包裹和时间线',
  'Accept an order that passed the risk review (new → awaiting_shipment)':
    '接受已通过风控审核的订单（新订单 → 待发货）',
  'why (required to cancel)': '原因（取消时必填）',
  'Cancel an order, with a reason': '取消订单，须说明原因',
  "Record that the platform's warehouse received a self-send order (the event its policy counts)":
    '记录平台仓库已签收半托管自寄订单（其规则以此停止计时）',
  'when the warehouse received it (ISO 8601 with Z or an offset; default now)':
    '仓库签收时间（ISO 8601，带 Z 或时区偏移；默认：现在）',

  // deadlines, fines and policies
  'Open orders by time left, with the countdown, the fine if each is missed now, and why':
    '按剩余时间列出未完成订单：倒计时、若现在超时的罚款及原因',
  'only orders due within this time (e.g. 24h, 2d); overdue ones included':
    '只看在此时间内截止的订单（例如 24h、2d）；含已超时的订单',
  'Can I still ship? The deadline, the fine now and at each next step, and the cheaper course':
    '还来得及发货吗？截止时间、现在及之后每一步的罚款，以及代价更小的做法',
  "The seller's metrics over 7 and 30 days against the policy's thresholds": '卖家近 7 天和 30 天的指标与规则阈值对比',
  "Platform policies and a shop's choice of them": '平台规则及店铺选用的规则',
  'The policies shipby knows, with their versions and effective dates': 'shipby 已知的规则及其版本和生效日期',
  'A policy document (the newest version); on stderr, how far its holiday data reaches and the open orders whose deadline is past it':
    '规则文档（最新版本）；并在标准错误输出中说明其节假日数据覆盖到哪天，以及截止时间超出该范围的未完成订单',
  'policy id': '规则编号',
  "Set a shop's policy, per order type, and overrides (JSON); open orders' deadlines are recomputed":
    '设置店铺的规则（可按订单类型）和覆盖设置（JSON）；未完成订单的截止时间会重新计算',
  'the default policy': '默认规则',
  'a policy for an order type, e.g. jit=aliexpress_semi_jit': '某类订单的规则，例如 `jit=aliexpress_semi_jit`',
  'overrides per policy id, e.g. {"aliexpress_pop":{"warningHoursBefore":[72,24,4]}}':
    '按规则编号的覆盖设置，例如 `{"aliexpress_pop":{"warningHoursBefore":[72,24,4]}}`',
  'Record a deadline extension the buyer agreed to': '记录买家同意的发货期延长',
  'extra hours': '延长的小时数',
  'the new deadline (ISO time with offset)': '新的截止时间（ISO 时间，带时区偏移）',
  'who agreed (the buyer, the platform…)': '同意人（买家、平台…）',
  'a note': '备注',
  'Run the deadline warning sweep and deliver pending alert webhooks once (the server does this every minute)':
    '执行一次截止提醒检查并发送待发的提醒 Webhook（服务器每分钟自动执行）',
  'Add an alert webhook (JSON POSTs signed with HMAC-SHA256)':
    '添加提醒 Webhook（以 HMAC-SHA256 签名的 JSON POST 请求）',
  'where to POST': 'POST 的目标地址',
  'the signing key (at least 16 characters)': '签名密钥（至少 16 个字符）',
  'only this shop (default: every shop)': '仅限此店铺（默认：所有店铺）',

  // tracking numbers
  'Check or issue tracking numbers': '校验或签发物流单号',
  'Check a tracking number before uploading it (exit 0 = valid, 1 = refused)':
    '上传前校验物流单号（退出码 0 = 有效，1 = 被拒）',
  'declared carrier, e.g. cainiao, china-post, ems, yunexpress, 4px, yanwen, ups, dhl':
    '申报的承运商，例如 `cainiao`、`china-post`、`ems`、`yunexpress`、`4px`、`yanwen`、`ups`、`dhl`',
  "order's destination country (ISO 3166-1 alpha-2)": '订单的目的国（ISO 3166-1 alpha-2）',
  'accept a number in no known format with no carrier declared, for this reason (as `ship` does)':
    '没有申报承运商、格式也无法识别的单号，以此理由接受（同 `ship`）',
  'print the full report as JSON': '以 JSON 输出完整报告',
  "en or zh-CN (default: the CLI's language)": '`en` 或 `zh-CN`（默认：命令行的语言）',
  'Issue a UPU S10 number: indicator + 8-digit serial + check digit + country':
    '签发 UPU S10 单号：业务代码 + 8 位序号 + 校验位 + 国家',
  '8-digit serial (shorter numbers are zero-padded)': '8 位序号（不足 8 位的前面补零）',
  'two-letter service indicator, e.g. RR, LX, EA': '两位字母的业务代码，例如 RR、LX、EA',
  'issuing country, e.g. CN': '签发国家，例如 CN',

  // the marketplace: the shop's connection, sync, shipping, the upload queue
  "A shop's marketplace connection and settings": '店铺的平台连接和设置',
  "Store the shop's AliExpress API credentials (secrets encrypted with SHIPBY_MASTER_KEY)":
    '保存店铺的速卖通 API 凭据（密钥以 SHIPBY_MASTER_KEY 加密）',
  'shop id': '店铺编号',
  'the app key': 'App Key',
  'the app secret (stored encrypted, never shown)': 'App Secret（加密保存，不会显示）',
  "the seller's access token (stored encrypted, never shown)": '卖家的访问令牌（加密保存，不会显示）',
  "gateway base URL (default: the platform's; e.g. the fake's http://127.0.0.1:8790)":
    '网关基础 URL（默认：平台的网关；例如模拟平台的 http://127.0.0.1:8790）',
  'iop or top': '`iop` 或 `top`',
  'when tracking numbers are uploaded: label, first_scan, early':
    '物流单号的上传时机：`label`、`first_scan` 或 `early`',
  "Print the AliExpress consent page's address for the shop (the dashboard's Connect, for a terminal): open it, authorise, and the server at SHIPBY_PUBLIC_URL stores the tokens. Needs SHIPBY_ALIEXPRESS_APP_KEY / _APP_SECRET":
    '打印店铺的速卖通授权页面地址（即控制台中的「连接」，供终端使用）：打开它并授权，位于 SHIPBY_PUBLIC_URL 的服务器会保存令牌。需要 SHIPBY_ALIEXPRESS_APP_KEY / _APP_SECRET',
  'The connection (secrets masked), the upload timing and the last sync': '连接信息（密钥已遮盖）、上传时机和上次同步',
  'When the shop\'s tracking numbers are uploaded: label = at label creation (default); first_scan = only after the carrier\'s first scan; early = early, before the label exists ("virtual shipment")':
    '店铺物流单号的上传时机：`label` = 创建面单时（默认）；`first_scan` = 承运商首次扫描（上网）后；`early` = 提前上传，面单生成之前（“虚拟发货”）',
  'label | first_scan | early': '`label`、`first_scan` 或 `early`',
  'Pull the orders changed on the marketplace since the last sync (every connected shop, or one)':
    '拉取自上次同步以来在平台上有变化的订单（所有已连接的店铺，或指定的一个）',
  'Mark a parcel of an order shipped with its tracking number; the upload to the marketplace is queued in the same transaction':
    '用物流单号把订单的一个包裹标记为已发货；上传到平台的任务在同一事务中加入上传队列',
  'the marketplace logistics service key, e.g. CAINIAO_STANDARD, CPAM, EMS':
    '平台的物流服务代码，例如 CAINIAO_STANDARD、CPAM、EMS',
  'the carrier, for the number checks (default: from the service)': '承运商，用于校验单号（默认：由物流服务推断）',
  "this is the order's last parcel (declared send_type=all)": '这是订单的最后一个包裹（申报 `send_type=all`）',
  'an existing parcel of the order': '订单中已有的包裹',
  'ship a number in no known format with no carrier declared; the reason is recorded on the timeline':
    '发出没有申报承运商、格式也无法识别的单号；理由记录在时间线上',
  "Record the carrier's first scan of a parcel (releases an upload held for it)":
    '记录承运商对包裹的首次扫描（放行为此暂缓的上传）',
  'when the scan happened (ISO time; default now)': '扫描时间（ISO 时间；默认：现在）',
  'Marketplace uploads waiting, failed or dead-lettered': '平台上传队列：等待中、失败或进入死信的记录',
  'The dead-letter list: uploads and notices that failed too often or were refused by the platform':
    '死信列表：失败次数过多或被平台拒绝的上传和通知',
  'Put a dead-lettered entry back in the queue (the order is read back before anything is sent)':
    '把一条死信记录放回队列（发送前会先从平台读回订单）',
  'outbox entry id': '上传队列记录编号',
  'How many entries are in each state': '各状态的记录数',
  'Run an outbox worker (several may run against PostgreSQL); SIGTERM stops it cleanly':
    '运行上传队列处理进程（使用 PostgreSQL 时可同时运行多个）；SIGTERM 可使其正常停止',
  'stop once nothing is pending or in flight': '没有待处理或进行中的记录时停止',

  // parcels and carrier tracking
  'Parcels with an open problem (not online, false-shipment signs, stalled, delivery failures, returns), each with what to do':
    '有未解决问题的包裹（未上网、虚假发货迹象、停滞、投递失败、退回），附处理建议',
  'not_online, invalid_number, scan_before_payment, wrong_destination, false_shipment, stalled, delivery_failed, returning, returned, lost_damaged, extension_proposed, any':
    '`not_online`、`invalid_number`、`scan_before_payment`、`wrong_destination`、`false_shipment`、`stalled`、`delivery_failed`、`returning`、`returned`、`lost_damaged`、`extension_proposed` 或 `any`（全部）',
  'Carrier tracking: providers, events, polling and sweeps': '承运商物流追踪：服务商、事件、轮询和定时检查',
  'Add or change a tracking provider (webhooks at POST /tracking/webhooks/NAME)':
    '添加或修改物流追踪服务商（Webhook 地址为 POST /tracking/webhooks/NAME）',
  'the name in the webhook URL': 'Webhook URL 中的名称',
  'seventeen (17TRACK) or aftership': '`seventeen`（17TRACK）或 `aftership`（AfterShip）',
  "the webhook secret: 17TRACK's security key, AfterShip's webhook secret (at least 16 characters)":
    'Webhook 密钥：17TRACK 的安全密钥、AfterShip 的 Webhook 密钥（至少 16 个字符）',
  "base URL of the provider's API (default: the provider's own; a stand-in's for tests)":
    '服务商 API 的基础 URL（默认：服务商自己的；测试时可填替身服务的）',
  "API key (17TRACK's 17token, AfterShip's as-api-key): numbers are registered with the provider":
    'API 密钥（17TRACK 的 17token、AfterShip 的 as-api-key）：单号会在服务商处登记',
  '17TRACK v2.4 (default) or v2.2; AfterShip 2025-01 (default), 2024-10 or 2024-07':
    '17TRACK：v2.4（默认）或 v2.2；AfterShip：2025-01（默认）、2024-10 或 2024-07',
  'poll new parcels through this provider': '通过此服务商轮询新包裹',
  'poll every … until the first scan (default 6h)': '首次扫描前的轮询间隔（默认 6h）',
  'then every … (default 12h)': '首次扫描后的轮询间隔（默认 12h）',
  'once a day after this many days (default 20)': '超过此天数后每天轮询一次（默认 20）',
  'stop this many days after delivery (default 30)': '签收此天数后停止轮询（默认 30）',
  'The tracking providers (never their secrets)': '物流追踪服务商（不显示其密钥）',
  "A parcel's tracking: status (normalised and raw), events, problems":
    '包裹的物流追踪：状态（统一状态和原始状态）、事件、问题',
  'Ingest a saved webhook body, 17TRACK gettrackinfo answer or AfterShip trackings answer (JSON file) as if the provider had sent it':
    '把保存的 Webhook 请求体、17TRACK `gettrackinfo` 应答或 AfterShip `trackings` 应答（JSON 文件）当作服务商发来的数据导入',
  'JSON file': 'JSON 文件',
  'the provider it came from': '数据来源的服务商',
  'Process stored webhook deliveries, match kept-aside events, register new parcels for polling':
    '处理已保存的 Webhook 推送，匹配暂存的事件，为新包裹登记轮询',
  'Poll the parcels that are due now': '轮询现在到期的包裹',
  'Raise time-based problems (not online, stalled), open cases from the sync, auto-confirm receipts, propose extensions':
    '标记按时间判定的问题（未上网、停滞），根据同步结果建立纠纷，自动确认收货，建议延长收货',
  'Carrier events kept aside: no parcel has their number yet': '暂存的承运商事件：还没有包裹使用其单号',
  'Run the sample tracking provider (17TRACK API v2.4) on this machine, pushing webhooks signed as 17TRACK signs them':
    '在本机运行示例物流追踪服务（17TRACK API v2.4），按 17TRACK 的方式签名推送 Webhook',
  port: '端口',
  address: '地址',
  'the 17token clients must send': '客户端必须发送的 17token',
  'where to push webhooks, e.g. http://127.0.0.1:3000/tracking/webhooks/sample':
    'Webhook 推送地址，例如 http://127.0.0.1:3000/tracking/webhooks/sample',
  'the security key pushes are signed with (the provider secret in shipby)':
    '推送签名用的安全密钥（即 shipby 中该服务商的密钥）',
  'how many times faster than real time the histories unfold (60 = an hour a minute)':
    '物流轨迹比真实时间快多少倍（60 = 每分钟一小时）',
  'push interval': '推送间隔（秒）',
  'register unknown numbers when asked about them': '被查询到未知单号时自动登记',
  'default destination country': '默认目的国',

  // receipt confirmation and after-sales cases
  "Receipt confirmation: when an order confirms itself, the buyer's acceptance time":
    '确认收货：订单何时自动确认收货，买家的确认收货期限',
  'When an order confirms its receipt by itself, why, and the time left': '订单何时自动确认收货、原因及剩余时间',
  "Set the order's promised delivery days (freight_commit_day)": '设置订单的承诺运达天数（freight_commit_day）',
  days: '天数',
  "Record an extension of the buyer's acceptance time agreed on the platform": '记录在平台上约定的买家确认收货期限延长',
  why: '原因',
  'After-sales cases: not received, not as described, return requested, refund':
    '售后纠纷：未收到货、货不对板、申请退货、退款',
  'not_received, not_as_described, return_requested, refund':
    '`not_received`（未收到货）、`not_as_described`（货不对板）、`return_requested`（申请退货）或 `refund`（退款）',
  "Open a case on an order: the time to answer starts and the parcels' tracking is kept as evidence":
    '为订单建立纠纷：开始计算答复期限，包裹的物流追踪记录作为证据保存',
  "the buyer's reason": '买家的理由',
  "the platform's case id": '平台上的纠纷编号',
  'Cases, the earliest answer-by time first': '纠纷列表，答复期限最早的在前',
  'One case: its state, answer-by time, outcome and evidence': '查看一个纠纷：状态、答复期限、结果和证据',
  'open, closed or all': '`open`（未结）、`closed`（已结）或 `all`（全部）',
  'case id': '纠纷编号',
  'Answer the buyer (the note is kept as evidence)': '答复买家（备注作为证据保存）',
  'what was said or done': '说了什么或做了什么',
  'The platform arbitrates': '提交平台仲裁',
  'The buyer withdrew the case': '买家已撤销纠纷',
  'Close the case with its outcome and the amount refunded': '结束纠纷，记录结果和退款金额',
  'no_refund, partial_refund, full_refund, reshipped, returned_and_refunded':
    '`no_refund`（不退款）、`partial_refund`（部分退款）、`full_refund`（全额退款）、`reshipped`（已补发）或 `returned_and_refunded`（退货退款）',
  'amount refunded in the order currency, e.g. 12.50': '退款金额（订单币种），例如 12.50',
  'what was agreed': '达成的协议',
  'Add a photo (jpg, png, webp, gif, heic) or PDF; stored under SHIPBY_DATA_DIR (default ./data)':
    '添加照片（JPG、PNG、WEBP、GIF、HEIC）或 PDF；保存在 SHIPBY_DATA_DIR 下（默认 ./data）',
  'the file': '文件',
  'The item-not-received dispute rate of a shop': '店铺的未收到货纠纷率',
  window: '统计天数',
};
