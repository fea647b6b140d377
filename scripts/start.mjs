// `npm start`: build the extension and the native host, register the host for a dedicated
// browser profile (.profile/), and open Chromium with the extension loaded. Your everyday
// browser profile is left alone.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PROFILE = join(ROOT, '.profile');
const DIST = join(ROOT, 'dist');
const BROWSERS = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

function run(command, args) {
  console.log(`$ ${[command, ...args].join(' ')}`);
  const result = spawnSync(command, args, { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`${command} ${args.join(' ')} failed (exit ${result.status ?? result.signal}).`);
    process.exit(1);
  }
}

function findBrowser() {
  const fromEnv = process.env.CHROME_PATH;
  if (fromEnv) {
    if (!existsSync(fromEnv)) {
      console.error(`CHROME_PATH=${fromEnv} does not exist.`);
      process.exit(1);
    }
    return fromEnv;
  }
  const found = BROWSERS.find((path) => existsSync(path));
  if (!found) {
    console.error(`No Chromium or Chrome found (looked at ${BROWSERS.join(', ')}). Set CHROME_PATH to your browser's executable.`);
    process.exit(1);
  }
  return found;
}

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
run(npm, ['run', 'build']);
run(npm, ['run', 'build:node']);
mkdirSync(PROFILE, { recursive: true });
run(process.execPath, [join(ROOT, 'build', 'native-host', 'install.js'), '--profile', PROFILE]);

const browser = findBrowser();
const args = [
  `--user-data-dir=${PROFILE}`,
  `--load-extension=${DIST}`,
  // Branded Chrome 137+ ignores --load-extension unless this feature is off.
  '--disable-features=DisableLoadExtensionCommandLineSwitch',
  '--no-first-run',
  '--no-default-browser-check',
];
// Chromium refuses to start as root with its sandbox on (containers, root shells).
if (process.getuid?.() === 0) {
  console.warn('running as root: Chromium needs --no-sandbox for that; better run npm start as a normal user');
  args.push('--no-sandbox');
}
console.log(`$ ${browser} ${args.join(' ')}`);
const child = spawn(browser, args, { stdio: 'inherit' });
child.on('exit', (code) => process.exit(code ?? 0));
