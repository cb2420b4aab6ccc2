// Types of build.mjs, for the TypeScript tests that import it.
import type { BuildOptions } from 'esbuild';

export declare const distDir: string;
export declare const iifePath: string;
/** The IIFE bundle's esbuild options; `false` keeps the output in memory (`outputFiles`). */
export declare function iifeOptions(write: false): BuildOptions & { write: false };
export declare function iifeOptions(write?: true): BuildOptions & { write: true };
export declare function build(options?: { types?: boolean }): Promise<void>;
