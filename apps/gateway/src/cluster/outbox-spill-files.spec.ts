import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { adoptOrphanSpills, spillFileOf } from './outbox-spill-files';

describe('outbox spill files per worker', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'voxgate-spill-'));
    file = path.join(dir, 'outbox.jsonl');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('gives worker 0 the configured file and every other worker its own', () => {
    expect([0, 1, 2].map((index) => spillFileOf(file, index))).toEqual([file, `${file}.1`, `${file}.2`]);
  });

  it('hands the files of slots that no longer exist to worker 0, keeping the others', () => {
    writeFileSync(file, '{"a":0}\n');
    writeFileSync(`${file}.1`, '{"a":1}\n');
    writeFileSync(`${file}.2`, '{"a":2}\n');
    writeFileSync(`${file}.3`, '{"a":3}'); // no final line feed
    writeFileSync(`${file}.tmp`, 'partial');
    expect(adoptOrphanSpills(file, 2)).toBe(2);
    expect(readFileSync(file, 'utf8')).toBe('{"a":0}\n{"a":2}\n{"a":3}\n');
    expect(readFileSync(`${file}.1`, 'utf8')).toBe('{"a":1}\n');
    expect(existsSync(`${file}.2`)).toBe(false);
    expect(existsSync(`${file}.3`)).toBe(false);
    expect(existsSync(`${file}.tmp`)).toBe(true);
  });

  it('gathers every worker file into the one file when the gateway goes back to one process', () => {
    writeFileSync(`${file}.1`, '{"a":1}\n');
    expect(adoptOrphanSpills(file, 1)).toBe(1);
    expect(readFileSync(file, 'utf8')).toBe('{"a":1}\n');
  });

  it('does nothing when the directory does not exist', () => {
    expect(adoptOrphanSpills(path.join(dir, 'missing', 'outbox.jsonl'), 1)).toBe(0);
  });
});
