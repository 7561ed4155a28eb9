/** Chinese for the order timeline's events and transition actions: the same keys as en-timeline.ts. */
import type { enTimeline } from './en-timeline';

export const zhCNTimeline: Record<keyof typeof enTimeline, string> = {
  'event.parcel_created': '已创建包裹',
  'event.packing_planned': '已规划装箱',
  'event.packing_started': '开始打包',
  'event.packing_finished': '打包完成',
  'event.packing_cancelled': '已取消打包',
  'event.parcel_weighed': '包裹已称重',
  'event.parcel_held': '包裹在称重时被扣留',
  'event.weight_override': '重量已按原因放行',
  'event.label_created': '面单已生成',
  'event.label_refused': '面单被拒',
  'event.handed_over': '已交给承运商',
  'event.upload_queued': '运单号已排队上传',
  'event.upload_refused': '运单号上传被拒',
  'event.upload_accepted_order_unchanged': '上传已受理（订单未变）',
  'event.upload_accepted_parcel_unchanged': '上传已受理（包裹未变）',
  'event.cancel_requested': '买家申请取消',
  'event.cancel_request_refused': '已拒绝取消申请',
  'event.warehouse_received': '平台仓库已收货',
  'event.warehouse_weighed': '平台仓库已称重',
  'action.pack': '已打包',
  'action.label': '已购面单',
  'action.hand_over': '已交运',
  'action.upload_tracking': '已上传运单号',
  'action.void': '面单已作废',
};
