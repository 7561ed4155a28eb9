/**
 * The Chinese of `--help` (help-zh.ts), keyed by the English description: the commands of the warehouse (the work
 * plan, stock, shortages and replenishment, purchase orders, packing, carriers and labels). A literal value the
 * seller types (a reason, a kind, a status) is quoted in backticks.
 */
export const WAREHOUSE_HELP_ZH: Readonly<Record<string, string>> = {
  // the work plan
  'Plan the work queue that keeps penalties lowest (or, with --orlib, plan a weighted tardiness benchmark file).':
    '计划罚款最少的作业队列（或用 --orlib 计算加权延迟基准测试文件）。',
  'OR-Library weighted tardiness file: print the total weighted tardiness of each instance':
    'OR-Library 加权延迟问题文件：输出每个实例的加权总延迟',
  'jobs per instance in the --orlib file': '--orlib 文件中每个实例的作业数',
  'seed of the search': '搜索的随机种子',
  'search time (per instance with --orlib), ms': '搜索时间，以毫秒计（用 --orlib 时按每个实例计）',
  "plan this warehouse's orders on its stored staffing (the stored plan while nothing changed)":
    '按此仓库已保存的人手安排计划其订单（没有变化时使用已保存的计划）',
  'plan only this shop (a what-if, not stored)': '只计划此店铺（假设推演，不保存）',
  "packing stations (what-if; default 2 or the warehouse's)": '打包工位数（假设推演；默认 2 或仓库的设置）',
  'daily working windows, e.g. 09:00-12:00,13:00-18:00 (what-if; default 09:00-18:00)':
    '每天的工作时段，例如 09:00-12:00,13:00-18:00（假设推演；默认 09:00-18:00）',
  'carrier pick-up times, comma-separated (what-if; default 11:00,17:00)':
    '承运商揽收时间，逗号分隔（假设推演；默认 11:00,17:00）',
  'the time zone of the times (what-if; default Asia/Shanghai)': '以上时间所在的时区（假设推演；默认 Asia/Shanghai）',
  'cost of each hour of lateness on top of the fines, minor units (what-if)':
    '罚款之外每延迟一小时的成本，以货币最小单位计（假设推演）',
  'auto (default): the stored plan while nothing changed; warm or full: recompute now':
    '`auto`（默认）：没有变化时使用已保存的计划；`warm` 或 `full`：立即重新计算',
  "Show or set a warehouse's staffing: stations, shifts (several a day), carrier pick-ups, time zone, lateness cost per hour":
    '查看或设置仓库的人手安排：工位、班次（每天可多个）、承运商揽收、时区、每小时延迟成本',
  'the warehouse': '仓库',
  'packing stations (or packers) working at once': '同时工作的打包工位（或打包员）数',
  'daily working windows, e.g. 09:00-12:00,13:00-18:00': '每天的工作时段，例如 09:00-12:00,13:00-18:00',
  'carrier pick-up (cut-off) times, comma-separated, e.g. 11:00,17:00':
    '承运商揽收（截单）时间，逗号分隔，例如 11:00,17:00',
  "IANA time zone of the times (default: the warehouse's)": '以上时间的 IANA 时区（默认：仓库的时区）',
  'cost of each hour of lateness on top of the fines, minor units': '罚款之外每延迟一小时的成本，以货币最小单位计',
  'ISO weekdays worked, e.g. 1-5 or 1,2,3,4,5,6 (default: every day)':
    '工作的星期几（ISO，1 = 星期一），例如 1-5 或 1,2,3,4,5,6（默认：每天）',
  'The work estimate in force per shop (learned from measured packing sessions, or set by the seller) and from how many sessions; what each warehouse has set':
    '各店铺当前生效的工时估计（从实测的打包记录中学得，或由卖家设定）及其依据的打包次数；各仓库的设定',
  "Set a shop's or a warehouse's work estimate in minutes (used until enough packing sessions are measured)":
    '设置店铺或仓库的工时估计，以分钟计（在实测的打包记录足够之前使用）',
  'minutes per order': '每单分钟数',
  'minutes per line': '每行分钟数',
  'minutes per unit': '每件分钟数',
  'Bring the stored plans up to date now: recomputed (warm) where their inputs changed (`serve` does it every minute)':
    '立即更新已保存的计划：输入有变化的计划（增量）重新计算（`serve` 每分钟自动执行）',
  'only this warehouse': '仅限此仓库',
  'recompute from scratch, even when nothing changed': '从头重新计算，即使没有任何变化',

  // stock
  'Stock: warehouses, SKUs, levels, import, adjustments, the ledger': '库存：仓库、SKU、库存水平、导入、调整、库存流水',
  'Stock per SKU and warehouse: on hand, reserved, available, incoming, waiting':
    '按 SKU 和仓库列出库存：在库、已预留、可用、在途、等待',
  'only this SKU': '仅限此 SKU',
  'Import a stock count (CSV or XLSX: sku, warehouse, on_hand[, low_stock_threshold]); a file with a bad row is refused whole':
    '导入库存盘点（CSV 或 XLSX，列为 `sku`、`warehouse`、`on_hand`[、`low_stock_threshold`]）；文件中有一行错误则整个文件被拒绝',
  'the stock count (CSV or XLSX)': '库存盘点文件（CSV 或 XLSX）',
  'the warehouse of every row (the file then needs no warehouse column)': '所有行的仓库（文件就不需要 `warehouse` 列）',
  'import the good rows and write the refused ones, with reasons, to a rejects file':
    '导入正确的行，把被拒的行及原因写入拒收文件',
  'Adjust stock with a reason (counted, damaged, found); refused when it would go below what orders have reserved':
    '调整库存并说明原因（盘点、损坏、找到）；低于订单已预留的数量时会被拒绝',
  'counted | damaged | found': '`counted`（盘点）、`damaged`（损坏）或 `found`（找到）',
  'the change: +found, −damaged (use --by=-2 for a negative number)':
    '变动数量：找到为正，损坏为负（负数请写成 --by=-2）',
  'the counted quantity (a stock-take)': '盘点数量',
  'Stock movements, newest first (import, adjust, reserve, release, ship, receive)':
    '库存流水，最新的在前（导入、调整、预留、释放预留、发货、收货）',
  'shipby order id': 'shipby 订单编号',
  'only this kind: import | adjust | reserve | release | ship | receive':
    '只看此类：`import`（导入）、`adjust`（调整）、`reserve`（预留）、`release`（释放预留）、`ship`（发货）或 `receive`（收货）',
  Warehouses: '仓库',
  'Add or update a warehouse': '添加或更新仓库',
  'domestic | overseas': '`domestic`（国内仓）或 `overseas`（海外仓）',
  'IANA time zone, e.g. Asia/Shanghai': 'IANA 时区，例如 Asia/Shanghai',
  'daily cut-off in that zone': '该时区内每天的截单时间',
  'where it stands (ISO 3166 alpha-2)': '所在国家（ISO 3166 alpha-2）',
  'Warehouses with their time zone, cut-off and next cut-off': '仓库及其时区、截单时间和下次截单时间',
  'Seller SKUs': '卖家 SKU',
  'Add or update a seller SKU and its planning days': '添加或更新卖家 SKU 及其计划天数',
  'the product it belongs to (its id)': '所属商品（其编号）',
  'supplier lead time': '供应商交货天数',
  'days of sales kept in stock on top of the lead time': '在交货天数之外多备的销售天数',
  'how often you buy it': '采购周期（天）',
  'Seller SKUs with their planning days': '卖家 SKU 及其计划天数',
  'Map a marketplace SKU of a shop to seller SKUs: SKU, SKU=UNITS (a multipack), several for a bundle, none to unmap':
    '把店铺的平台 SKU 对应到卖家 SKU：SKU、SKU=UNITS（多件装），多个表示组合装，不给则取消对应',
  "the shop's SKU on the marketplace": '店铺在平台上的 SKU',
  'SKU or SKU=UNITS': 'SKU 或 SKU=UNITS',
  'Marketplace SKUs and the seller SKUs they are made of (units each)': '平台 SKU 及其对应的卖家 SKU（各自的件数）',
  'Reserve for open orders that hold nothing (accepted before their SKUs were stocked) and retry the waiting ones':
    '为尚未预留任何库存的未完成订单（在其 SKU 入库前已接受）预留库存，并重试等待中的订单',
  'Audit the stock invariants (never oversold, reservations and ledger add up); exit 1 on a problem':
    '核查库存的一致性（从不超卖，预留与流水相符）；有问题时退出码为 1',
  'Low-stock alerts, newest first': '低库存提醒，最新的在前',

  // shortages, replenishment and purchase orders
  'Each SKU short, by how much, and the orders it blocks with their deadlines; the earliest first':
    '每个缺货的 SKU、缺多少、被其阻塞的订单及截止时间；最早的在前',
  'What to reorder per SKU and warehouse: when (lead + safety) × daily sales > available + incoming; the deadlines at risk first':
    '按 SKU 和仓库列出应补货的数量：当（交货天数 + 安全天数）× 日销量 > 可用 + 在途时补货；有截止时间受影响的在前',
  'the sales window for the average daily sales': '计算平均日销量的天数',
  "override every SKU's supplier lead days": '覆盖所有 SKU 的供应商交货天数',
  "override every SKU's safety days": '覆盖所有 SKU 的安全天数',
  "override every SKU's purchase cycle days": '覆盖所有 SKU 的采购周期天数',
  'every SKU and warehouse, not only those to reorder': '所有 SKU 和仓库，而不只是需要补货的',
  'Purchase orders: draft → ordered → received (receiving serves waiting orders)':
    '采购单：草稿 → 已下单 → 已收货（收货后分配给等待中的订单）',
  'Create a draft purchase order': '创建采购单草稿',
  'SKU=QUANTITY': 'SKU=数量',
  'the warehouse that receives the goods': '收货的仓库',
  'the supplier': '供应商',
  "your reference, e.g. the supplier's order number": '您的参考号，例如供应商的订单号',
  "when the supplier's goods are expected at the warehouse (ISO 8601 with Z or an offset): the verdict of each order waiting for them says whether that is in time":
    '供应商的货预计到达仓库的时间（ISO 8601，带 Z 或时区偏移）：每个等待这批货的订单的判断会说明是否来得及',
  'draft | ordered | received | cancelled':
    '`draft`（草稿）、`ordered`（已下单）、`received`（已收货）或 `cancelled`（已取消）',
  'Purchase orders with their lines, newest first': '采购单及其明细，最新的在前',
  'One purchase order with its lines, as JSON': '查看一张采购单及其明细（JSON 格式）',
  'purchase order id': '采购单编号',
  'Place a draft purchase order with the supplier (its units count as incoming)':
    '向供应商下达采购单草稿（其数量计入在途）',
  'Cancel a purchase order not yet received': '取消尚未收货的采购单',
  'Receive a purchase order: adds its lines to stock and serves the orders waiting for them, earliest deadline first':
    '采购单收货：把明细加入库存，并分配给等待的订单，截止时间最早的优先',
  'SKU=QUANTITY where it differs from what was ordered': '与采购数量不同的实收数量，格式为 SKU=数量',

  // packing
  'Pack orders: boxes, SKU sizes, the sender address, packing plans and slips':
    '打包订单：箱子、SKU 尺寸、寄件人地址、装箱方案和装箱单',
  'order to pack (shipby id or platform order id)': '要打包的订单（shipby 编号或平台订单号）',
  'when the platform order id is in several shops': '店铺（平台订单号在多个店铺中出现时）',
  'void the planned (unpacked) parcels and plan again': '作废已计划（未打包）的包裹并重新计划',
  "Add or change a box of a shop's catalogue": '添加或修改店铺的箱子',
  'box code': '箱子编号',
  'inner size in mm': '内尺寸（毫米）',
  'outer size in mm (default: the inner size)': '外尺寸（毫米；默认：同内尺寸）',
  'max gross weight in grams': '最大毛重（克）',
  'empty box weight in grams': '空箱重量（克）',
  'cost of one box, e.g. 1.50': '每个箱子的成本，例如 1.50',
  'ISO 4217, e.g. CNY': '币种（ISO 4217），例如 CNY',
  'keep it, but do not offer it': '保留但不再使用',
  "A shop's boxes, cheapest first": '店铺的箱子，最便宜的在前',
  "Set a seller SKU's unit size, weight and item barcode": '设置卖家 SKU 的单件尺寸、重量和商品条码',
  'size in mm': '尺寸（毫米）',
  'weight in grams': '重量（克）',
  "the item's own barcode (EAN/UPC); the SKU is always accepted too": '商品自带的条码（EAN/UPC）；扫描 SKU 也始终可以',
  'none | contained | standalone': '`none`（无电池）、`contained`（内置电池）或 `standalone`（纯电池）',
  'contains liquids': '含液体',
  "The shop's sender (return) address printed on its labels": '印在店铺面单上的寄件人（退件）地址',
  "the sender's name": '寄件人姓名',
  'address line 1': '地址第 1 行',
  'address line 2': '地址第 2 行',
  city: '城市',
  postcode: '邮编',
  'country (ISO 3166 alpha-2, e.g. CN)': '国家（ISO 3166 alpha-2，例如 CN）',
  phone: '电话',
  "Set the buyer's note printed on the packing slip (empty text removes it)":
    '设置印在装箱单上的买家留言（空文本即删除）',
  "the buyer's note": '买家留言',
  'Write the packing slip PDF of an order': '生成订单的装箱单 PDF',
  'A6 or A4': 'A6 或 A4',
  'Pack sessions, newest first (--open: the orders being packed now)': '打包记录，最新的在前（--open：正在打包的订单）',
  'only the orders being packed now': '只看正在打包的订单',

  // carriers and labels
  'Carrier contracts, shipping rules and carrier accounts': '承运商合同、发货规则和承运商账号',
  'Import contract rates (CSV/XLSX, one row per service, zone and weight bracket); a bad row refuses the file whole':
    '导入合同运价（CSV/XLSX，每个物流服务、分区和重量段一行）；有一行错误则整个文件被拒绝',
  'the contract rates (CSV or XLSX)': '合同运价文件（CSV 或 XLSX）',
  'the file becomes the whole catalogue (otherwise it replaces the services it names)':
    '文件成为完整的服务目录（否则只替换文件中列出的物流服务）',
  'The carrier services in use': '正在使用的物流服务',
  'Replace the shipping rules with a JSON file: [{id, name?, service, when: {countries?, maxWeightG?, …}}]':
    '用 JSON 文件替换发货规则：`[{id, name?, service, when: {countries?, maxWeightG?, …}}]`',
  'the rules (JSON file)': '发货规则（JSON 文件）',
  "Where a carrier's labels are bought (carrier code, or * for every carrier); the secret is encrypted with SHIPBY_MASTER_KEY":
    '购买某承运商面单所用的账号（承运商代码，或 * 表示所有承运商）；密钥以 SHIPBY_MASTER_KEY 加密',
  'carrier code, or * for every carrier; none lists the accounts': '承运商代码，或 * 表示所有承运商；不给则列出账号',
  'yunexpress | 4px | aliexpress-online':
    '`yunexpress`（云途）、`4px`（递四方）或 `aliexpress-online`（速卖通线上发货）',
  "the API's base URL (default: the carrier's production URL)": 'API 的基础 URL（默认：承运商的正式环境地址）',
  'YunExpress customer code, 4PX app key; aliexpress-online: the seller centre sender address id':
    '云途：客户编号；4PX：AppKey；`aliexpress-online`：卖家后台的发货地址 ID',
  'YunExpress API secret, 4PX app secret (aliexpress-online: none)':
    '云途：API 密钥；4PX：App Secret（`aliexpress-online`：无需）',
  'Which carrier service each parcel of an order takes, and why (rules first, else rate shopping)':
    '订单的每个包裹走哪个物流服务及原因（先看发货规则，否则比价）',
  'override the promised delivery days': '覆盖承诺运达天数',
  "Buy labels for an order's packed parcels (number checked, then queued for upload)":
    '为订单已打包的包裹购买面单（先校验单号，再加入上传队列）',
  "a service of the catalogue (default: the quote's choice)": '服务目录中的物流服务（默认：报价选出的服务）',
  "ship below the buyer's logistics class anyway, with the reason (e.g. the buyer agreed)":
    '仍以低于买家所选物流等级的服务发货，并说明理由（例如买家已同意）',
  "buy it even when it costs more than the shop's share of the order's value (default 30 %)":
    '即使面单费用超过店铺设定的订单金额比例（默认 30 %）也购买',
  'Print labels (100 × 150 mm) into one PDF: the print queue, or the given orders':
    '把面单（100 × 150 毫米）打印到一个 PDF：打印队列，或指定的订单',
  'deadline | carrier | sku': '`deadline`（截止时间）、`carrier`（承运商）或 `sku`（SKU）',
  'only these orders (shipby ids)': '仅限这些订单（shipby 编号）',
};
