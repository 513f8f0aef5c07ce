// Streaming reader of a submit body's top-level JSON object: hands out each element of its
// "items" array as raw bytes as soon as the element is complete, so a batch of tens of MB is
// never held whole (issue 4: big batches are queued in chunks, not as several copies). The
// other members are checked for JSON syntax and dropped, as the submit parser ignores them.
// This class only tracks structure (strings, nesting, separators); every captured value goes
// through JSON.parse, which does the full validation, so the body is accepted exactly when
// JSON.parse would accept it whole. A repeated "items" key restarts the items (JSON.parse keeps
// the last one).

export class JsonSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JsonSyntaxError';
  }
}

export type ItemEvent =
  /** An "items" array begins: whatever came from an earlier "items" key is void. */
  | { type: 'items-start' }
  /** One element of the current "items" array, parsed. */
  | { type: 'item'; value: unknown }
  /** "items" with a value that is not an array. */
  | { type: 'items-value'; value: unknown };

enum State {
  MemberFirst,
  MemberNext,
  Colon,
  Value,
  AfterMember,
  ItemFirst,
  ItemNext,
  AfterItem,
  Done,
  Capture,
}

/** What a finished capture is. */
enum Role {
  Key,
  Member,
  Item,
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;

const BOM = [0xef, 0xbb, 0xbf];
const isSpace = (b: number) => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The first byte of the body must be `{` (after whitespace and a BOM): callers check with this. */
export function startsWithObject(head: Buffer): boolean | undefined {
  let i = 0;
  while (i < 3 && i < head.length && head[i] === BOM[i]) i++;
  if (i < 3 && i === head.length) return undefined;
  if (i < 3) i = 0;
  while (i < head.length && isSpace(head[i])) i++;
  return i < head.length ? head[i] === LBRACE : undefined;
}

export class ItemStream {
  private state = State.MemberFirst;
  private started = false;
  /** Bytes of a leading UTF-8 BOM seen so far (TextDecoder drops one, so JSON bodies may have it). */
  private bom = 0;
  private key = '';
  // The value being captured: its role, kind, nesting and string state, and its bytes so far.
  private role = Role.Member;
  private kind: 'composite' | 'string' | 'scalar' = 'scalar';
  private depth = 0;
  private inString = false;
  private escape = false;
  private parts: Buffer[] = [];

  /** Feed the next chunk; the events it completes are appended to `out`. Throws JsonSyntaxError. */
  push(chunk: Buffer, out: ItemEvent[]): void {
    let i = 0;
    if (!this.started) {
      while (this.bom >= 0 && this.bom < 3 && i < chunk.length && chunk[i] === BOM[this.bom]) {
        this.bom++;
        i++;
      }
      if (i === chunk.length && this.bom < 3) return;
      if (this.bom > 0 && this.bom < 3) throw new JsonSyntaxError('the body is not a JSON object');
      this.bom = -1;
      while (i < chunk.length && isSpace(chunk[i])) i++;
      if (i === chunk.length) return;
      if (chunk[i] !== LBRACE) throw new JsonSyntaxError('the body is not a JSON object');
      this.started = true;
      i++;
    }
    let capStart = 0;
    const n = chunk.length;
    while (i < n) {
      if (this.state === State.Capture) {
        const end = this.scan(chunk, i);
        if (end < 0) break;
        this.finish(chunk.subarray(capStart, end), out);
        i = end;
        continue;
      }
      const b = chunk[i];
      if (isSpace(b)) {
        i++;
        continue;
      }
      switch (this.state) {
        case State.MemberFirst:
        case State.MemberNext:
          if (b === QUOTE) {
            capStart = i;
            this.begin(Role.Key, 'string');
          } else if (b === RBRACE && this.state === State.MemberFirst) this.state = State.Done;
          else throw unexpected(b, 'a member name');
          break;
        case State.Colon:
          if (b !== COLON) throw unexpected(b, '":"');
          this.state = State.Value;
          break;
        case State.Value:
          if (this.key === 'items' && b === LBRACKET) {
            out.push({ type: 'items-start' });
            this.state = State.ItemFirst;
          } else {
            capStart = i;
            this.beginValue(Role.Member, b);
          }
          break;
        case State.AfterMember:
          if (b === COMMA) this.state = State.MemberNext;
          else if (b === RBRACE) this.state = State.Done;
          else throw unexpected(b, '"," or "}"');
          break;
        case State.ItemFirst:
        case State.ItemNext:
          if (b === RBRACKET && this.state === State.ItemFirst) this.state = State.AfterMember;
          else {
            capStart = i;
            this.beginValue(Role.Item, b);
          }
          break;
        case State.AfterItem:
          if (b === COMMA) this.state = State.ItemNext;
          else if (b === RBRACKET) this.state = State.AfterMember;
          else throw unexpected(b, '"," or "]"');
          break;
        case State.Done:
          throw unexpected(b, 'the end of the body');
      }
      // The byte that began a capture is part of it (scan starts after it).
      i++;
    }
    if (this.state === State.Capture) this.parts.push(chunk.subarray(capStart));
  }

