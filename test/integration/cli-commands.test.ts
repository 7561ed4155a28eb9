/**
 * The CLI loads only the command module a command line needs (src/cli/commands/index.ts): each module's line must
 * name exactly the top-level commands it registers, or a command would be missing when run on its own.
 */
import fs from 'node:fs';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { commandModules } from '../../src/cli/commands/index';
import { buildProgram, commandWord, modulesFor } from '../../src/cli/program';

describe('the command table', () => {
  it('names, for each module, exactly the top-level commands it registers', async () => {
    for (const entry of commandModules) {
      const program = new Command();
      (await entry.load()).register(program);
      expect(program.commands.map((c) => c.name()).sort()).toEqual([...entry.names].sort());
    }
  });

  it('lists every module of src/cli/commands (a module left out would never be registered)', () => {
    const files = fs
      .readdirSync('src/cli/commands')
      .filter((f) => f.endsWith('.ts') && f !== 'index.ts')
      .map((f) => f.slice(0, -3));
    const listed = [...fs.readFileSync('src/cli/commands/index.ts', 'utf8').matchAll(/import\('\.\/([\w-]+)'\)/g)].map(
      (m) => m[1],
    );
    expect(listed.sort()).toEqual(files.sort());
    expect(listed).toHaveLength(commandModules.length);
  });

  it('gives every top-level name to one module only', () => {
    const names = commandModules.flatMap((m) => m.names);
    expect(new Set(names).size).toBe(names.length);
  });

  it('loads the owner of the first word, and everything for help or an unknown word', () => {
    expect(commandWord(['--lang', 'x'])).toBe('x');
    expect(modulesFor(['tracking-number', 'check', 'RR123456785CN'])).toEqual([
      commandModules.find((m) => m.names.includes('tracking-number')),
    ]);
    expect(modulesFor(['order', 'X1', '--json'])).toEqual([commandModules.find((m) => m.names.includes('order'))]);
    expect(modulesFor([])).toBe(commandModules);
    expect(modulesFor(['--help'])).toBe(commandModules);
    expect(modulesFor(['no-such-command'])).toBe(commandModules);
  });

  it('builds the whole program when asked for no particular command line', async () => {
    const program = await buildProgram();
    expect(program.commands.map((c) => c.name()).sort()).toEqual(commandModules.flatMap((m) => m.names).sort());
  });
});
