/**
 * Condition element evaluation, as AWS documents it:
 *  - every clause (operator + key) must hold (AND);
 *  - a clause holds when the request value matches any policy value (OR), or, for a negated
 *    operator (StringNotEquals, NotIpAddress, ...), matches none of them (NOR);
 *  - a key missing from the request makes a positive operator false and a negated one true;
 *    `...IfExists` makes any operator true when the key is missing; `Null` tests presence only;
 *  - `ForAllValues:` holds when every request value matches (and when the key is missing);
 *    `ForAnyValue:` holds when at least one does (and is false when the key is missing).
 *  - A multivalued key without a set qualifier behaves like `ForAnyValue:` for a positive
 *    operator and like its complement for a negated one (no request value matches any policy value).
 */
import { OPERATORS, supportsVariables } from './condition-operators.js';
import type { ConditionClause, PolicyVersion } from './document.js';
import type { VariableLookup } from './patterns.js';
import { contextValues, type ContextScalar, type RequestContext } from './request-context.js';

export function conditionsHold(
  clauses: readonly ConditionClause[],
  context: RequestContext,
  version: PolicyVersion,
  variables: VariableLookup,
): boolean {
  return clauses.every((clause) => clauseHolds(clause, context, version, variables));
}

function clauseHolds(clause: ConditionClause, context: RequestContext, version: PolicyVersion, variables: VariableLookup): boolean {
  const values = contextValues(context, clause.key);
  if (clause.base === 'Null') return nullHolds(clause.values, values === undefined);
  const spec = OPERATORS[clause.base];
  if (values === undefined) {
    if (clause.ifExists || clause.qualifier === 'ForAllValues') return true;
    if (clause.qualifier === 'ForAnyValue') return false;
    return spec.negated;
  }
  const lookup = version === '2012-10-17' && supportsVariables(clause.base) ? variables : undefined;
  const matchesAny = (value: ContextScalar): boolean => clause.values.some((policy) => spec.match(value, policy, lookup));
  const satisfies = (value: ContextScalar): boolean => matchesAny(value) !== spec.negated;
  if (clause.qualifier === 'ForAllValues') return values.every(satisfies);
  if (clause.qualifier === 'ForAnyValue') return values.some(satisfies);
  return values.some(matchesAny) !== spec.negated;
}

/** `"Null": {"key": "true"}` holds when the key is absent; `"false"` when it is present. */
function nullHolds(policyValues: readonly string[], absent: boolean): boolean {
  return policyValues.some((value) => {
    const wanted = value.toLowerCase();
    return (wanted === 'true' && absent) || (wanted === 'false' && !absent);
  });
}
