// Types of check-sql.mjs for the TypeScript tests that import it.
export interface SqlProblem {
  file: string;
  line: number;
  message: string;
}
export function checkSource(text: string, file?: string, exported?: Set<string>): SqlProblem[];
export function safeConstants(text: string): Set<string>;
export function checkDirs(dirs: string[]): SqlProblem[];
