/**
 * A realistic cross-border history, written for the tests: an AliExpress Standard Shipping parcel (Cainiao line,
 * last mile Correos) from Shenzhen to Madrid, 60 events over 17 days, in the 17TRACK shape. Chinese events carry
 * +08:00, Spanish ones +01:00 (CET). It has what real histories have: the electronic notice after the pickup scan,
 * a customs hold, a failed delivery attempt and a pickup at the post office.
 */
export const CN_ES_NUMBER = 'LP00512345678901';

type Row = [time: string, stage: string, sub: string, description: string, location: string];

const ROWS: Row[] = [
  [
    '2026-11-02T09:12:00+08:00',
    'InfoReceived',
    'InfoReceived',
    'Order information received by the seller',
    'Shenzhen, CN',
  ],
  ['2026-11-02T15:40:00+08:00', 'InTransit', 'InTransit_PickedUp', 'Picked up by the courier', 'Shenzhen, CN'],
  [
    '2026-11-02T16:05:00+08:00',
    'InfoReceived',
    'InfoReceived',
    'Electronic shipment information sent to the carrier',
    'Shenzhen, CN',
  ],
  [
    '2026-11-02T21:30:00+08:00',
    'InTransit',
    'InTransit_Arrival',
    'Arrived at the Cainiao sorting centre',
    'Shenzhen, CN',
  ],
  ['2026-11-02T23:58:00+08:00', 'InTransit', 'InTransit_Other', 'Parcel weighed and labelled', 'Shenzhen, CN'],
  ['2026-11-03T02:14:00+08:00', 'InTransit', 'InTransit_Departure', 'Departed from the sorting centre', 'Shenzhen, CN'],
  ['2026-11-03T08:40:00+08:00', 'InTransit', 'InTransit_Arrival', 'Arrived at the export hub', 'Guangzhou, CN'],
  ['2026-11-03T10:02:00+08:00', 'InTransit', 'InTransit_Other', 'Sorting at the export hub', 'Guangzhou, CN'],
  ['2026-11-03T13:25:00+08:00', 'InTransit', 'InTransit_Other', 'Export customs declaration lodged', 'Guangzhou, CN'],
  [
    '2026-11-03T18:47:00+08:00',
    'InTransit',
    'InTransit_CustomsReleased',
    'Export customs clearance complete',
    'Guangzhou, CN',
  ],
  [
    '2026-11-04T01:10:00+08:00',
    'InTransit',
    'InTransit_Other',
    'Handed over to the line-haul carrier',
    'Guangzhou, CN',
  ],
  ['2026-11-04T06:33:00+08:00', 'InTransit', 'InTransit_Other', 'Arrived at the airport', 'Guangzhou, CN'],
  ['2026-11-04T11:20:00+08:00', 'InTransit', 'InTransit_Other', 'Handed over to the airline', 'Guangzhou, CN'],
  ['2026-11-05T02:05:00+08:00', 'InTransit', 'InTransit_Other', 'Flight booked', 'Guangzhou, CN'],
  ['2026-11-05T23:40:00+08:00', 'InTransit', 'InTransit_Departure', 'Flight departed', 'Guangzhou, CN'],
  [
    '2026-11-06T05:50:00+01:00',
    'InTransit',
    'InTransit_TransportArrived',
    'Flight arrived at the transit airport',
    'Liège, BE',
  ],
  ['2026-11-06T09:12:00+01:00', 'InTransit', 'InTransit_Other', 'Unloaded at the transit hub', 'Liège, BE'],
  ['2026-11-06T14:30:00+01:00', 'InTransit', 'InTransit_Other', 'Sorted for the destination country', 'Liège, BE'],
  [
    '2026-11-06T22:45:00+01:00',
    'InTransit',
    'InTransit_TransportDeparted',
    'Departed from the transit hub by truck',
    'Liège, BE',
  ],
  ['2026-11-07T19:20:00+01:00', 'InTransit', 'InTransit_Arrival', 'Arrived in the destination country', 'Madrid, ES'],
  ['2026-11-07T21:05:00+01:00', 'InTransit', 'InTransit_Other', 'Handed over to the import broker', 'Madrid, ES'],
  [
    '2026-11-08T08:15:00+01:00',
    'InTransit',
    'InTransit_CustomsProcessing',
    'Import customs clearance started',
    'Madrid, ES',
  ],
  [
    '2026-11-08T16:40:00+01:00',
    'InTransit',
    'InTransit_CustomsRequiringInformation',
    'Held by customs: VAT information requested',
    'Madrid, ES',
  ],
  [
    '2026-11-09T10:00:00+01:00',
    'InTransit',
    'InTransit_CustomsProcessing',
    'Customs documentation received',
    'Madrid, ES',
  ],
  ['2026-11-10T12:30:00+01:00', 'InTransit', 'InTransit_CustomsReleased', 'Released by customs', 'Madrid, ES'],
  ['2026-11-10T15:10:00+01:00', 'InTransit', 'InTransit_Other', 'Handed over to Correos', 'Madrid, ES'],
  [
    '2026-11-10T18:35:00+01:00',
    'InTransit',
    'InTransit_Arrival',
    'Arrived at the Correos admission centre',
    'Madrid, ES',
  ],
  ['2026-11-10T23:50:00+01:00', 'InTransit', 'InTransit_Other', 'Admitted by Correos', 'Madrid, ES'],
  ['2026-11-11T03:20:00+01:00', 'InTransit', 'InTransit_Departure', 'Departed from the admission centre', 'Madrid, ES'],
  [
    '2026-11-11T07:45:00+01:00',
    'InTransit',
    'InTransit_Arrival',
    'Arrived at the automated sorting centre',
    'Coslada, ES',
  ],
  ['2026-11-11T09:30:00+01:00', 'InTransit', 'InTransit_Other', 'Sorted', 'Coslada, ES'],
  ['2026-11-11T13:15:00+01:00', 'InTransit', 'InTransit_Departure', 'Departed from the sorting centre', 'Coslada, ES'],
  ['2026-11-11T22:40:00+01:00', 'InTransit', 'InTransit_Other', 'In transit to the delivery office', 'Madrid, ES'],
  ['2026-11-12T06:10:00+01:00', 'InTransit', 'InTransit_Arrival', 'Arrived at the delivery office', 'Madrid 28013, ES'],
  ['2026-11-12T07:05:00+01:00', 'InTransit', 'InTransit_Other', 'Assigned to a delivery route', 'Madrid 28013, ES'],
  ['2026-11-12T08:30:00+01:00', 'OutForDelivery', 'OutForDelivery_Other', 'Out for delivery', 'Madrid 28013, ES'],
  [
    '2026-11-12T12:55:00+01:00',
    'DeliveryFailure',
    'DeliveryFailure_NoBody',
    'Delivery attempted: addressee absent, notice left',
    'Madrid 28013, ES',
  ],
  ['2026-11-12T18:20:00+01:00', 'InTransit', 'InTransit_Other', 'Returned to the delivery office', 'Madrid 28013, ES'],
  [
    '2026-11-13T07:10:00+01:00',
    'InTransit',
    'InTransit_Other',
    'Second delivery attempt scheduled',
    'Madrid 28013, ES',
  ],
  [
    '2026-11-13T08:40:00+01:00',
    'OutForDelivery',
    'OutForDelivery_Other',
    'Out for delivery (second attempt)',
    'Madrid 28013, ES',
  ],
  [
    '2026-11-13T13:30:00+01:00',
    'DeliveryFailure',
    'DeliveryFailure_NoBody',
    'Delivery attempted: addressee absent',
    'Madrid 28013, ES',
  ],
  [
    '2026-11-13T17:45:00+01:00',
    'AvailableForPickup',
    'AvailableForPickup_Other',
    'Available for pickup at the post office',
    'Madrid 28013, ES',
  ],
  [
    '2026-11-14T09:00:00+01:00',
    'AvailableForPickup',
    'AvailableForPickup_Other',
    'Pickup notice sent by SMS',
    'Madrid 28013, ES',
  ],
  [
    '2026-11-15T09:00:00+01:00',
    'AvailableForPickup',
    'AvailableForPickup_Other',
    'Waiting at the post office (day 2)',
    'Madrid 28013, ES',
  ],
  [
    '2026-11-16T09:00:00+01:00',
    'AvailableForPickup',
    'AvailableForPickup_Other',
    'Waiting at the post office (day 3)',
    'Madrid 28013, ES',
  ],
  ['2026-11-16T12:00:00+01:00', 'InTransit', 'InTransit_Other', 'Addressee asked for redelivery', 'Madrid 28013, ES'],
  ['2026-11-17T07:00:00+01:00', 'InTransit', 'InTransit_Other', 'Redelivery scheduled', 'Madrid 28013, ES'],
  ['2026-11-17T07:30:00+01:00', 'InTransit', 'InTransit_Other', 'Loaded on the delivery vehicle', 'Madrid 28013, ES'],
  [
    '2026-11-17T08:15:00+01:00',
    'OutForDelivery',
    'OutForDelivery_Other',
    'Out for delivery (redelivery)',
    'Madrid 28013, ES',
  ],
  ['2026-11-17T10:05:00+01:00', 'InTransit', 'InTransit_Other', 'Delivery route started', 'Madrid 28013, ES'],
  ['2026-11-17T11:20:00+01:00', 'InTransit', 'InTransit_Other', 'Near the delivery address', 'Madrid 28013, ES'],
  ['2026-11-17T11:42:00+01:00', 'Delivered', 'Delivered_Other', 'Delivered to the addressee', 'Madrid 28013, ES'],
  [
    '2026-11-17T11:43:00+01:00',
    'Delivered',
    'Delivered_Other',
    'Proof of delivery: signature captured',
    'Madrid 28013, ES',
  ],
  ['2026-11-17T14:00:00+01:00', 'InTransit', 'InTransit_Other', 'Delivery data sent to the origin post', 'Madrid, ES'],
  [
    '2026-11-17T20:30:00+08:00',
    'InTransit',
    'InTransit_Other',
    'Delivery confirmation received by Cainiao',
    'Shenzhen, CN',
  ],
  ['2026-11-18T09:00:00+01:00', 'InTransit', 'InTransit_Other', 'Route closed', 'Madrid 28013, ES'],
  ['2026-11-18T10:00:00+08:00', 'InTransit', 'InTransit_Other', 'Delivery record archived', 'Shenzhen, CN'],
  ['2026-11-18T12:00:00+01:00', 'Delivered', 'Delivered_Other', 'Delivery confirmed', 'Madrid, ES'],
  ['2026-11-19T08:00:00+01:00', 'InTransit', 'InTransit_Other', 'Tracking closed by the carrier', 'Madrid, ES'],
  ['2026-11-19T09:00:00+08:00', 'InTransit', 'InTransit_Other', 'Logistics order completed', 'Shenzhen, CN'],
];

