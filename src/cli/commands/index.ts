import type { Command } from 'commander';
import * as fakeAliexpress from './fake-aliexpress';
import * as trackingNumber from './tracking-number';
import * as importOrders from './import';
import * as migrate from './migrate';
import * as orders from './orders';
import * as serve from './serve';

/** Each command module exports `register(program)`; add one line here per module. */
export const commandModules: Array<{ register: (program: Command) => void }> = [serve, migrate, importOrders, orders, fakeAliexpress, trackingNumber];
