// Where the alarms go (issue 15, item 8). A stage that is deployed must name it: an e-mail address
// (ALARM_EMAIL, subscribed to the stage's alarm topic) or an existing SNS topic (ALARM_TOPIC_ARN,
// which every alarm then notifies too), or both. Without either, `serverless package`/`deploy`
// stop here: a stage whose alarms reach nobody, or a redeploy that drops the subscription an
// earlier deploy made, is never built by accident. Only the local commands (`offline`,
// `invoke local`: infra/auth-guard.cjs) build without one.
const { isLocalCommand } = require('../auth-guard.cjs');
const { alarmEmail } = require('../settings.cjs');

// An SNS topic's ARN in any partition; the name as SNS allows it (FIFO topics cannot take alarms).
const TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z]{2}(-[a-z]+)+-\d:\d{12}:[A-Za-z0-9_-]{1,256}$/;

/** ALARM_TOPIC_ARN, checked; '' when unset. */
function alarmTopicArn() {
  const arn = process.env.ALARM_TOPIC_ARN?.trim() ?? '';
  if (arn !== '' && !TOPIC_ARN.test(arn)) {
    throw new Error(`ALARM_TOPIC_ARN=${arn.slice(0, 300)} is not the ARN of a standard SNS topic`);
  }
  return arn;
}

const MISSING =
  'Alarms would reach nobody: set ALARM_EMAIL (an address subscribed to the alarm topic) or ALARM_TOPIC_ARN ' +
  '(an SNS topic of yours that every alarm notifies) for every package and deploy of a stage, ' +
  'e.g. ALARM_EMAIL=oncall@example.com (docs/operations.md, "Where alarms go").';

/** Both destinations, checked; throws when a deployable build names neither. */
function alarmDestination(argv = process.argv) {
  const destination = { email: alarmEmail(), topicArn: alarmTopicArn() };
  if (destination.email === '' && destination.topicArn === '' && !isLocalCommand(argv)) throw new Error(MISSING);
  return destination;
}

module.exports = {
  /** For serverless.yml: the e-mail address ('' for none), once the destination is known. */
  email: () => alarmDestination().email,
  /** For serverless.yml and the template plugin: the topic ARN ('' for none). */
  topicArn: () => alarmDestination().topicArn,
  alarmDestination,
  MISSING,
};
