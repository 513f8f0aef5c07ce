// Types of dist.mjs for the TypeScript code that imports it.
export const ROOT: string;
export const SRC: string;
export const DIST: string;
export const STAMP: string;
export function newestSourceMtime(dir?: string): number;
export function stampedMtime(dist?: string): number | null;
export function distIsFresh(src?: string, dist?: string): boolean;
