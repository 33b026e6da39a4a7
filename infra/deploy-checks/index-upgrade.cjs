// Upgrading a stage deployed before the record table had its query indexes (issue 15, item 11).
// CloudFormation creates at most one global secondary index per table update ("Cannot perform
// more than one GSI creation or deletion in a single update"), so such a stage gets them over two
// deploys: INDEX_UPGRADE_STEP=1 deploys the stream and the first index only, then a deploy
// without it adds the second (docs/operations.md, "Upgrading a stage deployed before the indexes").
const TABLE = 'CdrTable';

/** INDEX_UPGRADE_STEP: '' for the whole table, or 1. */
function indexUpgradeStep() {
  const step = process.env.INDEX_UPGRADE_STEP?.trim() ?? '';
  if (step !== '' && step !== '1') {
    throw new Error(`INDEX_UPGRADE_STEP=${step.slice(0, 20)} is not 1 (or unset, for the whole table)`);
  }
  return step;
}

/**
 * The template of that step: the record table with only its first `step` indexes, and only the
 * attribute definitions their keys and the table's use (CloudFormation refuses any other).
 */
function applyIndexUpgradeStep(template, step) {
  if (step === '') return;
  const table = template.Resources[TABLE].Properties;
  table.GlobalSecondaryIndexes = table.GlobalSecondaryIndexes.slice(0, Number(step));
  const keyed = new Set(
    [table.KeySchema, ...table.GlobalSecondaryIndexes.map((index) => index.KeySchema)]
      .flat()
      .map((key) => key.AttributeName),
  );
  table.AttributeDefinitions = table.AttributeDefinitions.filter((definition) => keyed.has(definition.AttributeName));
}

module.exports = { indexUpgradeStep, applyIndexUpgradeStep };
