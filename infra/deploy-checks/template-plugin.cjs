// A serverless plugin (serverless.yml `plugins`) that finishes the packaged template with what the
// deploy checks decided, after every resource of infra/ is merged in and before it is written:
// where the alarms go (alarm-destination.cjs) and the index upgrade step (index-upgrade.cjs).
const { applyIndexUpgradeStep } = require('./index-upgrade.cjs');

/** Every alarm notifies ALARM_TOPIC_ARN as well as the stage's own topic, whichever file defines it. */
function notifyTopic(template, topicArn) {
  if (topicArn === '') return;
  for (const resource of Object.values(template.Resources)) {
    if (resource.Type !== 'AWS::CloudWatch::Alarm') continue;
    for (const actions of ['AlarmActions', 'OKActions']) {
      if (resource.Properties[actions]) resource.Properties[actions].push(topicArn);
    }
  }
}

class DeployChecks {
  constructor(serverless) {
    this.hooks = {
      'before:aws:package:finalize:saveServiceState': () => {
        const template = serverless.service.provider.compiledCloudFormationTemplate;
        const { alarmTopicArn, indexUpgradeStep } = serverless.service.custom;
        notifyTopic(template, alarmTopicArn);
        applyIndexUpgradeStep(template, String(indexUpgradeStep ?? ''));
      },
    };
  }
}

module.exports = DeployChecks;
