import type * as Model from './generated/prisma/client.ts';

/**
 * The rows raw SQL reads, typed from the one schema (prisma/schema.prisma) through Prisma's generated
 * model types: a model's fields renamed to their columns. Every column is `@map`ped to the snake_case
 * of its field (rows.test.ts checks it), so the renaming is a type-level one.
 *
 * A query picks the columns it reads: `Pick<LeadRow, 'id' | 'status'>`. Json columns are typed
 * JsonValue here; a reader that knows a column's shape narrows it (`Omit<..., 'holidays'> & {...}`).
 */
type Snake<Name extends string> = Name extends `${infer Head}${infer Tail}`
  ? `${Head extends Lowercase<Head> ? Head : `_${Lowercase<Head>}`}${Snake<Tail>}`
  : Name;

/** A model's row as SQL returns it: its fields under their column names. */
export type RowOf<Fields> = { [Field in keyof Fields & string as Snake<Field>]: Fields[Field] };

export type TenantRow = RowOf<Model.Tenant>;
export type ApiKeyRow = RowOf<Model.ApiKey>;
export type CampaignRow = RowOf<Model.Campaign>;
export type IntentEventRow = RowOf<Model.IntentEvent>;
export type LeadRow = RowOf<Model.Lead>;
export type AttemptRow = RowOf<Model.Attempt>;
export type LeadHistoryRow = RowOf<Model.LeadHistory>;
export type OutboxRow = RowOf<Model.Outbox>;
export type DncEntryRow = RowOf<Model.DncEntry>;
export type AgentRow = RowOf<Model.Agent>;
export type AgentStateSpanRow = RowOf<Model.AgentStateSpan>;
export type ReportLeadRow = RowOf<Model.ReportLead>;
export type ManagerRow = RowOf<Model.Manager>;
export type SurveyRow = RowOf<Model.Survey>;
export type AlertWebhookRow = RowOf<Model.AlertWebhook>;
export type AlertCampaignRow = RowOf<Model.AlertCampaign>;
export type AlertDeliveryRow = RowOf<Model.AlertDelivery>;

/** A report_lead row in the model's own (camelCase) shape, as the SLA fold holds it. */
export type ReportLead = Model.ReportLead;
