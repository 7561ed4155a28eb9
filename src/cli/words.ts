/**
 * The CLI's words in Chinese: table column headers, states and the codes shown in cells. `printTable` translates
 * headers and the cells of state columns through these when the CLI speaks zh-CN; anything not listed prints as
 * its code (the test test/e2e/cli-zh.test.ts fails on an English word left in a zh-CN read command).
 */
import { ORDER_STATES, PARCEL_STATES } from '../core/order';
import { SITUATION_KINDS } from '../core/situation';

/** Column header → Chinese. English headers print as written. */
export const COLUMN_ZH: Readonly<Record<string, string>> = {
  '#': '#', account: '账户', account_id: '账户 ID', active: '启用', actor: '操作者', answer_by: '答复期限', at: '时间', at_risk: '有风险',
  attempts: '尝试次数', available: '可用', base_url: '接口地址', box: '箱型', buyer: '买家', carrier: '承运商', class: '类别', code: '代码',
  compute_ms: '计算毫秒', contents: '内容', cost: '成本', count: '数量', country: '国家', cover_days: '覆盖天数', created: '创建时间',
  currency: '币种', cutoff_time: '截单时间', cycle_days: '周期天数', daily: '每日', earliest_ship_by: '最早发货期限', effective_from: '生效日期',
  email: '邮箱', error: '错误', event: '事件', expected_g: '预计克重', hourly_cost: '时薪', id: '编号', in_force: '生效值', incoming: '在途',
  inner_mm: '内尺寸毫米', jobs: '任务', kind: '类型', last_used_at: '最近使用', late: '逾期', lead_days: '交货天数',
  lead_safety_cycle: '交货/安全/周期', leaves: '出库时间', left: '剩余', level: '级别', lines: '行数', locked_until: '锁定至',
  low_stock_threshold: '低库存阈值', marketplace: '平台', max_g: '最大克重', mode: '模式', n: '数量', name: '名称', needed: '需要',
  next_cutoff: '下次截单', note: '备注', notified: '已通知', number: '单号', on_hand: '在库', order: '订单', orders: '订单数',
  outcome: '结果', outer_mm: '外尺寸毫米', overdue: '已逾期', parcel: '包裹', penalty: '罚金', pickups: '揽收', pinned: '固定',
  platform: '平台', platform_sku: '平台 SKU', prefix: '前缀', problem: '问题', product_id: '商品 ID', protocol: '协议', qty: '数量',
  raw: '原始值', reason: '原因', recomputed: '重算', ref: '参考号', reference: '参考号', reserved: '已预留', revoked_at: '撤销时间',
  rmse_min: '误差分钟', role: '角色', rows: '行数', safety_days: '安全天数', scope: '范围', secret: '密钥', send: '发送',
  service: '物流服务', sessions: '次数', set: '设定值', shifts: '班次', ship_by: '发货期限', shop: '店铺', shop_id: '店铺', shops: '店铺',
  short_by: '缺少', sku: 'SKU', source: '来源', start: '开始', started: '开始时间', state: '状态', station: '工位', stations: '工位',
  status: '状态', supplier: '供应商', tare_g: '皮重克', threshold: '阈值', time_zone: '时区', todo: '待办', total: '金额',
  total_penalty: '罚金合计', tracking: '追踪号', tracking_number: '追踪号', unit_price: '单价', units: '件数', upload: '上传',
  version: '版本', waiting: '等待', warehouse: '仓库', warehouse_id: '仓库', weekdays: '工作日', what: '内容', where: '位置',
  zone: '区', zones: '区', fine: '罚金', why: '原因',
};

const ORDER_STATE_ZH: Record<(typeof ORDER_STATES)[number], string> = {
  new: '新订单（风控审核中）', awaiting_shipment: '待发货', awaiting_stock: '等待库存', partially_shipped: '部分发货', shipped: '已发货',
  in_transit: '运输中', delivered: '已妥投', completed: '已完成', cancelled: '已取消', closed_unfulfilled: '未发货关闭',
};

const PARCEL_STATE_ZH: Record<(typeof PARCEL_STATES)[number], string> = {
  created: '已创建', packed: '已打包', labelled: '已打面单', handed_over: '已交接', tracking_uploaded: '单号已上传', in_transit: '运输中',
  delivered: '已妥投', returned: '已退回', voided: '已作废',
};

const SITUATION_ZH: Record<(typeof SITUATION_KINDS)[number], string> = {
  open: '进行中', at_risk: '有风险', will_miss: '将会逾期', awaiting_count: '等待盘点', shipped_in_time: '按时发货', shipped_late: '逾期发货',
  closed: '已关闭', cancelled: '已取消',
};

/** Codes that appear in state and event cells: states, situations, order actions and event kinds. */
export const CODE_ZH: Readonly<Record<string, string>> = {
  ...PARCEL_STATE_ZH,
  ...ORDER_STATE_ZH,
  ...SITUATION_ZH,
  accept: '接单', cancel: '取消', ship: '发货', ship_partial: '部分发货', deliver: '妥投', complete: '完成', close: '关闭', stock_short: '缺货',
  stock_arrived: '到货', import: '导入', updated: '已更新', created_event: '已创建', transition: '状态变更', deadline_changed: '期限变更',
  deadline_warning: '期限提醒', upload_queued: '上传排队', label_created: '已打面单', note: '备注', cancel_requested: '买家申请取消',
  tracking_problem: '物流异常', tracking_problem_resolved: '物流异常已解决', tracking_snapshot: '物流更新', upload_refused: '上传被拒',
  upload_dead_lettered: '上传失败', buyer_data_erased: '买家数据已删除', marketplace_outage: '平台故障', marketplace_outage_ended: '平台恢复',
  pending: '待处理', sent: '已发送', failed: '失败', done: '完成', active: '启用', revoked: '已撤销', import_file: '文件导入', sync: '同步',
  cli: '命令行', system: '系统', computed: '推算', platform: '平台', api: '接口', true: '是', false: '否', yes: '是', no: '否',
};

/** A code in the CLI's language: its Chinese name, else the code itself. */
export function codeZh(code: string): string {
  return CODE_ZH[code] ?? code;
}
