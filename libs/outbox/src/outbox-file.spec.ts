import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { OutboxFile } from './outbox-file';

describe('OutboxFile', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'voxgate-outbox-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('spills entries and gives them back once', () => {
    const file = new OutboxFile(path.join(dir, 'outbox.jsonl'));
    file.spill([
      { kind: 'usage', id: 'req_1' },
      { kind: 'turn', id: 'req_2' },
    ]);
    expect(file.take()).toEqual([
      { kind: 'usage', id: 'req_1' },
      { kind: 'turn', id: 'req_2' },
    ]);
    expect(file.take()).toEqual([]);
  });

  it('removes a stale file when nothing is pending', () => {
    const name = path.join(dir, 'outbox.jsonl');
    const file = new OutboxFile(name);
    file.spill([{ id: 1 }]);
    file.spill([]);
    expect(existsSync(name)).toBe(false);
  });

  it('skips lines that are not JSON and reports them', () => {
    const name = path.join(dir, 'outbox.jsonl');
    writeFileSync(name, '{"id":1}\nnot json\n{"id":2}\n');
    const bad: number[] = [];
    expect(new OutboxFile(name).take((line) => bad.push(line))).toEqual([{ id: 1 }, { id: 2 }]);
    expect(bad).toEqual([2]);
  });
});
