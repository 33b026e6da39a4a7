import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

export const ROOT = path.join(__dirname, '..', '..');
const SERVERLESS = path.join(ROOT, 'node_modules/serverless/bin/serverless.js');

export interface Resource {
  Type: string;
  Properties: any;
  Condition?: string;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
  DependsOn?: string | string[];
}
export interface Template {
  Parameters?: Record<string, { Default?: string; AllowedPattern?: string }>;
  Conditions?: Record<string, unknown>;
  Resources: Record<string, Resource>;
}
export interface Packaged {
  dir: string;
  template: Template;
}

/** Offline, with no AWS credentials at all: as CI and a new user run it. */
export function offlineEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, SLS_TELEMETRY_DISABLED: '1', ...extra };
  for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_PROFILE', 'AWS_ENDPOINT_URL_DYNAMODB']) {
    delete env[name];
  }
  return env;
}

/**
 * `serverless package --stage ci` into a fresh folder, with its own esbuild work folder so that a
 * concurrent `npm start` keeps its bundles. Not two at once: osls writes part of the output through
 * the service's own .serverless/ folder.
 */
export async function slsPackage(env: NodeJS.ProcessEnv, label: string): Promise<Packaged> {
  const dir = mkdtempSync(path.join(os.tmpdir(), `sls-package-${label}-`));
  try {
    await promisify(execFile)(process.execPath, [SERVERLESS, 'package', '--stage', 'ci', '--package', dir], {
      cwd: ROOT,
      env: { ...env, ESBUILD_WORK_FOLDER: `.esbuild-${label}-${process.pid}` },
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`serverless package failed:\n${stdout ?? ''}\n${stderr ?? ''}`);
  }
  const template = JSON.parse(readFileSync(path.join(dir, 'cloudformation-template-update-stack.json'), 'utf8'));
  return { dir, template };
}

export const resourcesOfType = (template: Template, type: string): Array<[string, Resource]> =>
  Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);

/** Whether a template condition holds with every parameter at its default (Fn::Not, Fn::Equals, Ref). */
export function conditionHolds(template: Template, name: string): boolean {
  const evaluate = (value: any): unknown => {
    if (typeof value !== 'object' || value === null) return value;
    if ('Ref' in value) return template.Parameters?.[value.Ref]?.Default;
    if ('Fn::Not' in value) return !evaluate(value['Fn::Not'][0]);
    if ('Fn::Equals' in value) return evaluate(value['Fn::Equals'][0]) === evaluate(value['Fn::Equals'][1]);
    throw new Error(`condition function not understood: ${JSON.stringify(value)}`);
  };
  return evaluate(template.Conditions?.[name]) === true;
}
