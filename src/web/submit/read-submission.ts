// A submit body read into reports. Bodies up to WHOLE_MAX_BYTES (decompressed) — every real
// client's batch — are read whole and parsed by the native JSON.parse, a third of the CPU of
// the streaming path. Bigger ones are read as a stream (issue 4: a batch of tens of MB is
// queued in chunks, never held whole or as several copies): the "items" are parsed one by one
// (item-stream.ts, ItemReader) and handed to the sink in groups for as long as no issue has
// been found. The result says whether the whole body was acceptable; on any issue the caller
// drops what the sink took, so a bad batch stores nothing (§5.1 [T]). Both paths accept and
// refuse the same bodies (the streaming one checks with JSON.parse what it captures).
import type { IncomingMessage } from 'node:http';
import type { Report } from '../../domain/report.js';
import { bodyChunks, parseJsonBody } from '../body.js';
import { parseError, payloadTooLarge } from '../errors.js';
import { type ItemEvent, ItemStream, JsonSyntaxError, startsWithObject } from './item-stream.js';
import { ItemReader, parseSubmitBody, type SubmitFlavour } from './parse.js';

/** Bodies that do not start with `{` are refused (413) past this size: they can only be a 400. */
export const NOT_OBJECT_MAX_BYTES = 1024 * 1024;

/** Bodies up to this size (decompressed) are held whole and parsed at once; bigger ones stream. */
export const WHOLE_MAX_BYTES = 1024 * 1024;

/** Reports per hand-over to the sink. */
export const SINK_GROUP = 500;

export interface ReportSink {
  add(reports: Report[]): Promise<void>;
  /** Forget everything added (a repeated "items" key replaces the earlier one). */
  reset(): Promise<void>;
}

export type SubmissionRead = { ok: true; reports: number } | { ok: false; validation: Record<string, string> | null };

export interface SubmissionOptions {
  maxBytes: number;
  contentType: string | undefined;
  flavour: SubmitFlavour;
  /** Server receive time, Unix ms (replaces missing or implausible report times). */
  now: number;
  /** Read whole up to this size (WHOLE_MAX_BYTES); tests set 0 to stream every body. */
  wholeMaxBytes?: number;
}

export async function readSubmission(req: IncomingMessage, opts: SubmissionOptions, sink: ReportSink): Promise<SubmissionRead> {
  const chunks = bodyChunks(req, { maxBytes: opts.maxBytes });
  const charset = /charset=([^;]+)/i.exec(opts.contentType ?? '')?.[1]?.trim().toLowerCase();
  const head: Buffer[] = [];
  let object: boolean | undefined;
  if (!charset || ['utf-8', 'utf8', 'us-ascii', 'ascii'].includes(charset)) {
    while (object === undefined) {
      const next = await chunks.next();
      if (next.done) break;
      head.push(next.value);
      object = startsWithObject(head.length === 1 ? head[0] : Buffer.concat(head));
    }
  }
  // Not an object: a 400 whatever follows, so such a body is not worth holding at full size (a
  // gzip bomb of zeros would otherwise cost the whole limit in memory).
  if (object === false) return readWhole(head, chunks, opts, sink, Math.min(opts.maxBytes, NOT_OBJECT_MAX_BYTES));
  if (object !== true) return readWhole(head, chunks, opts, sink, opts.maxBytes);

  // Hold the body while it is small enough; stream it from where it outgrew that.
  const wholeMax = Math.min(opts.wholeMaxBytes ?? WHOLE_MAX_BYTES, opts.maxBytes);
  let held = head.reduce((n, b) => n + b.length, 0);
  while (held <= wholeMax) {
    const next = await chunks.next();
    if (next.done) return readWhole(head, chunks, opts, sink, opts.maxBytes);
    head.push(next.value);
    held += next.value.length;
  }

  const stream = new ItemStream();
  const reader = ItemReader.of(opts.flavour, opts.now);
  let pending: Report[] = [];
  let sawItems = false;
  const events: ItemEvent[] = [];
  const feed = async (chunk: Buffer) => {
    try {
      stream.push(chunk, events);
    } catch (err) {
      throw syntax(err);
    }
    for (const event of events) {
      if (event.type === 'item') {
        const report = reader.item(event.value);
        if (report && !reader.issues.any) pending.push(report);
        continue;
      }
      sawItems = true;
      reader.reset();
      pending = [];
      await sink.reset();
      if (event.type === 'items-value') reader.notArray(event.value);
    }
    events.length = 0;
    if (reader.issues.any) pending = [];
    else if (pending.length >= SINK_GROUP) await sink.add(pending.splice(0));
  };
  for (const chunk of head) await feed(chunk);
  for await (const chunk of chunks) await feed(chunk);
  try {
    stream.end();
  } catch (err) {
    throw syntax(err);
  }
  if (!sawItems) reader.notArray(undefined);
  if (reader.issues.any) return { ok: false, validation: reader.issues.errors };
  if (pending.length > 0) await sink.add(pending);
  return { ok: true, reports: reader.reports };
}

/** Bodies that are not a JSON object (or not UTF-8): small or wrong, read whole as before. */
async function readWhole(
  head: Buffer[],
  rest: AsyncIterable<Buffer>,
  opts: SubmissionOptions,
  sink: ReportSink,
  maxBytes: number,
): Promise<SubmissionRead> {
  const all = [...head];
  let total = all.reduce((n, b) => n + b.length, 0);
  for await (const chunk of rest) {
    total += chunk.length;
    if (total > maxBytes) throw payloadTooLarge();
    all.push(chunk);
  }
  const body = parseJsonBody(Buffer.concat(all), opts.contentType);
  // An empty body: parseError without details (§5.1 [T]).
  if (body === undefined) return { ok: false, validation: null };
  const parsed = parseSubmitBody(body, opts.flavour, opts.now);
  if (!parsed.ok) return parsed;
  if (parsed.reports.length > 0) await sink.add(parsed.reports);
  return { ok: true, reports: parsed.reports.length };
}

function syntax(err: unknown) {
  if (err instanceof JsonSyntaxError) return parseError({ decode: `JSON: ${err.message}` });
  return err;
}
