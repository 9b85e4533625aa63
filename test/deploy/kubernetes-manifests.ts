import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as apps from 'kubernetes-models/apps/v1';
import * as autoscaling from 'kubernetes-models/autoscaling/v2';
import * as batch from 'kubernetes-models/batch/v1';
import * as networking from 'kubernetes-models/networking.k8s.io/v1';
import * as policy from 'kubernetes-models/policy/v1';
import * as core from 'kubernetes-models/v1';
import { parseAllDocuments } from 'yaml';

export const KUBERNETES_DIR = fileURLToPath(new URL('../../infra/kubernetes/', import.meta.url));

/** A rendered object, as kubectl prints it; its shape is known once `validateObject` took it. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [field: string]: unknown;
}

/** Where kubectl is, or why it cannot be used. */
export function findKubectl(): { path: string } | { missing: string } {
  const path = process.env.KUBECTL ?? 'kubectl';
  const probe = spawnSync(path, ['version', '--client'], { encoding: 'utf8' });
  if (probe.error) return { missing: `kubectl is not installed (${probe.error.message})` };
  if (probe.status !== 0) return { missing: `kubectl version --client failed: ${probe.stderr.trim()}` };
  return { path };
}

/** `kubectl kustomize <dir>`: every object the directory renders to, in kubectl's order. */
export function kustomize(kubectl: string, dir: string): KubeObject[] {
  const run = spawnSync(kubectl, ['kustomize', dir], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  if (run.status !== 0)
    throw new Error(`kubectl kustomize ${dir} failed: ${run.stderr || run.error?.message}`);
  return parseAllDocuments(run.stdout)
    .map((document) => {
      if (document.errors.length > 0)
        throw new Error(`kubectl printed bad YAML: ${document.errors[0]?.message}`);
      return document.toJSON() as KubeObject | null;
    })
    .filter((object): object is KubeObject => object !== null);
}

interface ModelClass {
  apiVersion: string;
  kind: string;
  new (data: never): { validate(): void };
}

/** Every top-level kind of the API groups the manifests may use, by `apiVersion kind`. */
const MODELS = new Map<string, ModelClass>();
for (const group of [core, apps, batch, policy, networking, autoscaling]) {
  for (const value of Object.values(group)) {
    if (typeof value !== 'function') continue;
    const model = value as unknown as Partial<ModelClass>;
    if (typeof model.apiVersion === 'string' && typeof model.kind === 'string')
      MODELS.set(`${model.apiVersion} ${model.kind}`, model as ModelClass);
  }
}

/**
 * Checks an object against Kubernetes' own OpenAPI schema for its apiVersion and kind
 * (kubernetes-models compiles the upstream schemas with ajv). Returns the problems, none when valid.
 */
export function validateObject(object: KubeObject): string[] {
  const model = MODELS.get(`${object.apiVersion} ${object.kind}`);
  if (!model) return [`no Kubernetes schema for ${object.apiVersion} ${object.kind}`];
  try {
    new model(wrappedBase64Joined(object) as never).validate();
    return [];
  } catch (error) {
    return [`${object.kind}/${object.metadata?.name}: ${(error as Error).message}`];
  }
}

/**
 * A copy of the object with the line breaks taken out of a Secret's base64 values: kustomize wraps
 * long ones at 70 characters, which the API server decodes (Go's base64 skips line breaks) but the
 * schema's `byte` format does not allow.
 */
function wrappedBase64Joined(object: KubeObject): KubeObject {
  const copy = structuredClone(object);
  if (copy.kind === 'Secret' && copy.data && typeof copy.data === 'object') {
    const data = copy.data as Record<string, unknown>;
    for (const [key, value] of Object.entries(data))
      if (typeof value === 'string') data[key] = value.replace(/[\r\n]/g, '');
  }
  return copy;
}

export interface IngressPath {
  path: string;
  pathType: string;
  backend: { service: { name: string; port: { name?: string; number?: number } } };
}

/**
 * Which Service the Ingress sends a request path to, by the Ingress rules for `Prefix` paths:
 * a prefix matches whole path elements, and the longest matching path wins.
 */
export function routeOf(paths: readonly IngressPath[], requestPath: string): string | undefined {
  const elements = (path: string) => path.split('/').filter((element) => element !== '');
  const request = elements(requestPath);
  let best: { length: number; service: string } | undefined;
  for (const rule of paths) {
    if (rule.pathType !== 'Prefix') throw new Error(`path ${rule.path}: only Prefix paths are modelled here`);
    const prefix = elements(rule.path);
    const matches = prefix.every((element, index) => request[index] === element);
    if (matches && (!best || prefix.length > best.length))
      best = { length: prefix.length, service: rule.backend.service.name };
  }
  return best?.service;
}

/** Whether a label selector's matchLabels pick a pod with these labels. */
export function selects(matchLabels: Record<string, string>, labels: Record<string, string> = {}): boolean {
  return Object.entries(matchLabels).every(([key, value]) => labels[key] === value);
}
