import Type, { type Static } from 'typebox';

export const FieldError = Type.Object({
  field: Type.String({
    description: 'Dotted path of the bad field, e.g. person.phone ("" for the whole body).',
  }),
  pointer: Type.String({ description: 'The same place as a JSON Pointer (RFC 6901), e.g. /person/phone.' }),
  detail: Type.String(),
});
export type FieldError = Static<typeof FieldError>;

/** Problem Details for HTTP APIs (RFC 9457), with `errors` naming every bad field. */
export const Problem = Type.Object({
  type: Type.String({
    description: 'A URI reference naming the kind of problem; /problems/<slug> describes it.',
  }),
  title: Type.String(),
  status: Type.Integer(),
  detail: Type.Optional(Type.String()),
  instance: Type.Optional(Type.String()),
  errors: Type.Optional(Type.Array(FieldError)),
});
export type Problem = Static<typeof Problem>;

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
