// Fastify's schema compilers, shared by every app in the process. Fastify makes new compilers for each instance, so
// every buildApp compiled all the routes' validators and response serializers again (about 0.8 s a time on two cores),
// and the tests, which build many apps in one process, paid that on each. A validator or a serializer is a function of
// its schema, the shared schemas and the compiler's options alone, so one is compiled once for each distinct JSON of
// those and reused by every app after the first. A server process builds one app and compiles as before.
import AjvCompiler from '@fastify/ajv-compiler';
import SerializerSelector from '@fastify/fast-json-stringify-compiler';
import { isValidDate, isValidDateTime } from './input.js';

/** Our own date and date-time formats, put in place of ajv-formats' after it is added. */
function addFormats(ajv: {
  addFormat(name: string, format: { type: 'string'; validate: (s: string) => boolean }): unknown;
}): void {
  ajv.addFormat('date-time', { type: 'string', validate: isValidDateTime });
  ajv.addFormat('date', { type: 'string', validate: isValidDate });
}

/** What Fastify hands a compiler for one schema of one route (the fields that decide what is compiled). */
interface RouteSchema {
  schema?: unknown;
  /** validators: body, querystring, params or headers */
  httpPart?: string;
}

type Compiler<F> = (route: RouteSchema) => F;

/** `compile`, remembered under `context` (the shared schemas and options) and the JSON of each route schema. */
function remembered<F>(done: Map<string, Map<string, F>>, context: string, compile: Compiler<F>): Compiler<F> {
  let byRoute = done.get(context);
  if (!byRoute) done.set(context, (byRoute = new Map<string, F>()));
  const cache = byRoute;
  return (route) => {
    const key = JSON.stringify([route.httpPart ?? '', route.schema]);
    let compiled = cache.get(key);
    if (compiled === undefined) cache.set(key, (compiled = compile(route)));
    return compiled;
  };
}

const validatorPool = AjvCompiler();
const validators = new Map<string, Map<string, unknown>>();

/**
 * Fastify's validator factory with one change: bodies are not coerced. With coerceTypes: 'array' everywhere, Ajv
 * turns `name: 12345` into "12345" and `reference: ["a"]` into "a", so a client's type error is stored as if it were
 * meant. Query strings, path parameters and headers arrive as text and still coerce (?limit=10 is a number).
 */
export const strictBodyValidators: AjvCompiler.BuildCompilerFromPool = (externalSchemas, options) => {
  const onCreate = (ajv: Parameters<typeof addFormats>[0]) => {
    addFormats(ajv);
    (options as { onCreate?: (a: unknown) => void } | undefined)?.onCreate?.(ajv);
  };
  const lenientOptions = { ...options, onCreate } as typeof options;
  const strictOptions = {
    ...options,
    onCreate,
    customOptions: { ...options?.customOptions, coerceTypes: false },
  } as typeof options;
  // At run time Fastify calls the compiler with its route definition ({ schema, httpPart, … }), not a bare schema.
  const lenient = validatorPool(externalSchemas, lenientOptions) as unknown as Compiler<unknown>;
  const strict = validatorPool(externalSchemas, strictOptions) as unknown as Compiler<unknown>;
  const compile = remembered(validators, JSON.stringify([externalSchemas, options?.customOptions]), (route) =>
    route.httpPart === 'body' ? strict(route) : lenient(route),
  );
  return compile as unknown as ReturnType<AjvCompiler.BuildCompilerFromPool>;
};

const serializerFactory = SerializerSelector();
const serializers = new Map<string, Map<string, SerializerSelector.Serializer>>();

/** Fastify's serializer factory (fast-json-stringify), each serializer compiled once per process. */
export const sharedSerializers: SerializerSelector.SerializerFactory = (externalSchemas, options) => {
  const compile = serializerFactory(externalSchemas, options);
  return remembered(serializers, JSON.stringify([externalSchemas, options]), (route) =>
    compile(route as SerializerSelector.RouteDefinition),
  ) as SerializerSelector.SerializerCompiler;
};
