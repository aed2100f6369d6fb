import { SentenceStream } from './sentence-stream';

/** Feeds `text` in fragments of `size` characters; returns each push's sentences, then the end's. */
function feed(text: string, size: number): { pushed: string[][]; ended: string[] } {
  const stream = new SentenceStream();
  const pushed: string[][] = [];
  for (let offset = 0; offset < text.length; offset += size)
    pushed.push(stream.push(text.slice(offset, offset + size)));
  return { pushed, ended: stream.end() };
}

describe('SentenceStream', () => {
  it('yields a sentence once the next one has started, and the rest at the end', () => {
    const stream = new SentenceStream();
    expect(stream.push('Hello there.')).toEqual([]);
    expect(stream.push(' ')).toEqual([]);
    expect(stream.push('How')).toEqual(['Hello there.']);
    expect(stream.push(' are you? I am')).toEqual(['How are you?']);
    expect(stream.end()).toEqual(['I am']);
    expect(stream.end()).toEqual([]);
  });

  it.each([1, 3, 7, 1000])('cuts the same sentences whatever the fragment size (%i)', (size) => {
    const text =
      'Dr. Smith arrived at 3 p.m. today with J. Doe. Pi is 3.14, e.g. roughly! Steps:\n1. Mix it. 2. Bake it; then serve "hot." Done';
    const { pushed, ended } = feed(text, size);
    expect([...pushed.flat(), ...ended]).toEqual([
      'Dr. Smith arrived at 3 p.m. today with J. Doe.',
      'Pi is 3.14, e.g. roughly!',
      'Steps:',
      '1. Mix it.',
      '2. Bake it; then serve "hot."',
      'Done',
    ]);
  });

  it('drops pieces without words (punctuation, whitespace)', () => {
    const { pushed, ended } = feed('... ! Yes.  \n\n', 2);
    expect([...pushed.flat(), ...ended]).toEqual(['Yes.']);
  });
});
