// The local-directory archive target (the default, ICHNOS_ARCHIVE_URL=var/archive): one file per
// key under the root. Writes go to a temporary file in <root>/.tmp renamed into place, so a crash
// never leaves a truncated batch under its real name, nor a stray file that would keep a deleted
// partition's directory alive; sweep() removes what killed writes left in .tmp.
import { randomBytes } from 'node:crypto';
import type { Dirent } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { type ArchiveEntry, type ArchiveTarget, checkKey, checkPrefix } from './target.js';

/** Keys never start with '.', so this directory is never a partition. */
const TMP_DIR = '.tmp';

function isMissing(err: unknown): boolean {
  const code = (err as { code?: string }).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

async function entries(dir: string): Promise<Dirent[]> {
  try {
    const list = await readdir(dir, { withFileTypes: true });
    return list.filter((e) => !e.name.startsWith('.')).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } catch (err) {
    if (isMissing(err)) return [];
    throw err;
  }
}

export class LocalArchive implements ArchiveTarget {
  constructor(readonly root: string) {}

  get location(): string {
    return this.root;
  }

  #path(key: string): string {
    return join(this.root, ...checkKey(key).split('/'));
  }

  async put(key: string, bytes: Uint8Array): Promise<void> {
    const path = this.#path(key);
    await mkdir(dirname(path), { recursive: true });
    await mkdir(join(this.root, TMP_DIR), { recursive: true });
    const tmp = join(this.root, TMP_DIR, `${randomBytes(8).toString('hex')}.part`);
    try {
      await writeFile(tmp, bytes);
      await rename(tmp, path);
    } catch (err) {
      await rm(tmp, { force: true }).catch(() => {});
      throw err;
    }
  }

  async get(key: string): Promise<Uint8Array | null> {
    try {
      return await readFile(this.#path(key));
    } catch (err) {
      if (isMissing(err)) return null;
      throw err;
    }
  }

  /** Deletes the file and then its directories while they are empty (a partition disappears with its last file). */
  async delete(key: string): Promise<void> {
    const path = this.#path(key);
    await rm(path, { force: true });
    for (let dir = dirname(path); dir.startsWith(this.root) && dir !== this.root; dir = dirname(dir)) {
      try {
        await rmdir(dir);
      } catch {
        break; // not empty (or already gone): stop climbing
      }
    }
  }

  async *list(prefix: string): AsyncIterable<ArchiveEntry> {
    checkPrefix(prefix);
    // Start from the deepest directory the prefix names, then filter on the rest of it.
    const cut = prefix.lastIndexOf('/') + 1;
    const base = prefix.slice(0, cut);
    yield* this.#walk(base, prefix);
  }

  async *#walk(dirKey: string, prefix: string): AsyncIterable<ArchiveEntry> {
    const dir = join(this.root, ...dirKey.split('/').filter(Boolean));
    for (const e of await entries(dir)) {
      const key = `${dirKey}${e.name}`;
      if (e.isDirectory()) {
        if (`${key}/`.startsWith(prefix) || prefix.startsWith(`${key}/`)) yield* this.#walk(`${key}/`, prefix);
      } else if (e.isFile() && key.startsWith(prefix)) {
        const s = await stat(join(dir, e.name)).catch((err: unknown) => {
          if (isMissing(err)) return null; // deleted meanwhile
          throw err;
        });
        if (s) yield { key, size: s.size, modified: s.mtime };
      }
    }
  }

  /** Remove temporary files of writes older than `before` (a process killed mid-write). */
  async sweep(before: Date): Promise<number> {
    let removed = 0;
    const dir = join(this.root, TMP_DIR);
    for (const name of await readdir(dir).catch(() => [] as string[])) {
      const s = await stat(join(dir, name)).catch(() => null);
      if (s && s.mtime < before) {
        await rm(join(dir, name), { force: true });
        removed++;
      }
    }
    return removed;
  }

  async children(prefix: string): Promise<string[]> {
    checkPrefix(prefix);
    const dir = join(this.root, ...prefix.split('/').filter(Boolean));
    return (await entries(dir)).filter((e) => e.isDirectory()).map((e) => `${prefix}${e.name}/`);
  }
}
