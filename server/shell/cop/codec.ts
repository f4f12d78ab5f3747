import protobuf from 'protobufjs';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { CopServerMsg } from '../../core/cop/frames.ts';

/**
 * The COP wire codec, server side: proto/cop.proto (which imports avl.proto for ResourceStatus)
 * loaded once with protobufjs. The hub hands plain objects shaped like the messages
 * (server/core/cop/frames.ts), encoded as they are. Client frames are decoded here and validated
 * by the core (parseControl).
 *
 * The browser cannot read .proto files, so client/cop/cop-descriptor.ts holds the same schema as
 * a JSON descriptor for protobufjs/light; `node --import tsx server/shell/cop/codec.ts --write`
 * regenerates it and test/cop-codec.test.ts fails if it drifts from the .proto.
 */
export const COP_PROTO_PATH = fileURLToPath(new URL('../../../proto/cop.proto', import.meta.url));
const DESCRIPTOR_PATH = fileURLToPath(new URL('../../../client/cop/cop-descriptor.ts', import.meta.url));

const root = protobuf.loadSync(COP_PROTO_PATH);
export const CopServerMessageType = root.lookupType('jcr.v1.CopServerMessage');
export const CopClientMessageType = root.lookupType('jcr.v1.CopClientMessage');

export function encodeServer(msg: CopServerMsg): Uint8Array {
  return CopServerMessageType.encode(msg as unknown as protobuf.Message).finish();
}

/** Decode a client frame. Throws (any error) if the bytes are not a CopClientMessage. */
export function decodeClient(bytes: Uint8Array): unknown {
  return CopClientMessageType.decode(bytes);
}

/** The descriptor the browser codec loads: only the jcr.v1 types cop.proto uses. */
export function copDescriptor(): protobuf.INamespace {
  const v1 = root.lookup('jcr.v1') as protobuf.Namespace;
  const nested: Record<string, protobuf.AnyNestedObject> = {};
  for (const obj of v1.nestedArray) {
    if (obj.name.startsWith('Cop') || obj.name === 'ResourceStatus')
      nested[obj.name] = obj.toJSON() as protobuf.AnyNestedObject;
  }
  return { nested: { jcr: { nested: { v1: { nested } } } } };
}

export function descriptorSource(): string {
  return (
    '// Generated from proto/cop.proto (and avl.proto) by `node --import tsx server/shell/cop/codec.ts --write`.\n' +
    '// Do not edit: test/cop-codec.test.ts checks it against the .proto files.\n' +
    `export const COP_DESCRIPTOR = ${JSON.stringify(copDescriptor(), null, 2)} as const;\n`
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv.includes('--write')) {
  writeFileSync(DESCRIPTOR_PATH, descriptorSource());
  process.stdout.write(`wrote ${DESCRIPTOR_PATH}\n`);
}
