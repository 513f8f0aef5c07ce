// One interface for every location source (STYLE.md, after the reference's Source class):
// the searcher asks each source in order whether it should search given the results so far,
// and collects what it finds.
import type { ApiKey } from '../domain/apikey.js';
import type { LocateQuery } from './query.js';
import type { PositionResult, RegionResult } from './result.js';

export interface SearchRequest {
  query: LocateQuery;
  ip: string | null;
  key: ApiKey;
  now: Date;
}

export interface Source<R> {
  readonly name: string;
  shouldSearch(req: SearchRequest, resultsSoFar: readonly R[]): boolean;
  /** Never throws: a failing backend yields no results (and a metric). */
  search(req: SearchRequest): Promise<R[]>;
}

export type PositionSource = Source<PositionResult>;
export type RegionSource = Source<RegionResult>;
