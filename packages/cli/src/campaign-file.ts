import { CliError } from './cli-context.ts';
import { readTextFile } from './read-text-file.ts';

/** A campaign file: where the campaign lives, and its settings (the body of PUT .../campaigns/:campaign). */
export interface CampaignFile {
  tenant: string | undefined;
  slug: string;
  settings: Record<string, unknown>;
}

export async function readCampaignFile(path: string): Promise<CampaignFile> {
  const text = await readTextFile(path);
  let document: unknown;
  try {
    document = (await import('yaml')).parse(text);
  } catch (error) {
    throw new CliError(`${path} is not valid YAML: ${(error as Error).message}`);
  }
  if (!document || typeof document !== 'object' || Array.isArray(document)) {
    throw new CliError(`${path} must be a YAML mapping with tenant, slug and the campaign's settings.`);
  }
  const { tenant, slug, createdAt: _readOnly, ...settings } = document as Record<string, unknown>;
  if (typeof slug !== 'string' || !slug)
    throw new CliError(`${path}: slug is missing (the campaign's slug).`);
  if (tenant !== undefined && typeof tenant !== 'string')
    throw new CliError(`${path}: tenant must be a slug.`);
  return { tenant, slug, settings };
}

/** A campaign as Pronto answers it, as a file `pronto campaign apply -f` takes back unchanged. */
export async function campaignYaml(tenant: string, campaign: Record<string, unknown>): Promise<string> {
  const { Document, isScalar, isSeq, visit } = await import('yaml');
  const { slug, createdAt: _readOnly, ...settings } = campaign;
  const document = new Document({ tenant, slug, ...settings });
  // Lists of plain values on one line (days: [1, 2, 3]), as a person writes them.
  visit(document, {
    Seq(_key, node) {
      if (isSeq(node) && node.items.every((item) => isScalar(item))) node.flow = true;
    },
  });
  return `# pronto campaign apply -f <this file>\n${document.toString({ flowCollectionPadding: false })}`;
}

/** One changed field as `field: before → after`, values as compact JSON. */
export function describeChange(change: { field: string; before: unknown; after: unknown }): string {
  const show = (value: unknown) => (value === undefined ? '(unset)' : JSON.stringify(value));
  return `  ${change.field}: ${show(change.before)} → ${show(change.after)}`;
}
