/**
 * What the caller said and where, beyond the address (issue 18): the caller's account in their
 * own words and the property's UPRN when known. Both are given on creating an incident, kept in
 * its created event and passed to a partner room in a transfer (docs/mait.md), so they hold to
 * the transfer's rules: text XML can carry, at most CALLER_ACCOUNT_MAX characters; 1-12 digits.
 */
import { NOT_XML_TEXT, UPRN_PATTERN } from '../../../proto/mait.ts';
import { JcrError } from '../errors.ts';

/** Characters (code points) of a caller's account. */
export const CALLER_ACCOUNT_MAX = 4000;

/** The create command's caller fields, checked: absent or empty ones are left out of the event. */
export function callerOf(cmd: { callerAccount?: string; uprn?: string }): { callerAccount?: string; uprn?: string } {
  const out: { callerAccount?: string; uprn?: string } = {};
  const account = cmd.callerAccount;
  if (account !== undefined && account.trim() !== '') {
    if (NOT_XML_TEXT.test(account))
      throw new JcrError(
        'JCR_VALIDATION',
        'callerAccount holds a control character or carriage return (new lines are written as \\n)',
        { path: 'callerAccount' },
      );
    if ([...account].length > CALLER_ACCOUNT_MAX)
      throw new JcrError('JCR_VALIDATION', `callerAccount is longer than ${CALLER_ACCOUNT_MAX} characters`, {
        path: 'callerAccount',
      });
    out.callerAccount = account;
  }
  if (cmd.uprn !== undefined) {
    if (!UPRN_PATTERN.test(cmd.uprn))
      throw new JcrError('JCR_VALIDATION', 'uprn must be 1 to 12 digits', { path: 'uprn' });
    out.uprn = cmd.uprn;
  }
  return out;
}
