import { ThrottledLog } from './throttled-log';

describe('ThrottledLog', () => {
  it('lets one line per interval through and reports how many it held back', () => {
    let now = 10_000;
    const throttle = new ThrottledLog(1_000, () => now);
    const written: number[] = [];
    const write = () => throttle.write((suppressed) => written.push(suppressed));

    write();
    for (let i = 0; i < 50; i += 1) {
      now += 10;
      write();
    }
    expect(written).toEqual([0]);

    now += 1_000;
    write();
    expect(written).toEqual([0, 50]);
  });

  it('writes every line when they are further apart than the interval', () => {
    let now = 0;
    const throttle = new ThrottledLog(1_000, () => now);
    const written: number[] = [];
    for (let i = 0; i < 3; i += 1) {
      throttle.write((suppressed) => written.push(suppressed));
      now += 1_000;
    }
    expect(written).toEqual([0, 0, 0]);
  });
});
