// Validates Kubernetes manifests against the Kubernetes API's own OpenAPI definitions, in two passes:
// - types, formats and required fields: the JSON-schema validators of kubernetes-models;
// - unknown fields (a misspelt key that the API server would drop or refuse): every key is looked up in the
//   field lists of the official JavaScript client's models (@kubernetes/client-node), recursively.
// Kinds of operators (CloudNativePG's Cluster) are validated against a JSON schema derived from their CRD
// (schemas/, each names its source and version), with ajv: types, enums, required and unknown fields alike.
// Usage: node validate.mjs FILE_OR_KUSTOMIZATION_DIR...   (a directory is rendered as kubectl apply -k would)
// Every file in negative/ must fail: the check is run against them first.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { render } from "./kustomize.mjs";
import { parseAllDocuments } from "yaml";
import * as k8s from "@kubernetes/client-node/dist/gen/models/all.js";
import Ajv from "ajv";

/** Kinds that are not Kubernetes' own, by apiVersion and kind: the schema derived from their CRD. */
const CUSTOM = {
  "postgresql.cnpg.io/v1 Cluster": "schemas/cnpg-cluster-v1.json",
};
const ajv = new Ajv({ allErrors: true, strict: false });
const customValidators = new Map();

/** The errors of a manifest of a custom kind, as "path: message"; null when the kind is not custom. */
function customErrors(manifest) {
  const file = CUSTOM[`${manifest.apiVersion} ${manifest.kind}`];
  if (!file) return null;
  if (!customValidators.has(file)) {
    customValidators.set(file, ajv.compile(JSON.parse(readFileSync(new URL(file, import.meta.url), "utf8"))));
  }
  const validate = customValidators.get(file);
  if (validate(manifest)) return [];
  return validate.errors.map((e) =>
    `${e.instancePath || "/"}: ${e.message}${e.params?.additionalProperty ? ` (${e.params.additionalProperty})` : ""}`);
}

/** Checks one manifest; throws with what is wrong. */
async function check(manifest) {
  const { apiVersion, kind } = manifest;
  const custom = customErrors(manifest);
  if (custom !== null) {
    if (custom.length > 0) throw new Error(custom.join("; "));
    return;
  }
  const models = await import("kubernetes-models/" + apiVersion);
  const Model = models[kind];
  if (!Model) throw new Error(`no model for ${apiVersion} ${kind}`);
  new Model(manifest).validate();
  const unknown = unknownFields(manifest, modelName(apiVersion, kind));
  if (unknown.length > 0) throw new Error(`unknown fields: ${unknown.join(", ")}`);
}

/** The client's model class for an apiVersion and kind: apps/v1 Deployment -> V1Deployment. */
function modelName(apiVersion, kind) {
  const version = apiVersion.split("/").pop();
  return version.charAt(0).toUpperCase() + version.slice(1) + kind;
}

const SCALARS = new Set(["string", "number", "boolean", "Date", "IntOrString", "any", "object"]);

/** Every key of value that the type does not define, as JSON paths. */
export function unknownFields(value, type, path = "") {
  if (value === null || value === undefined || SCALARS.has(type)) return [];
  const array = /^Array<(.+)>$/.exec(type);
  if (array) {
    return Array.isArray(value) ? value.flatMap((item, i) => unknownFields(item, array[1], `${path}[${i}]`)) : [];
  }
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map) {
    return typeof value === "object"
      ? Object.entries(value).flatMap(([k, v]) => unknownFields(v, map[1], `${path}.${k}`)) : [];
  }
  const model = k8s[type];
  if (!model || typeof model.getAttributeTypeMap !== "function") {
    throw new Error(`no definition for type ${type} at ${path || "/"}`);
  }
  if (typeof value !== "object" || Array.isArray(value)) return []; // a type error, reported by the first pass
  const fields = new Map(model.getAttributeTypeMap().map((a) => [a.baseName, a.type]));
  return Object.entries(value).flatMap(([k, v]) =>
    fields.has(k) ? unknownFields(v, fields.get(k), `${path}.${k}`) : [`${path}.${k}`]);
}

// The check must be able to fail: misspelt keys at three depths are found, correct ones are not.
const probe = unknownFields({
  apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "p", labels: { any: "label" } },
  spec: { replicaz: 2, selector: { matchLabels: { a: "b" } }, template: { spec: { containers: [
    { name: "c", image: "i", imagePullPolicy: "Always", resources: { limits: { memory: "1Gi" } }, envFrom: [],
      readinessProbe: { httpGet: { path: "/", port: "http", schema: "HTTP" } } }] } } },
}, "V1Deployment");
const expected = [".spec.replicaz", ".spec.template.spec.containers[0].readinessProbe.httpGet.schema"];
if (JSON.stringify(probe) !== JSON.stringify(expected)) {
  console.error(`FAIL the unknown-field check itself: found ${JSON.stringify(probe)}, expected ${JSON.stringify(expected)}`);
  process.exit(1);
}

