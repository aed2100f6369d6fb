import { createRequire } from 'node:module';
import type * as KoffiModule from 'koffi' with { 'resolution-mode': 'import' };

// koffi ships as an ES module with a CommonJS build (`require` → index.cjs) but one ESM-typed index.d.ts,
// which a CommonJS TypeScript file cannot `import`; so: the CommonJS build at run time, its types by mode.
export const koffi = createRequire(__filename)('koffi') as typeof KoffiModule;

/** A loaded shared library. */
export type NativeLibrary = KoffiModule.LibraryHandle;
/** A bound C function (arguments and result are untyped; each binding wraps them in typed methods). */
export type NativeFunction = ReturnType<NativeLibrary['func']>;
