// The configured archive target (ICHNOS_ARCHIVE_URL), or null when archiving is off.
import type { ArchiveConfig } from '../../config.js';
import { LocalArchive } from './local.js';
import { S3Archive } from './s3.js';
import type { ArchiveTarget } from './target.js';

export function openArchive(config: ArchiveConfig): ArchiveTarget | null {
  switch (config.kind) {
    case 'off':
      return null;
    case 'dir':
      return new LocalArchive(config.path);
    case 's3':
      return new S3Archive(config);
  }
}