  /** The body ended: it must have been one whole object. */
  end(): void {
    if (!this.started) throw new JsonSyntaxError('Unexpected end of JSON input');
    if (this.state !== State.Done) throw new JsonSyntaxError('Unexpected end of JSON input');
  }

  private begin(role: Role, kind: 'composite' | 'string' | 'scalar'): void {
    this.role = role;
    this.kind = kind;
    this.depth = kind === 'composite' ? 1 : 0;
    this.inString = kind === 'string';
    this.escape = false;
    this.parts = [];
    this.state = State.Capture;
  }

  private beginValue(role: Role, first: number): void {
    if (first === LBRACE || first === LBRACKET) this.begin(role, 'composite');
    else if (first === QUOTE) this.begin(role, 'string');
    else if (first === COMMA || first === COLON || first === RBRACE || first === RBRACKET) throw unexpected(first, 'a value');
    else this.begin(role, 'scalar');
  }

  /**
   * Scan the capture from `i` (its first byte already seen). Returns the index just past its end,
   * or -1 when the chunk ends first. A scalar ends before the delimiter that follows it.
   */
  private scan(chunk: Buffer, i: number): number {
    const n = chunk.length;
    if (this.kind === 'scalar') {
      for (; i < n; i++) {
        const b = chunk[i];
        if (isSpace(b) || b === COMMA || b === RBRACE || b === RBRACKET) return i;
      }
      return -1;
    }
    for (; i < n; i++) {
      const b = chunk[i];
      if (this.inString) {
        if (this.escape) this.escape = false;
        else if (b === BACKSLASH) this.escape = true;
        else if (b === QUOTE) {
          this.inString = false;
          if (this.kind === 'string') return i + 1;
        }
      } else if (b === QUOTE) this.inString = true;
      else if (b === LBRACE || b === LBRACKET) this.depth++;
      else if (b === RBRACE || b === RBRACKET) {
        this.depth--;
        if (this.depth === 0) return i + 1;
      }
    }
    return -1;
  }

  private finish(tail: Buffer, out: ItemEvent[]): void {
    const bytes = this.parts.length === 0 ? tail : Buffer.concat([...this.parts, tail]);
    this.parts = [];
    const value = parseBytes(bytes);
    switch (this.role) {
      case Role.Key:
        this.key = value as string;
        this.state = State.Colon;
        break;
      case Role.Member:
        if (this.key === 'items') out.push({ type: 'items-value', value });
        this.state = State.AfterMember;
        break;
      case Role.Item:
        out.push({ type: 'item', value });
        this.state = State.AfterItem;
        break;
    }
  }
}

function parseBytes(bytes: Buffer): unknown {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch (err) {
    throw new JsonSyntaxError(`decode: ${(err as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new JsonSyntaxError((err as Error).message);
  }
}

function unexpected(b: number, expected: string): JsonSyntaxError {
  const shown = b >= 0x20 && b < 0x7f ? `"${String.fromCharCode(b)}"` : `byte 0x${b.toString(16).padStart(2, '0')}`;
  return new JsonSyntaxError(`Unexpected ${shown} where ${expected} was expected`);
}
