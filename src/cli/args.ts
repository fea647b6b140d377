/**
 * A small strict argument parser: each command declares its flags, anything else is a usage
 * error (exit 2). Supports `--flag value`, `--flag=value`, `-o value`, repeatable flags and
 * `--` to end flag parsing (so a file named `-x` can still be passed).
 */

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface FlagSpec {
  /** 'boolean' takes no value; 'string' takes exactly one. */
  type: 'boolean' | 'string';
  /** May be given more than once; values collect in order. */
  repeatable?: boolean;
  /** One-letter alias, e.g. 'o' for `-o`. */
  short?: string;
}

export interface CommandSpec {
  flags: Record<string, FlagSpec>;
  /** Names shown in usage errors, in order; every one is required. */
  positionals: string[];
}

export type FlagValue = boolean | string | string[];

export interface ParsedArgs {
  flags: Record<string, FlagValue>;
  positionals: string[];
}

export function parseArgs(argv: readonly string[], spec: CommandSpec): ParsedArgs {
  const flags: Record<string, FlagValue> = Object.create(null);
  const positionals: string[] = [];
  const shortNames = new Map<string, string>();
  for (const [name, flag] of Object.entries(spec.flags)) if (flag.short) shortNames.set(flag.short, name);

  let onlyPositionals = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (onlyPositionals || arg === '-' || !arg.startsWith('-')) {
      positionals.push(arg);
      continue;
    }
    if (arg === '--') {
      onlyPositionals = true;
      continue;
    }
    const { name, inlineValue } = splitFlag(arg, shortNames);
    const flag = Object.hasOwn(spec.flags, name) ? spec.flags[name] : undefined;
    if (!flag) throw new UsageError(`unknown option ${arg.split('=')[0]}`);
    if (flag.type === 'boolean') {
      if (inlineValue !== undefined) throw new UsageError(`option --${name} takes no value`);
      flags[name] = true;
      continue;
    }
    let value = inlineValue;
    if (value === undefined) {
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith('-') && next !== '-' && !isNegativeNumber(next))) {
        throw new UsageError(`option --${name} needs a value`);
      }
      value = next;
      i++;
    }
    if (flag.repeatable) {
      const list = (flags[name] as string[] | undefined) ?? [];
      list.push(value);
      flags[name] = list;
    } else if (flags[name] !== undefined) {
      throw new UsageError(`option --${name} given more than once`);
    } else {
      flags[name] = value;
    }
  }

  if (positionals.length < spec.positionals.length) {
    throw new UsageError(`missing ${spec.positionals[positionals.length]}`);
  }
  if (positionals.length > spec.positionals.length) {
    throw new UsageError(`unexpected argument ${positionals[spec.positionals.length]}`);
  }
  return { flags, positionals };
}

function splitFlag(arg: string, shortNames: Map<string, string>): { name: string; inlineValue?: string } {
  if (arg.startsWith('--')) {
    const eq = arg.indexOf('=');
    if (eq < 0) return { name: arg.slice(2) };
    return { name: arg.slice(2, eq), inlineValue: arg.slice(eq + 1) };
  }
  // `-o DIR` or `-oDIR`
  const long = shortNames.get(arg[1]!);
  if (!long) throw new UsageError(`unknown option ${arg}`);
  return arg.length > 2 ? { name: long, inlineValue: arg.slice(2) } : { name: long };
}

function isNegativeNumber(text: string): boolean {
  return /^-\d/.test(text);
}

/** Typed accessors: the parser guarantees the shape, these keep commands free of casts. */
export function stringFlag(args: ParsedArgs, name: string): string | undefined {
  const value = args.flags[name];
  return typeof value === 'string' ? value : undefined;
}

export function listFlag(args: ParsedArgs, name: string): string[] {
  const value = args.flags[name];
  return Array.isArray(value) ? value : [];
}

export function boolFlag(args: ParsedArgs, name: string): boolean {
  return args.flags[name] === true;
}
