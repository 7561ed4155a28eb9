/**
 * English for Settings → Tracking provider (17TRACK, AfterShip): the list, the form, the webhook URL and where to
 * paste it. Spread into en.ts; tracking.zh-CN.ts has the same keys.
 */
export const trackingEn = {
  'settings.menu': 'Settings menu',
  'fix.settings/tracking': 'Settings → Tracking provider',
  'provider.title': 'Tracking provider',
  'provider.menu': 'Tracking provider (17TRACK, AfterShip)',
  'provider.back': '← Settings',
  'provider.intro':
    "A tracking provider sends your parcels' carrier events to shipby: stalled, returned or undelivered parcels are then flagged on the Parcels screen. Labels do not need one.",
  'provider.ownerOnly': "Only the installation's owner adds or changes a tracking provider.",
  'provider.listTitle': 'Tracking providers',
  'provider.none': 'No tracking provider yet.',
  'provider.name': 'Name',
  'provider.kind': 'Provider',
  'provider.kind.seventeen': '17TRACK',
  'provider.kind.aftership': 'AfterShip',
  'provider.apiVersion': 'API version',
  'provider.polling': 'Polling',
  'provider.pollingOff': 'Off (webhooks only)',
  'provider.pollingOn':
    'Every {before} h until the first scan, then every {after} h; daily after {daily} days; stops {stop} days after delivery',
  'provider.apiKey': 'API key',
  'provider.keyStored': 'Stored (encrypted)',
  'provider.keyNone': 'None',
  'provider.webhookUrl': 'Webhook URL',
  'provider.edit': 'Edit',
  'provider.addTitle': 'Add a tracking provider',
  'provider.editTitle': 'Change {name}',
  'provider.addInstead': 'Add another one instead',
  'provider.nameHint': 'Lower-case letters, digits, _ and -: it is part of the webhook URL.',
  'provider.nameRequired': 'Name the provider: lower-case letters, digits, _ and -.',
  'provider.apiKeyHint.seventeen':
    "17TRACK's API key (the 17token in its API console): each number is then registered with 17TRACK when its label is bought.",
  'provider.apiKeyHint.aftership':
    "AfterShip's API key (as-api-key): each number is then registered with AfterShip when its label is bought.",
  'provider.apiKeyKeep': 'An API key is stored: leave this empty to keep it.',
  'provider.secret': 'Webhook secret',
  'provider.secretHint.seventeen':
    "17TRACK signs each push with your account's security key (in its API console): paste that key here.",
  'provider.secretHint.aftership':
    'AfterShip signs each push with the webhook secret shown in Notifications → Webhooks: paste it here.',
  'provider.secretKeep': 'A webhook secret is stored: leave this empty to keep it.',
  'provider.generate': 'Generate',
  'provider.generateHint': 'Generate fills in a random secret, for a provider that lets you choose your own.',
  'provider.polls': 'Poll this provider',
  'provider.pollsHint': 'Besides its webhooks, ask the provider for new events on a schedule (needs the API key).',
  'provider.save': 'Save provider',
  'provider.saved': '{name} is saved. Now paste its webhook URL into the provider (below).',
  'provider.webhookTitle': 'Webhook URL of {name}',
  'provider.webhookPreview': 'Once saved, the provider sends its events to this address:',
  'provider.webhookWhere.seventeen': "In 17TRACK's console, open Settings → Webhook, paste this URL and save.",
  'provider.webhookWhere.aftership': 'In AfterShip, open Notifications → Webhooks, add this URL and save.',
  'provider.webhookPublic': 'The provider must reach this address from the internet.',
  'provider.webhookOrigin':
    'This is the address this page was opened at ({origin}): no public address is set for the server. If the provider cannot reach it from the internet, ask whoever runs the shipby server to set its public address (SHIPBY_PUBLIC_URL), then copy the URL again here.',
  'provider.copy': 'Copy',
  'provider.copied': 'Copied',
};
