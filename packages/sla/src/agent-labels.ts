import type { SqlQueryable } from '@pronto/db';

/** Gives each slice keyed by an agent's id that agent's name (`label`), for reports sliced by agent. */
export async function labelAgentSlices(
  sql: SqlQueryable,
  tenantId: string,
  slices: { key: string | null; label?: string }[],
): Promise<void> {
  if (slices.length === 0) return;
  const names = await sql.query<{ id: string; display_name: string }>(
    'SELECT id::text, display_name FROM agent WHERE tenant_id = $1 AND id::text = ANY($2::text[])',
    [tenantId, slices.map((slice) => slice.key).filter((key) => key !== null)],
  );
  const byId = new Map(names.map((row) => [row.id, row.display_name]));
  for (const slice of slices) {
    const name = slice.key ? byId.get(slice.key) : undefined;
    if (name) slice.label = name;
  }
}
