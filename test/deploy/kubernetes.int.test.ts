import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IJob } from 'kubernetes-models/batch/v1/Job';
import type { IIngress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import type { IService } from 'kubernetes-models/v1/Service';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkFieldsByTypes } from './kubernetes-field-check.ts';
import {
  findKubectl,
  type IngressPath,
  KUBERNETES_DIR,
  type KubeObject,
  kustomize,
  routeOf,
  selects,
  validateObject,
} from './kubernetes-manifests.ts';

const SERVICES = [
  'ingest',
  'scoring',
  'dispatcher',
  'agent-gateway',
  'dialer',
  'reporting',
  'console',
  'alerts',
  'surveys',
] as const;
/** The services with an API behind the Ingress; scoring and the dialer answer /healthz only. */
const HTTP_SERVICES = ['ingest', 'dispatcher', 'agent-gateway', 'reporting', 'console', 'alerts', 'surveys'];
/** The services that read PRONTO_MASTER_KEY (docs/operations.md): the others must not hold it. */
const MASTER_KEY_SERVICES = ['ingest', 'dispatcher', 'reporting', 'console', 'alerts', 'surveys'];

const kubectl = findKubectl();
const missing = 'missing' in kubectl ? kubectl.missing : undefined;

function must<T>(value: T | undefined | null, what: string): T {
  if (value === undefined || value === null) throw new Error(`${what} is missing`);
  return value;
}

const ofKind = <T>(objects: KubeObject[], kind: string) =>
  objects.filter((object) => object.kind === kind) as unknown as (T & KubeObject)[];
const named = <T extends { metadata?: { name?: string } }>(objects: T[], name: string) =>
  must(
    objects.find((object) => object.metadata?.name === name),
    name,
  );
const podSpec = (deployment: IDeployment): IPodSpec =>
  must(deployment.spec?.template.spec, `${deployment.metadata?.name}'s pod spec`);
const container = (spec: IPodSpec): IContainer => must(spec.containers[0], 'the container');
const settingsOf = (objects: KubeObject[]) =>
  must(ofKind<KubeObject>(objects, 'ConfigMap')[0]?.data, 'the ConfigMap data') as Record<string, string>;
const secretOf = (c: IContainer, variable: string) =>
  c.env?.find((entry) => entry.name === variable)?.valueFrom?.secretKeyRef;

it('kubectl is installed to render the manifests (required when CI=true)', (context) => {
  if (!missing) return;
  if (process.env.CI !== 'true') context.skip(`${missing}: the Kubernetes manifests are not checked`);
  throw new Error(`${missing}: CI renders and checks the Kubernetes manifests with it (kubectl kustomize)`);
});

