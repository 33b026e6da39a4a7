#!/usr/bin/env node
// Re-attaches what `serverless remove` kept (the tables and the log groups, DeletionPolicy
// RetainExceptOnCreate) to a new stack of the same stage, so that `serverless deploy` can run
// again: their names are fixed, and CloudFormation refuses to create what already exists.
//
//   npx serverless package --stage prod --region ap-southeast-1      # with the deploy's TCCC_AUTH
//   node scripts/reattach-retained.mjs [--package .serverless] [--skip LogicalId,...]
//
// Offline: it writes, next to the packaged template, the template and the resources-to-import list
// of a CloudFormation IMPORT change set, and prints the `aws` commands that use them (run those
// with the stage's credentials). `--skip` leaves out what no longer exists (e.g. a log group
// deleted by hand, or the token function's when the stage never ran oauth2).
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

/** The property that identifies an existing resource of each type CloudFormation can import. */
const IMPORT_IDENTIFIERS = {
  'AWS::DynamoDB::Table': 'TableName',
  'AWS::Logs::LogGroup': 'LogGroupName',
};
/** Retained by the framework, but gone with their function: nothing to re-attach. */
const NOT_REATTACHED = new Set(['AWS::Lambda::Version']);
const RETAINED = new Set(['Retain', 'RetainExceptOnCreate']);
const CHANGE_SET_NAME = 'reattach-retained';

/** Logical ids a resource's definition refers to (Ref, Fn::GetAtt, Fn::Sub), pseudo parameters aside. */
function referencedIds(value, found = new Set()) {
  if (Array.isArray(value)) for (const item of value) referencedIds(item, found);
  else if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      if (key === 'Ref' && typeof inner === 'string') found.add(inner);
      else if (key === 'Fn::GetAtt') found.add([inner].flat()[0].split('.')[0]);
      else if (key === 'Fn::Sub') {
        const text = [inner].flat()[0];
        for (const [, name] of String(text).matchAll(/\$\{([^}!]+)\}/g)) found.add(name.split('.')[0]);
        referencedIds([inner].flat().slice(1), found);
      } else referencedIds(inner, found);
    }
  }
  for (const id of found) if (id.startsWith('AWS::')) found.delete(id);
  return found;
}

/**
 * From the packaged templates: the import template (the framework's first stack, i.e. the
 * deployment bucket, plus every retained resource) and the resources to import.
 */
function reattachPlan(updateTemplate, createTemplate, skip = []) {
  const toImport = [];
  const resources = { ...createTemplate.Resources };
  for (const [logicalId, resource] of Object.entries(updateTemplate.Resources)) {
    if (!RETAINED.has(resource.DeletionPolicy) || NOT_REATTACHED.has(resource.Type)) continue;
    if (skip.includes(logicalId)) continue;
    const identifier = IMPORT_IDENTIFIERS[resource.Type];
    if (!identifier) throw new Error(`${logicalId} (${resource.Type}) is retained but this script cannot re-attach it`);
    const name = resource.Properties?.[identifier];
    if (typeof name !== 'string') throw new Error(`${logicalId}: ${identifier} must be a fixed name to be re-attached`);
    if (resource.Condition) throw new Error(`${logicalId} has a condition; re-attach it by hand`);
    // The import template holds no other resource: one it needs would not exist yet.
    const outside = [...referencedIds(resource)].filter((id) => !(id in createTemplate.Resources));
    if (outside.length > 0) throw new Error(`${logicalId} refers to ${outside.join(', ')}, not re-attachable with it`);
    // Retain while imported; the next deploy sets the template's own policy back.
    resources[logicalId] = { ...resource, DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' };
    toImport.push({
      ResourceType: resource.Type,
      LogicalResourceId: logicalId,
      ResourceIdentifier: { [identifier]: name },
    });
  }
  for (const id of skip) {
    if (!(id in updateTemplate.Resources)) throw new Error(`--skip ${id}: no such resource in the packaged template`);
  }
  return { template: { ...createTemplate, Resources: resources }, toImport };
}

function main() {
  const { values } = parseArgs({
    options: { package: { type: 'string', default: '.serverless' }, skip: { type: 'string', default: '' } },
  });
  const dir = values.package;
  const read = (file) => JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
  const state = read('serverless-state.json');
  const { service } = state;
  const stage = service.provider.stage;
  const region = service.provider.region;
  const stackName = service.provider.stackName ?? `${service.service}-${stage}`;
  const skip = values.skip.split(',').filter(Boolean);
  const { template, toImport } = reattachPlan(
    read('cloudformation-template-update-stack.json'),
    read('cloudformation-template-create-stack.json'),
    skip,
  );
  const templateFile = path.join(dir, 'reattach-template.json');
  const resourcesFile = path.join(dir, 'reattach-resources.json');
  writeFileSync(templateFile, `${JSON.stringify(template, null, 2)}\n`);
  writeFileSync(resourcesFile, `${JSON.stringify(toImport, null, 2)}\n`);

  const stack = `--stack-name ${stackName} --region ${region}`;
  const changeSet = `${stack} --change-set-name ${CHANGE_SET_NAME}`;
  console.log(`Re-attaching to stack ${stackName} (${region}): ${toImport.map((r) => r.LogicalResourceId).join(', ')}`);
  console.log(`Wrote ${templateFile} and ${resourcesFile}. With the stage's AWS credentials, run:\n`);
  for (const command of [
    // The framework's first stack (its deployment bucket), as `serverless deploy` would create it.
    `aws cloudformation create-stack ${stack} --template-body file://${path.join(dir, 'cloudformation-template-create-stack.json')}`,
    `aws cloudformation wait stack-create-complete ${stack}`,
    `aws cloudformation create-change-set ${changeSet} --change-set-type IMPORT --resources-to-import file://${resourcesFile} --template-body file://${templateFile}`,
    `aws cloudformation wait change-set-create-complete ${changeSet}`,
    `aws cloudformation execute-change-set ${changeSet}`,
    `aws cloudformation wait stack-import-complete ${stack}`,
  ]) {
    console.log(command);
  }
  console.log('\nthen deploy as usual (`npx serverless deploy --stage ... --region ...`, same TCCC_AUTH).');
}

// A mistake on the command line or a missing package is one line, not a stack trace.
try {
  main();
} catch (error) {
  const missing = error.code === 'ENOENT' ? `${error.path} not found: package the stage first` : undefined;
  console.error(`npm run reattach: ${missing ?? error.message}`);
  process.exit(1);
}
