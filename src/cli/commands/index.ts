import type { Command } from 'commander';
import * as access from './access';
import * as backup from './backup';
import * as carrier from './carrier';
import * as deadlines from './deadlines';
import * as demo from './demo';
import * as fakeAliexpress from './fake-aliexpress';
import * as importOrders from './import';
import * as marketplace from './marketplace';
import * as migrate from './migrate';
import * as orders from './orders';
import * as pack from './pack';
import * as plan from './plan';
import * as sampleCarrier from './sample-carrier';
import * as serve from './serve';
import * as stock from './stock';
import * as tracking from './tracking';
import * as trackingNumber from './tracking-number';
import * as worker from './worker';

/** Each command module exports `register(program)`; add one line here per module. */
export const commandModules: Array<{ register: (program: Command) => void }> = [serve, migrate, backup, access, importOrders, orders, deadlines, fakeAliexpress, trackingNumber, plan, marketplace, stock, tracking, demo, pack, carrier, sampleCarrier, worker];
