// pino JSON logging.
import { type Logger, pino } from 'pino';
import type { LogLevel } from './config.js';

export type { Logger };

export function createLogger(level: LogLevel, name = 'ichnos'): Logger {
  return pino({ name, level, base: { pid: process.pid } });
}
