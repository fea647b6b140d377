import { describe, expect, it } from 'vitest';
import { boolFlag, listFlag, parseArgs, stringFlag, UsageError, type CommandSpec } from '../../../src/cli/args.js';

const spec: CommandSpec = {
  flags: {
    output: { type: 'string', short: 'o' },
    json: { type: 'boolean' },
    peer: { type: 'string', repeatable: true },
    'seed-ratio': { type: 'string' },
  },
  positionals: ['<source>'],
};

describe('parseArgs', () => {
  it('reads a flag value from the next argument', () => {
    const args = parseArgs(['x', '--output', 'dir'], spec);
    expect(stringFlag(args, 'output')).toBe('dir');
    expect(args.positionals).toEqual(['x']);
  });

  it('reads --flag=value', () => {
    expect(stringFlag(parseArgs(['--output=a=b', 'x'], spec), 'output')).toBe('a=b');
  });

  it('reads a short alias with a separate or attached value', () => {
    expect(stringFlag(parseArgs(['-o', 'd', 'x'], spec), 'output')).toBe('d');
    expect(stringFlag(parseArgs(['-od', 'x'], spec), 'output')).toBe('d');
  });

  it('collects a repeatable flag in order', () => {
    const args = parseArgs(['x', '--peer', 'a:1', '--peer', 'b:2'], spec);
    expect(listFlag(args, 'peer')).toEqual(['a:1', 'b:2']);
  });

  it('refuses a non-repeatable flag given twice', () => {
    expect(() => parseArgs(['x', '-o', 'a', '-o', 'b'], spec)).toThrow(/more than once/);
  });

  it('sets a boolean flag', () => {
    expect(boolFlag(parseArgs(['x', '--json'], spec), 'json')).toBe(true);
    expect(boolFlag(parseArgs(['x'], spec), 'json')).toBe(false);
  });

  it('refuses a value on a boolean flag', () => {
    expect(() => parseArgs(['x', '--json=yes'], spec)).toThrow(UsageError);
  });

  it('refuses an unknown long flag as a usage error naming it', () => {
    expect(() => parseArgs(['x', '--bogus'], spec)).toThrow(/unknown option --bogus/);
  });

  it('refuses an unknown short flag', () => {
    expect(() => parseArgs(['x', '-z'], spec)).toThrow(/unknown option -z/);
  });

  it('names the flag whose value is missing at the end of the line', () => {
    expect(() => parseArgs(['x', '-o'], spec)).toThrow(/--output needs a value/);
  });

  it('does not take the next flag as a missing value', () => {
    expect(() => parseArgs(['x', '-o', '--json'], spec)).toThrow(/--output needs a value/);
  });

  it('accepts a negative number as a value so the value parser can name the problem', () => {
    expect(stringFlag(parseArgs(['x', '--seed-ratio', '-1'], spec), 'seed-ratio')).toBe('-1');
  });

  it('treats everything after -- as positional', () => {
    expect(parseArgs(['--', '--json'], spec).positionals).toEqual(['--json']);
  });

  it('treats a lone - as positional', () => {
    expect(parseArgs(['-'], spec).positionals).toEqual(['-']);
  });

  it('reports a missing positional by name', () => {
    expect(() => parseArgs(['--json'], spec)).toThrow(/missing <source>/);
  });

  it('reports an extra positional', () => {
    expect(() => parseArgs(['a', 'b'], spec)).toThrow(/unexpected argument b/);
  });

  it('does not treat __proto__ as a known flag', () => {
    expect(() => parseArgs(['x', '--__proto__', 'v'], spec)).toThrow(UsageError);
  });

  it('allows flags before and after positionals', () => {
    const args = parseArgs(['--json', 'x', '-o', 'd'], spec);
    expect(args.positionals).toEqual(['x']);
    expect(boolFlag(args, 'json')).toBe(true);
  });
});