export const CN_ES_EVENTS = ROWS.map(([time_iso, stage, sub_status, description, location]) => ({
  time_iso,
  stage,
  sub_status,
  description,
  location,
}));

/** One TRACKING_UPDATED webhook carrying the given events (newest first, as 17TRACK lists them). */
export function cnEsWebhook(events = CN_ES_EVENTS, number = CN_ES_NUMBER): string {
  const sorted = [...events].sort((a, b) => Date.parse(b.time_iso) - Date.parse(a.time_iso));
  const latest = sorted[0];
  return JSON.stringify({
    event: 'TRACKING_UPDATED',
    data: {
      number,
      carrier: 'cainiao',
      track_info: {
        shipping_info: { shipper_address: { country: 'CN' }, recipient_address: { country: 'ES' } },
        latest_status: latest
          ? { status: latest.stage, sub_status: latest.sub_status }
          : { status: 'NotFound', sub_status: 'NotFound_Other' },
        tracking: { providers: [{ provider: { key: 190271, name: 'Cainiao' }, events: sorted }] },
      },
    },
  });
}

/** The first scan (the pickup), the first delivery, and the count. */
export const CN_ES_FIRST_SCAN = Date.parse('2026-11-02T15:40:00+08:00');
export const CN_ES_DELIVERED = Date.parse('2026-11-17T11:42:00+01:00');
