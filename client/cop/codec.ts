/**
 * The COP wire codec for screens, written by hand over protobufjs/minimal's Reader and Writer:
 * no reflection, no generated code at run time (`new Function`), so it runs under the page's
 * Content-Security-Policy (script-src 'self', no unsafe-eval). Field numbers and wire types are
 * those of proto/cop.proto; test/cop-browser-codec.test.ts checks every field against the
 * server's reflection codec (server/shell/cop/codec.ts) in both directions.
 *
 * Decoding follows proto3: absent scalars read as their defaults, absent messages as null,
 * repeated fields as [] (packed and unpacked encodings both accepted), unknown fields skipped
 * (so a newer server's fields and CopChange kinds are ignored). Enums stay numbers.
 *
 * The codec's rooms: wire-format.ts (wire types and the field loop), decode-records.ts (resource,
 * incident and cover records), decode-requests.ts (an incident's joint requests),
 * decode-frames.ts (snapshot and delta frames), encode.ts (control
 * frames). test/cop-browser-codec.test.ts checks every file here imports nothing but
 * protobufjs/minimal, its siblings and the dependency-free proto/wire.ts.
 */
export { decodeServerFrame } from './decode-frames.ts';
export { encodeClientFrame } from './encode.ts';
