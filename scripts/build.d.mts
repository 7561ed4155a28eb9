/** Types of scripts/build.mjs for the TypeScript that calls it (test/global-setup.ts, bench/cli.ts). */
export declare const ROOT: string;
export declare const OUT: string;
export declare const STAMP: string;
export declare function isFresh(): boolean;
export declare function buildApp(): Promise<void>;
