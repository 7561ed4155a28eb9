/** Types of scripts/openapi-types.mjs for the TypeScript that calls it (test/integration/api-types.test.ts). */
export declare const TARGET: string;
/** The server's OpenAPI document, as /docs serves it. */
export declare function openApiDocument(): Promise<unknown>;
/** The text of web/src/api-types.gen.ts that the server's response schemas give. */
export declare function generatedTypes(): Promise<string>;
