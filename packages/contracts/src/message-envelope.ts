import Type, { type Static, type TSchema } from 'typebox';

/** Every bus message: what it is, which version of its schema, and the key that orders it. */
export const MessageEnvelope = <Payload extends TSchema>(type: string, version: number, payload: Payload) =>
  Type.Object({
    type: Type.Literal(type),
    version: Type.Literal(version),
    id: Type.String({ description: 'Unique per message; consumers record it to apply each message once.' }),
    occurredAt: Type.String({ format: 'date-time' }),
    key: Type.String({ description: 'Ordering key: messages with one key are consumed in order.' }),
    payload,
  });

export interface MessageDefinition<Payload extends TSchema> {
  readonly type: string;
  readonly version: number;
  readonly topic: string;
  readonly schema: ReturnType<typeof MessageEnvelope<Payload>>;
}

export type MessageOf<Definition> =
  Definition extends MessageDefinition<infer P> ? Static<ReturnType<typeof MessageEnvelope<P>>> : never;

export function defineMessage<Payload extends TSchema>(
  topic: string,
  type: string,
  version: number,
  payload: Payload,
): MessageDefinition<Payload> {
  return { topic, type, version, schema: MessageEnvelope(type, version, payload) };
}
