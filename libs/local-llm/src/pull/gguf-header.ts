import { open } from 'node:fs/promises';

/**
 * Checks that a file starts like a GGUF model: the magic `GGUF` and a format version llama.cpp reads
 * (2 or 3). Returns the reason it is not, or `undefined` when it is.
 */
export async function ggufHeaderProblem(file: string): Promise<string | undefined> {
  const handle = await open(file, 'r');
  try {
    const header = Buffer.alloc(8);
    const { bytesRead } = await handle.read(header, 0, 8, 0);
    if (bytesRead < 8) return `it is only ${bytesRead} bytes long`;
    if (header.subarray(0, 4).toString('latin1') !== 'GGUF') return 'it does not start with the GGUF magic';
    const version = header.readUInt32LE(4);
    if (version !== 2 && version !== 3) return `its GGUF version ${version} is not 2 or 3`;
    return undefined;
  } finally {
    await handle.close();
  }
}
