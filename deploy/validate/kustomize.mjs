// Renders a kustomization the way `kubectl apply -k` would, for the subset Refract's manifests use: resources
// (files, or directories holding a kustomization), images (newName / newTag) and patches given as inline RFC 6902
// operations with a kind and name target. Anything else in a kustomization.yaml is refused, so that a field this
// renderer does not know cannot be ignored silently while CI passes.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { parse, parseAllDocuments } from "yaml";
import jsonpatch from "fast-json-patch";

const KNOWN = new Set(["apiVersion", "kind", "resources", "images", "patches"]);

export function render(dir) {
  const file = join(dir, "kustomization.yaml");
  const k = parse(readFileSync(file, "utf8"));
  const unknown = Object.keys(k).filter((key) => !KNOWN.has(key));
  if (unknown.length > 0) throw new Error(`${file}: fields this renderer does not apply: ${unknown.join(", ")}`);
  if (k.apiVersion !== "kustomize.config.k8s.io/v1beta1" || k.kind !== "Kustomization") {
    throw new Error(`${file}: not a kustomize.config.k8s.io/v1beta1 Kustomization`);
  }
  let manifests = [];
  for (const resource of k.resources ?? []) {
    const path = join(dir, resource);
    if (statSync(path).isDirectory()) {
      manifests.push(...render(path));
    } else {
      for (const doc of parseAllDocuments(readFileSync(path, "utf8"))) {
        const m = doc.toJSON();
        if (m) manifests.push({ source: path, manifest: m });
      }
    }
  }
  // a manifest beside the kustomization that it does not list would never be applied
  const listed = new Set((k.resources ?? []).map((r) => join(dir, r)));
  for (const name of readdirSync(dir)) {
    if (/\.ya?ml$/.test(name) && name !== "kustomization.yaml" && !listed.has(join(dir, name))) {
      throw new Error(`${join(dir, name)} is not listed in ${file}`);
    }
  }
  for (const image of k.images ?? []) {
    let used = false;
    for (const { manifest } of manifests) {
      for (const c of containersOf(manifest)) {
        const [name, tag] = c.image.split(":");
        if (name === image.name) {
          c.image = `${image.newName ?? name}:${image.newTag ?? tag}`;
          used = true;
        }
      }
    }
    if (!used) throw new Error(`${file}: image ${image.name} is used by no container`);
  }
  for (const p of k.patches ?? []) {
    const targets = manifests.filter(({ manifest }) =>
      manifest.kind === p.target?.kind && manifest.metadata?.name === p.target?.name);
    if (targets.length !== 1) {
      throw new Error(`${file}: patch target ${p.target?.kind}/${p.target?.name} matches ${targets.length} manifests`);
    }
    const ops = parse(p.patch);
    const errors = jsonpatch.validate(ops, targets[0].manifest);
    if (errors) throw new Error(`${file}: patch of ${p.target.kind}/${p.target.name}: ${errors.message}`);
    targets[0].manifest = jsonpatch.applyPatch(targets[0].manifest, ops, true, false).newDocument;
    targets[0].source = `${targets[0].source} patched by ${file}`;
  }
  return manifests;
}

function containersOf(manifest) {
  const pod = manifest.spec?.template?.spec ?? manifest.spec?.jobTemplate?.spec?.template?.spec;
  return [...(pod?.initContainers ?? []), ...(pod?.containers ?? [])];
}
