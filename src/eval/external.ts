// An operator's own held-out data: NDJSON lines {"query": <a /v1/geolocate body>, "truth":
// {"lat": …, "lng": …}}, asked one at a time of a running service and scored like the simulation
// (without an oracle: the true station positions are unknown).
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { distance } from '../geo/distance.js';
import { answeringSource, type ServiceClient } from './client.js';
import type { Answer } from './scorer.js';

export class InputError extends Error {}

export interface HeldOutLine {
  query: unknown;
  truth: { lat: number; lng: number };
}

export function parseHeldOutLine(line: string, lineNo: number): HeldOutLine {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    throw new InputError(`line ${lineNo}: not JSON`);
  }
  const o = v as { query?: unknown; truth?: { lat?: unknown; lng?: unknown } };
  if (typeof o !== 'object' || o === null || typeof o.query !== 'object' || o.query === null) throw new InputError(`line ${lineNo}: "query" must be an object`);
  const lat = o.truth?.lat;
  const lng = o.truth?.lng;
  if (typeof lat !== 'number' || typeof lng !== 'number' || Math.abs(lat) > 90 || Math.abs(lng) > 180) {
    throw new InputError(`line ${lineNo}: "truth" must be {"lat": number, "lng": number}`);
  }
  return { query: o.query, truth: { lat, lng } };
}

export async function evaluateFile(client: ServiceClient, file: string, log: (m: string) => void): Promise<Answer[]> {
  const answers: Answer[] = [];
  let counts = await client.answerCounts();
  let lineNo = 0;
  for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Number.POSITIVE_INFINITY })) {
    lineNo++;
    if (line.trim() === '') continue;
    const h = parseHeldOutLine(line, lineNo);
    const answer = await client.locate(h.query);
    const after = await client.answerCounts();
    const source = answeringSource(counts, after) ?? 'unknown';
    counts = after;
    answers.push({
      variant: 'input',
      source: answer ? source : 'none',
      error: answer ? distance(h.truth.lat, h.truth.lng, answer.lat, answer.lng) : null,
      accuracy: answer?.accuracy ?? null,
    });
    if (answers.length % 500 === 0) log(`${answers.length} queries asked`);
  }
  return answers;
}