describe.skipIf(missing)('the Kubernetes manifests, rendered with kubectl kustomize', () => {
  let base: KubeObject[];
  let overlay: KubeObject[];
  beforeAll(() => {
    const path = 'path' in kubectl ? kubectl.path : 'kubectl';
    base = kustomize(path, join(KUBERNETES_DIR, 'base'));
    overlay = kustomize(path, join(KUBERNETES_DIR, 'overlays/example'));
  });

  it('are valid by the Kubernetes API schemas, every object of the base and of the overlay', () => {
    expect(base.length).toBeGreaterThan(25);
    expect(overlay.length).toBeGreaterThan(base.length);
    expect([...base, ...overlay].flatMap(validateObject)).toEqual([]);
  });

  it('use only fields the Kubernetes API has, with their types (the schemas let unknown fields through)', () => {
    expect(checkFieldsByTypes([...base, ...overlay])).toEqual([]);
  });

  describe.each([
    ['base', () => base, 'pronto'],
    ['example overlay', () => overlay, 'registry.bank.example/pronto:0.1.0'],
  ])('%s', (_name, objects, image) => {
    const deployments = () => ofKind<IDeployment>(objects(), 'Deployment');

    it('runs every service from the one image, chosen by its argument, on port 8080', () => {
      expect(
        deployments()
          .map((deployment) => deployment.metadata?.name)
          .sort(),
      ).toEqual([...SERVICES].sort());
      for (const deployment of deployments()) {
        const c = container(podSpec(deployment));
        expect(c.image).toBe(image);
        expect(c.args).toEqual([deployment.metadata?.name]);
        expect(c.ports).toEqual([expect.objectContaining({ name: 'http', containerPort: 8080 })]);
      }
    });

    it('probes every service on /healthz, asks for resources and runs it non-root on a read-only root', () => {
      for (const deployment of deployments()) {
        const spec = podSpec(deployment);
        const c = container(spec);
        const where = deployment.metadata?.name;
        for (const probe of [c.readinessProbe, c.livenessProbe, c.startupProbe])
          expect(probe?.httpGet, where).toMatchObject({ path: '/healthz', port: 'http' });
        expect(c.resources?.requests, where).toMatchObject({
          cpu: expect.any(String),
          memory: expect.any(String),
        });
        expect(c.resources?.limits?.memory, where).toEqual(expect.any(String));
        expect(spec.securityContext?.runAsNonRoot, where).toBe(true);
        expect(spec.securityContext?.runAsUser, where).toBeGreaterThan(0);
        expect(c.securityContext, where).toMatchObject({
          readOnlyRootFilesystem: true,
          allowPrivilegeEscalation: false,
          capabilities: { drop: ['ALL'] },
        });
        const tmp = c.volumeMounts?.find((mount) => mount.mountPath === '/tmp');
        expect(spec.volumes?.find((volume) => volume.name === tmp?.name)?.emptyDir, where).toBeDefined();
      }
    });

    it('takes the settings from the ConfigMap and the secrets from the Secret, the master key only where used', () => {
      const configMap = must(ofKind<KubeObject>(objects(), 'ConfigMap')[0], 'the ConfigMap');
      expect(configMap.metadata.name).toMatch(/^pronto-config-/);
      for (const deployment of deployments()) {
        const c = container(podSpec(deployment));
        const name = must(deployment.metadata?.name, 'name');
        expect(c.envFrom).toEqual([{ configMapRef: { name: configMap.metadata.name } }]);
        expect(secretOf(c, 'DATABASE_URL')).toMatchObject({ name: expect.stringMatching(/^pronto-secrets/) });
        expect(secretOf(c, 'PRONTO_MASTER_KEY') !== undefined, name).toBe(MASTER_KEY_SERVICES.includes(name));
      }
    });

    it('has a PodDisruptionBudget for every Deployment, selecting its pods and no other', () => {
      const budgets = ofKind<IPodDisruptionBudget>(objects(), 'PodDisruptionBudget');
      for (const deployment of deployments()) {
        const mine = budgets.filter((budget) =>
          selects(budget.spec?.selector?.matchLabels ?? {}, deployment.spec?.template.metadata?.labels),
        );
        expect(mine.map((budget) => budget.metadata?.name)).toEqual([deployment.metadata?.name]);
        expect(mine[0]?.spec?.maxUnavailable ?? mine[0]?.spec?.minAvailable).toBe(1);
      }
    });

    it('gives every HTTP service a Service that reaches its pods on the named port', () => {
      const services = ofKind<IService>(objects(), 'Service');
      expect(services.map((service) => service.metadata?.name).sort()).toEqual([...HTTP_SERVICES].sort());
      for (const service of services) {
        const picked = deployments().filter((deployment) =>
          selects(service.spec?.selector ?? {}, deployment.spec?.template.metadata?.labels),
        );
        expect(picked.map((deployment) => deployment.metadata?.name)).toEqual([service.metadata?.name]);
        expect(service.spec?.ports).toEqual([expect.objectContaining({ name: 'http', targetPort: 'http' })]);
      }
    });

    it('routes the one origin by path: /v1/staffing to the dispatcher, /agent (and its WebSocket) to the gateway', () => {
      const ingress = must(ofKind<IIngress>(objects(), 'Ingress')[0], 'the Ingress');
      const rules = must(ingress.spec?.rules, 'rules');
      expect(rules).toHaveLength(1);
      const paths = must(rules[0]?.http?.paths, 'paths') as IngressPath[];
      const expected: Record<string, string | undefined> = {
        '/v1/staffing': 'dispatcher',
        '/agent': 'agent-gateway',
        '/agent/ws': 'agent-gateway',
        '/agent/session': 'agent-gateway',
        '/agents': 'ingest',
        '/manager': 'console',
        '/manager/staffing': 'console',
        '/manager/stream': 'console',
        '/v1/admin/tenants/acme': 'console',
        '/v1/reports/sla': 'reporting',
        '/v1/alerts/settings': 'alerts',
        '/v1/surveys/4f1c/responses': 'surveys',
        '/v1/events': 'ingest',
        '/v1/leads/4f1c': 'ingest',
        '/v1/dnc:import': 'ingest',
        '/docs': 'ingest',
        '/openapi.json': 'ingest',
        '/metrics': 'ingest',
      };
      const routed = Object.fromEntries(Object.keys(expected).map((path) => [path, routeOf(paths, path)]));
      expect(routed).toEqual(expected);
      const services = ofKind<IService>(objects(), 'Service').map((service) => service.metadata?.name);
      for (const path of paths) {
        expect(services).toContain(path.backend.service.name);
        expect(path.backend.service.port).toEqual({ name: 'http' });
      }
    });

    it('migrates with a Job of the same image (args: [migrate]), labelled to be applied first', () => {
      const job = named(ofKind<IJob>(objects(), 'Job'), 'pronto-migrate');
      const spec = must(job.spec?.template.spec, 'the Job pod spec');
      const c = container(spec);
      expect(c.image).toBe(image);
      expect(c.args).toEqual(['migrate']);
      expect(spec.restartPolicy).toBe('Never');
      expect(spec.securityContext?.runAsNonRoot).toBe(true);
      expect(c.securityContext?.readOnlyRootFilesystem).toBe(true);
      expect(secretOf(c, 'DATABASE_URL')).toMatchObject({ name: expect.stringMatching(/^pronto-secrets/) });
      expect(job.metadata?.labels?.['pronto-step']).toBe('migrate');
      // The first step (`kubectl apply -l pronto-step=migrate`) leaves every Deployment for the second.
      const first = objects().filter((object) => object.metadata.labels?.['pronto-step'] === 'migrate');
      expect(first.map((object) => object.kind)).not.toContain('Deployment');
    });
  });

  describe('the example overlay', () => {
    it('puts everything in the namespace pronto, which it creates, under the restricted pod security', () => {
      const namespace = named(ofKind<KubeObject>(overlay, 'Namespace'), 'pronto');
      expect(namespace.metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe('restricted');
      for (const object of overlay.filter((o) => o.kind !== 'Namespace'))
        expect(object.metadata.namespace, `${object.kind}/${object.metadata.name}`).toBe('pronto');
      expect(base.every((object) => object.metadata.namespace === undefined)).toBe(true);
    });

    it('pins the image tag and sets the replicas, two at least for each service', () => {
      const replicas = Object.fromEntries(
        ofKind<IDeployment>(overlay, 'Deployment').map((d) => [d.metadata?.name, d.spec?.replicas]),
      );
      expect(replicas).toMatchObject({ ingest: 3, dispatcher: 3, 'agent-gateway': 2, dialer: 2 });
      expect(Object.values(replicas).every((count) => (count ?? 0) >= 2)).toBe(true);
      const baseReplicas = ofKind<IDeployment>(base, 'Deployment').map((d) => d.spec?.replicas);
      expect(baseReplicas).toEqual(SERVICES.map(() => 2));
      const images = [...ofKind<IDeployment>(overlay, 'Deployment'), ...ofKind<IJob>(overlay, 'Job')].map(
        (object) => object.spec?.template.spec?.containers[0]?.image,
      );
      expect(new Set(images)).toEqual(new Set(['registry.bank.example/pronto:0.1.0']));
    });

    it('names the Kafka brokers and the one public origin the Ingress serves with TLS', () => {
      const data = settingsOf(overlay);
      expect(data.KAFKA_BROKERS).toMatch(/^[a-z0-9.-]+:\d+(,[a-z0-9.-]+:\d+)*$/);
      expect(data.KAFKA_BROKERS).not.toBe(settingsOf(base).KAFKA_BROKERS);
      expect(data.BUS).toBe('kafka');
      const ingress = must(ofKind<IIngress>(overlay, 'Ingress')[0], 'the Ingress');
      const host = must(ingress.spec?.rules?.[0]?.host, 'the Ingress host');
      expect(data.PRONTO_PUBLIC_ORIGINS).toBe(`https://${host}`);
      expect(data.PRONTO_TRUST_PROXY).toBe('1');
      expect(ingress.spec?.tls).toEqual([{ hosts: [host], secretName: expect.any(String) }]);
    });

    it('generates the Secret every reference names, with the two keys the services need', () => {
      const secret = must(ofKind<KubeObject>(overlay, 'Secret')[0], 'the Secret');
      expect(Object.keys(secret.data as object).sort()).toEqual(['DATABASE_URL', 'PRONTO_MASTER_KEY']);
      const references = [
        ...ofKind<IDeployment>(overlay, 'Deployment'),
        ...ofKind<IJob>(overlay, 'Job'),
      ].flatMap((object) => object.spec?.template.spec?.containers[0]?.env ?? []);
      for (const entry of references) {
        const ref = entry.valueFrom?.secretKeyRef;
        if (ref) expect(ref.name, entry.name).toBe(secret.metadata.name);
      }
      expect(secret.metadata.labels?.['pronto-step']).toBe('migrate');
    });

    it('gives the dispatcher more CPU and memory than the base does', () => {
      const resources = (objects: KubeObject[]) =>
        container(podSpec(named(ofKind<IDeployment>(objects, 'Deployment'), 'dispatcher'))).resources;
      expect(resources(base)?.requests).toEqual({ cpu: '100m', memory: '256Mi' });
      expect(resources(overlay)).toEqual({
        requests: { cpu: '500m', memory: '512Mi' },
        limits: { cpu: '2', memory: '1Gi' },
      });
    });

    it('sets only settings docs/operations.md documents', async () => {
      const operations = await readFile(new URL('../../docs/operations.md', import.meta.url), 'utf8');
      const keys = Object.keys(settingsOf(overlay));
      expect(keys.filter((key) => !operations.includes(`\`${key}\``))).toEqual([]);
    });
  });

  describe('a broken manifest', () => {
    let dir: string | undefined;
    afterAll(async () => {
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it('is rejected by the validator: a port given as a string, a Deployment without its selector', () => {
      const ingest = structuredClone(named(ofKind<IDeployment>(base, 'Deployment'), 'ingest'));
      must(container(podSpec(ingest)).ports?.[0], 'port').containerPort = '8080' as unknown as number;
      expect(validateObject(ingest as unknown as KubeObject)).toEqual([
        expect.stringMatching(/containerPort must be integer/),
      ]);
      const headless = structuredClone(named(ofKind<IDeployment>(base, 'Deployment'), 'ingest')) as {
        spec: { selector?: unknown };
      };
      delete headless.spec.selector;
      expect(validateObject(headless as unknown as KubeObject)).toEqual([expect.stringMatching(/selector/)]);
    });

    it('is rejected for a field the API does not have: a misspelt probe', () => {
      const misspelt = structuredClone(named(ofKind<IDeployment>(base, 'Deployment'), 'dispatcher'));
      const c = container(podSpec(misspelt)) as IContainer & { readinesProbe?: unknown };
      c.readinesProbe = c.readinessProbe;
      delete c.readinessProbe;
      // The OpenAPI schemas allow properties they do not name; `kubectl apply` refuses them.
      expect(validateObject(misspelt as unknown as KubeObject)).toEqual([]);
      expect(checkFieldsByTypes([misspelt as unknown as KubeObject])).toEqual([
        expect.stringMatching(
          /^Deployment\/dispatcher: .*'"readinesProbe"' does not exist in type 'IContainer'/,
        ),
      ]);
    });

    it('is rejected when an overlay breaks it: a probe timeout in words, a budget of "one"', async () => {
      dir = await mkdtemp(join(tmpdir(), 'pronto-kustomize-'));
      await writeFile(
        join(dir, 'kustomization.yaml'),
        `resources: [${relative(dir, join(KUBERNETES_DIR, 'base'))}]
patches:
  - target: { kind: Deployment, name: dialer }
    patch: |
      - { op: replace, path: /spec/template/spec/containers/0/livenessProbe/timeoutSeconds, value: three }
  - target: { kind: PodDisruptionBudget, name: dialer }
    patch: |
      - { op: replace, path: /spec/maxUnavailable, value: { one: 1 } }
`,
      );
      const path = 'path' in kubectl ? kubectl.path : 'kubectl';
      const problems = kustomize(path, dir).flatMap(validateObject);
      expect(problems).toEqual([
        expect.stringMatching(/^Deployment\/dialer: .*livenessProbe\/timeoutSeconds must be integer/),
        expect.stringMatching(/^PodDisruptionBudget\/dialer: .*maxUnavailable/),
      ]);
    });
  });
});
