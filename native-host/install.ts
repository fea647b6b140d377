/**
 * `npm run install-host [-- --profile <user-data-dir>] [-- --uninstall]`: registers the native
 * host with Chromium-family browsers. Writes a launcher (Chrome starts hosts by path, without
 * arguments of ours, so the launcher names this node and main.js by absolute path) and the
 * host manifest that points to it; on Windows, also the registry key naming the manifest.
 * Manifests are written only under the user's home or the given profile; `--uninstall`
 * removes what install wrote. Each path written or removed is printed.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ALLOWED_ORIGIN, HOST_NAME, profileTargets, userTargets, type Target } from './install-targets.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const MAIN = join(HERE, 'main.js');
const WINDOWS = process.platform === 'win32';
const LAUNCHER_NAME = WINDOWS ? 'torrentedge-relay.bat' : 'torrentedge-relay';

interface Options {
  profile: string | undefined;
  uninstall: boolean;
}

function parseArgs(argv: readonly string[]): Options {
  const options: Options = { profile: undefined, uninstall: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--uninstall') options.uninstall = true;
    else if (arg === '--profile') {
      const value = argv[++i];
      if (!value || value.startsWith('--')) throw new UsageError('--profile needs a browser user-data directory');
      options.profile = resolve(value);
    } else if (arg === '--help' || arg === '-h') {
      process.stdout.write('usage: install-host [--profile <user-data-dir>] [--uninstall]\n');
      process.exit(0);
    } else throw new UsageError(`unknown argument ${arg}`);
  }
  return options;
}

class UsageError extends Error {}

/**
 * With --profile everything of that registration lives in the profile (launcher included), so
 * registering or removing one profile never touches another's; otherwise the launcher sits
 * next to main.js.
 */
function launcherPath(options: Options): string {
  return options.profile ? join(options.profile, 'NativeMessagingHosts', LAUNCHER_NAME) : join(HERE, LAUNCHER_NAME);
}

function launcherScript(): string {
  if (WINDOWS) return `@echo off\r\n"${process.execPath}" "${MAIN}" %*\r\n`;
  const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
  return `#!/bin/sh\n# TorrentEdge native host launcher, written by install.js.\nexec ${quote(process.execPath)} ${quote(MAIN)} "$@"\n`;
}

function manifest(launcher: string): string {
  const body = {
    name: HOST_NAME,
    description: 'TorrentEdge TCP/UDP relay for the browser extension',
    path: launcher,
    type: 'stdio',
    allowed_origins: [ALLOWED_ORIGIN],
  };
  return `${JSON.stringify(body, null, 2)}\n`;
}

/** Refuses any manifest path outside the user's home or the given profile. */
function checkAllowed(path: string, options: Options): void {
  const root = options.profile ?? homedir();
  const within = (dir: string): boolean => resolve(path).startsWith(resolve(dir) + sep);
  const windowsAppData = WINDOWS && process.env['LOCALAPPDATA'] !== undefined && within(process.env['LOCALAPPDATA']);
  if (!within(root) && !windowsAppData) throw new UsageError(`refusing to write ${path}: outside ${root}`);
}

function install(options: Options, targets: Target[]): void {
  const launcher = launcherPath(options);
  mkdirSync(dirname(launcher), { recursive: true });
  writeFileSync(launcher, launcherScript(), { mode: 0o755 });
  chmodSync(launcher, 0o755); // writeFileSync keeps the mode of an existing file
  console.log(`wrote ${launcher}`);
  const written = new Set<string>();
  for (const target of targets) {
    checkAllowed(target.manifest, options);
    if (!written.has(target.manifest)) {
      mkdirSync(dirname(target.manifest), { recursive: true });
      writeFileSync(target.manifest, manifest(launcher), { mode: 0o644 });
      console.log(`wrote ${target.manifest} (${target.browser})`);
      written.add(target.manifest);
    }
    if (target.registryKey) {
      execFileSync('reg', ['add', target.registryKey, '/ve', '/t', 'REG_SZ', '/d', target.manifest, '/f'], { stdio: 'ignore' });
      console.log(`wrote registry ${target.registryKey}`);
    }
  }
}

function uninstall(options: Options, targets: Target[]): void {
  for (const target of targets) {
    if (target.registryKey) {
      try {
        execFileSync('reg', ['delete', target.registryKey, '/f'], { stdio: 'ignore' });
        console.log(`removed registry ${target.registryKey}`);
      } catch {
        // Not registered for this browser.
      }
    }
    if (isOurManifest(target.manifest)) {
      rmSync(target.manifest);
      console.log(`removed ${target.manifest}`);
    }
  }
  const launcher = launcherPath(options);
  if (existsSync(launcher)) {
    rmSync(launcher);
    console.log(`removed ${launcher}`);
  }
}

/** Only a manifest we wrote (our host name) is ever removed. */
function isOurManifest(path: string): boolean {
  try {
    return (JSON.parse(readFileSync(path, 'utf8')) as { name?: unknown }).name === HOST_NAME;
  } catch {
    return false;
  }
}

try {
  const options = parseArgs(process.argv.slice(2));
  const targets = options.profile ? profileTargets(options.profile) : userTargets(options.uninstall ? 'uninstall' : 'install');
  if (options.uninstall) uninstall(options, targets);
  else install(options, targets);
} catch (error) {
  process.stderr.write(`install-host: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(error instanceof UsageError ? 2 : 1);
}
