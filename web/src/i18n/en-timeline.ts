/**
 * English for the order timeline's events and transition actions that the pack station, labels, hand-over and
 * uploads record (issue 17: they showed as raw codes, in English, on the Chinese page); zh-CN-timeline.ts has the
 * same keys.
 */
export const enTimeline = {
  'event.parcel_created': 'Parcel created',
  'event.packing_planned': 'Packing planned',
  'event.packing_started': 'Packing started',
  'event.packing_finished': 'Packing finished',
  'event.packing_cancelled': 'Packing cancelled',
  'event.parcel_weighed': 'Parcel weighed',
  'event.parcel_held': 'Parcel held at the scale',
  'event.weight_override': 'Weight accepted with a reason',
  'event.label_created': 'Label created',
  'event.label_refused': 'Label refused',
  'event.handed_over': 'Handed over to the carrier',
  'event.upload_queued': 'Tracking number queued for upload',
  'event.upload_refused': 'Tracking upload refused',
  'event.upload_accepted_order_unchanged': 'Upload accepted (order unchanged)',
  'event.upload_accepted_parcel_unchanged': 'Upload accepted (parcel unchanged)',
  'event.cancel_requested': 'Buyer asked to cancel',
  'event.cancel_request_refused': 'Cancellation request refused',
  'event.warehouse_received': "Received at the platform's warehouse",
  'event.warehouse_weighed': "Weighed at the platform's warehouse",
  'event.tracking_registration_dead': 'Tracking provider gave up on the number',
  'auditOutcome.ok': 'done',
  'action.pack': 'Packed',
  'action.label': 'Label bought',
  'action.hand_over': 'Handed over',
  'action.upload_tracking': 'Tracking uploaded',
  'action.void': 'Label voided',
};
