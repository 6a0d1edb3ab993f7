#!/usr/bin/env node
// Fails when src/client/ is not what `npm run generate-client` makes from openapi.json (a stale client, or a
// hand edit). Generates into a temporary folder with the same config and compares file by file.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const committed = join(root, 'src', 'client');
const fresh = mkdtempSync(join(tmpdir(), 'epox-client-'));

function files(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath ?? entry.path, entry.name)))
    .sort();
}

try {
  const run = spawnSync(
    process.execPath,
    [join(root, 'node_modules', '@hey-api', 'openapi-ts', 'bin', 'run.js'), '-f', 'openapi-ts.config.ts', '-o', fresh, '-s'],
    { cwd: root, stdio: 'inherit' },
  );
  if (run.status !== 0) process.exit(run.status ?? 1);

  const expected = files(fresh);
  const actual = files(committed);
  const stale = [
    ...expected.filter((file) => !actual.includes(file)).map((file) => `missing: ${file}`),
    ...actual.filter((file) => !expected.includes(file)).map((file) => `extra: ${file}`),
    ...expected
      .filter((file) => actual.includes(file))
      .filter((file) => readFileSync(join(fresh, file), 'utf8') !== readFileSync(join(committed, file), 'utf8'))
      .map((file) => `differs: ${file}`),
  ];
  if (stale.length > 0) {
    console.error('src/client is stale; run `npm run generate-client`:\n  ' + stale.join('\n  '));
    process.exit(1);
  }
  console.log(`src/client matches openapi.json (${expected.length} files).`);
} finally {
  rmSync(fresh, { recursive: true, force: true });
}