// The renderer must be able to fail too: a kustomization field it does not apply, and a patch whose path is not
// in the manifest, are both refused rather than ignored.
{
  const dir = mkdtempSync(join(tmpdir(), "kustomize-probe-"));
  writeFileSync(join(dir, "cm.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: p\n");
  const refused = (kustomization) => {
    writeFileSync(join(dir, "kustomization.yaml"), kustomization);
    try { render(dir); return false; } catch { return true; }
  };
  const head = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [cm.yaml]\n";
  const ok = !refused(head)
    && refused(head + "namePrefix: x-\n")
    && refused(head + "patches:\n  - target: {kind: ConfigMap, name: p}\n    patch: '[{op: replace, path: /data/x, value: y}]'\n");
  rmSync(dir, { recursive: true });
  if (!ok) {
    console.error("FAIL the kustomization renderer itself: it accepted what it must refuse, or refused a plain one");
    process.exit(1);
  }
}

// The custom kinds' check must be able to fail: each manifest in negative/ lists, as "# expect:" lines, the errors
// it must be refused with (a misspelt field, a wrong type, a value outside an enum), and gets exactly those.
{
  const dir = new URL("negative/", import.meta.url);
  const files = readdirSync(dir).filter((f) => f.endsWith(".yaml"));
  if (files.length === 0) {
    console.error("FAIL no negative manifests in negative/");
    process.exit(1);
  }
  for (const file of files) {
    const manifest = parseAllDocuments(readFileSync(new URL(file, dir), "utf8"))[0].toJSON();
    const text = readFileSync(new URL(file, dir), "utf8");
    const errors = customErrors(parseAllDocuments(text)[0].toJSON()) ?? [];
    const expected = [...text.matchAll(/^# expect: (.+)$/gm)].map((m) => m[1]);
    const missed = expected.filter((x) => !errors.includes(x));
    if (expected.length === 0 || missed.length > 0 || errors.length !== expected.length) {
      console.error(`FAIL negative/${file}: expected exactly ${JSON.stringify(expected)}, got ${JSON.stringify(errors)}`);
      process.exit(1);
    }
    console.log(`ok   negative/${file} refused: ${errors.join("; ")}`);
  }
}

/**
 * Where each setting lives: a key that names a secret (…_SECRET, …_PASSWORD, …_TOKEN, …_KEY) is in a Secret, never in
 * a ConfigMap, whose values anyone who may read the namespace's configuration reads; and where a ConfigMap names an
 * OpenID Connect provider, a Secret holds the client's secret. Answers the problems, one line each.
 */
export function misplacedSettings(manifests) {
  const problems = [];
  const configMaps = manifests.filter((m) => m.kind === "ConfigMap");
  const secrets = manifests.filter((m) => m.kind === "Secret");
  for (const cm of configMaps) {
    for (const key of Object.keys(cm.data ?? {})) {
      if (/_(SECRET|PASSWORD|TOKEN|KEY)$/.test(key)) {
        problems.push(`ConfigMap ${cm.metadata?.name} holds ${key}, a secret: it belongs in a Secret`);
      }
    }
  }
  const secretKeys = new Set(secrets.flatMap((s) => Object.keys({ ...(s.data ?? {}), ...(s.stringData ?? {}) })));
  const provider = configMaps.some((cm) => "QUARKUS_OIDC_AUTH_SERVER_URL" in (cm.data ?? {}));
  if (provider && !secretKeys.has("QUARKUS_OIDC_CREDENTIALS_SECRET")) {
    problems.push("a ConfigMap names an OpenID Connect provider, but no Secret holds QUARKUS_OIDC_CREDENTIALS_SECRET");
  }
  return problems;
}

// The placement check must be able to fail: a secret in a ConfigMap, and a provider without its client secret.
{
  const cm = (data) => ({ kind: "ConfigMap", metadata: { name: "c" }, data });
  const secret = (stringData) => ({ kind: "Secret", metadata: { name: "s" }, stringData });
  const found = [
    misplacedSettings([cm({ QUARKUS_OIDC_CREDENTIALS_SECRET: "x" })]).length,
    misplacedSettings([cm({ QUARKUS_OIDC_AUTH_SERVER_URL: "https://sso" }), secret({ OTHER: "x" })]).length,
    misplacedSettings([cm({ QUARKUS_OIDC_AUTH_SERVER_URL: "https://sso", REFRACT_ADMIN_TOKEN_ENABLED: "true" }),
      secret({ QUARKUS_OIDC_CREDENTIALS_SECRET: "x" })]).length,
  ];
  if (JSON.stringify(found) !== JSON.stringify([1, 1, 0])) {
    console.error(`FAIL the settings placement check itself: found ${JSON.stringify(found)}, expected [1,1,0]`);
    process.exit(1);
  }
}

let failures = 0;
let checked = 0;
for (const arg of process.argv.slice(2)) {
  let manifests;
  try {
    manifests = statSync(arg).isDirectory() ? render(arg)
      : parseAllDocuments(readFileSync(arg, "utf8")).map((d) => ({ source: arg, manifest: d.toJSON() }))
        .filter((m) => m.manifest);
  } catch (e) {
    failures++;
    console.error(`FAIL ${arg}: ${e.message}`);
    continue;
  }
  for (const problem of misplacedSettings(manifests.map((m) => m.manifest))) {
    failures++;
    console.error(`FAIL ${arg}: ${problem}`);
  }
  for (const { source, manifest } of manifests) {
    const { kind } = manifest;
    try {
      await check(manifest);
      checked++;
      console.log(`ok   ${source}: ${kind} ${manifest.metadata?.name}`);
    } catch (e) {
      failures++;
      console.error(`FAIL ${source}: ${kind} ${manifest.metadata?.name}: ${e.message}`);
    }
  }
}
console.log(`${checked} manifests valid, ${failures} invalid`);
process.exit(failures === 0 && checked > 0 ? 0 : 1);
