// Validates Kubernetes manifests against the Kubernetes API's own schemas (the kubernetes-models package is
// generated from them): unknown fields, wrong types and missing required fields fail. Usage: node validate.mjs FILE...
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

let failures = 0;
let checked = 0;
for (const file of process.argv.slice(2)) {
  for (const doc of parseAllDocuments(readFileSync(file, "utf8"))) {
    const manifest = doc.toJSON();
    if (!manifest) continue;
    const { apiVersion, kind } = manifest;
    const modulePath = "kubernetes-models/" + (apiVersion.includes("/") ? apiVersion : apiVersion);
    try {
      const models = await import(modulePath);
      const Model = models[kind];
      if (!Model) throw new Error(`no model for ${apiVersion} ${kind}`);
      new Model(manifest).validate();
      checked++;
      console.log(`ok   ${file}: ${kind} ${manifest.metadata?.name}`);
    } catch (e) {
      failures++;
      console.error(`FAIL ${file}: ${kind} ${manifest.metadata?.name}: ${e.message}`);
    }
  }
}
console.log(`${checked} manifests valid, ${failures} invalid`);
process.exit(failures === 0 && checked > 0 ? 0 : 1);
