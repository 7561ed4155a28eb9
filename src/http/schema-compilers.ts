/**
 * The routes' request validators (Ajv) and response serializers (fast-json-stringify), compiled by Fastify's own
 * compilers once per process for each route schema, and reused by every server built after the first. Compiling is
 * most of what building a server costs (each route's serializer checks and loads every named schema again: the whole
 * API takes about a second): once per start for `shipby serve`, but once per test for the tests, which build hundreds.
 *
 * A validator or serializer is a function of its schemas and options alone, so two servers with the same ones share
 * it: the key is their JSON text, as Fastify's validator compiler already keys its Ajv instances.
 */
import { AjvCompiler } from '@fastify/ajv-compiler';
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';

/** A compiler factory as Fastify calls it: with the named schemas and options, then once per route. */
type Factory<External, Options, Route, Compiled> = (
  externalSchemas: External,
  options?: Options,
) => (route: Route) => Compiled;

function compiledOncePerProcess<External, Options, Route extends { schema?: unknown }, Compiled>(
  factory: Factory<External, Options, Route, Compiled>,
  /** What of the route, besides its schema, the compiled function depends on. */
  part: (route: Route) => unknown,
): Factory<External, Options, Route, Compiled> {
  const compiled = new Map<string, Map<string, Compiled>>();
  return (externalSchemas, options) => {
    const shared = JSON.stringify([externalSchemas ?? null, options ?? null]);
    let known = compiled.get(shared);
    if (!known) compiled.set(shared, (known = new Map()));
    const forThese = known;
    let compile: ((route: Route) => Compiled) | undefined;
    return (route) => {
      const key = JSON.stringify([route.schema ?? null, part(route) ?? null]);
      let done = forThese.get(key);
      if (done === undefined) {
        compile ??= factory(externalSchemas, options);
        done = compile(route);
        forThese.set(key, done);
      }
      return done;
    };
  };
}

/** Fastify's `schemaController.compilersFactory`: Fastify's own compilers, behind the process-wide cache. */
export const sharedSchemaCompilers = {
  buildValidator: compiledOncePerProcess(AjvCompiler(), (route) => route.httpPart),
  buildSerializer: compiledOncePerProcess(SerializerSelector(), (route) => [
    route.httpStatus,
    (route as { contentType?: string }).contentType,
  ]),
};
