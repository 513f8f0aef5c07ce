// The npm registry this project is built against does not serve every platform build of some
// optional native packages (e.g. @biomejs/cli-darwin-arm64), so `npm install` leaves them out
// of package-lock.json and `npm ci` then refuses the lock as out of sync. This adds a stub entry
// for each missing optional platform package, restricted to its os/cpu, so `npm ci` skips it on
// this platform exactly as it would with a complete lock. Run after `npm install`.
import { readFileSync, writeFileSync } from 'node:fs';

const LOCK = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(LOCK, 'utf8'));
const pkgs = lock.packages;
const OS = ['android', 'darwin', 'freebsd', 'linux', 'win32', 'openbsd', 'sunos', 'aix'];
const CPU = ['arm64', 'x64', 'arm', 'ia32', 'ppc64', 's390x', 'riscv64', 'loong64'];
let added = 0;
for (const [path, meta] of Object.entries(pkgs)) {
  for (const [name, version] of Object.entries(meta.optionalDependencies ?? {})) {
    const target = `node_modules/${name}`;
    if (pkgs[target] || pkgs[`${path}/node_modules/${name}`]) continue;
    const parts = name.split(/[/-]/);
    const os = OS.filter((o) => parts.includes(o));
    const cpu = CPU.filter((c) => parts.includes(c));
    if (os.length === 0) continue; // not a platform package: leave it to npm
    pkgs[target] = { version: String(version).replace(/^[\^~]/, ''), dev: meta.dev || undefined, optional: true, os, cpu: cpu.length ? cpu : undefined };
    if (name.endsWith('-musl')) pkgs[target].libc = ['musl'];
    added++;
  }
}
writeFileSync(LOCK, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`fix-lock: added ${added} platform stubs`);
